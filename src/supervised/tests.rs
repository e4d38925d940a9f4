//! Tests of the linear SVM: solvers, calibration, pooling, NBSVM.

use super::fit::log_count_ratio;
#[cfg(feature = "lab")]
use super::fit::row_sq_norms;
use super::linear::argmax;
#[cfg(feature = "lab")]
use super::solver::{Dual, dual_cd_l2loss};
use super::*;
use crate::linalg::CsrMatrix;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Check then fit, for the tests that build parameters inline.
trait CheckedFit {
    fn fit(&self, x: &CsrMatrix, y: &[usize], n: usize) -> params::Result<LinearModel>;
    fn fit_pooled(
        &self,
        x: &CsrMatrix,
        y: &[usize],
        sources: &[usize],
        n: usize,
        pooling: Pooling,
    ) -> params::Result<LinearModel>;
}

impl CheckedFit for LinearSvcParams {
    fn fit(&self, x: &CsrMatrix, y: &[usize], n: usize) -> params::Result<LinearModel> {
        self.clone().check()?.fit(x, y, n)
    }
    fn fit_pooled(
        &self,
        x: &CsrMatrix,
        y: &[usize],
        sources: &[usize],
        n: usize,
        pooling: Pooling,
    ) -> params::Result<LinearModel> {
        self.clone().check()?.fit_pooled(x, y, sources, n, pooling)
    }
}

/// Share of the rows of `x` that `m` labels as `y`.
fn accuracy(m: &LinearModel, x: &CsrMatrix, y: &[usize]) -> f64 {
    let pred = m.predict(x).unwrap();
    pred.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64
}

/// Accuracy of `p` fitted on 4 synthetic classes (seed `train`) on fresh ones (seed `test`).
#[cfg(feature = "lab")]
fn held_out_accuracy(p: &LinearSvcParams, train: u64, test: u64) -> f64 {
    let (x, y) = synthetic(4, 60, train);
    let (xt, yt) = synthetic(4, 40, test);
    accuracy(&p.fit(&x, &y, 4).unwrap(), &xt, &yt)
}

/// L2-normalised sparse rows for `k` classes: class `c` uses mostly features
/// `c*8 .. c*8+8`, plus shared noise features; `noise` flips that many rows' signal.
fn synthetic(k: usize, per_class: usize, seed: u64) -> (CsrMatrix, Vec<usize>) {
    use rand::Rng;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n_cols = k * 8 + 20;
    let mut x = CsrMatrix::empty(n_cols);
    let mut y = Vec::new();
    for i in 0..k * per_class {
        let c = i % k;
        let mut row: Vec<(u32, f64)> = Vec::new();
        for _ in 0..4 {
            row.push((
                (c * 8 + rng.gen_range(0..8)) as u32,
                rng.gen_range(0.5..1.5),
            ));
        }
        for _ in 0..3 {
            row.push((
                (k * 8 + rng.gen_range(0..20)) as u32,
                rng.gen_range(0.5..1.5),
            ));
        }
        row.sort_by_key(|e| e.0);
        row.dedup_by_key(|e| e.0);
        let norm = row.iter().map(|e| e.1 * e.1).sum::<f64>().sqrt();
        let cols: Vec<u32> = row.iter().map(|e| e.0).collect();
        let vals: Vec<f64> = row.iter().map(|e| e.1 / norm).collect();
        x.push_row(&cols, &vals);
        y.push(c);
    }
    (x, y)
}

