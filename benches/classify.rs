//! Classify latency: one article from raw text (analysis + TF-IDF row + linear predict), and the
//! predict step alone, with a classifier trained on the ANT training outlets (skynews, alarabia)
//! with the library's default settings. Needs `../shared`; skips itself when it is absent.
//!
//! `cargo bench --bench classify`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use tasnif::corpus::{JsonlFields, read_jsonl};
use tasnif::supervised::LinearSvcParams;
use tasnif::text::analyzer::{Analyzer, AnalyzerConfig};
use tasnif::vectorize::{DocFreq, TfidfParams, TfidfVectorizer};

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/ant-multisource/ant-multisource.jsonl");
    if !path.exists() {
        eprintln!("classify bench: {} not found, skipping", path.display());
        return;
    }
    let docs = read_jsonl(&path, &JsonlFields::default()).unwrap().docs;
    let is = |d: &tasnif::corpus::Document, s: &[&str]| {
        d.source.as_deref().is_some_and(|x| s.contains(&x))
    };
    let train: Vec<_> = docs
        .iter()
        .filter(|d| is(d, &["skynews", "alarabia"]))
        .collect();
    let test: Vec<_> = docs
        .iter()
        .filter(|d| is(d, &["BBC", "CNN", "france24"]))
        .collect();
    let mut labels: Vec<String> = train.iter().filter_map(|d| d.label.clone()).collect();
    labels.sort();
    labels.dedup();
    let y: Vec<usize> = train
        .iter()
        .map(|d| labels.binary_search(d.label.as_ref().unwrap()).unwrap())
        .collect();
    let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
    let terms: Vec<Vec<String>> = train.iter().map(|d| analyzer.terms(&d.text)).collect();
    let params = TfidfParams {
        min_df: DocFreq::Count(5),
        sublinear_tf: true,
        ..TfidfParams::default()
    }
    .check()
    .unwrap();
    let (vectorizer, x) = TfidfVectorizer::fit_transform(&params, &terms).unwrap();
    let model = LinearSvcParams::default()
        .fit(&x, &y, labels.len())
        .unwrap();
    // a typical article: the median length of the test articles
    let mut by_len: Vec<&str> = test.iter().map(|d| d.text.as_str()).collect();
    by_len.sort_by_key(|t| t.len());
    let article = by_len[by_len.len() / 2];
    let row = vectorizer.transform_one(&analyzer.terms(article));

    let mut g = c.benchmark_group("classify");
    g.bench_function("one article from raw text", |b| {
        b.iter(|| {
            let (cols, vals) = vectorizer.transform_one(&analyzer.terms(black_box(article)));
            black_box(model.predict_proba_row(&cols, &vals))
        })
    });
    g.bench_function("predict_proba_row only", |b| {
        b.iter(|| black_box(model.predict_proba_row(black_box(&row.0), black_box(&row.1))))
    });
    g.bench_function("top_features (10)", |b| {
        b.iter(|| black_box(model.top_features(black_box(&row.0), black_box(&row.1), 10)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
