"""scikit-learn side of tests/tfidf_parity.rs.

usage: tfidf_parity.py DIR
DIR/docs.txt: one document per line, its analysed terms separated by single spaces.
DIR/grid.json: {"vocab": [...], "weighting": [...]} (sklearn parameter names).
For every vocab config × weighting config, writes DIR/out_V_W.{vocab,indptr,indices,data}
(vocabulary one term per line; CSR with sorted indices: int64, int32, float64 little-endian)
and DIR/manifest.json listing each run, its effective max_features, or sklearn's error.

TfidfVectorizer is CountVectorizer followed by TfidfTransformer (that is how sklearn
implements fit_transform), so the counts are computed once per vocab config and reweighted per
weighting config; one full TfidfVectorizer run per vocab config checks that equivalence.
"""
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import (
    CountVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)


def count_vectorizer(cfg, max_features):
    return CountVectorizer(
        tokenizer=str.split,
        preprocessor=None,
        lowercase=False,
        token_pattern=None,
        min_df=cfg["min_df"],
        max_df=cfg["max_df"],
        max_features=max_features,
        ngram_range=tuple(cfg["ngram_range"]),
    )


def untied_max_features(docs, cfg):
    """sklearn breaks ties of total count at the max_features cut with a non-stable argsort:
    lower the limit until the cut falls between two different counts."""
    k = cfg["max_features"]
    x = count_vectorizer(cfg, None).fit_transform(docs)
    tfs = np.sort(np.asarray(x.sum(axis=0)).ravel())[::-1]
    while 1 < k < len(tfs) and tfs[k - 1] == tfs[k]:
        k -= 1
    return k


def main():
    d = sys.argv[1]
    with open(f"{d}/docs.txt", encoding="utf-8") as f:
        docs = f.read().split("\n")[:-1]
    grid = json.load(open(f"{d}/grid.json"))
    manifest = []
    for vi, cfg in enumerate(grid["vocab"]):
        mf = cfg.get("max_features")
        try:
            if mf is not None:
                mf = untied_max_features(docs, cfg)
            counts = count_vectorizer(cfg, mf)
            x = counts.fit_transform(docs)
        except ValueError as e:
            manifest.append({"vocab": vi, "error": str(e)})
            continue
        vocab = counts.get_feature_names_out()
        for wi, w in enumerate(grid["weighting"]):
            y = TfidfTransformer(**w).fit_transform(x)
            if wi == 0:
                full = TfidfVectorizer(
                    tokenizer=str.split, preprocessor=None, lowercase=False,
                    token_pattern=None, min_df=cfg["min_df"], max_df=cfg["max_df"],
                    max_features=mf, ngram_range=tuple(cfg["ngram_range"]), **w,
                ).fit_transform(docs)
                assert abs(full - y).max() <= 1e-14, "TfidfVectorizer != Count + Transformer"
            y = y.tocsr()
            y.sort_indices()
            stem = f"{d}/out_{vi}_{wi}"
            with open(stem + ".vocab", "w", encoding="utf-8") as f:
                f.write("".join(t + "\n" for t in vocab))
            y.indptr.astype("<i8").tofile(stem + ".indptr")
            y.indices.astype("<i4").tofile(stem + ".indices")
            y.data.astype("<f8").tofile(stem + ".data")
            manifest.append({"vocab": vi, "weighting": wi, "max_features": mf})
    json.dump(manifest, open(f"{d}/manifest.json", "w"))


if __name__ == "__main__":
    main()