#[test]
fn check_rejects_each_bad_parameter() {
    let ok = LinearSvcParams::default();
    assert!(ok.clone().check().is_ok());
    let e = |f: fn(&mut LinearSvcParams)| {
        let mut p = ok.clone();
        f(&mut p);
        p.check().unwrap_err()
    };
    assert_eq!(e(|p| p.c = 0.0), SupervisedError::InvalidC(0.0));
    assert!(matches!(
        e(|p| p.c = f64::NAN),
        SupervisedError::InvalidC(_)
    ));
    assert_eq!(e(|p| p.tol = -1.0), SupervisedError::InvalidTol(-1.0));
    assert_eq!(e(|p| p.max_iter = 0), SupervisedError::InvalidMaxIter);
    assert_eq!(
        e(|p| p.intercept_scaling = 0.0),
        SupervisedError::InvalidInterceptScaling(0.0)
    );
    assert_eq!(
        e(|p| p.calibration_holdout = 0.9),
        SupervisedError::InvalidCalibrationHoldout(0.9)
    );
    assert_eq!(
        e(|p| p.class_weight = ClassWeight::Explicit(vec![1.0, -1.0])),
        SupervisedError::InvalidClassWeights(vec![1.0, -1.0])
    );
}

#[test]
fn fit_rejects_bad_data() {
    let p = LinearSvcParams::default();
    let (x, y) = synthetic(3, 10, 1);
    assert_eq!(
        p.fit(&x, &y, 1).unwrap_err(),
        SupervisedError::TooFewClasses(1)
    );
    assert_eq!(
        p.fit(&x, &y[1..], 3).unwrap_err(),
        SupervisedError::LengthMismatch {
            rows: 30,
            labels: 29
        }
    );
    let mut bad = y.clone();
    bad[0] = 7;
    assert_eq!(
        p.fit(&x, &bad, 3).unwrap_err(),
        SupervisedError::LabelOutOfRange {
            label: 7,
            n_classes: 3
        }
    );
    assert_eq!(
        p.fit(&CsrMatrix::empty(5), &[], 3).unwrap_err(),
        SupervisedError::EmptyTrainingSet
    );
    let explicit = LinearSvcParams {
        class_weight: ClassWeight::Explicit(vec![1.0, 2.0]),
        ..p
    };
    assert_eq!(
        explicit.fit(&x, &y, 3).unwrap_err(),
        SupervisedError::ClassWeightsLength {
            got: 2,
            expected: 3
        }
    );
}

#[test]
fn learns_separable_classes_and_generalises() {
    let (x, y) = synthetic(4, 60, 7);
    let (xt, yt) = synthetic(4, 40, 99);
    let m = LinearSvcParams::default().fit(&x, &y, 4).unwrap();
    let acc = accuracy(&m, &xt, &yt);
    assert!(acc > 0.95, "held-out accuracy {acc}");
    assert!(m.n_iter.iter().all(|&it| it < 1000), "{:?}", m.n_iter);
    // single-row path agrees with the batch path
    for (r, &want) in m.predict(&xt).unwrap().iter().enumerate() {
        let (c, v) = xt.row(r);
        assert_eq!(m.predict_row(c, v), want);
    }
}

/// With a tight tolerance the dual optimum satisfies the KKT conditions of the primal:
/// `w = Σ α_i y_i x_i`, and the primal objective equals the dual one. We check the primal
/// gradient of one class is ≈ 0, which fails for a wrong update rule.
#[test]
fn primal_gradient_vanishes_at_solution() {
    let (x, y) = synthetic(3, 30, 3);
    let p = LinearSvcParams {
        c: 0.7,
        tol: 1e-10,
        max_iter: 100_000,
        calibration_holdout: 0.0,
        ..Default::default()
    };
    let m = p.fit(&x, &y, 3).unwrap();
    for c in 0..3 {
        let w = m.class_weights(c);
        let b = m.bias[c]; // intercept_scaling = 1: b is the constant feature's weight
        // gradient of ½(‖w‖² + b²) + C Σ max(0, 1 - y(w·x + b))²
        let mut gw = w.to_vec();
        let mut gb = b;
        for (r, &label) in y.iter().enumerate() {
            let yy = if label == c { 1.0 } else { -1.0 };
            let (cols, vals) = x.row(r);
            let f: f64 = cols
                .iter()
                .zip(vals)
                .map(|(&j, &v)| w[j as usize] * v)
                .sum::<f64>()
                + b;
            let slack = 1.0 - yy * f;
            if slack > 0.0 {
                for (&j, &v) in cols.iter().zip(vals) {
                    gw[j as usize] -= 2.0 * p.c * slack * yy * v;
                }
                gb -= 2.0 * p.c * slack * yy;
            }
        }
        let gnorm = (gw.iter().map(|g| g * g).sum::<f64>() + gb * gb).sqrt();
        assert!(gnorm < 1e-6, "class {c}: |grad| = {gnorm}");
    }
}

