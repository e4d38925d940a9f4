"""Side-by-side supervised classification on the ANT outlet split.

Peers, on the same documents (train: skynews + alarabia, test: BBC + CNN + france24):
  * scikit-learn 1.5.2: TfidfVectorizer() (default analyser) + LinearSVC() (default C=1)
  * fastText supervised: 10 epochs, wordNgrams=2 (other settings default), 2 threads
and tasnif, whose numbers come from lab `supervised_eval` (JSON file passed with
--tasnif-json). "train s" is end to end from raw text: tokenising/analysing + TF-IDF +
classifier fit. "predict/s" is batch throughput over all test articles from raw text.

Usage: python supervised_compare.py DOCS.jsonl [--tasnif-json FILE] [--json OUT]
"""

import argparse
import json
import os
import tempfile
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

TRAIN = {"skynews", "alarabia"}
TEST = {"BBC", "CNN", "france24"}


def doc_text(d):
    # DOCS.jsonl is written by `supervised_eval --dump-docs`: the texts exactly as tasnif read
    # them (title + text, cleaned), so every system sees the same documents.
    return d["text"]


def load(path):
    tr, te = [], []
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        if d["source"] in TRAIN:
            tr.append(d)
        elif d["source"] in TEST:
            te.append(d)
    return tr, te


def scores(y_true, y_pred):
    return {
        "macro_f1": f1_score(y_true, y_pred, average="macro", zero_division=0),
        "accuracy": accuracy_score(y_true, y_pred),
    }


def median_latency_ms(predict_one, articles):
    """Single-article latency after load: median over the first 200 articles."""
    lat = []
    for s in articles[:200]:
        t0 = time.perf_counter()
        predict_one(s)
        lat.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(lat))


def run_sklearn(xtr, ytr, xte, yte):
    t = time.perf_counter()
    vec = TfidfVectorizer()
    a = vec.fit_transform(xtr)
    clf = LinearSVC().fit(a, ytr)
    train_s = time.perf_counter() - t
    t = time.perf_counter()
    pred = clf.predict(vec.transform(xte))
    pred_s = time.perf_counter() - t
    out = scores(yte, pred)
    out.update(
        train_seconds=train_s,
        predict_articles_per_s=len(xte) / pred_s,
        latency_ms_median=median_latency_ms(lambda s: clf.predict(vec.transform([s])), xte),
        n_features=len(vec.vocabulary_),
    )
    return out


def run_fasttext(xtr, ytr, xte, yte):
    import fasttext

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "train.txt")
        with open(path, "w", encoding="utf-8") as f:
            for s, y in zip(xtr, ytr):
                f.write("__label__%s %s\n" % (y, " ".join(s.split())))
        t = time.perf_counter()
        m = fasttext.train_supervised(
            input=path, epoch=10, wordNgrams=2, thread=2, seed=0, verbose=0
        )
        train_s = time.perf_counter() - t
    # model.predict() breaks on numpy 2 (np.array(copy=False)); the C++ binding is fine.
    lines = [" ".join(s.split()) for s in xte]
    t = time.perf_counter()
    pred = [m.f.predict(s, 1, 0.0, "strict")[0][1][len("__label__"):] for s in lines]
    pred_s = time.perf_counter() - t
    out = scores(yte, pred)
    out.update(
        train_seconds=train_s,
        predict_articles_per_s=len(xte) / pred_s,
        latency_ms_median=median_latency_ms(lambda s: m.f.predict(s, 1, 0.0, "strict"), lines),
    )
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("docs")
    ap.add_argument("--tasnif-json")
    ap.add_argument("--json")
    args = ap.parse_args()
    tr, te = load(args.docs)
    xtr, ytr = [doc_text(d) for d in tr], [d["label"] for d in tr]
    xte, yte = [doc_text(d) for d in te], [d["label"] for d in te]
    print(f"train {len(xtr)} articles (skynews, alarabia), test {len(xte)} (BBC, CNN, france24)")
    rows = {}
    if args.tasnif_json:
        rows["tasnif"] = json.load(open(args.tasnif_json))
    rows["sklearn LinearSVC (default TfidfVectorizer)"] = run_sklearn(xtr, ytr, xte, yte)
    rows["fastText (10 epochs, wordNgrams=2)"] = run_fasttext(xtr, ytr, xte, yte)
    print(
        f"{'system':<45} {'macro-F1':>9} {'accuracy':>9} {'train s':>8} "
        f"{'predict/s':>10} {'latency ms':>11}"
    )
    for name, r in rows.items():
        print(
            f"{name:<45} {r['macro_f1']:>9.4f} {r['accuracy']:>9.4f} "
            f"{r['train_seconds']:>8.2f} {r['predict_articles_per_s']:>10.0f} "
            f"{r.get('latency_ms_median', float('nan')):>11.3f}"
        )
    if args.json:
        json.dump(rows, open(args.json, "w"), indent=2)


if __name__ == "__main__":
    main()
