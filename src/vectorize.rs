//! Vocabulary + TF-IDF with scikit-learn's `TfidfVectorizer` parameter names and semantics.
//!
//! Input is already-analysed documents (lists of terms); output is a [`CsrMatrix`] whose
//! columns are the vocabulary in sorted term order. With `ngram_range = (1, 2)` bigrams are the
//! two terms joined by one space, as in scikit-learn.

use crate::sparse::CsrMatrix;
use crate::text::Analyzer;
use crate::text::tokenize::tokenize;
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
    #[error("{0} as a document count must be at least 1 (use a proportion for 0)")]
    ZeroDocCount(&'static str),
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
        // scikit-learn: an int min_df/max_df must be >= 1, a float in [0, 1].
        if self.min_df == DocFreq::Count(0) {
            return Err(VectorizeError::ZeroDocCount("min_df"));
        }
        if self.max_df == DocFreq::Count(0) {
            return Err(VectorizeError::ZeroDocCount("max_df"));
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

/// Where the terms of each document come from: ready-made token lists or raw texts run through
/// an [`Analyzer`]. Either way every term is handed out as a borrowed `&str`.
trait TermSource: Sync {
    fn n_docs(&self) -> usize;
    /// Calls `f` with each (unigram) term of document `i`, in order.
    fn terms(&self, i: usize, f: &mut dyn FnMut(&str));
    /// The raw text of document `i` and its analyser, when the source is raw text.
    fn text(&self, _i: usize) -> Option<(&Analyzer, &str)> {
        None
    }
}

struct Lists<'a, D, S>(&'a [D], std::marker::PhantomData<S>);

impl<D: AsRef<[S]> + Sync, S: AsRef<str> + Sync> TermSource for Lists<'_, D, S> {
    fn n_docs(&self) -> usize {
        self.0.len()
    }
    fn terms(&self, i: usize, f: &mut dyn FnMut(&str)) {
        for t in self.0[i].as_ref() {
            f(t.as_ref());
        }
    }
}

struct Texts<'a, T> {
    analyzer: &'a Analyzer,
    texts: &'a [T],
}

impl<T: AsRef<str> + Sync> TermSource for Texts<'_, T> {
    fn n_docs(&self) -> usize {
        self.texts.len()
    }
    fn terms(&self, i: usize, f: &mut dyn FnMut(&str)) {
        self.analyzer
            .for_each_token(self.texts[i].as_ref(), |tok| f(tok.term));
    }
    fn text(&self, i: usize) -> Option<(&Analyzer, &str)> {
        Some((self.analyzer, self.texts[i].as_ref()))
    }
}

/// Calls `f` with every n-gram (n in `range`, n ≤ 2) of document `i`, unigrams and bigrams
/// interleaved; bigrams are the two terms joined by one space. `prev` and `bigram` are scratch.
fn for_each_ngram_of(
    src: &dyn TermSource,
    i: usize,
    range: (usize, usize),
    prev: &mut String,
    bigram: &mut String,
    f: &mut dyn FnMut(&str),
) {
    let (uni, bi) = (range.0 <= 1, range.1 >= 2);
    let mut has_prev = false;
    src.terms(i, &mut |t| {
        if uni {
            f(t);
        }
        if bi {
            if has_prev {
                bigram.clear();
                bigram.push_str(prev);
                bigram.push(' ');
                bigram.push_str(t);
                f(bigram);
            }
            prev.clear();
            prev.push_str(t);
            has_prev = true;
        }
    });
}

/// Pass-one result for a contiguous block of documents: a block-local term dictionary and, per
/// document, its (local term id, count) pairs. No per-token string is kept.
struct Block {
    /// Local id → term (unigram, or two unigrams joined by a space).
    terms: Vec<Box<str>>,
    /// Documents containing each term as a feature (0 for a unigram seen only inside bigrams
    /// when unigrams are not features).
    df: Vec<u32>,
    tf: Vec<u64>,
    /// `entries[row_end[d - 1]..row_end[d]]` are document `d`'s (local id, count) pairs.
    row_end: Vec<usize>,
    entries: Vec<(u32, u32)>,
}

const NONE: u32 = u32::MAX;

/// The mutable state of [`Block::count`].
struct Counter {
    uni: bool,
    bi: bool,
    terms: Vec<Box<str>>,
    unigram_ids: FxHashMap<Box<str>, u32>,
    bigram_ids: FxHashMap<(u32, u32), u32>,
    cnt: Vec<u32>,
    touched: Vec<u32>,
    prev: u32,
}

