#!/usr/bin/env python3
"""How the topic refinement (src/mixture.rs) was chosen: the alternatives, on tasnif's own
analysis and LSA rows, from the same k-means starts.

    benches/compare/.venv/bin/python benches/compare/refine_grid.py [--suite data --suite ant-sample ...]

For each suite it runs lab `cluster_eval` with `tasnif train`'s TF-IDF settings to dump the
analysed terms and the L2-normalised LSA rows, starts scikit-learn's KMeans from them (seeds 42, 1,
2; n_init 20, 10 on full ANT), and prints the NMI against the labels of:
  km            the k-means partition itself
  em COUNTS A I EM on a mixture of multinomials (soft, Laplace-style smoothing A, I iterations)
                over raw term counts, log(1 + count), or TF-IDF values (x1, x10) as counts
  skm           spherical k-means on the full TF-IDF rows from the k-means partition
  lr / svc      cluster-then-classify: 5-fold cross-validated logistic regression / LinearSVC
                on the TF-IDF rows, trained on the current partition, repeated up to 5 times
  em-centroid   reassigning by nearest LSA centroid of the EM topics (what `classify` would do
                without the mixture)
  starts        (data/ only) 100 single k-means starts, each refined: the NMI of the one with the
                best mixture log-likelihood, of the one with the lowest inertia, and the best NMI
                of all (is there a partition near the labels that either objective would pick?)
  label start   (data/ only) EM started from the labels (Greenland and other as the fourth
                topic): where it ends and its log-likelihood beside the best start's
  anchored      (data/ only) a Greenland topic seeded by the user's word: the articles naming
                غرينلاند at least twice, k-means with k - 1 topics on the rest, then EM
  agglomerative / spectral  (data/ only) other clustering families on the LSA rows and the
                TF-IDF rows: Ward, average and complete linkage; spectral on a 10-NN graph
tasnif ships EM on raw counts with smoothing 1 (`MixtureParams::default`).
"""
import argparse, json, os, subprocess, tempfile
import numpy as np
from scipy.special import logsumexp
from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import normalized_mutual_info_score as nmi
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ANT = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpora", "ant-multisource", "ant-multisource.jsonl"))
SUITES = {
    "data": (["--corpus", os.path.join(ROOT, "data")], 4),
    "ant-sample": (["--corpus", ANT, "--per-label", "1000"], 6),
    "ant-random": (["--corpus", ANT, "--per-label", "1000", "--sample-seed", "0"], 6),
    "ant-full": (["--corpus", ANT], 6),
}


def dump(suite, tmp):
    args, k = SUITES[suite]
    terms, lsa = os.path.join(tmp, suite + ".jsonl"), os.path.join(tmp, suite + ".npy")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "tasnif-lab", "--bin", "cluster_eval"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "cluster_eval")
    subprocess.run([exe, *args, "--k", str(k),  
                    "--dump-terms", terms, "--dump-lsa", lsa], check=True, stdout=subprocess.DEVNULL)
    rows = [json.loads(l) for l in open(terms)]
    return [r["label"] for r in rows], [r["terms"] for r in rows], np.load(lsa), k


def em(m, init, k, iters, alpha, with_loglik=False):
    n = m.shape[0]
    r = np.zeros((n, k))
    r[np.arange(n), init] = 1
    for _ in range(iters):
        prior = (r.sum(0) + 1) / (n + k)
        wc = np.asarray((m.T @ r).T) + alpha
        logp = np.log(wc) - np.log(wc.sum(1, keepdims=True))
        ll = np.asarray(m @ logp.T) + np.log(prior)
        r = np.exp(ll - logsumexp(ll, 1, keepdims=True))
    if with_loglik:
        return r.argmax(1), logsumexp(ll, 1).sum()
    return r.argmax(1)


def terms_of(docs):
    """The column names of `CountVectorizer(analyzer=ident, min_df=2, max_df=0.9)` on `docs`."""
    return CountVectorizer(analyzer=lambda d: d, min_df=2, max_df=0.9).fit(docs).get_feature_names_out()


def skm(x, init, k, iters=20):
    y = init.copy()
    for _ in range(iters):
        cen = np.vstack([np.asarray(x[y == j].sum(0)).ravel() for j in range(k)])
        cen /= np.linalg.norm(cen, axis=1, keepdims=True) + 1e-12
        new = np.asarray(x @ cen.T).argmax(1)
        if (new == y).all():
            break
        y = new
    return y