/// The calibrated fit warm-starts the final solve from a sub-fit; it must land on the same
/// optimum as a cold solve (fails if the warm-start weights disagree with the duals).
#[test]
fn warm_started_fit_matches_cold_fit() {
    let (x, y) = synthetic(3, 40, 8);
    let p = LinearSvcParams {
        tol: 1e-9,
        max_iter: 100_000,
        ..Default::default()
    };
    let warm = p.fit(&x, &y, 3).unwrap();
    let cold = LinearSvcParams {
        calibration_holdout: 0.0,
        ..p
    }
    .fit(&x, &y, 3)
    .unwrap();
    let diff = warm
        .weights
        .iter()
        .zip(&cold.weights)
        .chain(warm.bias.iter().zip(&cold.bias))
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(diff < 1e-6, "max |warm - cold| = {diff}");
    assert_ne!(warm.temperature, 1.0);
}

#[test]
fn deterministic_for_a_seed() {
    let (x, y) = synthetic(3, 40, 5);
    let p = LinearSvcParams {
        tol: 1e-2,
        ..Default::default()
    };
    let a = p.fit(&x, &y, 3).unwrap();
    let b = p.fit(&x, &y, 3).unwrap();
    assert_eq!(a, b);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let c = pool.install(|| p.fit(&x, &y, 3).unwrap());
    assert_eq!(a, c);
}

#[test]
fn probabilities_sum_to_one_and_temperature_is_fitted() {
    let (x, y) = synthetic(3, 50, 11);
    let m = LinearSvcParams::default().fit(&x, &y, 3).unwrap();
    assert!(m.temperature.is_finite() && m.temperature > 0.0);
    assert_ne!(m.temperature, 1.0);
    let p = m.predict_proba(&x).unwrap();
    let pred = m.predict(&x).unwrap();
    for (r, row) in p.chunks(3).enumerate() {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(argmax(row), pred[r]);
    }
    // the fitted temperature gives a lower held-out log-loss (against Platt's smoothed
    // targets, what the fit minimises) than T = 1, 100 or 0.01
    let (xv, yv) = synthetic(3, 50, 12);
    let mut m2 = m.clone();
    let t = m2.fit_temperature(&xv, &yv).unwrap();
    let n = yv.len() as f64;
    let (q_true, q_other) = ((n + 1.0) / (n + 2.0), 0.5 / (n + 2.0));
    let loss = |t: f64| {
        let mm = LinearModel {
            temperature: t,
            ..m2.clone()
        };
        let p = mm.predict_proba(&xv).unwrap();
        p.chunks(3)
            .zip(&yv)
            .map(|(r, &l)| {
                r.iter()
                    .enumerate()
                    .map(|(j, v)| -if j == l { q_true } else { q_other } * v.ln())
                    .sum::<f64>()
            })
            .sum::<f64>()
    };
    assert!(loss(t) <= loss(1.0) + 1e-9);
    assert!(loss(t) <= loss(100.0) + 1e-9);
    assert!(loss(t) <= loss(0.01) + 1e-9);
}

