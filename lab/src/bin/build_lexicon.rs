//! Regenerates `assets/lexicon/ant-words.tsv`, the word-frequency lexicon the stemmer consults.
//!
//! It counts every normalised Arabic word of the ANT corpus (titles and texts) and keeps words
//! seen at least `MIN_COUNT` times. Run:
//!
//!     cargo run --release -p tasnif-lab --bin build_lexicon -- ../shared/corpora/ant-multisource/ant-multisource.jsonl
//!
//! The output is sorted, so the same corpus always gives the same file.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use tasnif::text::normalize::NormalizeConfig;
use tasnif::text::tokenize::{TokenKind, tokenize};

const MIN_COUNT: u32 = 3;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: build_lexicon ANT.jsonl")?;
    let norm = NormalizeConfig::default();
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut buf = String::new();
    for line in std::io::BufReader::new(std::fs::File::open(&path)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        for field in ["title", "text"] {
            let text = v[field].as_str().unwrap_or_default();
            for span in tokenize(text).filter(|s| s.kind == TokenKind::Arabic) {
                norm.normalize_into(&text[span.start..span.end], &mut buf);
                if buf.chars().count() >= 2 {
                    *counts.entry(buf.clone()).or_default() += 1;
                }
            }
        }
    }
    let mut kept: Vec<(String, u32)> = counts
        .into_iter()
        .filter(|(_, c)| *c >= MIN_COUNT)
        .collect();
    kept.sort();
    let out_path = "assets/lexicon/ant-words.tsv";
    let mut out = std::io::BufWriter::new(std::fs::File::create(out_path)?);
    for (w, c) in &kept {
        writeln!(out, "{w}\t{c}")?;
    }
    eprintln!(
        "{} words (count >= {MIN_COUNT}) written to {out_path}",
        kept.len()
    );
    Ok(())
}
