//! External clustering metrics against gold labels: NMI, ARI, purity, and the best
//! one-to-one topic → label mapping (Hungarian algorithm).
//!
//! Labels are dense ids (`0..n_classes`, `0..n_clusters`); use [`encode_labels`] for strings.
//! Formulas follow scikit-learn 1.5 (`normalized_mutual_info_score` with the default arithmetic
//! mean, `adjusted_rand_score` via the pair confusion matrix), including its edge cases.

use std::collections::HashMap;

/// Maps arbitrary labels to dense ids in order of first appearance; returns ids and names.
pub fn encode_labels<S: AsRef<str>>(labels: &[S]) -> (Vec<usize>, Vec<String>) {
    let mut ids = HashMap::new();
    let mut names = Vec::new();
    let out = labels
        .iter()
        .map(|l| {
            *ids.entry(l.as_ref().to_string()).or_insert_with(|| {
                names.push(l.as_ref().to_string());
                names.len() - 1
            })
        })
        .collect();
    (out, names)
}

/// Contingency table: rows = true classes, columns = predicted clusters.
pub fn contingency(truth: &[usize], pred: &[usize]) -> Vec<Vec<u64>> {
    assert_eq!(truth.len(), pred.len(), "truth and pred differ in length");
    let nc = truth.iter().copied().max().map_or(0, |m| m + 1);
    let nk = pred.iter().copied().max().map_or(0, |m| m + 1);
    let mut t = vec![vec![0u64; nk]; nc];
    for (&a, &b) in truth.iter().zip(pred) {
        t[a][b] += 1;
    }
    t
}

fn entropy(counts: impl Iterator<Item = u64>, n: f64) -> f64 {
    counts
        .filter(|&c| c > 0)
        .map(|c| {
            let p = c as f64 / n;
            -p * p.ln()
        })
        .sum()
}

/// Normalised mutual information, arithmetic-mean normalisation (scikit-learn's default).
pub fn nmi(truth: &[usize], pred: &[usize]) -> f64 {
    let t = contingency(truth, pred);
    let n = truth.len() as f64;
    let rows: Vec<u64> = t.iter().map(|r| r.iter().sum()).collect();
    let cols: Vec<u64> = (0..t.first().map_or(0, |r| r.len()))
        .map(|j| t.iter().map(|r| r[j]).sum())
        .collect();
    let n_classes = rows.iter().filter(|&&c| c > 0).count();
    let n_clusters = cols.iter().filter(|&&c| c > 0).count();
    // scikit-learn: both trivial (one or zero groups each) → perfect agreement.
    if n_classes == n_clusters && n_classes <= 1 {
        return 1.0;
    }
    let mut mi = 0.0;
    for (i, r) in t.iter().enumerate() {
        for (j, &c) in r.iter().enumerate() {
            if c > 0 {
                let c = c as f64;
                mi += c / n * ((c * n) / (rows[i] as f64 * cols[j] as f64)).ln();
            }
        }
    }
    let mi = mi.max(0.0);
    let h = 0.5 * (entropy(rows.into_iter(), n) + entropy(cols.into_iter(), n));
    mi / h.max(f64::EPSILON)
}

/// Adjusted Rand index (scikit-learn's pair-confusion formula).
pub fn ari(truth: &[usize], pred: &[usize]) -> f64 {
    let t = contingency(truth, pred);
    let n = truth.len() as f64;
    let sum_sq: f64 = t.iter().flatten().map(|&c| (c as f64) * (c as f64)).sum();
    let rows: Vec<f64> = t.iter().map(|r| r.iter().sum::<u64>() as f64).collect();
    let cols: Vec<f64> = (0..t.first().map_or(0, |r| r.len()))
        .map(|j| t.iter().map(|r| r[j]).sum::<u64>() as f64)
        .collect();
    let tp = sum_sq - n;
    let fp = cols.iter().map(|c| c * c).sum::<f64>() - sum_sq;
    let fn_ = rows.iter().map(|c| c * c).sum::<f64>() - sum_sq;
    let tn = n * n - fp - fn_ - sum_sq;
    if fn_ == 0.0 && fp == 0.0 {
        return 1.0;
    }
    2.0 * (tp * tn - fn_ * fp) / ((tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn))
}

