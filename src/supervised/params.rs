//! The one-vs-rest linear SVM's parameters and their checks.

use serde::{Deserialize, Serialize};

/// Errors from parameter checking, fitting and prediction.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum SupervisedError {
    #[error("the corpus has no readable documents")]
    NoDocuments,
    #[error(
        "supervised training needs labels: none of the {0} documents has one (give a folder with one sub-folder per label, or JSON Lines with a label field)"
    )]
    MissingLabels(usize),
    #[error("supervised training needs at least two labels (found {0})")]
    OneLabel(usize),
    #[error(
        "{0}: a text file is one article, and training needs many: give a folder (one .txt file per article, in one sub-folder per label) or a JSON Lines file (.jsonl, one article per line)"
    )]
    OneArticle(String),
    #[error("the counts could not be kept in a temporary file: {0}")]
    Spill(String),
    #[error("C must be finite and > 0, got {0}")]
    InvalidC(f64),
    #[error("tol must be finite and > 0, got {0}")]
    InvalidTol(f64),
    #[error("max_iter must be >= 1")]
    InvalidMaxIter,
    #[error("intercept_scaling must be finite and > 0, got {0}")]
    InvalidInterceptScaling(f64),
    #[error("calibration_holdout must be in [0, 0.5], got {0}")]
    InvalidCalibrationHoldout(f64),
    #[error("nb_smoothing must be finite and > 0, got {0}")]
    InvalidNbSmoothing(f64),
    #[error("nb_interpolation must be in (0, 1], got {0}")]
    InvalidNbInterpolation(f64),
    #[error("class weights must be finite and > 0, got {0:?}")]
    InvalidClassWeights(Vec<f64>),
    #[error("need at least 2 classes, got {0}")]
    TooFewClasses(usize),
    #[error("no training rows")]
    EmptyTrainingSet,
    #[error("{rows} rows but {labels} labels")]
    LengthMismatch { rows: usize, labels: usize },
    #[error("label {label} out of range for {n_classes} classes")]
    LabelOutOfRange { label: usize, n_classes: usize },
    #[error("class weights given for {got} classes, model has {expected}")]
    ClassWeightsLength { got: usize, expected: usize },
    #[error("matrix has {got} columns, model was trained on {expected}")]
    FeatureMismatch { got: usize, expected: usize },
}

pub(crate) type Result<T> = std::result::Result<T, SupervisedError>;

/// Which rows of a source that never uses label `c` take part in class `c`'s one-vs-rest
/// problem ([`ValidLinearSvcParams::fit_pooled`]). The experiment-only variants come last:
/// a model file stores a variant by its position, which must not depend on the build's
/// features (a build with `lab` wrote `ReliableNegatives` as 1, which other builds could not
/// read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pooling {
    /// Those that a first fit, trained with the source left out as in `Exclude`, scores on the
    /// negative side for `c` (margin ≤ 0): the reliable negatives of positive-unlabelled
    /// learning (Liu et al., ICML 2003). The rows that look like `c` stay out.
    ReliableNegatives,
    /// None: such a source says nothing about `c` (unknown is not negative).
    #[cfg(feature = "lab")]
    Exclude,
    /// As `ReliableNegatives`, and the rows that look like `c` stay out of every class's
    /// problem: their label is the one their source files `c` under, not a trustworthy positive
    /// for it either (AlArabiya's Yemen stories as internationalNews positives). Measured on
    /// ANT (`supervised_eval --validate --pooled reliable,drop`): mixed-fold macro-F1 0.921 →
    /// 0.889, and 0.779 → 0.774 on the test outlets, so `train` keeps `ReliableNegatives`.
    #[cfg(feature = "lab")]
    DropAmbiguous,
}

impl Pooling {
    /// Whether the rows a source leaves out are sorted by a first fit (reliable negatives).
    pub(super) fn first_fit(self) -> bool {
        match self {
            Pooling::ReliableNegatives => true,
            #[cfg(feature = "lab")]
            Pooling::DropAmbiguous => true,
            #[cfg(feature = "lab")]
            Pooling::Exclude => false,
        }
    }

    /// Whether rows that look like a label their source lacks leave every class's problem.
    pub(super) fn drops_ambiguous(self) -> bool {
        #[cfg(feature = "lab")]
        if self == Pooling::DropAmbiguous {
            return true;
        }
        false
    }
}

/// How samples of each class are weighted in the loss (scikit-learn's `class_weight`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub enum ClassWeight {
    /// Every sample weighs 1.
    #[default]
    Uniform,
    /// `n_samples / (n_classes * count[c])`, as scikit-learn's `"balanced"`.
    Balanced,
    /// Explicit per-class weights, indexed by label.
    Explicit(Vec<f64>),
}

