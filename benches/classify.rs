//! Classify latency with the model `tasnif train --supervised` makes: trained on the ANT
//! training outlets (skynews, alarabia) with the default `SupervisedParams`, then
//! - one article from raw text through [`Classifier::classify`] (analysis, TF-IDF row, scores,
//!   probabilities, evidence words: what `tasnif classify` does per file),
//! - the 8,930 test-outlet articles through [`Classifier::classify_batch`] (2 threads),
//! - loading the saved model file;
//!
//! and the same three for a topic model (`tasnif train --k 6` defaults) trained on the same
//! articles, where classifying projects each article through the SVD to the nearest centroid.
//!
//! Needs `../shared`; skips itself when it is absent. `cargo bench --bench classify`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tasnif::Classifier;
use tasnif::corpus::{Corpus, JsonlFields, read_jsonl};
use tasnif::model::Model;
use tasnif::{SupervisedParams, TopicParams};

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/ant-multisource/ant-multisource.jsonl");
    if !path.exists() {
        eprintln!("classify bench: {} not found, skipping", path.display());
        return;
    }
    let docs = read_jsonl(&path, &JsonlFields::default()).unwrap().docs;
    let (train, test): (Vec<_>, Vec<_>) = docs
        .into_iter()
        .partition(|d| matches!(d.source.as_deref(), Some("skynews" | "alarabia")));
    let corpus = Corpus::from_documents(train);
    let supervised = SupervisedParams::new()
        .check()
        .unwrap()
        .fit(&corpus)
        .unwrap()
        .model;
    let topics = TopicParams::new()
        .k(6)
        .check()
        .unwrap()
        .fit(&corpus)
        .unwrap()
        .model;
    let dir = tempfile::tempdir().unwrap();

    // a typical article: the median length of the test articles
    let mut by_len: Vec<&str> = test.iter().map(|d| d.text.as_str()).collect();
    by_len.sort_by_key(|t| t.len());
    let article = by_len[by_len.len() / 2];
    let batch: Vec<(&str, &str)> = test
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();

    for (group, model) in [("classify", supervised), ("classify topics", topics)] {
        let file = dir.path().join(format!("{group}.tasnif"));
        model.save(&file, false).unwrap();
        let classifier = Classifier::new(model).unwrap();
        let mut g = c.benchmark_group(group);
        g.bench_function("one article from raw text", |b| {
            b.iter(|| black_box(classifier.classify("a", black_box(article)).unwrap()))
        });
        g.bench_function("load the model file", |b| {
            b.iter(|| black_box(Model::load(black_box(&file)).unwrap()))
        });
        g.sample_size(10);
        g.throughput(Throughput::Elements(batch.len() as u64));
        g.bench_function("batch of the test outlets", |b| {
            b.iter(|| black_box(classifier.classify_batch(black_box(&batch))))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