impl Counter {
    fn intern(&mut self, t: &str) -> u32 {
        if let Some(&id) = self.unigram_ids.get(t) {
            return id;
        }
        let id = self.new_term(t.into());
        self.unigram_ids.insert(t.into(), id);
        id
    }

    fn new_term(&mut self, t: Box<str>) -> u32 {
        self.terms.push(t);
        self.cnt.push(0);
        (self.terms.len() - 1) as u32
    }

    fn count(&mut self, id: u32) {
        let c = &mut self.cnt[id as usize];
        if *c == 0 {
            self.touched.push(id);
        }
        *c += 1;
    }

    /// One analysed unigram (by local id) of the current document, in order.
    fn push(&mut self, id: u32) {
        if self.uni {
            self.count(id);
        }
        if self.bi {
            if self.prev != NONE {
                let key = (self.prev, id);
                let b = match self.bigram_ids.get(&key) {
                    Some(&b) => b,
                    None => {
                        let s =
                            format!("{} {}", self.terms[key.0 as usize], self.terms[id as usize]);
                        let b = self.new_term(s.into());
                        self.bigram_ids.insert(key, b);
                        b
                    }
                };
                self.count(b);
            }
            self.prev = id;
        }
    }
}

impl Block {
    fn count(src: &dyn TermSource, docs: std::ops::Range<usize>, range: (usize, usize)) -> Block {
        let mut k = Counter {
            uni: range.0 <= 1,
            bi: range.1 >= 2,
            terms: Vec::new(),
            unigram_ids: FxHashMap::default(),
            bigram_ids: FxHashMap::default(),
            cnt: Vec::new(),
            touched: Vec::new(),
            prev: NONE,
        };
        let (mut df, mut tf): (Vec<u32>, Vec<u64>) = (Vec::new(), Vec::new());
        let mut row_end = Vec::with_capacity(docs.len());
        let mut entries = Vec::new();
        // Raw-text input: surface word → range of `seq` holding its analysed local ids, so each
        // distinct word of the block is analysed once (the analysis is per token: tokenise,
        // normalise, filter, stem, no context).
        let mut surface: FxHashMap<Box<str>, (u32, u32)> = FxHashMap::default();
        let mut seq: Vec<u32> = Vec::new();
        let mut one: Vec<u32> = Vec::new();
        for i in docs {
            k.prev = NONE;
            if let Some((analyzer, text)) = src.text(i) {
                for span in tokenize(text) {
                    let w = &text[span.start..span.end];
                    let (a, n) = match surface.get(w) {
                        Some(&r) => r,
                        None => {
                            one.clear();
                            analyzer.for_each_token(w, |tok| one.push(k.intern(tok.term)));
                            let r = (seq.len() as u32, one.len() as u32);
                            seq.extend_from_slice(&one);
                            surface.insert(w.into(), r);
                            r
                        }
                    };
                    for j in a..a + n {
                        k.push(seq[j as usize]);
                    }
                }
            } else {
                src.terms(i, &mut |t| {
                    let id = k.intern(t);
                    k.push(id);
                });
            }
            df.resize(k.terms.len(), 0);
            tf.resize(k.terms.len(), 0);
            for &id in &k.touched {
                let c = std::mem::take(&mut k.cnt[id as usize]);
                df[id as usize] += 1;
                tf[id as usize] += u64::from(c);
                entries.push((id, c));
            }
            k.touched.clear();
            row_end.push(entries.len());
        }
        Block {
            terms: k.terms,
            df,
            tf,
            row_end,
            entries,
        }
    }
}

/// Splits `0..n` into about `parts` contiguous ranges.
fn ranges(n: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let size = n.div_ceil(parts.max(1)).max(1);
    (0..n).step_by(size).map(|a| a..(a + size).min(n)).collect()
}

impl TfidfVectorizer {
    /// Learns the vocabulary and idf from analysed documents (lists of terms).
    pub fn fit<D: AsRef<[S]> + Sync, S: AsRef<str> + Sync>(
        params: &ValidTfidfParams,
        docs: &[D],
    ) -> Result<Self, VectorizeError> {
        Self::fit_source(params, &Lists(docs, Default::default()), false).map(|r| r.0)
    }

