//! Topic training as passes over shares of a corpus (Spark partitions, or any split of the
//! documents in corpus order): each share computes partial statistics, a driver merges them in
//! share order and takes the small dense steps (the vocabulary, the SVD of a sample, k-means
//! restarts on a sample, the centroid and mixture updates, naming the topics). The result is an
//! ordinary model, trained as [`ValidTopicParams::fit`] trains: the same vocabulary, sample,
//! SVD and restarts; the passes over all documents add up per share rather than per block, so
//! sums may differ in their last bits.
//!
//! The passes, in order (`tasnif.spark.train_topics` runs them; `tests` below runs them on
//! shares in memory):
//!
//! 1. every share: [`share_counts`] → the driver [`PassTrainer::add_counts`], then
//!    [`PassTrainer::vocabulary`];
//! 2. every share: [`ShareRows::new`] (kept by the share) and [`ShareRows::sampled`] → the
//!    driver [`PassTrainer::fit_svd`];
//! 3. every share: [`ShareLsa::new`] (kept) and [`ShareLsa::partial`] → the driver
//!    [`PassTrainer::cluster`], which says whether Lloyd's iterations over every row follow;
//! 4. while it says so, every share: [`ShareLsa::assign`] → [`PassTrainer::lloyd`];
//! 5. every share: [`ShareRows::hard_counts`] → [`PassTrainer::start_mixture`]; then while
//!    it says so, [`ShareRows::e_step`] → [`PassTrainer::mixture_step`];
//! 6. every share: [`ShareLsa::sums`] → [`PassTrainer::centroids`]; every share:
//!    [`ShareRows::describe`] → [`PassTrainer::finish`], the model.
//!
//! Each share needs the driver's [`Plan`] (serialisable: broadcast it) and the labels of its
//! documents (a slice of [`PassTrainer::labels`]).

use ndarray::{Array2, s};
use serde::{Deserialize, Serialize};

use super::describe::{Lsa, TopicSums, describe_sums};
use super::kmeans::{ClusterSums, KMeansParams};
use super::mixture::{ExpectedCounts, TopicMixture};
use super::named;
use super::pipeline::{relaxed, sample};
use super::{GivenTopic, TopicParams, TopicsError, ValidTopicParams, lsa_dimensions, runs_within};
use crate::linalg::{CountMatrix, CsrMatrix, Svd, SvdParams, normalize_rows};
use crate::model::{Model, ModelKind, TrainedParams, TrainingFacts};
use crate::text::{Analyzer, AnalyzerConfig};
use crate::vectorize::{TermCounts, TfidfParams, TfidfVectorizer, VectorizeError};

/// What every share needs to know from the driver for the next pass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub analyzer: AnalyzerConfig,
    pub tfidf: TfidfParams,
    pub vectorizer: Option<TfidfVectorizer>,
    /// The documents the SVD is fitted on (indices in corpus order); `None`: all.
    pub svd_rows: Option<Vec<usize>>,
    pub svd: Option<Svd>,
    /// The LSA rows k-means restarts run on; `None`: all.
    pub kmeans_rows: Option<Vec<usize>>,
    /// Each named topic's seed columns.
    pub seed_cols: Vec<Vec<u32>>,
    pub centroids: Option<Array2<f64>>,
    pub mixture: Option<TopicMixture>,
}

/// Counts of one share's texts (cleaned article texts, in corpus order).
pub fn share_counts<T: AsRef<str> + Sync>(plan: &Plan, texts: &[T]) -> crate::Result<TermCounts> {
    let analyzer = Analyzer::new(plan.analyzer.clone())?;
    let params = plan.tfidf.clone().check()?;
    Ok(TermCounts::of_texts(&analyzer, &params, texts))
}

/// One share's documents on the vocabulary: (column, count) rows and titles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareRows {
    /// The index of the share's first document in the corpus.
    pub first: usize,
    pub rows: Vec<Vec<(u32, u32)>>,
    pub titles: Vec<String>,
}

fn vectorizer(plan: &Plan) -> &TfidfVectorizer {
    plan.vectorizer
        .as_ref()
        .expect("the plan has the vocabulary (pass 1 done)")
}

