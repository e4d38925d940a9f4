//! Model format v2 (tasnif before the typed training facts and the given topic names), read
//! and converted to the current [`Model`]: a model trained before still loads and classifies
//! exactly as it did.

use ndarray::Array2;
use serde::Deserialize;

use super::{Model, ModelKind, TrainedParams, TrainingFacts};
use crate::linalg::Svd;
use crate::supervised::SupervisedModel;
use crate::text::AnalyzerConfig;
use crate::topics::{KScan, TopTerm, Topic, TopicMixture, TopicModel};
use crate::vectorize::TfidfVectorizer;

#[derive(Deserialize)]
pub(super) struct ModelV2 {
    analyzer: AnalyzerConfig,
    vectorizer: TfidfVectorizer,
    surface: Vec<String>,
    kind: KindV2,
    facts: FactsV2,
}

#[derive(Deserialize)]
enum KindV2 {
    Topics(TopicModelV2),
    Supervised(SupervisedModel),
}

#[derive(Deserialize)]
struct TopicModelV2 {
    svd: Svd,
    centroids: Array2<f64>,
    topics: Vec<TopicV2>,
    mixture: Option<TopicMixture>,
    k_scan: KScan,
}

#[derive(Deserialize)]
struct TopicV2 {
    id: usize,
    name: String,
    size: usize,
    top_terms: Vec<TopTerm>,
    term_weights: Vec<(u32, f64)>,
    examples: Vec<String>,
}

#[derive(Deserialize)]
struct FactsV2 {
    /// The corpus paths joined by " + ", then " --sources " and the outlets kept.
    corpus: String,
    n_docs: usize,
    n_skipped: usize,
    trained_on: String,
    seed: u64,
    tasnif_version: String,
    /// The parameters as JSON.
    params_json: String,
}

impl ModelV2 {
    /// The same model in the current layout; fails only when its parameters do not parse.
    pub(super) fn upgrade(self) -> Result<Model, String> {
        let f = self.facts;
        let (paths, sources) = match f.corpus.rsplit_once(" --sources ") {
            Some((p, s)) => (p, s.split(',').map(String::from).collect()),
            None => (f.corpus.as_str(), Vec::new()),
        };
        let params = match &self.kind {
            KindV2::Topics(_) => serde_json::from_str(&f.params_json).map(TrainedParams::Topics),
            KindV2::Supervised(_) => {
                serde_json::from_str(&f.params_json).map(TrainedParams::Supervised)
            }
        }
        .map_err(|e| format!("its training parameters do not parse: {e}"))?;
        let kind = match self.kind {
            KindV2::Supervised(s) => ModelKind::Supervised(s),
            KindV2::Topics(t) => ModelKind::Topics(TopicModel {
                svd: t.svd,
                centroids: t.centroids,
                topics: (t.topics.into_iter())
                    .map(|t| Topic {
                        id: t.id,
                        name: t.name,
                        given: None,
                        size: t.size,
                        top_terms: t.top_terms,
                        term_weights: t.term_weights,
                        examples: t.examples,
                    })
                    .collect(),
                mixture: t.mixture,
                k_scan: t.k_scan,
            }),
        };
        Ok(Model {
            analyzer: self.analyzer,
            vectorizer: self.vectorizer,
            surface: self.surface,
            kind,
            facts: TrainingFacts {
                corpora: paths.split(" + ").map(String::from).collect(),
                sources,
                n_docs: f.n_docs,
                n_skipped: f.n_skipped,
                trained_on: f.trained_on,
                seed: f.seed,
                tasnif_version: f.tasnif_version,
                params,
            },
        })
    }
}
