//! Per-cluster sums, member counts and inertia: the partial statistics of a Lloyd iteration.
//! Any block of rows gives its own; blocks are merged by addition, in block order, so the
//! centroids come out the same bits however the rows were spread over threads, chunks or
//! machines (as long as each block is summed whole and the merge follows block order).

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::KMeansError;
use super::lloyd::{assign, sq_distances};

/// Rows per block of a Lloyd update: the unit whose sums are added in order. A block is
/// summed row by row, so a distributed run keeps each block of this many rows (in corpus
/// order) on one worker.
pub const SUM_BLOCK_ROWS: usize = 4096;

/// The sums of the rows of each cluster, how many rows each has, and the rows' squared
/// distances to the centroids they were assigned to (when an assignment made them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSums {
    /// `k × d`: row `j` is the sum of cluster `j`'s rows.
    pub sums: Array2<f64>,
    pub counts: Vec<u64>,
    /// Sum of squared distances to the assigned centroids ([`ClusterSums::assign`] only).
    pub inertia: f64,
}

impl ClusterSums {
    pub fn zeros(k: usize, d: usize) -> Self {
        ClusterSums {
            sums: Array2::zeros((k, d)),
            counts: vec![0; k],
            inertia: 0.0,
        }
    }

    /// The statistics of `rows` with the given cluster of each (`labels[r]` is row `r`'s).
    pub fn of_labels(rows: ArrayView2<f64>, labels: &[usize], k: usize) -> Self {
        let mut s = ClusterSums::zeros(k, rows.ncols());
        for (row, &l) in rows.rows().into_iter().zip(labels) {
            s.sums.row_mut(l).scaled_add(1.0, &row);
            s.counts[l] += 1;
        }
        s
    }

    /// One Lloyd assignment of a block of rows: each row's nearest centroid (squared
    /// Euclidean distance, ties to the lower index), and the block's statistics with its
    /// inertia. The labels are those tasnif's own iterations give (Hamerly's bounds only skip
    /// distances that cannot change them).
    pub fn assign(
        rows: ArrayView2<f64>,
        centroids: ArrayView2<f64>,
    ) -> Result<(Vec<usize>, Self), KMeansError> {
        if centroids.ncols() != rows.ncols() {
            return Err(KMeansError::DimensionMismatch {
                centroids: centroids.ncols(),
                rows: rows.ncols(),
            });
        }
        let rows = rows.as_standard_layout();
        let sq_norms: Vec<f64> = rows.rows().into_iter().map(|r| r.dot(&r)).collect();
        let c = centroids.to_owned();
        let (labels, dist) = assign(&sq_distances(rows.view(), &sq_norms, &c));
        let mut s = ClusterSums::of_labels(rows.view(), &labels, c.nrows());
        s.inertia = dist.iter().map(|d| d.max(0.0)).sum();
        Ok((labels, s))
    }

    /// Adds `other`'s statistics (rows counted in one and not the other).
    pub fn merge(&mut self, other: &ClusterSums) {
        self.sums += &other.sums;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.inertia += other.inertia;
    }

    /// The mean of each cluster's rows; an empty cluster's row stays at zero.
    pub fn means(&self) -> Array2<f64> {
        let mut m = self.sums.clone();
        for (mut row, &n) in m.rows_mut().into_iter().zip(&self.counts) {
            if n > 0 {
                row /= n as f64;
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::kmeans::lloyd::cluster_sums;
    use crate::topics::kmeans::tests::blobs;
    use rayon::prelude::*;

    #[test]
    fn per_block_statistics_merged_in_block_order_are_lloyds_update() {
        let (x, _) = blobs(5, 2_000, 8, 0.6, 3);
        let c = x.slice(ndarray::s![0..5, ..]).to_owned();
        let ranges: Vec<_> = (0..x.nrows())
            .step_by(SUM_BLOCK_ROWS)
            .map(|a| a..(a + SUM_BLOCK_ROWS).min(x.nrows()))
            .collect();
        let block = |r: &std::ops::Range<usize>| {
            ClusterSums::assign(x.slice(ndarray::s![r.clone(), ..]), c.view()).unwrap()
        };
        let merged = |parts: Vec<(Vec<usize>, ClusterSums)>| {
            let mut all = ClusterSums::zeros(5, 8);
            let mut labels = Vec::new();
            for (l, s) in parts {
                labels.extend(l);
                all.merge(&s);
            }
            (labels, all)
        };
        // blocks computed one after the other, or by workers in any order, merged in order
        let (labels, serial) = merged(ranges.iter().map(block).collect());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (_, parallel) = merged(pool.install(|| {
            ranges
                .par_iter()
                .rev()
                .map(block)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect()
        }));
        assert_eq!(serial, parallel);
        assert_eq!(serial.counts.iter().sum::<u64>(), 10_000);
        assert!(serial.inertia > 0.0);
        // the same bits as the update of tasnif's own iterations on those labels
        let lloyd = cluster_sums(x.view(), &labels, 5);
        assert_eq!(lloyd.sums, serial.sums);
        assert_eq!(lloyd.counts, serial.counts);
        // and the labels are the nearest centroids
        let nearest = |r: usize| {
            (0..5)
                .min_by(|&a, &b| {
                    let d = |j: usize| (&x.row(r) - &c.row(j)).mapv(|v| v * v).sum();
                    d(a).total_cmp(&d(b))
                })
                .unwrap()
        };
        assert!((0..x.nrows()).step_by(97).all(|r| labels[r] == nearest(r)));
        assert!(matches!(
            ClusterSums::assign(x.view(), c.slice(ndarray::s![.., 0..3])),
            Err(KMeansError::DimensionMismatch { .. })
        ));
    }
}
