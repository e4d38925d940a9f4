//! Topic training, stage by stage, over a corpus read as a stream: counts kept under a memory
//! budget (spilled to a temporary file past it), never the texts.

use ndarray::Array2;

use super::GivenTopic;
use super::describe::{Lsa, Partition, Titles, describe};
use super::kmeans::{self, KMeansParams};
use super::named::{self, NamedTopic, NamedTopicsError};
use super::{
    Diagnostics, KChoice, KScan, TopicFit, TopicModel, TopicParams, TopicsError, ValidTopicParams,
    choose_k, lsa_dimensions, runs_within,
};
use crate::corpus::{DocumentSource, InputKind, path_name};
use crate::linalg::{Budget, CountMatrix, Svd, SvdParams, normalize_rows};
use crate::metrics::clustering;
use crate::model::{Model, ModelKind, TrainedParams, TrainingFacts};
use crate::progress::{Progress, Stage, stage};
use crate::text::Analyzer;
use crate::vectorize::counted::Counted;
use crate::vectorize::{DocFreq, Selected, TfidfParams, TfidfVectorizer, surface_words};

/// Most documents the SVD's range finder runs on. Above it, the LSA components come from a
/// sample of this many documents (drawn by the seed), and every document is projected onto
/// them in one pass: the components of a 50,000-article sample span the corpus's main
/// directions as well as those of all of it, at a fraction of the passes (measured in the
/// README's scale table). Smaller corpora are fitted whole, as before.
pub const SVD_SAMPLE: usize = 50_000;

/// Most documents the k-means restarts run on. Above it, the restarts run on a sample of this
/// many LSA rows and the best start (least inertia) is refined by Lloyd's iterations on every
/// row.
pub const KMEANS_SAMPLE: usize = 50_000;

/// The corpus as the model sees it: the fitted vectoriser, every document's counts on its
/// vocabulary, and the word shown for every term.
pub(crate) struct Vectorized {
    pub vectorizer: TfidfVectorizer,
    pub matrix: CountMatrix,
    pub surface: Vec<String>,
}

/// What training keeps of each document besides its counts.
#[derive(Default)]
struct Kept {
    titles: Titles,
    /// Every document's label, while all have one (NMI, ARI, purity against them).
    labels: Option<Vec<String>>,
    skipped: usize,
}

