//! Dual coordinate descent solvers (liblinear's), one binary problem at a time.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::fit::row_of;
use super::params::{LinearSvcParams, Loss};
use crate::linalg::CsrMatrix;

/// One binary problem for the dual solvers: the rows (sparsity pattern from `x`, values from
/// `data`, e.g. a rescaled copy), their squared norms, ±1 targets and weights, an optional warm
/// start, and which rows take part (the others keep a zero dual variable).
#[derive(Clone, Copy)]
pub(super) struct Dual<'a> {
    pub(super) x: &'a CsrMatrix,
    pub(super) data: &'a [f64],
    pub(super) sq_norms: &'a [f64],
    pub(super) y: &'a [f64],
    pub(super) sample_weight: &'a [f64],
    pub(super) init: Option<&'a [f64]>,
    pub(super) active: Option<&'a [bool]>,
}

/// The dual solver of `p.loss`.
pub(super) fn dual_cd(
    d: Dual<'_>,
    p: &LinearSvcParams,
    seed: u64,
) -> (Vec<f64>, f64, usize, Vec<f64>) {
    match p.loss {
        Loss::SquaredHinge => dual_cd_l2loss(d, p, seed),
        #[cfg(feature = "lab")]
        Loss::Hinge => dual_cd_l2loss(d, p, seed),
        #[cfg(feature = "lab")]
        Loss::Logistic => dual_cd_logistic(d, p, seed),
    }
}

/// The primal weights of dual variables `alpha` over `rows`: `w = Σ α_i y_i x_i` and the
/// constant feature's weight `Σ α_i y_i · bscale`, summed in the order of `rows`.
fn primal_of(
    x: &CsrMatrix,
    data: &[f64],
    y: &[f64],
    alpha: &[f64],
    rows: &[usize],
    bscale: f64,
) -> (Vec<f64>, f64) {
    let mut w = vec![0.0; x.n_cols];
    let mut wb = 0.0;
    for &i in rows {
        let (cols, vals) = row_of(x, data, i);
        let d = alpha[i] * y[i];
        for (&j, &v) in cols.iter().zip(vals) {
            w[j as usize] += d * v;
        }
        wb += d * bscale;
    }
    (w, wb)
}

/// Dual coordinate descent for L2-regularised logistic regression,
/// `min_w ½‖w‖² + Σ C_i ln(1 + exp(−y_i w·x_i))` (liblinear's `solve_l2r_lr_dual`, Yu, Huang &
/// Lin 2011): each dual variable `α_i ∈ (0, C_i)` is updated by a one-dimensional Newton
/// solve. Same arguments and results as [`dual_cd_l2loss`]; left-out rows keep `α_i = 0`.
#[cfg(feature = "lab")]
fn dual_cd_logistic(
    d: Dual<'_>,
    p: &LinearSvcParams,
    seed: u64,
) -> (Vec<f64>, f64, usize, Vec<f64>) {
    let Dual {
        x,
        data,
        sq_norms,
        y,
        sample_weight,
        init,
        active,
    } = d;
    let n = x.n_rows();
    let bscale = p.bias_feature();
    let upper: Vec<f64> = sample_weight.iter().map(|&s| p.c * s).collect();
    let order_all: Vec<usize> = (0..n).filter(|&i| active.is_none_or(|a| a[i])).collect();
    let mut alpha = vec![0.0; n];
    for &i in &order_all {
        let u = upper[i];
        let start = init.map_or(0.0, |a| a[i]);
        // strictly inside (0, C): the log terms need it
        alpha[i] = if start > 0.0 && start < u {
            start
        } else {
            (1e-3 * u).min(1e-8)
        };
    }
    let (mut w, mut wb) = primal_of(x, data, y, &alpha, &order_all, bscale);
    let mut order = order_all;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut inner_eps = 1e-2;
    let inner_eps_min = p.tol.min(1e-8);
    let mut epochs = 0;
    for _ in 0..p.max_iter {
        epochs += 1;
        order.shuffle(&mut rng);
        let mut g_max: f64 = 0.0;
        let mut newton_steps = 0;
        for &i in &order {
            let c = upper[i];
            let (cols, vals) = row_of(x, data, i);
            let mut dot = wb * bscale;
            for (&j, &v) in cols.iter().zip(vals) {
                dot += w[j as usize] * v;
            }
            let a = sq_norms[i] + bscale * bscale;
            let b = y[i] * dot;
            // the pair (α, C − α): solve for the smaller-gradient side, as liblinear does
            let (mut z_old, sign) = if 0.5 * a * ((c - alpha[i]) - alpha[i]) + b < 0.0 {
                (c - alpha[i], -1.0)
            } else {
                (alpha[i], 1.0)
            };
            z_old = z_old.clamp(f64::MIN_POSITIVE, c);
            let mut z = z_old;
            if c - z < 0.5 * c {
                z *= 0.1;
            }
            let grad = |z: f64| a * (z - z_old) + sign * b + (z / (c - z)).ln();
            let mut gp = grad(z);
            g_max = g_max.max(gp.abs());
            let mut inner = 0;
            while inner <= 100 {
                if gp.abs() < inner_eps {
                    break;
                }
                let gpp = a + c / (c - z) / z;
                let t = z - gp / gpp;
                z = if t <= 0.0 { z * 0.1 } else { t };
                gp = grad(z);
                newton_steps += 1;
                inner += 1;
            }
            if inner > 0 {
                let new_alpha = if sign > 0.0 { z } else { c - z };
                let d = (new_alpha - alpha[i]) * y[i];
                alpha[i] = new_alpha;
                for (&j, &v) in cols.iter().zip(vals) {
                    w[j as usize] += d * v;
                }
                wb += d * bscale;
            }
        }
        if g_max < p.tol {
            break;
        }
        if newton_steps <= order.len() / 10 {
            inner_eps = inner_eps_min.max(0.1 * inner_eps);
        }
    }
    (w, wb * bscale, epochs, alpha)
}

