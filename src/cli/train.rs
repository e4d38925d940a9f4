//! `tasnif train CORPUS... --out MODEL`: discover topics, or learn the labels with
//! `--supervised`.

use clap::Args;
use std::path::PathBuf;
use tasnif::metrics::clustering;
use tasnif::model::ModelKind;
use tasnif::progress::Stage;
use tasnif::topics::{KChoice, KMeansAlgorithm, TopicsError};
use tasnif::{Error, SupervisedParams, TopicParams};

use super::output::SkipReport;
use super::progress::Bars;
use super::topics::{print_topics, topic_rows};
use super::{Failure, FieldArgs, KMeansChoice, Outcome, exit_code, read_corpus, shown};

#[derive(Args)]
pub(crate) struct TrainArgs {
    /// A folder with one sub-folder of .txt files per label (one article per file), or a .jsonl
    /// file (one article per line). Several are trained on together, e.g. a large labelled
    /// corpus plus a folder of your own outlet's labelled articles.
    #[arg(required = true, value_name = "CORPUS")]
    corpus: Vec<PathBuf>,
    /// Number of topics, or a range such as 2..12 (keeps the best cosine silhouette).
    #[arg(long, default_value = "4", value_parser = super::parse_k, allow_negative_numbers = true, conflicts_with = "supervised")]
    k: KChoice,
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
}

pub(crate) fn run(a: TrainArgs) -> Outcome {
    // before any work: a typo in --out should not cost a whole training run
    tasnif::model::file::check_writable(&a.out, a.force)?;
    let started = std::time::Instant::now();
    let progress = Bars::new(a.quiet, a.timings);
    let mut skips = SkipReport::default();
    let corpus = read_corpus(
        &a.fields.reader(&a.sources),
        &a.corpus,
        &progress,
        &mut skips,
    )?;
    // errors about the training itself name the corpus
    let named = |e: Error| -> Failure {
        match e {
            e @ Error::Topics(TopicsError::OneArticle(_))
            | e @ Error::Supervised(tasnif::supervised::SupervisedError::OneArticle(_)) => e.into(),
            e => {
                let Failure(msg) = e.into();
                Failure(format!("{}: {msg}", corpus.name()))
            }
        }
    };
    let (model, assignments) = if a.supervised {
        let fit = SupervisedParams::new()
            .seed(a.seed)
            .check()?
            .fit_with(&corpus, &progress)
            .map_err(named)?;
        for s in &fit.unlabelled {
            skips.note(&s.path.display().to_string(), &s.reason);
        }
        (fit.model, None)
    } else {
        let algorithm = match a.kmeans {
            KMeansChoice::Lloyd => KMeansAlgorithm::Lloyd,
            KMeansChoice::Linfa => KMeansAlgorithm::Linfa,
        };
        let fit = TopicParams::new()
            .k_choice(a.k.clone())
            .seed(a.seed)
            .kmeans_algorithm(algorithm)
            .check()?
            .fit_with(&corpus, &progress)
            .map_err(named)?;
        (fit.model, Some(fit.assignments))
    };
    progress.stage(Stage::Saving, || model.save(&a.out, a.force))?;
    let secs = started.elapsed().as_secs_f64();
    let skipped = skips.total();
    drop(skips);
    // topics against the corpus labels, when every document has one
    let agreement = match (assignments, corpus.docs.iter().all(|d| d.label.is_some())) {
        (Some(labels), true) => {
            let truth: Vec<&str> = (corpus.docs.iter())
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
            "model": a.out, "kind": model.kind_name(), "documents": model.facts().n_docs,
            "skipped": skipped, "vocabulary": model.vectorizer().vocabulary().len(), "seconds": secs,
        });
        if let ModelKind::Topics(t) = model.kind() {
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
            model.facts().n_docs,
            skipped,
            model.vectorizer().vocabulary().len(),
            secs,
            shown(&a.out)
        );
        if let ModelKind::Topics(t) = model.kind() {
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