/// Purity: share of rows whose cluster's majority class is their class.
pub fn purity(truth: &[usize], pred: &[usize]) -> f64 {
    if truth.is_empty() {
        return 1.0;
    }
    let t = contingency(truth, pred);
    let nk = t.first().map_or(0, |r| r.len());
    let hits: u64 = (0..nk)
        .map(|j| t.iter().map(|r| r[j]).max().unwrap_or(0))
        .sum();
    hits as f64 / truth.len() as f64
}

/// Best one-to-one mapping of clusters to classes, maximising the number of rows whose
/// cluster maps to their class (Hungarian algorithm). `mapping[cluster]` is `None` when there
/// are more clusters than classes and the cluster is left over. Also returns the accuracy of
/// that mapping (matched rows / all rows).
pub fn best_mapping(truth: &[usize], pred: &[usize]) -> (Vec<Option<usize>>, f64) {
    let t = contingency(truth, pred);
    let nc = t.len();
    let nk = t.first().map_or(0, |r| r.len());
    let size = nc.max(nk);
    if size == 0 {
        return (Vec::new(), 1.0);
    }
    // Square cost matrix: rows = clusters, cols = classes; cost = −count (padding 0).
    let maxc = t.iter().flatten().copied().max().unwrap_or(0) as i64;
    let cost: Vec<Vec<i64>> = (0..size)
        .map(|k| {
            (0..size)
                .map(|c| {
                    let v = if k < nk && c < nc { t[c][k] as i64 } else { 0 };
                    maxc - v
                })
                .collect()
        })
        .collect();
    let assign = hungarian(&cost);
    let mut mapping = vec![None; nk];
    let mut hits = 0u64;
    for (k, m) in mapping.iter_mut().enumerate() {
        let c = assign[k];
        if c < nc {
            *m = Some(c);
            hits += t[c][k];
        }
    }
    (mapping, hits as f64 / truth.len().max(1) as f64)
}

