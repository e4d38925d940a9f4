//! Probability calibration: the softmax temperature fitted on a held-out split.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::linear::LinearModel;
use super::params::{Result, SupervisedError};
use crate::linalg::CsrMatrix;

/// Deterministic stratified split: `fraction` of each class's rows (at least one when the class
/// has ≥ 2 rows) go to the second list. Both lists are sorted.
pub(crate) fn stratified_split(
    labels: &[usize],
    n_classes: usize,
    fraction: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5EED_CA11_B8A7_1000);
    let mut keep = Vec::new();
    let mut held = Vec::new();
    for c in 0..n_classes {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&r| labels[r] == c).collect();
        rows.shuffle(&mut rng);
        let mut n_held = (rows.len() as f64 * fraction).round() as usize;
        if n_held == 0 && rows.len() >= 2 && fraction > 0.0 {
            n_held = 1;
        }
        held.extend_from_slice(&rows[..n_held]);
        keep.extend_from_slice(&rows[n_held..]);
    }
    keep.sort_unstable();
    held.sort_unstable();
    (keep, held)
}

impl LinearModel {
    /// Fits the softmax temperature on held-out rows by minimising the mean log-loss
    /// (golden-section search on `ln T` over `[-7, 7]`) against Platt's smoothed targets: with
    /// `n` held-out rows the true label's target is `(n + 1) / (n + 2)` and the rest is shared
    /// by the other labels (Platt 1999, the prior that keeps a few perfectly separated rows
    /// from driving `T` to 0). Thousands of rows: plain log-loss; a dozen rows (a tiny corpus's
    /// 10% hold-out) cap the fitted confidence near `(n + 1) / (n + 2)` instead of ≈ 1.
    /// Returns the fitted `T`.
    pub fn fit_temperature(&mut self, x: &CsrMatrix, labels: &[usize]) -> Result<f64> {
        if x.n_rows() != labels.len() {
            return Err(SupervisedError::LengthMismatch {
                rows: x.n_rows(),
                labels: labels.len(),
            });
        }
        if let Some(&label) = labels.iter().find(|&&l| l >= self.n_classes) {
            return Err(SupervisedError::LabelOutOfRange {
                label,
                n_classes: self.n_classes,
            });
        }
        if labels.is_empty() {
            return Ok(self.temperature);
        }
        let k = self.n_classes;
        let margins = self.decision_function(x)?;
        let n = labels.len() as f64;
        let q_true = (n + 1.0) / (n + 2.0);
        let q_other = (1.0 - q_true) / (k - 1).max(1) as f64;
        let nll = |log_t: f64| -> f64 {
            let t = log_t.exp();
            margins
                .chunks(k)
                .zip(labels)
                .map(|(m, &y)| {
                    let mx = m.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let lse = m.iter().map(|v| ((v - mx) / t).exp()).sum::<f64>().ln();
                    // cross-entropy with the smoothed targets (they sum to 1)
                    let expect: f64 = m
                        .iter()
                        .enumerate()
                        .map(|(j, v)| if j == y { q_true } else { q_other } * (v - mx) / t)
                        .sum();
                    lse - expect
                })
                .sum::<f64>()
                / n
        };
        let (mut a, mut b) = (-7.0f64, 7.0f64);
        let g = (5f64.sqrt() - 1.0) / 2.0;
        let mut c = b - g * (b - a);
        let mut d = a + g * (b - a);
        let (mut fc, mut fd) = (nll(c), nll(d));
        for _ in 0..80 {
            if fc < fd {
                b = d;
                d = c;
                fd = fc;
                c = b - g * (b - a);
                fc = nll(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + g * (b - a);
                fd = nll(d);
            }
        }
        self.temperature = ((a + b) / 2.0).exp();
        Ok(self.temperature)
    }
}
