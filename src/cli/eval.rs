//! `tasnif eval MODEL CORPUS`: a classification report and confusion matrix for supervised
//! models; agreement with the labels and top-word quality for topic models.

use super::{
    Failure, FieldArgs, SkipReport, exit_code, load_classifier, load_corpus, note_training_corpus,
};
use rayon::prelude::*;
use std::path::Path;
use tasnif::classify::Row;
use tasnif::metrics::{classification::ClassificationReport, clustering, topic_words};
use tasnif::model::ModelKind;

/// Below this many documents `eval` warns that top-word coherence is not worth reading.
const FEW_FOR_COHERENCE: usize = 10;

/// What one topic holds of the corpus labels, beside the label the best one-to-one mapping
/// gives it, which can be a label the topic holds none of.
struct TopicHolding {
    documents: u64,
    /// (label, documents), most first
    held: Vec<(usize, u64)>,
    mapped: Option<usize>,
    /// documents of the mapped label
    matched: u64,
}

/// One [`TopicHolding`] per topic, from the label × topic contingency table.
fn topic_holdings(truth: &[usize], pred: &[usize], mapping: &[Option<usize>]) -> Vec<TopicHolding> {
    let table = clustering::contingency(truth, pred); // [label][topic]
    (mapping.iter().enumerate())
        .map(|(topic, &mapped)| {
            let mut held: Vec<(usize, u64)> = (table.iter().enumerate())
                .map(|(l, row)| (l, row[topic]))
                .filter(|&(_, c)| c > 0)
                .collect();
            held.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            TopicHolding {
                documents: held.iter().map(|h| h.1).sum(),
                held,
                mapped,
                matched: mapped.map_or(0, |l| table[l][topic]),
            }
        })
        .collect()
}

