//! What a saved model holds, and how it is written and read ([`file`]).
//!
//! A model carries everything needed to analyse and score a new article exactly as the training
//! articles were: the analyser configuration, the vocabulary with its idf weights, the surface
//! word shown for every term, and either a topic model (SVD, centroids and term mixture) or a
//! supervised linear classifier, plus the facts of its training.

pub mod file;

use crate::mixture::TopicMixture;
use crate::reduce::Svd;
use crate::supervised::LinearModel;
use crate::text::AnalyzerConfig;
use crate::vectorize::TfidfVectorizer;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use file::ModelError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub analyzer: AnalyzerConfig,
    pub vectorizer: TfidfVectorizer,
    /// For each vocabulary column, the original word shown to people (most frequent spelling
    /// of the term in the training corpus), e.g. حكوم → الحكومة.
    pub surface: Vec<String>,
    pub kind: ModelKind,
    pub facts: TrainingFacts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ModelKind {
    Topics(TopicModel),
    Supervised(SupervisedModel),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicModel {
    pub svd: Svd,
    /// k × n_components, L2-normalised rows.
    pub centroids: Array2<f64>,
    pub topics: Vec<Topic>,
    /// The mixture of multinomials that placed the training articles after k-means
    /// ([`crate::mixture`]); `classify` assigns by it. `None` when EM would have emptied a
    /// topic and the k-means partition was kept: `classify` takes the nearest centroid then.
    pub mixture: Option<TopicMixture>,
    /// The k scan when k was chosen over a range: (k, silhouette, inertia).
    pub k_scan: Vec<(usize, f64, f64)>,
}

impl TopicModel {
    /// Each article's topic as `classify` decides it, with the cosine between its LSA row (a
    /// row of `z`, L2-normalised) and that topic's centroid: the most probable topic under the
    /// mixture or, in a model without one, the nearest centroid. `terms[r]` holds row `r`'s
    /// vocabulary columns and their raw counts.
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
            None => crate::cluster::assign_cosine(self.centroids.view(), z)
                .expect("model dimensions were checked on load"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub id: usize,
    /// Short name from the top words, e.g. "طالبان · أفغانستان · روسيا".
    pub name: String,
    /// Training documents in the topic.
    pub size: usize,
    /// Most distinctive terms (log-odds z-score against the rest of the corpus), best first.
    pub top_terms: Vec<TopTerm>,
    /// Sparse term-space weights (column, mean TF-IDF of the topic's documents), for evidence.
    pub term_weights: Vec<(u32, f64)>,
    /// Titles or first lines of the documents closest to the centroid.
    pub examples: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopTerm {
    pub term: String,
    pub word: String,
    pub weight: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupervisedModel {
    pub labels: Vec<String>,
    pub classifier: LinearModel,
    /// Training documents per label, aligned with `labels`.
    pub support: Vec<usize>,
}

/// How, when and on what the model was trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingFacts {
    pub corpus: String,
    pub n_docs: usize,
    pub n_skipped: usize,
    /// UTC date (YYYY-MM-DD); honours `SOURCE_DATE_EPOCH` for reproducible builds.
    pub trained_on: String,
    pub seed: u64,
    pub tasnif_version: String,
    /// The training parameters, as JSON (so new parameters never change the body layout).
    pub params_json: String,
}

impl Model {
    pub fn save(&self, path: &Path, force: bool) -> Result<(), ModelError> {
        file::write_atomic(path, self, force)
    }

    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let mut m: Model = file::read(path)?;
        m.vectorizer.rebuild_index();
        m.check_consistency()
            .map_err(|message| ModelError::Decode {
                path: path.to_path_buf(),
                message,
            })?;
        Ok(m)
    }

    /// Cross-checks dimensions a damaged-but-decodable body could get wrong.
    fn check_consistency(&self) -> Result<(), String> {
        self.analyzer.check().map_err(|e| e.to_string())?;
        let v = self.vectorizer.vocabulary().len();
        if self.vectorizer.idf().len() != v || self.surface.len() != v {
            return Err("vocabulary, idf and surface words differ in length".into());
        }
        match &self.kind {
            ModelKind::Topics(t) => {
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
            }
            ModelKind::Supervised(s) => {
                if s.labels.is_empty() || s.support.len() != s.labels.len() {
                    return Err("supervised model has no labels".into());
                }
            }
        }
        Ok(())
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ModelKind::Topics(_) => "topics",
            ModelKind::Supervised(_) => "supervised",
        }
    }
}

/// Today's UTC date, or the date of `SOURCE_DATE_EPOCH` when set (reproducible builds), as YYYY-MM-DD.
pub fn training_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    civil_date(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 → YYYY-MM-DD (Howard Hinnant's civil_from_days).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_416), "2025-11-24");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
