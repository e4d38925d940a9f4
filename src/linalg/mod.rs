//! Linear algebra: the sparse matrix every stage shares, the truncated SVD (LSA) and the
//! kernels under it.

mod counts;
mod dense;
mod kernels;
mod range;
mod sparse;
pub(crate) mod store;
mod svd;

pub use counts::{BLOCK_ROWS, CountBlock, CountMatrix};
pub use dense::normalize_rows;
pub use range::{RangeFinder, RangeGram, RangeProduct, RangeShare, fit_shares};
pub use sparse::CsrMatrix;
pub use store::Budget;
pub use svd::{Projector, Svd, SvdError, SvdParams, ValidSvdParams};

#[cfg(test)]
pub(crate) mod tests {
    use super::CsrMatrix;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Deterministic pseudo-random sparse matrix with a planted low-rank structure.
    pub(crate) fn synthetic(m: usize, n: usize, seed: u64) -> CsrMatrix {
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
}
