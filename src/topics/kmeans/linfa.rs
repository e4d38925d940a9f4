//! `linfa-clustering`'s `KMeans` behind [`KMeansParams`], selectable with
//! [`KMeansAlgorithm::Linfa`].

use ndarray::{Array1, ArrayView2};
use rand::SeedableRng;

use super::{KMeansError, KMeansFit, KMeansParams, RunInfo, inertia_of};

pub(super) fn fit_linfa(p: &KMeansParams, x: ArrayView2<f64>) -> Result<KMeansFit, KMeansError> {
    use linfa::prelude::*;
    use linfa_clustering::KMeans;
    let data = x.to_owned();
    let ds = DatasetBase::from(data.clone());
    let rng = rand_xoshiro::Xoshiro256Plus::seed_from_u64(p.seed);
    let model = KMeans::params_with_rng(p.k, rng)
        .n_runs(p.n_runs)
        .max_n_iterations(p.max_iter as u64)
        .tolerance(p.tol)
        .fit(&ds)
        .map_err(|e| KMeansError::Linfa(e.to_string()))?;
    let labels: Array1<usize> = model.predict(&data);
    let labels = labels.to_vec();
    let centroids = model.centroids().clone();
    // Recomputed: linfa's own `inertia()` is a mean, not scikit-learn's sum.
    let inertia = inertia_of(x, &centroids, &labels);
    Ok(KMeansFit {
        centroids,
        labels,
        inertia,
        best_run: 0,
        runs: vec![RunInfo {
            seed: p.seed,
            n_iter: 0,
            converged: true,
            inertia,
        }],
    })
}