impl ShareRows {
    pub fn new<T: AsRef<str> + Sync>(
        plan: &Plan,
        first: usize,
        texts: &[T],
    ) -> crate::Result<Self> {
        use rayon::prelude::*;
        let analyzer = Analyzer::new(plan.analyzer.clone())?;
        let v = vectorizer(plan);
        let rows = (texts.par_iter())
            .map(|t| {
                let terms = analyzer.terms(t.as_ref());
                let (cols, _, counts) = v.transform_one_counted(&terms);
                cols.into_iter().zip(counts).collect()
            })
            .collect();
        let titles = texts
            .iter()
            .map(|t| super::describe::title_of(t.as_ref()))
            .collect();
        Ok(ShareRows {
            first,
            rows,
            titles,
        })
    }

    fn range(&self) -> std::ops::Range<usize> {
        self.first..self.first + self.rows.len()
    }

    fn matrix(&self, plan: &Plan) -> CountMatrix {
        CountMatrix::from_rows(&self.rows, vectorizer(plan).vocabulary().len())
    }

    /// The share's rows among the SVD's sample, with their indices.
    pub fn sampled(&self, plan: &Plan) -> Vec<(usize, Vec<(u32, u32)>)> {
        picked(plan.svd_rows.as_deref(), self.range())
            .map(|d| (d, self.rows[d - self.first].clone()))
            .collect()
    }

    /// The mixture's statistics of the share's documents under `labels` (theirs, in order).
    pub fn hard_counts(&self, plan: &Plan, labels: &[u32], k: usize) -> ExpectedCounts {
        let m = self.matrix(plan);
        let labels: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
        let mut total = ExpectedCounts::zeros(m.n_cols(), k);
        m.for_each_block(|b| {
            let part = ExpectedCounts::of_partition(
                b,
                &labels[b.first_row..b.first_row + b.n_rows()],
                m.n_cols(),
                k,
            );
            total.merge(&part);
        });
        total
    }

    /// One E-step of the mixture over the share: each document's most probable topic, and
    /// (when `collect`) the expected counts.
    pub fn e_step(&self, plan: &Plan, collect: bool) -> (Vec<u32>, Option<ExpectedCounts>) {
        let w = plan.mixture.as_ref().expect("the plan has the mixture");
        let m = self.matrix(plan);
        let mut labels = Vec::with_capacity(self.rows.len());
        let mut total: Option<ExpectedCounts> = None;
        m.for_each_block(|b| {
            let (l, stats) = ExpectedCounts::of_block(w, b, collect);
            labels.extend(l.into_iter().map(|x| x as u32));
            if let Some(stats) = stats {
                match total.as_mut() {
                    Some(t) => t.merge(&stats),
                    None => total = Some(stats),
                }
            }
        });
        (labels, total)
    }

    /// What naming the topics needs of the share.
    pub fn describe(&self, plan: &Plan, lsa: &ShareLsa, labels: &[u32]) -> TopicSums {
        let v = vectorizer(plan);
        let centroids = plan.centroids.as_ref().expect("the plan has the centroids");
        let m = self.matrix(plan);
        let labels: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
        let mut sums = TopicSums::zeros(centroids.nrows(), v.vocabulary().len());
        m.for_each_block(|b| {
            let rows = b.first_row..b.first_row + b.n_rows();
            let block = Lsa {
                rows: &lsa.rows.slice(s![rows.clone(), ..]).to_owned(),
                centroids,
            };
            let mut shifted = b.clone();
            shifted.first_row += self.first;
            sums.add_block(v, &shifted, &labels[rows], &block, |r| {
                self.titles[b.first_row + r].as_str()
            });
        });
        sums
    }
}

/// The indices of `rows` (sorted; `None`: every index) in `range`.
fn picked(
    rows: Option<&[usize]>,
    range: std::ops::Range<usize>,
) -> Box<dyn Iterator<Item = usize> + '_> {
    match rows {
        None => Box::new(range),
        Some(r) => {
            let a = r.partition_point(|&d| d < range.start);
            let b = r.partition_point(|&d| d < range.end);
            Box::new(r[a..b].iter().copied())
        }
    }
}

