//! Supervised evaluation on the ANT outlet split (train: skynews + alarabia; test: BBC, CNN,
//! france24), printing one JSON object on stdout:
//! `{"macro_f1", "accuracy", "train_seconds", "predict_articles_per_s", "latency_ms_median", ...}`.
//!
//! ```text
//! cargo run --release --example supervised_eval -- [--corpus PATH] [--validate]
//!     [--c 0.1] [--sublinear true] [--min-df 5] [--max-df 1.0] [--ngram-max 1] [--balanced true]
//! ```
//! `--validate` selects hyper-parameters without touching the test outlets: it trains on one
//! training outlet and scores on the other (both directions; only the labels both outlets have),
//! for every combination of the comma-separated values given (e.g. `--c 0.05,0.1,0.3`), and
//! prints one JSON line per setting.
//!
//! "train_seconds" is end to end from raw text: analysis + TF-IDF fit + classifier fit (+ the
//! calibration refit). "predict_articles_per_s" is batch throughput from raw text over all test
//! articles (analysis + TF-IDF transform + predict); "latency_ms_*" is one article at a time.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use tasnif::corpus::{Document, JsonlFields, read_jsonl};
use tasnif::metrics::classification::ClassificationReport;
use tasnif::sparse::CsrMatrix;
use tasnif::supervised::{ClassWeight, LinearSvcParams};
use tasnif::text::analyzer::{Analyzer, AnalyzerConfig};
use tasnif::vectorize::{DocFreq, TfidfParams, TfidfVectorizer, ValidTfidfParams};

const TRAIN: [&str; 2] = ["skynews", "alarabia"];
const TEST: [&str; 3] = ["BBC", "CNN", "france24"];

/// TF-IDF settings explored here, mapped onto [`TfidfParams`] (scikit-learn semantics).
#[derive(Clone, Debug, serde::Serialize)]
struct Tfidf {
    sublinear_tf: bool,
    min_df: usize,
    max_df: f64,
    ngram_max: usize,
}

impl Tfidf {
    fn params(&self) -> ValidTfidfParams {
        TfidfParams {
            sublinear_tf: self.sublinear_tf,
            min_df: DocFreq::Count(self.min_df),
            max_df: DocFreq::Proportion(self.max_df),
            ngram_range: (1, self.ngram_max),
            ..TfidfParams::default()
        }
        .check()
        .expect("valid TF-IDF parameters")
    }
}

fn fit_tfidf(t: &Tfidf, docs: &[Vec<String>]) -> (TfidfVectorizer, CsrMatrix) {
    TfidfVectorizer::fit_transform(&t.params(), docs).expect("TF-IDF fit")
}

#[derive(Clone, Debug, serde::Serialize)]
struct Setting {
    tfidf: Tfidf,
    c: f64,
    balanced: bool,
}

impl Setting {
    fn svc(&self, calibrate: bool) -> LinearSvcParams {
        LinearSvcParams {
            c: self.c,
            class_weight: if self.balanced {
                ClassWeight::Balanced
            } else {
                ClassWeight::Uniform
            },
            calibration_holdout: if calibrate { 0.1 } else { 0.0 },
            ..Default::default()
        }
    }
}

fn list<T: std::str::FromStr>(args: &[String], name: &str, default: &str) -> Vec<T> {
    let v = args
        .iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .unwrap_or(default);
    v.split(',')
        .map(|x| {
            x.parse()
                .unwrap_or_else(|_| panic!("bad value for {name}: {x}"))
        })
        .collect()
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("bad value for {name}: {v}"))
        })
        .unwrap_or(default)
}

