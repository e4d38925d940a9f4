//! Command-line interface: parse, call the library, print. `--json` on every reporting command.
//!
//! Exit codes: 0 success · 1 error (nothing useful done) · 2 usage error · 3 done, but some
//! inputs were skipped (each one reported on stderr with its path and reason).

mod progress;

use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tasnif::corpus::{self, Corpus, JsonlFields};
use tasnif::metrics::clustering;
use tasnif::model::{Model, ModelKind};
use tasnif::text::{Analyzer, AnalyzerConfig};
use tasnif::train::{self, KChoice, SupervisedParams, TopicParams};

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
}

#[derive(Subcommand)]
enum Command {
    /// Print each token of a text with its stem.
    Stem {
        /// Text file, or - for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
        /// Print word<TAB>stem lines.
        #[arg(long)]
        tsv: bool,
        /// One JSON object per token (word, stem, byte offsets) instead of text
        #[arg(long)]
        json: bool,
    },
    /// Train a topic model (k-means) or, with --supervised, a classifier on a labelled corpus.
    Train(TrainArgs),
    /// Show the topics of a model.
    Topics {
        model: PathBuf,
        /// The topics as one JSON object
        #[arg(long)]
        json: bool,
    },
    /// Classify article files (or - for standard input) with a model.
    Classify {
        model: PathBuf,
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// One JSON object per article, one per line
        #[arg(long)]
        json: bool,
        /// Below this score an article gets no topic (label): "-" in the text output, `null`
        /// label and class in JSON, with the nearest one as `nearest_label`. Topic models score
        /// 0–1 (cosine to the topic in term space), supervised models by probability.
        #[arg(long, value_parser = parse_finite)]
        min_score: Option<f64>,
        #[command(flatten)]
        fields: FieldArgs,
    },
    /// Evaluate a model on a labelled corpus.
    Eval {
        model: PathBuf,
        corpus: PathBuf,
        #[command(flatten)]
        fields: FieldArgs,
        /// Only documents whose JSONL `source` is one of these (comma-separated), e.g. BBC,CNN,france24.
        #[arg(long, value_delimiter = ',')]
        sources: Vec<String>,
        /// The whole evaluation as one JSON object
        #[arg(long)]
        json: bool,
    },
    /// Write a self-contained HTML report (inline SVG charts) of a model, optionally on a corpus.
    Report {
        model: PathBuf,
        /// A corpus to map (topic models) or evaluate on (supervised models).
        corpus: Option<PathBuf>,
        #[arg(long, short, default_value = "report.html")]
        out: PathBuf,
        /// Overwrite an existing file at --out
        #[arg(long)]
        force: bool,
        /// Most documents drawn on the document map (sampled evenly).
        #[arg(long, default_value_t = tasnif::report::MAX_MAP_DOCS)]
        max_docs: usize,
        #[command(flatten)]
        fields: FieldArgs,
        /// Only documents whose JSONL `source` is one of these (comma-separated), e.g. the
        /// outlets a supervised model was not trained on
        #[arg(long, value_delimiter = ',')]
        sources: Vec<String>,
        /// Print what was written as one JSON object (report, bytes, model, kind, corpus,
        /// documents, skipped) instead of the "wrote" line
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct TrainArgs {
    /// A folder with one sub-folder of .txt files per label (one article per file), or a .jsonl
    /// file (one article per line). Several are trained on together, e.g. a large labelled
    /// corpus plus a folder of your own outlet's labelled articles.
    #[arg(required = true)]
    corpus: Vec<PathBuf>,
    /// Number of topics, or a range such as 2..12 (keeps the best cosine silhouette).
    #[arg(long, default_value = "4", value_parser = parse_k)]
    k: KChoice,
    /// Where to write the model.
    #[arg(long, short, default_value = "model.tasnif")]
    out: PathBuf,
    /// Train a classifier on the corpus labels instead of discovering topics.
    #[arg(long)]
    supervised: bool,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Overwrite an existing model file.
    #[arg(long)]
    force: bool,
    /// Only documents whose JSONL `source` is one of these (comma-separated). With several
    /// corpora, it applies to those whose documents carry a `source`; the others are kept whole.
    #[arg(long, value_delimiter = ',')]
    sources: Vec<String>,
    #[command(flatten)]
    fields: FieldArgs,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
    /// Print the wall time of every stage (reading, analysis, SVD, k-means, saving) to stderr.
    #[arg(long)]
    timings: bool,
    /// A JSON summary (model, counts, topics, k scan, agreement with labels) instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Args, Clone)]
struct FieldArgs {
    /// JSONL field holding the article text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSONL field holding the label.
    #[arg(long, default_value = "label")]
    label_field: String,
}

impl FieldArgs {
    fn fields(&self) -> JsonlFields {
        JsonlFields {
            text: self.text_field.clone(),
            label: Some(self.label_field.clone()),
            ..JsonlFields::default()
        }
    }
}

/// `println!` for results. A reader that stops early (`tasnif classify … | head`) ends the run
/// quietly with exit 0, as for other Unix filters; any other failure to write (a full disk) is
/// an error (exit 1). `println!` would panic in both cases.
macro_rules! outln {
    () => {
        $crate::cli::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for results, as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!($($arg)*))
    };
}

pub(crate) fn write_out(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args) {
        stdout_failed(e);
    }
}

/// Ends the run after a failed write of results: quietly (0) when the reader went away.
fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(EXIT_OK.into());
    }
    eprintln!("tasnif: error: standard output: {e}");
    std::process::exit(EXIT_ERROR.into());
}