/// One share's LSA rows (L2-normalised).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareLsa {
    pub first: usize,
    pub rows: Array2<f64>,
}

/// What the driver needs of a share's LSA rows to start k-means.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LsaPartial {
    /// The share's rows among k-means's sample, with their indices.
    pub sampled: Vec<(usize, Vec<f64>)>,
    /// Each named topic's sum of the rows whose largest seed weight is its own, weighted by
    /// that weight squared (the driver's sum of them is where the topic starts).
    pub seed_sums: Array2<f64>,
    /// Per dimension: the sum and sum of squares of the rows, and how many (the tolerance of
    /// Lloyd's iterations is scaled by the rows' variance).
    pub n: usize,
    pub sum: Vec<f64>,
    pub sum_sq: Vec<f64>,
}

impl ShareLsa {
    pub fn new(plan: &Plan, rows: &ShareRows) -> Self {
        let v = vectorizer(plan);
        let svd = plan.svd.as_ref().expect("the plan has the SVD");
        let m = rows.matrix(plan);
        let mut x = CsrMatrix::empty(m.n_cols());
        m.for_each_block(|b| {
            let values = v.weigh_block(b);
            let mut start = 0;
            for &end in &b.ends {
                x.push_row(&b.cols[start..end], &values[start..end]);
                start = end;
            }
        });
        let mut z = svd
            .projector()
            .transform(&x)
            .expect("the vocabulary's columns");
        normalize_rows(&mut z);
        ShareLsa {
            first: rows.first,
            rows: z,
        }
    }

    pub fn partial(&self, plan: &Plan, rows: &ShareRows) -> LsaPartial {
        let range = self.first..self.first + self.rows.nrows();
        let sampled = picked(plan.kmeans_rows.as_deref(), range)
            .map(|d| (d, self.rows.row(d - self.first).to_vec()))
            .collect();
        let d = self.rows.ncols();
        let (mut sum, mut sum_sq) = (vec![0.0; d], vec![0.0; d]);
        for row in self.rows.rows() {
            for (j, &x) in row.iter().enumerate() {
                sum[j] += x;
                sum_sq[j] += x * x;
            }
        }
        let m = plan.seed_cols.len();
        let mut seed_sums = Array2::zeros((m, d));
        if m > 0 {
            let weights =
                named::seed_weights(&rows.matrix(plan), vectorizer(plan), &plan.seed_cols);
            for (r, w) in weights.rows().into_iter().enumerate() {
                if let Some((j, &x)) = (w.iter().enumerate())
                    .filter(|(_, x)| **x > 0.0)
                    .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
                {
                    seed_sums.row_mut(j).scaled_add(x * x, &self.rows.row(r));
                }
            }
        }
        LsaPartial {
            sampled,
            seed_sums,
            n: self.rows.nrows(),
            sum,
            sum_sq,
        }
    }

    /// One Lloyd assignment of the share's rows to the plan's centroids.
    pub fn assign(&self, plan: &Plan) -> crate::Result<(Vec<u32>, ClusterSums)> {
        let c = plan.centroids.as_ref().expect("the plan has the centroids");
        let (labels, sums) = ClusterSums::assign(self.rows.view(), c.view())?;
        Ok((labels.into_iter().map(|l| l as u32).collect(), sums))
    }

    /// The rows' sums per topic under `labels` (for the centroids of the final topics).
    pub fn sums(&self, labels: &[u32], k: usize) -> ClusterSums {
        let labels: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
        ClusterSums::of_labels(self.rows.view(), &labels, k)
    }
}

/// The driver: merges what the shares send and takes the steps between passes.
pub struct PassTrainer {
    params: TopicParams,
    k: usize,
    pub plan: Plan,
    counts: TermCounts,
    surface: Vec<String>,
    used_tfidf: TfidfParams,
    given: Vec<GivenTopic>,
    labels: Vec<u32>,
    centroids: Array2<f64>,
    tol: f64,
    lloyd_iter: usize,
    /// The next pass of Lloyd's iterations or of the mixture is the last (labels only).
    last_pass: bool,
    kmeans_runs: usize,
    em_moved: Vec<usize>,
    kmeans_labels: Vec<u32>,
    corpora: Vec<String>,
    skipped: usize,
}

