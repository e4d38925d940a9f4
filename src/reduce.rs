//! Truncated SVD (latent semantic analysis) computed directly from the sparse TF-IDF matrix.
//!
//! Randomized range finder of Halko, Martinsson & Tropp (2011), as in scikit-learn's
//! `randomized_svd`: a Gaussian test matrix Ω (n_terms × (k + oversamples)) from a seeded
//! `Xoshiro256PlusPlus`, `Y = X·Ω`, `n_iter` power iterations `Y ← X·(Xᵀ·Y)` with
//! re-orthonormalisation of every intermediate block, then the SVD of the small matrix
//! `B = Qᵀ·X` through the symmetric eigendecomposition of `B·Bᵀ` (cyclic Jacobi, no LAPACK).
//! Components are sign-fixed like scikit-learn's `svd_flip(u_based_decision=False)`: the
//! largest-magnitude entry of every component is positive.
//!
//! Determinism: every parallel loop writes disjoint outputs or reduces fixed-size chunks in a
//! fixed order, so results are bit-identical for a fixed seed whatever the thread count.

use ndarray::{Array1, Array2, ArrayView2, Axis, s};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::sparse::CsrMatrix;

/// Rows per chunk in parallel dense reductions (fixed, so the summation order never depends
/// on the number of threads).
const CHUNK_ROWS: usize = 2048;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ReduceError {
    #[error("n_components must be at least 1")]
    ZeroComponents,
    #[error("n_components = {n_components} exceeds min(n_docs, n_terms) = {max}")]
    TooManyComponents { n_components: usize, max: usize },
    #[error("input has {got} columns but the SVD was fitted on {expected}")]
    ColumnMismatch { expected: usize, got: usize },
}

/// Hyper-parameters of [`Svd::fit`]; validate with [`SvdParams::check`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SvdParams {
    /// Number of LSA dimensions kept.
    pub n_components: usize,
    /// Extra random directions sampled beyond `n_components` (scikit-learn: 10).
    pub n_oversamples: usize,
    /// Power iterations (scikit-learn's `TruncatedSVD` default: 5).
    pub n_iter: usize,
    pub seed: u64,
    /// A matrix whose smaller side (documents or terms) is at most this gets the exact SVD:
    /// the range finder samples the whole space, so the result does not depend on the random
    /// start. Cheap there, and on small corpora the start mattered: on data/ (111 documents)
    /// the topics changed with the seed through the LSA alone (NMI 0.59–0.79 over five seeds).
    #[serde(default = "default_exact_max")]
    pub exact_max: usize,
}

fn default_exact_max() -> usize {
    500
}

impl Default for SvdParams {
    fn default() -> Self {
        SvdParams {
            n_components: 100,
            n_oversamples: 10,
            n_iter: 5,
            seed: 42,
            exact_max: default_exact_max(),
        }
    }
}

/// Parameters that passed [`SvdParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidSvdParams(SvdParams);

impl ValidSvdParams {
    pub fn params(&self) -> &SvdParams {
        &self.0
    }
}

impl SvdParams {
    pub fn check(self) -> Result<ValidSvdParams, ReduceError> {
        if self.n_components == 0 {
            return Err(ReduceError::ZeroComponents);
        }
        Ok(ValidSvdParams(self))
    }
}

/// A fitted truncated SVD: projects TF-IDF rows onto `components` (k × n_terms).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Svd {
    /// Right singular vectors, one per row, orthonormal (k × n_terms).
    pub components: Array2<f64>,
    /// Singular values, descending.
    pub singular_values: Vec<f64>,
}

impl Svd {
    /// Fits the SVD on `x` and returns it with the projection `x · componentsᵀ` of the training rows.
    pub fn fit_transform(
        params: &ValidSvdParams,
        x: &CsrMatrix,
    ) -> Result<(Svd, Array2<f64>), ReduceError> {
        let (svd, xp, comp_p) = Svd::fit_permuted(params, x)?;
        // Projected in the permuted column order, where it reads memory in order.
        let ct = comp_p.t().as_standard_layout().into_owned();
        Ok((svd, spmm(&xp, ct.view())))
    }

