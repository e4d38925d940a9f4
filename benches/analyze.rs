//! Throughput of the text chain on real ANT text, one thread:
//! `cargo bench --bench analyze` (needs `../shared/corpora/ant-multisource`).
//! - `analysis/*`: normalise + tokenise + stopwords + stem (the full `Analyzer`), MB/s.
//! - `stemmer/*`: tasnif's stemmer vs rust-stemmers' Snowball Arabic on the same normalised
//!   Arabic token list, tokens/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tasnif::text::analyzer::{Analyzer, AnalyzerConfig};
use tasnif::text::normalize::NormalizeConfig;
use tasnif::text::tokenize::{TokenKind, tokenize};

/// About 5 MB of article text from the start of the ANT file.
fn ant_text() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/ant-multisource/ant-multisource.jsonl");
    let file = std::fs::read_to_string(path).expect("ANT corpus in ../shared");
    let mut out = String::new();
    for line in file.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        out.push_str(v["text"].as_str().unwrap_or(""));
        out.push('\n');
        if out.len() >= 5_000_000 {
            break;
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = ant_text();
    let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
    let mut g = c.benchmark_group("analysis");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("ant_5mb", |b| {
        b.iter(|| {
            let mut n = 0usize;
            analyzer.for_each_token(black_box(&text), |t| n += t.term.len());
            n
        })
    });
    g.finish();

    let norm = NormalizeConfig::default();
    let tokens: Vec<String> = tokenize(&text)
        .filter(|t| t.kind == TokenKind::Arabic)
        .map(|t| norm.normalize(&text[t.start..t.end]))
        .collect();
    let mut g = c.benchmark_group("stemmer");
    g.throughput(Throughput::Elements(tokens.len() as u64));
    g.sample_size(10);
    g.bench_function("tasnif", |b| {
        b.iter(|| {
            tokens
                .iter()
                .map(|w| tasnif::text::stem::stem(black_box(w)).len())
                .sum::<usize>()
        })
    });
    let snowball = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::Arabic);
    g.bench_function("rust_stemmers_arabic", |b| {
        b.iter(|| {
            tokens
                .iter()
                .map(|w| snowball.stem(black_box(w)).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
