//! Topic discovery: TF-IDF → LSA (truncated SVD) → k-means on the L2-normalised rows → EM on a
//! mixture of multinomials over the term counts, which settles the articles on the borders →
//! named topics.
//!
//! ```no_run
//! # fn main() -> tasnif::Result<()> {
//! let corpus = tasnif::Corpus::read("data")?;
//! let fit = tasnif::TopicParams::new().k(4).seed(42).check()?.fit(&corpus)?;
//! for t in fit.model.topics().unwrap_or_default() {
//!     println!("{} ({} articles)", t.name, t.size);
//! }
//! # Ok(()) }
//! ```

pub mod choose_k;
mod describe;
pub mod kmeans;
pub mod mixture;
mod model;
pub mod named;
pub mod passes;
mod pipeline;

#[cfg(feature = "lab")]
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::corpus::Corpus;
use crate::linalg::{Budget, SvdParams};
use crate::model::Model;
use crate::progress::{Progress, Silent};
use crate::text::AnalyzerConfig;
use crate::vectorize::{DocFreq, TfidfParams};

pub use describe::{TopWords, TopicSums};
pub use kmeans::{KMeansAlgorithm, KMeansParams};
pub use mixture::{MixtureParams, TopicMixture};
pub use model::{GivenTopic, TopTerm, Topic, TopicModel};
pub use named::NamedTopic;
pub use pipeline::{Agreement, KMEANS_SAMPLE, SVD_SAMPLE};

/// Why topics could not be trained on a corpus.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum TopicsError {
    #[error("the corpus has no readable documents")]
    NoDocuments,
    #[error(
        "k = {k} but the corpus has only {n} documents: k must be smaller than the number of documents"
    )]
    KTooLarge { k: usize, n: usize },
    #[error("k must be at least 2 (got {0})")]
    KTooSmall(usize),
    #[error("the range of k goes down ({0}..{1})")]
    KRangeDown(usize, usize),
    #[error("all documents are identical after analysis: there is nothing to cluster")]
    IdenticalDocuments,
    #[error(
        "none of the {0} documents has a usable word left after analysis (only stopwords, numbers or non-Arabic text): there is nothing to learn from"
    )]
    EmptyVocabulary(usize),
    #[error(
        "{0}: a text file is one article, and training needs many: give a folder (one .txt file per article, in one sub-folder per label) or a JSON Lines file (.jsonl, one article per line)"
    )]
    OneArticle(String),
    #[error("the counts could not be kept in a temporary file: {0}")]
    Spill(String),
    #[error("training in passes needs one k (a range of k is chosen on every document at once)")]
    KRangeInPasses,
}

/// How many topics: one k, or the best silhouette over a range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KChoice {
    Fixed(usize),
    Range(usize, usize),
}

/// Parameters of topic training. Build with [`TopicParams::new`] and the setters, then
/// [`check`](TopicParams::check) and [`fit`](ValidTopicParams::fit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicParams {
    pub(crate) analyzer: AnalyzerConfig,
    pub(crate) tfidf: TfidfParams,
    pub(crate) svd: SvdParams,
    /// `n_runs` is a floor: small corpora get more restarts ([`kmeans_runs`]).
    pub(crate) kmeans: KMeansParams,
    pub(crate) k: KChoice,
    pub(crate) n_top_terms: usize,
    pub(crate) top_words: TopWords,
    /// EM on a mixture of multinomials over the term counts, started from the k-means
    /// partition ([`mixture`]); `None` keeps the k-means partition.
    #[serde(default)]
    pub(crate) mixture: Option<MixtureParams>,
    /// Exactly this many LSA dimensions instead of [`lsa_dimensions`]'s rule (experiments).
    #[serde(default)]
    pub(crate) lsa_dims: Option<usize>,
    /// At most this many k-means restarts however small the corpus ([`kmeans_runs`]).
    #[serde(default = "default_max_runs")]
    pub(crate) max_runs: usize,
    /// Most documents the SVD is fitted on ([`SVD_SAMPLE`]; more are projected onto it).
    #[serde(default = "default_sample")]
    pub(crate) svd_sample: usize,
    /// Most LSA rows the k-means restarts run on ([`KMEANS_SAMPLE`]; Lloyd then refines the
    /// best start on every row).
    #[serde(default = "default_sample")]
    pub(crate) kmeans_sample: usize,
    /// Topics the user named, in order: they become the model's first topics.
    #[serde(default)]
    pub(crate) named: Vec<NamedTopic>,
    /// Whether k was chosen ([`k`](TopicParams::k), [`k_range`](TopicParams::k_range)); if
    /// not, named topics set it to their number.
    #[serde(skip)]
    pub(crate) k_chosen: bool,
}

