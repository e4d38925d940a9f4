"""tasnif on Spark: classify a DataFrame of articles, and train topics across the cluster.

    >>> from tasnif import spark as ts
    >>> scored = ts.classify(df, tasnif.Model.load("models/topics.tasnif"), text_col="text")
    >>> scored.groupBy("topic").count().show()

The model is broadcast once (it travels as the bytes of its file) and each partition is
classified by the Rust library through ``DataFrame.mapInArrow``, a batch at a time.
"""

from __future__ import annotations

from typing import Iterator

from . import Model, _tasnif

__all__ = ["classify"]


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