fn print_topic_words(w: &topic_words::TopicWordQuality) {
    let per: Vec<String> = w
        .coherence_per_topic
        .iter()
        .enumerate()
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

/// Label indices for a classification report over the labels that occur as truth or
/// prediction (scikit-learn's default: a label the corpus lacks and the model never predicts
/// would put a 0 into the macro average). Model labels keep their order; labels only the corpus
/// has follow.
fn report_labels(
    model_labels: &[String],
    truth: &[&str],
    pred: &[tasnif::classify::Classification],
) -> (Vec<usize>, Vec<usize>, Vec<String>) {
    let mut all: Vec<String> = model_labels.to_vec();
    for t in truth {
        if !all.iter().any(|l| l == t) {
            all.push(t.to_string());
        }
    }
    let mut used = vec![false; all.len()];
    let y_all: Vec<usize> = truth
        .iter()
        .map(|t| all.iter().position(|l| l == t).expect("added above"))
        .collect();
    for &i in y_all.iter().chain(pred.iter().map(|c| &c.class)) {
        used[i] = true;
    }
    let mut new_index = vec![usize::MAX; all.len()];
    let mut labels = Vec::new();
    for (i, l) in all.into_iter().enumerate() {
        if used[i] {
            new_index[i] = labels.len();
            labels.push(l);
        }
    }
    let y = y_all.iter().map(|&i| new_index[i]).collect();
    let p = pred.iter().map(|c| new_index[c.class]).collect();
    (y, p, labels)
}

pub(super) fn run(
    model_path: &Path,
    corpus_path: &Path,
    fields: &FieldArgs,
    sources: &[String],
    json: bool,
) -> Result<u8, Failure> {
    let classifier = load_classifier(model_path)?;
    let corpus = load_corpus(corpus_path, fields, sources)?;
    note_training_corpus(classifier.model(), corpus_path, &corpus);
    let topic_model = match &classifier.model().kind {
        ModelKind::Topics(t) => Some(t),
        ModelKind::Supervised(_) => None,
    };
    // Each document is analysed once: topic-word quality uses every document (no label
    // needed), the evaluation the labelled ones.
    let rows: Vec<Row> = corpus
        .docs
        .par_iter()
        .map(|d| {
            if topic_model.is_some() || d.label.is_some() {
                classifier.vectorize(&d.text)
            } else {
                Default::default()
            }
        })
        .collect();
    let words =
        topic_model.map(|t| topic_words::of_model(t, &classifier.model().vectorizer, &rows));
    if let Some(w) = words.as_ref().filter(|w| w.documents < FEW_FOR_COHERENCE) {
        eprintln!(
            "tasnif: note: coherence counts which top words share documents; over {} \
             document(s) it says little (give a corpus of at least {FEW_FOR_COHERENCE})",
            w.documents
        );
    }
    let labelled: Vec<usize> = (0..corpus.docs.len())
        .filter(|&i| corpus.docs[i].label.is_some())
        .collect();
    if let (true, Some(w)) = (labelled.is_empty(), &words) {
        eprintln!(
            "tasnif: {}: no document has a label, so only the top words are scored (NMI, ARI \
             and purity compare topics with labels)",
            corpus_path.display()
        );
        if json {
            outln!("{}", serde_json::json!({"top_words": w}));
        } else {
            print_topic_words(w);
        }
        return Ok(exit_code(corpus.skipped.len()));
    }
    if labelled.is_empty() {
        return Err(Failure(format!(
            "{}: no labelled documents to evaluate on",
            corpus_path.display()
        )));
    }
    if labelled.len() < corpus.docs.len() {
        eprintln!(
            "tasnif: {}: {} of {} documents have no label and are not scored",
            corpus_path.display(),
            corpus.docs.len() - labelled.len(),
            corpus.docs.len()
        );
    }
    let results: Vec<_> = labelled
        .par_iter()
        .map(|&i| classifier.classify_row(&corpus.docs[i].id, &rows[i]))
        .collect();
    let mut truth = Vec::new();
    let mut pred = Vec::new();
    let mut skipped = corpus.skipped.len();
    let mut report = SkipReport::default();
    for (&i, r) in labelled.iter().zip(results) {
        let d = &corpus.docs[i];
        match r {
            Ok(c) => {
                truth.push(d.label.as_deref().unwrap_or_default());
                pred.push(c);
            }
            Err(e) => {
                report.note(&d.id, &e.to_string());
                skipped += 1;
            }
        }
    }
    drop(report); // its counts before the results
    match &classifier.model().kind {
        ModelKind::Supervised(s) => {
            let (y, p, labels) = report_labels(&s.labels, &truth, &pred);
            let unknown: Vec<&str> = labels
                .iter()
                .filter(|l| !s.labels.contains(l))
                .map(String::as_str)
                .collect();
            if !unknown.is_empty() {
                eprintln!(
                    "tasnif: {}: labels the model was not trained on, so always counted wrong: {}",
                    corpus_path.display(),
                    unknown.join(", ")
                );
            }
            let report = ClassificationReport::new(&y, &p, &labels)?;
            if json {
                outln!("{}", serde_json::to_string(&report)?);
            } else {
                outln!("{}", report.to_text(3));
                outln!("confusion matrix (rows: true label, columns: predicted)");
                out!("{}", report.confusion.to_text());
            }
        }
        ModelKind::Topics(_) => {
            let (t, names) = clustering::encode_labels(&truth);
            let p: Vec<usize> = pred.iter().map(|c| c.class).collect();
            let (mapping, mapped_acc) = clustering::best_mapping(&t, &p);
            let (nmi, ari, purity) = (
                clustering::nmi(&t, &p),
                clustering::ari(&t, &p),
                clustering::purity(&t, &p),
            );
            let rows = topic_holdings(&t, &p, &mapping);
            let map: Vec<serde_json::Value> = (rows.iter().enumerate())
                .map(|(topic, r)| {
                    serde_json::json!({
                        "topic": topic,
                        "documents": r.documents,
                        "label": r.mapped.map(|l| names[l].clone()),
                        "matched": r.matched,
                        "labels": r.held.iter().map(|&(l, c)| serde_json::json!({"label": names[l], "count": c})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            if json {
                outln!(
                    "{}",
                    serde_json::json!({"documents": p.len(), "nmi": nmi, "ari": ari, "purity": purity, "mapped_accuracy": mapped_acc, "mapping": map, "top_words": words})
                );
            } else {
                outln!(
                    "documents {}  NMI {nmi:.3}  ARI {ari:.3}  purity {purity:.3}  accuracy under the best topic→label mapping {mapped_acc:.3}",
                    p.len()
                );
                outln!(
                    "  topic  documents  labels in it (count)  →  label under that mapping (its count)"
                );
                for (topic, r) in rows.iter().enumerate() {
                    let held: Vec<String> = (r.held.iter().take(3))
                        .map(|&(l, c)| format!("{} {c}", names[l]))
                        .collect();
                    let more = r.held.len().saturating_sub(3);
                    outln!(
                        "  {topic:>5}  {:>9}  {}{}  →  {}",
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
                        r.mapped.map_or("(none)".to_string(), |l| format!(
                            "{} ({})",
                            names[l], r.matched
                        )),
                    );
                }
                if let Some(w) = &words {
                    print_topic_words(w);
                }
            }
        }
    }
    Ok(exit_code(skipped))
}