fn default_sample() -> usize {
    SVD_SAMPLE
}

fn default_max_runs() -> usize {
    KMEANS_MAX_RUNS
}

impl Default for TopicParams {
    fn default() -> Self {
        TopicParams::new()
    }
}

impl TopicParams {
    /// The defaults of `tasnif train`: k = 4 (the number of named topics when there are
    /// any), seed 42.
    pub fn new() -> Self {
        let seed = kmeans::DEFAULT_SEED;
        TopicParams {
            analyzer: AnalyzerConfig::default(),
            tfidf: TfidfParams {
                min_df: DocFreq::Count(2),
                // 0.5 dropped a topic's own key words on small corpora (migration words are in
                // 55% of data/: mean NMI over 5 seeds 0.63 → 0.68 with 0.9/1.0, lab topic_grid).
                max_df: DocFreq::Proportion(0.9),
                sublinear_tf: true,
                ..TfidfParams::default()
            },
            svd: SvdParams {
                seed,
                // 3 power iterations, not 5: NMI after the mixture refinement moved by at most
                // 0.002 over seeds 42, 1, 2 on the ANT balanced, random-balanced and full corpora
                // (lab `cluster_eval --svd-iter`), and the SVD of full ANT took 10–25% less time.
                // (`data/`-sized corpora get an exact SVD either way.)
                n_iter: 3,
                ..SvdParams::default()
            },
            kmeans: KMeansParams {
                seed,
                ..KMeansParams::new(4)
            },
            k: KChoice::Fixed(4),
            n_top_terms: 10,
            top_words: TopWords::default(),
            mixture: Some(MixtureParams::default()),
            lsa_dims: None,
            max_runs: KMEANS_MAX_RUNS,
            svd_sample: SVD_SAMPLE,
            kmeans_sample: KMEANS_SAMPLE,
            named: Vec::new(),
            k_chosen: false,
        }
    }

    /// Topics named by the user (from a topics file, [`NamedTopic::read_file`]): the model's
    /// first topics, in this order, carry these names; k − n more are discovered. Unless k is
    /// chosen (before or after), it is n (at least 2: one named topic and one discovered).
    pub fn named(mut self, topics: Vec<NamedTopic>) -> Self {
        self.named = topics;
        if !self.k_chosen && !self.named.is_empty() {
            let k = self.named.len().max(2);
            self = self.k_choice(KChoice::Fixed(k));
            self.k_chosen = false;
        }
        self
    }

    /// Discover `k` topics.
    pub fn k(self, k: usize) -> Self {
        self.k_choice(KChoice::Fixed(k))
    }

    /// Fit every k in `lo..=hi` and keep the best cosine silhouette.
    pub fn k_range(self, lo: usize, hi: usize) -> Self {
        self.k_choice(KChoice::Range(lo, hi))
    }

    pub fn k_choice(mut self, k: KChoice) -> Self {
        self.kmeans.k = match k {
            KChoice::Fixed(k) | KChoice::Range(k, _) => k,
        };
        self.k = k;
        self.k_chosen = true;
        self
    }