/// A handful of perfectly separated held-out rows used to drive `T` to its bound
/// (e^-7) and every probability to ≈ 1; Platt's smoothed targets cap the confidence near
/// `(n + 1) / (n + 2)`.
#[test]
fn temperature_from_few_rows_is_not_overconfident() {
    let (x, y) = synthetic(3, 40, 31);
    let mut m = LinearSvcParams {
        calibration_holdout: 0.0,
        ..Default::default()
    }
    .fit(&x, &y, 3)
    .unwrap();
    let (xh, yh) = synthetic(3, 1, 32); // 3 held-out rows, all classified right
    assert_eq!(m.predict(&xh).unwrap(), yh);
    let t = m.fit_temperature(&xh, &yh).unwrap();
    assert!(t > 1e-2, "T = {t}");
    let p = m.predict_proba(&xh).unwrap();
    let mean_true: f64 = p.chunks(3).zip(&yh).map(|(r, &l)| r[l]).sum::<f64>() / 3.0;
    // target (3 + 1) / (3 + 2) = 0.8
    assert!(
        (0.7..0.9).contains(&mean_true),
        "mean p(true) = {mean_true}"
    );
    assert!(p.iter().all(|&v| v < 0.99), "{p:?}");
}

/// Two sources: source 1 has no label 2 and files its label-2 rows under label 1 (as
/// AlArabiya files Middle East news under internationalNews). Plain one-vs-rest learns
/// "label-2 features mean label 1"; pooling should recover label 2.
#[test]
fn pooled_fit_recovers_a_label_one_source_lacks() {
    let (x, y) = synthetic(3, 60, 41);
    let sources: Vec<usize> = (0..y.len()).map(|i| (i / 3) % 2).collect();
    let y_pooled: Vec<usize> = y
        .iter()
        .zip(&sources)
        .map(|(&l, &s)| if s == 1 && l == 2 { 1 } else { l })
        .collect();
    let (xt, yt) = synthetic(3, 40, 42);
    let p = LinearSvcParams {
        calibration_holdout: 0.0,
        ..Default::default()
    };
    let recall2 = |m: &LinearModel| {
        let pr = m.predict(&xt).unwrap();
        let hit = pr
            .iter()
            .zip(&yt)
            .filter(|(a, b)| **b == 2 && a == b)
            .count();
        hit as f64 / yt.iter().filter(|&&l| l == 2).count() as f64
    };
    let plain = p.fit(&x, &y_pooled, 3).unwrap();
    let reliable = p
        .fit_pooled(&x, &y_pooled, &sources, 3, Pooling::ReliableNegatives)
        .unwrap();
    let (r0, r2) = (recall2(&plain), recall2(&reliable));
    assert!(r2 > r0, "plain {r0}, reliable {r2}");
    #[cfg(feature = "lab")]
    {
        let excl = p
            .fit_pooled(&x, &y_pooled, &sources, 3, Pooling::Exclude)
            .unwrap();
        let dropped = p
            .fit_pooled(&x, &y_pooled, &sources, 3, Pooling::DropAmbiguous)
            .unwrap();
        let (r1, r3) = (recall2(&excl), recall2(&dropped));
        assert!(r1 > r0 && r3 > r0, "plain {r0}, exclude {r1}, drop {r3}");
        assert_ne!(
            dropped, reliable,
            "the ambiguous rows left label 1's problem too"
        );
    }
    // one source, or every source using every label: the same model as `fit`
    let one = vec![0; y.len()];
    assert_eq!(
        p.fit_pooled(&x, &y, &one, 3, Pooling::ReliableNegatives)
            .unwrap(),
        p.fit(&x, &y, 3).unwrap()
    );
    assert_eq!(
        p.fit_pooled(&x, &y, &sources, 3, Pooling::ReliableNegatives)
            .unwrap(),
        p.fit(&x, &y, 3).unwrap()
    );
    assert!(
        p.fit_pooled(&x, &y, &one[1..], 3, Pooling::ReliableNegatives)
            .is_err()
    );
}

