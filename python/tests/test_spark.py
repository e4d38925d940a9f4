"""tasnif on Spark (local[2]): the same results as the command, row for row."""

import json

import pytest

import tasnif
import tasnif.spark
from conftest import ANT, MODEL, cli_json_lines, data_files

pyspark = pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    import os
    import sys

    from pyspark.sql import SparkSession

    # the workers run this interpreter (the one tasnif is installed in)
    os.environ["PYSPARK_PYTHON"] = sys.executable
    s = (SparkSession.builder.master("local[2]").appName("tasnif-tests")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .config("spark.driver.memory", "2g")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def test_classify_on_spark_equals_the_command_on_data(spark):
    files = data_files()
    df = spark.createDataFrame([(i, t) for i, _, t in files], "id string, text string").repartition(3)
    rows = {r["id"]: r for r in tasnif.spark.classify(df, tasnif.Model.load(MODEL)).collect()}
    want = cli_json_lines("classify", MODEL, "data", "--json")
    assert len(rows) == len(want) == 111
    for w in want:
        r = rows[w["id"]]
        assert (r["topic"], r["topic_id"], r["score"]) == (w["label"], w["class"], w["score"])


def test_classify_on_spark_equals_the_command_on_ant(spark, tmp_path):
    if not ANT.exists():
        pytest.skip(f"the ANT corpus is not in {ANT.parent}")
    want = cli_json_lines("classify", MODEL, ANT, "--json")
    df = spark.read.json(str(ANT)).select("id", "title", "text")
    # the command reads a JSON Lines record as its title, a line break, then its text
    from pyspark.sql import functions as F
    df = df.withColumn("article", F.concat_ws("\n", F.col("title"), F.col("text")))
    rows = tasnif.spark.classify(df, tasnif.Model.load(MODEL), text_col="article").select(
        "id", "topic", "topic_id", "score").collect()
    got = {r["id"]: r for r in rows}
    assert len(got) == len(want) == 28933
    mismatched = [w["id"] for w in want
                  if (got[w["id"]]["topic"], got[w["id"]]["topic_id"], got[w["id"]]["score"])
                  != (w["label"], w["class"], w["score"])]
    assert not mismatched, mismatched[:5]


def test_a_missing_text_column_is_named(spark):
    df = spark.createDataFrame([("a", "نص")], "id string, body string")
    with pytest.raises(ValueError, match="no column 'text'"):
        tasnif.spark.classify(df, tasnif.Model.load(MODEL))
    rows = tasnif.spark.classify(
        spark.createDataFrame([("a", None), ("b", "hello world")], "id string, text string"),
        tasnif.Model.load(MODEL)).collect()
    assert [(r["topic"], r["topic_id"]) for r in rows] == [(None, -1), (None, -1)]


def _nmi(a, b):
    from sklearn.metrics import normalized_mutual_info_score

    return normalized_mutual_info_score(a, b)


def test_topics_trained_across_partitions_are_those_trained_at_once(spark):
    files = data_files()
    texts = [t for _, _, t in files]
    df = spark.createDataFrame([(i, t) for i, _, t in files], "id string, text string").repartition(3)
    # the order of the documents is the DataFrame's, partition after partition (the order of
    # the same projection: a round-robin repartition orders other projections otherwise)
    ordered = [r["text"] for r in df.select("text").collect()]
    assert sorted(ordered) == sorted(texts)
    for topics in (None, MODEL.parents[1] / "data" / "topics.toml"):
        spread = tasnif.spark.train_topics(df, k=4, topics=topics)
        at_once = tasnif.train_topics(ordered, k=4, topics=topics)
        assert spread.vocabulary == at_once.vocabulary
        a = [r["class"] for r in spread.classify(texts)]
        b = [r["class"] for r in at_once.classify(texts)]
        assert _nmi(a, b) >= 0.99, (topics, _nmi(a, b))
        assert spread.facts["n_docs"] == 111
        if topics is not None:
            assert [t["label"] for t in spread.topics] == [t["label"] for t in at_once.topics]


def test_topics_trained_across_partitions_on_ant(spark):
    if not ANT.exists():
        pytest.skip(f"the ANT corpus is not in {ANT.parent}")
    from pyspark.sql import functions as F

    df = (spark.read.json(str(ANT)).select("id", "title", "text", "label")
          .withColumn("article", F.concat_ws("\n", F.col("title"), F.col("text"))))
    spread = tasnif.spark.train_topics(df, k=6, text_col="article")
    texts = [r["article"] for r in df.select("article").collect()]
    at_once = tasnif.train_topics(texts, k=6)
    a = [r["class"] for r in spread.classify(texts)]
    b = [r["class"] for r in at_once.classify(texts)]
    assert _nmi(a, b) >= 0.99, _nmi(a, b)
    truth = {r["article"]: r["label"] for r in df.select("article", "label").collect()}
    assert _nmi([truth[t] for t in texts], a) > 0.45
