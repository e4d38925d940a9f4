//! Vocabulary + TF-IDF with scikit-learn's `TfidfVectorizer` parameter names and semantics.
//!
//! Input is already-analysed documents (lists of terms); output is a [`CsrMatrix`] whose
//! columns are the vocabulary in sorted term order. With `ngram_range = (1, 2)` bigrams are the
//! two terms joined by one space, as in scikit-learn.

use crate::sparse::CsrMatrix;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// A document-frequency bound: an absolute count or a proportion of documents (scikit-learn's
/// int-or-float `min_df` / `max_df`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocFreq {
    Count(usize),
    Proportion(f64),
}

impl DocFreq {
    fn bound(self, n_docs: usize) -> f64 {
        match self {
            DocFreq::Count(c) => c as f64,
            DocFreq::Proportion(p) => p * n_docs as f64,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Norm {
    L1,
    L2,
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TfidfParams {
    pub min_df: DocFreq,
    pub max_df: DocFreq,
    pub max_features: Option<usize>,
    pub sublinear_tf: bool,
    pub norm: Norm,
    pub use_idf: bool,
    pub smooth_idf: bool,
    /// (min_n, max_n), 1 ≤ min_n ≤ max_n ≤ 2.
    pub ngram_range: (usize, usize),
}

impl Default for TfidfParams {
    /// scikit-learn's defaults.
    fn default() -> Self {
        TfidfParams {
            min_df: DocFreq::Count(1),
            max_df: DocFreq::Proportion(1.0),
            max_features: None,
            sublinear_tf: false,
            norm: Norm::L2,
            use_idf: true,
            smooth_idf: true,
            ngram_range: (1, 1),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum VectorizeError {
    #[error("min_df proportion must be in [0, 1], got {0}")]
    MinDfProportion(f64),
    #[error("max_df proportion must be in [0, 1], got {0}")]
    MaxDfProportion(f64),
    #[error("max_features must be positive")]
    ZeroMaxFeatures,
    #[error("ngram_range must satisfy 1 <= min_n <= max_n <= 2, got ({0}, {1})")]
    NgramRange(usize, usize),
    #[error("max_df corresponds to fewer documents than min_df")]
    MaxDfBelowMinDf,
    #[error("no documents to fit on")]
    NoDocuments,
    #[error(
        "the vocabulary is empty after min_df/max_df pruning ({0} documents); lower min_df or raise max_df"
    )]
    EmptyVocabulary(usize),
}

/// Checked parameters (linfa's Params → check() → ValidParams pattern).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValidTfidfParams(TfidfParams);

impl ValidTfidfParams {
    pub fn params(&self) -> &TfidfParams {
        &self.0
    }
}

impl TfidfParams {
    pub fn check(self) -> Result<ValidTfidfParams, VectorizeError> {
        if let DocFreq::Proportion(p) = self.min_df
            && !(0.0..=1.0).contains(&p)
        {
            return Err(VectorizeError::MinDfProportion(p));
        }
        if let DocFreq::Proportion(p) = self.max_df
            && !(0.0..=1.0).contains(&p)
        {
            return Err(VectorizeError::MaxDfProportion(p));
        }
        if self.max_features == Some(0) {
            return Err(VectorizeError::ZeroMaxFeatures);
        }
        let (lo, hi) = self.ngram_range;
        if lo < 1 || lo > hi || hi > 2 {
            return Err(VectorizeError::NgramRange(lo, hi));
        }
        Ok(ValidTfidfParams(self))
    }
}

/// A fitted vectoriser: vocabulary (sorted) and idf weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TfidfVectorizer {
    pub params: TfidfParams,
    vocabulary: Vec<String>,
    idf: Vec<f64>,
    #[serde(skip)]
    index: FxHashMap<String, u32>,
}

/// Calls `f` with each n-gram of `terms` for n in `range`.
fn for_each_ngram<S: AsRef<str>>(
    terms: &[S],
    range: (usize, usize),
    buf: &mut String,
    mut f: impl FnMut(&str),
) {
    if range.0 <= 1 {
        for t in terms {
            f(t.as_ref());
        }
    }
    if range.1 >= 2 {
        for w in terms.windows(2) {
            buf.clear();
            buf.push_str(w[0].as_ref());
            buf.push(' ');
            buf.push_str(w[1].as_ref());
            f(buf);
        }
    }
}

/// Per-term (document frequency, total count) over a block of documents.
type Stats = FxHashMap<String, (u32, u64)>;

fn block_stats<D: AsRef<[S]>, S: AsRef<str>>(docs: &[D], range: (usize, usize)) -> Stats {
    let mut stats = Stats::default();
    let mut buf = String::new();
    let mut doc_counts: FxHashMap<String, u32> = FxHashMap::default();
    for d in docs {
        doc_counts.clear();
        for_each_ngram(d.as_ref(), range, &mut buf, |t| {
            if let Some(c) = doc_counts.get_mut(t) {
                *c += 1;
            } else {
                doc_counts.insert(t.to_string(), 1);
            }
        });
        for (t, c) in doc_counts.drain() {
            let e = stats.entry(t).or_insert((0, 0));
            e.0 += 1;
            e.1 += u64::from(c);
        }
    }
    stats
}

impl TfidfVectorizer {
    pub fn fit<D: AsRef<[S]> + Sync, S: AsRef<str> + Sync>(
        params: &ValidTfidfParams,
        docs: &[D],
    ) -> Result<Self, VectorizeError> {
        let p = params.params().clone();
        let n = docs.len();
        if n == 0 {
            return Err(VectorizeError::NoDocuments);
        }
        let chunk = n.div_ceil(rayon::current_num_threads() * 4).max(1);
        let stats = docs
            .par_chunks(chunk)
            .map(|c| block_stats(c, p.ngram_range))
            .reduce(Stats::default, |mut a, b| {
                for (t, (df, tf)) in b {
                    let e = a.entry(t).or_insert((0, 0));
                    e.0 += df;
                    e.1 += tf;
                }
                a
            });
        let (max_doc, min_doc) = (p.max_df.bound(n), p.min_df.bound(n));
        if max_doc < min_doc {
            return Err(VectorizeError::MaxDfBelowMinDf);
        }
        let mut kept: Vec<(String, u32, u64)> = stats
            .into_iter()
            .filter(|(_, (df, _))| (*df as f64) <= max_doc && (*df as f64) >= min_doc)
            .map(|(t, (df, tf))| (t, df, tf))
            .collect();
        if let Some(limit) = p.max_features
            && kept.len() > limit
        {
            // Most frequent terms in the corpus; ties broken by term order (deterministic).
            kept.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
            kept.truncate(limit);
        }
        if kept.is_empty() {
            return Err(VectorizeError::EmptyVocabulary(n));
        }
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        let idf = kept
            .iter()
            .map(|(_, df, _)| {
                let (n, df) = (n as f64, f64::from(*df));
                if p.smooth_idf {
                    ((1.0 + n) / (1.0 + df)).ln() + 1.0
                } else {
                    (n / df).ln() + 1.0
                }
            })
            .collect();
        let vocabulary = kept.into_iter().map(|(t, _, _)| t).collect();
        Ok(Self::from_parts(p, vocabulary, idf))
    }

    /// Rebuilds a vectoriser from saved parts (the term index is derived, not stored).
    pub fn from_parts(params: TfidfParams, vocabulary: Vec<String>, idf: Vec<f64>) -> Self {
        let index = vocabulary
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        TfidfVectorizer {
            params,
            vocabulary,
            idf,
            index,
        }
    }

    /// Re-derives the term index after deserialisation.
    pub fn rebuild_index(&mut self) {
        self.index = self
            .vocabulary
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
    }

    pub fn vocabulary(&self) -> &[String] {
        &self.vocabulary
    }

    pub fn idf(&self) -> &[f64] {
        &self.idf
    }

    pub fn term_index(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }

    /// One document's TF-IDF row as (sorted columns, values).
    pub fn transform_one<S: AsRef<str>>(&self, terms: &[S]) -> (Vec<u32>, Vec<f64>) {
        let p = &self.params;
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        let mut buf = String::new();
        for_each_ngram(terms, p.ngram_range, &mut buf, |t| {
            if let Some(&i) = self.index.get(t) {
                *counts.entry(i).or_insert(0) += 1;
            }
        });
        let mut row: Vec<(u32, f64)> = counts
            .into_iter()
            .map(|(i, c)| {
                let tf = if p.sublinear_tf {
                    1.0 + f64::from(c).ln()
                } else {
                    f64::from(c)
                };
                (
                    i,
                    if p.use_idf {
                        tf * self.idf[i as usize]
                    } else {
                        tf
                    },
                )
            })
            .collect();
        row.sort_unstable_by_key(|e| e.0);
        let norm = match p.norm {
            Norm::L2 => row.iter().map(|e| e.1 * e.1).sum::<f64>().sqrt(),
            Norm::L1 => row.iter().map(|e| e.1.abs()).sum::<f64>(),
            Norm::None => 1.0,
        };
        if norm > 0.0 && p.norm != Norm::None {
            for e in &mut row {
                e.1 /= norm;
            }
        }
        row.into_iter().unzip()
    }

    pub fn transform<D: AsRef<[S]> + Sync, S: AsRef<str> + Sync>(&self, docs: &[D]) -> CsrMatrix {
        let chunk = docs.len().div_ceil(rayon::current_num_threads() * 4).max(1);
        let blocks = docs
            .par_chunks(chunk)
            .map(|c| {
                let mut m = CsrMatrix::empty(self.vocabulary.len());
                for d in c {
                    let (cols, vals) = self.transform_one(d.as_ref());
                    m.push_row(&cols, &vals);
                }
                m
            })
            .collect();
        CsrMatrix::vstack(self.vocabulary.len(), blocks)
    }

    pub fn fit_transform<D: AsRef<[S]> + Sync, S: AsRef<str> + Sync>(
        params: &ValidTfidfParams,
        docs: &[D],
    ) -> Result<(Self, CsrMatrix), VectorizeError> {
        let v = Self::fit(params, docs)?;
        let x = v.transform(docs);
        Ok((v, x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<Vec<&'static str>> {
        vec![vec!["a", "b", "a"], vec!["b", "c"], vec!["c", "c", "d"]]
    }

    #[test]
    fn default_matches_sklearn() {
        // sklearn 1.5.2: TfidfVectorizer(analyzer=str.split).fit_transform(["a b a", "b c", "c c d"])
        let (v, x) =
            TfidfVectorizer::fit_transform(&TfidfParams::default().check().unwrap(), &docs())
                .unwrap();
        assert_eq!(v.vocabulary(), ["a", "b", "c", "d"]);
        let expect = [
            (0, [0.9347019636214327, 0.35543246785041743, 0.0, 0.0]),
            (2, [0.0, 0.0, 0.8355915419449176, 0.5493512310263033]),
        ];
        let d = x.to_dense();
        for (r, row) in expect {
            for (j, e) in row.iter().enumerate() {
                assert!(
                    (d[[r, j]] - e).abs() < 1e-12,
                    "[{r},{j}] {} vs {e}",
                    d[[r, j]]
                );
            }
        }
    }

    #[test]
    fn checks_each_parameter() {
        let bad = |p: TfidfParams| p.check().unwrap_err();
        assert_eq!(
            bad(TfidfParams {
                min_df: DocFreq::Proportion(1.5),
                ..Default::default()
            }),
            VectorizeError::MinDfProportion(1.5)
        );
        assert_eq!(
            bad(TfidfParams {
                ngram_range: (2, 1),
                ..Default::default()
            }),
            VectorizeError::NgramRange(2, 1)
        );
        assert_eq!(
            bad(TfidfParams {
                max_features: Some(0),
                ..Default::default()
            }),
            VectorizeError::ZeroMaxFeatures
        );
        let p = TfidfParams {
            min_df: DocFreq::Count(3),
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(
            TfidfVectorizer::fit(&p, &docs()).unwrap_err(),
            VectorizeError::EmptyVocabulary(3)
        );
    }
}
