//! What a saved model holds, and how it is written and read ([`file`](mod@file)).
//!
//! A model carries everything needed to analyse and score a new article exactly as the training
//! articles were: the analyser configuration, the vocabulary with its idf weights, the surface
//! word shown for every term, and either a topic model (SVD, centroids and term mixture) or a
//! supervised linear classifier, plus the facts of its training.

mod facts;
pub mod file;
mod v2;

use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::supervised::SupervisedModel;
use crate::text::{Analyzer, AnalyzerConfig};
use crate::topics::{Topic, TopicModel};
use crate::vectorize::TfidfVectorizer;

pub use facts::{TrainedParams, TrainingFacts, training_date};
pub use file::ModelError;

/// A trained model: what [`crate::Classifier`] needs to place new articles, and the facts of
/// its training. Written and read with [`Model::save`] and [`Model::load`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub(crate) analyzer: AnalyzerConfig,
    pub(crate) vectorizer: TfidfVectorizer,
    /// For each vocabulary column, the original word shown to people (most frequent spelling
    /// of the term in the training corpus), e.g. حكوم → الحكومة.
    pub(crate) surface: Vec<String>,
    pub(crate) kind: ModelKind,
    pub(crate) facts: TrainingFacts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ModelKind {
    Topics(TopicModel),
    Supervised(SupervisedModel),
}

impl Model {
    /// Writes the model to `path` atomically (a temporary file renamed into place); an existing
    /// file is replaced only with `force`.
    pub fn save(&self, path: impl AsRef<Path>, force: bool) -> Result<(), ModelError> {
        file::write_atomic(path.as_ref(), self, force)
    }

    /// The bytes of the model file [`save`](Self::save) writes ([`from_bytes`](Self::from_bytes)
    /// reads them back): to keep a model elsewhere than in a file, or send it to other machines.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        file::encode(self)
    }

    /// Reads and checks a model file (the current format, or v2, converted).
    pub fn load(path: impl AsRef<Path>) -> Result<Model, ModelError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Model::from_bytes(&bytes, path)
    }

    /// [`load`](Self::load) from the bytes of a model file; `path` names it in errors.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Model, ModelError> {
        let (version, body) = file::open(bytes, path)?;
        let mut m: Model = match version {
            2 => file::decode_body::<v2::ModelV2>(body, path)?
                .upgrade()
                .map_err(|message| ModelError::Decode {
                    path: path.to_path_buf(),
                    message,
                })?,
            _ => file::decode_body(body, path)?,
        };
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
            ModelKind::Topics(t) => t.check(v),
            ModelKind::Supervised(s) => {
                if s.labels.is_empty() || s.support.len() != s.labels.len() {
                    return Err("supervised model has no labels".into());
                }
                Ok(())
            }
        }
    }

    /// The analyser configuration: new text is analysed exactly as the training text was.
    pub fn analyzer_config(&self) -> &AnalyzerConfig {
        &self.analyzer
    }

    /// The vocabulary and its idf weights.
    pub fn vectorizer(&self) -> &TfidfVectorizer {
        &self.vectorizer
    }

    /// The word shown for each vocabulary term (its most frequent spelling in training).
    pub fn surface_words(&self) -> &[String] {
        &self.surface
    }

    /// For each named topic (by id) that has any, its seed words of which no term is in the
    /// vocabulary: a word the corpus lacks (or spells otherwise) guides nothing, which the
    /// person who chose it wants to know.
    pub fn unused_seed_words(&self) -> crate::Result<Vec<(usize, Vec<String>)>> {
        let ModelKind::Topics(t) = &self.kind else {
            return Ok(Vec::new());
        };
        let analyzer = Analyzer::new(self.analyzer.clone())?;
        Ok(t.topics
            .iter()
            .filter_map(|tp| {
                let g = tp.given.as_ref()?;
                let unused: Vec<String> = (g.seeds.iter())
                    .filter(|s| {
                        (analyzer.terms(s).iter()).all(|w| self.vectorizer.term_index(w).is_none())
                    })
                    .cloned()
                    .collect();
                (!unused.is_empty()).then_some((tp.id, unused))
            })
            .collect())
    }

    /// A topic model or a supervised classifier.
    pub fn kind(&self) -> &ModelKind {
        &self.kind
    }

    /// How, when and on what the model was trained.
    pub fn facts(&self) -> &TrainingFacts {
        &self.facts
    }

    /// "topics" or "supervised".
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ModelKind::Topics(_) => "topics",
            ModelKind::Supervised(_) => "supervised",
        }
    }

    /// A topic model's topics (`None` for a supervised model).
    pub fn topics(&self) -> Option<&[Topic]> {
        match &self.kind {
            ModelKind::Topics(t) => Some(&t.topics),
            ModelKind::Supervised(_) => None,
        }
    }

    /// A supervised model's labels (`None` for a topic model).
    pub fn labels(&self) -> Option<&[String]> {
        match &self.kind {
            ModelKind::Topics(_) => None,
            ModelKind::Supervised(s) => Some(&s.labels),
        }
    }
}