    /// Learns the vocabulary and idf from raw texts, analysed by `analyzer` on the fly (no
    /// per-token allocation, no token lists kept).
    pub fn fit_texts<T: AsRef<str> + Sync>(
        params: &ValidTfidfParams,
        analyzer: &Analyzer,
        texts: &[T],
    ) -> Result<Self, VectorizeError> {
        Self::fit_source(params, &Texts { analyzer, texts }, false).map(|r| r.0)
    }

    pub fn fit_transform<D: AsRef<[S]> + Sync, S: AsRef<str> + Sync>(
        params: &ValidTfidfParams,
        docs: &[D],
    ) -> Result<(Self, CsrMatrix), VectorizeError> {
        Self::fit_source(params, &Lists(docs, Default::default()), true)
            .map(|(v, x)| (v, x.expect("matrix requested")))
    }

    /// [`fit_transform`](Self::fit_transform) on raw texts: each text is analysed once; the
    /// matrix is built from per-document counts kept from the counting pass.
    pub fn fit_transform_texts<T: AsRef<str> + Sync>(
        params: &ValidTfidfParams,
        analyzer: &Analyzer,
        texts: &[T],
    ) -> Result<(Self, CsrMatrix), VectorizeError> {
        Self::fit_source(params, &Texts { analyzer, texts }, true)
            .map(|(v, x)| (v, x.expect("matrix requested")))
    }