impl PassTrainer {
    /// A training run of `params` (a fixed k: choosing k over a range needs every row).
    pub fn new(params: ValidTopicParams) -> crate::Result<Self> {
        let p = params.params().clone();
        let super::KChoice::Fixed(k) = p.k else {
            return Err(TopicsError::KRangeInPasses.into());
        };
        Ok(PassTrainer {
            k,
            plan: Plan {
                analyzer: p.analyzer.clone(),
                tfidf: p.tfidf.clone(),
                vectorizer: None,
                svd_rows: None,
                svd: None,
                kmeans_rows: None,
                seed_cols: Vec::new(),
                centroids: None,
                mixture: None,
            },
            used_tfidf: p.tfidf.clone(),
            params: p,
            counts: TermCounts::default(),
            surface: Vec::new(),
            given: Vec::new(),
            labels: Vec::new(),
            centroids: Array2::zeros((0, 0)),
            tol: 0.0,
            lloyd_iter: 0,
            last_pass: false,
            kmeans_runs: 0,
            em_moved: Vec::new(),
            kmeans_labels: Vec::new(),
            corpora: Vec::new(),
            skipped: 0,
        })
    }

    /// What the model's facts say it was trained on, and how many inputs were skipped.
    pub fn corpus(&mut self, corpora: Vec<String>, skipped: usize) {
        self.corpora = corpora;
        self.skipped = skipped;
    }

    /// Pass 1: a share's counts, in share order.
    pub fn add_counts(&mut self, share: &TermCounts) {
        self.counts.merge(share);
    }

    pub fn n_docs(&self) -> usize {
        self.counts.n_docs as usize
    }

    /// The number of topics.
    pub fn k(&self) -> usize {
        self.k
    }

    /// After pass 1: the vocabulary, the SVD's sample and the named topics' seed columns.
    pub fn vocabulary(&mut self) -> crate::Result<()> {
        let n = self.n_docs();
        if n == 0 {
            return Err(TopicsError::NoDocuments.into());
        }
        if self.k >= n {
            return Err(TopicsError::KTooLarge { k: self.k, n }.into());
        }
        let empty = |e| match e {
            VectorizeError::EmptyVocabulary(_) => TopicsError::EmptyVocabulary(n).into(),
            e => crate::Error::from(e),
        };
        let (v, surface) = match self.counts.vectorizer(&self.params.tfidf.clone().check()?) {
            Err(VectorizeError::EmptyVocabulary(_)) if relaxed(&self.params.tfidf).is_some() => {
                let r = relaxed(&self.params.tfidf).expect("checked");
                let out = self.counts.vectorizer(&r.clone().check()?).map_err(empty)?;
                self.used_tfidf = r;
                out
            }
            r => r.map_err(empty)?,
        };
        let analyzer = Analyzer::new(self.params.analyzer.clone())?;
        let mut seed_cols = Vec::new();
        self.given.clear();
        for t in &self.params.named {
            let (terms, cols) = t.columns(&analyzer, &v);
            if cols.is_empty() {
                return Err(named::NamedTopicsError::SeedsUnknown {
                    topic: t.name.clone(),
                    seeds: t.seeds.join(", "),
                    terms: terms.join(", "),
                }
                .into());
            }
            self.given.push(GivenTopic {
                name: t.name.clone(),
                name_ar: t.name_ar.clone(),
                seeds: t.seeds.clone(),
                seed_terms: cols
                    .iter()
                    .map(|&j| v.vocabulary()[j as usize].clone())
                    .collect(),
            });
            seed_cols.push(cols);
        }
        self.surface = surface;
        self.plan.vectorizer = Some(v);
        self.plan.seed_cols = seed_cols;
        self.plan.svd_rows = sample(n, self.params.svd_sample, self.params.svd.seed);
        self.plan.kmeans_rows = sample(n, self.params.kmeans_sample, self.params.kmeans.seed ^ 1);
        Ok(())
    }

