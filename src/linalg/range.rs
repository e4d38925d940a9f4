//! The randomized SVD of [`Svd`] as partial statistics, for rows that live in several places
//! (machines, Spark partitions, files): every product over the rows is a sum over shares of
//! rows, merged by addition in share order, and only small matrices travel (l × l and
//! n_terms × l, l = components + oversamples).
//!
//! A round (the range finder's first product, then one per power iteration):
//! 1. every share multiplies its rows by the driver's [`RangeFinder::basis`] and keeps the
//!    result where its rows are ([`RangeShare::new`]: `Y_s = X_s·basis`);
//! 2. Y is orthonormalised by Cholesky QR, [`RangeFinder::orthonormal_passes`] times: every
//!    share sends its [`RangeShare::gram`] (`Y_sᵀ·Y_s`), the driver merges them and returns
//!    [`RangeFinder::orthonormalizer`] `T`, every share applies it ([`RangeShare::apply`]);
//! 3. every share sends its [`RangeShare::product`] (`X_sᵀ·Q_s`): the range finder's product
//!    in a power iteration ([`RangeFinder::next_round`]), the projection product `Bᵀ = Xᵀ·Q`
//!    in the last round ([`RangeFinder::finish`]).
//!
//! Sums merged in the same share order give the same bits whatever the threads; a different
//! partition of the rows changes the summation order, hence the last bits (tested: singular
//! values within 1e-10). [`fit_shares`] runs the protocol over shares held in memory.
//!
//! The topic training does not use it: its SVD runs on a sample of at most
//! [`crate::topics::SVD_SAMPLE`] documents, whose count rows are smaller gathered once than
//! an n_terms × l product from every share in each of `n_iter + 1` rounds (full ANT: 42k terms ×
//! 110 × 8 bytes = 37 MB per share and round, against under 28 MB for
//! all its count rows: at most 3.5 million non-zeros, 8 bytes each).
//! This is for an SVD of every row, where gathering them is what cannot be done.
//!
//! ```
//! use tasnif::linalg::{CsrMatrix, RangeFinder, RangeGram, RangeProduct, RangeShare, SvdParams};
//! # fn main() -> Result<(), tasnif::linalg::SvdError> {
//! // Two shares of the rows of one matrix (4 terms), e.g. on two machines.
//! let mut a = CsrMatrix::empty(4);
//! a.push_row(&[0, 1], &[1.0, 2.0]);
//! a.push_row(&[2], &[3.0]);
//! let mut b = CsrMatrix::empty(4);
//! b.push_row(&[1, 3], &[1.0, 1.0]);
//! let shares = [a, b];
//!
//! let params = SvdParams { n_components: 2, ..Default::default() }.check()?;
//! let mut driver = RangeFinder::new(&params, 3, 4)?;
//! loop {
//!     let mut kept: Vec<RangeShare> = shares
//!         .iter()
//!         .map(|x| RangeShare::new(x, driver.basis()))
//!         .collect::<Result<_, _>>()?;
//!     for _ in 0..driver.orthonormal_passes() {
//!         let mut gram = RangeGram::zeros(driver.width());
//!         kept.iter().for_each(|s| gram.merge(&s.gram()));
//!         let t = driver.orthonormalizer(&gram)?;
//!         for s in &mut kept {
//!             s.apply(&t)?;
//!         }
//!     }
//!     let mut product = RangeProduct::zeros(driver.n_terms(), driver.width());
//!     for (s, x) in kept.iter().zip(&shares) {
//!         product.merge(&s.product(x)?);
//!     }
//!     if driver.is_last_round() {
//!         let svd = driver.finish(&product)?;
//!         assert_eq!(svd.components.dim(), (2, 4));
//!         break;
//!     }
//!     driver.next_round(&product)?;
//! }
//! # Ok(()) }
//! ```

use ndarray::Array2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::CsrMatrix;
use super::dense::{gram, orthonormalize, orthonormalizer, par_matmul_small};
use super::kernels::{TermParts, column_nnz, spmm_rows, spmm_t};
use super::svd::{Svd, SvdError, ValidSvdParams, gaussians};

/// The driver's side: the random start, the basis of every round and the final small SVD.
#[derive(Clone, Debug)]
pub struct RangeFinder {
    k: usize,
    l: usize,
    n_iter: usize,
    round: usize,
    /// n_terms × l: the Gaussian start Ω, then each power iteration's orthonormal `Xᵀ·Q`.
    basis: Array2<f64>,
}

