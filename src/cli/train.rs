//! `tasnif train CORPUS... --out MODEL`: discover topics, or learn the labels with
//! `--supervised`.

use clap::Args;
use std::path::PathBuf;
use tasnif::corpus::{ChunkFn, CorpusError, DocumentSource, Input, Note};
use tasnif::linalg::Budget;
use tasnif::model::ModelKind;
use tasnif::progress::Stage;
use tasnif::topics::{KChoice, KMeansAlgorithm, NamedTopic, TopicsError};
use tasnif::{Error, SupervisedParams, TopicParams};

use super::output::{SkipReport, print_notes};
use super::progress::Bars;
use super::topics::{print_topics, topic_rows};
use super::{Failure, FieldArgs, KMeansChoice, Outcome, exit_code, shown};

#[derive(Args)]
pub(crate) struct TrainArgs {
    /// A folder with one sub-folder of .txt files per label (one article per file), or a .jsonl
    /// file (one article per line). Several are trained on together, e.g. a large labelled
    /// corpus plus a folder of your own outlet's labelled articles.
    #[arg(required = true, value_name = "CORPUS")]
    corpus: Vec<PathBuf>,
    /// Number of topics, or a range such as 2..12 (keeps the best cosine silhouette). Default:
    /// 4, or the number of named topics with --topics.
    #[arg(long, value_parser = super::parse_k, allow_negative_numbers = true, conflicts_with = "supervised")]
    k: Option<KChoice>,
    /// Named topics: a TOML file of [[topic]] entries, each with a name, name_ar and a few seed
    /// words (e.g. data/topics.toml). They become the model's first topics, under those names;
    /// with --k above their number, the rest are discovered.
    #[arg(long, value_name = "FILE", conflicts_with = "supervised")]
    topics: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, short, default_value = "model.tasnif", value_name = "MODEL")]
    out: PathBuf,
    /// Train a classifier on the corpus labels instead of discovering topics.
    #[arg(long)]
    supervised: bool,
    /// Seed of every random choice: the same seed gives the same model, byte for byte.
    #[arg(long, default_value_t = 42, value_parser = super::parse_seed, allow_negative_numbers = true)]
    seed: u64,
    /// The k-means implementation.
    #[arg(
        long,
        value_enum,
        default_value = "lloyd",
        conflicts_with = "supervised"
    )]
    kmeans: KMeansChoice,
    /// Overwrite an existing model file.
    #[arg(long)]
    force: bool,
    /// Only documents whose JSON Lines `source` is one of these (comma-separated). With several
    /// corpora, it applies to those whose documents carry a `source`; the others are kept whole.
    #[arg(long, value_delimiter = ',')]
    sources: Vec<String>,
    #[command(flatten)]
    fields: FieldArgs,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
    /// Print the wall time of every stage to stderr (those that run of: reading the corpus,
    /// analysing and vectorising, reducing (SVD), choosing k, clustering (k-means), refining
    /// (term mixture), describing the topics, fitting the classifier, saving the model).
    #[arg(long)]
    timings: bool,
    /// A JSON summary (model, counts, topics, k scan, agreement with labels) instead of text
    #[arg(long)]
    json: bool,
    /// Memory the corpus's counts may take before they go to a temporary file (in the system's
    /// temporary folder, TMPDIR), e.g. 512M or 4G; by default a quarter of the machine's memory.
    #[arg(long, value_parser = parse_size, value_name = "SIZE")]
    memory_budget: Option<u64>,
}

/// A size in bytes: a number with an optional K, M or G (powers of 1,024).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let bad = || format!("expected a size such as 512M or 4G, got {s:?}");
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let scale: u64 = match unit.to_ascii_uppercase().trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(bad()),
    };
    Ok(n.saturating_mul(scale))
}

/// The corpus stream, its skipped inputs reported on stderr as the chunks go by.
struct Reporting<'a, S> {
    inner: S,
    skips: &'a mut SkipReport,
}

impl<S: DocumentSource> DocumentSource for Reporting<'_, S> {
    fn each_chunk(&mut self, f: &mut ChunkFn<'_>) -> tasnif::Result<()> {
        let skips = &mut *self.skips;
        self.inner.each_chunk(&mut |docs, skipped| {
            skips.note_all(skipped);
            f(docs, skipped)
        })
    }

    fn inputs(&self) -> Vec<Input> {
        self.inner.inputs()
    }

    fn sources(&self) -> &[String] {
        self.inner.sources()
    }

    fn notes(&self) -> &[Note] {
        self.inner.notes()
    }
}