    /// Fits the SVD on `x` (rows = documents).
    pub fn fit(params: &ValidSvdParams, x: &CsrMatrix) -> Result<Svd, ReduceError> {
        Svd::fit_permuted(params, x).map(|r| r.0)
    }

    /// The fit, done on `x` with its columns ordered by decreasing number of non-zeros (see
    /// [`permute_columns`]); returns the SVD in the original order, the permuted matrix and the
    /// components in permuted order.
    fn fit_permuted(
        params: &ValidSvdParams,
        x: &CsrMatrix,
    ) -> Result<(Svd, CsrMatrix, Array2<f64>), ReduceError> {
        let p = &params.0;
        let (m, n) = (x.n_rows(), x.n_cols);
        let max = m.min(n);
        if p.n_components > max {
            return Err(ReduceError::TooManyComponents {
                n_components: p.n_components,
                max,
            });
        }
        let k = p.n_components;
        let l = if max <= p.exact_max {
            max
        } else {
            (k + p.n_oversamples).min(max)
        };
        let (xp, order, nnz_p) = permute_columns(x);
        let parts = TermParts::new(&nnz_p, rayon::current_num_threads() * 2);

        // Gaussian test matrix, drawn row by row (n × l) from one seeded stream.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(p.seed);
        let omega: Vec<f32> = gaussians(&mut rng, n * l)
            .into_iter()
            .map(|v| v as f32)
            .collect();

        // The range finder only needs a basis of the dominant subspace, so its products run
        // in f32 (half the memory traffic of these memory-bound products). The orthonormal
        // bases, B = Qᵀ·X and its eigenproblem stay f64, so the SVD within the found subspace
        // is exact (sampling the whole column space still gives the exact SVD, tested below).
        // Full-ANT topic training: 9.2 → 6.2–6.8 s user time with the column order below,
        // NMI unchanged (0.503).
        let mut q = f32::widen(spmm_rows(&xp, &omega, l), m, l); // m × l
        drop(omega);
        for _ in 0..p.n_iter {
            orthonormalize(&mut q, 1);
            let mut z = f32::widen(spmm_t(&xp, &parts, &to_f32(&q), l), n, l); // n × l
            orthonormalize(&mut z, 1);
            q = f32::widen(spmm_rows(&xp, &to_f32(&z), l), m, l);
        }
        orthonormalize(&mut q, 2);

        // Bᵀ = Xᵀ·Q (n × l); B·Bᵀ = (Bᵀ)ᵀ·Bᵀ = W Λ Wᵀ.
        let q = q.as_standard_layout();
        let bt = f64::widen(
            spmm_t(&xp, &parts, q.as_slice().expect("standard layout"), l),
            n,
            l,
        );
        let g = gram(bt.view());
        let (evals, evecs) = jacobi_eigen(g);
        let btw = par_matmul_small(bt.view(), evecs.view()); // n × l, column i = Bᵀ w_i
        let mut comp_p = Array2::zeros((k, n));
        let mut components = Array2::zeros((k, n));
        let mut singular_values = Vec::with_capacity(k);
        for i in 0..k {
            let s = evals[i].max(0.0).sqrt();
            singular_values.push(s);
            if s > 0.0 {
                let col = btw.column(i);
                comp_p.row_mut(i).assign(&col.mapv(|v| v / s));
            }
            for (r, &j) in order.iter().enumerate() {
                components[[i, j as usize]] = comp_p[[i, r]];
            }
            // svd_flip(u_based_decision = false), in the original column order: largest |v|
            // positive (first on ties).
            let row = components.row(i);
            let mut best = 0;
            for (j, &v) in row.iter().enumerate() {
                if v.abs() > row[best].abs() {
                    best = j;
                }
            }
            if row[best] < 0.0 {
                components.row_mut(i).mapv_inplace(|v| -v);
                comp_p.row_mut(i).mapv_inplace(|v| -v);
            }
        }
        let svd = Svd {
            components,
            singular_values,
        };
        Ok((svd, xp, comp_p))
    }