impl ValidTopicParams {
    /// Trains a topic model on documents read chunk by chunk from `source` (a corpus in
    /// memory, or a [`crate::corpus::CorpusStream`]), reporting each stage to `progress`.
    pub fn fit_source(
        &self,
        source: &mut dyn DocumentSource,
        budget: &Budget,
        progress: &dyn Progress,
    ) -> crate::Result<TopicFit> {
        let params = &self.0;
        let inputs = source.inputs();
        let analyzer = Analyzer::new(params.analyzer.clone())?;
        let mut counted = Counted::new(&analyzer, params.tfidf.ngram_range, budget);
        let mut kept = Kept {
            labels: Some(Vec::new()),
            ..Kept::default()
        };
        stage(progress, Stage::Reading, 0, || {
            source.each_chunk(&mut |docs, skipped| {
                let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
                counted.add(&analyzer, &texts).map_err(spill_error)?;
                for d in docs {
                    kept.titles.push(&d.text);
                    kept.labels = (kept.labels.take())
                        .and_then(|mut l| d.label.clone().map(|x| l.push(x)).map(|_| l));
                }
                kept.skipped += skipped.len();
                progress.advance(docs.len() as u64);
                Ok(())
            })
        })?;
        // after reading, so that an unreadable file is named for what is wrong with it first
        if let Some(file) = inputs.iter().find(|i| i.kind == InputKind::TextFile) {
            return Err(TopicsError::OneArticle(path_name(&file.path)).into());
        }
        let n = counted.n_docs();
        if n == 0 {
            return Err(TopicsError::NoDocuments.into());
        }
        let (k_lo, k_hi) = match params.k {
            KChoice::Fixed(k) => (k, k),
            KChoice::Range(a, b) => (a, b),
        };
        if k_hi >= n {
            return Err(TopicsError::KTooLarge { k: k_hi, n }.into());
        }
        let v = stage(progress, Stage::Vectorizing, 0, || {
            vectorize(&params.tfidf, counted)
        })?;
        let (svd, z) = lsa(params, &v, progress)?;
        if !z.rows().into_iter().any(|r| r != z.row(0)) {
            return Err(TopicsError::IdenticalDocuments.into());
        }
        // Named topics start where their seed words stand out.
        let named = (!params.named.is_empty())
            .then(|| named_starts(&params.named, &analyzer, &v, &z))
            .transpose()?;
        let fixed = named.as_ref().is_some_and(|(s, _)| s.nrows() == k_hi);
        // Small corpora get more restarts (see `kmeans_runs`); with every start given there is
        // nothing to restart.
        let kmeans_params = KMeansParams {
            n_runs: if fixed {
                1
            } else {
                runs_within(n, params.kmeans.n_runs, params.max_runs)
            },
            starts: named.as_ref().map(|(s, _)| s.clone()),
            ..params.kmeans.clone()
        };
        // the model's facts show the parameters as used: the restarts made, the k kept
        let mut used = params.clone();
        used.kmeans.n_runs = kmeans_params.n_runs;
        let (k, k_scan) = if k_lo == k_hi {
            (k_lo, Vec::new())
        } else {
            stage(progress, Stage::ChoosingK, (k_hi - k_lo + 1) as u64, || {
                pick_k(&z, k_lo..=k_hi, &kmeans_params, progress)
            })?
        };
        used.kmeans.k = k;
        let fit = stage(progress, Stage::KMeans, kmeans_params.n_runs as u64, || {
            let p = KMeansParams { k, ..kmeans_params };
            cluster(&z, p, params.kmeans_sample, progress)
        })?;
        let iterations = params.mixture.as_ref().map_or(0, |m| m.max_iter as u64);
        let refined = stage(progress, Stage::Refining, iterations, || {
            match &params.mixture {
                Some(p) => (p.clone().check()?).fit_with(&v.matrix, &fit.labels, k, progress),
                None => Ok(None),
            }
        })?;
        let diagnostics = Diagnostics {
            nnz: v.matrix.nnz() as usize,
            lsa_dims: z.ncols(),
            spilled: v.matrix.spilled(),
            kmeans_assignments: fit.labels.clone(),
            kmeans_inertia: fit.inertia,
            kmeans_runs: fit.runs.clone(),
            refine_moved: refined.as_ref().map(|r| r.moved.clone()),
            #[cfg(feature = "lab")]
            lsa_rows: z.clone(),
        };
        let (labels, mixture, mut centroids) = match refined {
            // The centroids follow the refined topics: they give `classify` its score and the
            // topics their example titles.
            Some(r) => {
                let centroids = kmeans::means_of(z.view(), &r.labels, k);
                (r.labels, Some(r.mixture), centroids)
            }
            None => (fit.labels, None, fit.centroids),
        };
        normalize_rows(&mut centroids);
        let mut topics = stage(progress, Stage::Describing, 0, || {
            describe(
                &v,
                &Partition { labels: &labels, k },
                &Lsa {
                    rows: &z,
                    centroids: &centroids,
                },
                &kept.titles,
                params.n_top_terms,
                params.top_words,
            )
        });
        if let Some((_, given)) = named {
            for (topic, g) in topics.iter_mut().zip(given) {
                topic.given = Some(g);
            }
        }
        let against_labels = kept.labels.map(|truth| {
            let (t, _) = clustering::encode_labels(&truth);
            Agreement {
                nmi: clustering::nmi(&t, &labels),
                ari: clustering::ari(&t, &labels),
                purity: clustering::purity(&t, &labels),
            }
        });
        let model = Model {
            analyzer: params.analyzer.clone(),
            vectorizer: v.vectorizer,
            surface: v.surface,
            kind: ModelKind::Topics(TopicModel {
                svd,
                centroids,
                topics,
                mixture,
                k_scan,
            }),
            facts: TrainingFacts {
                corpora: inputs.iter().map(|i| path_name(&i.path)).collect(),
                sources: source.sources().to_vec(),
                n_skipped: kept.skipped,
                ..TrainingFacts::now(n, params.kmeans.seed, TrainedParams::Topics(used))
            },
        };
        Ok(TopicFit {
            model,
            assignments: labels,
            against_labels,
            diagnostics,
        })
    }
}

