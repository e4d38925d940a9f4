//! Topic discovery on a labelled corpus, scored against its labels; prints one JSON object per
//! k-means algorithm. Used by `benches/compare/cluster_compare.py` and `refine_grid.py`.
//!
//! ```text
//! cargo run --release -p tasnif-lab --bin cluster_eval -- --corpus data --k 4
//! cargo run --release -p tasnif-lab --bin cluster_eval -- \
//!     --corpus ../shared/corpora/ant-multisource/ant-multisource.jsonl --per-label 1000 --k 6
//! ```
//! The pipeline is `tasnif train`'s ([`tasnif::TopicParams`]), with its settings changed only
//! where a flag says so: TF-IDF (`--min-df`, `--max-df`, `--sublinear-tf`, `--max-features`,
//! `--ngram-max`; without them, `tasnif train`'s), LSA dimensions (`--dims`), power iterations
//! (`--svd-iter`), k-means restarts (`--n-runs`, exactly that many), the k-means implementation
//! (`--algorithm`), and the mixture refinement (`--no-refine`, `--refine-tol`). "kmeans_nmi" is
//! the NMI of the k-means partition before the refinement. The balanced sample (`--per-label
//! N`) is the first N documents of every label in file order.

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use serde_json::json;
use tasnif::metrics::clustering::{ari, best_mapping, contingency, encode_labels, nmi, purity};
use tasnif::progress::{Progress, Stage};
use tasnif::text::{Analyzer, AnalyzerConfig};
use tasnif::topics::{KMeansAlgorithm, MixtureParams};
use tasnif::vectorize::DocFreq;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    sample: tasnif_lab::Sample,
    /// LSA dimensions (default: as `tasnif train`, `tasnif::topics::lsa_dimensions`).
    #[arg(long)]
    dims: Option<usize>,
    #[arg(long, default_value_t = 3)]
    svd_iter: usize,
    /// lloyd, linfa or both.
    #[arg(long, default_value = "lloyd")]
    algorithm: String,
    /// k-means runs, exactly (default: as `tasnif train`, `tasnif::topics::kmeans_runs`).
    #[arg(long)]
    n_runs: Option<usize>,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// TF-IDF min_df (count).
    #[arg(long)]
    min_df: Option<usize>,
    /// TF-IDF max_df (proportion).
    #[arg(long)]
    max_df: Option<f64>,
    /// TF-IDF sublinear tf (`true`/`false`).
    #[arg(long)]
    sublinear_tf: Option<bool>,
    /// TF-IDF max_features (most frequent terms).
    #[arg(long)]
    max_features: Option<usize>,
    /// Longest word n-gram (1 = unigrams, as `tasnif train`).
    #[arg(long, default_value_t = 1)]
    ngram_max: usize,
    /// Also write the documents used (`{"label","text"}` per line) for the Python peer.
    #[arg(long)]
    dump_docs: Option<PathBuf>,
    /// Also write the (re-normalised) LSA matrix as a `.npy` file, to cluster it with scikit-learn.
    #[arg(long)]
    dump_lsa: Option<PathBuf>,
    /// Keep the k-means partition: skip the mixture-of-multinomials refinement.
    #[arg(long)]
    no_refine: bool,
    /// The refinement's `tol` (`MixtureParams::tol`).
    #[arg(long)]
    refine_tol: Option<f64>,
    /// Most documents the SVD is fitted on (`tasnif::topics::SVD_SAMPLE` by default).
    #[arg(long)]
    svd_sample: Option<usize>,
    /// Most LSA rows the k-means restarts run on (`tasnif::topics::KMEANS_SAMPLE` by default).
    #[arg(long)]
    kmeans_sample: Option<usize>,
    /// Also write each document's analysed terms (`{"label","terms"}` per line), as the default
    /// `Analyzer` gives them, for Python experiments on tasnif's own analysis.
    #[arg(long)]
    dump_terms: Option<PathBuf>,
}

/// Wall time of every stage the library reports.
#[derive(Default)]
struct StageTimes(std::sync::Mutex<Times>);

#[derive(Default)]
struct Times {
    running: Option<(Stage, Instant)>,
    done: Vec<(Stage, f64)>,
}

impl Progress for StageTimes {
    fn start(&self, stage: Stage, _total: u64) {
        self.0.lock().unwrap().running = Some((stage, Instant::now()));
    }
    fn finish(&self) {
        let mut g = self.0.lock().unwrap();
        if let Some((s, t)) = g.running.take() {
            g.done.push((s, t.elapsed().as_secs_f64()));
        }
    }
}