impl RangeFinder {
    /// A randomized SVD of a matrix of `n_rows` rows (all shares together) and `n_terms`
    /// columns. The start is drawn from `params.seed`; like [`ValidSvdParams::fit`], a matrix
    /// whose smaller side is at most `exact_max` gets the exact SVD.
    pub fn new(params: &ValidSvdParams, n_rows: usize, n_terms: usize) -> Result<Self, SvdError> {
        let p = params.params();
        let max = n_rows.min(n_terms);
        if p.n_components > max {
            return Err(SvdError::TooManyComponents {
                n_components: p.n_components,
                max,
            });
        }
        let l = if max <= p.exact_max {
            max
        } else {
            (p.n_components + p.n_oversamples).min(max)
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(p.seed);
        let basis = Array2::from_shape_vec((n_terms, l), gaussians(&mut rng, n_terms * l))
            .expect("n_terms × l values");
        Ok(RangeFinder {
            k: p.n_components,
            l,
            n_iter: p.n_iter,
            round: 0,
            basis,
        })
    }

    /// l: the columns of every share's kept rows, of the Gram matrices and of the products.
    pub fn width(&self) -> usize {
        self.l
    }

    pub fn n_terms(&self) -> usize {
        self.basis.nrows()
    }

    /// What every share multiplies its rows by at the start of this round (n_terms × l).
    pub fn basis(&self) -> &Array2<f64> {
        &self.basis
    }

    /// Rounds in all: the first product and one per power iteration.
    pub fn rounds(&self) -> usize {
        self.n_iter + 1
    }

    /// This round, from 0.
    pub fn round(&self) -> usize {
        self.round
    }

    /// Whether this round's product is the projection product that [`finish`](Self::finish)
    /// takes.
    pub fn is_last_round(&self) -> bool {
        self.round == self.n_iter
    }

    /// Cholesky QR passes this round: one in a power iteration, two (CholeskyQR2, orthonormal
    /// to machine precision) before the projection product.
    pub fn orthonormal_passes(&self) -> usize {
        if self.is_last_round() { 2 } else { 1 }
    }

    /// From the merged Gram matrices of the kept rows, the l × l matrix every share applies
    /// so that its rows, stacked, are orthonormal.
    pub fn orthonormalizer(&self, gram: &RangeGram) -> Result<Array2<f64>, SvdError> {
        check_shape("Gram matrix", gram.0.dim(), (self.l, self.l))?;
        Ok(orthonormalizer(gram.0.clone()))
    }

    /// Ends a power iteration: the orthonormalised merged product `Xᵀ·Q` is the next basis.
    pub fn next_round(&mut self, product: &RangeProduct) -> Result<(), SvdError> {
        if self.is_last_round() {
            return Err(SvdError::PartialOutOfTurn);
        }
        check_shape("product", product.0.dim(), self.basis.dim())?;
        let mut z = product.0.clone();
        orthonormalize(&mut z, 1);
        self.basis = z;
        self.round += 1;
        Ok(())
    }

    /// The SVD from the last round's merged projection product `Bᵀ = Xᵀ·Q`.
    pub fn finish(self, product: &RangeProduct) -> Result<Svd, SvdError> {
        if !self.is_last_round() {
            return Err(SvdError::PartialOutOfTurn);
        }
        check_shape("product", product.0.dim(), self.basis.dim())?;
        let order: Vec<u32> = (0..self.n_terms() as u32).collect();
        Ok(Svd::from_projection_product(product.0.clone(), self.k, &order).0)
    }
}

fn check_shape(
    what: &'static str,
    got: (usize, usize),
    expected: (usize, usize),
) -> Result<(), SvdError> {
    if got == expected {
        Ok(())
    } else {
        Err(SvdError::PartialShape {
            what,
            expected,
            got,
        })
    }
}

/// A share's side: its rows times the round's basis, orthonormalised in place (`Y_s`, then
/// `Q_s`), kept between the steps of a round.
#[derive(Clone, Debug)]
pub struct RangeShare {
    y: Array2<f64>,
}

impl RangeShare {
    /// `rows · basis` (the share's rows of Y).
    pub fn new(rows: &CsrMatrix, basis: &Array2<f64>) -> Result<Self, SvdError> {
        if rows.n_cols() != basis.nrows() {
            return Err(SvdError::ColumnMismatch {
                expected: basis.nrows(),
                got: rows.n_cols(),
            });
        }
        let l = basis.ncols();
        let b = basis.as_standard_layout();
        let y = spmm_rows(rows, b.as_slice().expect("standard layout"), l);
        Ok(RangeShare {
            y: Array2::from_shape_vec((rows.n_rows(), l), y).expect("rows × l values"),
        })
    }