/// NBSVM: the log-count ratio is folded into the stored weights, so the model predicts
/// through the ordinary path; on data with class-specific features it still learns them.
#[cfg(feature = "lab")]
#[test]
fn hinge_loss_meets_its_kkt_conditions_and_learns() {
    let (x, y) = synthetic(3, 30, 5);
    let p = LinearSvcParams {
        c: 0.7,
        tol: 1e-10,
        max_iter: 100_000,
        calibration_holdout: 0.0,
        loss: Loss::Hinge,
        ..Default::default()
    };
    let yy: Vec<f64> = y.iter().map(|&l| if l == 0 { 1.0 } else { -1.0 }).collect();
    let ones = vec![1.0; y.len()];
    // warm start from outside the box: clipped into [0, C]
    let init = vec![5.0; y.len()];
    let sq = row_sq_norms(&x);
    let d = Dual {
        x: &x,
        data: &x.data,
        sq_norms: &sq,
        y: &yy,
        sample_weight: &ones,
        init: Some(&init),
        active: None,
    };
    let (w, b, _, alpha) = dual_cd_l2loss(d, &p, 1);
    for (i, &a) in alpha.iter().enumerate() {
        assert!((0.0..=p.c).contains(&a), "alpha {a}");
        let (cols, vals) = x.row(i);
        let f: f64 = cols
            .iter()
            .zip(vals)
            .map(|(&j, &v)| w[j as usize] * v)
            .sum::<f64>()
            + b;
        let m = yy[i] * f;
        // KKT of the hinge dual: margin < 1 ⇒ α = C; margin > 1 ⇒ α = 0
        if m < 1.0 - 1e-6 {
            assert!((a - p.c).abs() < 1e-9, "row {i}: margin {m}, alpha {a}");
        }
        if m > 1.0 + 1e-6 {
            assert!(a.abs() < 1e-9, "row {i}: margin {m}, alpha {a}");
        }
    }
    let acc = held_out_accuracy(
        &LinearSvcParams {
            loss: Loss::Hinge,
            ..Default::default()
        },
        8,
        98,
    );
    assert!(acc > 0.95, "held-out accuracy {acc}");
}

#[cfg(feature = "lab")]
#[test]
fn logistic_gradient_vanishes_at_solution() {
    let (x, y) = synthetic(3, 30, 4);
    let p = LinearSvcParams {
        c: 2.0,
        tol: 1e-10,
        max_iter: 100_000,
        calibration_holdout: 0.0,
        loss: Loss::Logistic,
        ..Default::default()
    };
    let m = p.fit(&x, &y, 3).unwrap();
    for c in 0..3 {
        let w = m.class_weights(c);
        let b = m.bias[c];
        // gradient of ½(‖w‖² + b²) + C Σ ln(1 + exp(−y(w·x + b)))
        let mut gw = w.to_vec();
        let mut gb = b;
        for (r, &label) in y.iter().enumerate() {
            let yy = if label == c { 1.0 } else { -1.0 };
            let (cols, vals) = x.row(r);
            let f: f64 = cols
                .iter()
                .zip(vals)
                .map(|(&j, &v)| w[j as usize] * v)
                .sum::<f64>()
                + b;
            let s = -p.c * yy / (1.0 + (yy * f).exp());
            for (&j, &v) in cols.iter().zip(vals) {
                gw[j as usize] += s * v;
            }
            gb += s;
        }
        let gnorm = (gw.iter().map(|g| g * g).sum::<f64>() + gb * gb).sqrt();
        assert!(gnorm < 1e-5, "class {c}: |grad| = {gnorm}");
    }
    // the library's path (calibration split, warm start, NB scaling, pooling) learns too
    let acc = held_out_accuracy(
        &LinearSvcParams {
            loss: Loss::Logistic,
            c: 1.0,
            nb_smoothing: Some(4.0),
            ..Default::default()
        },
        9,
        97,
    );
    assert!(acc > 0.95, "held-out accuracy {acc}");
}

