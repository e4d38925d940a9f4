//! Choosing k over a range: the cosine silhouette and inertia of each k's k-means.

use ndarray::{ArrayView2, s};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::kmeans::{KMeansError, KMeansParams};
use crate::progress::Progress;

/// Rows used by [`silhouette_cosine`] at most; above it a deterministic sample is taken.
pub const SILHOUETTE_SAMPLE: usize = 4000;

/// Mean silhouette coefficient with cosine distance (`1 − cos`), as scikit-learn's
/// `silhouette_score(x, labels, metric="cosine")`. Above [`SILHOUETTE_SAMPLE`] rows it is
/// computed on a sample of that size drawn without replacement with a `Xoshiro256PlusPlus`
/// seeded by `seed` (like scikit-learn's `sample_size`: both the scored points and their
/// neighbours come from the sample). Points alone in their cluster score 0. Returns 0 when
/// fewer than 2 clusters are present.
pub fn silhouette_cosine(
    x: ArrayView2<f64>,
    labels: &[usize],
    seed: u64,
) -> Result<f64, KMeansError> {
    if labels.len() != x.nrows() {
        return Err(KMeansError::LengthMismatch {
            labels: labels.len(),
            rows: x.nrows(),
        });
    }
    let n = x.nrows();
    let idx: Vec<usize> = if n > SILHOUETTE_SAMPLE {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut all: Vec<usize> = (0..n).collect();
        // Partial Fisher–Yates.
        for i in 0..SILHOUETTE_SAMPLE {
            let j = rng.gen_range(i..n);
            all.swap(i, j);
        }
        all.truncate(SILHOUETTE_SAMPLE);
        all
    } else {
        (0..n).collect()
    };
    let mut xs = x.select(ndarray::Axis(0), &idx);
    crate::linalg::normalize_rows(&mut xs);
    let ls: Vec<usize> = idx.iter().map(|&i| labels[i]).collect();
    let k = ls.iter().copied().max().map_or(0, |m| m + 1);
    let mut sizes = vec![0usize; k];
    for &l in &ls {
        sizes[l] += 1;
    }
    if sizes.iter().filter(|&&c| c > 0).count() < 2 {
        return Ok(0.0);
    }
    let m = xs.nrows();
    let starts: Vec<usize> = (0..m).step_by(256).collect();
    let parts: Vec<Vec<f64>> = starts
        .par_iter()
        .map(|&s0| {
            let e = (s0 + 256).min(m);
            let sims = xs.slice(s![s0..e, ..]).dot(&xs.t());
            let mut out = Vec::with_capacity(e - s0);
            for (ii, row) in sims.rows().into_iter().enumerate() {
                let i = s0 + ii;
                let mut sum = vec![0.0; k];
                for (j, &sv) in row.iter().enumerate() {
                    if j != i {
                        sum[ls[j]] += (1.0 - sv).max(0.0);
                    }
                }
                let own = ls[i];
                if sizes[own] <= 1 {
                    out.push(0.0);
                    continue;
                }
                let a = sum[own] / (sizes[own] - 1) as f64;
                let b = (0..k)
                    .filter(|&c| c != own && sizes[c] > 0)
                    .map(|c| sum[c] / sizes[c] as f64)
                    .fold(f64::INFINITY, f64::min);
                let den = a.max(b);
                out.push(if den > 0.0 { (b - a) / den } else { 0.0 });
            }
            out
        })
        .collect();
    let total: f64 = parts.iter().flatten().sum();
    Ok(total / m as f64)
}

/// One row of [`scan_k`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KScore {
    pub k: usize,
    pub silhouette: f64,
    pub inertia: f64,
}

/// Fits k-means for every k in `ks` (other parameters from `base`) and reports the cosine
/// silhouette and inertia of each, to choose k (higher silhouette is better).
pub fn scan_k(
    x: ArrayView2<f64>,
    ks: impl IntoIterator<Item = usize>,
    base: &KMeansParams,
    progress: &dyn Progress,
) -> Result<Vec<KScore>, KMeansError> {
    let mut out = Vec::new();
    for k in ks {
        let fit = KMeansParams { k, ..base.clone() }.check()?.fit(x)?;
        let silhouette = silhouette_cosine(x, &fit.labels, base.seed)?;
        out.push(KScore {
            k,
            silhouette,
            inertia: fit.inertia,
        });
        progress.advance(1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::kmeans::tests::blobs;

    #[test]
    fn silhouette_matches_hand_computation() {
        // Four 2-D points, two clusters. Cosine distances computed by hand below.
        let x = ndarray::arr2(&[[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [-1.0, 1.0]]);
        let labels = [0, 0, 1, 1];
        let r = std::f64::consts::FRAC_1_SQRT_2;
        let d = |a: usize, b: usize| {
            let (u, v) = (x.row(a), x.row(b));
            let (uu, vv): (f64, f64) = (u.dot(&u), v.dot(&v));
            1.0 - u.dot(&v) / (uu.sqrt() * vv.sqrt())
        };
        assert!((d(0, 1) - (1.0 - r)).abs() < 1e-15);
        let mut want = 0.0;
        for i in 0..4 {
            let own: Vec<usize> = (0..4)
                .filter(|&j| j != i && labels[j] == labels[i])
                .collect();
            let other: Vec<usize> = (0..4).filter(|&j| labels[j] != labels[i]).collect();
            let a = own.iter().map(|&j| d(i, j)).sum::<f64>() / own.len() as f64;
            let b = other.iter().map(|&j| d(i, j)).sum::<f64>() / other.len() as f64;
            want += (b - a) / a.max(b);
        }
        want /= 4.0;
        let got = silhouette_cosine(x.view(), &labels, 0).unwrap();
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        // scikit-learn 1.5.2: silhouette_score(X, [0,0,1,1], metric="cosine") = 0.6652648927846256
        assert!((got - 0.6652648927846256).abs() < 1e-12);
    }

    #[test]
    fn scan_k_prefers_true_k() {
        let (x, _) = blobs(4, 40, 12, 0.3, 3);
        let table = scan_k(
            x.view(),
            2..=6,
            &KMeansParams::new(2),
            &crate::progress::Silent,
        )
        .unwrap();
        assert_eq!(table.len(), 5);
        let best = table
            .iter()
            .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette))
            .unwrap();
        assert_eq!(best.k, 4, "{table:?}");
        // Inertia falls as k grows.
        assert!(
            table
                .windows(2)
                .all(|w| w[1].inertia <= w[0].inertia + 1e-9)
        );
    }
}
