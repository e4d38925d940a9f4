//! One error type for every call of the library: each variant wraps the error of the room it
//! comes from, and its message names the file and the problem (never what to type: the front
//! end that called adds its own advice).

use crate::classify::ClassifyError;
use crate::corpus::CorpusError;
use crate::linalg::SvdError;
use crate::metrics::classification::ClassificationMetricsError;
use crate::model::ModelError;
use crate::supervised::SupervisedError;
use crate::text::analyzer::AnalyzerError;
use crate::topics::TopicsError;
use crate::topics::kmeans::KMeansError;
use crate::topics::mixture::MixtureError;
use crate::topics::named::NamedTopicsError;
use crate::vectorize::VectorizeError;

/// Anything that can go wrong in tasnif.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Analyzer(#[from] AnalyzerError),
    #[error(transparent)]
    Vectorize(#[from] VectorizeError),
    #[error(transparent)]
    Svd(#[from] SvdError),
    #[error(transparent)]
    KMeans(#[from] KMeansError),
    #[error(transparent)]
    Mixture(#[from] MixtureError),
    #[error(transparent)]
    Topics(#[from] TopicsError),
    #[error(transparent)]
    NamedTopics(#[from] NamedTopicsError),
    #[error(transparent)]
    Supervised(#[from] SupervisedError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Classify(#[from] ClassifyError),
    #[error(transparent)]
    Metrics(#[from] ClassificationMetricsError),
}

/// `Result<T, tasnif::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
