//! The small dense linear algebra the SVD needs (no LAPACK on the machine): Gram matrices,
//! tall-by-small products, Cholesky QR, and a symmetric eigensolver.
//!
//! Determinism: reductions run over fixed-size row chunks added in order, so results are
//! bit-identical whatever the thread count.

use ndarray::{Array1, Array2, ArrayView2, Axis, s};
use rayon::prelude::*;

/// Rows per chunk in parallel dense reductions (fixed, so the summation order never depends
/// on the number of threads).
const CHUNK_ROWS: usize = 2048;

/// L2-normalises every row in place (zero rows stay zero). LSA output is usually re-normalised
/// before k-means, like scikit-learn's `Normalizer` after `TruncatedSVD`.
pub fn normalize_rows(a: &mut Array2<f64>) {
    let d = a.ncols().max(1);
    if let Some(sl) = a.as_slice_mut() {
        sl.par_chunks_mut(d).for_each(|row| {
            let n = row.iter().map(|v| v * v).sum::<f64>().sqrt();
            if n > 0.0 {
                row.iter_mut().for_each(|v| *v /= n);
            }
        });
    } else {
        for mut row in a.axis_iter_mut(Axis(0)) {
            let n = row.dot(&row).sqrt();
            if n > 0.0 {
                row.mapv_inplace(|v| v / n);
            }
        }
    }
}

/// `aᵀ·a` for a tall matrix, reduced over fixed row chunks in order (deterministic).
pub(crate) fn gram(a: ArrayView2<f64>) -> Array2<f64> {
    let l = a.ncols();
    let starts: Vec<usize> = (0..a.nrows()).step_by(CHUNK_ROWS).collect();
    let parts: Vec<Array2<f64>> = starts
        .par_iter()
        .map(|&s0| {
            let blk = a.slice(s![s0..(s0 + CHUNK_ROWS).min(a.nrows()), ..]);
            blk.t().dot(&blk)
        })
        .collect();
    let mut g = Array2::zeros((l, l));
    for p in parts {
        g += &p;
    }
    g
}

/// `a (tall) · b (small)`, parallel over row chunks.
pub(crate) fn par_matmul_small(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Array2<f64> {
    let (m, l) = (a.nrows(), b.ncols());
    let starts: Vec<usize> = (0..m).step_by(CHUNK_ROWS).collect();
    let parts: Vec<Array2<f64>> = starts
        .par_iter()
        .map(|&s0| a.slice(s![s0..(s0 + CHUNK_ROWS).min(m), ..]).dot(&b))
        .collect();
    let mut out = Array2::zeros((m, l));
    for (&s0, p) in starts.iter().zip(parts) {
        out.slice_mut(s![s0..s0 + p.nrows(), ..]).assign(&p);
    }
    out
}

/// Orthonormalises the columns of a tall matrix in place: Cholesky QR (`AᵀA = RᵀR`,
/// `A ← A·R⁻¹`) repeated `passes` times (two passes = CholeskyQR2, accurate to machine
/// precision for the condition numbers met here). If the Gram matrix is numerically singular
/// (rank deficiency) that pass falls back to its eigendecomposition, `A ← A·W·Λ^{-1/2}`, where
/// directions with eigenvalue below `1e-12·λ_max` become zero columns.
pub(crate) fn orthonormalize(a: &mut Array2<f64>, passes: usize) {
    for _ in 0..passes {
        let t = orthonormalizer(gram(a.view()));
        *a = par_matmul_small(a.view(), t.view());
    }
}

/// One pass of [`orthonormalize`] from the Gram matrix `g = AᵀA` alone: the small `T` with
/// `A·T` orthonormal (`R⁻¹`, or `W·Λ^{-1/2}` when `g` is numerically singular). Split out so
/// that rows held in several places can be orthonormalised from their merged Gram matrices.
pub(crate) fn orthonormalizer(g: Array2<f64>) -> Array2<f64> {
    match cholesky_inverse_upper(&g) {
        Some(t) => t,
        None => {
            let (evals, mut w) = jacobi_eigen(g);
            let lmax = evals.iter().cloned().fold(0.0, f64::max);
            for (i, &lam) in evals.iter().enumerate() {
                let f = if lam > 1e-12 * lmax && lam > 0.0 {
                    1.0 / lam.sqrt()
                } else {
                    0.0
                };
                w.column_mut(i).mapv_inplace(|v| v * f);
            }
            w
        }
    }
}

/// `R⁻¹` for the upper Cholesky factor of `g` (`g = RᵀR`), or `None` when a pivot is not
/// clearly positive (relative to the largest diagonal entry).
fn cholesky_inverse_upper(g: &Array2<f64>) -> Option<Array2<f64>> {
    let n = g.nrows();
    let dmax = (0..n).map(|i| g[[i, i]]).fold(0.0, f64::max);
    if dmax <= 0.0 {
        return None;
    }
    let mut r = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let mut d = g[[j, j]];
        for k in 0..j {
            d -= r[[k, j]] * r[[k, j]];
        }
        if d <= 1e-10 * dmax {
            return None;
        }
        let rjj = d.sqrt();
        r[[j, j]] = rjj;
        for i in (j + 1)..n {
            let mut v = g[[j, i]];
            for k in 0..j {
                v -= r[[k, j]] * r[[k, i]];
            }
            r[[j, i]] = v / rjj;
        }
    }
    // Inverse of upper-triangular R by back substitution, column by column.
    let mut inv = Array2::<f64>::zeros((n, n));
    for c in 0..n {
        inv[[c, c]] = 1.0 / r[[c, c]];
        for i in (0..c).rev() {
            let mut v = 0.0;
            for k in (i + 1)..=c {
                v += r[[i, k]] * inv[[k, c]];
            }
            inv[[i, c]] = -v / r[[i, i]];
        }
    }
    Some(inv)
}