    fn fit_source(
        params: &ValidTfidfParams,
        src: &dyn TermSource,
        want_matrix: bool,
    ) -> Result<(Self, Option<CsrMatrix>), VectorizeError> {
        let p = params.params().clone();
        let n = src.n_docs();
        if n == 0 {
            return Err(VectorizeError::NoDocuments);
        }
        // Pass 1 (parallel): one block per ~half thread share, so load balances without
        // multiplying the dictionaries to merge.
        let blocks: Vec<Block> = ranges(n, rayon::current_num_threads())
            .into_par_iter()
            .map(|r| Block::count(src, r, p.ngram_range))
            .collect();

        // Merge the block dictionaries: global id per distinct term, df and total count.
        let mut global: FxHashMap<&str, u32> = FxHashMap::default();
        let mut names: Vec<&str> = Vec::new();
        let (mut df, mut tf): (Vec<u32>, Vec<u64>) = (Vec::new(), Vec::new());
        let mut local_to_global: Vec<Vec<u32>> = Vec::with_capacity(blocks.len());
        for b in &blocks {
            let mut map = vec![NONE; b.terms.len()];
            for (l, t) in b.terms.iter().enumerate() {
                if b.df[l] == 0 {
                    continue; // not a feature (a unigram when only bigrams are counted)
                }
                let g = *global.entry(&**t).or_insert_with(|| {
                    names.push(t);
                    df.push(0);
                    tf.push(0);
                    (names.len() - 1) as u32
                });
                df[g as usize] += b.df[l];
                tf[g as usize] += b.tf[l];
                map[l] = g;
            }
            local_to_global.push(map);
        }
        drop(global);

        // scikit-learn: max_doc_count = max_df if int else max_df * n_doc (same for min_df);
        // a term is kept when min_doc_count <= df <= max_doc_count.
        let (max_doc, min_doc) = (p.max_df.bound(n), p.min_df.bound(n));
        if max_doc < min_doc {
            return Err(VectorizeError::MaxDfBelowMinDf);
        }
        let mut kept: Vec<u32> = (0..names.len() as u32)
            .filter(|&g| {
                let d = f64::from(df[g as usize]);
                d <= max_doc && d >= min_doc
            })
            .collect();
        if let Some(limit) = p.max_features
            && kept.len() > limit
        {
            // The `limit` terms with the highest total count. Ties at the cut are broken by
            // term order: what scikit-learn's `argsort` gives when it happens to be stable
            // (its columns are in term order, but its default sort is not stable).
            let key = |&g: &u32| (std::cmp::Reverse(tf[g as usize]), names[g as usize]);
            kept.select_nth_unstable_by_key(limit - 1, key);
            kept.truncate(limit);
        }
        if kept.is_empty() {
            return Err(VectorizeError::EmptyVocabulary(n));
        }
        kept.par_sort_unstable_by_key(|&g| names[g as usize]);
        let idf: Vec<f64> = kept
            .iter()
            .map(|&g| idf_of(n, df[g as usize], p.smooth_idf))
            .collect();
        let vocabulary: Vec<String> = kept
            .iter()
            .map(|&g| names[g as usize].to_string())
            .collect();
        let mut global_to_col = vec![u32::MAX; names.len()];
        for (c, &g) in kept.iter().enumerate() {
            global_to_col[g as usize] = c as u32;
        }
        drop((names, df, tf, kept));
        let v = Self::from_parts(p, vocabulary, idf);
        if !want_matrix {
            return Ok((v, None));
        }

        // Pass 2: build the CSR rows straight from the per-document counts, written in place.
        let (dicts, rest): (Vec<_>, Vec<_>) = blocks
            .into_iter()
            .map(|b| (b.terms, (b.row_end, b.entries)))
            .unzip();
        drop(dicts);
        let col_maps: Vec<Vec<u32>> = local_to_global
            .into_par_iter()
            .map(|m| {
                m.into_iter()
                    .map(|g| {
                        if g == NONE {
                            NONE
                        } else {
                            global_to_col[g as usize]
                        }
                    })
                    .collect()
            })
            .collect();
        drop(global_to_col);
        let row_nnz: Vec<Vec<usize>> = rest
            .par_iter()
            .zip(&col_maps)
            .map(|((row_end, entries), cols)| {
                let mut start = 0;
                row_end
                    .iter()
                    .map(|&end| {
                        let k = entries[start..end]
                            .iter()
                            .filter(|e| cols[e.0 as usize] != u32::MAX)
                            .count();
                        start = end;
                        k
                    })
                    .collect()
            })
            .collect();
        let mut indptr = Vec::with_capacity(n + 1);
        indptr.push(0usize);
        for r in row_nnz.iter().flatten() {
            indptr.push(indptr.last().unwrap() + r);
        }
        let nnz = *indptr.last().unwrap();
        let mut indices = vec![0u32; nnz];
        let mut data = vec![0f64; nnz];
        let mut jobs = Vec::with_capacity(rest.len());
        let (mut ind_rest, mut dat_rest) = (&mut indices[..], &mut data[..]);
        for ((row_end, entries), (cols, nnz_b)) in rest.iter().zip(col_maps.iter().zip(&row_nnz)) {
            let k: usize = nnz_b.iter().sum();
            let (a, b) = std::mem::take(&mut ind_rest).split_at_mut(k);
            let (c, d) = std::mem::take(&mut dat_rest).split_at_mut(k);
            ind_rest = b;
            dat_rest = d;
            jobs.push((row_end, entries, cols, a, c));
        }
        jobs.into_par_iter()
            .for_each(|(row_end, entries, cols, ind, dat)| {
                let mut row: Vec<(u32, u32)> = Vec::new();
                let (mut start, mut out) = (0, 0);
                for &end in row_end {
                    row.clear();
                    row.extend(
                        entries[start..end]
                            .iter()
                            .map(|&(l, c)| (cols[l as usize], c))
                            .filter(|e| e.0 != u32::MAX),
                    );
                    row.sort_unstable_by_key(|e| e.0);
                    let k = row.len();
                    v.weigh_row(&row, &mut ind[out..out + k], &mut dat[out..out + k]);
                    out += k;
                    start = end;
                }
            });
        let n_cols = v.vocabulary.len();
        Ok((
            v,
            Some(CsrMatrix {
                indptr,
                indices,
                data,
                n_cols,
            }),
        ))
    }

