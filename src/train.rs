//! Training pipelines: corpus → analysis → TF-IDF → (SVD → k-means → mixture refinement →
//! named topics) or
//! (linear classifier). The CLI only parses arguments, reports progress and prints.

use crate::cluster::{self, KMeansParams};
use crate::corpus::Corpus;
use crate::mixture::{self, MixtureParams};
use crate::model::{
    Model, ModelKind, SupervisedModel, TopTerm, Topic, TopicModel, TrainingFacts, training_date,
};
use crate::reduce::{self, Svd, SvdParams};
use crate::sparse::CsrMatrix;
use crate::supervised::{LinearSvcParams, Pooling};
use crate::text::analyzer::display_form;
use crate::text::{Analyzer, AnalyzerConfig};
use crate::vectorize::{DocFreq, FormCounts, TfidfParams, TfidfVectorizer};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Reports the progress of long stages (the CLI draws bars; the library stays silent).
pub trait Progress: Sync {
    fn stage(&self, _name: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish_stage(&self) {}
}

/// No progress reporting.
pub struct Silent;
impl Progress for Silent {}

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("the corpus has no readable documents")]
    NoDocuments,
    #[error(
        "k = {k} but the corpus has only {n} documents: k must be smaller than the number of documents"
    )]
    KTooLarge { k: usize, n: usize },
    #[error("k must be at least 2 (got {0})")]
    KTooSmall(usize),
    #[error(
        "supervised training needs labels: {0} documents have none (use a folder per label or a JSONL label field)"
    )]
    MissingLabels(usize),
    #[error("supervised training needs at least two labels (found {0})")]
    OneLabel(usize),
    #[error("all documents are identical after analysis: there is nothing to cluster")]
    IdenticalDocuments,
    #[error(
        "none of the {0} documents has a usable word left after analysis (only stopwords, numbers or non-Arabic text): there is nothing to learn from"
    )]
    EmptyVocabulary(usize),
    #[error(transparent)]
    Analyzer(#[from] crate::text::analyzer::AnalyzerError),
    #[error(transparent)]
    Vectorize(#[from] crate::vectorize::VectorizeError),
    #[error(transparent)]
    Reduce(#[from] crate::reduce::ReduceError),
    #[error(transparent)]
    Cluster(#[from] crate::cluster::ClusterError),
    #[error(transparent)]
    Supervised(#[from] crate::supervised::SupervisedError),
    #[error(transparent)]
    Mixture(#[from] crate::mixture::MixtureError),
}

/// How many topics: one k, or the best silhouette over a range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KChoice {
    Fixed(usize),
    Range(usize, usize),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicParams {
    pub analyzer: AnalyzerConfig,
    pub tfidf: TfidfParams,
    pub svd: SvdParams,
    /// `n_runs` is a floor: small corpora get more restarts ([`kmeans_runs`]).
    pub kmeans: KMeansParams,
    pub k: KChoice,
    pub n_top_terms: usize,
    pub top_words: TopWords,
    /// EM on a mixture of multinomials over the term counts, started from the k-means
    /// partition ([`crate::mixture`]); `None` keeps the k-means partition.
    #[serde(default)]
    pub mixture: Option<MixtureParams>,
}

/// How a topic's top words (and so its name) are ranked; see `describe_topics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TopWords {
    /// Weighted log-odds z-score against the rest of the corpus (Monroe et al. 2008).
    #[default]
    LogOdds,
    /// BERTopic's class-based TF-IDF, `tf(t, c) · ln(1 + A / f(t))`, kept to compare against
    /// (`examples/topic_words.rs`).
    ClassTfidf,
}

impl TopicParams {
    pub fn new(k: KChoice, seed: u64) -> Self {
        let kk = match k {
            KChoice::Fixed(k) | KChoice::Range(k, _) => k,
        };
        TopicParams {
            analyzer: AnalyzerConfig::default(),
            tfidf: TfidfParams {
                min_df: DocFreq::Count(2),
                // 0.5 dropped a topic's own key words on small corpora (migration words are in
                // 55% of data/: mean NMI over 5 seeds 0.63 → 0.68 with 0.9/1.0, examples/topic_grid.rs).
                max_df: DocFreq::Proportion(0.9),
                sublinear_tf: true,
                ..TfidfParams::default()
            },
            svd: SvdParams {
                seed,
                // 3 power iterations, not 5: NMI after the mixture refinement moved by at most
                // 0.002 over seeds 42, 1, 2 on the ANT balanced, random-balanced and full corpora
                // (`cluster_eval --svd-iter`), and the SVD of full ANT took 10–25% less time.
                // (`data/`-sized corpora get an exact SVD either way.)
                n_iter: 3,
                ..SvdParams::default()
            },
            kmeans: KMeansParams {
                seed,
                ..KMeansParams::new(kk)
            },
            k,
            n_top_terms: 10,
            top_words: TopWords::default(),
            mixture: Some(MixtureParams::default()),
        }
    }
}

/// Rows × restarts of k-means that [`kmeans_runs`] allows beyond `KMeansParams::n_runs`.
pub const KMEANS_RESTART_BUDGET: usize = 120_000;
/// At most this many k-means restarts, however small the corpus.
pub const KMEANS_MAX_RUNS: usize = 100;

/// k-means restarts used on `n_docs` documents: `n_runs` at least, more on small corpora, up to
/// [`KMEANS_MAX_RUNS`] while `runs × n_docs` stays within [`KMEANS_RESTART_BUDGET`].
///
/// Why: on small corpora the k-means objective has many local minima of almost equal inertia
/// that split the documents very differently, so which one 10 runs land in depends on the seed.
/// Restarts are what cures that, and they cost little there. Measured with
/// `examples/cluster_eval.rs --n-runs R`, seeds 42 and 1–9 (mean / min NMI):
/// `data/` (111 docs, k = 4) 10 runs 0.716 / 0.555, 100 runs 0.774 / 0.739; ANT balanced sample
/// (5,981, k = 6) 10 runs 0.680 / 0.637, 20 runs 0.687 / 0.685. On full ANT (28,933) the
/// budget allows fewer than 10, so `n_runs` (10) applies and the time is unchanged.
pub fn kmeans_runs(n_docs: usize, n_runs: usize) -> usize {
    n_runs.max((KMEANS_RESTART_BUDGET / n_docs.max(1)).min(KMEANS_MAX_RUNS))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupervisedParams {
    pub analyzer: AnalyzerConfig,
    pub tfidf: TfidfParams,
    pub svc: LinearSvcParams,
    /// When the documents carry a `source` (several outlets pooled) and the outlets' label
    /// sets differ: which rows of an outlet lacking a label its one-vs-rest problem keeps
    /// ([`LinearSvcParams::fit_pooled`]). `None`: every row in every problem.
    #[serde(default)]
    pub pooling: Option<Pooling>,
}

impl SupervisedParams {
    /// Chosen on ANT without the test outlets (examples/supervised_eval.rs `--validate`), by
    /// the mean of two macro-F1s computed inside the training outlets: cross-outlet (train on
    /// skynews, score alarabia, and back) and mixed-outlet (one outlet whole plus the earlier
    /// 70% of the other, scored on its later 30%, both ways; only these folds see
    /// middleEast vs internationalNews). Baseline (min_df 5, sublinear tf, unigrams, plain
    /// SVM C 0.1): 0.848 / 0.907 (mean 0.878). Adopted: word bigrams, NBSVM log-count-ratio
    /// scaling with smoothing 4, reliable-negative pooling: 0.865 / 0.921 (mean 0.893).
    /// Settings within 0.005 of the best mean counted as ties and the smaller model won:
    /// min_df 2 scored 0.896 with 4× the features (~20 MB of weights).
    ///
    /// Then (same folds, same score; squared-hinge SVM C 0.1 min_df 5 = 0.8930): hinge loss
    /// 0.881 (C 0.1) / 0.882 (C 0.3); NBSVM interpolation β 0.75 / 0.5 / 0.25 0.890 / 0.886 /
    /// 0.870; class weights (balanced)^1.5 0.894, ^0.5 0.884; no idf 0.892; title counted 2×
    /// / 3× 0.893 / 0.892; logistic loss min_df 5 C 0.3 / 1 / 3 / 10 0.892 / 0.895 / 0.896 /
    /// 0.894. Best mean: logistic loss C 1 with min_df 2, 0.8826 / 0.9163 (mean 0.8994;
    /// neighbours C 3 0.898, NB smoothing 8 0.899). Not adopted, on a product constraint
    /// rather than a score: min_df 2 makes a 39 MB model (408k features) that takes ~220 ms to
    /// load and classify one file, over our 100 ms load budget, against 9 MB and ~55 ms; and at
    /// min_df 5 the logistic loss (0.895) ties the squared hinge (0.893) within 0.005, so the
    /// squared-hinge SVM stays. (Measured once on the test outlets, the min_df 2 logistic
    /// setting scored macro-F1 0.767 against this one's 0.779: validation at this resolution
    /// does not rank settings the way the test outlets do.)
    ///
    /// Later candidates, same folds: within-word character 3–5-grams beside the words
    /// (`--char-weight` 0.5 / 1) 0.8895 / 0.8890; C 0.05–0.2 × max_df 0.5 / 1 × NB smoothing
    /// 2–8, 0.8908–0.8935. None adopted.
    pub fn new(seed: u64) -> Self {
        SupervisedParams {
            analyzer: AnalyzerConfig::default(),
            tfidf: TfidfParams {
                min_df: DocFreq::Count(5),
                sublinear_tf: true,
                ngram_range: (1, 2),
                ..TfidfParams::default()
            },
            svc: LinearSvcParams {
                seed,
                nb_smoothing: Some(4.0),
                ..LinearSvcParams::default()
            },
            pooling: Some(Pooling::ReliableNegatives),
        }
    }
}

/// The most frequent surface word (display form) of each vocabulary term (ties: the shorter,
/// then the smaller string, so the choice is deterministic); a bigram shows its two words'.
pub fn surface_words(forms: &FormCounts, vocabulary: &[String]) -> Vec<String> {
    let mut by_term: FxHashMap<&str, FxHashMap<String, u64>> = FxHashMap::default();
    for (form, term, n) in forms.iter() {
        *by_term
            .entry(term)
            .or_default()
            .entry(display_form(form))
            .or_default() += n;
    }
    let best: FxHashMap<&str, String> = by_term
        .into_iter()
        .filter_map(|(term, words)| {
            words
                .into_iter()
                .max_by(|a, b| {
                    a.1.cmp(&b.1)
                        .then_with(|| b.0.len().cmp(&a.0.len()))
                        .then_with(|| b.0.cmp(&a.0))
                })
                .map(|(w, _)| (term, w))
        })
        .collect();
    let word = |t: &str| best.get(t).cloned().unwrap_or_else(|| t.to_string());
    vocabulary
        .iter()
        .map(|t| match t.split_once(' ') {
            Some((a, b)) => format!("{} {}", word(a), word(b)),
            None => word(t),
        })
        .collect()
}

fn facts(corpus: &Corpus, corpus_name: &str, seed: u64, params_json: String) -> TrainingFacts {
    TrainingFacts {
        corpus: corpus_name.to_string(),
        n_docs: corpus.docs.len(),
        n_skipped: corpus.skipped.len(),
        trained_on: training_date(),
        seed,
        tasnif_version: env!("CARGO_PKG_VERSION").to_string(),
        params_json,
    }
}

/// Trains a topic model. Returns the model and the cluster of every training document.
pub fn train_topics(
    corpus: &Corpus,
    corpus_name: &str,
    params: &TopicParams,
    progress: &dyn Progress,
) -> Result<(Model, Vec<usize>), TrainError> {
    let n = corpus.docs.len();
    if n == 0 {
        return Err(TrainError::NoDocuments);
    }
    let (k_lo, k_hi) = match params.k {
        KChoice::Fixed(k) => (k, k),
        KChoice::Range(a, b) => (a.min(b), a.max(b)),
    };
    if k_lo < 2 {
        return Err(TrainError::KTooSmall(k_lo));
    }
    if k_hi >= n {
        return Err(TrainError::KTooLarge { k: k_hi, n });
    }
    let analyzer = Analyzer::new(params.analyzer.clone())?;
    let texts: Vec<&str> = corpus.docs.iter().map(|d| d.text.as_str()).collect();

    progress.stage("analysing and vectorising", 1);
    let tfidf = params.tfidf.clone().check()?;
    let fitted =
        match TfidfVectorizer::fit_transform_texts_detailed(&tfidf, &analyzer, &texts, true) {
            // Tiny corpora: min_df = 2 can prune everything; fall back to every term.
            Err(crate::vectorize::VectorizeError::EmptyVocabulary(_))
                if params.tfidf.min_df != DocFreq::Count(1) =>
            {
                let relaxed = TfidfParams {
                    min_df: DocFreq::Count(1),
                    max_df: DocFreq::Proportion(1.0),
                    ..params.tfidf.clone()
                }
                .check()?;
                TfidfVectorizer::fit_transform_texts_detailed(&relaxed, &analyzer, &texts, true)
                    .map_err(|e| match e {
                        crate::vectorize::VectorizeError::EmptyVocabulary(_) => {
                            TrainError::EmptyVocabulary(n)
                        }
                        e => e.into(),
                    })?
            }
            Err(crate::vectorize::VectorizeError::EmptyVocabulary(_)) => {
                return Err(TrainError::EmptyVocabulary(n));
            }
            r => r?,
        };
    let vectorizer = fitted.vectorizer;
    let x = fitted.matrix.expect("matrix requested");
    let counts = fitted.counts.expect("counts requested");
    let surface = surface_words(
        fitted.forms.as_ref().expect("raw-text input"),
        vectorizer.vocabulary(),
    );
    progress.finish_stage();

    progress.stage("reducing (SVD)", 1);
    // On small corpora LSA only denoises when it keeps far fewer dimensions than documents:
    // data/ (111 docs) mean NMI over 5 seeds is 0.68 at 100 dims, 0.76 at 20
    // (examples/topic_grid.rs); on ANT samples 50–200 dims score alike (0.69).
    // So at most one dimension per 5 documents (and at least 10).
    let max_comp = (n / 5)
        .max(10)
        .min(n.min(vectorizer.vocabulary().len()).saturating_sub(1))
        .max(1);
    let svd_params = SvdParams {
        n_components: params.svd.n_components.min(max_comp),
        ..params.svd.clone()
    }
    .check()?;
    let (svd, mut z) = Svd::fit_transform(&svd_params, &x)?;
    reduce::normalize_rows(&mut z);
    progress.finish_stage();

    let distinct = z.rows().into_iter().any(|r| r != z.row(0));
    if !distinct {
        return Err(TrainError::IdenticalDocuments);
    }

    // Small corpora get more restarts (see `kmeans_runs`).
    let kmeans_params = KMeansParams {
        n_runs: kmeans_runs(n, params.kmeans.n_runs),
        ..params.kmeans.clone()
    };
    let mut k_scan = Vec::new();
    let k = if k_lo == k_hi {
        k_lo
    } else {
        progress.stage("choosing k", (k_hi - k_lo + 1) as u64);
        let scores = cluster::scan_k(z.view(), k_lo..=k_hi, &kmeans_params)?;
        progress.finish_stage();
        k_scan = scores
            .iter()
            .map(|s| (s.k, s.silhouette, s.inertia))
            .collect();
        scores
            .iter()
            .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette).then(b.k.cmp(&a.k)))
            .map(|s| s.k)
            .unwrap_or(k_lo)
    };

    progress.stage("clustering (k-means)", 1);
    let fit = KMeansParams {
        k,
        ..kmeans_params.clone()
    }
    .check()?
    .fit(z.view())?;
    progress.finish_stage();

    progress.stage("refining (term mixture)", 1);
    let refined = match &params.mixture {
        Some(p) => mixture::refine(p, &x, &counts, &fit.labels, k)?,
        None => None,
    };
    progress.finish_stage();
    let (labels, mixture, mut centroids) = match refined {
        // The centroids follow the refined topics: they give `classify` its score and the
        // topics their example titles.
        Some(r) => {
            let centroids = cluster::means_of(z.view(), &r.labels, k);
            (r.labels, Some(r.mixture), centroids)
        }
        None => (fit.labels, None, fit.centroids),
    };
    reduce::normalize_rows(&mut centroids);

    progress.stage("describing the topics", 1);
    let topics = describe_topics(
        &vectorizer,
        &x,
        &counts,
        &labels,
        k,
        &surface,
        params.n_top_terms,
        params.top_words,
        &z,
        &centroids,
        corpus,
    );
    progress.finish_stage();
    let params_json = serde_json::to_string(params).unwrap_or_default();
    let model = Model {
        analyzer: params.analyzer.clone(),
        vectorizer,
        surface,
        kind: ModelKind::Topics(TopicModel {
            svd,
            centroids,
            topics,
            mixture,
            k_scan,
        }),
        facts: facts(corpus, corpus_name, params.kmeans.seed, params_json),
    };
    Ok((model, labels))
}

/// Strength of the Dirichlet prior in [`log_odds_z`] (pseudo-counts spread over the vocabulary
/// in proportion to corpus frequency). Chosen from 100, 1,000, 10,000 and 100,000 by topic-word
/// coherence and diversity (`tasnif eval`, see `describe_topics`): 100 and 1,000 beat c-TF-IDF on
/// `data/`, the ANT sample and full ANT alike; 1,000 scored best on `data/` (10,000 fell to
/// 0.24 there), the larger corpora barely move with it.
const PRIOR_STRENGTH: f64 = 1000.0;

/// How much more often a term occurs in one topic than in the rest of the corpus, as a z-score:
/// the weighted log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi & Quinn
/// (2008, "Fightin' Words"). `y` is the term's count in the topic, `n` all counts in the topic,
/// `f` the term's count in the corpus, `total` all counts in the corpus.
fn log_odds_z(y: f64, n: f64, f: f64, total: f64) -> f64 {
    let a0 = PRIOR_STRENGTH;
    let a = a0 * f / total;
    let (y_rest, n_rest) = (f - y, total - n);
    let delta =
        ((y + a) / (n + a0 - y - a)).ln() - ((y_rest + a) / (n_rest + a0 - y_rest - a)).ln();
    delta / (1.0 / (y + a) + 1.0 / (y_rest + a)).sqrt()
}

/// Names and describes each topic by its most over-represented terms ([`log_odds_z`]), shown
/// as their most frequent spelling.
///
/// Why not class-based TF-IDF (BERTopic's c-TF-IDF, `tf(t, c) · ln(1 + A / f(t))` with A the
/// mean count per topic; [`TopWords::ClassTfidf`], the default before): it ranks by raw
/// frequency within the topic, so words common to every topic (الرئيس "the president") headed
/// several lists. The z-score asks instead how surely a word is more frequent in this topic
/// than elsewhere. `examples/topic_words.rs` scores both on the same topics (top 10 words on
/// the training corpus; coherence = mean NPMI of word pairs, diversity = share of distinct
/// words, see `metrics::topic_words`), c-TF-IDF → log-odds: `data/` k = 4 0.317 / 0.900 →
/// 0.365 / 0.975; ANT balanced sample k = 6 0.281 / 0.933 → 0.298 / 0.983; full ANT k = 6
/// 0.286 / 0.950 → 0.308 / 0.967.
#[allow(clippy::too_many_arguments)]
fn describe_topics(
    vectorizer: &TfidfVectorizer,
    x: &CsrMatrix,
    counts: &[u32],
    labels: &[usize],
    k: usize,
    surface: &[String],
    n_top: usize,
    scoring: TopWords,
    z: &ndarray::Array2<f64>,
    centroids: &ndarray::Array2<f64>,
    corpus: &Corpus,
) -> Vec<Topic> {
    let v = vectorizer.vocabulary().len();
    let mut tf = vec![vec![0f64; v]; k];
    let mut mean = vec![vec![0f64; v]; k];
    let mut size = vec![0usize; k];
    for (d, &c) in labels.iter().enumerate() {
        size[c] += 1;
        // counts[i] is the raw count behind x's entry i
        let (cols, _) = x.row(d);
        let n = &counts[x.indptr[d]..x.indptr[d + 1]];
        for (&j, &n) in cols.iter().zip(n) {
            tf[c][j as usize] += f64::from(n);
        }
        let (cols, vals) = x.row(d);
        for (&j, &val) in cols.iter().zip(vals) {
            mean[c][j as usize] += val;
        }
    }
    let f: Vec<f64> = (0..v).map(|i| (0..k).map(|c| tf[c][i]).sum()).collect();
    let total: f64 = f.iter().sum();
    (0..k)
        .map(|c| {
            let n_c: f64 = tf[c].iter().sum();
            let score = |i: usize| match scoring {
                TopWords::LogOdds => log_odds_z(tf[c][i], n_c, f[i], total),
                TopWords::ClassTfidf => tf[c][i] * (1.0 + total / k as f64 / f[i]).ln(),
            };
            let mut scored: Vec<(usize, f64)> = (0..v)
                .filter(|&i| tf[c][i] > 0.0)
                .map(|i| (i, score(i)))
                .filter(|&(_, w)| w > 0.0)
                .collect();
            scored.sort_by(|p, q| q.1.total_cmp(&p.1).then(p.0.cmp(&q.0)));
            let mut seen_words = Vec::new();
            let top_terms: Vec<TopTerm> = scored
                .iter()
                .filter(|(i, _)| {
                    let w = &surface[*i];
                    let fresh = !seen_words.contains(w);
                    if fresh {
                        seen_words.push(w.clone());
                    }
                    fresh
                })
                .take(n_top)
                .map(|&(i, w)| TopTerm {
                    term: vectorizer.vocabulary()[i].clone(),
                    word: surface[i].clone(),
                    weight: w,
                })
                .collect();
            let name = top_terms
                .iter()
                .take(3)
                .map(|t| t.word.as_str())
                .collect::<Vec<_>>()
                .join(" · ");
            let denom = size[c].max(1) as f64;
            let mut term_weights: Vec<(u32, f64)> = mean[c]
                .iter()
                .enumerate()
                .filter(|(_, w)| **w > 0.0)
                .map(|(i, w)| (i as u32, w / denom))
                .collect();
            // Keep the strongest 2,000 terms: enough to explain a decision, small on disk.
            term_weights.sort_by(|p, q| q.1.total_cmp(&p.1).then(p.0.cmp(&q.0)));
            term_weights.truncate(2000);
            term_weights.sort_by_key(|p| p.0);
            let mut members: Vec<(usize, f64)> = (0..labels.len())
                .filter(|&d| labels[d] == c)
                .map(|d| (d, z.row(d).dot(&centroids.row(c))))
                .collect();
            members.sort_by(|p, q| q.1.total_cmp(&p.1).then(p.0.cmp(&q.0)));
            let examples = members
                .iter()
                .take(3)
                .map(|&(d, _)| first_line(&corpus.docs[d].text))
                .collect();
            Topic {
                id: c,
                name,
                size: size[c],
                top_terms,
                term_weights,
                examples,
            }
        })
        .collect()
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

/// Trains a supervised linear classifier on a labelled corpus.
pub fn train_supervised(
    corpus: &Corpus,
    corpus_name: &str,
    params: &SupervisedParams,
    progress: &dyn Progress,
) -> Result<Model, TrainError> {
    if corpus.docs.is_empty() {
        return Err(TrainError::NoDocuments);
    }
    let unlabelled = corpus.docs.iter().filter(|d| d.label.is_none()).count();
    if unlabelled > 0 {
        return Err(TrainError::MissingLabels(unlabelled));
    }
    let labels = corpus.labels();
    if labels.len() < 2 {
        return Err(TrainError::OneLabel(labels.len()));
    }
    let y: Vec<usize> = corpus
        .docs
        .iter()
        .map(|d| {
            labels
                .binary_search(d.label.as_ref().expect("checked"))
                .expect("known label")
        })
        .collect();
    let analyzer = Analyzer::new(params.analyzer.clone())?;
    let texts: Vec<&str> = corpus.docs.iter().map(|d| d.text.as_str()).collect();
    progress.stage("analysing and vectorising", 1);
    let fitted = TfidfVectorizer::fit_transform_texts_detailed(
        &params.tfidf.clone().check()?,
        &analyzer,
        &texts,
        false,
    )?;
    let (vectorizer, x) = (fitted.vectorizer, fitted.matrix.expect("matrix requested"));
    let surface = surface_words(
        fitted.forms.as_ref().expect("raw-text input"),
        vectorizer.vocabulary(),
    );
    progress.finish_stage();
    progress.stage("fitting the classifier", 1);
    let svc = params.svc.clone().check()?;
    let classifier = match params.pooling {
        Some(pooling) => {
            // one id per distinct source; documents without one form their own source
            let mut names: Vec<Option<&str>> =
                corpus.docs.iter().map(|d| d.source.as_deref()).collect();
            names.sort_unstable();
            names.dedup();
            let sources: Vec<usize> = corpus
                .docs
                .iter()
                .map(|d| names.binary_search(&d.source.as_deref()).expect("listed"))
                .collect();
            svc.fit_pooled(&x, &y, &sources, labels.len(), pooling)?
        }
        None => svc.fit(&x, &y, labels.len())?,
    };
    progress.finish_stage();
    let mut support = vec![0; labels.len()];
    for &c in &y {
        support[c] += 1;
    }
    let params_json = serde_json::to_string(params).unwrap_or_default();
    Ok(Model {
        analyzer: params.analyzer.clone(),
        vectorizer,
        surface,
        kind: ModelKind::Supervised(SupervisedModel {
            labels,
            classifier,
            support,
        }),
        facts: facts(corpus, corpus_name, params.svc.seed, params_json),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;

    /// A word spread evenly scores about 0 however frequent; a word concentrated in the topic
    /// outranks a more frequent even one; more evidence for the same ratio gives a larger z.
    #[test]
    fn log_odds_z_ranks_over_represented_words_first() {
        // topic: 1,000 of 10,000 counts
        let even = log_odds_z(100.0, 1000.0, 1000.0, 10000.0);
        let specific = log_odds_z(30.0, 1000.0, 31.0, 10000.0);
        let rare_specific = log_odds_z(3.0, 1000.0, 3.0, 10000.0);
        let under = log_odds_z(1.0, 1000.0, 100.0, 10000.0);
        assert!(even.abs() < 0.1, "{even}");
        assert!(specific > 5.0, "{specific}");
        assert!(
            specific > rare_specific && rare_specific > 0.0,
            "{rare_specific}"
        );
        assert!(under < 0.0, "{under}");
    }

    /// Two outlets: "a" uses labels sport, economy, yemen; "b" has no yemen label and files
    /// its Yemen stories under economy (as AlArabiya files Middle East news under
    /// internationalNews). With pooling, b's Yemen stories stop counting against "yemen", so
    /// Yemen words get a higher "yemen" probability than from the plain fit; without sources
    /// pooling changes nothing.
    #[test]
    fn supervised_pooling_uses_document_sources() {
        let words = [
            ["مباراة", "ملعب", "لاعب", "هدف", "بطولة"],
            ["بورصة", "اقتصاد", "تجارة", "نفط", "أسهم"],
            ["الحوثي", "صنعاء", "اليمن", "عدن", "مأرب"],
        ];
        let names = ["sport", "economy", "yemen"];
        let mut docs = Vec::new();
        for i in 0..180 {
            let c = i % 3;
            let source = if (i / 3) % 2 == 0 { "a" } else { "b" };
            let label = if source == "b" && c == 2 { 1 } else { c };
            let text: Vec<&str> = (0..4).map(|j| words[c][(i / 3 + j) % 5]).collect();
            docs.push(Document {
                id: format!("{i}"),
                label: Some(names[label].to_string()),
                text: format!("{} خبر اليوم", text.join(" ")),
                source: Some(source.to_string()),
                origin: Vec::new(),
            });
        }
        let corpus = Corpus {
            docs,
            ..Corpus::default()
        };
        let pooled = SupervisedParams::new(1);
        let plain = SupervisedParams {
            pooling: None,
            ..SupervisedParams::new(1)
        };
        let p_yemen = |params: &SupervisedParams| {
            let model = train_supervised(&corpus, "t", params, &Silent).unwrap();
            let c = crate::classify::Classifier::new(model).unwrap();
            let r = c.classify("q", "الحوثي صنعاء عدن خبر").unwrap();
            let p = r.probabilities.unwrap();
            (r.label, p.iter().find(|(l, _)| l == "yemen").unwrap().1)
        };
        let (label, p_pooled) = p_yemen(&pooled);
        let (_, p_plain) = p_yemen(&plain);
        assert_eq!(label, "yemen");
        assert!(p_pooled > p_plain, "pooled {p_pooled} vs plain {p_plain}");
        // without sources, pooling changes nothing
        let mut no_sources = corpus.clone();
        no_sources.docs.iter_mut().for_each(|d| d.source = None);
        let classifier =
            |params: &SupervisedParams| match train_supervised(&no_sources, "t", params, &Silent)
                .unwrap()
                .kind
            {
                ModelKind::Supervised(s) => s.classifier,
                _ => unreachable!(),
            };
        assert_eq!(classifier(&pooled), classifier(&plain));
    }

    #[test]
    fn surface_words_are_the_most_written_spelling_and_bigrams_join_them() {
        let texts = [
            "الحكومةُ الأفغانية قالت",
            "الحكومة الأفغانية أعلنت",
            "الحكومة الافغانية",
        ];
        let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let p = TfidfParams {
            ngram_range: (1, 2),
            ..TfidfParams::default()
        }
        .check()
        .unwrap();
        let f =
            TfidfVectorizer::fit_transform_texts_detailed(&p, &analyzer, &texts, false).unwrap();
        let vocab = f.vectorizer.vocabulary();
        let words = surface_words(f.forms.as_ref().unwrap(), vocab);
        let of = |term: &str| &words[vocab.iter().position(|t| t == term).unwrap()];
        // three spellings of one term: the harakah is dropped for display, and الأفغانية (2)
        // beats الافغانية (1)
        assert_eq!(of("حكوم"), "الحكومة");
        assert_eq!(of("افغان"), "الأفغانية");
        assert_eq!(of("حكوم افغان"), "الحكومة الأفغانية");
    }

    #[test]
    fn kmeans_runs_grow_on_small_corpora_within_the_budget() {
        // data/ (111 docs): the cap; the ANT balanced sample: 120,000 / 5,981 = 20; full ANT:
        // the budget allows 4, so the floor of 10 applies.
        assert_eq!(kmeans_runs(111, 10), KMEANS_MAX_RUNS);
        assert_eq!(kmeans_runs(5_981, 10), 20);
        assert_eq!(kmeans_runs(28_933, 10), 10);
        // n_runs is a floor, never lowered.
        assert_eq!(kmeans_runs(111, 300), 300);
        assert_eq!(kmeans_runs(0, 10), KMEANS_MAX_RUNS);
        for n in [1usize, 50, 1_200, 12_000, 12_001, 1_000_000] {
            let r = kmeans_runs(n, 10);
            assert!((10..=KMEANS_MAX_RUNS).contains(&r), "{n}: {r}");
            assert!(r == 10 || r * n <= KMEANS_RESTART_BUDGET, "{n}: {r}");
        }
    }
}