/// How the topics agree with the corpus labels, when every document has one.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Agreement {
    pub nmi: f64,
    pub ari: f64,
    pub purity: f64,
}

fn spill_error(e: std::io::Error) -> crate::Error {
    TopicsError::Spill(e.to_string()).into()
}

/// The TF-IDF settings a tiny corpus falls back to when `min_df` prunes every term: every
/// term kept; `None` when the settings already keep every term.
pub(crate) fn relaxed(tfidf: &TfidfParams) -> Option<TfidfParams> {
    (tfidf.min_df != DocFreq::Count(1)).then(|| TfidfParams {
        min_df: DocFreq::Count(1),
        max_df: DocFreq::Proportion(1.0),
        ..tfidf.clone()
    })
}

/// The vocabulary of the counted corpus and its count matrix. Tiny corpora, where `min_df` = 2
/// can prune every term, fall back to every term.
fn vectorize(tfidf: &TfidfParams, counted: Counted<'_>) -> crate::Result<Vectorized> {
    let n = counted.n_docs();
    let empty = |e| match e {
        crate::vectorize::VectorizeError::EmptyVocabulary(_) => {
            TopicsError::EmptyVocabulary(n).into()
        }
        e => crate::Error::from(e),
    };
    let select = |p: &TfidfParams| -> Result<Selected, crate::vectorize::VectorizeError> {
        p.clone().check()?;
        Selected::of(&counted.counter, p)
    };
    let (params, selected) = match select(tfidf) {
        Err(crate::vectorize::VectorizeError::EmptyVocabulary(_)) if relaxed(tfidf).is_some() => {
            let relaxed = relaxed(tfidf).expect("checked");
            let s = select(&relaxed).map_err(empty)?;
            (relaxed, s)
        }
        r => (tfidf.clone(), r.map_err(empty)?),
    };
    let (matrix, forms) = counted.into_matrix(&selected).map_err(spill_error)?;
    let vectorizer = TfidfVectorizer::from_parts(params, selected.vocabulary, selected.idf);
    let surface = surface_words(
        forms.as_ref().expect("raw-text input").iter(),
        vectorizer.vocabulary(),
    );
    Ok(Vectorized {
        vectorizer,
        matrix,
        surface,
    })
}

/// The LSA of the corpus: the SVD and every document's L2-normalised row in its space. Up to
/// [`SVD_SAMPLE`] documents the SVD is fitted on all of them; above, on a sample, and every
/// document is projected onto its components.
/// The stage reports the SVD's passes over the matrix, and the projection of every document
/// as one more when the SVD was fitted on a sample.
fn lsa(
    params: &TopicParams,
    v: &Vectorized,
    progress: &dyn Progress,
) -> crate::Result<(Svd, Array2<f64>)> {
    let (n, n_terms) = (v.matrix.n_rows(), v.matrix.n_cols());
    let svd_params = SvdParams {
        n_components: params
            .lsa_dims
            .unwrap_or_else(|| lsa_dimensions(n, n_terms, params.svd.n_components)),
        ..params.svd.clone()
    }
    .check()?;
    let sampled = sample(n, params.svd_sample, params.svd.seed);
    let total = svd_params.passes() + u64::from(sampled.is_some());
    stage(progress, Stage::Svd, total, || {
        let (svd, mut z) = match sampled {
            None => {
                let x = v.vectorizer.tfidf_matrix(&v.matrix, None);
                svd_params.fit_transform_with(&x, progress)?
            }
            Some(rows) => {
                let x = v.vectorizer.tfidf_matrix(&v.matrix, Some(&rows));
                let svd = svd_params.fit_with(&x, progress)?;
                let z = project(v, &svd);
                progress.advance(1);
                (svd, z)
            }
        };
        normalize_rows(&mut z);
        Ok((svd, z))
    })
}