    /// Rebuilds a vectoriser from saved parts (the term index is derived, not stored).
    pub fn from_parts(params: TfidfParams, vocabulary: Vec<String>, idf: Vec<f64>) -> Self {
        let mut v = TfidfVectorizer {
            params,
            vocabulary,
            idf,
            index: FxHashMap::default(),
        };
        v.rebuild_index();
        v
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

    /// TF-IDF weights of one row given its (column, count) pairs in increasing column order:
    /// tf (raw or 1 + ln), times idf, then the row norm — scikit-learn's order of operations.
    fn weigh_row(&self, row: &[(u32, u32)], ind: &mut [u32], dat: &mut [f64]) {
        let p = &self.params;
        for ((&(c, n), i), d) in row.iter().zip(ind.iter_mut()).zip(dat.iter_mut()) {
            let tf = if p.sublinear_tf {
                f64::from(n).ln() + 1.0
            } else {
                f64::from(n)
            };
            *i = c;
            *d = if p.use_idf {
                tf * self.idf[c as usize]
            } else {
                tf
            };
        }
        let norm = match p.norm {
            Norm::L2 => dat.iter().map(|x| x * x).sum::<f64>().sqrt(),
            Norm::L1 => dat.iter().map(|x| x.abs()).sum::<f64>(),
            Norm::None => return,
        };
        if norm > 0.0 {
            for x in dat.iter_mut() {
                *x /= norm;
            }
        }
    }

    /// Sorted (column, count) pairs of the in-vocabulary n-grams of document `i`.
    fn count_known(
        &self,
        src: &dyn TermSource,
        i: usize,
        scratch: &mut (String, String, Vec<u32>),
        row: &mut Vec<(u32, u32)>,
    ) {
        let (prev, bigram, ids) = scratch;
        ids.clear();
        for_each_ngram_of(src, i, self.params.ngram_range, prev, bigram, &mut |t| {
            if let Some(&c) = self.index.get(t) {
                ids.push(c);
            }
        });
        ids.sort_unstable();
        row.clear();
        for &c in ids.iter() {
            match row.last_mut() {
                Some(last) if last.0 == c => last.1 += 1,
                _ => row.push((c, 1)),
            }
        }
    }

    fn transform_source(&self, src: &dyn TermSource) -> CsrMatrix {
        let n_cols = self.vocabulary.len();
        let blocks = ranges(src.n_docs(), rayon::current_num_threads() * 4)
            .into_par_iter()
            .map(|r| {
                let mut m = CsrMatrix::empty(n_cols);
                let mut scratch = Default::default();
                let mut row = Vec::new();
                let (mut ind, mut dat) = (Vec::new(), Vec::new());
                for i in r {
                    self.count_known(src, i, &mut scratch, &mut row);
                    ind.resize(row.len(), 0);
                    dat.resize(row.len(), 0.0);
                    self.weigh_row(&row, &mut ind, &mut dat);
                    m.push_row(&ind, &dat);
                }
                m
            })
            .collect();
        CsrMatrix::vstack(n_cols, blocks)
    }

    /// One document's TF-IDF row as (sorted columns, values).
    pub fn transform_one<S: AsRef<str>>(&self, terms: &[S]) -> (Vec<u32>, Vec<f64>) {
        let strs: Vec<&str> = terms.iter().map(AsRef::as_ref).collect();
        let one = [strs];
        let src = Lists(&one[..], Default::default());
        let mut row = Vec::new();
        self.count_known(&src, 0, &mut Default::default(), &mut row);
        let (mut ind, mut dat) = (vec![0; row.len()], vec![0.0; row.len()]);
        self.weigh_row(&row, &mut ind, &mut dat);
        (ind, dat)
    }

    /// One raw text's TF-IDF row, analysed by `analyzer`, as (sorted columns, values).
    pub fn transform_text(&self, analyzer: &Analyzer, text: &str) -> (Vec<u32>, Vec<f64>) {
        let texts = [text];
        let src = Texts {
            analyzer,
            texts: &texts,
        };
        let mut row = Vec::new();
        self.count_known(&src, 0, &mut Default::default(), &mut row);
        let (mut ind, mut dat) = (vec![0; row.len()], vec![0.0; row.len()]);
        self.weigh_row(&row, &mut ind, &mut dat);
        (ind, dat)
    }

    pub fn transform<D: AsRef<[S]> + Sync, S: AsRef<str> + Sync>(&self, docs: &[D]) -> CsrMatrix {
        self.transform_source(&Lists(docs, Default::default()))
    }

    /// [`transform`](Self::transform) on raw texts analysed by `analyzer`.
    pub fn transform_texts<T: AsRef<str> + Sync>(
        &self,
        analyzer: &Analyzer,
        texts: &[T],
    ) -> CsrMatrix {
        self.transform_source(&Texts { analyzer, texts })
    }
}

/// scikit-learn's idf: ln((1 + n) / (1 + df)) + 1 when smoothed, else ln(n / df) + 1.
fn idf_of(n: usize, df: u32, smooth: bool) -> f64 {
    let s = if smooth { 1.0 } else { 0.0 };
    ((n as f64 + s) / (f64::from(df) + s)).ln() + 1.0
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
