//! Lloyd's iterations with Hamerly's bounds, and the per-cluster sums they share.

use ndarray::{Array2, ArrayView2, s};
use rayon::prelude::*;

use super::RunInfo;
use super::sums::{ClusterSums, SUM_BLOCK_ROWS};

/// Rows per block in parallel loops (fixed, so reductions are deterministic).
const BLOCK: usize = 1024;

/// Squared distances of every row to every centroid (n × k): `‖x‖² − 2·x·c + ‖c‖²`, the
/// products computed block by block in parallel. A direct dot-product kernel is used instead of
/// a general matrix product: with k of a few to a few dozen, packing the row block for a GEMM
/// costs more than the product itself (measured with perf on ANT: 14 % of the pipeline in
/// `matrixmultiply::packing`).
pub(super) fn sq_distances(x: ArrayView2<f64>, sq_norms: &[f64], c: &Array2<f64>) -> Array2<f64> {
    let c = c.as_standard_layout();
    let c_norms: Vec<f64> = c.rows().into_iter().map(|r| r.dot(&r)).collect();
    let (n, k, d) = (x.nrows(), c.nrows(), c.ncols());
    let xs = x.as_slice().expect("standard layout");
    let cs = c.as_slice().expect("standard layout");
    let mut out = Array2::zeros((n, k));
    if k == 0 || n == 0 {
        return out;
    }
    out.as_slice_mut()
        .expect("standard layout")
        .par_chunks_mut(k * BLOCK)
        .enumerate()
        .for_each(|(b, o)| {
            let s0 = b * BLOCK;
            for (i, orow) in o.chunks_mut(k).enumerate() {
                let xr = &xs[(s0 + i) * d..(s0 + i + 1) * d];
                for (j, ov) in orow.iter_mut().enumerate() {
                    let dot = dot4(xr, &cs[j * d..(j + 1) * d]);
                    *ov = (sq_norms[s0 + i] - 2.0 * dot + c_norms[j]).max(0.0);
                }
            }
        });
    out
}

/// Dot product with four independent accumulators (vectorises; fixed summation order).
#[inline]
pub(super) fn dot4(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for t in 0..4 {
            acc[t] += x[t] * y[t];
        }
    }
    let mut s = (acc[0] + acc[2]) + (acc[1] + acc[3]);
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

pub(super) fn assign(dist: &Array2<f64>) -> (Vec<usize>, Vec<f64>) {
    let mut labels = Vec::with_capacity(dist.nrows());
    let mut d = Vec::with_capacity(dist.nrows());
    for row in dist.rows() {
        let mut b = 0;
        for (j, &v) in row.iter().enumerate() {
            if v < row[b] {
                b = j;
            }
        }
        labels.push(b);
        d.push(row[b]);
    }
    (labels, d)
}

/// Per-point state of [`lloyd`]: the label and Hamerly's bounds (Euclidean distances).
#[derive(Clone, Copy)]
struct Bounds {
    label: usize,
    /// At least the distance to the assigned centroid.
    upper: f64,
    /// At most the distance to every other centroid.
    lower: f64,
}

/// Lloyd's k-means with Hamerly's (2010) bounds: a point is only measured against all
/// centroids when its bounds cannot prove its label unchanged. The labels, centroids and
/// iterations are Lloyd's (up to ties between equidistant centroids); on all of ANT (k = 6,
/// 100 dimensions) most points skip the k distance computations after a few iterations.
/// `lloyd_plain` in the tests is the reference it is checked against.
pub(super) fn lloyd(
    x: ArrayView2<f64>,
    sq_norms: &[f64],
    mut centroids: Array2<f64>,
    max_iter: usize,
    tol: f64,
    seed: u64,
) -> (Array2<f64>, Vec<usize>, RunInfo) {
    let k = centroids.nrows();
    let n = x.nrows();
    let mut state = vec![
        Bounds {
            label: usize::MAX,
            upper: f64::INFINITY,
            lower: 0.0,
        };
        n
    ];
    let mut fresh = true; // bounds unknown: measure every point against every centroid
    let mut converged = false;
    let mut n_iter = 0;
    for it in 0..max_iter {
        n_iter = it + 1;
        let changed = hamerly_assign(x, sq_norms, &centroids, &mut state, fresh);
        fresh = false;
        if changed == 0 {
            converged = true;
            break;
        }
        let labels: Vec<usize> = state.iter().map(|b| b.label).collect();
        let ClusterSums {
            mut sums,
            mut counts,
            ..
        } = cluster_sums(x, &labels, k);
        // Empty clusters: relocate to the points farthest from their centroid (as scikit-learn).
        let empty: Vec<usize> = (0..k).filter(|&j| counts[j] == 0).collect();
        if !empty.is_empty() {
            let (labels, mind) = assign(&sq_distances(x, sq_norms, &centroids));
            let mut far: Vec<usize> = (0..n).collect();
            far.sort_by(|&a, &b| mind[b].total_cmp(&mind[a]).then(a.cmp(&b)));
            // Only points whose cluster keeps at least one other member are moved.
            let mut far = far.into_iter();
            for &e in &empty {
                let Some(i) = far.find(|&i| counts[labels[i]] > 1) else {
                    break;
                };
                let old = state[i].label;
                sums.row_mut(old).scaled_add(-1.0, &x.row(i));
                counts[old] -= 1;
                sums.row_mut(e).assign(&x.row(i));
                counts[e] = 1;
                state[i].label = e;
            }
            fresh = true;
        }
        let mut shift = 0.0;
        let mut moved = vec![0.0f64; k];
        for (j, &cnt) in counts.iter().enumerate() {
            if cnt == 0 {
                continue;
            }
            let new = sums.row(j).mapv(|v| v / cnt as f64);
            let sq = (&new - &centroids.row(j)).mapv(|v| v * v).sum();
            shift += sq;
            moved[j] = sq.sqrt();
            centroids.row_mut(j).assign(&new);
        }
        // Bounds follow the centroids: the assigned one moved by moved[a], any other by at
        // most the largest move among the others.
        let (mut m1, mut m2, mut arg) = (0.0f64, 0.0f64, usize::MAX);
        for (j, &m) in moved.iter().enumerate() {
            if m > m1 {
                (m2, m1, arg) = (m1, m, j);
            } else if m > m2 {
                m2 = m;
            }
        }
        state.par_iter_mut().for_each(|b| {
            if b.label < k {
                b.upper += moved[b.label];
                b.lower -= if b.label == arg { m2 } else { m1 };
            }
        });
        if shift <= tol {
            converged = true;
            // Final assignment against the updated centroids.
            hamerly_assign(x, sq_norms, &centroids, &mut state, fresh);
            break;
        }
    }
    let labels: Vec<usize> = state.iter().map(|b| b.label).collect();
    let inertia = inertia_of(x, &centroids, &labels);
    (
        centroids,
        labels,
        RunInfo {
            seed,
            n_iter,
            converged,
            inertia,
        },
    )
}