/// Eigendecomposition of a symmetric matrix by cyclic Jacobi rotations.
/// Returns eigenvalues in descending order and the matching eigenvectors as columns.
pub(crate) fn jacobi_eigen(mut a: Array2<f64>) -> (Array1<f64>, Array2<f64>) {
    let n = a.nrows();
    let mut v = Array2::<f64>::eye(n);
    for _sweep in 0..100 {
        let mut off = 0.0;
        let mut diag = 0.0;
        for i in 0..n {
            diag += a[[i, i]] * a[[i, i]];
            for j in (i + 1)..n {
                off += a[[i, j]] * a[[i, j]];
            }
        }
        if off <= 1e-30 * diag || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in (p + 1)..n {
                let apq = a[[p, q]];
                if apq == 0.0 {
                    continue;
                }
                let app = a[[p, p]];
                let aqq = a[[q, q]];
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let sn = t * c;
                for r in 0..n {
                    let arp = a[[r, p]];
                    let arq = a[[r, q]];
                    a[[r, p]] = c * arp - sn * arq;
                    a[[r, q]] = sn * arp + c * arq;
                }
                for r in 0..n {
                    let apr = a[[p, r]];
                    let aqr = a[[q, r]];
                    a[[p, r]] = c * apr - sn * aqr;
                    a[[q, r]] = sn * apr + c * aqr;
                }
                a[[p, q]] = 0.0;
                a[[q, p]] = 0.0;
                for r in 0..n {
                    let vrp = v[[r, p]];
                    let vrq = v[[r, q]];
                    v[[r, p]] = c * vrp - sn * vrq;
                    v[[r, q]] = sn * vrp + c * vrq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[[j, j]].total_cmp(&a[[i, i]]).then(i.cmp(&j)));
    let evals = Array1::from_iter(order.iter().map(|&i| a[[i, i]]));
    let mut vecs = Array2::zeros((n, n));
    for (dst, &src) in order.iter().enumerate() {
        vecs.column_mut(dst).assign(&v.column(src));
    }
    (evals, vecs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::svd::gaussians;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn jacobi_reconstructs_symmetric_matrix() {
        let a = ndarray::arr2(&[[4.0, 1.0, 2.0], [1.0, 3.0, 0.5], [2.0, 0.5, 5.0]]);
        let (e, v) = jacobi_eigen(a.clone());
        assert!(e[0] >= e[1] && e[1] >= e[2]);
        let recon = v.dot(&Array2::from_diag(&e)).dot(&v.t());
        for (x, y) in recon.iter().zip(a.iter()) {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
        }
        let vtv = v.t().dot(&v);
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((vtv[[i, j]] - want).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn orthonormalize_gives_orthonormal_basis_of_same_span() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let a = Array2::from_shape_vec((50, 6), gaussians(&mut rng, 300)).unwrap();
        for (passes, tol) in [(1, 1e-9), (2, 1e-13)] {
            let mut q = a.clone();
            orthonormalize(&mut q, passes);
            let qtq = q.t().dot(&q);
            for i in 0..6 {
                for j in 0..6 {
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!(
                        (qtq[[i, j]] - want).abs() < tol,
                        "{passes}: {}",
                        qtq[[i, j]]
                    );
                }
            }
            // Same span: projecting A onto span(Q) gives A back.
            let back = q.dot(&q.t().dot(&a));
            for (x, y) in back.iter().zip(a.iter()) {
                assert!((x - y).abs() < 1e-9);
            }
        }
    }
}
