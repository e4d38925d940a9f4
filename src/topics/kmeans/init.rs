//! k-means++ seeding.

use ndarray::{Array2, ArrayView2, s};
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::lloyd::sq_distances;

/// Greedy k-means++ (Arthur & Vassilvitskii 2007, scikit-learn's variant with `2 + ⌊ln k⌋`
/// candidates per step, keeping the one that lowers the potential most).
pub(super) fn kmeans_plusplus(
    x: ArrayView2<f64>,
    sq_norms: &[f64],
    k: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Array2<f64> {
    let (n, d) = (x.nrows(), x.ncols());
    let mut centers = Array2::zeros((k, d));
    let first = rng.gen_range(0..n);
    centers.row_mut(0).assign(&x.row(first));
    let closest = sq_distances(x, sq_norms, &centers.slice(s![0..1, ..]).to_owned())
        .column(0)
        .to_vec();
    greedy_steps(x, sq_norms, &mut centers, 1, closest, rng);
    centers
}

/// [`kmeans_plusplus`] continued from given first centers: the others are chosen as
/// k-means++ would after those.
pub(super) fn kmeans_plusplus_from(
    x: ArrayView2<f64>,
    sq_norms: &[f64],
    k: usize,
    fixed: ArrayView2<f64>,
    rng: &mut Xoshiro256PlusPlus,
) -> Array2<f64> {
    let m = fixed.nrows();
    if m == 0 {
        return kmeans_plusplus(x, sq_norms, k, rng);
    }
    let mut centers = Array2::zeros((k, x.ncols()));
    centers.slice_mut(s![0..m, ..]).assign(&fixed);
    let dist = sq_distances(x, sq_norms, &fixed.to_owned());
    let closest: Vec<f64> = (dist.rows().into_iter())
        .map(|r| r.iter().cloned().fold(f64::INFINITY, f64::min).max(0.0))
        .collect();
    greedy_steps(x, sq_norms, &mut centers, m, closest, rng);
    centers
}

/// The greedy k-means++ steps from center `from` on: each samples `2 + ⌊ln k⌋` candidates
/// proportionally to D² (`closest`: every row's squared distance to its nearest center so far)
/// and keeps the one that lowers the potential most.
fn greedy_steps(
    x: ArrayView2<f64>,
    sq_norms: &[f64],
    centers: &mut Array2<f64>,
    from: usize,
    mut closest: Vec<f64>,
    rng: &mut Xoshiro256PlusPlus,
) {
    let n = x.nrows();
    let trials = 2 + (centers.nrows() as f64).ln().floor() as usize;
    for c in from..centers.nrows() {
        let pot: f64 = closest.iter().sum();
        let mut cand = Vec::with_capacity(trials);
        for _ in 0..trials {
            let target = rng.r#gen::<f64>() * pot;
            let mut acc = 0.0;
            let mut pick = n - 1;
            for (i, &dd) in closest.iter().enumerate() {
                acc += dd;
                if acc > target {
                    pick = i;
                    break;
                }
            }
            cand.push(pick);
        }
        let cand_rows = x.select(ndarray::Axis(0), &cand);
        let dist = sq_distances(x, sq_norms, &cand_rows);
        let mut best = (f64::INFINITY, 0usize);
        for t in 0..cand.len() {
            let p: f64 = (closest.iter().zip(dist.column(t)))
                .map(|(&a, &b)| a.min(b))
                .sum();
            if p < best.0 {
                best = (p, t);
            }
        }
        centers.row_mut(c).assign(&x.row(cand[best.1]));
        for (a, &b) in closest.iter_mut().zip(dist.column(best.1)) {
            *a = a.min(b);
        }
    }
}
