#!/usr/bin/env python3
"""Label-shift check: does re-estimating the label priors on the test batch help?

    tasnif train ANT --supervised --sources skynews,alarabia --out ant.tasnif --quiet
    python3 -c 'import json,sys
    for l in open(sys.argv[1]):
        if json.loads(l)["source"] in ("BBC","CNN","france24"): print(l, end="")' ANT > test.jsonl
    tasnif classify ant.tasnif - --json < test.jsonl > pred.jsonl
    benches/compare/.venv/bin/python benches/compare/prior_shift.py test.jsonl pred.jsonl

EM of Saerens, Latinne & Decaestecker (2002) on the probabilities `classify --json` prints:
posteriors are re-weighted by new/old prior until the priors settle, once over the whole test
batch and once per outlet. The old priors are the training outlets' label shares. Prints
macro-F1 before and after, and with the true test shares as an
oracle bound (README, Limits: it made things worse, so tasnif does not do it).
"""
import collections
import json
import sys

import numpy as np
from sklearn.metrics import f1_score

TRAIN_SOURCES = ("skynews", "alarabia")


def em(p, prior, iterations=100):
    q = prior.copy()
    for _ in range(iterations):
        w = p * (q / prior)
        w /= w.sum(1, keepdims=True)
        q = w.mean(0)
    return w, q


def main(test_path, pred_path, corpus_path=None):
    truth = {}
    for line in open(test_path, encoding="utf-8"):
        d = json.loads(line)
        truth[d["id"]] = (d["label"], d["source"])
    probs, y, src, labels = [], [], [], None
    for line in open(pred_path, encoding="utf-8"):
        d = json.loads(line)
        labels = [name for name, _ in d["probabilities"]]
        probs.append([p for _, p in d["probabilities"]])
        label, source = truth[d["id"]]
        y.append(labels.index(label))
        src.append(source)
    p, y, src = np.array(probs), np.array(y), np.array(src)
    corpus = corpus_path or "../shared/corpora/ant-multisource/ant-multisource.jsonl"
    counts = collections.Counter()
    for line in open(corpus, encoding="utf-8"):
        d = json.loads(line)
        if d["source"] in TRAIN_SOURCES:
            counts[d["label"]] += 1
    prior = np.array([counts[label] for label in labels], float)
    prior /= prior.sum()
    print(f"as classified          macro-F1 {f1_score(y, p.argmax(1), average='macro'):.3f}")
    w, q = em(p, prior)
    print(f"EM over the batch      macro-F1 {f1_score(y, w.argmax(1), average='macro'):.3f}")
    print("  priors  " + "  ".join(f"{l} {a:.3f}→{b:.3f}" for l, a, b in zip(labels, prior, q)))
    pred = np.zeros(len(y), int)
    for s in sorted(set(src)):
        m = src == s
        w, _ = em(p[m], prior)
        pred[m] = w.argmax(1)
    print(f"EM per outlet          macro-F1 {f1_score(y, pred, average='macro'):.3f}")
    true_share = np.bincount(y, minlength=len(labels)) / len(y)
    print("  true test shares  " + "  ".join(f"{l} {s:.3f}" for l, s in zip(labels, true_share)))
    # An upper bound no user has: the test batch's true label shares as the new priors.
    w = p * (true_share / prior)
    print(f"true shares (oracle)   macro-F1 {f1_score(y, w.argmax(1), average='macro'):.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:])
