#!/usr/bin/env python3
"""Topic training at scale, tasnif beside scikit-learn on the same corpus, each under
/usr/bin/time -v: wall time, peak memory (RSS) and NMI against the corpus labels.

    python3 benches/compare/scale.py                 # N = 28933 and 289330
    python3 benches/compare/scale.py --n 1000000     # any N; --no-sklearn skips the peer
    python3 benches/compare/scale.py --n 289330 --seed 42 --seed 1 --seed 2
    python3 benches/compare/scale.py --n 1012655 --no-sklearn --memory-budget 512M

The corpora are built from ANT (../shared) with ../shared/tools/make_scale_corpus.py: as many
copies as N needs, each copy's sentences rotated so that no two documents are equal, then the
first N lines. They are cached in benches/compare/.scale/ (git-ignored); the vocabulary does not
grow with the copies, so memory figures are a lower bound for that part.

tasnif: `tasnif train CORPUS --k 6` (release build), the whole command: reading, analysis,
TF-IDF, SVD, k-means, the mixture refinement, saving the model.
scikit-learn (the issue's peer pipeline): read the JSON Lines, TfidfVectorizer() with its
defaults (no stemming, the fastest configuration) on title + text, TruncatedSVD(100),
Normalizer, KMeans(6, n_init=10); same seed.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
ANT = os.path.join(SHARED, "corpora", "ant-multisource", "ant-multisource.jsonl")
MAKE = os.path.join(SHARED, "tools", "make_scale_corpus.py")
CACHE = os.path.join(HERE, ".scale")
ANT_DOCS = 28933


def corpus(n):
    """The N-article corpus, built once."""
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, f"ant-{n}.jsonl")
    if os.path.exists(path):
        return path
    if n == ANT_DOCS:
        return ANT
    copies = -(-n // ANT_DOCS)
    full = os.path.join(CACHE, f"ant-x{copies}.jsonl")
    if not os.path.exists(full):
        subprocess.run([sys.executable, MAKE, ANT, str(copies), full + ".part"], check=True)
        os.rename(full + ".part", full)
    if copies * ANT_DOCS == n:
        return full
    return head(full, n, path)


def head(src_path, n, path):
    """The first N lines of SRC_PATH written to PATH (through a .part file); returns PATH."""
    with open(src_path, encoding="utf-8") as src, open(path + ".part", "w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i == n:
                break
            out.write(line)
    os.rename(path + ".part", path)
    return path


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (stdout, wall seconds, peak RSS MB)."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 3):
        sys.stderr.write(p.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return p.stdout, wall, int(m.group(1)) / 1024 if m else float("nan")


def venv_python():
    out = subprocess.run(["bash", os.path.join(HERE, "setup.sh")], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def sk_worker(path, seed):
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import normalized_mutual_info_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    t0 = time.perf_counter()
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts.append(f"{d.get('title') or ''}\n{d['text']}")
            labels.append(d["label"])
    t1 = time.perf_counter()
    x = TfidfVectorizer().fit_transform(texts)
    del texts
    t2 = time.perf_counter()
    z = make_pipeline(TruncatedSVD(100, random_state=seed), Normalizer(copy=False)).fit_transform(x)
    t3 = time.perf_counter()
    km = KMeans(6, n_init=10, random_state=seed).fit(z)
    t4 = time.perf_counter()
    import sklearn
    print(json.dumps(dict(nmi=normalized_mutual_info_score(labels, km.labels_),
                          version=sklearn.__version__,
                          stages=dict(read=t1 - t0, tfidf=t2 - t1, svd=t3 - t2, kmeans=t4 - t3))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", action="append", type=int, help="articles (repeatable)")
    ap.add_argument("--seed", action="append", type=int, help="seed of both sides (repeatable)")
    ap.add_argument("--no-sklearn", action="store_true", help="tasnif only")
    ap.add_argument("--memory-budget", help="tasnif's --memory-budget (e.g. 512M: counts spilled)")
    ap.add_argument("--sk-worker", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.sk_worker:
        sk_worker(a.sk_worker[0], int(a.sk_worker[1]))
        return
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "tasnif"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "tasnif")
    py = None if a.no_sklearn else venv_python()
    rows = []
    for n in a.n or [ANT_DOCS, 10 * ANT_DOCS]:
        path = corpus(n)
        for seed in a.seed or [42]:
            model = os.path.join(CACHE, "scale.tasnif")
            out, wall, rss = timed([exe, "train", path, "--k", "6", "--seed", str(seed), "--out", model,
                                    "--force", "--quiet", "--json"]
                                   + (["--memory-budget", a.memory_budget] if a.memory_budget else []))
            r = json.loads(out)
            tool = "tasnif (spilled)" if r.get("spilled") else "tasnif"
            rows.append((n, seed, tool, wall, rss, r.get("against_labels", {}).get("nmi", float("nan"))))
            os.remove(model)
            if py:
                out, wall2, rss2 = timed([py, os.path.abspath(__file__), "--sk-worker", path, str(seed)])
                r = json.loads(out.splitlines()[-1])
                rows.append((n, seed, "scikit-learn " + r["version"], wall2, rss2, r["nmi"]))
                print(f"  scikit-learn stages at {n}: " +
                      ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items()), file=sys.stderr)
    print(f"{'articles':>9} {'seed':>4} {'tool':<20} {'wall s':>7} {'peak MB':>8} {'NMI':>6}  speed-up")
    for i, (n, seed, tool, wall, rss, nmi) in enumerate(rows):
        ratio = ""
        if tool.startswith("tasnif"):
            peer = [r for r in rows if r[0] == n and r[1] == seed and r[2].startswith("scikit-learn")]
            if peer:
                ratio = f"{peer[0][3] / wall:.1f}x faster, {peer[0][4] / rss:.1f}x less memory"
        print(f"{n:>9} {seed:>4} {tool:<20} {wall:>7.1f} {rss:>8.0f} {nmi:>6.3f}  {ratio}")
    print(f"load average during run: {os.getloadavg()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
