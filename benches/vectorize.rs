//! TF-IDF fit-transform throughput on ANT (criterion), analysis included: raw texts in, CSR out
//! (`TfidfVectorizer::fit_transform_texts`, default analyser, sklearn-default TF-IDF params).
//!
//!     cargo bench --bench vectorize
//!
//! Nothing carries over between passes: the vectoriser analyses each distinct word form of the
//! corpus once per fit (the cost a user pays on a new corpus). Throughput is bytes of article
//! text (title + text) per second.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tasnif::corpus::{JsonlFields, read_jsonl};
use tasnif::text::{Analyzer, AnalyzerConfig};
use tasnif::vectorize::TfidfParams;

fn bench(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/ant-multisource/ant-multisource.jsonl");
    let corpus = read_jsonl(&path, &JsonlFields::default()).expect("ANT corpus in ../shared");
    let texts: Vec<&str> = corpus.docs.iter().map(|d| d.text.as_str()).collect();
    let params = TfidfParams::default().check().unwrap();
    let mut g = c.benchmark_group("fit_transform_texts");
    g.sample_size(10);
    for n in [1_000, 10_000, texts.len()] {
        let docs = &texts[..n];
        let bytes: usize = docs.iter().map(|t| t.len()).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), docs, |b, docs| {
            b.iter_batched(
                || Analyzer::new(AnalyzerConfig::default()).unwrap(),
                |a| {
                    (params)
                        .fit_transform_texts(&a, black_box(docs))
                        .unwrap()
                        .1
                        .nnz()
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
