#!/usr/bin/env python3
"""Two alternatives for classifying across outlets, measured on the validation folds only:
complement naive Bayes (alone or beside the linear SVM), and self-training on the unlabelled
articles of the outlet being classified.

    benches/compare/.venv/bin/python benches/compare/supervised_alternatives.py

Inside the two training outlets only (the test outlets BBC, CNN, france24 are never read), on
tasnif's own analysed terms (dumped by lab `cluster_eval --dump-terms`) plus word bigrams,
TF-IDF with min_df 5 and sublinear tf, the validation folds of lab `supervised_eval
--validate`: "cross" (train on one outlet, score the other over the labels both have, both ways)
and "mixed" (one outlet whole plus the earlier 70 % by date of the other, scored on its later
30 %, both ways). Prints the macro-F1 of scikit-learn's LinearSVC (C 0.1, balanced), of
ComplementNB (alpha 0.3), and of their sum after standardising each row of scores, at CNB weights
0.25, 0.5, 1. Measured 2026-11-25: SVM mean 0.8615, CNB 0.8431, sums 0.8600 / 0.8580 / 0.8548,
so tasnif does not add complement NB.

Self-training ("self FRAC wW"): the SVM labels the whole held-out outlet part (in the cross folds
every article of the other outlet, its own labels included, as a user's new batch would be), the
FRAC of it with the widest margin between the two best labels joins the training rows at weight
W, and a second SVM is scored. Measured 2026-11-25: best mean 0.8693 (FRAC 1, W 0.3) against
0.8615, all but 0.001 of it in the cross folds (0.8344 → 0.8493); the mixed folds, the only ones
that score middleEast against internationalNews (the test outlets' main confusion), moved by
< 0.002 (0.8886 → 0.8894). (Until 2026-11-25 the mixed folds were cut in the order of the date
strings, i.e. by weekday name, not by date; the numbers above are from the date order. The
conclusions did not change: they were SVM 0.8654, CNB 0.8438, self-training 0.8728.) Not built: it would need the batch's texts at training time (a transductive protocol,
not the outlet split's) for a gain on the confusion that does not limit us.
"""
import json, os, subprocess, tempfile
from email.utils import parsedate_to_datetime
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ANT = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpora", "ant-multisource", "ant-multisource.jsonl"))
SHARED_LABELS = {"economy", "internationalNews", "sport", "technology"}


def analysed_terms(tmp):
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "tasnif-lab", "--bin", "cluster_eval"], cwd=ROOT, check=True)
    out = os.path.join(tmp, "terms.jsonl")
    exe = os.path.join(ROOT, "target", "release", "cluster_eval")
    subprocess.run([exe, "--corpus", ANT, "--k", "6", "--dump-terms", out], check=True, stdout=subprocess.DEVNULL)
    return [json.loads(l)["terms"] for l in open(out, encoding="utf-8")]


def folds(src, lab, date):
    """(name, training rows, held-out rows, which held-out rows are scored)"""
    sk, al = np.where(src == "skynews")[0], np.where(src == "alarabia")[0]
    for a, b in [(sk, al), (al, sk)]:
        yield "cross", a, b, np.array([lab[i] in SHARED_LABELS for i in b])
    for a, b in [(sk, al), (al, sk)]:
        o = b[np.argsort(date[b], kind="stable")]
        cut = int(len(o) * 0.7)
        yield "mixed", np.concatenate([a, o[:cut]]), o[cut:], np.ones(len(o) - cut, bool)


def main():
    meta = [json.loads(l) for l in open(ANT, encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        terms = analysed_terms(tmp)
    assert len(terms) == len(meta), "the dump must keep every ANT line, in order"
    docs = [t + [a + " " + b for a, b in zip(t, t[1:])] for t in terms]
    src, lab = (np.array([m[f] for m in meta]) for f in ("source", "label"))
    # Day of publication as YYYYMMDD, as supervised_eval.rs reads it: the RFC 2822 strings
    # ("Sun, 18 Feb 2018 ...") do not sort by date.
    date = np.array([int(parsedate_to_datetime(m["date"]).strftime("%Y%m%d")) for m in meta])
    z = lambda d: (d - d.mean(1, keepdims=True)) / (d.std(1, keepdims=True) + 1e-12)
    scores = {}
    for fold, tr, te, scored in folds(src, lab, date):
        vec = TfidfVectorizer(analyzer=lambda d: d, min_df=5, sublinear_tf=True)
        xtr, xte = vec.fit_transform([docs[i] for i in tr]), vec.transform([docs[i] for i in te])
        svm = LinearSVC(C=0.1, class_weight="balanced").fit(xtr, lab[tr])
        ds = svm.decision_function(xte)
        dc = np.asarray(xte @ ComplementNB(alpha=0.3).fit(xtr, lab[tr]).feature_log_prob_.T)
        preds = {"svm": ds, "cnb": dc, **{f"svm+{w}cnb": z(ds) + w * z(dc) for w in (0.25, 0.5, 1.0)}}
        guess = svm.classes_[ds.argmax(1)]
        top2 = np.sort(ds, 1)
        widest = np.argsort(-(top2[:, -1] - top2[:, -2]), kind="stable")
        for frac in (0.3, 0.6, 1.0):
            keep = widest[: int(frac * len(te))]
            for w in (0.3, 1.0):
                x2, y2 = sp.vstack([xtr, xte[keep]]), np.concatenate([lab[tr], guess[keep]])
                weight = np.concatenate([np.ones(len(tr)), np.full(len(keep), w)])
                again = LinearSVC(C=0.1, class_weight="balanced").fit(x2, y2, sample_weight=weight)
                preds[f"self {frac} w{w}"] = again.decision_function(xte)
        truth = lab[te][scored]
        for name, d in preds.items():
            p = svm.classes_[d[scored].argmax(1)]
            f = f1_score(truth, p, average="macro", labels=sorted(set(truth)))
            scores.setdefault(name, {}).setdefault(fold, []).append(f)
    for name, s in scores.items():
        c, m = np.mean(s["cross"]), np.mean(s["mixed"])
        print(f"{name:12s} cross {c:.4f}  mixed {m:.4f}  mean {(c + m) / 2:.4f}")


if __name__ == "__main__":
    main()