    pub fn n_components(&self) -> usize {
        self.components.nrows()
    }

    pub fn n_terms(&self) -> usize {
        self.components.ncols()
    }

    /// Projects rows of `x` (same vocabulary as at fit time): `x · componentsᵀ`, n_rows × k.
    /// Transposes the components first; to project many small batches (one article at a time)
    /// prepare a [`Projector`] once instead.
    pub fn transform(&self, x: &CsrMatrix) -> Result<Array2<f64>, ReduceError> {
        self.projector().transform(x)
    }

    /// The components transposed once, for repeated [`Projector::transform`] calls.
    pub fn projector(&self) -> Projector {
        Projector {
            ct: self.components.t().as_standard_layout().into_owned(),
        }
    }
}

/// [`Svd::transform`] ready for many calls: componentsᵀ (n_terms × k) kept in row-major order,
/// so projecting an article reads k contiguous values per word. Why it exists: transposing per
/// call copied the whole n_terms × k matrix for every article (a full-ANT topic model: 42k × 100
/// f64, 34 MB), which made `tasnif classify` on such a model take ~14 ms per article.
#[derive(Clone, Debug)]
pub struct Projector {
    ct: Array2<f64>,
}

impl Projector {
    pub fn n_terms(&self) -> usize {
        self.ct.nrows()
    }

    /// `x · componentsᵀ`, n_rows × k; `x` must have the vocabulary's column count.
    pub fn transform(&self, x: &CsrMatrix) -> Result<Array2<f64>, ReduceError> {
        if x.n_cols != self.n_terms() {
            return Err(ReduceError::ColumnMismatch {
                expected: self.n_terms(),
                got: x.n_cols,
            });
        }
        Ok(spmm(x, self.ct.view()))
    }
}

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

/// `len` standard normal deviates by Box–Muller, both values of each pair used (own
/// implementation, so the stream is fixed by this crate and not by a distribution crate).
fn gaussians<R: Rng>(rng: &mut R, len: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(len + 1);
    while out.len() < len {
        let u1: f64 = rng.r#gen();
        let u2: f64 = rng.r#gen();
        if u1 > f64::MIN_POSITIVE {
            let r = (-2.0 * u1.ln()).sqrt();
            let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
            out.push(r * c);
            out.push(r * s);
        }
    }
    out.truncate(len);
    out
}

/// CSR of the transpose (CSC of `x`), column indices increasing within each row: the
/// reference [`spmm_t`] is tested against.
#[cfg(test)]
pub(crate) fn transpose(x: &CsrMatrix) -> CsrMatrix {
    let n = x.n_cols;
    let mut counts = vec![0usize; n + 1];
    for &j in &x.indices {
        counts[j as usize + 1] += 1;
    }
    for j in 0..n {
        counts[j + 1] += counts[j];
    }
    let indptr = counts.clone();
    let mut next = counts;
    let mut indices = vec![0u32; x.nnz()];
    let mut data = vec![0.0; x.nnz()];
    for r in 0..x.n_rows() {
        let (c, v) = x.row(r);
        for (&j, &val) in c.iter().zip(v) {
            let pos = next[j as usize];
            indices[pos] = r as u32;
            data[pos] = val;
            next[j as usize] += 1;
        }
    }
    CsrMatrix {
        indptr,
        indices,
        data,
        n_cols: x.n_rows(),
    }
}