// after the output macros, which they use
mod classify;
mod eval;
mod report;

/// An error for the user: what went wrong, already naming the file.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Stem { input, tsv, json } => stem(&input, tsv, json),
        Command::Train(args) => train_cmd(args),
        Command::Topics { model, json } => topics(&model, json),
        Command::Classify {
            model,
            inputs,
            json,
            min_score,
            fields,
        } => classify::run(&model, &inputs, &fields, json, min_score),
        Command::Eval {
            model,
            corpus,
            fields,
            sources,
            json,
        } => eval::run(&model, &corpus, &fields, &sources, json),
        Command::Report {
            model,
            corpus,
            out,
            max_docs,
            fields,
            sources,
            force,
            json,
        } => report::run(
            &model,
            corpus.as_deref(),
            (&out, force),
            &fields,
            &sources,
            max_docs,
            json,
        ),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure(msg)) => {
            eprintln!("tasnif: error: {msg}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn read_text(input: &Path) -> Result<String, Failure> {
    if input == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Failure(format!("-: {e}")))?;
        corpus::decode(&buf).map_err(|e| Failure(format!("-: {e}")))
    } else {
        corpus::read_text_file(input).map_err(|e| Failure(format!("{}: {e}", input.display())))
    }
}

fn stem(input: &Path, tsv: bool, json: bool) -> Result<u8, Failure> {
    let text = read_text(input)?;
    let analyzer = Analyzer::new(AnalyzerConfig {
        stopwords: tasnif::text::stopwords::StopwordsConfig::None,
        keep_numbers: true,
        ..Default::default()
    })?;
    // printed as they come, buffered: a large file is not held twice as rows in memory
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = None;
    analyzer.for_each_token(&text, |t| {
        if failed.is_some() {
            return;
        }
        let word = &text[t.start..t.end];
        let written = if json {
            let row =
                serde_json::json!({"word": word, "stem": t.term, "start": t.start, "end": t.end});
            writeln!(out, "{row}")
        } else if tsv {
            writeln!(out, "{word}\t{}", t.term)
        } else {
            writeln!(out, "{word} → {}", t.term)
        };
        failed = written.err();
    });
    if let Some(e) = failed.or_else(|| out.flush().err()) {
        stdout_failed(e);
    }
    Ok(EXIT_OK)
}

/// Reads a corpus and reports every skipped input on stderr.
fn load_corpus(path: &Path, fields: &FieldArgs, sources: &[String]) -> Result<Corpus, Failure> {
    load_corpora(&[path], fields, sources)
}

