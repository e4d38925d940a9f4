//! The trained linear classifier: margins, probabilities and the features behind a decision.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::params::{Result, SupervisedError};
use crate::linalg::CsrMatrix;

/// A trained linear classifier: `score_c(x) = W[c] · x + bias[c]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    pub n_classes: usize,
    pub n_features: usize,
    /// Dense `n_classes × n_features`, row-major: `weights[c * n_features + j]`.
    pub weights: Vec<f64>,
    pub bias: Vec<f64>,
    /// Softmax temperature for [`LinearModel::predict_proba`].
    pub temperature: f64,
    /// Epochs the solver ran per class (diagnostic; `max_iter` means it did not converge).
    pub n_iter: Vec<usize>,
}

impl LinearModel {
    /// Class `c`'s weight vector.
    pub fn class_weights(&self, c: usize) -> &[f64] {
        &self.weights[c * self.n_features..(c + 1) * self.n_features]
    }

    /// Margins of one sparse row (`cols` increasing, all `< n_features`), written into `out`
    /// (length `n_classes`). Columns at or beyond `n_features` are ignored.
    pub fn decision_row_into(&self, cols: &[u32], vals: &[f64], out: &mut [f64]) {
        out.copy_from_slice(&self.bias);
        let nf = self.n_features;
        for (&j, &v) in cols.iter().zip(vals) {
            let j = j as usize;
            if j >= nf {
                continue;
            }
            for (c, o) in out.iter_mut().enumerate() {
                *o += self.weights[c * nf + j] * v;
            }
        }
    }

    /// Margins of one sparse row.
    pub fn decision_row(&self, cols: &[u32], vals: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.n_classes];
        self.decision_row_into(cols, vals, &mut out);
        out
    }

    /// Predicted class of one sparse row (ties go to the lowest class index).
    pub fn predict_row(&self, cols: &[u32], vals: &[f64]) -> usize {
        argmax(&self.decision_row(cols, vals))
    }

    /// Calibrated class probabilities of one sparse row: `softmax(margins / T)`.
    pub fn predict_proba_row(&self, cols: &[u32], vals: &[f64]) -> Vec<f64> {
        softmax(&self.decision_row(cols, vals), self.temperature)
    }

    fn check_cols(&self, x: &CsrMatrix) -> Result<()> {
        if x.n_cols != self.n_features {
            return Err(SupervisedError::FeatureMismatch {
                got: x.n_cols,
                expected: self.n_features,
            });
        }
        Ok(())
    }

    /// Margins of every row, `n_rows × n_classes` row-major. Rows in parallel.
    pub fn decision_function(&self, x: &CsrMatrix) -> Result<Vec<f64>> {
        self.check_cols(x)?;
        let k = self.n_classes;
        let mut out = vec![0.0; x.n_rows() * k];
        out.par_chunks_mut(k)
            .with_min_len(256)
            .enumerate()
            .for_each(|(r, o)| {
                let (c, v) = x.row(r);
                self.decision_row_into(c, v, o);
            });
        Ok(out)
    }

    /// Predicted class of every row.
    pub fn predict(&self, x: &CsrMatrix) -> Result<Vec<usize>> {
        let k = self.n_classes;
        Ok(self.decision_function(x)?.chunks(k).map(argmax).collect())
    }

    /// Probabilities of every row, `n_rows × n_classes` row-major.
    pub fn predict_proba(&self, x: &CsrMatrix) -> Result<Vec<f64>> {
        let k = self.n_classes;
        let mut m = self.decision_function(x)?;
        for row in m.chunks_mut(k) {
            let p = softmax(row, self.temperature);
            row.copy_from_slice(&p);
        }
        Ok(m)
    }

    /// The features that pushed one row towards its predicted class: `(class, [(feature,
    /// weight × value)])`, the `n` largest positive contributions, largest first (ties by
    /// feature index). The intercept is not a feature and is not listed.
    pub fn top_features(&self, cols: &[u32], vals: &[f64], n: usize) -> (usize, Vec<(u32, f64)>) {
        let class = self.predict_row(cols, vals);
        let w = self.class_weights(class);
        let mut contrib: Vec<(u32, f64)> = cols
            .iter()
            .zip(vals)
            .filter(|&(&j, _)| (j as usize) < self.n_features)
            .map(|(&j, &v)| (j, w[j as usize] * v))
            .filter(|&(_, s)| s > 0.0)
            .collect();
        contrib.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        contrib.truncate(n);
        (class, contrib)
    }
}

/// Index of the largest value; the first one on ties. NaN never wins.
pub(crate) fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] || v[best].is_nan() {
            best = i;
        }
    }
    best
}

/// `softmax(v / t)`, computed stably.
pub(crate) fn softmax(v: &[f64], t: f64) -> Vec<f64> {
    let mx = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = v.iter().map(|x| ((x - mx) / t).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|x| x / s).collect()
}