    /// The seed of every random choice (the SVD's test matrix, k-means++): the same seed gives
    /// the same model, whatever the thread count.
    pub fn seed(mut self, seed: u64) -> Self {
        self.svd.seed = seed;
        self.kmeans.seed = seed;
        self
    }

    /// Which k-means implementation clusters the LSA rows.
    pub fn kmeans_algorithm(mut self, algorithm: KMeansAlgorithm) -> Self {
        self.kmeans.algorithm = algorithm;
        self
    }

    /// Top words kept per topic (10).
    pub fn n_top_terms(mut self, n: usize) -> Self {
        self.n_top_terms = n;
        self
    }

    pub fn seed_value(&self) -> u64 {
        self.kmeans.seed
    }

    pub fn k_value(&self) -> &KChoice {
        &self.k
    }

    /// Every knob, for experiments (the `lab` feature): the TF-IDF, SVD, k-means and mixture
    /// parameters, the top-word scoring, an exact LSA dimension and the most k-means restarts.
    #[cfg(feature = "lab")]
    pub fn lab(&mut self) -> LabKnobs<'_> {
        LabKnobs {
            tfidf: &mut self.tfidf,
            svd: &mut self.svd,
            kmeans: &mut self.kmeans,
            mixture: &mut self.mixture,
            top_words: &mut self.top_words,
            lsa_dims: &mut self.lsa_dims,
            max_runs: &mut self.max_runs,
            svd_sample: &mut self.svd_sample,
            kmeans_sample: &mut self.kmeans_sample,
        }
    }

    /// Validates every parameter.
    pub fn check(self) -> crate::Result<ValidTopicParams> {
        let (lo, hi) = match self.k {
            KChoice::Fixed(k) => (k, k),
            KChoice::Range(a, b) => (a, b),
        };
        if lo > hi {
            return Err(TopicsError::KRangeDown(lo, hi).into());
        }
        if lo < 2 {
            return Err(TopicsError::KTooSmall(lo).into());
        }
        if lo < self.named.len() {
            return Err(named::NamedTopicsError::KBelowNamed {
                named: self.named.len(),
                k: lo,
            }
            .into());
        }
        if !self.named.is_empty() && self.kmeans.algorithm == KMeansAlgorithm::Linfa {
            return Err(kmeans::KMeansError::StartsNeedLloyd.into());
        }
        self.analyzer.check()?;
        self.tfidf.clone().check()?;
        self.svd.clone().check()?;
        self.kmeans.clone().check()?;
        if let Some(m) = &self.mixture {
            m.clone().check()?;
        }
        Ok(ValidTopicParams(self))
    }
}

/// Mutable access to every parameter of [`TopicParams`], for experiments.
#[cfg(feature = "lab")]
pub struct LabKnobs<'a> {
    pub tfidf: &'a mut TfidfParams,
    pub svd: &'a mut SvdParams,
    pub kmeans: &'a mut KMeansParams,
    pub mixture: &'a mut Option<MixtureParams>,
    pub top_words: &'a mut TopWords,
    pub lsa_dims: &'a mut Option<usize>,
    pub max_runs: &'a mut usize,
    pub svd_sample: &'a mut usize,
    pub kmeans_sample: &'a mut usize,
}

/// [`TopicParams`] that passed [`TopicParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidTopicParams(TopicParams);

/// A trained topic model and where it put each training document.
pub struct TopicFit {
    pub model: Model,
    /// The topic of every document of the corpus, in corpus order.
    pub assignments: Vec<usize>,
    /// How the topics agree with the corpus labels, when every document has one.
    pub against_labels: Option<Agreement>,
    /// How training went.
    pub diagnostics: Diagnostics,
}

