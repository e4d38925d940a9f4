"""tasnif on Spark: classify a DataFrame of articles, and train topics across the cluster.

    >>> from tasnif import spark as ts
    >>> scored = ts.classify(df, tasnif.Model.load("models/topics.tasnif"), text_col="text")
    >>> scored.groupBy("topic").count().show()

The model is broadcast once (it travels as the bytes of its file) and each partition is
classified by the Rust library through ``DataFrame.mapInArrow``, a batch at a time.

``train_topics`` trains across the cluster in passes (``tasnif::topics::passes``): each
partition computes partial statistics (term counts, its LSA rows' sums, the mixture's expected
counts, the topics' word counts), the driver merges them in partition order and takes the small
dense steps (the vocabulary, the SVD of a sample of at most 50,000 articles, k-means restarts on
a sample, the centroid and mixture updates). The partitions keep their articles' count rows and
LSA rows between passes (cached by Spark). The result is an ordinary tasnif model.
"""

from __future__ import annotations

from typing import Iterator, Optional

from . import Model, _tasnif

__all__ = ["classify", "train_topics"]


def classify(df, model: Model, text_col: str = "text", label_col: str = "topic",
             class_col: str = "topic_id", score_col: str = "score"):
    """``df`` with three columns added: the topic (or label) name, its index, and the score
    (``classify --json``'s ``label``, ``class`` and ``score``). A row whose text cannot be
    classified (none, or no Arabic text) gets null, -1 and NaN."""
    import pyarrow as pa
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    for name in (label_col, class_col, score_col):
        if name in df.columns:
            raise ValueError(f"the DataFrame already has a column {name!r}")
    if text_col not in df.columns:
        raise ValueError(f"the DataFrame has no column {text_col!r} (columns: {df.columns})")
    spark = df.sparkSession
    shipped = spark.sparkContext.broadcast(model.to_bytes())
    schema = StructType(df.schema.fields + [
        StructField(label_col, StringType(), True),
        StructField(class_col, LongType(), False),
        StructField(score_col, DoubleType(), True),
    ])

    def run(batches: Iterator["pa.RecordBatch"]) -> Iterator["pa.RecordBatch"]:
        inner = _tasnif.Model.from_bytes(shipped.value)
        for batch in batches:
            texts = batch.column(batch.schema.get_field_index(text_col)).to_pylist()
            labels, classes, scores = inner.classify_columns(texts)
            yield pa.RecordBatch.from_arrays(
                list(batch.columns) + [pa.array(labels, pa.string()), pa.array(classes, pa.int64()),
                                       pa.array(scores, pa.float64())],
                schema=batch.schema.append(pa.field(label_col, pa.string()))
                .append(pa.field(class_col, pa.int64(), nullable=False))
                .append(pa.field(score_col, pa.float64())))

    return df.mapInArrow(run, schema)



def train_topics(df, k: Optional[int] = None, *, text_col: str = "text", topics=None,
                 seed: int = 42, corpus: str = "spark DataFrame") -> Model:
    """Discovers topics in the articles of ``df`` (column ``text_col``) across the cluster: the
    model ``tasnif.train_topics`` (and ``tasnif train``) would train on the same articles in the
    same order (the order of ``df.select(text_col)``, partition after partition). ``topics`` names topics as in ``tasnif.train_topics`` (a topics file's path or
    a list of dicts). Articles without Arabic text are skipped and counted in the model's facts.
    """
    from pyspark import StorageLevel

    if text_col not in df.columns:
        raise ValueError(f"the DataFrame has no column {text_col!r} (columns: {df.columns})")
    if topics is not None and hasattr(topics, "__fspath__"):
        topics = str(topics)
    sc = df.sparkSession.sparkContext
    driver = _tasnif.PassDriver(k, seed, topics)
    texts = df.select(text_col).rdd.map(lambda r: r[0])
    shared = []  # the broadcasts of this run, released at the end

    def share(value):
        b = sc.broadcast(value)
        shared.append(b)
        return b

    def each(rdd, f):
        """f of every partition, the results in partition order."""
        return rdd.mapPartitionsWithIndex(lambda i, it: [(i, f(i, list(it)))]).collect()

    cached = []  # the partitions' rows and LSA rows, kept between passes

    def keep(rdd):
        rdd = rdd.persist(StorageLevel.MEMORY_AND_DISK)
        cached.append(rdd)
        return rdd

    try:
        # the articles in one order for the two passes that read them (a DataFrame's row order
        # can change between evaluations, e.g. after a round-robin repartition)
        texts = keep(texts)
        # 1: counts
        plan = share(driver.plan())
        counted = each(texts, lambda i, part: _tasnif.share_counts(plan.value, part))
        firsts, at, skipped = [], 0, 0
        for _, (counts, kept, skip) in counted:
            driver.add_counts(counts)
            firsts.append(at)
            at += kept
            skipped += skip
        driver.vocabulary()
        # 2: each partition's count rows (kept), the SVD's sample to the driver
        plan, starts = share(driver.plan()), share(firsts)
        rows = keep(texts.mapPartitionsWithIndex(
            lambda i, it: [(i, _tasnif.share_rows(plan.value, starts.value[i], list(it)))]))
        driver.fit_svd([s for _, s in sorted(rows.map(lambda r: (r[0], r[1][1])).collect())])
        rows = rows.map(lambda r: (r[0], r[1][0]))
        texts.unpersist()
        # 3: LSA rows (kept), what k-means's start needs to the driver
        plan = share(driver.plan())
        lsa = keep(rows.map(lambda r: (r[0], _tasnif.share_lsa(plan.value, r[1]))))
        lloyd = driver.cluster([p for _, p in sorted(lsa.map(lambda r: (r[0], r[1][1])).collect())])
        lsa = lsa.map(lambda r: (r[0], r[1][0]))
        # 4: Lloyd's iterations over every row
        while lloyd:
            plan = share(driver.plan())
            parts = lsa.map(lambda r: (r[0], _tasnif.share_assign(plan.value, r[1]))).collect()
            lloyd = driver.lloyd([p for _, p in sorted(parts)])
        # 5: the mixture refinement
        n_topics = driver.k()
        plan, labels = share(driver.plan()), share(driver.labels())
        hard = rows.map(
            lambda r: (r[0], _tasnif.share_hard(plan.value, r[1], labels.value, n_topics))).collect()
        more = driver.start_mixture([h for _, h in sorted(hard)])
        while more:
            plan, collect = share(driver.plan()), driver.mixture_collects()
            steps = rows.map(lambda r: (r[0], _tasnif.share_e_step(plan.value, r[1], collect))).collect()
            more = driver.mixture_step([s for _, s in sorted(steps)])
        # 6: centroids and topic descriptions
        labels = share(driver.settle())
        sums = lsa.map(lambda r: (r[0], _tasnif.share_sums(r[1], labels.value, n_topics))).collect()
        driver.centroids([s for _, s in sorted(sums)])
        plan = share(driver.plan())
        described = rows.join(lsa).map(
            lambda r: (r[0], _tasnif.share_describe(plan.value, r[1][0], r[1][1], labels.value))
        ).collect()
        return Model(driver.finish([d for _, d in sorted(described)], corpus, skipped))
    finally:
        for b in shared:
            b.unpersist()
        for r in cached:
            r.unpersist()