/// Sparse × dense: `x (m × n) · b (n × l)`, parallel over output rows.
pub(crate) fn spmm(x: &CsrMatrix, b: ArrayView2<f64>) -> Array2<f64> {
    assert_eq!(x.n_cols, b.nrows());
    let l = b.ncols();
    let b = b.as_standard_layout();
    let out = spmm_rows(x, b.as_slice().expect("standard layout"), l);
    Array2::from_shape_vec((x.n_rows(), l), out).expect("shape")
}

/// [`spmm`] on row-major slices in `T`: `x · b`, b is `x.n_cols × l`, the result `x.n_rows × l`.
fn spmm_rows<T: Real>(x: &CsrMatrix, b: &[T], l: usize) -> Vec<T> {
    assert_eq!(x.n_cols * l, b.len());
    let mut out = vec![T::default(); x.n_rows() * l];
    out.par_chunks_mut(l.max(1))
        .enumerate()
        .for_each(|(r, orow)| {
            let (c, v) = x.row(r);
            for (&j, &val) in c.iter().zip(v) {
                let brow = &b[j as usize * l..(j as usize + 1) * l];
                let val = T::of(val);
                for (o, &bv) in orow.iter_mut().zip(brow) {
                    *o += val * bv;
                }
            }
        });
    out
}

/// Non-zeros of every column.
fn column_nnz(x: &CsrMatrix) -> Vec<u32> {
    let mut nnz = vec![0u32; x.n_cols];
    for &j in &x.indices {
        nnz[j as usize] += 1;
    }
    nnz
}

/// `x` with its columns renumbered by decreasing number of non-zeros (ties: original order),
/// `order[new] = old`, and the non-zeros of every column in the new order. The sparse × dense
/// products read one dense row per non-zero; with frequent terms numbered first, the rows they
/// read most sit together in cache. On all of ANT the range finder's dense blocks are ~40 MB,
/// far over the caches, and term frequency is Zipfian.
fn permute_columns(x: &CsrMatrix) -> (CsrMatrix, Vec<u32>, Vec<u32>) {
    let n = x.n_cols;
    let nnz = column_nnz(x);
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&j| (std::cmp::Reverse(nnz[j as usize]), j));
    let mut rank = vec![0u32; n];
    for (r, &j) in order.iter().enumerate() {
        rank[j as usize] = r as u32;
    }
    let xp = CsrMatrix {
        indptr: x.indptr.clone(),
        indices: x.indices.par_iter().map(|&j| rank[j as usize]).collect(),
        data: x.data.clone(),
        n_cols: n,
    };
    let nnz_p = order.iter().map(|&j| nnz[j as usize]).collect();
    (xp, order, nnz_p)
}

/// A float type the sparse products run in.
trait Real: Copy + Default + Send + Sync + std::ops::AddAssign + std::ops::Mul<Output = Self> {
    fn of(v: f64) -> Self;
    /// `rows × l` values as an f64 matrix (no copy when they already are f64).
    fn widen(v: Vec<Self>, rows: usize, l: usize) -> Array2<f64>;
}

impl Real for f32 {
    fn of(v: f64) -> Self {
        v as f32
    }
    fn widen(v: Vec<Self>, rows: usize, l: usize) -> Array2<f64> {
        let v: Vec<f64> = v.into_par_iter().map(f64::from).collect();
        Array2::from_shape_vec((rows, l), v).expect("shape")
    }
}

impl Real for f64 {
    fn of(v: f64) -> Self {
        v
    }
    fn widen(v: Vec<Self>, rows: usize, l: usize) -> Array2<f64> {
        Array2::from_shape_vec((rows, l), v).expect("shape")
    }
}

/// Column ranges of a CSR matrix with about equal numbers of non-zeros, for [`spmm_t`].
struct TermParts(Vec<std::ops::Range<usize>>);