#[test]
fn nb_interpolation_adds_the_naive_bayes_score() {
    let (x, y) = synthetic(4, 60, 61);
    let base = LinearSvcParams {
        nb_smoothing: Some(1.0),
        calibration_holdout: 0.0,
        ..Default::default()
    };
    let full = base.fit(&x, &y, 4).unwrap();
    let beta = 0.25;
    let half = LinearSvcParams {
        nb_interpolation: Some(beta),
        ..base.clone()
    }
    .fit(&x, &y, 4)
    .unwrap();
    // same bias; weights β·w + (1 − β)·w̄·r, with w̄ the mean |w| in the scaled space
    assert_eq!(full.bias, half.bias);
    for c in 0..4 {
        let yy: Vec<f64> = y.iter().map(|&l| if l == c { 1.0 } else { -1.0 }).collect();
        let r = log_count_ratio(&x, &yy, None, 1.0);
        let scaled: Vec<f64> = full
            .class_weights(c)
            .iter()
            .zip(&r)
            .map(|(w, r)| if *r == 0.0 { 0.0 } else { w / r })
            .collect();
        let mean_abs = scaled.iter().map(|v| v.abs()).sum::<f64>() / scaled.len() as f64;
        for (j, (&h, &f)) in half
            .class_weights(c)
            .iter()
            .zip(full.class_weights(c))
            .enumerate()
        {
            let want = beta * f + (1.0 - beta) * mean_abs * r[j];
            assert!(
                (h - want).abs() < 1e-9,
                "class {c} feature {j}: {h} vs {want}"
            );
        }
    }
    for bad in [0.0, -0.5, 1.5, f64::NAN] {
        let p = LinearSvcParams {
            nb_interpolation: Some(bad),
            ..Default::default()
        };
        assert!(p.check().is_err(), "{bad}");
    }
}

#[test]
fn nb_scaled_fit_learns_and_folds_the_ratio() {
    let (x, y) = synthetic(4, 60, 51);
    let (xt, yt) = synthetic(4, 40, 52);
    let m = LinearSvcParams {
        nb_smoothing: Some(1.0),
        ..Default::default()
    }
    .fit(&x, &y, 4)
    .unwrap();
    let acc = accuracy(&m, &xt, &yt);
    assert!(acc > 0.95, "held-out accuracy {acc}");
    let r = log_count_ratio(
        &x,
        &y.iter()
            .map(|&l| if l == 0 { 1.0 } else { -1.0 })
            .collect::<Vec<_>>(),
        None,
        1.0,
    );
    // class 0's own features (0..8) carry positive ratios, other classes' negative ones
    assert!(r[..8].iter().all(|&v| v > 0.0) && r[8..32].iter().all(|&v| v < 0.0));
    assert!(
        LinearSvcParams {
            nb_smoothing: Some(-1.0),
            ..Default::default()
        }
        .check()
        .is_err()
    );
}

#[test]
fn top_features_are_the_largest_positive_contributions() {
    let (x, y) = synthetic(3, 40, 13);
    let m = LinearSvcParams::default().fit(&x, &y, 3).unwrap();
    let (cols, vals) = x.row(0);
    let (class, top) = m.top_features(cols, vals, 3);
    assert_eq!(class, m.predict_row(cols, vals));
    assert!(!top.is_empty() && top.len() <= 3);
    let w = m.class_weights(class);
    let mut all: Vec<f64> = cols
        .iter()
        .zip(vals)
        .map(|(&j, &v)| w[j as usize] * v)
        .filter(|s| *s > 0.0)
        .collect();
    all.sort_by(|a, b| b.total_cmp(a));
    for (i, (j, s)) in top.iter().enumerate() {
        assert_eq!(*s, all[i]);
        let pos = cols.iter().position(|c| c == j).unwrap();
        assert_eq!(*s, w[*j as usize] * vals[pos]);
    }
    // the class's own signal features dominate
    assert!(top[0].0 < 24);
}

