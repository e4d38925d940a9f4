//! A model scored on a corpus: one computation that `tasnif eval` prints and the report draws.
//!
//! Supervised models: a classification report over the labels that occur as truth or
//! prediction (scikit-learn's default: a label the corpus lacks and the model never predicts
//! would put a 0 into the macro average), with the corpus's labels the model was not trained on
//! appended (always counted wrong). Topic models: agreement with the labels (NMI, ARI, purity,
//! the best one-to-one topic → label mapping) when documents carry labels, and the top words'
//! coherence and diversity over every document (no label needed).

use rayon::prelude::*;
use serde::Serialize;

use super::classification::ClassificationReport;
use super::clustering;
use super::timeline::{Timeline, timeline};
use super::topic_words::{self, TopicWordQuality};
use crate::classify::{Classification, Classifier, Row};
use crate::corpus::Corpus;
use crate::model::ModelKind;

/// A model scored on a corpus.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    /// Documents in the corpus.
    pub documents: usize,
    /// Documents without a label (not scored against labels).
    pub unlabelled: usize,
    /// Labelled documents that could not be classified (no word the model knows): (id, reason).
    pub failed: Vec<(String, String)>,
    pub scores: Scores,
    /// Topic models on dated documents: each topic's articles per period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_time: Option<Timeline>,
    /// Documents whose date field could not be read (counted as undated).
    pub unreadable_dates: usize,
}

/// What an [`Evaluation`] measured, by kind of model.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Scores {
    Supervised {
        report: ClassificationReport,
        /// Labels of the corpus the model was not trained on.
        unknown_labels: Vec<String>,
    },
    Topics {
        /// `None` when no document has a label.
        agreement: Option<Agreement>,
        top_words: TopicWordQuality,
    },
}

/// How a topic model's topics agree with a corpus's labels.
#[derive(Clone, Debug, Serialize)]
pub struct Agreement {
    /// Labelled documents scored.
    pub documents: usize,
    pub nmi: f64,
    pub ari: f64,
    pub purity: f64,
    /// Accuracy under the best one-to-one topic → label mapping.
    pub mapped_accuracy: f64,
    /// The corpus's labels, sorted.
    pub labels: Vec<String>,
    /// One entry per topic.
    pub topics: Vec<TopicHolding>,
}

/// What one topic holds of the corpus labels, beside the label the best one-to-one mapping
/// gives it (which can be a label the topic holds none of).
#[derive(Clone, Debug, Serialize)]
pub struct TopicHolding {
    pub documents: u64,
    /// (label index, documents), most first.
    pub held: Vec<(usize, u64)>,
    pub mapped: Option<usize>,
    /// Documents of the mapped label in the topic.
    pub matched: u64,
}

impl Evaluation {
    /// One line: the headline numbers.
    pub fn summary(&self) -> String {
        match &self.scores {
            Scores::Supervised { report, .. } => format!(
                "documents {}  accuracy {:.3}  macro F1 {:.3}",
                report.macro_avg.support,
                report.accuracy,
                report.macro_f1()
            ),
            Scores::Topics {
                agreement: Some(a), ..
            } => format!(
                "documents {}  NMI {:.3}  ARI {:.3}  purity {:.3}  accuracy under the best topic→label mapping {:.3}",
                a.documents, a.nmi, a.ari, a.purity, a.mapped_accuracy
            ),
            Scores::Topics {
                agreement: None,
                top_words,
            } => format!(
                "documents {}  top-word coherence (NPMI) {:.3}  diversity {:.3}",
                top_words.documents, top_words.coherence, top_words.diversity
            ),
        }
    }
}

/// Scores `classifier`'s model on `corpus`. Fails only when there is nothing to score: a
/// supervised model and no labelled document that could be classified.
pub fn evaluate(classifier: &Classifier, corpus: &Corpus) -> crate::Result<Evaluation> {
    evaluate_rows(classifier, corpus).map(|(e, _)| e)
}