    /// After pass 2: the SVD of the sampled rows (every share's, in index order).
    pub fn fit_svd(&mut self, mut sampled: Vec<(usize, Vec<(u32, u32)>)>) -> crate::Result<()> {
        sampled.sort_unstable_by_key(|s| s.0);
        let v = vectorizer(&self.plan);
        let n_terms = v.vocabulary().len();
        let rows: Vec<Vec<(u32, u32)>> = sampled.into_iter().map(|s| s.1).collect();
        let m = CountMatrix::from_rows(&rows, n_terms);
        let svd_params = SvdParams {
            n_components: (self.params.lsa_dims).unwrap_or_else(|| {
                lsa_dimensions(self.n_docs(), n_terms, self.params.svd.n_components)
            }),
            ..self.params.svd.clone()
        }
        .check()?;
        self.plan.svd = Some(svd_params.fit(&v.tfidf_matrix(&m, None))?);
        Ok(())
    }

    /// After pass 3: k-means restarts on the sampled LSA rows (started, for named topics,
    /// where their seed words stand out). Returns whether Lloyd's iterations over every row
    /// follow (pass 4); otherwise the sample was every row and [`labels`](Self::labels) are
    /// k-means's.
    pub fn cluster(&mut self, partials: &[LsaPartial]) -> crate::Result<bool> {
        let n = self.n_docs();
        let d = partials.first().map_or(0, |p| p.sum.len());
        let mut sampled: Vec<&(usize, Vec<f64>)> =
            partials.iter().flat_map(|p| &p.sampled).collect();
        sampled.sort_unstable_by_key(|s| s.0);
        let mut z = Array2::zeros((sampled.len(), d));
        for (r, s) in sampled.iter().enumerate() {
            z.row_mut(r).assign(&ndarray::ArrayView1::from(&s.1));
        }
        if !z.rows().into_iter().any(|r| r != z.row(0)) {
            return Err(TopicsError::IdenticalDocuments.into());
        }
        let m = self.plan.seed_cols.len();
        let starts = (m > 0)
            .then(|| -> crate::Result<Array2<f64>> {
                let mut sums = Array2::zeros((m, d));
                for p in partials {
                    sums += &p.seed_sums;
                }
                for (j, mut row) in sums.rows_mut().into_iter().enumerate() {
                    let norm = row.dot(&row).sqrt();
                    if norm == 0.0 {
                        let t = &self.params.named[j];
                        return Err(named::NamedTopicsError::NoSeedArticles {
                            topic: t.name.clone(),
                            seeds: t.seeds.join(", "),
                        }
                        .into());
                    }
                    row /= norm;
                }
                Ok(sums)
            })
            .transpose()?;
        let fixed = starts.as_ref().is_some_and(|s| s.nrows() == self.k);
        self.kmeans_runs = if fixed {
            1
        } else {
            runs_within(n, self.params.kmeans.n_runs, self.params.max_runs)
        };
        let p = KMeansParams {
            k: self.k,
            n_runs: self.kmeans_runs,
            starts,
            ..self.params.kmeans.clone()
        }
        .check()?;
        let fit = p.fit(z.view())?;
        self.centroids = fit.centroids;
        if self.plan.kmeans_rows.is_none() {
            self.labels = fit.labels.into_iter().map(|l| l as u32).collect();
            return Ok(false);
        }
        // the tolerance of Lloyd's iterations on every row: scikit-learn's, scaled by the mean
        // variance of the rows
        let (mut count, mut sum, mut sum_sq) = (0usize, vec![0.0; d], vec![0.0; d]);
        for p in partials {
            count += p.n;
            sum.iter_mut().zip(&p.sum).for_each(|(a, b)| *a += b);
            sum_sq.iter_mut().zip(&p.sum_sq).for_each(|(a, b)| *a += b);
        }
        let nf = count as f64;
        let var: f64 = (sum.iter().zip(&sum_sq))
            .map(|(s, q)| (q / nf - (s / nf) * (s / nf)).max(0.0))
            .sum::<f64>()
            / d.max(1) as f64;
        self.tol = self.params.kmeans.tol * var;
        self.labels = vec![u32::MAX; n];
        self.lloyd_iter = 0;
        self.plan.centroids = Some(self.centroids.clone());
        Ok(true)
    }

