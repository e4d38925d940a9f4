#!/usr/bin/env python3
"""How much of the ANT outlet-split gap is the outlets' filing conventions rather than the
classifier: `tasnif train --supervised` from different training sets, all scored by
`tasnif eval` on the same articles.

    python3 benches/compare/outlet_shift.py [ANT.jsonl] [--cut date|random]

Each test outlet (BBC, CNN, france24) is cut by date: its earlier 70 % may be trained on, its
later 30 % (2,680 articles) is scored in every row. With `--cut random` the 70 / 30 cut is a
seeded shuffle instead (same sizes), so a drift over time cannot explain the result. Rows:
  - "training outlets only": skynews + alarabia, the outlet split's protocol (the 0.80 bar);
  - "test outlets' earlier 70 % only": in-domain, no skynews / alarabia;
  - "training outlets + the test outlets' earliest F": skynews + alarabia plus the earliest
    fraction F of each test outlet's earlier 70 % (what a user who labels some of their own
    outlet's articles gets; "random F" with `--cut random`).
Beside tasnif, in the same run, the peer: scikit-learn's `LinearSVC` on its default
`TfidfVectorizer`, trained on the same articles (title + text as in the JSONL) and scored on
the same ones. The script re-runs itself in `benches/compare/.venv` (made by `setup.sh`) when
scikit-learn is missing.
"""
import json, os, random, subprocess, sys, tempfile, time
from email.utils import parsedate_to_datetime

HERE = os.path.dirname(os.path.abspath(__file__))
try:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.svm import LinearSVC
except ImportError:
    venv_python = subprocess.run(["bash", os.path.join(HERE, "setup.sh")], check=True, capture_output=True,
                                 text=True).stdout.strip()
    os.execv(venv_python, [venv_python] + sys.argv)
ROOT = os.path.dirname(os.path.dirname(HERE))
ANT = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpora", "ant-multisource", "ant-multisource.jsonl"))
TRAIN, TEST = ("skynews", "alarabia"), ("BBC", "CNN", "france24")
EXE = os.path.join(ROOT, "target", "release", "tasnif")


def day(rec):
    return int(parsedate_to_datetime(rec["date"]).strftime("%Y%m%d"))


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)


def train_and_score(tmp, name, train_lines, late_path):
    """tasnif: `train --supervised` on the JSONL lines given, `eval --json` on `late_path`."""
    corpus, model = os.path.join(tmp, name + ".jsonl"), os.path.join(tmp, name + ".tasnif")
    write(corpus, train_lines)
    t = time.perf_counter()
    subprocess.run([EXE, "train", corpus, "--supervised", "--out", model, "--quiet", "--force"], check=True,
                   stdout=subprocess.DEVNULL)
    secs = time.perf_counter() - t
    out = subprocess.run([EXE, "eval", model, late_path, "--json"], check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    f1 = {p["label"]: p["f1"] for p in r["per_label"]}
    return r["macro_avg"]["f1"], r["accuracy"], secs, f1


def peer_macro_f1(tr, te):
    """scikit-learn on the parsed records `tr` (training) and `te` (scored)."""
    text = lambda r: (r.get("title") or "") + "\n" + (r.get("text") or "")
    vec = TfidfVectorizer()
    svm = LinearSVC().fit(vec.fit_transform([text(r) for r in tr]), [r["label"] for r in tr])
    pred = svm.predict(vec.transform([text(r) for r in te]))
    return f1_score([r["label"] for r in te], pred, average="macro")


def main():
    args = sys.argv[1:]
    cut_by = "date"
    if "--cut" in args:
        i = args.index("--cut")
        cut_by = args[i + 1]
        del args[i : i + 2]
    assert cut_by in ("date", "random"), "--cut date|random"
    path = args[0] if args else ANT
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "tasnif"], cwd=ROOT, check=True)
    lines = open(path, encoding="utf-8").readlines()
    recs = [json.loads(l) for l in lines]
    # rows are kept as line numbers: tasnif reads the lines, the peer the parsed records
    base = [i for i, r in enumerate(recs) if r["source"] in TRAIN]
    early, late = {}, []
    for outlet in TEST:
        own = sorted((i for i, r in enumerate(recs) if r["source"] == outlet), key=lambda i: (day(recs[i]), i))
        if cut_by == "random":
            random.Random(42).shuffle(own)
        cut = len(own) * 7 // 10
        early[outlet] = own[:cut]
        late += sorted(own[cut:])
    with tempfile.TemporaryDirectory() as tmp:
        late_path = os.path.join(tmp, "late.jsonl")
        write(late_path, [lines[i] for i in late])
        runs = [("training outlets only", base),
                (f"test outlets' {'earlier' if cut_by == 'date' else 'random'} 70 % only",
                 [i for o in TEST for i in early[o]])]
        for frac in (0.1, 0.3, 1.0):
            extra = [i for o in TEST for i in early[o][: int(len(early[o]) * frac)]]
            first = "earliest" if cut_by == "date" else "random"
            runs.append((f"training outlets + test outlets' {first} {frac:.0%}", base + extra))
        which = "later 30 % by date" if cut_by == "date" else "30 % held out at random"
        print(f"scored: the {which} of {', '.join(TEST)}, {len(late)} articles")
        print(f"{'trained on':48s} {'docs':>6s} {'macro-F1':>8s} {'accuracy':>8s} {'train s':>7s} "
              f"{'LinearSVC':>9s}  tasnif per-label F1")
        for n, (name, rows) in enumerate(runs):
            f1, acc, secs, per = train_and_score(tmp, f"run{n}", [lines[i] for i in rows], late_path)
            peer = peer_macro_f1([recs[i] for i in rows], [recs[i] for i in late])
            labels = " ".join(f"{k} {v:.3f}" for k, v in sorted(per.items()))
            print(f"{name:48s} {len(rows):6d} {f1:8.3f} {acc:8.3f} {secs:7.1f} {peer:9.3f}  {labels}", flush=True)


if __name__ == "__main__":
    main()
