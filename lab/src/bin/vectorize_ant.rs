//! Reads a JSON Lines corpus (ANT by default), analyses every article (title + "\n" + text) with
//! tasnif's default analyser (normalise, tokenise, stopwords, stem) and fits TF-IDF on it.
//! Prints one line of `key=value` timings; `benches/compare/vectorize.sh` runs it next to
//! scikit-learn.
//!
//! ```text
//! cargo run --release -p tasnif-lab --bin vectorize_ant -- [PATH] [--limit N] [--stages]
//! ```
//! `--stages` also times analysis alone and vectorisation of pre-analysed token lists alone
//! (this holds every token list in memory, so peak RSS is not representative with it).

use rayon::prelude::*;
use serde::Deserialize;
use std::borrow::Cow;
use std::time::Instant;
use tasnif::text::{Analyzer, AnalyzerConfig};
use tasnif::vectorize::TfidfParams;

const ANT: &str = "../shared/corpora/ant-multisource/ant-multisource.jsonl";

#[derive(Deserialize)]
struct Article<'a> {
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    text: Cow<'a, str>,
}

/// Parses the lines in parallel; each article becomes `title + "\n" + text`, as the Python side.
fn read_articles(path: &str, limit: Option<usize>) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .collect();
    if let Some(n) = limit {
        lines.truncate(n);
    }
    lines
        .par_iter()
        .enumerate()
        .map(|(i, l)| {
            let a: Article =
                serde_json::from_slice(l).unwrap_or_else(|e| panic!("{path}: line {}: {e}", i + 1));
            match a.title {
                Some(t) => format!("{t}\n{}", a.text),
                None => a.text.into_owned(),
            }
        })
        .collect()
}

/// CPU seconds (user + system) used by this process so far: with other work on the machine,
/// wall time is noisy but the CPU a stage needs is not.
fn cpu_s() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let u = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    s(u.ru_utime) + s(u.ru_stime)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut path, mut limit, mut stages) = (ANT.to_string(), None, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--limit" => limit = Some(args.next().expect("--limit N").parse().expect("N")),
            "--stages" => stages = true,
            _ => path = a,
        }
    }
    let t0 = Instant::now();
    let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
    let texts = read_articles(&path, limit);
    let t_read = t0.elapsed().as_secs_f64();
    let mb = texts.iter().map(String::len).sum::<usize>() as f64 / 1e6;

    let (t1, c1) = (Instant::now(), cpu_s());
    let params = TfidfParams::default().check().unwrap();
    let (v, x) = (params).fit_transform_texts(&analyzer, &texts).unwrap();
    let t_fit = t1.elapsed().as_secs_f64();
    let cpu_fit = cpu_s() - c1;
    let total = t0.elapsed().as_secs_f64();
    println!(
        "tasnif docs={} mb={mb:.1} threads={} read_s={t_read:.3} analyse+tfidf_s={t_fit:.3} analyse+tfidf_cpu_s={cpu_fit:.3} total_s={total:.3} vocab={} nnz={}",
        texts.len(),
        rayon::current_num_threads(),
        v.vocabulary().len(),
        x.nnz()
    );
    if stages {
        let t = Instant::now();
        let n_tokens: usize = texts
            .par_iter()
            .map(|s| {
                let mut k = 0;
                analyzer.for_each_token(s, |_| k += 1);
                k
            })
            .sum();
        let t_an = t.elapsed().as_secs_f64();
        let docs: Vec<Vec<String>> = texts.par_iter().map(|s| analyzer.terms(s)).collect();
        let t = Instant::now();
        let (v2, x2) = (params).fit_transform(&docs).unwrap();
        let t_vec = t.elapsed().as_secs_f64();
        assert_eq!((v2.vocabulary(), x2.nnz()), (v.vocabulary(), x.nnz()));
        println!(
            "stages analysis_only_s={t_an:.3} tokens={n_tokens} tfidf_on_token_lists_s={t_vec:.3}"
        );
    }
}
