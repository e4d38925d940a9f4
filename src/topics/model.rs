//! What a trained topic model keeps, and the one rule by which it places an article: the same
//! for `classify`, `eval` and the report.

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::mixture::TopicMixture;
use crate::linalg::Svd;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicModel {
    pub svd: Svd,
    /// k × n_components, L2-normalised rows.
    pub centroids: Array2<f64>,
    pub topics: Vec<Topic>,
    /// The mixture of multinomials that placed the training articles after k-means
    /// ([`crate::topics::mixture`]); articles are placed by it. `None` when EM would have
    /// emptied a topic and the k-means partition was kept: the nearest centroid places them then.
    pub mixture: Option<TopicMixture>,
    /// The k scan when k was chosen over a range: (k, silhouette, inertia).
    pub k_scan: super::KScan,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub id: usize,
    /// Short name from the top words, e.g. "طالبان · أفغانستان · روسيا".
    pub name: String,
    /// The name and seed words its user gave it, for a topic trained from a list of named
    /// topics; `None` for a discovered one.
    pub given: Option<GivenTopic>,
    /// Training documents in the topic.
    pub size: usize,
    /// Most distinctive terms (log-odds z-score against the rest of the corpus), best first.
    pub top_terms: Vec<TopTerm>,
    /// Sparse term-space weights (column, mean TF-IDF of the topic's documents), for evidence.
    pub term_weights: Vec<(u32, f64)>,
    /// Titles or first lines of the documents closest to the centroid.
    pub examples: Vec<String>,
}

/// A topic as its user named it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GivenTopic {
    /// The English name, e.g. "Greenland".
    pub name: String,
    /// The Arabic name, e.g. "غرينلاند".
    pub name_ar: String,
    /// The seed words as they were written.
    pub seeds: Vec<String>,
    /// The seed words as the model's analyser makes them (its vocabulary terms).
    pub seed_terms: Vec<String>,
}

impl Topic {
    /// What people call the topic: its given name ("Greenland · غرينلاند") when it has one,
    /// otherwise its name from the top words.
    pub fn label(&self) -> String {
        match &self.given {
            Some(g) if g.name_ar.is_empty() => g.name.clone(),
            Some(g) => format!("{} · {}", g.name, g.name_ar),
            None => self.name.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopTerm {
    pub term: String,
    pub word: String,
    pub weight: f64,
}

impl TopicModel {
    /// Each article's topic, with the cosine between its LSA row (a row of `z`, L2-normalised)
    /// and that topic's centroid: the most probable topic under the mixture or, in a model
    /// without one, the nearest centroid. `terms[r]` holds row `r`'s vocabulary columns and
    /// their raw counts.
    pub fn decide(&self, terms: &[(&[u32], &[u32])], z: ArrayView2<f64>) -> Vec<(usize, f64)> {
        match &self.mixture {
            Some(m) => terms
                .iter()
                .zip(z.rows())
                .map(|(&(cols, counts), row)| {
                    let topic = m.assign(cols, counts);
                    (topic, row.dot(&self.centroids.row(topic)))
                })
                .collect(),
            None => super::kmeans::assign_cosine(self.centroids.view(), z)
                .expect("model dimensions were checked on load"),
        }
    }

    /// Checks that the parts agree on the vocabulary size `v` (a damaged but decodable body
    /// could get them wrong).
    pub(crate) fn check(&self, v: usize) -> Result<(), String> {
        let t = self;
        if t.svd.n_terms() != v
            || t.centroids.ncols() != t.svd.n_components()
            || t.centroids.nrows() != t.topics.len()
            || t.mixture.as_ref().is_some_and(|m| {
                m.n_topics() != t.topics.len()
                    || m.n_terms() != v
                    || m.log_prob.ncols() != t.topics.len()
            })
        {
            return Err("topic model dimensions do not match the vocabulary".into());
        }
        Ok(())
    }
}
