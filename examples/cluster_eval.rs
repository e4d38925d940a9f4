//! Topic discovery on a labelled corpus, scored against its labels; prints one JSON object per
//! k-means algorithm run. Used by `benches/compare/cluster_compare.py`.
//!
//! ```text
//! cargo run --release --example cluster_eval -- --corpus data --k 4
//! cargo run --release --example cluster_eval -- \
//!     --corpus ../shared/corpora/ant-multisource/ant-multisource.jsonl --per-label 1000 --k 6
//! ```
//! Pipeline: read → analyse (default `Analyzer`) → TF-IDF (defaults unless flags say otherwise)
//! → randomized SVD (`--dims`) → L2 row normalisation (unless `--no-renorm`) → k-means
//! (`--n-runs`; default as `tasnif train`) → the mixture refinement of `tasnif train` (unless
//! `--no-refine`; "kmeans_nmi" is the NMI before it, and the "kmeans" time includes it).
//! The balanced sample (`--per-label N`) is the first N documents of every label in file order.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use serde_json::json;
use tasnif::cluster::{ClusterAlgorithm, KMeansParams};
use tasnif::metrics::clustering::{ari, best_mapping, encode_labels, nmi, purity};
use tasnif::reduce::{Svd, SvdParams, normalize_rows};
use tasnif::text::{Analyzer, AnalyzerConfig};
use tasnif::vectorize::{DocFreq, TfidfParams, TfidfVectorizer};

mod common;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    sample: common::Sample,
    /// LSA dimensions (default: as `tasnif train`, min(100, max(10, n_docs / 5))).
    #[arg(long)]
    dims: Option<usize>,
    #[arg(long, default_value_t = 3)]
    svd_iter: usize,
    /// Skip the L2 re-normalisation of LSA rows.
    #[arg(long)]
    no_renorm: bool,
    /// lloyd, linfa or both.
    #[arg(long, default_value = "lloyd")]
    algorithm: String,
    /// k-means runs (default: as `tasnif train`, `train::kmeans_runs(n_docs, 10)`).
    #[arg(long)]
    n_runs: Option<usize>,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// TF-IDF min_df (count).
    #[arg(long, default_value_t = 1)]
    min_df: usize,
    /// TF-IDF max_df (proportion).
    #[arg(long, default_value_t = 1.0)]
    max_df: f64,
    #[arg(long)]
    sublinear_tf: bool,
    /// TF-IDF max_features (most frequent terms).
    #[arg(long)]
    max_features: Option<usize>,
    /// Longest word n-gram (1 = unigrams, as `tasnif train`).
    #[arg(long, default_value_t = 1)]
    ngram_max: usize,
    /// Experiment (not in the library: measured no gain, see README "Topics"): drop every line
    /// shared verbatim (same words) by at least this many documents before analysis; 0 = off.
    #[arg(long, default_value_t = 0)]
    shared_lines: usize,
    /// Also write the documents used (`{"label","text"}` per line) for the Python peer.
    #[arg(long)]
    dump_docs: Option<PathBuf>,
    /// Also write the (re-normalised) LSA matrix as a `.npy` file, to cluster it with scikit-learn.
    #[arg(long)]
    dump_lsa: Option<PathBuf>,
    /// Keep the k-means partition: skip the mixture-of-multinomials refinement `tasnif train`
    /// applies (`tasnif::mixture`).
    #[arg(long)]
    no_refine: bool,
    /// The refinement's `tol` (`MixtureParams::tol`).
    #[arg(long)]
    refine_tol: Option<f64>,
    /// Also write each document's analysed terms (`{"label","terms"}` per line), as the default
    /// `Analyzer` gives them, for Python experiments on tasnif's own analysis.
    #[arg(long)]
    dump_terms: Option<PathBuf>,
}

fn write_npy(path: &std::path::Path, a: &ndarray::Array2<f64>) -> std::io::Result<()> {
    let mut header = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}",
        a.nrows(),
        a.ncols()
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in a.iter() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, out)
}