/// Minimum-cost perfect assignment on a square matrix (Kuhn–Munkres with potentials, O(n³)).
/// Returns `assign[row] = column`.
fn hungarian(cost: &[Vec<i64>]) -> Vec<usize> {
    let n = cost.len();
    let inf = i64::MAX / 4;
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; n + 1];
    let mut p = vec![0usize; n + 1]; // p[col] = row (1-based), 0 = free
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![inf; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = inf;
            let mut j1 = 0;
            for j in 1..=n {
                if !used[j] {
                    let cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut assign = vec![0; n];
    for j in 1..=n {
        if p[j] > 0 {
            assign[p[j] - 1] = j - 1;
        }
    }
    assign
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values produced with scikit-learn 1.5.2 (benches/compare/.venv):
    //   from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_rand_score as ari
    //   nmi(T, P); ari(T, P)      (NMI with the default average_method="arithmetic")
    // purity by hand: sum over clusters of the majority count / n.
    const T1: [usize; 12] = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    const P1: [usize; 12] = [0, 0, 1, 0, 1, 1, 2, 1, 2, 2, 0, 2];
    const T2: [usize; 10] = [0, 0, 1, 1, 1, 2, 2, 2, 2, 3];
    const P2: [usize; 10] = [1, 1, 0, 0, 2, 3, 3, 3, 4, 4];
    const NMI1: f64 = 0.48814049285708533;
    const ARI1: f64 = 0.3125;
    const NMI2: f64 = 0.8045385508045421;
    const ARI2: f64 = 0.55;

    #[test]
    fn matches_scikit_learn_reference_values() {
        assert!((nmi(&T1, &P1) - NMI1).abs() < 1e-12, "{}", nmi(&T1, &P1));
        assert!((ari(&T1, &P1) - ARI1).abs() < 1e-12, "{}", ari(&T1, &P1));
        assert!((nmi(&T2, &P2) - NMI2).abs() < 1e-12, "{}", nmi(&T2, &P2));
        assert!((ari(&T2, &P2) - ARI2).abs() < 1e-12, "{}", ari(&T2, &P2));
        assert!((purity(&T1, &P1) - 9.0 / 12.0).abs() < 1e-15);
        // T2/P2 cluster majorities: 2 (c0), 2 (c1), 1 (c2), 3 (c3), 1 (c4) = 9/10.
        assert!((purity(&T2, &P2) - 0.9).abs() < 1e-15);
    }

    #[test]
    fn edge_cases_like_scikit_learn() {
        // Identical up to renaming.
        let a = [0, 0, 1, 1, 2];
        let b = [2, 2, 0, 0, 1];
        assert!((nmi(&a, &b) - 1.0).abs() < 1e-12);
        assert_eq!(ari(&a, &b), 1.0);
        // Both trivial: 1.0 (scikit-learn convention).
        assert_eq!(nmi(&[0, 0, 0], &[0, 0, 0]), 1.0);
        assert_eq!(ari(&[0, 0, 0], &[0, 0, 0]), 1.0);
        // One cluster for everything vs real classes: NMI 0, ARI 0.
        assert_eq!(nmi(&[0, 0, 1, 1], &[0, 0, 0, 0]), 0.0);
        assert_eq!(ari(&[0, 0, 1, 1], &[0, 0, 0, 0]), 0.0);
    }

    #[test]
    fn hungarian_mapping_beats_greedy() {
        // Greedy (cluster 0 → its majority class 0) would leave cluster 1 with 1 hit; the
        // optimum maps 0→1, 1→0 for 3 + 4 = 7 hits out of 10.
        let truth = [0, 0, 0, 0, 1, 1, 1, 0, 0, 0];
        let pred = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
        // Counts: cluster0 = {class0: 4, class1: 3}, cluster1 = {class0: 3}.
        let (m, acc) = best_mapping(&truth, &pred);
        assert_eq!(m, vec![Some(1), Some(0)]);
        assert!((acc - 0.6).abs() < 1e-15);
        // More clusters than classes: one cluster left unmapped.
        let (m, acc) = best_mapping(&[0, 0, 1, 1], &[0, 1, 2, 2]);
        assert_eq!(m.iter().filter(|x| x.is_none()).count(), 1);
        assert_eq!(m[2], Some(1));
        assert!((acc - 0.75).abs() < 1e-15);
    }

    #[test]
    fn hungarian_matches_exhaustive_search() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
        for _ in 0..50 {
            let n = rng.gen_range(1..6);
            let cost: Vec<Vec<i64>> = (0..n)
                .map(|_| (0..n).map(|_| rng.gen_range(-20..20)).collect())
                .collect();
            let a = hungarian(&cost);
            let got: i64 = (0..n).map(|i| cost[i][a[i]]).sum();
            let mut perm: Vec<usize> = (0..n).collect();
            let mut best = i64::MAX;
            permutations(&mut perm, 0, &mut |p| {
                best = best.min((0..n).map(|i| cost[i][p[i]]).sum());
            });
            assert_eq!(got, best);
        }
    }

    fn permutations(p: &mut Vec<usize>, i: usize, f: &mut dyn FnMut(&[usize])) {
        if i == p.len() {
            f(p);
            return;
        }
        for j in i..p.len() {
            p.swap(i, j);
            permutations(p, i + 1, f);
            p.swap(i, j);
        }
    }

    #[test]
    fn encode_labels_in_first_seen_order() {
        let (ids, names) = encode_labels(&["b", "a", "b", "c"]);
        assert_eq!(ids, vec![0, 1, 0, 2]);
        assert_eq!(names, vec!["b", "a", "c"]);
    }
}
