#!/usr/bin/env python3
"""Topic discovery, tasnif vs scikit-learn, side by side on the same documents.

    python3 benches/compare/cluster_compare.py            # all suites
    python3 benches/compare/cluster_compare.py --suite data --suite ant-sample
    python3 benches/compare/cluster_compare.py --suite ant-full   # timing + peak memory

Suites:
  data        the repo's four-topic corpus (data/, folder per label), k = 4
  ant-sample  ANT balanced sample: first 1,000 articles of every label in file order, k = 6
  ant-random  ANT balanced sample drawn at random: 1,000 articles of every label, seed 0, k = 6
  ant-full    all 28,933 ANT articles, k = 6 (wall time and peak RSS of the whole pipeline)

tasnif runs lab `cluster_eval` (release build) and writes the documents it used; scikit-learn
reads exactly those documents. scikit-learn pipeline: a light10 analyser (Lucene's Arabic
normaliser + light10 stemmer, stopwords-iso list) → TfidfVectorizer → TruncatedSVD(100) →
Normalizer → KMeans(k, n_init=10), random_state 42. It is run twice on the small suites: with
TfidfVectorizer defaults (the baseline the project quotes) and with tasnif's TF-IDF settings
(sublinear_tf, min_df=2, max_df=0.9), so the k-means/LSA stages are compared like for like. On
ant-full it runs with the light10 analyser and with scikit-learn's own default analyser ("plain":
no stemming, the fastest scikit-learn configuration), and `tasnif train` itself is timed end to
end beside them.
Each side runs in its own process under /usr/bin/time -v for wall time and peak RSS.
`--seed S` (repeatable) sets both sides' random seed; with several, mean and min NMI are printed.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
ANT = os.path.join(SHARED, "corpora", "ant-multisource", "ant-multisource.jsonl")
STOPWORDS = os.path.join(SHARED, "stopwords", "stopwords-iso-ar", "stopwords-ar.txt")

# tasnif's topic-discovery settings (see README / report): TF-IDF sublinear tf, min_df 2,
# max_df 0.9; LSA min(100, max(10, n/5)) dims; rows re-normalised; k-means 10 runs
# (the defaults of `tasnif train`, src/train.rs).
TASNIF_FLAGS = []  # cluster_eval runs `tasnif train`'s settings unless told otherwise

SUITES = {
    "data": dict(corpus=os.path.join(ROOT, "data"), k=4, per_label=0),
    "ant-sample": dict(corpus=ANT, k=6, per_label=1000),
    "ant-full": dict(corpus=ANT, k=6, per_label=0),
    # The same size of sample, drawn at random (seed 0) instead of the first 1,000 per label: the
    # first ones put every internationalNews article on AlArabiya and every middleEast one on BBC.
    "ant-random": dict(corpus=ANT, k=6, per_label=1000, sample_seed=0),
}


def venv_python():
    out = subprocess.run(["bash", os.path.join(HERE, "setup.sh")], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (stdout, wall seconds, peak RSS MB)."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return p.stdout, wall, int(m.group(1)) / 1024 if m else float("nan")


# ---------------------------------------------------------------- scikit-learn worker
HARAKAT = re.compile("[\u064b-\u0652\u0640]")
PREFIXES = ["ال", "وال", "بال", "كال", "فال", "لل", "و"]
SUFFIXES = ["ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي"]


def normalize(w):
    w = HARAKAT.sub("", w)
    return w.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي").replace("ة", "ه")


def light10(w):
    """Lucene's ArabicStemmer (light10): one prefix, then suffixes in one pass."""
    for p in PREFIXES:
        if w.startswith(p) and (len(p) > 1 or len(w) >= 4) and len(w) >= len(p) + 2:
            w = w[len(p):]
            break
    for s in SUFFIXES:
        if w.endswith(s) and len(w) >= len(s) + 2:
            w = w[: -len(s)]
    return w


def make_analyzer():
    stop = {normalize(l.strip()) for l in open(STOPWORDS, encoding="utf-8") if l.strip()}
    tok = re.compile(r"\w\w+")

    def analyze(text):
        out = []
        for t in tok.findall(text.lower()):
            t = normalize(t)
            if t in stop or t.isdigit():
                continue
            t = light10(t)
            if len(t) >= 2:
                out.append(t)
        return out

    return analyze


