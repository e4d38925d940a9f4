//! Sparse × dense products behind the SVD: the range finder's `X·B` and `Xᵀ·Q`, in f32 or f64,
//! on columns ordered by frequency.
//!
//! Determinism: every parallel loop writes disjoint outputs, and each output entry sums over
//! documents in increasing order, so results are bit-identical whatever the thread count.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use super::CsrMatrix;

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
pub(crate) fn spmm_rows<T: Real>(x: &CsrMatrix, b: &[T], l: usize) -> Vec<T> {
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
pub(crate) fn column_nnz(x: &CsrMatrix) -> Vec<u32> {
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
pub(crate) fn permute_columns(x: &CsrMatrix) -> (CsrMatrix, Vec<u32>, Vec<u32>) {
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
pub(crate) trait Real:
    Copy + Default + Send + Sync + std::ops::AddAssign + std::ops::Mul<Output = Self>
{
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
pub(crate) struct TermParts(Vec<std::ops::Range<usize>>);

impl TermParts {
    /// From the non-zeros of every column ([`column_nnz`]).
    pub(crate) fn new(nnz: &[u32], parts: usize) -> TermParts {
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
pub(crate) fn spmm_t<T: Real>(x: &CsrMatrix, parts: &TermParts, q: &[T], l: usize) -> Vec<T> {
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

pub(crate) fn to_f32(a: &Array2<f64>) -> Vec<f32> {
    let a = a.as_standard_layout();
    a.as_slice()
        .expect("standard layout")
        .par_iter()
        .map(|&v| v as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::tests::synthetic;

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
}
