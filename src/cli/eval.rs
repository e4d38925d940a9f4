//! `tasnif eval MODEL CORPUS`: a classification report and confusion matrix for supervised
//! models; agreement with the labels and top-word quality for topic models.

use clap::Args;
use std::path::{Path, PathBuf};
use tasnif::Model;
use tasnif::corpus::Corpus;
use tasnif::metrics::evaluation::{Agreement, Evaluation, Scores};
use tasnif::metrics::timeline::Period;
use tasnif::metrics::topic_words::TopicWordQuality;
use tasnif::model::ModelKind;

use super::classify::load_classifier;
use super::output::SkipReport;
use super::{Failure, FieldArgs, Outcome, exit_code, read_corpus, shown};

#[derive(Args)]
pub(crate) struct EvalArgs {
    /// A model file written by `tasnif train`.
    model: PathBuf,
    /// The corpus to score the model on: a folder (one sub-folder per label), a JSON Lines
    /// file, or one text file.
    corpus: PathBuf,
    #[command(flatten)]
    fields: FieldArgs,
    /// Only documents whose JSON Lines `source` is one of these (comma-separated), e.g. BBC,CNN,france24.
    #[arg(long, value_delimiter = ',')]
    sources: Vec<String>,
    /// The whole evaluation as one JSON object
    #[arg(long)]
    json: bool,
}

/// Below this many documents `eval` warns that top-word coherence is not worth reading.
const FEW_FOR_COHERENCE: usize = 10;

pub(crate) fn run(a: &EvalArgs) -> Outcome {
    let classifier = load_classifier(&a.model)?;
    let mut skips = SkipReport::default();
    let reader = a.fields.reader(&a.sources);
    let corpus = read_corpus(&reader, &[&a.corpus], &tasnif::Silent, &mut skips)?;
    note_training_corpus(classifier.model(), &a.corpus, &corpus);
    let e = tasnif::evaluate(&classifier, &corpus).map_err(|e| {
        let Failure(msg) = e.into();
        Failure(format!("{}: {msg}", shown(&a.corpus)))
    })?;
    for (id, reason) in &e.failed {
        skips.note(id, reason);
    }
    let skipped = skips.total();
    drop(skips); // its counts before the results
    if let Scores::Topics { top_words: w, .. } = &e.scores
        && w.documents < FEW_FOR_COHERENCE
    {
        eprintln!(
            "tasnif: note: coherence counts which top words share documents; over {} \
             document(s) it says little (give a corpus of at least {FEW_FOR_COHERENCE})",
            w.documents
        );
    }
    match &e.scores {
        Scores::Topics {
            agreement: None,
            top_words,
        } => {
            eprintln!(
                "tasnif: {}: no document has a label, so only the top words are scored (NMI, \
                 ARI and purity compare topics with labels)",
                shown(&a.corpus)
            );
            if a.json {
                let mut v = serde_json::json!({ "top_words": top_words });
                add_over_time(&mut v, &e);
                outln!("{v}");
            } else {
                print_topic_words(top_words);
                print_over_time(&e);
            }
            return Ok(exit_code(skipped));
        }
        _ if e.unlabelled > 0 => eprintln!(
            "tasnif: {}: {} of {} documents have no label and are not scored",
            shown(&a.corpus),
            e.unlabelled,
            e.documents
        ),
        _ => {}
    }
    match &e.scores {
        Scores::Supervised {
            report,
            unknown_labels,
        } => {
            if !unknown_labels.is_empty() {
                eprintln!(
                    "tasnif: {}: labels the model was not trained on, so always counted wrong: {}",
                    shown(&a.corpus),
                    unknown_labels.join(", ")
                );
            }
            if a.json {
                outln!("{}", serde_json::to_string(report).unwrap_or_default());
            } else {
                outln!("{}", report.to_text(3));
                outln!("confusion matrix (rows: true label, columns: predicted)");
                out!("{}", report.confusion.to_text());
            }
        }
        Scores::Topics {
            agreement: Some(ag),
            top_words,
        } => {
            if a.json {
                let mut v = topics_json(ag, top_words);
                add_over_time(&mut v, &e);
                outln!("{v}");
            } else {
                print_agreement(ag);
                print_topic_words(top_words);
                print_over_time(&e);
            }
        }
        Scores::Topics {
            agreement: None, ..
        } => unreachable!("handled above"),
    }
    Ok(exit_code(skipped))
}

/// Topics over time into a topic model's JSON: `over_time` (each topic's articles per period)
/// when documents have dates.
fn add_over_time(v: &mut serde_json::Value, e: &Evaluation) {
    if let Some(t) = &e.over_time {
        v["over_time"] = serde_json::to_value(t).unwrap_or_default();
    }
    v["unreadable_dates"] = e.unreadable_dates.into();
}

