#!/usr/bin/env python3
"""Topic training on Spark, tasnif beside an MLlib pipeline, on full ANT in local[2].

    python/.venv/bin/python benches/compare/spark_topics.py [--seed 42] [--partitions 4]

Both read the same cached DataFrame (title + text of each article, as the command reads them)
and train k = 6 topics with the same seed; wall time is the training alone, NMI is against ANT's
labels over every article (each model placing the articles: tasnif.spark.classify, MLlib's
transform). MLlib: Tokenizer -> CountVectorizer (its defaults) -> IDF -> KMeans (k-means||),
the pipeline the issue names; it has no Arabic analysis.
"""

import argparse
import os
import sys
import time

from pyspark.ml import Pipeline
from pyspark.ml.clustering import KMeans
from pyspark.ml.feature import IDF, CountVectorizer, Tokenizer
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from sklearn.metrics import normalized_mutual_info_score

import tasnif
import tasnif.spark

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANT = os.path.join(ROOT, "..", "shared", "corpora", "ant-multisource", "ant-multisource.jsonl")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--partitions", type=int, default=4)
    a = ap.parse_args()
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (SparkSession.builder.master("local[2]").appName("tasnif-bench")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = (spark.read.json(ANT).select("id", "label", F.concat_ws("\n", "title", "text").alias("text"))
          .repartition(a.partitions, "id").cache())
    n = df.count()
    print(f"{n} articles, {a.partitions} partitions, local[2], seed {a.seed}")

    t = time.perf_counter()
    model = tasnif.spark.train_topics(df, k=6, seed=a.seed)
    ours = time.perf_counter() - t
    placed = tasnif.spark.classify(df, model).select("label", "topic_id").collect()
    ours_nmi = normalized_mutual_info_score([r[0] for r in placed], [r[1] for r in placed])

    pipeline = Pipeline(stages=[Tokenizer(inputCol="text", outputCol="words"),
                                CountVectorizer(inputCol="words", outputCol="tf"),
                                IDF(inputCol="tf", outputCol="features"),
                                KMeans(k=6, seed=a.seed, featuresCol="features")])
    t = time.perf_counter()
    fitted = pipeline.fit(df)
    theirs = time.perf_counter() - t
    placed = fitted.transform(df).select("label", "prediction").collect()
    theirs_nmi = normalized_mutual_info_score([r[0] for r in placed], [r[1] for r in placed])

    print(f"{'':<44} {'train s':>8} {'NMI':>6}")
    print(f"{'tasnif.spark.train_topics':<44} {ours:>8.1f} {ours_nmi:>6.3f}")
    print(f"{'MLlib Tokenizer+CountVectorizer+IDF+KMeans':<44} {theirs:>8.1f} {theirs_nmi:>6.3f}")
    print(f"tasnif: {theirs / ours:.1f}x faster, NMI {ours_nmi - theirs_nmi:+.3f}")
    spark.stop()


if __name__ == "__main__":
    main()