#[test]
fn balanced_weights_help_a_minority_class() {
    // class 1 is rare: 5 rows vs 100; balanced weighting should not lower its recall
    let (x, y) = synthetic(2, 100, 21);
    let keep: Vec<usize> = (0..x.n_rows())
        .filter(|&r| y[r] == 0 || r % 40 == 1)
        .collect();
    let xs = x.select_rows(&keep);
    let ys: Vec<usize> = keep.iter().map(|&r| y[r]).collect();
    let (xt, yt) = synthetic(2, 100, 22);
    let recall1 = |p: LinearSvcParams| {
        let m = p.fit(&xs, &ys, 2).unwrap();
        let pr = m.predict(&xt).unwrap();
        let hit = pr
            .iter()
            .zip(&yt)
            .filter(|(a, b)| **b == 1 && a == b)
            .count();
        hit as f64 / yt.iter().filter(|&&l| l == 1).count() as f64
    };
    let base = LinearSvcParams {
        c: 0.05,
        class_weight: ClassWeight::Uniform,
        calibration_holdout: 0.0,
        ..Default::default()
    };
    let r_uniform = recall1(base.clone());
    let r_bal = recall1(LinearSvcParams {
        class_weight: ClassWeight::Balanced,
        ..base
    });
    assert!(r_bal > r_uniform, "balanced {r_bal} vs uniform {r_uniform}");
}

#[test]
fn serde_round_trip_and_feature_mismatch() {
    let (x, y) = synthetic(3, 20, 4);
    let m = LinearSvcParams::default().fit(&x, &y, 3).unwrap();
    let s = serde_json::to_string(&m).unwrap();
    let back: LinearModel = serde_json::from_str(&s).unwrap();
    assert_eq!(m, back);
    assert_eq!(
        m.predict(&CsrMatrix::empty(3)).unwrap_err(),
        SupervisedError::FeatureMismatch {
            got: 3,
            expected: x.n_cols
        }
    );
}

#[test]
fn same_model_in_memory_or_spilled_on_one_or_two_threads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let spill_parent = tempfile::tempdir().unwrap();
    let tiny = Budget {
        bytes: 1024,
        dir: spill_parent.path().to_path_buf(),
    };
    let params = SupervisedParams::new().check().unwrap();
    let train = |threads: usize, budget: &Budget, chunk: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let reader = crate::CorpusReader::new();
            let mut stream = reader.stream(&[&root]).unwrap().chunk_bytes(chunk);
            let mut model = params
                .fit_source(&mut stream, budget, &Silent)
                .unwrap()
                .model;
            model.facts.trained_on.clear();
            crate::model::file::encode(&model).unwrap()
        })
    };
    let whole = train(2, &Budget::default(), usize::MAX);
    assert!(
        train(1, &tiny, 4096) == whole,
        "spilled, one thread, small chunks"
    );
    assert!(train(2, &tiny, usize::MAX) == whole, "spilled, two threads");
    assert_eq!(std::fs::read_dir(spill_parent.path()).unwrap().count(), 0);
}

/// A model file stores an enum variant by its position among the variants the build has: the
/// variants every build has come first, so that a build with the `lab` feature (a workspace
/// build unifies it into the command) writes files every build reads. Runs with and without it.
#[test]
fn stored_variants_do_not_depend_on_the_build_features() {
    fn index<T: serde::Serialize>(v: &T) -> Vec<u8> {
        bincode::serde::encode_to_vec(v, bincode::config::standard()).unwrap()
    }
    assert_eq!(index(&Pooling::ReliableNegatives), [0]);
    assert_eq!(index(&Loss::SquaredHinge), [0]);
    assert_eq!(index(&crate::topics::TopWords::LogOdds), [0]);
}
