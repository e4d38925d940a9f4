//! Fitting the one-vs-rest linear SVM: sample costs, NBSVM scaling, pooled sources and the
//! calibration refit around the dual solvers.

use rayon::prelude::*;

use super::calibration::stratified_split;
use super::linear::LinearModel;
use super::params::{
    ClassWeight, LinearSvcParams, Pooling, Result, SupervisedError, ValidLinearSvcParams,
};
use super::solver::{Dual, dual_cd};
use crate::linalg::CsrMatrix;

impl ValidLinearSvcParams {
    /// Trains a model on `x` (one row per document) and `labels` (each `< n_classes`).
    pub fn fit(&self, x: &CsrMatrix, labels: &[usize], n_classes: usize) -> Result<LinearModel> {
        self.0.fit_inner(x, labels, None, n_classes)
    }

    /// Trains on rows pooled from several sources whose label sets differ (`sources[i]` is
    /// row `i`'s source id). A source that never uses label `c` files its `c` articles under
    /// other labels (ANT: AlArabiya has no middleEast label and files Yemen and Houthi stories
    /// under internationalNews), so its rows are not all trustworthy negatives for `c`;
    /// `pooling` says which of them class `c`'s one-vs-rest problem keeps (see [`Pooling`]).
    /// With one source, or when every source uses every label, this is
    /// [`ValidLinearSvcParams::fit`].
    pub fn fit_pooled(
        &self,
        x: &CsrMatrix,
        labels: &[usize],
        sources: &[usize],
        n_classes: usize,
        pooling: Pooling,
    ) -> Result<LinearModel> {
        if sources.len() != labels.len() {
            return Err(SupervisedError::LengthMismatch {
                rows: sources.len(),
                labels: labels.len(),
            });
        }
        self.0
            .fit_inner(x, labels, Some((sources, pooling)), n_classes)
    }
}

impl LinearSvcParams {
    fn fit_inner(
        &self,
        x: &CsrMatrix,
        labels: &[usize],
        sources: Option<(&[usize], Pooling)>,
        n_classes: usize,
    ) -> Result<LinearModel> {
        let p = self;
        validate_training(x, labels, n_classes)?;
        // active[c][i]: row i takes part in class c's problem
        let mut active: Option<Vec<Vec<bool>>> =
            sources.and_then(|(s, _)| source_masks(s, labels, n_classes));
        if let (Some(masks), Some((_, pooling))) = (active.as_mut(), sources)
            && pooling.first_fit()
        {
            // only the classes that leave rows out need the first fit
            let w = p.sample_costs(labels, n_classes)?;
            let sq_norms = row_sq_norms(x);
            masks.par_iter_mut().enumerate().for_each(|(c, mask)| {
                if mask.iter().all(|&a| a) {
                    return;
                }
                let (wc, b, _, _) = p.fit_class(x, &sq_norms, labels, &w, c, None, Some(mask));
                for (i, a) in mask.iter_mut().enumerate() {
                    if *a {
                        continue;
                    }
                    let (cols, vals) = x.row(i);
                    let margin: f64 = b + cols
                        .iter()
                        .zip(vals)
                        .map(|(&j, &v)| wc[j as usize] * v)
                        .sum::<f64>();
                    // a left-out row the label's own sources call "not c" is a reliable negative
                    *a = margin <= 0.0;
                }
            });
            if pooling.drops_ambiguous() {
                let ambiguous: Vec<bool> = (0..labels.len())
                    .map(|i| masks.iter().any(|m| !m[i]))
                    .collect();
                for m in masks.iter_mut() {
                    for (a, &amb) in m.iter_mut().zip(&ambiguous) {
                        *a &= !amb;
                    }
                }
            }
        }
        let active_of = |rows: &[usize]| -> Option<Vec<Vec<bool>>> {
            active.as_ref().map(|a| {
                a.iter()
                    .map(|m| rows.iter().map(|&r| m[r]).collect())
                    .collect()
            })
        };
        let weights = p.sample_costs(labels, n_classes)?;
        let mut temperature = 1.0;
        if p.calibration_holdout > 0.0 {
            let (fit_rows, held_rows) =
                stratified_split(labels, n_classes, p.calibration_holdout, p.seed);
            if !held_rows.is_empty() && !fit_rows.is_empty() {
                let xf = x.select_rows(&fit_rows);
                let yf: Vec<usize> = fit_rows.iter().map(|&r| labels[r]).collect();
                let wf: Vec<f64> = fit_rows.iter().map(|&r| weights[r]).collect();
                let af = active_of(&fit_rows);
                let (mut m, alphas) = p.fit_raw(&xf, &yf, &wf, n_classes, None, af.as_deref());
                let xh = x.select_rows(&held_rows);
                let yh: Vec<usize> = held_rows.iter().map(|&r| labels[r]).collect();
                m.fit_temperature(&xh, &yh)?;
                temperature = m.temperature;
                // Warm start the full fit from the sub-fit's dual variables (held-out rows at
                // 0): same optimum, fewer epochs.
                let init: Vec<Vec<f64>> = alphas
                    .iter()
                    .map(|a| {
                        let mut full = vec![0.0; x.n_rows()];
                        for (k, &r) in fit_rows.iter().enumerate() {
                            full[r] = a[k];
                        }
                        full
                    })
                    .collect();
                let (mut model, _) = p.fit_raw(
                    x,
                    labels,
                    &weights,
                    n_classes,
                    Some(&init),
                    active.as_deref(),
                );
                model.temperature = temperature;
                return Ok(model);
            }
        }
        let (mut model, _) = p.fit_raw(x, labels, &weights, n_classes, None, active.as_deref());
        model.temperature = temperature;
        Ok(model)
    }