/// How topic training went, stage by stage.
#[derive(Clone, Debug)]
pub struct Diagnostics {
    /// Stored values of the TF-IDF matrix.
    pub nnz: usize,
    /// LSA dimensions kept.
    pub lsa_dims: usize,
    /// Whether the counts went to a temporary file (they passed the memory budget).
    pub spilled: bool,
    /// The k-means partition, before the mixture refinement moved articles.
    pub kmeans_assignments: Vec<usize>,
    /// The kept k-means run's inertia, and every run's.
    pub kmeans_inertia: f64,
    pub kmeans_runs: Vec<kmeans::RunInfo>,
    /// Articles that changed topic in each EM iteration (`None`: no refinement, or EM would
    /// have emptied a topic and the k-means partition was kept).
    pub refine_moved: Option<Vec<usize>>,
    /// The documents' LSA rows, L2-normalised (experiments only).
    #[cfg(feature = "lab")]
    pub lsa_rows: Array2<f64>,
}

/// Rows × restarts of k-means that [`kmeans_runs`] allows beyond `KMeansParams::n_runs`.
pub const KMEANS_RESTART_BUDGET: usize = 120_000;
/// At most this many k-means restarts, however small the corpus.
pub const KMEANS_MAX_RUNS: usize = 100;

/// k-means restarts used on `n_docs` documents: `n_runs` at least, more on small corpora, up to
/// [`KMEANS_MAX_RUNS`] while `runs × n_docs` stays within [`KMEANS_RESTART_BUDGET`].
///
/// Why: on small corpora the k-means objective has many local minima of almost equal inertia
/// that split the documents very differently, so which one 10 runs land in depends on the seed.
/// Restarts are what cures that, and they cost little there. Measured with
/// lab `cluster_eval --n-runs R`, seeds 42 and 1–9 (mean / min NMI):
/// `data/` (111 docs, k = 4) 10 runs 0.716 / 0.555, 100 runs 0.774 / 0.739; ANT balanced sample
/// (5,981, k = 6) 10 runs 0.680 / 0.637, 20 runs 0.687 / 0.685. On full ANT (28,933) the
/// budget allows fewer than 10, so `n_runs` (10) applies and the time is unchanged.
pub fn kmeans_runs(n_docs: usize, n_runs: usize) -> usize {
    runs_within(n_docs, n_runs, KMEANS_MAX_RUNS)
}

/// [`kmeans_runs`] with another most restarts than [`KMEANS_MAX_RUNS`].
pub(crate) fn runs_within(n_docs: usize, n_runs: usize, max_runs: usize) -> usize {
    n_runs.max((KMEANS_RESTART_BUDGET / n_docs.max(1)).min(max_runs))
}

/// LSA dimensions kept for `n` documents and a vocabulary of `v` terms, at most `wanted`.
///
/// On small corpora LSA only denoises when it keeps far fewer dimensions than documents:
/// data/ (111 docs) mean NMI over 5 seeds is 0.68 at 100 dims, 0.76 at 20 (lab topic_grid); on
/// ANT samples 50–200 dims score alike (0.69). So at most one dimension per 5 documents (and at
/// least 10).
pub fn lsa_dimensions(n: usize, v: usize, wanted: usize) -> usize {
    let max_comp = (n / 5).max(10).min(n.min(v).saturating_sub(1)).max(1);
    wanted.min(max_comp)
}

/// A k scan: (k, silhouette, inertia) for each k tried.
pub type KScan = Vec<(usize, f64, f64)>;

impl ValidTopicParams {
    pub fn params(&self) -> &TopicParams {
        &self.0
    }

    /// Trains a topic model on `corpus`.
    pub fn fit(&self, corpus: &Corpus) -> crate::Result<TopicFit> {
        self.fit_with(corpus, &Silent)
    }

    /// [`fit`](Self::fit), reporting each stage to `progress`.
    pub fn fit_with(&self, corpus: &Corpus, progress: &dyn Progress) -> crate::Result<TopicFit> {
        self.fit_source(&mut &*corpus, &Budget::default(), progress)
    }
}