def sk_worker(docs_path, k, tfidf, seed=42):
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    t0 = time.perf_counter()
    docs = [json.loads(l) for l in open(docs_path, encoding="utf-8")]
    texts = [d["text"] for d in docs]
    labels = [d["label"] for d in docs]
    kw = dict(sublinear_tf=True, min_df=2, max_df=0.9) if tfidf == "tasnif" else {}
    # "plain": scikit-learn's own default analyser (regex tokens, no stemming, no stopwords)
    vec = TfidfVectorizer() if tfidf == "plain" else TfidfVectorizer(analyzer=make_analyzer(), **kw)
    x = vec.fit_transform(texts)
    t1 = time.perf_counter()
    lsa = make_pipeline(TruncatedSVD(100, random_state=seed), Normalizer(copy=False))
    z = lsa.fit_transform(x)
    t2 = time.perf_counter()
    km = KMeans(k, n_init=10, random_state=seed).fit(z)
    t3 = time.perf_counter()
    print(json.dumps(dict(
        tool="scikit-learn", tfidf=tfidf, n_docs=len(docs), n_terms=x.shape[1], nnz=int(x.nnz),
        nmi=normalized_mutual_info_score(labels, km.labels_),
        ari=adjusted_rand_score(labels, km.labels_), inertia=float(km.inertia_),
        time_s=dict(read_analyze_tfidf=t1 - t0, svd=t2 - t1, kmeans=t3 - t2, total=t3 - t0))))


# ---------------------------------------------------------------- driver
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", action="append", choices=sorted(SUITES))
    ap.add_argument("--seed", action="append", type=int,
                    help="random seed of both sides (repeat it for several seeds; default 42)")
    ap.add_argument("--sk-worker", nargs=4, metavar=("DOCS", "K", "TFIDF", "SEED"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.sk_worker:
        sk_worker(a.sk_worker[0], int(a.sk_worker[1]), a.sk_worker[2], int(a.sk_worker[3]))
        return
    seeds = a.seed or [42]
    py = venv_python()
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "tasnif-lab", "--bin", "cluster_eval"],
                   cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "tasnif"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "cluster_eval")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, seed in [(n, sd) for n in a.suite or ["data", "ant-sample", "ant-full"]
                           for sd in seeds]:
            s = SUITES[name]
            docs = os.path.join(tmp, f"{name}.jsonl")
            cmd = [exe, "--corpus", s["corpus"], "--k", str(s["k"]), "--per-label",
                   str(s["per_label"]), "--seed", str(seed), "--dump-docs", docs] + TASNIF_FLAGS
            if "sample_seed" in s:
                cmd += ["--sample-seed", str(s["sample_seed"])]
            out, wall, rss = timed(cmd)
            r = json.loads(out.splitlines()[-1])
            ts = r["time_s"]
            stages = (f"read+analyse+tfidf {ts['read'] + ts['analyze'] + ts['tfidf']:.2f}, "
                      f"svd {ts['svd']:.2f}, kmeans {ts['kmeans']:.2f}")
            rows.append((name, seed, "tasnif", r["n_docs"], r["nmi"], r["ari"], ts["total"], wall, rss, stages))
            if name == "ant-full":
                # The product itself, end to end: read the JSONL, analyse, TF-IDF, SVD,
                # k-means, describe the topics, write the model file.
                model = os.path.join(tmp, "ant.tasnif")
                cli_out, wall, rss = timed([os.path.join(ROOT, "target", "release", "tasnif"),
                                            "train", s["corpus"], "--k", str(s["k"]), "--seed",
                                            str(seed), "--out", model, "--force", "--quiet"])
                m = re.search(r"NMI ([0-9.]+), ARI ([0-9.]+)", cli_out)
                rows.append((name, seed, "tasnif train (CLI)", r["n_docs"], float(m.group(1)),
                             float(m.group(2)), wall, wall, rss,
                             "read, analyse, TF-IDF, SVD, k-means, save"))
            variants = ["default", "plain"] if name == "ant-full" else ["default", "tasnif"]
            for v in variants:
                out, wall, rss = timed([py, os.path.abspath(__file__), "--sk-worker", docs, str(s["k"]), v,
                                        str(seed)])
                r = json.loads(out.splitlines()[-1])
                ts = r["time_s"]
                stages = (f"read+analyse+tfidf {ts['read_analyze_tfidf']:.2f}, "
                          f"svd {ts['svd']:.2f}, kmeans {ts['kmeans']:.2f}")
                rows.append((name, seed, f"sklearn tfidf={v}", r["n_docs"], r["nmi"], r["ari"],
                             ts["total"], wall, rss, stages))
    print(f"{'suite':<11} {'seed':>4} {'tool':<22} {'docs':>6} {'NMI':>6} {'ARI':>6} {'pipeline s':>10} {'process s':>9} {'peak MB':>8}  stages (s)")
    for name, seed, tool, n, nmi, ari, t, wall, rss, stages in rows:
        print(f"{name:<11} {seed:>4} {tool:<22} {n:>6} {nmi:>6.3f} {ari:>6.3f} {t:>10.2f} {wall:>9.2f} {rss:>8.0f}  {stages}")
    if len(seeds) > 1:
        print(f"over seeds {seeds}: mean / min NMI")
        for key in dict.fromkeys((r[0], r[2]) for r in rows):
            v = [r[4] for r in rows if (r[0], r[2]) == key]
            print(f"  {key[0]:<11} {key[1]:<22} {sum(v) / len(v):.3f} / {min(v):.3f}")
    print(f"load average during run: {os.getloadavg()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
