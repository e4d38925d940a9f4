//! Classifying new articles with a saved model: topic models assign the nearest centroid by
//! cosine in the SVD space; supervised models give calibrated label probabilities. Each answer
//! carries the words that drove it, as surface words.

use crate::cluster;
use crate::model::{Model, ModelKind};
use crate::reduce::{self, Projector};
use crate::sparse::CsrMatrix;
use crate::text::Analyzer;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The word as people write it (most frequent training spelling of the term).
    pub word: String,
    pub term: String,
    /// Contribution to the decision (TF-IDF value × topic or class weight).
    pub weight: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub id: String,
    /// Topic name (topic models) or label (supervised models).
    pub label: String,
    /// Topic index or label index.
    pub class: usize,
    /// Topic models: cosine between the article's TF-IDF vector and the topic centroid's
    /// direction in term space (the SVD maps the centroid back), i.e. the LSA cosine times the
    /// share of the article that the SVD's space holds; an article on none of the topics scores
    /// near 0 even when its LSA cosine is high. Supervised models: the label's probability.
    pub score: f64,
    /// Every label's probability (supervised models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<Vec<(String, f64)>>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ClassifyError {
    #[error("none of its words is in the model's vocabulary (is it Arabic news?)")]
    NoKnownWords,
}

/// A loaded model with its analyser, ready to classify.
pub struct Classifier {
    model: Model,
    analyzer: Analyzer,
    /// A topic model's SVD, transposed once here rather than per article.
    projector: Option<Projector>,
}

const EVIDENCE: usize = 5;

impl Classifier {
    pub fn new(model: Model) -> Result<Self, crate::text::analyzer::AnalyzerError> {
        let analyzer = Analyzer::new(model.analyzer.clone())?;
        let projector = match &model.kind {
            ModelKind::Topics(t) => Some(t.svd.projector()),
            ModelKind::Supervised(_) => None,
        };
        Ok(Classifier {
            model,
            analyzer,
            projector,
        })
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The TF-IDF row of a text.
    pub fn vectorize(&self, text: &str) -> (Vec<u32>, Vec<f64>) {
        self.model.vectorizer.transform_text(&self.analyzer, text)
    }

    pub fn classify(&self, id: &str, text: &str) -> Result<Classification, ClassifyError> {
        let (cols, vals) = self.vectorize(text);
        self.classify_row(id, &cols, &vals)
    }

    /// [`classify`](Self::classify) for a TF-IDF row from [`vectorize`](Self::vectorize), for
    /// callers that need the row for something else as well.
    pub fn classify_row(
        &self,
        id: &str,
        cols: &[u32],
        vals: &[f64],
    ) -> Result<Classification, ClassifyError> {
        if cols.is_empty() {
            return Err(ClassifyError::NoKnownWords);
        }
        let m = &self.model;
        let evidence_of = |mut scored: Vec<(u32, f64)>| -> Vec<Evidence> {
            scored.retain(|e| e.1 > 0.0);
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            scored
                .into_iter()
                .take(EVIDENCE)
                .map(|(j, w)| Evidence {
                    word: m.surface[j as usize].clone(),
                    term: m.vectorizer.vocabulary()[j as usize].clone(),
                    weight: w,
                })
                .collect()
        };
        match &m.kind {
            ModelKind::Topics(t) => {
                let mut row = CsrMatrix::empty(m.vectorizer.vocabulary().len());
                row.push_row(cols, vals);
                let mut z = self
                    .projector
                    .as_ref()
                    .expect("built for every topic model")
                    .transform(&row)
                    .expect("model dimensions were checked on load");
                // Share of the article's TF-IDF vector that lies in the SVD's space: what the
                // LSA cosine alone leaves out (an article about football keeps a high LSA cosine
                // to some topic after its football words are projected away).
                let in_space =
                    z.row(0).dot(&z.row(0)).sqrt() / vals.iter().map(|v| v * v).sum::<f64>().sqrt();
                reduce::normalize_rows(&mut z);
                let (topic, lsa_cosine) = cluster::assign_cosine(t.centroids.view(), z.view())
                    .expect("model dimensions were checked on load")[0];
                let score = lsa_cosine * in_space;
                let weights = &t.topics[topic].term_weights;
                let scored = cols
                    .iter()
                    .zip(vals)
                    .filter_map(|(&j, &v)| {
                        weights
                            .binary_search_by_key(&j, |p| p.0)
                            .ok()
                            .map(|i| (j, v * weights[i].1))
                    })
                    .collect();
                Ok(Classification {
                    id: id.to_string(),
                    label: t.topics[topic].name.clone(),
                    class: topic,
                    score,
                    probabilities: None,
                    evidence: evidence_of(scored),
                })
            }
            ModelKind::Supervised(s) => {
                let proba = s.classifier.predict_proba_row(cols, vals);
                let (class, top) = s.classifier.top_features(cols, vals, EVIDENCE);
                Ok(Classification {
                    id: id.to_string(),
                    label: s.labels[class].clone(),
                    class,
                    score: proba[class],
                    probabilities: Some(
                        s.labels
                            .iter()
                            .cloned()
                            .zip(proba.iter().copied())
                            .collect(),
                    ),
                    evidence: evidence_of(top),
                })
            }
        }
    }

    /// Classifies many documents in parallel; results keep the input order.
    pub fn classify_batch<'a>(
        &self,
        docs: &[(&'a str, &'a str)],
    ) -> Vec<Result<Classification, ClassifyError>> {
        docs.par_iter()
            .map(|(id, text)| self.classify(id, text))
            .collect()
    }
}
