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