/// Per-cluster sums of the rows and member counts: blocks of [`SUM_BLOCK_ROWS`] rows summed
/// in parallel, their statistics added in block order (deterministic whatever the thread
/// count, and what a distributed run computes block by block).
pub(crate) fn cluster_sums(x: ArrayView2<f64>, labels: &[usize], k: usize) -> ClusterSums {
    let starts: Vec<usize> = (0..x.nrows()).step_by(SUM_BLOCK_ROWS).collect();
    let parts: Vec<ClusterSums> = starts
        .par_iter()
        .map(|&s0| {
            let end = (s0 + SUM_BLOCK_ROWS).min(x.nrows());
            ClusterSums::of_labels(x.slice(s![s0..end, ..]), &labels[s0..end], k)
        })
        .collect();
    let mut all = ClusterSums::zeros(k, x.ncols());
    for p in &parts {
        all.merge(p);
    }
    all
}

/// One assignment step with Hamerly's test; returns how many labels changed. With `fresh`
/// every point is measured against every centroid.
fn hamerly_assign(
    x: ArrayView2<f64>,
    sq_norms: &[f64],
    c: &Array2<f64>,
    state: &mut [Bounds],
    fresh: bool,
) -> usize {
    let (k, d) = c.dim();
    let c = c.as_standard_layout();
    let cs = c.as_slice().expect("standard layout");
    let c_norms: Vec<f64> = c.rows().into_iter().map(|r| r.dot(&r)).collect();
    // Half the distance from each centroid to its nearest other centroid: a point closer
    // than that to its own centroid cannot be closer to another.
    let half_gap: Vec<f64> = (0..k)
        .map(|j| {
            (0..k)
                .filter(|&o| o != j)
                .map(|o| {
                    let dot = dot4(&cs[j * d..(j + 1) * d], &cs[o * d..(o + 1) * d]);
                    (c_norms[j] - 2.0 * dot + c_norms[o]).max(0.0).sqrt()
                })
                .fold(f64::INFINITY, f64::min)
                / 2.0
        })
        .collect();
    let xs = x.as_slice().expect("standard layout");
    // Same formula as `sq_distances`, so measured distances agree with plain Lloyd's.
    let dist = |i: usize, j: usize| {
        let dot = dot4(&xs[i * d..(i + 1) * d], &cs[j * d..(j + 1) * d]);
        (sq_norms[i] - 2.0 * dot + c_norms[j]).max(0.0)
    };
    state
        .par_chunks_mut(BLOCK)
        .enumerate()
        .map(|(blk, chunk)| {
            let mut changed = 0;
            for (o, b) in chunk.iter_mut().enumerate() {
                let i = blk * BLOCK + o;
                if !fresh {
                    let bound = half_gap[b.label].max(b.lower);
                    if b.upper <= bound {
                        continue;
                    }
                    b.upper = dist(i, b.label).sqrt();
                    if b.upper <= bound {
                        continue;
                    }
                }
                let (mut best, mut d1, mut d2) = (0, f64::INFINITY, f64::INFINITY);
                for j in 0..k {
                    let dj = dist(i, j);
                    if dj < d1 {
                        (d2, d1, best) = (d1, dj, j);
                    } else if dj < d2 {
                        d2 = dj;
                    }
                }
                if best != b.label {
                    changed += 1;
                }
                *b = Bounds {
                    label: best,
                    upper: d1.sqrt(),
                    lower: d2.sqrt(),
                };
            }
            changed
        })
        .sum()
}

pub(super) fn inertia_of(x: ArrayView2<f64>, c: &Array2<f64>, labels: &[usize]) -> f64 {
    x.rows()
        .into_iter()
        .zip(labels)
        .map(|(r, &l)| (&r - &c.row(l)).mapv(|v| v * v).sum())
        .sum()
}