    /// Per-sample cost multipliers from `class_weight`.
    fn sample_costs(&self, labels: &[usize], n_classes: usize) -> Result<Vec<f64>> {
        let per_class: Vec<f64> = match &self.class_weight {
            ClassWeight::Uniform => vec![1.0; n_classes],
            ClassWeight::Balanced => {
                let mut count = vec![0usize; n_classes];
                for &l in labels {
                    count[l] += 1;
                }
                count
                    .iter()
                    .map(|&c| {
                        if c == 0 {
                            1.0
                        } else {
                            labels.len() as f64 / (n_classes as f64 * c as f64)
                        }
                    })
                    .collect()
            }
            ClassWeight::Explicit(w) => {
                if w.len() != n_classes {
                    return Err(SupervisedError::ClassWeightsLength {
                        got: w.len(),
                        expected: n_classes,
                    });
                }
                w.clone()
            }
        };
        Ok(labels.iter().map(|&l| per_class[l]).collect())
    }

    /// Class `c`'s one-vs-rest problem: (weights, intercept, epochs, dual variables).
    #[allow(clippy::too_many_arguments)]
    fn fit_class(
        &self,
        x: &CsrMatrix,
        sq_norms: &[f64],
        labels: &[usize],
        sample_weight: &[f64],
        c: usize,
        init: Option<&[f64]>,
        active: Option<&[bool]>,
    ) -> (Vec<f64>, f64, usize, Vec<f64>) {
        let y: Vec<f64> = labels
            .iter()
            .map(|&l| if l == c { 1.0 } else { -1.0 })
            .collect();
        let seed = self
            .seed
            .wrapping_add((c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        match self.nb_smoothing {
            None => dual_cd(
                Dual {
                    x,
                    data: &x.data,
                    sq_norms,
                    y: &y,
                    sample_weight,
                    init,
                    active,
                },
                self,
                seed,
            ),
            Some(a) => {
                // the scaled values only; the sparsity pattern is shared with `x`
                let r = log_count_ratio(x, &y, active, a);
                let data: Vec<f64> = x
                    .data
                    .iter()
                    .zip(&x.indices)
                    .map(|(v, &j)| v * r[j as usize])
                    .collect();
                let sq: Vec<f64> = x
                    .indptr
                    .windows(2)
                    .map(|w| data[w[0]..w[1]].iter().map(|v| v * v).sum())
                    .collect();
                let (mut w, b, it, al) = dual_cd(
                    Dual {
                        x,
                        data: &data,
                        sq_norms: &sq,
                        y: &y,
                        sample_weight,
                        init,
                        active,
                    },
                    self,
                    seed,
                );
                if let Some(beta) = self.nb_interpolation {
                    let mean_abs = w.iter().map(|v| v.abs()).sum::<f64>() / w.len().max(1) as f64;
                    w.iter_mut()
                        .for_each(|v| *v = (1.0 - beta) * mean_abs + beta * *v);
                }
                w.iter_mut().zip(&r).for_each(|(w, r)| *w *= r);
                (w, b, it, al)
            }
        }
    }

    /// Trains without checks or calibration; classes in parallel.
    fn fit_raw(
        &self,
        x: &CsrMatrix,
        labels: &[usize],
        sample_weight: &[f64],
        n_classes: usize,
        init: Option<&[Vec<f64>]>,
        active: Option<&[Vec<bool>]>,
    ) -> (LinearModel, Vec<Vec<f64>>) {
        let n_features = x.n_cols;
        let sq_norms = row_sq_norms(x);
        let per_class: Vec<(Vec<f64>, f64, usize, Vec<f64>)> = (0..n_classes)
            .into_par_iter()
            .map(|c| {
                let a0 = init.map(|a| a[c].as_slice());
                let act = active.map(|a| a[c].as_slice());
                self.fit_class(x, &sq_norms, labels, sample_weight, c, a0, act)
            })
            .collect();
        let mut weights = Vec::with_capacity(n_classes * n_features);
        let mut bias = Vec::with_capacity(n_classes);
        let mut n_iter = Vec::with_capacity(n_classes);
        let mut alphas = Vec::with_capacity(n_classes);
        for (w, b, it, a) in per_class {
            weights.extend_from_slice(&w);
            bias.push(b);
            n_iter.push(it);
            alphas.push(a);
        }
        let model = LinearModel {
            n_classes,
            n_features,
            weights,
            bias,
            temperature: 1.0,
            n_iter,
        };
        (model, alphas)
    }
}

fn validate_training(x: &CsrMatrix, labels: &[usize], n_classes: usize) -> Result<()> {
    if n_classes < 2 {
        return Err(SupervisedError::TooFewClasses(n_classes));
    }
    if x.n_rows() == 0 {
        return Err(SupervisedError::EmptyTrainingSet);
    }
    if x.n_rows() != labels.len() {
        return Err(SupervisedError::LengthMismatch {
            rows: x.n_rows(),
            labels: labels.len(),
        });
    }
    if let Some(&label) = labels.iter().find(|&&l| l >= n_classes) {
        return Err(SupervisedError::LabelOutOfRange { label, n_classes });
    }
    Ok(())
}

/// Row `i` of `x` with its values taken from `data`.
pub(super) fn row_of<'a>(x: &'a CsrMatrix, data: &'a [f64], i: usize) -> (&'a [u32], &'a [f64]) {
    let (a, b) = (x.indptr[i], x.indptr[i + 1]);
    (&x.indices[a..b], &data[a..b])
}

pub(super) fn row_sq_norms(x: &CsrMatrix) -> Vec<f64> {
    (0..x.n_rows())
        .map(|r| x.row(r).1.iter().map(|v| v * v).sum())
        .collect()
}

/// NBSVM's log-count ratio of every column for one binary problem (`y` = ±1), from document
/// frequencies over the active rows, smoothed by `a`.
pub(super) fn log_count_ratio(
    x: &CsrMatrix,
    y: &[f64],
    active: Option<&[bool]>,
    a: f64,
) -> Vec<f64> {
    let mut pos = vec![a; x.n_cols];
    let mut neg = vec![a; x.n_cols];
    for (i, &yi) in y.iter().enumerate() {
        if active.is_some_and(|m| !m[i]) {
            continue;
        }
        let side = if yi > 0.0 { &mut pos } else { &mut neg };
        for &j in x.row(i).0 {
            side[j as usize] += 1.0;
        }
    }
    let (sp, sn): (f64, f64) = (pos.iter().sum(), neg.iter().sum());
    pos.iter()
        .zip(&neg)
        .map(|(p, n)| (p / sp).ln() - (n / sn).ln())
        .collect()
}

/// Per class, which rows take part in its one-vs-rest problem when rows come from several
/// sources: those of the sources that use the label at least once. A label no row has keeps
/// every row (it stays a class with negatives only, as in [`ValidLinearSvcParams::fit`]). `None`
/// when every row takes part in every problem.
fn source_masks(sources: &[usize], labels: &[usize], n_classes: usize) -> Option<Vec<Vec<bool>>> {
    let n_sources = sources.iter().max().map_or(0, |&s| s + 1);
    let mut uses = vec![vec![false; n_classes]; n_sources];
    let mut used = vec![false; n_classes];
    for (&s, &l) in sources.iter().zip(labels) {
        uses[s][l] = true;
        used[l] = true;
    }
    let masks: Vec<Vec<bool>> = (0..n_classes)
        .map(|c| sources.iter().map(|&s| !used[c] || uses[s][c]).collect())
        .collect();
    masks.iter().any(|m| m.iter().any(|&a| !a)).then_some(masks)
}