    /// This share's part of `YᵀY`.
    pub fn gram(&self) -> RangeGram {
        RangeGram(gram(self.y.view()))
    }

    /// `Y_s ← Y_s·T`, T from [`RangeFinder::orthonormalizer`].
    pub fn apply(&mut self, t: &Array2<f64>) -> Result<(), SvdError> {
        let l = self.y.ncols();
        check_shape("orthonormalizer", t.dim(), (l, l))?;
        self.y = par_matmul_small(self.y.view(), t.view());
        Ok(())
    }

    /// This share's part of `Xᵀ·Q`; `rows` are the rows this share was made from.
    pub fn product(&self, rows: &CsrMatrix) -> Result<RangeProduct, SvdError> {
        check_shape("share's rows", (rows.n_rows(), 1), (self.y.nrows(), 1))?;
        let l = self.y.ncols();
        let parts = TermParts::new(&column_nnz(rows), rayon::current_num_threads() * 2);
        let y = self.y.as_standard_layout();
        let p = spmm_t(rows, &parts, y.as_slice().expect("standard layout"), l);
        Ok(RangeProduct(
            Array2::from_shape_vec((rows.n_cols(), l), p).expect("n_terms × l values"),
        ))
    }
}

/// A share's part of the Gram matrix `YᵀY` (l × l); merges by addition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RangeGram(pub Array2<f64>);

impl RangeGram {
    /// The empty sum, to merge shares into.
    pub fn zeros(width: usize) -> Self {
        RangeGram(Array2::zeros((width, width)))
    }

    /// Adds `other` (same width).
    pub fn merge(&mut self, other: &RangeGram) {
        self.0 += &other.0;
    }
}

/// A share's part of `Xᵀ·Q` (n_terms × l): the range finder's product in a power iteration,
/// the projection product in the last round; merges by addition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RangeProduct(pub Array2<f64>);

impl RangeProduct {
    /// The empty sum, to merge shares into.
    pub fn zeros(n_terms: usize, width: usize) -> Self {
        RangeProduct(Array2::zeros((n_terms, width)))
    }

    /// Adds `other` (same shape).
    pub fn merge(&mut self, other: &RangeProduct) {
        self.0 += &other.0;
    }
}

/// The protocol of this module over shares of rows held in memory, merged in their order:
/// the SVD of the rows of all `shares` stacked.
pub fn fit_shares(params: &ValidSvdParams, shares: &[CsrMatrix]) -> Result<Svd, SvdError> {
    let n_terms = shares.first().map_or(0, |s| s.n_cols());
    let n_rows = shares.iter().map(|s| s.n_rows()).sum();
    let mut driver = RangeFinder::new(params, n_rows, n_terms)?;
    loop {
        let mut kept = shares
            .iter()
            .map(|x| RangeShare::new(x, driver.basis()))
            .collect::<Result<Vec<_>, _>>()?;
        for _ in 0..driver.orthonormal_passes() {
            let mut g = RangeGram::zeros(driver.width());
            kept.iter().for_each(|s| g.merge(&s.gram()));
            let t = driver.orthonormalizer(&g)?;
            for s in &mut kept {
                s.apply(&t)?;
            }
        }
        let mut product = RangeProduct::zeros(n_terms, driver.width());
        for (s, x) in kept.iter().zip(shares) {
            product.merge(&s.product(x)?);
        }
        if driver.is_last_round() {
            return driver.finish(&product);
        }
        driver.next_round(&product)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::SvdParams;
    use crate::linalg::tests::synthetic;

    fn split(x: &CsrMatrix, sizes: &[usize]) -> Vec<CsrMatrix> {
        let mut at = 0;
        let shares: Vec<CsrMatrix> = sizes
            .iter()
            .map(|&n| {
                let rows: Vec<usize> = (at..at + n).collect();
                at += n;
                x.select_rows(&rows)
            })
            .collect();
        assert_eq!(at, x.n_rows());
        shares
    }

    fn params(k: usize, exact_max: usize) -> ValidSvdParams {
        SvdParams {
            n_components: k,
            exact_max,
            ..SvdParams::default()
        }
        .check()
        .unwrap()
    }

    /// Largest difference between two SVDs' singular values (relative) and components.
    fn difference(a: &Svd, b: &Svd) -> (f64, f64) {
        let sv = a
            .singular_values
            .iter()
            .zip(&b.singular_values)
            .map(|(x, y)| (x - y).abs() / x.max(1e-300))
            .fold(0.0, f64::max);
        let comp = (&a.components - &b.components)
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()));
        (sv, comp)
    }

