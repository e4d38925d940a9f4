"""scikit-learn side of benches/compare/vectorize.sh: TfidfVectorizer() (default analyser, no
stemming) fit_transform on title + "\n" + text of every article of a JSON Lines corpus."""
import json
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer

path = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
t0 = time.perf_counter()
texts = []
with open(path, encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        a = json.loads(line)
        t = a.get("title")
        texts.append(f"{t}\n{a['text']}" if t is not None else a["text"])
        if limit is not None and len(texts) >= limit:
            break
t_read = time.perf_counter() - t0
t1 = time.perf_counter()
v = TfidfVectorizer()
x = v.fit_transform(texts)
t_fit = time.perf_counter() - t1
mb = sum(len(s.encode("utf-8")) for s in texts) / 1e6
print(
    f"sklearn docs={len(texts)} mb={mb:.1f} read_s={t_read:.3f} fit_transform_s={t_fit:.3f} "
    f"total_s={time.perf_counter() - t0:.3f} vocab={len(v.vocabulary_)} nnz={x.nnz}"
)