def cluster_then_classify(x, init, model, iters=5):
    y = init.copy()
    for _ in range(iters):
        pred = np.empty_like(y)
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
            clf = LogisticRegression(max_iter=300) if model == "lr" else LinearSVC(C=0.1)
            clf.fit(x[tr], y[tr])
            pred[te] = clf.predict(x[te])
        if (pred == y).all():
            break
        y = pred
    return y


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", action="append", choices=sorted(SUITES))
    suites = ap.parse_args().suite or ["data", "ant-sample", "ant-random", "ant-full"]
    with tempfile.TemporaryDirectory() as tmp:
        for suite in suites:
            labels, docs, z, k = dump(suite, tmp)
            ident = lambda d: d
            counts = CountVectorizer(analyzer=ident, min_df=2, max_df=0.9).fit_transform(docs).astype(float)
            logc = counts.copy()
            logc.data = np.log1p(logc.data)
            tfidf = TfidfVectorizer(analyzer=ident, min_df=2, max_df=0.9, sublinear_tf=True).fit_transform(docs)
            full = suite == "ant-full"
            seeds = [42] if full else [42, 1, 2]
            starts = [KMeans(k, n_init=10 if full else 20, random_state=s).fit(z).labels_ for s in seeds]
            show = lambda name, ys: print(f"{suite:11} {name:28} " + " ".join(f"{nmi(labels, y):.3f}" for y in ys), flush=True)
            show("km", starts)
            for mname, m in [("counts", counts), ("log1p", logc), ("tfidf x1", tfidf), ("tfidf x10", tfidf * 10)]:
                for alpha in [0.01, 0.1, 1.0]:
                    for iters in [5, 20, 50]:
                        show(f"em {mname} {alpha} {iters}", [em(m, y, k, iters, alpha) for y in starts])
            show("skm", [skm(tfidf, y, k) for y in starts])
            if suite != "data":  # a 1-article label cannot be cross-validated
                for model in ["lr", "svc"]:
                    show(model, [cluster_then_classify(tfidf, y, model) for y in starts])
            reassigned = []
            for y in starts:
                y = em(counts, y, k, 20, 1.0)
                cen = np.vstack([z[y == j].mean(0) for j in range(k)])
                cen /= np.linalg.norm(cen, axis=1, keepdims=True)
                reassigned.append((z @ cen.T).argmax(1))
            show("em-centroid (counts 1 20)", reassigned)
            if suite == "data":
                runs = []
                for seed in range(100):
                    km = KMeans(k, n_init=1, random_state=seed).fit(z)
                    y, loglik = em(counts, km.labels_, k, 20, 1.0, with_loglik=True)
                    runs.append((loglik, km.inertia_, nmi(labels, y)))
                by_ll = max(runs, key=lambda r: r[0])[2]
                by_inertia = min(runs, key=lambda r: r[1])[2]
                best = max(r[2] for r in runs)
                print(f"{suite:11} starts: best loglik {by_ll:.3f}, lowest inertia {by_inertia:.3f}, best of 100 {best:.3f}", flush=True)
                # the labels themselves as the start (Greenland + other as the fourth topic): is
                # the label partition a better optimum of the mixture objective that the starts miss?
                names = sorted(set(labels))
                fourth = {"greenland", "other"}
                gold = np.array([len(names) if l in fourth else names.index(l) for l in labels])
                gold = np.unique(gold, return_inverse=True)[1]
                y, loglik = em(counts, gold, k, 20, 1.0, with_loglik=True)
                best_ll = max(r[0] for r in runs)
                print(f"{suite:11} label start: NMI after EM {nmi(labels, y):.3f}, loglik {loglik:.1f} "
                      f"(best of the 100 starts: {best_ll:.1f})", flush=True)
                # a user-anchored Greenland topic: the articles naming it at least twice form
                # topic k-1, k-means with k-1 topics on the rest, then EM. Does anchoring fix it?
                col = [j for j, t in enumerate(terms_of(docs)) if t == "غرينلاند"]
                named = np.asarray(counts[:, col].sum(1)).ravel() >= 2
                free = np.where(~named)[0]
                ys = []
                for s in seeds:
                    init = np.full(len(labels), k - 1)
                    init[free] = KMeans(k - 1, n_init=20, random_state=s).fit(z[free]).labels_
                    ys.append(em(counts, init, k, 20, 1.0))
                show(f"anchored greenland ({named.sum()} docs)", ys)
                # other clustering families on the same rows: does any find a small fourth topic?
                dense = tfidf.toarray()
                for link in ["ward", "average", "complete"]:
                    for name, rows in [("lsa", z), ("tfidf", dense)]:
                        metric = "euclidean" if link == "ward" else "cosine"
                        y = AgglomerativeClustering(k, linkage=link, metric=metric).fit(rows).labels_
                        print(f"{suite:11} agglomerative {link:8} {name:5} {nmi(labels, y):.3f} sizes {sorted(np.bincount(y).tolist())}", flush=True)
                for name, rows in [("lsa", z), ("tfidf", tfidf)]:
                    ys = [SpectralClustering(k, affinity="nearest_neighbors", n_neighbors=10, random_state=s).fit(rows).labels_
                          for s in seeds]
                    show(f"spectral (10-NN) {name}", ys)


if __name__ == "__main__":
    main()