/// Dual coordinate descent for `min_w ½‖w‖² + Σ C_i max(0, 1 − y_i w·x_i)²` (liblinear,
/// `L2R_L2LOSS_SVC_DUAL`, without shrinking), or with `p.loss` = [`Loss::Hinge`] for
/// `min_w ½‖w‖² + Σ C_i max(0, 1 − y_i w·x_i)` (`L2R_L1LOSS_SVC_DUAL`: no diagonal term, each
/// dual variable boxed in `[0, C_i]`), optionally warm-started from dual variables
/// `init`; rows where `active` is false are left out (their dual variable stays 0). Returns
/// (weights, intercept, epochs run, dual variables). Row values are read from `data` (same
/// layout as `x.data`, e.g. a rescaled copy), the sparsity pattern from `x`.
pub(super) fn dual_cd_l2loss(
    d: Dual<'_>,
    p: &LinearSvcParams,
    seed: u64,
) -> (Vec<f64>, f64, usize, Vec<f64>) {
    let Dual {
        x,
        data,
        sq_norms,
        y,
        sample_weight,
        init,
        active,
    } = d;
    let n = x.n_rows();
    let bscale = p.bias_feature();
    #[cfg(feature = "lab")]
    let hinge = p.loss == Loss::Hinge;
    #[cfg(not(feature = "lab"))]
    let hinge = false;
    let (diag, upper): (Vec<f64>, Vec<f64>) = sample_weight
        .iter()
        .map(|&s| {
            if hinge {
                (0.0, p.c * s)
            } else {
                (0.5 / (p.c * s), f64::INFINITY)
            }
        })
        .unzip();
    let qd: Vec<f64> = (0..n)
        .map(|i| sq_norms[i] + bscale * bscale + diag[i])
        .collect();
    let mut alpha = init.map_or_else(|| vec![0.0; n], <[f64]>::to_vec);
    // a warm start from another loss's solution may lie outside the box
    alpha
        .iter_mut()
        .zip(&upper)
        .for_each(|(a, &u)| *a = a.min(u));
    let nonzero: Vec<usize> = (0..n).filter(|&i| alpha[i] != 0.0).collect();
    // wb: the weight of the constant feature
    let (mut w, mut wb) = primal_of(x, data, y, &alpha, &nonzero, bscale);
    let mut order: Vec<usize> = (0..n).filter(|&i| active.is_none_or(|a| a[i])).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut epochs = 0;
    for _ in 0..p.max_iter {
        epochs += 1;
        order.shuffle(&mut rng);
        let mut pg_max = f64::NEG_INFINITY;
        let mut pg_min = f64::INFINITY;
        for &i in &order {
            let (cols, vals) = row_of(x, data, i);
            let mut dot = wb * bscale;
            for (&j, &v) in cols.iter().zip(vals) {
                dot += w[j as usize] * v;
            }
            let g = y[i] * dot - 1.0 + diag[i] * alpha[i];
            let pg = if alpha[i] == 0.0 {
                g.min(0.0)
            } else if alpha[i] >= upper[i] {
                g.max(0.0)
            } else {
                g
            };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 && qd[i] > 0.0 {
                let old = alpha[i];
                alpha[i] = (old - g / qd[i]).clamp(0.0, upper[i]);
                let d = (alpha[i] - old) * y[i];
                if d != 0.0 {
                    for (&j, &v) in cols.iter().zip(vals) {
                        w[j as usize] += d * v;
                    }
                    wb += d * bscale;
                }
            }
        }
        if pg_max - pg_min <= p.tol {
            break;
        }
    }
    (w, wb * bscale, epochs, alpha)
}
