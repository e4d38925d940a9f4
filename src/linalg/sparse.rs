//! Compressed sparse row matrix: the one sparse type every stage shares.
//!
//! Rows are documents, columns are vocabulary terms. Column indices inside a row are strictly
//! increasing, so two matrices built from the same data are identical (determinism).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CsrMatrix {
    /// `indptr[r]..indptr[r + 1]` is the slice of `indices`/`data` holding row `r`.
    pub(crate) indptr: Vec<usize>,
    /// Column index of each stored value; increasing within a row.
    pub(crate) indices: Vec<u32>,
    pub(crate) data: Vec<f64>,
    pub(crate) n_cols: usize,
}

impl CsrMatrix {
    /// An empty matrix with `n_cols` columns and no rows.
    pub fn empty(n_cols: usize) -> Self {
        CsrMatrix {
            indptr: vec![0],
            indices: Vec::new(),
            data: Vec::new(),
            n_cols,
        }
    }

    /// Row starts: row `r` is entries `indptr()[r]..indptr()[r + 1]` (scipy's `indptr`).
    pub fn indptr(&self) -> &[usize] {
        &self.indptr
    }

    /// The column of every stored value (scipy's `indices`).
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The stored values (scipy's `data`).
    pub fn data(&self) -> &[f64] {
        &self.data
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn nnz(&self) -> usize {
        self.data.len()
    }

    /// Row `r` as parallel slices of column indices and values.
    pub fn row(&self, r: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.indptr[r], self.indptr[r + 1]);
        (&self.indices[a..b], &self.data[a..b])
    }

    /// Appends a row; `cols` must be strictly increasing and below `n_cols`.
    pub fn push_row(&mut self, cols: &[u32], vals: &[f64]) {
        debug_assert_eq!(cols.len(), vals.len());
        debug_assert!(cols.windows(2).all(|w| w[0] < w[1]));
        debug_assert!(cols.iter().all(|&c| (c as usize) < self.n_cols));
        self.indices.extend_from_slice(cols);
        self.data.extend_from_slice(vals);
        self.indptr.push(self.indices.len());
    }

    /// Stacks row blocks (e.g. produced in parallel) in order.
    pub fn vstack(n_cols: usize, blocks: Vec<CsrMatrix>) -> Self {
        let mut out = CsrMatrix::empty(n_cols);
        for b in blocks {
            assert_eq!(b.n_cols, n_cols, "vstack: column count mismatch");
            let base = out.indices.len();
            out.indices.extend_from_slice(&b.indices);
            out.data.extend_from_slice(&b.data);
            out.indptr.extend(b.indptr[1..].iter().map(|p| p + base));
        }
        out
    }

    /// Rows selected by index, in the given order.
    pub fn select_rows(&self, rows: &[usize]) -> Self {
        let mut out = CsrMatrix::empty(self.n_cols);
        for &r in rows {
            let (c, v) = self.row(r);
            out.push_row(c, v);
        }
        out
    }

    /// Dense copy (rows × cols). Only for small matrices: ANT densified is ~5.7 GB.
    pub fn to_dense(&self) -> ndarray::Array2<f64> {
        let mut a = ndarray::Array2::zeros((self.n_rows(), self.n_cols));
        for r in 0..self.n_rows() {
            let (c, v) = self.row(r);
            for (&j, &x) in c.iter().zip(v) {
                a[[r, j as usize]] = x;
            }
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_vstack_select_dense() {
        let mut a = CsrMatrix::empty(3);
        a.push_row(&[0, 2], &[1.0, 2.0]);
        let mut b = CsrMatrix::empty(3);
        b.push_row(&[], &[]);
        b.push_row(&[1], &[5.0]);
        let m = CsrMatrix::vstack(3, vec![a, b]);
        assert_eq!(m.n_rows(), 3);
        assert_eq!(m.row(2), (&[1u32][..], &[5.0][..]));
        let d = m.select_rows(&[2, 0]).to_dense();
        assert_eq!(d, ndarray::arr2(&[[0.0, 5.0, 0.0], [1.0, 0.0, 2.0]]));
    }
}