    /// Pass 4: every share's labels and sums under the plan's centroids, in share order.
    /// Returns whether another pass follows; when not, [`labels`](Self::labels) are final.
    /// The steps of tasnif's own iterations: stop when no label changes; otherwise move the
    /// centroids, and once they move by at most the tolerance, assign once more and stop.
    pub fn lloyd(&mut self, shares: &[(Vec<u32>, ClusterSums)]) -> bool {
        let labels: Vec<u32> = shares.iter().flat_map(|s| s.0.iter().copied()).collect();
        let changed = labels
            .iter()
            .zip(&self.labels)
            .filter(|(a, b)| a != b)
            .count();
        self.labels = labels;
        self.lloyd_iter += 1;
        if self.last_pass || changed == 0 || self.lloyd_iter >= self.params.kmeans.max_iter {
            self.last_pass = false;
            return false;
        }
        let mut total = ClusterSums::zeros(self.k, self.centroids.ncols());
        for (_, s) in shares {
            total.merge(s);
        }
        let mut shift = 0.0;
        for (j, &cnt) in total.counts.iter().enumerate() {
            if cnt == 0 {
                continue; // an emptied cluster keeps its centroid
            }
            let new = total.sums.row(j).mapv(|v| v / cnt as f64);
            shift += (&new - &self.centroids.row(j)).mapv(|v| v * v).sum();
            self.centroids.row_mut(j).assign(&new);
        }
        self.plan.centroids = Some(self.centroids.clone());
        self.last_pass = shift <= self.tol;
        true
    }

    /// The labels so far, one per document in corpus order.
    pub fn labels(&self) -> &[u32] {
        &self.labels
    }

    /// Pass 5 starts: the shares' statistics of the k-means partition. Returns whether the
    /// mixture refinement runs (E-steps follow).
    pub fn start_mixture(&mut self, shares: &[ExpectedCounts]) -> bool {
        self.kmeans_labels = self.labels.clone();
        let Some(mp) = &self.params.mixture else {
            return false;
        };
        let mut total = ExpectedCounts::zeros(vectorizer(&self.plan).vocabulary().len(), self.k);
        for s in shares {
            total.merge(s);
        }
        self.plan.mixture = Some(TopicMixture::from_counts(total, mp.alpha, self.n_docs()));
        self.em_moved.clear();
        self.last_pass = false;
        true
    }

    /// Pass 5: every share's E-step (labels, and statistics when
    /// [`mixture_collects`](Self::mixture_collects)), in share order. Returns whether another
    /// follows. The steps of the in-memory refinement: stop when no label changes; otherwise
    /// update the mixture, and once few labels change (or the iterations run out) one more
    /// E-step gives the labels the stored mixture assigns.
    pub fn mixture_step(&mut self, shares: &[(Vec<u32>, Option<ExpectedCounts>)]) -> bool {
        let mp = self.params.mixture.clone().expect("the mixture runs");
        let n = self.n_docs();
        let next: Vec<u32> = shares.iter().flat_map(|s| s.0.iter().copied()).collect();
        if self.last_pass {
            self.last_pass = false;
            self.labels = next;
            return false;
        }
        let changed = next
            .iter()
            .zip(&self.labels)
            .filter(|(a, b)| a != b)
            .count();
        self.em_moved.push(changed);
        self.labels = next;
        if changed == 0 {
            return false;
        }
        let mut total = ExpectedCounts::zeros(vectorizer(&self.plan).vocabulary().len(), self.k);
        for s in shares.iter().filter_map(|s| s.1.as_ref()) {
            total.merge(s);
        }
        self.plan.mixture = Some(TopicMixture::from_counts(total, mp.alpha, n));
        self.last_pass = changed as f64 <= mp.tol * n as f64 || self.em_moved.len() >= mp.max_iter;
        true
    }

