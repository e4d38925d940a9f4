//! One pass of the default analyser over a JSONL corpus on one thread, starting from an empty
//! term cache: the throughput a user sees on a first run.
//!     cargo run --release -p tasnif-lab --bin analyze_throughput -- ../shared/corpora/ant-multisource/ant-multisource.jsonl
use std::time::Instant;
use tasnif::corpus::{JsonlFields, read_jsonl};
use tasnif::text::{Analyzer, AnalyzerConfig};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: analyze_throughput CORPUS.jsonl");
    let corpus = read_jsonl(std::path::Path::new(&path), &JsonlFields::default()).expect("corpus");
    let bytes: usize = corpus.docs.iter().map(|d| d.text.len()).sum();
    let analyzer = Analyzer::new(AnalyzerConfig::default()).expect("analyzer");
    let t = Instant::now();
    let mut tokens = 0usize;
    for d in &corpus.docs {
        analyzer.for_each_token(&d.text, |_| tokens += 1);
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} documents, {:.1} MB, {tokens} terms in {s:.2} s: {:.1} MB/s on one thread (cold start)",
        corpus.docs.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / s
    );
}
