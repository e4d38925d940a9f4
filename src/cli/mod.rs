//! The `tasnif` command: parse, call the library, print. `--json` on every reporting command.
//!
//! Exit codes: 0 success · 1 error (nothing useful done) · 2 usage error · 3 done, but some
//! inputs were skipped (each one reported on stderr with its path and reason).

#[macro_use]
pub(crate) mod output;
mod classify;
mod eval;
mod progress;
mod report;
mod stem;
mod topics;
mod train;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::process::ExitCode;
use tasnif::CorpusReader;
use tasnif::model::ModelError;
use tasnif::topics::KChoice;

pub const EXIT_OK: u8 = 0;
pub const EXIT_ERROR: u8 = 1;
pub const EXIT_SKIPPED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "tasnif",
    version,
    about = "Arabic news topics: discover them, keep a model, classify new articles."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads (default: one per core). Models are the same byte for byte whatever the
    /// number.
    #[arg(long, short = 'j', global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

#[derive(Subcommand)]
enum Command {
    /// Print each token of a text with its stem.
    Stem(stem::StemArgs),
    /// Train a topic model (k-means) or, with --supervised, a classifier on a labelled corpus.
    Train(train::TrainArgs),
    /// Show the topics of a model.
    Topics(topics::TopicsArgs),
    /// Classify article files (or - for standard input) with a model.
    Classify(classify::ClassifyArgs),
    /// Evaluate a model on a corpus: against its labels, and (topic models) the top words.
    Eval(eval::EvalArgs),
    /// Write a self-contained HTML report (inline SVG charts) of a model, optionally on a corpus.
    Report(report::ReportArgs),
}

/// Field names of JSON Lines corpora.
#[derive(Args, Clone)]
pub(crate) struct FieldArgs {
    /// JSON Lines field holding the article text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSON Lines field holding the label.
    #[arg(long, default_value = "label")]
    label_field: String,
    /// JSON Lines field holding the publication date (RFC 2822 or ISO 8601): topics over time
    /// in eval and report, the date in classify --json.
    #[arg(long, default_value = "date")]
    date_field: String,
}

impl FieldArgs {
    /// A corpus reader with these fields and a sources filter.
    pub(crate) fn reader(&self, sources: &[String]) -> CorpusReader {
        CorpusReader::new()
            .text_field(&self.text_field)
            .label_field(&self.label_field)
            .date_field(&self.date_field)
            .sources(sources.iter().cloned())
    }
}

/// k-means implementations `train --kmeans` offers.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum KMeansChoice {
    /// tasnif's own Lloyd iterations with Hamerly's bounds (the default: faster, measured in
    /// the README)
    Lloyd,
    /// linfa-clustering's KMeans
    Linfa,
}

/// An error for the user: what went wrong, already naming the file, with advice on what to do.
pub(crate) struct Failure(String);

impl From<tasnif::Error> for Failure {
    fn from(e: tasnif::Error) -> Self {
        Failure(with_advice(&e))
    }
}

impl From<ModelError> for Failure {
    fn from(e: ModelError) -> Self {
        tasnif::Error::from(e).into()
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure(e.to_string())
    }
}