/// The words of a line (letters and digits), space-joined.
fn line_key(line: &str) -> String {
    line.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cross-document boilerplate removal: lines occurring in at least `min_docs` documents go.
fn drop_shared_lines(texts: &[&str], min_docs: usize) -> Vec<String> {
    if min_docs < 2 {
        return texts.iter().map(|t| t.to_string()).collect();
    }
    let mut df: HashMap<String, usize> = HashMap::new();
    for text in texts {
        let keys: std::collections::HashSet<String> = text
            .lines()
            .map(line_key)
            .filter(|k| !k.is_empty())
            .collect();
        for k in keys {
            *df.entry(k).or_default() += 1;
        }
    }
    texts
        .iter()
        .map(|text| {
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| df.get(&line_key(l)).is_none_or(|&n| n < min_docs))
                .collect();
            if kept.is_empty() {
                text.to_string()
            } else {
                kept.join("\n")
            }
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = Args::parse();
    let t0 = Instant::now();
    let docs = a.sample.read()?;
    if let Some(p) = &a.dump_docs {
        let mut s = String::new();
        for d in &docs {
            s.push_str(&json!({"label": d.label, "text": d.text}).to_string());
            s.push('\n');
        }
        std::fs::write(p, s)?;
    }
    let t_read = t0.elapsed().as_secs_f64();

    // Analysis and TF-IDF in one pass, as `tasnif train` does (`t_analyze` is 0: it is
    // inside `t_tfidf`).
    let t = Instant::now();
    let analyzer = Analyzer::new(AnalyzerConfig::default())?;
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    let texts = drop_shared_lines(&texts, a.shared_lines);
    if let Some(p) = &a.dump_terms {
        let mut s = String::new();
        for (d, text) in docs.iter().zip(&texts) {
            s.push_str(&json!({"label": d.label, "terms": analyzer.terms(text)}).to_string());
            s.push('\n');
        }
        std::fs::write(p, s)?;
    }
    let t_analyze = 0.0;
    let params = TfidfParams {
        min_df: DocFreq::Count(a.min_df),
        max_df: DocFreq::Proportion(a.max_df),
        sublinear_tf: a.sublinear_tf,
        ngram_range: (1, a.ngram_max),
        max_features: a.max_features,
        ..TfidfParams::default()
    }
    .check()?;
    let fitted = TfidfVectorizer::fit_transform_texts_detailed(&params, &analyzer, &texts, true)?;
    let (vectorizer, x) = (fitted.vectorizer, fitted.matrix.expect("matrix requested"));
    let counts = fitted.counts.expect("counts requested");
    let t_tfidf = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let dims = a.dims.unwrap_or((x.n_rows() / 5).clamp(10, 100));
    let svd_params = SvdParams {
        n_components: dims,
        n_iter: a.svd_iter,
        seed: a.seed,
        ..SvdParams::default()
    }
    .check()?;
    let (_svd, mut z) = Svd::fit_transform(&svd_params, &x)?;
    if !a.no_renorm {
        normalize_rows(&mut z);
    }
    let t_svd = t.elapsed().as_secs_f64();
    if let Some(p) = &a.dump_lsa {
        write_npy(p, &z)?;
    }

    let labels: Vec<String> = docs.iter().map(|d| d.label.clone().unwrap()).collect();
    let (truth, names) = encode_labels(&labels);
    let algs: Vec<ClusterAlgorithm> = match a.algorithm.as_str() {
        "lloyd" => vec![ClusterAlgorithm::Lloyd],
        "linfa" => vec![ClusterAlgorithm::Linfa],
        "both" => vec![ClusterAlgorithm::Lloyd, ClusterAlgorithm::Linfa],
        other => return Err(format!("unknown algorithm {other}").into()),
    };
    let n_runs = a
        .n_runs
        .unwrap_or_else(|| tasnif::train::kmeans_runs(docs.len(), 10));
    let t_before_kmeans = t0.elapsed().as_secs_f64();
    for alg in algs {
        let t = Instant::now();
        let fit = KMeansParams {
            n_runs,
            seed: a.seed,
            algorithm: alg,
            ..KMeansParams::new(a.sample.k)
        }
        .check()?
        .fit(z.view())?;
        let kmeans_nmi = nmi(&truth, &fit.labels);
        let t_refine = Instant::now();
        let refined = if a.no_refine {
            None
        } else {
            let defaults = tasnif::mixture::MixtureParams::default();
            let p = tasnif::mixture::MixtureParams {
                tol: a.refine_tol.unwrap_or(defaults.tol),
                ..defaults
            };
            tasnif::mixture::refine(&p, &x, &counts, &fit.labels, a.sample.k)?
        };
        let refine_moved = refined.as_ref().map(|r| r.moved.clone());
        let t_refine = t_refine.elapsed().as_secs_f64();
        let labels = refined.map_or_else(|| fit.labels.clone(), |r| r.labels);
        let t_kmeans = t.elapsed().as_secs_f64();
        let (mapping, mapped_acc) = best_mapping(&truth, &labels);
        let out = json!({
            "tool": "tasnif",
            "corpus": a.sample.corpus,
            "n_docs": docs.len(),
            "labels": names,
            "k": a.sample.k,
            "n_terms": vectorizer.vocabulary().len(),
            "nnz": x.nnz(),
            "dims": dims,
            "renorm": !a.no_renorm,
            "algorithm": format!("{alg:?}"),
            "n_runs": n_runs,
            "refined": refine_moved.is_some(),
            "refine_moved": refine_moved,
            "kmeans_nmi": kmeans_nmi,
            "nmi": nmi(&truth, &labels),
            "ari": ari(&truth, &labels),
            "purity": purity(&truth, &labels),
            "mapped_accuracy": mapped_acc,
            "topic_to_label": mapping.iter().map(|m| m.map(|i| names[i].clone())).collect::<Vec<_>>(),
            "contingency_label_by_topic": tasnif::metrics::clustering::contingency(&truth, &labels),
            "inertia": fit.inertia,
            "run_inertias": fit.runs.iter().map(|r| r.inertia).collect::<Vec<_>>(),
            "run_iters": fit.runs.iter().map(|r| r.n_iter).collect::<Vec<_>>(),
            "time_s": {
                "read": t_read, "analyze": t_analyze, "tfidf": t_tfidf, "svd": t_svd,
                "kmeans": t_kmeans, "refine": t_refine, "total": t_before_kmeans + t_kmeans,
            },
        });
        println!("{out}");
    }
    Ok(())
}
