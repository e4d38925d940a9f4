#!/usr/bin/env python3
"""`tasnif classify MODEL -` as a stream: throughput, peak memory, and the latency of the first
answer while the input is still arriving.

    python3 benches/compare/classify_stream.py                  # 100,000 and 1,000,000 lines
    python3 benches/compare/classify_stream.py --lines 100000 --model ant.tasnif

Input: the first N lines of the 10x (or 35x) ANT scale corpus that benches/compare/scale.py
builds (JSON Lines, about 3 KB per article), piped into standard input; output (--json) goes to
/dev/null. Throughput and peak RSS come from /usr/bin/time -v. Latency: the process is started,
one line is written to its standard input (which stays open), and the time until its first
output line is taken; the median of 20 such starts, the model already loaded in each (the clock
starts once the process has loaded the model and waits on its input).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import scale  # noqa: E402  (the scale corpora)


def lines_file(n):
    path = os.path.join(scale.CACHE, f"feed-{n}.jsonl")
    if os.path.exists(path):
        return path
    return scale.head(scale.corpus(max(n, 10 * scale.ANT_DOCS)), n, path)


def throughput(exe, model, path, n):
    with open(path, "rb") as stdin:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-v", exe, "classify", model, "-", "--json"],
                           stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t
    if p.returncode not in (0, 3):
        sys.stderr.write(p.stderr)
        raise SystemExit("classify failed")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return wall, n / wall, rss


def latency(exe, model, line, trials=20):
    out = []
    for _ in range(trials):
        p = subprocess.Popen([exe, "classify", model, "-", "--json"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        time.sleep(0.3)  # the model is loaded; the process waits on its input
        t = time.perf_counter()
        p.stdin.write(line)
        p.stdin.flush()
        p.stdout.readline()
        out.append(time.perf_counter() - t)
        p.stdin.close()
        p.wait()
    return statistics.median(out) * 1000, max(out) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", action="append", type=int)
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "topics.tasnif"))
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "tasnif"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "tasnif")
    print(f"model {os.path.relpath(a.model, ROOT)}")
    print(f"{'lines':>9} {'MB':>6} {'wall s':>7} {'articles/s':>11} {'peak MB':>8}")
    first = None
    for n in a.lines or [100_000, 1_000_000]:
        path = lines_file(n)
        with open(path, "rb") as f:
            first = first or f.readline()
        wall, rate, rss = throughput(exe, a.model, path, n)
        print(f"{n:>9} {os.path.getsize(path) / 1e6:>6.0f} {wall:>7.1f} {rate:>11,.0f} {rss:>8.0f}")
    med, worst = latency(exe, a.model, first)
    print(f"first answer after the first line: median {med:.1f} ms, slowest {worst:.1f} ms (20 starts)")
    print(f"load average during run: {os.getloadavg()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