    /// Whether the next E-step is to collect statistics (or only give the final labels).
    pub fn mixture_collects(&self) -> bool {
        !self.last_pass
    }

    /// After pass 5 (or 4): keeps the refined topics, or the k-means partition when the
    /// mixture emptied a topic; returns the labels to compute the centroids with (pass 6).
    pub fn settle(&mut self) -> &[u32] {
        if self.plan.mixture.is_some() {
            let mut sizes = vec![0usize; self.k];
            for &l in &self.labels {
                sizes[l as usize] += 1;
            }
            if sizes.contains(&0) {
                self.plan.mixture = None;
                self.labels = self.kmeans_labels.clone();
            }
        }
        &self.labels
    }

    /// Pass 6a: the shares' sums of LSA rows per topic: the final centroids.
    pub fn centroids(&mut self, shares: &[ClusterSums]) {
        let mut total = ClusterSums::zeros(self.k, self.centroids.ncols());
        for s in shares {
            total.merge(s);
        }
        let mut c = total.means();
        normalize_rows(&mut c);
        self.plan.centroids = Some(c);
    }

    /// Pass 6b: the shares' topic sums, in share order: the model.
    pub fn finish(self, shares: &[TopicSums]) -> crate::Result<Model> {
        let v = self.plan.vectorizer.clone().expect("pass 1 done");
        let mut total = TopicSums::zeros(self.k, v.vocabulary().len());
        for s in shares {
            total.merge(s);
        }
        let mut topics = describe_sums(
            &total,
            &v,
            &self.surface,
            self.params.n_top_terms,
            self.params.top_words,
        );
        for (t, g) in topics.iter_mut().zip(self.given) {
            t.given = Some(g);
        }
        let mut used = self.params.clone();
        used.tfidf = self.used_tfidf;
        used.kmeans.n_runs = self.kmeans_runs;
        used.kmeans.k = self.k;
        let n = self.counts.n_docs as usize;
        Ok(Model {
            analyzer: self.params.analyzer.clone(),
            vectorizer: v,
            surface: self.surface,
            kind: ModelKind::Topics(super::TopicModel {
                svd: self.plan.svd.expect("pass 2 done"),
                centroids: self.plan.centroids.expect("pass 6a done"),
                topics,
                mixture: self.plan.mixture,
                k_scan: Vec::new(),
            }),
            facts: TrainingFacts {
                corpora: self.corpora,
                n_skipped: self.skipped,
                ..TrainingFacts::now(n, self.params.kmeans.seed, TrainedParams::Topics(used))
            },
        })
    }
}

