//! TF-IDF parity with scikit-learn 1.5.2: the same analysed tokens go to
//! `TfidfVectorizer(tokenizer=str.split, preprocessor=None, lowercase=False, token_pattern=None)`
//! (via `benches/compare/tfidf_parity.py`) and to tasnif, for a grid of parameters, on the
//! bundled four-topic corpus (`data/`) and on the first 2,000 ANT articles. Same vocabulary,
//! same sparsity pattern, max |difference| ≤ 1e-12; where sklearn raises, tasnif must fail too.
//!
//! Needs scikit-learn (the venv `benches/compare/setup.sh` creates from PyPI) and `../shared`:
//! it runs with `cargo test --features external-tests` (as `.ci/run` does), and is listed as
//! ignored otherwise. With the feature on and either missing, it fails; it never passes
//! silently.

use std::path::{Path, PathBuf};
use std::process::Command;
use tasnif::linalg::CsrMatrix;
use tasnif::text::{Analyzer, AnalyzerConfig};
use tasnif::vectorize::{DocFreq, Norm, TfidfParams, TfidfVectorizer};

const ANT: &str = "../shared/corpora/ant-multisource/ant-multisource.jsonl";
const TOL: f64 = 1e-12;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> PathBuf {
    let out = Command::new("bash")
        .arg(root().join("benches/compare/setup.sh"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash benches/compare/setup.sh: {e}"));
    assert!(
        out.status.success(),
        "benches/compare/setup.sh failed (python3 with venv + pip access to PyPI is required \
         for the scikit-learn parity test):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let py = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    assert!(py.is_file(), "setup.sh printed no python: {py:?}");
    py
}

fn ant_texts(n: usize) -> Vec<String> {
    let path = root().join(ANT);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the parity test needs ../shared)", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{}\n{}",
                v["title"].as_str().unwrap(),
                v["text"].as_str().unwrap()
            )
        })
        .collect()
}

fn df_json(d: DocFreq) -> serde_json::Value {
    match d {
        DocFreq::Count(c) => serde_json::json!(c),
        // Always a JSON float so Python sees a proportion (1.0 stays 1.0).
        DocFreq::Proportion(p) => serde_json::Value::from(p),
    }
}

struct VocabCfg {
    min_df: DocFreq,
    max_df: DocFreq,
    max_features: Option<usize>,
    ngram_range: (usize, usize),
}

fn vocab_grid(n_docs: usize) -> Vec<VocabCfg> {
    use DocFreq::*;
    let v = |min_df, max_df, max_features, ngram_range| VocabCfg {
        min_df,
        max_df,
        max_features,
        ngram_range,
    };
    vec![
        v(Count(1), Proportion(1.0), None, (1, 1)),
        v(Count(2), Proportion(0.5), None, (1, 2)),
        v(Proportion(0.01), Count(n_docs / 2), None, (2, 2)),
        v(Count(2), Proportion(1.0), Some(500), (1, 1)),
        // 0.005 × 2,000 = 10.0 exactly: df == bound is kept.
        v(Proportion(0.005), Proportion(0.9), Some(2000), (1, 2)),
        v(Count(5), Count(3), None, (1, 1)),
        v(Proportion(1.0), Proportion(1.0), None, (1, 1)),
    ]
}

fn weighting_grid() -> Vec<(Norm, bool, bool, bool)> {
    let mut g = Vec::new();
    for norm in [Norm::L2, Norm::L1, Norm::None] {
        for sublinear_tf in [false, true] {
            for use_idf in [true, false] {
                for smooth_idf in [true, false] {
                    g.push((norm, sublinear_tf, use_idf, smooth_idf));
                }
            }
        }
    }
    g
}

fn read_vec<T>(path: &Path, width: usize, f: impl Fn(&[u8]) -> T) -> Vec<T> {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    b.chunks_exact(width).map(f).collect()
}