    #[test]
    fn exact_case_equals_the_in_memory_svd() {
        // 90 × 40: the smaller side is within exact_max, so both are exact.
        let x = synthetic(90, 40, 5);
        let p = params(6, 500);
        let whole = p.fit(&x).unwrap();
        let parted = fit_shares(&p, &split(&x, &[30, 0, 45, 15])).unwrap();
        let (sv, comp) = difference(&whole, &parted);
        assert!(sv < 1e-10, "singular values differ by {sv}");
        assert!(comp < 1e-8, "components differ by {comp}");
    }

    #[test]
    fn randomized_case_finds_the_leading_subspace_whatever_the_partition() {
        // 600 × 300 with exact_max 0: the randomized path, with a start unlike the in-memory
        // fit's (which draws it in its own column order), so only the leading, well-separated
        // singular values are compared with it.
        let x = synthetic(600, 300, 9);
        let p = params(8, 0);
        let whole = p.fit(&x).unwrap();
        let one = fit_shares(&p, std::slice::from_ref(&x)).unwrap();
        for i in 0..4 {
            let rel = (whole.singular_values[i] - one.singular_values[i]).abs()
                / whole.singular_values[i];
            assert!(rel < 1e-6, "sv {i}: {rel}");
        }
        // Components orthonormal.
        let cct = one.components.dot(&one.components.t());
        for i in 0..8 {
            for j in 0..8 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((cct[[i, j]] - want).abs() < 1e-10);
            }
        }
        // Another partition: only the summation order changes.
        let parted = fit_shares(&p, &split(&x, &[100, 250, 0, 1, 249])).unwrap();
        let (sv, comp) = difference(&one, &parted);
        assert!(sv < 1e-10, "singular values differ by {sv}");
        assert!(comp < 1e-7, "components differ by {comp}");
        // The same partition: the same bits, whatever the threads.
        let shares = split(&x, &[100, 250, 0, 1, 249]);
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| fit_shares(&p, &shares).unwrap());
        assert_eq!(parted, one_thread);
    }

    #[test]
    fn out_of_turn_and_misshapen_partials_are_errors() {
        let x = synthetic(40, 30, 2);
        let p = params(3, 0);
        let mut d = RangeFinder::new(&p, 40, 30).unwrap();
        assert_eq!(d.rounds(), 6);
        let wrong = RangeProduct::zeros(29, d.width());
        assert!(matches!(
            d.next_round(&wrong),
            Err(SvdError::PartialShape {
                what: "product",
                ..
            })
        ));
        let product = RangeProduct::zeros(30, d.width());
        assert!(matches!(
            d.clone().finish(&product),
            Err(SvdError::PartialOutOfTurn)
        ));
        assert!(matches!(
            d.orthonormalizer(&RangeGram::zeros(2)),
            Err(SvdError::PartialShape { .. })
        ));
        let s = RangeShare::new(&x, d.basis()).unwrap();
        assert!(s.product(&x.select_rows(&[0, 1])).is_err());
        assert!(RangeShare::new(&CsrMatrix::empty(7), d.basis()).is_err());
        for _ in 0..5 {
            d.next_round(&product).unwrap();
        }
        assert!(d.is_last_round());
        assert!(matches!(
            d.next_round(&product),
            Err(SvdError::PartialOutOfTurn)
        ));
        assert!(matches!(
            RangeFinder::new(&params(31, 0), 40, 30),
            Err(SvdError::TooManyComponents { max: 30, .. })
        ));
    }
}