/// Hyper-parameters of the one-vs-rest linear SVM. Names follow scikit-learn's `LinearSVC`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearSvcParams {
    /// Inverse regularisation strength (larger C = less regularisation).
    pub c: f64,
    /// Stopping tolerance on the projected-gradient spread of the dual (liblinear's `eps`).
    pub tol: f64,
    /// Maximum number of passes over the data, per class.
    pub max_iter: usize,
    pub class_weight: ClassWeight,
    pub fit_intercept: bool,
    /// Value of the synthetic constant feature that carries the intercept.
    pub intercept_scaling: f64,
    /// Seed of the per-epoch sample permutations and of the calibration split.
    pub seed: u64,
    /// Fraction of rows (per class, stratified) held out to fit the softmax temperature;
    /// 0 disables calibration (`T = 1`).
    pub calibration_holdout: f64,
    /// NBSVM (Wang & Manning, ACL 2012): when set to a smoothing `a > 0`, class `c`'s problem
    /// sees every feature scaled by its log-count ratio
    /// `r_j = ln((a + df⁺_j) / ‖a + df⁺‖₁) − ln((a + df⁻_j) / ‖a + df⁻‖₁)` (document frequencies
    /// among the class's positive and negative rows); the scale is folded into the stored
    /// weights, so prediction is unchanged. `None`: plain SVM.
    #[serde(default)]
    pub nb_smoothing: Option<f64>,
    /// The per-row loss of each one-vs-rest problem (liblinear's `L2R_L2LOSS_SVC_DUAL` or
    /// `L2R_L1LOSS_SVC_DUAL`); older parameter files without it mean squared hinge.
    #[serde(default)]
    pub loss: Loss,
    /// NBSVM interpolation (Wang & Manning's β, with `nb_smoothing` only): class `c`'s
    /// weights in the scaled space become `(1 − β)·w̄ + β·w` with `w̄ = ‖w‖₁ / n_features`,
    /// which adds a multiple of the naive-Bayes score `r·x` to the SVM's. `None` = β 1.
    #[serde(default)]
    pub nb_interpolation: Option<f64>,
}

/// [`LinearSvcParams`] that passed [`LinearSvcParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidLinearSvcParams(pub(super) LinearSvcParams);

impl ValidLinearSvcParams {
    pub fn params(&self) -> &LinearSvcParams {
        &self.0
    }
}

/// The SVM's per-row loss, `m = y w·x`: squared hinge `max(0, 1 − m)²` (scikit-learn's
/// `LinearSVC` default), hinge `max(0, 1 − m)`, or logistic `ln(1 + e^−m)` (L2-regularised
/// logistic regression, liblinear's `L2R_LR_DUAL`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    #[default]
    SquaredHinge,
    #[cfg(feature = "lab")]
    Hinge,
    #[cfg(feature = "lab")]
    Logistic,
}

impl Default for LinearSvcParams {
    /// `C = 0.1` with balanced class weights, chosen on ANT by cross-outlet validation inside
    /// the training outlets (train skynews → score alarabia and back; see
    /// `examples/supervised_eval.rs --validate`): macro-F1 0.838 vs 0.819 for scikit-learn's
    /// `LinearSVC` defaults (`C = 1`, uniform weights). Stronger regularisation and balanced
    /// weights transfer better to outlets whose style and label mix differ from training.
    /// (Those two numbers predate the restriction of predictions to the scored outlet's
    /// labels in `--validate`. With it, unigrams, plain SVM, C = 0.03 / 0.1 / 0.3 score
    /// 0.853 / 0.848 / 0.842 cross-outlet and 0.902 / 0.907 / 0.906 on the mixed folds: means
    /// 0.877 / 0.878 / 0.874, so C = 0.1 stays.) No NBSVM scaling here:
    /// `SupervisedParams::new` turns it on.
    fn default() -> Self {
        LinearSvcParams {
            c: 0.1,
            tol: 1e-4,
            max_iter: 1000,
            class_weight: ClassWeight::Balanced,
            fit_intercept: true,
            intercept_scaling: 1.0,
            seed: 42,
            calibration_holdout: 0.1,
            nb_smoothing: None,
            loss: Loss::SquaredHinge,
            nb_interpolation: None,
        }
    }
}

impl LinearSvcParams {
    /// The value of the constant feature that carries the intercept (0 without one).
    pub(super) fn bias_feature(&self) -> f64 {
        if self.fit_intercept {
            self.intercept_scaling
        } else {
            0.0
        }
    }

    /// Validates every parameter.
    pub fn check(self) -> Result<ValidLinearSvcParams> {
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(SupervisedError::InvalidC(self.c));
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(SupervisedError::InvalidTol(self.tol));
        }
        if self.max_iter == 0 {
            return Err(SupervisedError::InvalidMaxIter);
        }
        if !(self.intercept_scaling.is_finite() && self.intercept_scaling > 0.0) {
            return Err(SupervisedError::InvalidInterceptScaling(
                self.intercept_scaling,
            ));
        }
        if !(0.0..=0.5).contains(&self.calibration_holdout) {
            return Err(SupervisedError::InvalidCalibrationHoldout(
                self.calibration_holdout,
            ));
        }
        if let Some(a) = self.nb_smoothing
            && !(a.is_finite() && a > 0.0)
        {
            return Err(SupervisedError::InvalidNbSmoothing(a));
        }
        if let Some(b) = self.nb_interpolation
            && !(b > 0.0 && b <= 1.0)
        {
            return Err(SupervisedError::InvalidNbInterpolation(b));
        }
        if let ClassWeight::Explicit(w) = &self.class_weight
            && (w.is_empty() || w.iter().any(|v| !(v.is_finite() && *v > 0.0)))
        {
            return Err(SupervisedError::InvalidClassWeights(w.clone()));
        }
        Ok(ValidLinearSvcParams(self))
    }
}