/// Trains on `train` rows and returns macro-F1 over the labels present in both sides.
fn cross_outlet(
    s: &Setting,
    terms: &[Vec<String>],
    y: &[usize],
    train: &[usize],
    eval: &[usize],
    n_classes: usize,
) -> f64 {
    let in_train: BTreeSet<usize> = train.iter().map(|&i| y[i]).collect();
    let in_eval: BTreeSet<usize> = eval.iter().map(|&i| y[i]).collect();
    let shared: Vec<usize> = in_train.intersection(&in_eval).cloned().collect();
    let eval: Vec<usize> = eval
        .iter()
        .cloned()
        .filter(|&i| shared.contains(&y[i]))
        .collect();
    let tr_terms: Vec<Vec<String>> = train.iter().map(|&i| terms[i].clone()).collect();
    let (v, x) = fit_tfidf(&s.tfidf, &tr_terms);
    let ytr: Vec<usize> = train.iter().map(|&i| y[i]).collect();
    let model = s.svc(false).fit(&x, &ytr, n_classes).unwrap();
    let ev_terms: Vec<Vec<String>> = eval.iter().map(|&i| terms[i].clone()).collect();
    let pred = model.predict(&v.transform(&ev_terms)).unwrap();
    let yev: Vec<usize> = eval.iter().map(|&i| y[i]).collect();
    // macro-F1 over the shared labels only
    let names: Vec<String> = (0..n_classes).map(|c| c.to_string()).collect();
    let r = ClassificationReport::new(&yev, &pred, &names).unwrap();
    shared.iter().map(|&c| r.per_label[c].f1).sum::<f64>() / shared.len() as f64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let default_corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/ant-multisource/ant-multisource.jsonl"
    );
    let corpus: String = arg(&args, "--corpus", default_corpus.to_string());
    let docs: Vec<Document> = read_jsonl(Path::new(&corpus), &JsonlFields::default())
        .unwrap_or_else(|e| panic!("{corpus}: {e}"))
        .docs;
    let src = |d: &Document| d.source.clone().unwrap_or_default();
    if let Some(i) = args.iter().position(|a| a == "--dump-docs") {
        // the documents exactly as tasnif read them, for the peers (benches/compare)
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&args[i + 1]).unwrap());
        for d in &docs {
            let j = serde_json::json!({"source": d.source, "label": d.label, "text": d.text});
            writeln!(f, "{j}").unwrap();
        }
        return;
    }
    let labels: Vec<String> = docs
        .iter()
        .map(|d| d.label.clone().unwrap_or_default())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let label_id = |l: &str| labels.iter().position(|x| x == l).unwrap();
    let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();

    if args.iter().any(|a| a == "--validate") {
        let tr: Vec<&Document> = docs
            .iter()
            .filter(|d| TRAIN.contains(&src(d).as_str()))
            .collect();
        let terms: Vec<Vec<String>> = tr.par_iter().map(|d| analyzer.terms(&d.text)).collect();
        let y: Vec<usize> = tr
            .iter()
            .map(|d| label_id(d.label.as_deref().unwrap_or_default()))
            .collect();
        let a: Vec<usize> = (0..tr.len()).filter(|&i| src(tr[i]) == TRAIN[0]).collect();
        let b: Vec<usize> = (0..tr.len()).filter(|&i| src(tr[i]) == TRAIN[1]).collect();
        // every comma-separated list spans one axis of the grid
        let mut grid = Vec::new();
        for sub in list::<bool>(&args, "--sublinear", "true") {
            for min_df in list::<usize>(&args, "--min-df", "2") {
                for max_df in list::<f64>(&args, "--max-df", "1.0") {
                    for ngram_max in list::<usize>(&args, "--ngram-max", "1") {
                        for c in list::<f64>(&args, "--c", "0.1") {
                            for balanced in list::<bool>(&args, "--balanced", "true") {
                                grid.push(Setting {
                                    tfidf: Tfidf {
                                        sublinear_tf: sub,
                                        min_df,
                                        max_df,
                                        ngram_max,
                                    },
                                    c,
                                    balanced,
                                });
                            }
                        }
                    }
                }
            }
        }
        for s in grid {
            let t = Instant::now();
            let f_ab = cross_outlet(&s, &terms, &y, &a, &b, labels.len());
            let f_ba = cross_outlet(&s, &terms, &y, &b, &a, labels.len());
            println!(
                "{}",
                serde_json::json!({
                    "setting": s, "val_macro_f1": (f_ab + f_ba) / 2.0,
                    "skynews_to_alarabia": f_ab, "alarabia_to_skynews": f_ba,
                    "seconds": t.elapsed().as_secs_f64(),
                })
            );
        }
        return;
    }

    let chosen = Setting {
        tfidf: Tfidf {
            sublinear_tf: arg(&args, "--sublinear", true),
            min_df: arg(&args, "--min-df", 5),
            max_df: arg(&args, "--max-df", 1.0),
            ngram_max: arg(&args, "--ngram-max", 1),
        },
        c: arg(&args, "--c", 0.1),
        balanced: arg(&args, "--balanced", true),
    };

    let train: Vec<&Document> = docs
        .iter()
        .filter(|d| TRAIN.contains(&src(d).as_str()))
        .collect();
    let test: Vec<&Document> = docs
        .iter()
        .filter(|d| TEST.contains(&src(d).as_str()))
        .collect();
    let ytr: Vec<usize> = train
        .iter()
        .map(|d| label_id(d.label.as_deref().unwrap_or_default()))
        .collect();
    let yte: Vec<usize> = test
        .iter()
        .map(|d| label_id(d.label.as_deref().unwrap_or_default()))
        .collect();

    let t = Instant::now();
    let tr_terms: Vec<Vec<String>> = train.par_iter().map(|d| analyzer.terms(&d.text)).collect();
    let t_analyse = t.elapsed().as_secs_f64();
    let (vectorizer, x) = fit_tfidf(&chosen.tfidf, &tr_terms);
    let t_tfidf = t.elapsed().as_secs_f64() - t_analyse;
    let model = chosen.svc(true).fit(&x, &ytr, labels.len()).unwrap();
    let train_seconds = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let te_terms: Vec<Vec<String>> = test.par_iter().map(|d| analyzer.terms(&d.text)).collect();
    let xt = vectorizer.transform(&te_terms);
    let pred = model.predict(&xt).unwrap();
    let batch_s = t.elapsed().as_secs_f64();

    let mut lat: Vec<f64> = test
        .iter()
        .take(500)
        .map(|d| {
            let t = Instant::now();
            let (c, v) = vectorizer.transform_one(&analyzer.terms(&d.text));
            std::hint::black_box(model.predict_row(&c, &v));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    lat.sort_by(f64::total_cmp);

    let report = ClassificationReport::new(&yte, &pred, &labels).unwrap();
    eprintln!("{}", report.to_text(4));
    eprintln!("{}", report.confusion.to_text());
    println!(
        "{}",
        serde_json::json!({
            "system": "tasnif",
            "setting": chosen,
            "n_train": train.len(), "n_test": test.len(), "n_features": x.n_cols,
            "macro_f1": report.macro_f1(), "accuracy": report.accuracy,
            "train_seconds": train_seconds,
            "train_breakdown_s": {"analyse": t_analyse, "tfidf": t_tfidf,
                                  "fit": train_seconds - t_analyse - t_tfidf},
            "solver_epochs": model.n_iter, "temperature": model.temperature,
            "predict_articles_per_s": test.len() as f64 / batch_s,
            "latency_ms_median": lat[lat.len() / 2],
            "latency_ms_p99": lat[lat.len() * 99 / 100],
            "threads": rayon::current_num_threads(),
        })
    );
}