impl TermParts {
    /// From the non-zeros of every column ([`column_nnz`]).
    fn new(nnz: &[u32], parts: usize) -> TermParts {
        let total: usize = nnz.iter().map(|&c| c as usize).sum();
        let per = total.div_ceil(parts.max(1)).max(1);
        let (mut out, mut start, mut acc) = (Vec::new(), 0, 0);
        for (j, &c) in nnz.iter().enumerate() {
            acc += c as usize;
            if acc >= per {
                out.push(start..j + 1);
                (start, acc) = (j + 1, 0);
            }
        }
        if start < nnz.len() || out.is_empty() {
            out.push(start..nnz.len());
        }
        TermParts(out)
    }
}

/// `xᵀ · q` (n_cols × l) without forming `xᵀ`: each task owns a range of output rows (terms)
/// and walks the rows of `x` (documents) in order, adding `v · q[doc]` into its terms' rows.
/// The sum for every output entry runs over documents in increasing order, exactly as a
/// product with the transposed CSR would, so results are identical to it; but `q` is read
/// row after row and the writes land on frequent terms, which share cache lines (columns are
/// ordered by frequency), instead of gathering `q` rows at random. Full ANT, one product:
/// B = Qᵀ·X (f64) went from 350 to 240 ms; the f32 products in the loop stayed ~80–150 ms.
fn spmm_t<T: Real>(x: &CsrMatrix, parts: &TermParts, q: &[T], l: usize) -> Vec<T> {
    assert_eq!(x.n_rows() * l, q.len());
    let n = x.n_cols;
    let mut out = vec![T::default(); n * l];
    let mut slices = Vec::with_capacity(parts.0.len());
    let mut rest = &mut out[..];
    for r in &parts.0 {
        let (a, b) = std::mem::take(&mut rest).split_at_mut(r.len() * l);
        slices.push((r.clone(), a));
        rest = b;
    }
    slices.into_par_iter().for_each(|(r, o)| {
        let (lo, hi) = (r.start as u32, r.end as u32);
        for i in 0..x.n_rows() {
            let (c, v) = x.row(i);
            let qi = &q[i * l..(i + 1) * l];
            for (&j, &val) in c.iter().zip(v) {
                if j < lo || j >= hi {
                    continue;
                }
                let at = (j - lo) as usize * l;
                let val = T::of(val);
                for (o, &qv) in o[at..at + l].iter_mut().zip(qi) {
                    *o += val * qv;
                }
            }
        }
    });
    out
}

fn to_f32(a: &Array2<f64>) -> Vec<f32> {
    let a = a.as_standard_layout();
    a.as_slice()
        .expect("standard layout")
        .par_iter()
        .map(|&v| v as f32)
        .collect()
}

