//! How long work tells its caller how far it has got: a small trait the library calls and a
//! front end draws (the CLI with indicatif bars; a notebook could print lines).

/// A stage of reading or training. Every stage a run goes through is started and finished
/// exactly once, in this order (those that do not apply are skipped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Reading and cleaning the corpus (items: documents).
    Reading,
    /// Analysis and TF-IDF (items: documents).
    Vectorizing,
    /// The truncated SVD (items: passes over the matrix).
    Svd,
    /// k-means over a range of k, to choose one (items: values of k).
    ChoosingK,
    /// k-means (items: runs).
    KMeans,
    /// EM on the term mixture (items: iterations, up to the most allowed).
    Refining,
    /// Naming and describing the topics.
    Describing,
    /// The supervised classifier (items: labels).
    Classifier,
    /// Writing the model file.
    Saving,
}

impl Stage {
    /// Every stage, in the order a run meets them.
    pub const ALL: [Stage; 9] = [
        Stage::Reading,
        Stage::Vectorizing,
        Stage::Svd,
        Stage::ChoosingK,
        Stage::KMeans,
        Stage::Refining,
        Stage::Describing,
        Stage::Classifier,
        Stage::Saving,
    ];

    /// What the stage does, for people ("reducing (SVD)").
    pub fn name(self) -> &'static str {
        match self {
            Stage::Reading => "reading the corpus",
            Stage::Vectorizing => "analysing and vectorising",
            Stage::Svd => "reducing (SVD)",
            Stage::ChoosingK => "choosing k",
            Stage::KMeans => "clustering (k-means)",
            Stage::Refining => "refining (term mixture)",
            Stage::Describing => "describing the topics",
            Stage::Classifier => "fitting the classifier",
            Stage::Saving => "saving the model",
        }
    }
}

/// Receives progress from long work. Calls may come from several threads at once.
pub trait Progress: Sync {
    /// `stage` begins; `total` is how many items it will advance by (0 when not known).
    fn start(&self, _stage: Stage, _total: u64) {}
    /// `n` more items of the current stage are done.
    fn advance(&self, _n: u64) {}
    /// The current stage is done.
    fn finish(&self) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}

/// Runs `f` as `stage`: started before, finished after, whatever `f` returns.
pub(crate) fn stage<T>(p: &dyn Progress, stage: Stage, total: u64, f: impl FnOnce() -> T) -> T {
    p.start(stage, total);
    let out = f();
    p.finish();
    out
}