/// Runs every pass over shares held in memory, as a distributed run would over its
/// partitions: the reference the Spark driver follows, and what the tests compare with
/// [`ValidTopicParams::fit`].
pub fn train_in_passes<T: AsRef<str> + Sync>(
    params: ValidTopicParams,
    shares: &[Vec<T>],
) -> crate::Result<(Model, Vec<u32>)> {
    let mut t = PassTrainer::new(params)?;
    for s in shares {
        t.add_counts(&share_counts(&t.plan, s)?);
    }
    t.vocabulary()?;
    let mut first = 0;
    let mut rows = Vec::new();
    for s in shares {
        rows.push(ShareRows::new(&t.plan, first, s)?);
        first += s.len();
    }
    t.fit_svd(rows.iter().flat_map(|r| r.sampled(&t.plan)).collect())?;
    let lsa: Vec<ShareLsa> = rows.iter().map(|r| ShareLsa::new(&t.plan, r)).collect();
    let partials: Vec<LsaPartial> = lsa
        .iter()
        .zip(&rows)
        .map(|(l, r)| l.partial(&t.plan, r))
        .collect();
    if t.cluster(&partials)? {
        loop {
            let parts = lsa
                .iter()
                .map(|l| l.assign(&t.plan))
                .collect::<crate::Result<Vec<_>>>()?;
            if !t.lloyd(&parts) {
                break;
            }
        }
    }
    let k = t.k;
    let slice = |t: &PassTrainer, r: &ShareRows| t.labels()[r.range()].to_vec();
    let hard: Vec<ExpectedCounts> = rows
        .iter()
        .map(|r| r.hard_counts(&t.plan, &slice(&t, r), k))
        .collect();
    if t.start_mixture(&hard) {
        loop {
            let collect = t.mixture_collects();
            let steps: Vec<_> = rows.iter().map(|r| r.e_step(&t.plan, collect)).collect();
            if !t.mixture_step(&steps) {
                break;
            }
        }
    }
    let labels = t.settle().to_vec();
    let sums: Vec<ClusterSums> = lsa
        .iter()
        .zip(&rows)
        .map(|(l, r)| l.sums(&labels[r.range()], k))
        .collect();
    t.centroids(&sums);
    let described: Vec<TopicSums> = (rows.iter().zip(&lsa))
        .map(|(r, l)| r.describe(&t.plan, l, &labels[r.range()]))
        .collect();
    Ok((t.finish(&described)?, labels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::clustering::nmi;
    use crate::topics::NamedTopic;

    fn texts() -> Vec<String> {
        let corpus = crate::Corpus::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data")).unwrap();
        corpus.docs.into_iter().map(|d| d.text).collect()
    }

    fn shares(texts: &[String], cuts: &[usize]) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut at = 0;
        for &c in cuts.iter().chain([&texts.len()]) {
            out.push(texts[at..c].to_vec());
            at = c;
        }
        out
    }

    /// The same topics whether trained at once or in passes over shares, on the in-memory
    /// path's every setting: all documents sampled, or (small samples) the sampled SVD, k-means
    /// restarts on a sample and Lloyd's iterations over every share; with named topics too.
    #[test]
    fn passes_over_shares_train_the_topics_training_at_once_does() {
        let texts = texts();
        let corpus = crate::Corpus::from_documents(
            (texts.iter().enumerate())
                .map(|(i, t)| crate::Document::new(i.to_string(), t.clone()))
                .collect(),
        );
        let named = NamedTopic::read_file(concat!(env!("CARGO_MANIFEST_DIR"), "/data/topics.toml"))
            .unwrap();
        for (label, small, given) in [
            ("whole", false, false),
            ("sampled", true, false),
            ("named", false, true),
            ("named, sampled", true, true),
        ] {
            let mut p = TopicParams::new().k(4).seed(3);
            if small {
                p.svd_sample = 70;
                p.kmeans_sample = 60;
            }
            if given {
                p = p.named(named.clone());
            }
            let at_once = p.clone().check().unwrap().fit(&corpus).unwrap();
            let (model, labels) =
                train_in_passes(p.check().unwrap(), &shares(&texts, &[7, 50, 51])).unwrap();
            let labels: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
            let agreement = nmi(&at_once.assignments, &labels);
            assert!(
                agreement >= 0.99,
                "{label}: NMI {agreement} between the two"
            );
            let names = |m: &Model| -> Vec<String> {
                m.topics().unwrap().iter().map(|t| t.label()).collect()
            };
            assert_eq!(
                model.vectorizer().vocabulary(),
                at_once.model.vectorizer().vocabulary()
            );
            if given {
                assert_eq!(names(&model), names(&at_once.model), "{label}");
            }
            // an ordinary model: it classifies, as the one trained at once does
            let a = crate::Classifier::new(model).unwrap();
            let b = crate::Classifier::new(at_once.model).unwrap();
            let same = (texts.iter())
                .filter(|t| a.classify("", t).unwrap().class == b.classify("", t).unwrap().class)
                .count();
            assert!(
                same * 100 >= texts.len() * 99,
                "{label}: {same} of {} classified alike",
                texts.len()
            );
        }
    }

    #[test]
    fn a_range_of_k_is_refused() {
        let p = TopicParams::new().k_range(2, 5).check().unwrap();
        assert!(matches!(
            PassTrainer::new(p),
            Err(crate::Error::Topics(TopicsError::KRangeInPasses))
        ));
    }
}
