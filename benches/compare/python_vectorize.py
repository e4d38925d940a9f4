#!/usr/bin/env python3
"""tasnif.TfidfVectorizer beside scikit-learn's TfidfVectorizer, in one Python process, on the
full ANT corpus (title + text of every article, as the command reads them).

    python/.venv/bin/python benches/compare/python_vectorize.py [--repeat 3]

Both with their defaults: scikit-learn's regex tokeniser (no Arabic normalisation, no stemming)
against tasnif's analysis (normalise, tokenise, stopwords, light stem). Times are fit_transform
alone (the texts already in memory), best of --repeat runs, on every core (tasnif; scikit-learn's
vectoriser is single-threaded).
"""

import argparse
import json
import os
import time

import tasnif
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANT = os.path.join(ROOT, "..", "shared", "corpora", "ant-multisource", "ant-multisource.jsonl")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    texts = []
    with open(ANT, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts.append(f"{d.get('title') or ''}\n{d['text']}")
    mb = sum(len(t.encode()) for t in texts) / 2**20
    print(f"{len(texts)} articles, {mb:.0f} MiB of text")
    rows = []
    for name, make in [("scikit-learn TfidfVectorizer()", TfidfVectorizer),
                       ("tasnif.TfidfVectorizer()", tasnif.TfidfVectorizer)]:
        best, shape = float("inf"), None
        for _ in range(a.repeat):
            t = time.perf_counter()
            x = make().fit_transform(texts)
            best = min(best, time.perf_counter() - t)
            shape = (x.shape, x.nnz)
        rows.append((name, best, shape))
        print(f"{name:<32} fit_transform {best:6.2f} s  {mb / best:6.1f} MiB/s  "
              f"{shape[0][0]} x {shape[0][1]}, {shape[1]} non-zeros")
    print(f"tasnif / scikit-learn: {rows[0][1] / rows[1][1]:.1f}x faster")


if __name__ == "__main__":
    main()