/// The library's message and what to do about it on the command line.
fn with_advice(e: &tasnif::Error) -> String {
    use tasnif::Error as E;
    use tasnif::corpus::CorpusError;
    use tasnif::supervised::SupervisedError;
    use tasnif::text::analyzer::AnalyzerError;
    use tasnif::topics::TopicsError;
    let advice = match e {
        E::Model(ModelError::Exists(_)) => Some("pass --force to overwrite it"),
        E::Model(ModelError::Empty(_) | ModelError::WrongMagic(_)) => {
            Some("pass a model written by `tasnif train`")
        }
        E::Model(ModelError::FutureVersion { .. }) => Some("upgrade tasnif"),
        E::Model(ModelError::OlderVersion { .. }) => Some("retrain it with `tasnif train`"),
        E::Model(ModelError::Damaged { .. } | ModelError::Decode { .. }) => {
            Some("copy it again or retrain it with `tasnif train`")
        }
        E::Corpus(CorpusError::UnknownSources { .. }) => {
            Some("--sources takes the outlets exactly as the documents spell them")
        }
        E::Topics(TopicsError::KTooLarge { .. }) => Some("give a smaller --k"),
        E::Analyzer(AnalyzerError::StemmerVersion(_)) => {
            Some("retrain the model with this tasnif (`tasnif train`)")
        }
        E::Supervised(SupervisedError::OneLabel(_)) => {
            Some("a classifier needs documents of two labels or more")
        }
        _ => None,
    };
    match advice {
        Some(a) => format!("{e}; {a}"),
        None => e.to_string(),
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Some(n) = cli.threads {
        // the first pool built is the only one; nothing has built one before this
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.into())
            .build_global();
    }
    let result = match cli.command {
        Command::Stem(a) => stem::run(&a),
        Command::Train(a) => train::run(a),
        Command::Topics(a) => topics::run(&a),
        Command::Classify(a) => classify::run(&a),
        Command::Eval(a) => eval::run(&a),
        Command::Report(a) => report::run(&a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure(msg)) => {
            eprintln!("tasnif: error: {msg}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Reads the corpora of a command, printing what reading skipped and noted. When nothing was
/// readable, the skipped inputs are listed as usual (the first ten of each reason) before the
/// error.
pub(crate) fn read_corpus<P: AsRef<std::path::Path>>(
    reader: &CorpusReader,
    paths: &[P],
    progress: &dyn tasnif::Progress,
    skips: &mut output::SkipReport,
) -> Result<tasnif::Corpus, Failure> {
    match reader.read_all_with(paths, progress) {
        Ok(corpus) => {
            output::report_reading(&corpus, skips);
            Ok(corpus)
        }
        Err(tasnif::Error::Corpus(tasnif::corpus::CorpusError::NoDocuments { path, skipped })) => {
            skips.note_all(&skipped);
            Err(Failure(format!(
                "{}: no readable documents ({} skipped)",
                shown(&path),
                skipped.len()
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// Exit status of a command that finished: [`EXIT_SKIPPED`] when some inputs were skipped.
pub(crate) fn exit_code(skipped: usize) -> u8 {
    if skipped > 0 { EXIT_SKIPPED } else { EXIT_OK }
}

/// `--k 4` or `--k 2..12` (also `2..=12`); a usage error (exit 2) otherwise.
fn parse_k(s: &str) -> Result<KChoice, String> {
    let bad = || format!("expected a number of topics (4) or a rising range (2..12), got {s:?}");
    let num = |x: &str| match x.trim().parse::<i64>() {
        Ok(k) if k >= 2 => Ok(k as usize),
        Ok(k) => Err(format!("a topic model needs at least 2 topics, got {k}")),
        Err(_) => Err(bad()),
    };
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b.trim_start_matches('='))?);
            if a > b {
                return Err(format!("the range {s} goes down; did you mean {b}..{a}?"));
            }
            Ok(KChoice::Range(a, b))
        }
        None => Ok(KChoice::Fixed(num(s)?)),
    }
}

/// A seed: a whole number from 0 to 2^64 − 1.
fn parse_seed(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| format!("expected a whole number from 0 to {}, got {s:?}", u64::MAX))
}

/// A score threshold between 0 and 1 (topic scores are cosines, supervised scores
/// probabilities: above 1 would leave every article without a topic).
fn parse_score(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) if v.is_finite() => Err(format!(
            "expected a score from 0 to 1 (scores are cosines or probabilities), got {v}"
        )),
        _ => Err(format!("expected a finite number from 0 to 1, got {s:?}")),
    }
}

/// Whether a path given for output means standard output: `-`, or `/dev/stdout` (which, through
/// a pipe, is no file a page could be renamed over).
pub(crate) fn is_stdout(p: &std::path::Path) -> bool {
    p == std::path::Path::new("-") || p == std::path::Path::new("/dev/stdout")
}

pub(crate) type Outcome = Result<u8, Failure>;

/// Paths given on the command line, for messages.
pub(crate) fn shown(p: &std::path::Path) -> String {
    tasnif::corpus::path_name(p)
}