/// Reads one or more corpora into one (`train` takes several) and reports every skipped input
/// on stderr. `--sources` filters each corpus whose documents carry a `source`; one without
/// any is kept whole (with a note). A requested source that no document has is refused, and
/// so is a corpus given twice. With several corpora, a document without a `source` gets its
/// corpus's path as one: each such corpus counts as one outlet when pooling labels.
fn load_corpora<P: AsRef<Path>>(
    paths: &[P],
    fields: &FieldArgs,
    sources: &[String],
) -> Result<Corpus, Failure> {
    // the same corpus twice would count every article twice
    let mut distinct = std::collections::HashSet::new();
    for path in paths.iter().map(AsRef::as_ref) {
        if !distinct.insert(path.canonicalize().unwrap_or_else(|_| path.to_path_buf())) {
            return Err(Failure(format!(
                "{}: given twice (each corpus once: twice would count its articles twice)",
                path.display()
            )));
        }
    }
    let read: Vec<Corpus> = (paths.iter())
        .map(|p| corpus::read_path(p.as_ref(), &fields.fields()))
        .collect::<Result<_, _>>()?;
    if !sources.is_empty() {
        // A source that matches nothing is almost always a typo (`cnn` for `CNN`): refuse it
        // rather than quietly train or evaluate on fewer outlets.
        let present: std::collections::BTreeSet<&str> = (read.iter())
            .flat_map(|c| c.docs.iter().filter_map(|d| d.source.as_deref()))
            .collect();
        let missing: Vec<&str> = sources
            .iter()
            .map(String::as_str)
            .filter(|s| !present.contains(s))
            .collect();
        if !missing.is_empty() {
            let known: Vec<&str> = present.into_iter().collect();
            return Err(Failure(format!(
                "{}: --sources {}: no document has this source (sources present: {})",
                corpora_name(paths),
                missing.join(","),
                if known.is_empty() {
                    "none, the documents carry no `source` field".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
    }
    let mut all = Corpus::default();
    for (path, mut c) in paths.iter().map(AsRef::as_ref).zip(read) {
        SkipReport::default().note_all(&c.skipped);
        note_ignored(path, &c.ignored);
        // before --sources: a kept source has a document, so only an unreadable corpus is empty
        if c.docs.is_empty() {
            return Err(Failure(format!(
                "{}: no readable documents ({} skipped)",
                path.display(),
                c.skipped.len()
            )));
        }
        if !sources.is_empty() {
            if c.docs.iter().any(|d| d.source.is_some()) {
                c.docs
                    .retain(|d| d.source.as_ref().is_some_and(|s| sources.contains(s)));
            } else {
                eprintln!(
                    "tasnif: note: {}: no document carries a `source`, so --sources does not \
                     apply: all {} documents kept",
                    path.display(),
                    c.docs.len()
                );
            }
        }
        note_duplicate_ids(path, &c.docs);
        if paths.len() > 1 {
            let own = path.display().to_string();
            for d in &mut c.docs {
                d.source.get_or_insert_with(|| own.clone());
            }
        }
        all.docs.append(&mut c.docs);
        all.skipped.append(&mut c.skipped);
        all.ignored.append(&mut c.ignored);
    }
    Ok(all)
}

/// How `train` names its corpus in the model's facts: the path (several joined by
/// [`CORPORA_MARK`]), and the outlets it kept.
const SOURCES_MARK: &str = " --sources ";
const CORPORA_MARK: &str = " + ";

fn corpora_name<P: AsRef<Path>>(paths: &[P]) -> String {
    let names: Vec<String> = (paths.iter())
        .map(|p| p.as_ref().display().to_string())
        .collect();
    names.join(CORPORA_MARK)
}

fn training_corpus_name(paths: &[PathBuf], sources: &[String]) -> String {
    match sources {
        [] => corpora_name(paths),
        s => format!("{}{SOURCES_MARK}{}", corpora_name(paths), s.join(",")),
    }
}

/// Warns when a supervised model is scored on documents it was trained on (the corpus it read,
/// and, when `train --sources` chose outlets, documents of those outlets): those scores say how
/// well it fits, not how well it classifies new articles.
fn note_training_corpus(model: &Model, path: &Path, corpus: &Corpus) {
    if !matches!(model.kind, ModelKind::Supervised(_)) {
        return;
    }
    let (trained_on, outlets) = match model.facts.corpus.split_once(SOURCES_MARK) {
        Some((p, s)) => (p, Some(s.split(',').collect::<Vec<_>>())),
        None => (model.facts.corpus.as_str(), None),
    };
    let same = |trained: &str| match (Path::new(trained).canonicalize(), path.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => Path::new(trained) == path,
    };
    // the whole name first: one path may itself contain the mark
    if !std::iter::once(trained_on)
        .chain(trained_on.split(CORPORA_MARK))
        .any(same)
    {
        return;
    }
    let seen = match &outlets {
        // a corpus without sources was kept whole, --sources or not
        Some(o) if corpus.docs.iter().any(|d| d.source.is_some()) => (corpus.docs.iter())
            .filter(|d| d.source.as_deref().is_some_and(|s| o.contains(&s)))
            .count(),
        _ => corpus.docs.len(),
    };
    if seen > 0 {
        eprintln!(
            "tasnif: note: {seen} of these {} documents are from the corpus this model was \
             trained on ({}): their scores say how well it fits them, not how it does on new \
             articles",
            corpus.docs.len(),
            model.facts.corpus
        );
    }
}

/// Warns when documents share an id (JSON Lines records with the same `id`): every result is
/// named by its id, so such documents could not be told apart in the output.
fn note_duplicate_ids(source: &Path, docs: &[tasnif::corpus::Document]) {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for d in docs {
        *seen.entry(d.id.as_str()).or_default() += 1;
    }
    let mut repeated: Vec<(&str, usize)> = seen.into_iter().filter(|&(_, n)| n > 1).collect();
    if repeated.is_empty() {
        return;
    }
    repeated.sort_unstable();
    let shown = first_few(repeated.iter().map(|(id, n)| format!("{id:?} ×{n}")));
    let (count, verb) = match repeated.len() {
        1 => ("1 id".to_string(), "is"),
        n => (format!("{n} ids"), "are"),
    };
    eprintln!(
        "tasnif: note: {}: {count} {verb} used by more than one document ({shown}); results \
         are named by id, so those documents cannot be told apart in the output",
        source.display(),
    );
}

/// Names the files beside a corpus folder's label folders that were not read (not `.txt`).
fn note_ignored(root: &Path, ignored: &[PathBuf]) {
    if ignored.is_empty() {
        return;
    }
    let names = first_few(ignored.iter().map(|p| {
        p.file_name()
            .unwrap_or(p.as_os_str())
            .to_string_lossy()
            .into_owned()
    }));
    eprintln!(
        "tasnif: {}: not read (not .txt articles): {names}",
        root.display()
    );
}

/// The first [`SKIPS_SHOWN`] items, comma-separated, then how many more there are.
fn first_few(items: impl ExactSizeIterator<Item = String>) -> String {
    let more = items.len().saturating_sub(SKIPS_SHOWN);
    let shown: Vec<String> = items.take(SKIPS_SHOWN).collect();
    match more {
        0 => shown.join(", "),
        n => format!("{} and {n} more", shown.join(", ")),
    }
}

/// Skipped inputs reported on stderr for each reason: each of the first [`SKIPS_SHOWN`] with its
/// place, then one count. A wrong `--text-field` on a 29k-line file used to print 29k lines.
#[derive(Default)]
struct SkipReport {
    /// (reason, times seen), in order of first appearance
    seen: Vec<(String, usize)>,
    /// Every skipped input as (path, JSON Lines line, reason), when [`SkipReport::keeping`]:
    /// `classify --json` accounts for each input on stdout, not only on stderr.
    kept: Option<Vec<(String, Option<usize>, String)>>,
}

/// Skipped inputs listed one by one for each reason before the rest are counted.
const SKIPS_SHOWN: usize = 10;

impl SkipReport {
    fn keeping() -> Self {
        SkipReport {
            seen: Vec::new(),
            kept: Some(Vec::new()),
        }
    }

    /// The inputs skipped so far, when keeping them (empty otherwise).
    fn take_kept(&mut self) -> Vec<(String, Option<usize>, String)> {
        self.kept.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// How many inputs were skipped in all.
    fn total(&self) -> usize {
        self.seen.iter().map(|(_, n)| n).sum()
    }

    fn note(&mut self, place: &str, reason: &str) {
        self.note_at(place, None, reason);
    }

    fn note_at(&mut self, path: &str, line: Option<usize>, reason: &str) {
        if let Some(kept) = &mut self.kept {
            kept.push((path.to_string(), line, reason.to_string()));
        }
        let place = match line {
            Some(l) => format!("{path}:{l}"),
            None => path.to_string(),
        };
        let i = match self.seen.iter().position(|(r, _)| r == reason) {
            Some(i) => i,
            None => {
                self.seen.push((reason.to_string(), 0));
                self.seen.len() - 1
            }
        };
        self.seen[i].1 += 1;
        if self.seen[i].1 <= SKIPS_SHOWN {
            eprintln!("tasnif: skipped {place}: {reason}");
        }
    }

    fn note_all(&mut self, skipped: &[corpus::Skipped]) {
        for s in skipped {
            self.note_at(&s.path.display().to_string(), s.line, &s.reason);
        }
    }
}

impl Drop for SkipReport {
    /// The counts come last, whichever way the command ends.
    fn drop(&mut self) {
        for (reason, n) in &self.seen {
            if *n > SKIPS_SHOWN {
                eprintln!(
                    "tasnif: skipped {} more for the same reason: {reason}",
                    n - SKIPS_SHOWN
                );
            }
        }
    }
}

/// Exit status of a command that finished: [`EXIT_SKIPPED`] when some inputs were skipped.
fn exit_code(skipped: usize) -> u8 {
    if skipped > 0 { EXIT_SKIPPED } else { EXIT_OK }
}

/// `--k 4` or `--k 2..12` (also `2..=12`); a usage error (exit 2) otherwise.
fn parse_k(s: &str) -> Result<KChoice, String> {
    let bad = || format!("expected a number (4) or a rising range (2..12), got {s:?}");
    let num = |x: &str| x.trim().parse::<usize>().map_err(|_| bad());
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

/// A finite number (a usage error, exit 2, for `NaN` or `inf`).
fn parse_finite(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("expected a finite number, got {s:?}")),
    }
}

fn train_cmd(a: TrainArgs) -> Result<u8, Failure> {
    tasnif::model::file::check_writable(&a.out, a.force)?;
    let k = a.k.clone();
    let started = std::time::Instant::now();
    let progress = progress::Bars::new(a.quiet, a.timings);
    let mut corpus = load_corpora(&a.corpus, &a.fields, &a.sources)?;
    let mut unlabelled = 0;
    if a.supervised && corpus.docs.iter().any(|d| d.label.is_some()) {
        // some documents without a label are bad inputs, skipped and reported; with none
        // labelled at all, training stops with what a labelled corpus looks like
        let mut report = SkipReport::default();
        corpus.docs.retain(|d| {
            let keep = d.label.is_some();
            if !keep {
                report.note(&d.id, "no label (supervised training needs one)");
                unlabelled += 1;
            }
            keep
        });
    }
    // after reading, so that an unreadable file is named for what is wrong with it first
    if let Some(file) = (a.corpus.iter()).find(|p| p.is_file() && !corpus::is_jsonl_path(p)) {
        // a text file is one article: nothing to learn topics or labels from
        return Err(Failure(format!(
            "{}: a text file is one article, and training needs many: give a folder (one \
             .txt file per article, in one sub-folder per label) or a JSON Lines file (.jsonl, \
             one article per line)",
            file.display()
        )));
    }
    progress.timed("reading the corpus", started);
    let name = training_corpus_name(&a.corpus, &a.sources);
    let (model, assignments) = if a.supervised {
        (
            train::train_supervised(&corpus, &name, &SupervisedParams::new(a.seed), &progress)
                .map_err(|e| Failure(format!("{name}: {e}")))?,
            None,
        )
    } else {
        let (m, labels) =
            train::train_topics(&corpus, &name, &TopicParams::new(k, a.seed), &progress)
                .map_err(|e| Failure(format!("{name}: {e}")))?;
        (m, Some(labels))
    };
    let saving = std::time::Instant::now();
    model.save(&a.out, a.force)?;
    progress.timed("saving the model", saving);
    let secs = started.elapsed().as_secs_f64();
    let skipped = corpus.skipped.len() + unlabelled;
    // topics against the corpus labels, when every document has one
    let agreement = match (assignments, corpus.docs.iter().all(|d| d.label.is_some())) {
        (Some(labels), true) => {
            let truth: Vec<&str> = corpus
                .docs
                .iter()
                .map(|d| d.label.as_deref().unwrap_or_default())
                .collect();
            let (t, _) = clustering::encode_labels(&truth);
            Some((
                clustering::nmi(&t, &labels),
                clustering::ari(&t, &labels),
                clustering::purity(&t, &labels),
            ))
        }
        _ => None,
    };
    if a.json {
        let mut v = serde_json::json!({
            "model": a.out, "kind": model.kind_name(), "documents": corpus.docs.len(), "skipped": skipped,
            "vocabulary": model.vectorizer.vocabulary().len(), "seconds": secs,
        });
        if let ModelKind::Topics(t) = &model.kind {
            v["topics"] = serde_json::to_value(topic_rows(t)).unwrap_or_default();
            v["k_scan"] = serde_json::to_value(&t.k_scan).unwrap_or_default();
        }
        if let Some((nmi, ari, purity)) = agreement {
            v["against_labels"] = serde_json::json!({"nmi": nmi, "ari": ari, "purity": purity});
        }
        outln!("{v}");
    } else {
        outln!(
            "read {} documents ({} skipped), vocabulary {} terms, trained in {:.1} s → {}",
            corpus.docs.len(),
            skipped,
            model.vectorizer.vocabulary().len(),
            secs,
            a.out.display()
        );
        if let ModelKind::Topics(t) = &model.kind {
            if !t.k_scan.is_empty() {
                outln!("\n  k  silhouette  inertia");
                for (k, s, i) in &t.k_scan {
                    outln!("{k:>3}  {s:>10.4}  {i:>8.2}");
                }
                outln!("kept k = {} (best silhouette)\n", t.topics.len());
            }
            print_topics(t);
        }
        if let Some((nmi, ari, purity)) = agreement {
            outln!("\nagainst the corpus labels: NMI {nmi:.3}, ARI {ari:.3}, purity {purity:.3}");
        }
    }
    Ok(exit_code(skipped))
}

fn topic_rows(t: &tasnif::model::TopicModel) -> Vec<serde_json::Value> {
    t.topics
        .iter()
        .map(|tp| {
            serde_json::json!({
                "topic": tp.id, "count": tp.size, "name": tp.name,
                "top_words": tp.top_terms.iter().map(|w| &w.word).collect::<Vec<_>>(),
                "examples": tp.examples,
            })
        })
        .collect()
}

fn print_topics(t: &tasnif::model::TopicModel) {
    outln!("Topic | Count | Name | Top words");
    for tp in &t.topics {
        let words: Vec<&str> = tp.top_terms.iter().map(|w| w.word.as_str()).collect();
        outln!(
            "{} | {} | {} | {}",
            tp.id,
            tp.size,
            tp.name,
            words.join("، ")
        );
    }
}

fn load_model(path: &Path) -> Result<Model, Failure> {
    Ok(Model::load(path)?)
}

/// A model ready to classify; a model that loads but cannot classify is named by its path too.
fn load_classifier(path: &Path) -> Result<tasnif::classify::Classifier, Failure> {
    tasnif::classify::Classifier::new(load_model(path)?)
        .map_err(|e| Failure(format!("{}: {e}", path.display())))
}

fn topics(path: &Path, json: bool) -> Result<u8, Failure> {
    let model = load_model(path)?;
    let ModelKind::Topics(t) = &model.kind else {
        return Err(Failure(format!(
            "{}: a supervised model has labels, not topics (try `tasnif eval`)",
            path.display()
        )));
    };
    if json {
        // the training parameters as an object, not the JSON string the model file keeps
        let mut facts = serde_json::to_value(&model.facts)?;
        if let Ok(params) = serde_json::from_str::<serde_json::Value>(&model.facts.params_json) {
            facts["params"] = params;
            if let Some(f) = facts.as_object_mut() {
                f.remove("params_json");
            }
        }
        outln!(
            "{}",
            serde_json::json!({"model": path, "facts": facts, "topics": topic_rows(t)})
        );
    } else {
        print_topics(t);
    }
    Ok(EXIT_OK)
}