/// Every document's row in the SVD's space, `x · componentsᵀ`, block by block.
fn project(v: &Vectorized, svd: &Svd) -> Array2<f64> {
    let projector = svd.projector();
    let k = svd.n_components();
    let parts = v.matrix.par_blocks(|b| {
        let values = v.vectorizer.weigh_block(b);
        let mut x = crate::linalg::CsrMatrix::empty(v.matrix.n_cols());
        let mut start = 0;
        for &end in &b.ends {
            x.push_row(&b.cols[start..end], &values[start..end]);
            start = end;
        }
        projector.transform(&x).expect("the vocabulary's columns")
    });
    let mut z = Array2::zeros((v.matrix.n_rows(), k));
    let mut at = 0;
    for p in parts {
        z.slice_mut(ndarray::s![at..at + p.nrows(), ..]).assign(&p);
        at += p.nrows();
    }
    z
}

/// `size` of the `n` rows drawn by `seed` (the ones with the smallest hash of seed and row),
/// in increasing order; `None` when `n` is at most `size` (every row).
pub(crate) fn sample(n: usize, size: usize, seed: u64) -> Option<Vec<usize>> {
    if n <= size {
        return None;
    }
    let mut keyed: Vec<(u64, usize)> = (0..n).map(|i| (mix(seed, i as u64), i)).collect();
    keyed.select_nth_unstable(size - 1);
    let mut rows: Vec<usize> = keyed[..size].iter().map(|&(_, i)| i).collect();
    rows.sort_unstable();
    Some(rows)
}

/// SplitMix64 of the seed and a row: a fixed, well-spread hash.
fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// k-means on the LSA rows: up to [`KMEANS_SAMPLE`] rows, the restarts run on all of them;
/// above, on a sample, and Lloyd's iterations refine the best start on every row.
fn cluster(
    z: &Array2<f64>,
    params: KMeansParams,
    sample_size: usize,
    progress: &dyn Progress,
) -> crate::Result<kmeans::KMeansFit> {
    let n = z.nrows();
    let params = params.check()?;
    let sampled = match params.params().algorithm {
        kmeans::KMeansAlgorithm::Lloyd => sample(n, sample_size, params.params().seed ^ 1),
        // linfa starts its own runs: it clusters every row
        kmeans::KMeansAlgorithm::Linfa => None,
    };
    Ok(match sampled {
        None => params.fit_with(z.view(), progress)?,
        Some(rows) => {
            let on_sample = params.fit_with(z.select(ndarray::Axis(0), &rows).view(), progress)?;
            params.refine(z.view(), on_sample)?
        }
    })
}

/// Where each named topic starts in the LSA space (one row each, in the order given), and what
/// each becomes in the model (its seed words as the vocabulary has them).
fn named_starts(
    named: &[NamedTopic],
    analyzer: &Analyzer,
    v: &Vectorized,
    z: &Array2<f64>,
) -> crate::Result<(Array2<f64>, Vec<GivenTopic>)> {
    let mut cols = Vec::with_capacity(named.len());
    let mut given = Vec::with_capacity(named.len());
    for t in named {
        let (terms, c) = t.columns(analyzer, &v.vectorizer);
        if c.is_empty() {
            return Err(NamedTopicsError::SeedsUnknown {
                topic: t.name.clone(),
                seeds: t.seeds.join(", "),
                terms: terms.join(", "),
            }
            .into());
        }
        let vocab = v.vectorizer.vocabulary();
        given.push(GivenTopic {
            name: t.name.clone(),
            name_ar: t.name_ar.clone(),
            seeds: t.seeds.clone(),
            seed_terms: c.iter().map(|&j| vocab[j as usize].clone()).collect(),
        });
        cols.push(c);
    }
    let weights = named::seed_weights(&v.matrix, &v.vectorizer, &cols);
    let mut starts = Array2::zeros((named.len(), z.ncols()));
    for (j, s) in named::starts(&weights, z.view()).into_iter().enumerate() {
        let Some(s) = s else {
            return Err(NamedTopicsError::NoSeedArticles {
                topic: named[j].name.clone(),
                seeds: named[j].seeds.join(", "),
            }
            .into());
        };
        starts.row_mut(j).assign(&ndarray::Array1::from(s));
    }
    Ok((starts, given))
}