/// Runs the grid on one corpus; returns (combinations compared, errors matched, max diff).
fn parity(name: &str, texts: &[String], py: &Path) -> (usize, usize, f64) {
    let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
    let docs: Vec<Vec<String>> = texts.iter().map(|t| analyzer.terms(t)).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for d in &docs {
        assert!(
            d.iter()
                .all(|t| !t.is_empty() && !t.contains(char::is_whitespace))
        );
        lines.push_str(&d.join(" "));
        lines.push('\n');
    }
    std::fs::write(dir.path().join("docs.txt"), lines).unwrap();
    let vgrid = vocab_grid(docs.len());
    let wgrid = weighting_grid();
    let grid = serde_json::json!({
        "vocab": vgrid.iter().map(|c| serde_json::json!({
            "min_df": df_json(c.min_df), "max_df": df_json(c.max_df),
            "max_features": c.max_features, "ngram_range": [c.ngram_range.0, c.ngram_range.1],
        })).collect::<Vec<_>>(),
        "weighting": wgrid.iter().map(|&(norm, sublinear_tf, use_idf, smooth_idf)| serde_json::json!({
            "norm": match norm { Norm::L2 => Some("l2"), Norm::L1 => Some("l1"), Norm::None => None },
            "sublinear_tf": sublinear_tf, "use_idf": use_idf, "smooth_idf": smooth_idf,
        })).collect::<Vec<_>>(),
    });
    std::fs::write(dir.path().join("grid.json"), grid.to_string()).unwrap();
    let out = Command::new(py)
        .arg(root().join("benches/compare/tfidf_parity.py"))
        .arg(dir.path())
        .output()
        .expect("run tfidf_parity.py");
    assert!(
        out.status.success(),
        "tfidf_parity.py failed on {name}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read(dir.path().join("manifest.json")).expect("manifest.json"),
    )
    .unwrap();
    let (mut compared, mut errors, mut max_diff) = (0, 0, 0.0f64);
    for m in &manifest {
        let c = &vgrid[m["vocab"].as_u64().unwrap() as usize];
        let mut p = TfidfParams {
            min_df: c.min_df,
            max_df: c.max_df,
            max_features: c.max_features,
            ngram_range: c.ngram_range,
            ..Default::default()
        };
        if let Some(e) = m.get("error") {
            let ours = p.clone().check().and_then(|p| (p).fit(&docs));
            assert!(
                ours.is_err(),
                "{name}: sklearn raised {e} but tasnif fitted {p:?}"
            );
            errors += 1;
            continue;
        }
        let (norm, sublinear_tf, use_idf, smooth_idf) =
            wgrid[m["weighting"].as_u64().unwrap() as usize];
        p.max_features = m["max_features"].as_u64().map(|k| k as usize);
        p = TfidfParams {
            norm,
            sublinear_tf,
            use_idf,
            smooth_idf,
            ..p
        };
        let (v, x) = (p.clone().check().unwrap()).fit_transform(&docs).unwrap();
        let stem = dir
            .path()
            .join(format!("out_{}_{}", m["vocab"], m["weighting"]));
        let ext = |e: &str| stem.with_extension(e);
        let vocab = std::fs::read_to_string(ext("vocab")).unwrap();
        let vocab: Vec<&str> = vocab.lines().collect();
        assert_eq!(
            v.vocabulary(),
            vocab,
            "{name}: vocabulary differs for {p:?}"
        );
        let indptr = read_vec(&ext("indptr"), 8, |b| {
            i64::from_le_bytes(b.try_into().unwrap()) as usize
        });
        let indices = read_vec(&ext("indices"), 4, |b| {
            i32::from_le_bytes(b.try_into().unwrap()) as u32
        });
        let data = read_vec(&ext("data"), 8, |b| {
            f64::from_le_bytes(b.try_into().unwrap())
        });
        assert_eq!(
            x.indptr(),
            indptr,
            "{name}: row structure differs for {p:?}"
        );
        assert_eq!(x.indices(), indices, "{name}: columns differ for {p:?}");
        let d = x
            .data()
            .iter()
            .zip(&data)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(d <= TOL, "{name}: max |diff| {d:e} > {TOL:e} for {p:?}");
        max_diff = max_diff.max(d);
        compared += 1;
    }
    assert_eq!(compared, (vgrid.len() - errors) * wgrid.len());
    assert!(
        errors >= 1,
        "{name}: the grid's max_df < min_df case must fail in sklearn"
    );
    (compared, errors, max_diff)
}

/// The raw-text entry points (analysis fused with counting) give exactly what the token-list
/// ones give.
fn texts_match_token_lists(texts: &[String]) {
    let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
    let docs: Vec<Vec<String>> = texts.iter().map(|t| analyzer.terms(t)).collect();
    for range in [(1, 1), (1, 2), (2, 2)] {
        let p = TfidfParams {
            ngram_range: range,
            min_df: DocFreq::Count(2),
            ..Default::default()
        }
        .check()
        .unwrap();
        let (v, x): (TfidfVectorizer, CsrMatrix) = (p).fit_transform(&docs).unwrap();
        let (vt, xt) = (p).fit_transform_texts(&analyzer, texts).unwrap();
        assert_eq!(v, vt);
        assert_eq!(x, xt);
        assert_eq!(v.transform(&docs), x);
        assert_eq!(v.transform_texts(&analyzer, texts), x);
        for r in [0, texts.len() / 2, texts.len() - 1] {
            let (c, d) = x.row(r);
            assert_eq!(v.transform_one(&docs[r]), (c.to_vec(), d.to_vec()));
            assert_eq!(
                v.transform_text(&analyzer, &texts[r]),
                (c.to_vec(), d.to_vec())
            );
        }
    }
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs scikit-learn (benches/compare/setup.sh) and ../shared: cargo test --features external-tests"
)]
fn tfidf_matches_scikit_learn() {
    let py = python();
    let data: Vec<String> = tasnif::corpus::read_folder(&root().join("data"))
        .expect("data/")
        .docs
        .into_iter()
        .map(|d| d.text)
        .collect();
    let ant = ant_texts(2000);
    assert_eq!(ant.len(), 2000);
    for (name, texts) in [("data/", &data), ("ANT[..2000]", &ant)] {
        let (n, e, d) = parity(name, texts, &py);
        eprintln!(
            "{name}: {n} combinations identical to sklearn (max |diff| {d:e}), {e} errors matched"
        );
        texts_match_token_lists(texts);
    }
}
