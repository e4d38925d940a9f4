#!/usr/bin/env bash
# Supervised classification, side by side on the ANT outlet split (train skynews + alarabia,
# test BBC + CNN + france24): tasnif vs scikit-learn LinearSVC (default TfidfVectorizer) vs
# fastText (10 epochs, wordNgrams=2). Prints one table; JSON in $OUT (default target/).
# Usage: bash benches/compare/supervised_compare.sh [CORPUS.jsonl]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="${1:-$root/../shared/corpora/ant-multisource/ant-multisource.jsonl}"
out="${OUT:-$root/target/supervised_compare}"
mkdir -p "$out"
python="$(bash "$here/setup.sh")"
cd "$root"
cargo build --release --quiet -p tasnif-lab --bin supervised_eval
eval_bin="$root/target/release/supervised_eval"
"$eval_bin" --corpus "$corpus" --dump-docs "$out/docs.jsonl"
"$eval_bin" --corpus "$corpus" > "$out/tasnif.json" 2> "$out/tasnif_report.txt"
cat "$out/tasnif_report.txt" >&2
"$python" "$here/supervised_compare.py" "$out/docs.jsonl" --tasnif-json "$out/tasnif.json" \
  --json "$out/all.json"