/// The k of the best cosine silhouette over `ks`, and the scan.
fn pick_k(
    z: &Array2<f64>,
    ks: std::ops::RangeInclusive<usize>,
    kmeans_params: &KMeansParams,
    progress: &dyn Progress,
) -> crate::Result<(usize, KScan)> {
    let scores = choose_k::scan_k(z.view(), ks.clone(), kmeans_params, progress)?;
    let scan: KScan = (scores.iter())
        .map(|s| (s.k, s.silhouette, s.inertia))
        .collect();
    let k = (scores.iter())
        .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette).then(b.k.cmp(&a.k)))
        .map_or(*ks.start(), |s| s.k);
    Ok((k, scan))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CorpusReader;
    use crate::progress::Silent;

    /// The model's bytes, its training date left out (it is the day the test runs).
    fn bytes_of(mut model: Model) -> Vec<u8> {
        model.facts.trained_on.clear();
        crate::model::file::encode(&model).unwrap()
    }

    /// Trains on `data/` read as a stream cut into chunks of `chunk` bytes, on `threads`
    /// threads, under `budget`; returns the model's bytes and whether the counts were spilled.
    fn train(
        params: &ValidTopicParams,
        chunk: usize,
        threads: usize,
        budget: &Budget,
    ) -> (Vec<u8>, bool) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
            let mut stream = CorpusReader::new()
                .stream(&[root])
                .unwrap()
                .chunk_bytes(chunk);
            let fit = params.fit_source(&mut stream, budget, &Silent).unwrap();
            (bytes_of(fit.model), fit.diagnostics.spilled)
        })
    }

    #[test]
    fn same_model_in_memory_or_spilled_whatever_the_threads_and_chunks() {
        // small samples, so that the sampled SVD and k-means paths of large corpora run too
        let mut p = TopicParams::new().k(4).seed(7);
        p.svd_sample = 60;
        p.kmeans_sample = 50;
        let params = p.check().unwrap();
        let spill_parent = tempfile::tempdir().unwrap();
        let tiny = Budget {
            bytes: 1024,
            dir: spill_parent.path().to_path_buf(),
        };
        let (whole, spilled) = train(&params, usize::MAX, 2, &Budget::default());
        assert!(!spilled);
        for (chunk, threads) in [(4096, 1), (50_000, 2), (usize::MAX, 1)] {
            let (cut, spilled) = train(&params, chunk, threads, &tiny);
            assert!(spilled, "a 1 KiB budget spills the counts");
            assert!(
                cut == whole,
                "spilled, chunks of {chunk} bytes, {threads} threads"
            );
        }
        let left: Vec<_> = std::fs::read_dir(spill_parent.path()).unwrap().collect();
        assert!(left.is_empty(), "temporary files left behind: {left:?}");
    }
}

#[cfg(test)]
mod progress_tests {
    use super::*;
    use std::sync::Mutex;

    /// Every stage's announced total and the items it advanced by.
    #[derive(Default)]
    struct Record(Mutex<Vec<(Stage, u64, u64)>>);

    impl Progress for Record {
        fn start(&self, stage: Stage, total: u64) {
            self.0.lock().unwrap().push((stage, total, 0));
        }
        fn advance(&self, n: u64) {
            if let Some(last) = self.0.lock().unwrap().last_mut() {
                last.2 += n;
            }
        }
    }

    #[test]
    fn the_svd_and_the_mixture_report_their_passes() {
        let corpus = crate::Corpus::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data")).unwrap();
        for svd_sample in [SVD_SAMPLE, 60] {
            let mut p = TopicParams::new().k(4);
            p.svd_sample = svd_sample;
            let record = Record::default();
            p.check().unwrap().fit_with(&corpus, &record).unwrap();
            let stages = record.0.into_inner().unwrap();
            let of = |s: Stage| *stages.iter().find(|r| r.0 == s).unwrap();
            let (_, total, done) = of(Stage::Svd);
            // 3 power iterations + 2, and the projection when sampled
            assert_eq!(total, if svd_sample == 60 { 6 } else { 5 });
            assert_eq!(done, total);
            let (_, total, done) = of(Stage::Refining);
            assert!(total == 20 && (1..=total).contains(&done), "{total} {done}");
            let (_, total, done) = of(Stage::Reading);
            assert_eq!((total, done), (0, 111));
        }
    }
}
