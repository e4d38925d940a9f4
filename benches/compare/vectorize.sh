#!/usr/bin/env bash
# Side by side on the full ANT corpus (title + "\n" + text): scikit-learn TfidfVectorizer()
# (default analyser, no stemming) vs tasnif (read JSONL → normalise, tokenise, stopwords, stem →
# TF-IDF). Prints both wall times, peak RSS and the ratio. Usage: benches/compare/vectorize.sh [JSONL]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
corpus="${1:-../shared/corpora/ant-multisource/ant-multisource.jsonl}"
py="$(bash "$here/setup.sh")"
cargo build --release --quiet -p tasnif-lab --bin vectorize_ant
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 1; }
run() { /usr/bin/time -f "wall_s=%e peak_rss_kb=%M" "$@" 2>&1; }
s="$(run "$py" "$here/vectorize_sklearn.py" "$corpus")"
t="$(run target/release/vectorize_ant "$corpus")"
echo "$s"; echo "$t"
get() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1" | head -1; }
python3 - "$(get "$s" total_s)" "$(get "$t" total_s)" "$(get "$s" fit_transform_s)" "$(get "$t" analyse+tfidf_s)" "$(get "$s" peak_rss_kb)" "$(get "$t" peak_rss_kb)" <<'PY'
import sys
st, tt, sf, tf, sr, tr = map(float, sys.argv[1:])
print(f"end-to-end (read+analyse+tfidf): sklearn {st:.2f}s  tasnif {tt:.2f}s  ratio {st/tt:.1f}x")
print(f"fit_transform only:              sklearn {sf:.2f}s  tasnif {tf:.2f}s  ratio {sf/tf:.1f}x")
print(f"peak RSS: sklearn {sr/1024:.0f} MB  tasnif {tr/1024:.0f} MB")
PY