pub(crate) fn run(a: TrainArgs) -> Outcome {
    // before any work: a typo in --out should not cost a whole training run
    tasnif::model::file::check_writable(&a.out, a.force)?;
    let started = std::time::Instant::now();
    let progress = Bars::new(a.quiet, a.timings);
    let mut skips = SkipReport::default();
    let budget = match a.memory_budget {
        Some(bytes) => Budget {
            bytes,
            ..Budget::default()
        },
        None => Budget::default(),
    };
    let stream = a.fields.reader(&a.sources).stream(&a.corpus)?;
    let name = (stream.inputs().iter())
        .map(|i| shown(&i.path))
        .collect::<Vec<_>>()
        .join(" + ");
    let mut source = Reporting {
        inner: stream,
        skips: &mut skips,
    };
    // errors about the training itself name the corpus
    let named = |e: Error, skips: &mut SkipReport| -> Failure {
        match e {
            Error::Corpus(CorpusError::NoDocuments { path, skipped }) => {
                skips.note_all(&skipped);
                Failure(format!(
                    "{}: no readable documents ({} skipped)",
                    shown(&path),
                    skipped.len()
                ))
            }
            e @ (Error::Corpus(_)
            | Error::Topics(TopicsError::OneArticle(_))
            | Error::Supervised(tasnif::supervised::SupervisedError::OneArticle(_))) => e.into(),
            e => {
                let Failure(msg) = e.into();
                Failure(format!("{name}: {msg}"))
            }
        }
    };
    let (model, against_labels, spilled) = if a.supervised {
        let fit = SupervisedParams::new().seed(a.seed).check()?.fit_source(
            &mut source,
            &budget,
            &progress,
        );
        let fit = fit.map_err(|e| named(e, source.skips))?;
        for s in &fit.unlabelled {
            source.skips.note(&s.path.display().to_string(), &s.reason);
        }
        (fit.model, None, fit.spilled)
    } else {
        let algorithm = match a.kmeans {
            KMeansChoice::Lloyd => KMeansAlgorithm::Lloyd,
            KMeansChoice::Linfa => KMeansAlgorithm::Linfa,
        };
        let given = match &a.topics {
            Some(path) => NamedTopic::read_file(path).map_err(tasnif::Error::from)?,
            None => Vec::new(),
        };
        let mut params = TopicParams::new().named(given);
        if let Some(k) = a.k.clone() {
            params = params.k_choice(k);
        }
        let fit = params
            .seed(a.seed)
            .kmeans_algorithm(algorithm)
            .check()?
            .fit_source(&mut source, &budget, &progress);
        let fit = fit.map_err(|e| named(e, source.skips))?;
        (fit.model, fit.against_labels, fit.diagnostics.spilled)
    };
    print_notes(source.inner.notes());
    progress.stage(Stage::Saving, || model.save(&a.out, a.force))?;
    let secs = started.elapsed().as_secs_f64();
    let skipped = skips.total();
    drop(skips);
    let agreement = against_labels.map(|g| (g.nmi, g.ari, g.purity));
    if a.json {
        let mut v = serde_json::json!({
            "model": a.out, "kind": model.kind_name(), "documents": model.facts().n_docs,
            "skipped": skipped, "vocabulary": model.vectorizer().vocabulary().len(), "seconds": secs,
            "spilled": spilled,
        });
        if let ModelKind::Topics(t) = model.kind() {
            v["topics"] = serde_json::to_value(topic_rows(&model, t)?).unwrap_or_default();
            v["k_scan"] = serde_json::to_value(&t.k_scan).unwrap_or_default();
        }
        if let Some((nmi, ari, purity)) = agreement {
            v["against_labels"] = serde_json::json!({"nmi": nmi, "ari": ari, "purity": purity});
        }
        outln!("{v}");
    } else {
        outln!(
            "read {} documents ({} skipped), vocabulary {} terms, trained in {:.1} s → {}",
            model.facts().n_docs,
            skipped,
            model.vectorizer().vocabulary().len(),
            secs,
            shown(&a.out)
        );
        if spilled {
            outln!("(the counts passed the memory budget and were kept in a temporary file)");
        }
        if let ModelKind::Topics(t) = model.kind() {
            if !t.k_scan.is_empty() {
                outln!("\n  k  silhouette  inertia");
                for (k, s, i) in &t.k_scan {
                    outln!("{k:>3}  {s:>10.4}  {i:>8.2}");
                }
                outln!("kept k = {} (best silhouette)\n", t.topics.len());
            }
            print_topics(&model, t)?;
        }
        if let Some((nmi, ari, purity)) = agreement {
            outln!("\nagainst the corpus labels: NMI {nmi:.3}, ARI {ari:.3}, purity {purity:.3}");
        }
    }
    Ok(exit_code(skipped))
}