/// `aᵀ·a` for a tall matrix, reduced over fixed row chunks in order (deterministic).
fn gram(a: ArrayView2<f64>) -> Array2<f64> {
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
fn par_matmul_small(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Array2<f64> {
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
fn orthonormalize(a: &mut Array2<f64>, passes: usize) {
    for _ in 0..passes {
        let g = gram(a.view());
        let t = match cholesky_inverse_upper(&g) {
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
        };
        *a = par_matmul_small(a.view(), t.view());
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

    /// Deterministic pseudo-random sparse matrix with a planted low-rank structure.
    fn synthetic(m: usize, n: usize, seed: u64) -> CsrMatrix {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut x = CsrMatrix::empty(n);
        for r in 0..m {
            let topic = r % 4;
            let mut cols = Vec::new();
            let mut vals = Vec::new();
            for j in 0..n {
                let in_topic = j % 4 == topic;
                let p = if in_topic { 0.3 } else { 0.03 };
                if rng.r#gen::<f64>() < p {
                    cols.push(j as u32);
                    vals.push(rng.r#gen::<f64>() + if in_topic { 1.0 } else { 0.0 });
                }
            }
            x.push_row(&cols, &vals);
        }
        x
    }

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

    #[test]
    fn transposed_product_equals_product_with_the_transpose() {
        let x = synthetic(300, 90, 7);
        let l = 7;
        let q: Vec<f64> = (0..300 * l)
            .map(|i| ((i * 37) % 101) as f64 / 50.0 - 1.0)
            .collect();
        for parts in [1, 3, 8] {
            let got = f64::widen(
                spmm_t(&x, &TermParts::new(&column_nnz(&x), parts), &q, l),
                90,
                l,
            );
            let qa = Array2::from_shape_vec((300, l), q.clone()).unwrap();
            assert_eq!(got, spmm(&transpose(&x), qa.view()), "{parts} parts");
        }
    }

    #[test]
    fn transpose_roundtrip() {
        let x = synthetic(30, 17, 1);
        let t = transpose(&x);
        assert_eq!(t.n_rows(), 17);
        assert_eq!(transpose(&t), x);
        assert_eq!(t.to_dense(), x.to_dense().t().to_owned());
    }

    /// Singular values from the eigenvalues of the dense XᵀX (exact reference).
    fn exact_singular_values(x: &CsrMatrix) -> Array1<f64> {
        let d = x.to_dense();
        let (e, _) = jacobi_eigen(d.t().dot(&d));
        e.mapv(|v| v.max(0.0).sqrt())
    }

    #[test]
    fn matches_exact_svd_on_small_matrix() {
        let x = synthetic(80, 40, 7);
        let exact = exact_singular_values(&x);
        let params = SvdParams {
            n_components: 6,
            exact_max: 0, // the randomized path
            ..SvdParams::default()
        }
        .check()
        .unwrap();
        let (svd, proj) = Svd::fit_transform(&params, &x).unwrap();
        // Randomized: accuracy ~ (s_{l+1}/s_i)^(2·n_iter+1); this spectrum decays slowly
        // (s_0 = 8.6, s_3 = 6.3, s_16 = 3.4: (3.4/6.3)^11 ≈ 1e-3 for the vectors, its square for
        // the values), so the top 4 are close and the flat tail is approximate.
        for i in 0..6 {
            let rel = (svd.singular_values[i] - exact[i]).abs() / exact[i];
            let tol = if i < 4 { 1e-5 } else { 1e-2 };
            assert!(
                rel < tol,
                "sv {i}: {} vs {}",
                svd.singular_values[i],
                exact[i]
            );
        }
        // Sampling the whole column space (k + oversamples = n_terms) makes it exact, and so
        // does the default for a matrix this small.
        let full = SvdParams {
            n_components: 6,
            n_oversamples: 34,
            exact_max: 0,
            ..SvdParams::default()
        }
        .check()
        .unwrap();
        let svd_full = Svd::fit(&full, &x).unwrap();
        let by_default = SvdParams {
            n_components: 6,
            ..SvdParams::default()
        }
        .check()
        .unwrap();
        let svd_small = Svd::fit(&by_default, &x).unwrap();
        for i in 0..6 {
            let rel = (svd_small.singular_values[i] - exact[i]).abs() / exact[i];
            assert!(
                rel < 1e-10,
                "default sv {i}: {} vs {}",
                svd_small.singular_values[i],
                exact[i]
            );
        }
        for i in 0..6 {
            let rel = (svd_full.singular_values[i] - exact[i]).abs() / exact[i];
            assert!(
                rel < 1e-10,
                "full sv {i}: {} vs {}",
                svd_full.singular_values[i],
                exact[i]
            );
        }
        // Components orthonormal.
        let cct = svd.components.dot(&svd.components.t());
        for i in 0..6 {
            for j in 0..6 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((cct[[i, j]] - want).abs() < 1e-10);
            }
            // Sign convention: largest-magnitude entry positive.
            let row = svd.components.row(i);
            let big = row
                .iter()
                .cloned()
                .fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
            assert!(big > 0.0);
        }
        // Projection column norms equal singular values (‖X·v_i‖ = s_i): exact for the
        // full-sampling fit, approximate for the default one.
        let proj_full = svd_full.transform(&x).unwrap();
        for i in 0..6 {
            let nrm = proj_full.column(i).dot(&proj_full.column(i)).sqrt();
            assert!(
                (nrm - svd_full.singular_values[i]).abs() / svd_full.singular_values[i] < 1e-10
            );
            let nrm = proj.column(i).dot(&proj.column(i)).sqrt();
            assert!((nrm - svd.singular_values[i]).abs() / svd.singular_values[i] < 1e-2);
        }
        assert_eq!(proj, svd.transform(&x).unwrap());
    }

    #[test]
    fn deterministic_and_seed_sensitive() {
        let x = synthetic(120, 60, 3);
        let fit = |seed| {
            let p = SvdParams {
                n_components: 5,
                n_iter: 4,
                n_oversamples: 5,
                seed,
                exact_max: 0,
            }
            .check()
            .unwrap();
            Svd::fit(&p, &x).unwrap()
        };
        let a = fit(1);
        assert_eq!(a, fit(1));
        let b = fit(2);
        assert_ne!(a.components, b.components);
        // Both seeds approximate the same exact leading singular values.
        let exact = exact_singular_values(&x);
        for i in 0..4 {
            for (name, got) in [("a", &a), ("b", &b)] {
                let rel = (got.singular_values[i] - exact[i]).abs() / exact[i];
                assert!(
                    rel < 1e-3,
                    "seed {name} sv {i}: {} vs {}",
                    got.singular_values[i],
                    exact[i]
                );
            }
        }
    }

    #[test]
    fn bit_identical_across_thread_counts() {
        // > CHUNK_ROWS rows on both sides so the chunked reductions really run in parallel.
        let x = synthetic(5000, 2500, 11);
        let p = SvdParams {
            n_components: 8,
            n_iter: 2,
            ..SvdParams::default()
        }
        .check()
        .unwrap();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| Svd::fit_transform(&p, &x).unwrap())
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn rank_deficient_and_errors() {
        // Rank-2 matrix, ask for 3 components: third singular value is ~0, no NaN anywhere.
        let mut x = CsrMatrix::empty(4);
        for r in 0..10 {
            if r % 2 == 0 {
                x.push_row(&[0, 1], &[1.0, 2.0]);
            } else {
                x.push_row(&[2, 3], &[3.0, 1.0]);
            }
        }
        let p = SvdParams {
            n_components: 3,
            ..SvdParams::default()
        }
        .check()
        .unwrap();
        let svd = Svd::fit(&p, &x).unwrap();
        assert!(svd.components.iter().all(|v| v.is_finite()));
        assert!(svd.singular_values[2] < 1e-6 * svd.singular_values[0]);
        assert!((svd.singular_values[0] - (5.0f64 * 10.0).sqrt()).abs() < 1e-9);
        let bad = SvdParams {
            n_components: 5,
            ..SvdParams::default()
        }
        .check()
        .unwrap();
        assert_eq!(
            Svd::fit(&bad, &x),
            Err(ReduceError::TooManyComponents {
                n_components: 5,
                max: 4
            })
        );
        assert_eq!(
            SvdParams {
                n_components: 0,
                ..SvdParams::default()
            }
            .check(),
            Err(ReduceError::ZeroComponents)
        );
        assert!(matches!(
            svd.transform(&CsrMatrix::empty(3)),
            Err(ReduceError::ColumnMismatch { .. })
        ));
    }

    #[test]
    fn serde_roundtrip() {
        let x = synthetic(20, 12, 5);
        let p = SvdParams {
            n_components: 3,
            ..SvdParams::default()
        }
        .check()
        .unwrap();
        let svd = Svd::fit(&p, &x).unwrap();
        let js = serde_json::to_string(&svd).unwrap();
        let back: Svd = serde_json::from_str(&js).unwrap();
        assert_eq!(back, svd);
    }
}
