//! A corpus counted as it is read: the counter's terms and frequencies, and every document's
//! (term, count) row, kept under a memory budget. Once the vocabulary is chosen the rows become
//! the [`CountMatrix`] of its columns, and the texts were never held beyond a chunk.

use super::count::{Counter, NONE};
use super::{FormCounts, Selected, Texts};
use crate::linalg::CountMatrix;
use crate::linalg::store::{Budget, PairRows};
use crate::text::Analyzer;

pub(crate) struct Counted<'a> {
    pub counter: Counter<'a>,
    rows: PairRows,
}

impl<'a> Counted<'a> {
    pub fn new(analyzer: &'a Analyzer, ngram_range: (usize, usize), budget: &Budget) -> Self {
        Counted {
            counter: Counter::new(Some(analyzer), ngram_range),
            rows: PairRows::new(budget, None, "terms"),
        }
    }

    /// Counts the next documents.
    pub fn add<T: AsRef<str> + Sync>(
        &mut self,
        analyzer: &Analyzer,
        texts: &[T],
    ) -> std::io::Result<()> {
        for block in self.counter.add(&Texts { analyzer, texts }) {
            self.rows.push_rows(&block.doc_end, &block.entries)?;
        }
        Ok(())
    }

    pub fn n_docs(&self) -> usize {
        self.counter.n_docs
    }

    /// The rows on the columns of `selected` (terms it left out dropped, columns increasing),
    /// and every distinct word form of the corpus with its term and occurrences.
    pub fn into_matrix(
        self,
        selected: &Selected,
    ) -> std::io::Result<(CountMatrix, Option<FormCounts>)> {
        let Counted { counter, rows } = self;
        let forms = counter.into_forms();
        let rows = rows.rewrite(|row, out| {
            let start = out.len();
            out.extend(
                (row.iter())
                    .map(|&(t, n)| (selected.col(t), n))
                    .filter(|p| p.0 != NONE),
            );
            out[start..].sort_unstable_by_key(|p| p.0);
        })?;
        Ok((CountMatrix::new(rows, selected.vocabulary.len()), forms))
    }
}