impl StageTimes {
    fn of(&self, stage: Stage) -> f64 {
        let g = self.0.lock().unwrap();
        g.done
            .iter()
            .filter(|(s, _)| *s == stage)
            .map(|(_, t)| t)
            .sum()
    }
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = Args::parse();
    let t0 = Instant::now();
    let corpus = a.sample.corpus()?;
    let docs = &corpus.docs;
    if let Some(p) = &a.dump_docs {
        let mut s = String::new();
        for d in docs {
            s.push_str(&json!({"label": d.label, "text": d.text}).to_string());
            s.push('\n');
        }
        std::fs::write(p, s)?;
    }
    if let Some(p) = &a.dump_terms {
        let analyzer = Analyzer::new(AnalyzerConfig::default())?;
        let mut s = String::new();
        for d in docs {
            s.push_str(&json!({"label": d.label, "terms": analyzer.terms(&d.text)}).to_string());
            s.push('\n');
        }
        std::fs::write(p, s)?;
    }
    let t_read = t0.elapsed().as_secs_f64();
    let labels: Vec<String> = docs.iter().map(|d| d.label.clone().unwrap()).collect();
    let (truth, names) = encode_labels(&labels);
    let algs: Vec<KMeansAlgorithm> = match a.algorithm.as_str() {
        "lloyd" => vec![KMeansAlgorithm::Lloyd],
        "linfa" => vec![KMeansAlgorithm::Linfa],
        "both" => vec![KMeansAlgorithm::Lloyd, KMeansAlgorithm::Linfa],
        other => return Err(format!("unknown algorithm {other}").into()),
    };
    for alg in algs {
        let mut params = tasnif::TopicParams::new()
            .k(a.sample.k)
            .seed(a.seed)
            .kmeans_algorithm(alg);
        let knobs = params.lab();
        if let Some(m) = a.min_df {
            knobs.tfidf.min_df = DocFreq::Count(m);
        }
        if let Some(m) = a.max_df {
            knobs.tfidf.max_df = DocFreq::Proportion(m);
        }
        if let Some(s) = a.sublinear_tf {
            knobs.tfidf.sublinear_tf = s;
        }
        knobs.tfidf.max_features = a.max_features;
        knobs.tfidf.ngram_range = (1, a.ngram_max);
        knobs.svd.n_iter = a.svd_iter;
        *knobs.lsa_dims = a.dims;
        if let Some(s) = a.svd_sample {
            *knobs.svd_sample = s;
        }
        if let Some(s) = a.kmeans_sample {
            *knobs.kmeans_sample = s;
        }
        if let Some(r) = a.n_runs {
            knobs.kmeans.n_runs = r;
            *knobs.max_runs = r;
        }
        *knobs.mixture = (!a.no_refine).then(|| {
            let defaults = MixtureParams::default();
            MixtureParams {
                tol: a.refine_tol.unwrap_or(defaults.tol),
                ..defaults
            }
        });
        let times = StageTimes::default();
        let t = Instant::now();
        let fit = params.check()?.fit_with(&corpus, &times)?;
        let total = t.elapsed().as_secs_f64();
        let d = &fit.diagnostics;
        if let Some(p) = &a.dump_lsa {
            write_npy(p, &d.lsa_rows)?;
        }
        let topics = &fit.assignments;
        let (mapping, mapped_acc) = best_mapping(&truth, topics);
        let out = json!({
            "tool": "tasnif",
            "corpus": a.sample.corpus,
            "n_docs": docs.len(),
            "labels": names,
            "k": a.sample.k,
            "n_terms": fit.model.vectorizer().vocabulary().len(),
            "nnz": d.nnz,
            "dims": d.lsa_dims,
            "algorithm": format!("{alg:?}"),
            "n_runs": d.kmeans_runs.len(),
            "refined": d.refine_moved.is_some(),
            "refine_moved": d.refine_moved,
            "kmeans_nmi": nmi(&truth, &d.kmeans_assignments),
            "nmi": nmi(&truth, topics),
            "ari": ari(&truth, topics),
            "purity": purity(&truth, topics),
            "mapped_accuracy": mapped_acc,
            "topic_to_label": mapping.iter().map(|m| m.map(|i| names[i].clone())).collect::<Vec<_>>(),
            "contingency_label_by_topic": contingency(&truth, topics),
            "inertia": d.kmeans_inertia,
            "run_inertias": d.kmeans_runs.iter().map(|r| r.inertia).collect::<Vec<_>>(),
            "run_iters": d.kmeans_runs.iter().map(|r| r.n_iter).collect::<Vec<_>>(),
            "time_s": {
                "read": t_read,
                "tfidf": times.of(Stage::Vectorizing),
                "svd": times.of(Stage::Svd),
                "kmeans": times.of(Stage::KMeans) + times.of(Stage::Refining),
                "refine": times.of(Stage::Refining),
                "total": t_read + total,
            },
        });
        println!("{out}");
    }
    Ok(())
}