/// [`evaluate`], also giving each document's row (`None` for those it did not need: unlabelled
/// documents under a supervised model), so that a caller drawing them analyses them once.
pub(crate) fn evaluate_rows(
    classifier: &Classifier,
    corpus: &Corpus,
) -> crate::Result<(Evaluation, Vec<Option<Row>>)> {
    let model = classifier.model();
    let topic_model = match &model.kind {
        ModelKind::Topics(t) => Some(t),
        ModelKind::Supervised(_) => None,
    };
    // Each document is analysed once: topic-word quality uses every document (no label
    // needed), the agreement with labels the labelled ones.
    let rows: Vec<Option<Row>> = (corpus.docs.par_iter())
        .map(|d| {
            (topic_model.is_some() || d.label.is_some()).then(|| classifier.vectorize(&d.text))
        })
        .collect();
    let labelled: Vec<usize> = (0..corpus.docs.len())
        .filter(|&i| corpus.docs[i].label.is_some())
        .collect();
    // topic models place every document (topics over time count them all); supervised
    // models the labelled ones
    let placed: Vec<usize> = match topic_model {
        Some(_) => (0..corpus.docs.len()).collect(),
        None => labelled.clone(),
    };
    let results: Vec<_> = (placed.par_iter())
        .map(|&i| {
            let row = rows[i].as_ref().expect("these rows are analysed");
            classifier.classify_row(&corpus.docs[i].id, row)
        })
        .collect();
    let mut truth: Vec<&str> = Vec::new();
    let mut pred: Vec<Classification> = Vec::new();
    let mut failed = Vec::new();
    let mut dated_topics: Vec<(Option<chrono::NaiveDate>, usize)> = Vec::new();
    for (&i, r) in placed.iter().zip(results) {
        let d = &corpus.docs[i];
        match (r, &d.label) {
            (Ok(c), label) => {
                dated_topics.push((d.date.as_ref().and_then(|d| d.day()), c.class));
                if let Some(l) = label {
                    truth.push(l);
                    pred.push(c);
                }
            }
            (Err(e), Some(_)) => failed.push((d.id.clone(), e.to_string())),
            (Err(_), None) => {}
        }
    }
    let over_time = topic_model.and_then(|t| {
        let (days, topics): (Vec<_>, Vec<_>) = dated_topics.into_iter().unzip();
        timeline(&days, &topics, t.topics.len())
    });
    let unreadable_dates = (corpus.docs.iter())
        .filter(|d| matches!(d.date, Some(crate::corpus::Date::Unreadable(_))))
        .count();
    let scores = match &model.kind {
        ModelKind::Supervised(s) => {
            let (y, p, labels) = report_labels(&s.labels, &truth, &pred);
            let unknown_labels = (labels.iter())
                .filter(|l| !s.labels.contains(l))
                .cloned()
                .collect();
            Scores::Supervised {
                report: ClassificationReport::new(&y, &p, &labels)?,
                unknown_labels,
            }
        }
        ModelKind::Topics(t) => {
            let present: Vec<&Row> = rows.iter().flatten().collect();
            Scores::Topics {
                agreement: (!truth.is_empty()).then(|| agreement(&truth, &pred)),
                top_words: topic_words::of_model(t, &model.vectorizer, &present),
            }
        }
    };
    let evaluation = Evaluation {
        documents: corpus.docs.len(),
        unlabelled: corpus.docs.len() - labelled.len(),
        failed,
        scores,
        over_time,
        unreadable_dates,
    };
    Ok((evaluation, rows))
}

fn agreement(truth: &[&str], pred: &[Classification]) -> Agreement {
    let (t, labels) = clustering::encode_labels(truth);
    let p: Vec<usize> = pred.iter().map(|c| c.class).collect();
    let (mapping, mapped_accuracy) = clustering::best_mapping(&t, &p);
    Agreement {
        documents: p.len(),
        nmi: clustering::nmi(&t, &p),
        ari: clustering::ari(&t, &p),
        purity: clustering::purity(&t, &p),
        mapped_accuracy,
        topics: topic_holdings(&t, &p, &mapping),
        labels,
    }
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

/// Label indices for a classification report over the labels that occur as truth or
/// prediction. Model labels keep their order; labels only the corpus has follow.
fn report_labels(
    model_labels: &[String],
    truth: &[&str],
    pred: &[Classification],
) -> (Vec<usize>, Vec<usize>, Vec<String>) {
    let mut all: Vec<String> = model_labels.to_vec();
    for t in truth {
        if !all.iter().any(|l| l == t) {
            all.push(t.to_string());
        }
    }
    let mut used = vec![false; all.len()];
    let y_all: Vec<usize> = (truth.iter())
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