/// Topics over time as a table: one line per period, one column per topic.
fn print_over_time(e: &Evaluation) {
    if e.unreadable_dates > 0 {
        eprintln!(
            "tasnif: note: {} document(s) have a date that could not be read (RFC 2822 or ISO 8601 expected): counted as undated",
            e.unreadable_dates
        );
    }
    let Some(t) = &e.over_time else {
        return;
    };
    let undated: u64 = t.undated.iter().sum();
    let per = match t.period {
        Period::Day => "day",
        Period::Week => "week",
        Period::Month => "month",
    };
    outln!(
        "\narticles per topic by {per} ({} dated, {undated} undated)",
        t.dated
    );
    let k = t.counts.len();
    let head: Vec<String> = (0..k).map(|j| format!("{j:>6}")).collect();
    outln!("{:<10} {}", per, head.join(""));
    for (p, name) in t.periods.iter().enumerate() {
        let row: Vec<String> = (0..k).map(|j| format!("{:>6}", t.counts[j][p])).collect();
        outln!("{name:<10} {}", row.join(""));
    }
    for (name, row) in [
        ("earlier", &t.earlier),
        ("later", &t.later),
        ("undated", &t.undated),
    ] {
        if row.iter().any(|&c| c > 0) {
            let row: Vec<String> = row.iter().map(|c| format!("{c:>6}")).collect();
            outln!("{name:<10} {}", row.join(""));
        }
    }
}

fn topics_json(a: &Agreement, words: &TopicWordQuality) -> serde_json::Value {
    let map: Vec<serde_json::Value> = (a.topics.iter().enumerate())
        .map(|(topic, r)| {
            serde_json::json!({
                "topic": topic,
                "documents": r.documents,
                "label": r.mapped.map(|l| a.labels[l].clone()),
                "matched": r.matched,
                "labels": r.held.iter().map(|&(l, c)| serde_json::json!({"label": a.labels[l], "count": c})).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "documents": a.documents, "nmi": a.nmi, "ari": a.ari, "purity": a.purity,
        "mapped_accuracy": a.mapped_accuracy, "mapping": map, "top_words": words,
    })
}

fn print_agreement(a: &Agreement) {
    outln!(
        "documents {}  NMI {:.3}  ARI {:.3}  purity {:.3}  accuracy under the best topic→label mapping {:.3}",
        a.documents,
        a.nmi,
        a.ari,
        a.purity,
        a.mapped_accuracy
    );
    outln!("  topic  documents  labels in it (count)  →  label under that mapping (its count)");
    for (topic, r) in a.topics.iter().enumerate() {
        let held: Vec<String> = (r.held.iter().take(3))
            .map(|&(l, c)| format!("{} {c}", a.labels[l]))
            .collect();
        let more = r.held.len().saturating_sub(3);
        // a topic the one-to-one mapping pairs with a label it holds none of has no label
        // of its own: say so rather than print "→ greenland (0)"
        let mapped = match r.mapped {
            Some(l) if r.matched > 0 => format!("{} ({})", a.labels[l], r.matched),
            Some(l) => format!(
                "none of its own (paired with {}, which it holds none of)",
                a.labels[l]
            ),
            None => "(none)".to_string(),
        };
        outln!(
            "  {topic:>5}  {:>9}  {}{}  →  {mapped}",
            r.documents,
            if held.is_empty() {
                "-".to_string()
            } else {
                held.join(", ")
            },
            if more > 0 {
                format!(", +{more} more")
            } else {
                String::new()
            },
        );
    }
}

fn print_topic_words(w: &TopicWordQuality) {
    let per: Vec<String> = (w.coherence_per_topic.iter().enumerate())
        .map(|(t, c)| format!("{t}: {c:.3}"))
        .collect();
    outln!(
        "top {} words over {} documents: coherence (NPMI) {:.3}  diversity {:.3}\n  per topic  {}",
        w.top_n,
        w.documents,
        w.coherence,
        w.diversity,
        per.join("  ")
    );
}

/// Warns when a supervised model is scored on documents it was trained on (the corpus it read,
/// and, when `train --sources` chose outlets, documents of those outlets): those scores say how
/// well it fits, not how well it classifies new articles.
pub(crate) fn note_training_corpus(model: &Model, path: &Path, corpus: &Corpus) {
    if !matches!(*model.kind(), ModelKind::Supervised(_)) {
        return;
    }
    let seen = model.facts().trained_on_documents_of(path, corpus);
    if seen > 0 {
        eprintln!(
            "tasnif: note: {seen} of these {} documents are from the corpus this model was \
             trained on ({}): their scores say how well it fits them, not how it does on new \
             articles",
            corpus.docs.len(),
            model.facts().corpus_name()
        );
    }
}
