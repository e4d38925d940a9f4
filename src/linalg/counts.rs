//! The count matrix: every document's vocabulary columns and how often each occurs, read in
//! fixed blocks of rows. Training passes (the mixture's EM, topic description, the LSA
//! projection) read it block by block, so the results are the same wherever the rows are kept
//! and however many threads read them.

use rayon::prelude::*;
use std::ops::Range;

use super::store::{Budget, PairRows};

/// Rows per block of a pass: fixed by the corpus, never by the thread count.
pub const BLOCK_ROWS: usize = 2048;

/// A range of rows of a [`CountMatrix`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CountBlock {
    /// The first row's index in the matrix.
    pub first_row: usize,
    /// `ends[r]` is where row `first_row + r` ends in `cols` and `counts`.
    pub ends: Vec<usize>,
    /// Columns, increasing within each row.
    pub cols: Vec<u32>,
    pub counts: Vec<u32>,
}

impl CountBlock {
    pub fn n_rows(&self) -> usize {
        self.ends.len()
    }

    /// Row `r` of the block (0-based within it): its columns and counts.
    pub fn row(&self, r: usize) -> (&[u32], &[u32]) {
        let start = if r == 0 { 0 } else { self.ends[r - 1] };
        let end = self.ends[r];
        (&self.cols[start..end], &self.counts[start..end])
    }
}

/// Every document's (column, count) pairs, columns increasing within a row.
pub struct CountMatrix {
    rows: PairRows,
    n_cols: usize,
}

impl CountMatrix {
    pub(crate) fn new(rows: PairRows, n_cols: usize) -> Self {
        CountMatrix { rows, n_cols }
    }

    /// A matrix of the given rows, in memory.
    pub fn from_rows(rows: &[Vec<(u32, u32)>], n_cols: usize) -> Self {
        let budget = Budget {
            bytes: u64::MAX,
            dir: std::env::temp_dir(),
        };
        let mut store = PairRows::new(&budget, None, "counts");
        let mut ends = Vec::with_capacity(rows.len());
        let mut pairs = Vec::new();
        for r in rows {
            debug_assert!(r.windows(2).all(|w| w[0].0 < w[1].0));
            pairs.extend_from_slice(r);
            ends.push(pairs.len());
        }
        store
            .push_rows(&ends, &pairs)
            .expect("memory needs no file");
        CountMatrix::new(store, n_cols)
    }

    pub fn n_rows(&self) -> usize {
        self.rows.n_rows()
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Stored (column, count) pairs.
    pub fn nnz(&self) -> u64 {
        self.rows.n_pairs()
    }

    /// Whether the counts are in a temporary file rather than in memory.
    pub fn spilled(&self) -> bool {
        self.rows.spilled()
    }

    /// Rows `range` as a block.
    pub fn block(&self, range: Range<usize>) -> CountBlock {
        let first_row = range.start;
        let (ends, pairs) = self.rows.rows(range);
        CountBlock {
            first_row,
            ends: ends.into_iter().map(|e| e as usize).collect(),
            cols: pairs.iter().map(|p| p.0).collect(),
            counts: pairs.iter().map(|p| p.1).collect(),
        }
    }

    /// The blocks of [`BLOCK_ROWS`] rows, in order.
    pub fn block_ranges(&self) -> impl Iterator<Item = Range<usize>> + use<> {
        let n = self.n_rows();
        (0..n.div_ceil(BLOCK_ROWS)).map(move |b| b * BLOCK_ROWS..((b + 1) * BLOCK_ROWS).min(n))
    }

    /// `f` of every block, run in parallel, the results in block order.
    pub fn par_blocks<T: Send>(&self, f: impl Fn(&CountBlock) -> T + Sync + Send) -> Vec<T> {
        let ranges: Vec<Range<usize>> = self.block_ranges().collect();
        ranges.into_par_iter().map(|r| f(&self.block(r))).collect()
    }

    /// `map` of every block, run in parallel a few blocks at a time, each result handed to
    /// `fold` in block order: partial results merged in one fixed order, with only a few of
    /// them held at once (a block's partial statistics can be as large as the vocabulary).
    pub fn fold_blocks<T: Send>(
        &self,
        map: impl Fn(&CountBlock) -> T + Sync + Send,
        mut fold: impl FnMut(T),
    ) {
        let ranges: Vec<Range<usize>> = self.block_ranges().collect();
        let wave = 2 * rayon::current_num_threads().max(1);
        for w in ranges.chunks(wave) {
            let results: Vec<T> = w.par_iter().map(|r| map(&self.block(r.clone()))).collect();
            results.into_iter().for_each(&mut fold);
        }
    }

    /// `f` of every block, one after the other, in order.
    pub fn for_each_block(&self, mut f: impl FnMut(&CountBlock)) {
        for r in self.block_ranges() {
            f(&self.block(r));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_row_once_in_order() {
        let rows: Vec<Vec<(u32, u32)>> = (0..5000u32)
            .map(|r| (0..r % 4).map(|j| (j * 10 + r % 3, j + 1)).collect())
            .collect();
        let m = CountMatrix::from_rows(&rows, 40);
        assert_eq!(m.n_rows(), 5000);
        let firsts = m.par_blocks(|b| (b.first_row, b.n_rows()));
        assert_eq!(firsts, [(0, 2048), (2048, 2048), (4096, 904)]);
        let mut seen = 0;
        m.for_each_block(|b| {
            for r in 0..b.n_rows() {
                let (cols, counts) = b.row(r);
                let want = &rows[b.first_row + r];
                assert_eq!(cols.len(), want.len());
                assert!(
                    cols.iter()
                        .zip(counts)
                        .zip(want)
                        .all(|((&c, &n), &(wc, wn))| c == wc && n == wn)
                );
                seen += 1;
            }
        });
        assert_eq!(seen, 5000);
    }
}
