//! The counting pass of `fit`: each document's n-gram counts, document frequencies and totals.
//!
//! Three steps, so that each distinct word form is analysed once for the whole corpus (not once
//! per token, nor once per thread):
//! 1. per block of documents (parallel): cut tokens and intern each raw form in a block-local
//!    [`WordTable`], keeping every document's sequence of form ids;
//! 2. merge the block tables, analyse each distinct form once (parallel) and intern its term;
//! 3. per block (parallel): map form ids to term ids and count per document (unigrams, and
//!    bigrams of consecutive kept terms).
//!
//! On all of ANT (7.3 M tokens, 269 k distinct forms) this replaced a per-token hash map of
//! boxed strings plus the analyser's per-thread cache: the key loads of that map (heap boxes
//! scattered by the allocator) were 18% of the run (perf). Keys now sit back to back in one
//! arena, in first-seen order, so the frequent forms share a few cache lines.

use super::TermSource;
use crate::text::Analyzer;
use crate::text::tokenize::{TokenKind, tokenize};
use rayon::prelude::*;
use std::ops::Range;

pub(crate) use crate::text::intern::{WordTable, hash};

pub(super) const NONE: u32 = u32::MAX;

/// Tokens looked up per prefetch batch: enough to overlap the misses, few enough that the
/// prefetched lines are still in L1 when used (and that a table growth inside a batch, which
/// makes its prefetches useless but not wrong, costs little).
const BATCH: usize = 16;

/// Step 1 for one block: the distinct raw forms (with their token kind) and, per document,
/// the sequence of form ids.
struct Forms {
    table: WordTable,
    kinds: Vec<TokenKind>,
    seq: Vec<u32>,
    doc_end: Vec<usize>,
}

impl Forms {
    fn read(src: &dyn TermSource, docs: Range<usize>) -> Forms {
        let mut f = Forms {
            table: WordTable::default(),
            kinds: Vec::new(),
            seq: Vec::new(),
            doc_end: Vec::with_capacity(docs.len()),
        };
        let mut batch: Vec<(usize, usize, TokenKind, u64)> = Vec::with_capacity(BATCH);
        for i in docs {
            if let Some((_, text)) = src.text(i) {
                let mut spans = tokenize(text).peekable();
                while spans.peek().is_some() {
                    batch.clear();
                    for span in spans.by_ref().take(BATCH) {
                        let h = hash(&text[span.start..span.end]);
                        f.table.prefetch(h);
                        batch.push((span.start, span.end, span.kind, h));
                    }
                    for &(a, b, kind, h) in &batch {
                        f.push_hashed(&text[a..b], kind, h);
                    }
                }
            } else {
                // Pre-analysed terms: each term is its own "form"; the kind is not used.
                src.terms(i, &mut |t| f.push(t, TokenKind::Arabic));
            }
            f.doc_end.push(f.seq.len());
        }
        f
    }

    fn push(&mut self, w: &str, kind: TokenKind) {
        self.push_hashed(w, kind, hash(w));
    }

    fn push_hashed(&mut self, w: &str, kind: TokenKind, h: u64) {
        let (id, new) = self.table.intern_hashed(w, h);
        if new {
            self.kinds.push(kind);
        }
        self.seq.push(id);
    }
}

/// One block's documents: `entries[doc_end[d - 1]..doc_end[d]]` are document `d`'s
/// (term, count) pairs, unsorted; a term is a unigram id, or [`BIGRAM`] plus a bigram id.
pub(crate) struct Rows {
    pub doc_end: Vec<usize>,
    pub entries: Vec<(u32, u32)>,
}

/// Marks a bigram id in [`Rows::entries`] (unigram ids stay below it).
pub(crate) const BIGRAM: u32 = 1 << 31;

/// Every distinct raw word form of a corpus, as the tokeniser cut it, with the unigram term
/// the analyser made of it.
pub struct FormCounts {
    pub(super) table: WordTable,
    /// The form's unigram term id in `unigrams`, or [`NONE`] when the analyser drops it.
    pub(super) term: Vec<u32>,
    pub(super) count: Vec<u64>,
    pub(super) unigrams: WordTable,
}

impl FormCounts {
    /// (form, its unigram term, occurrences) of every form the analyser keeps. The term may
    /// be outside the vocabulary (pruned by `min_df`, or only part of kept bigrams).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, u64)> + '_ {
        (0..self.table.len() as u32)
            .filter(|&id| self.term[id as usize] != NONE)
            .map(|id| {
                let i = id as usize;
                (
                    self.table.get(id),
                    self.unigrams.get(self.term[i]),
                    self.count[i],
                )
            })
    }
}

/// Splits the documents into `parts` contiguous ranges of about equal text length (raw-text
/// input; equal document counts otherwise): with one block per thread, the longest block sets
/// the time (on ANT, equal counts gave blocks of 188 and 241 ms).
fn balanced_ranges(src: &dyn TermSource, parts: usize) -> Vec<Range<usize>> {
    let n = src.n_docs();
    if src.text(0).is_none() || parts <= 1 {
        return ranges(n, parts);
    }
    let len = |i: usize| src.text(i).map_or(0, |(_, t)| t.len()) + 1;
    let total: usize = (0..n).map(len).sum();
    let per = total.div_ceil(parts);
    let (mut out, mut start, mut acc) = (Vec::new(), 0, 0);
    for i in 0..n {
        acc += len(i);
        if acc >= per && out.len() + 1 < parts {
            out.push(start..i + 1);
            (start, acc) = (i + 1, 0);
        }
    }
    if start < n {
        out.push(start..n);
    }
    out
}

/// Splits `0..n` into about `parts` contiguous ranges.
pub(super) fn ranges(n: usize, parts: usize) -> Vec<Range<usize>> {
    let size = n.div_ceil(parts.max(1)).max(1);
    (0..n).step_by(size).map(|a| a..(a + size).min(n)).collect()
}

/// What counting has seen so far, chunk after chunk: every distinct word form and its term,
/// the unigram and bigram terms with their document and total frequencies. Term ids are given
/// in first-seen order, so they depend on the order of the documents, never on how they were
/// cut into chunks or blocks.
pub(crate) struct Counter<'a> {
    /// The analyser of raw-text input; `None` when the documents are term lists already.
    analyzer: Option<&'a Analyzer>,
    uni: bool,
    bi: bool,
    /// Distinct raw forms (raw-text input only), their token kinds, terms and occurrences.
    forms: WordTable,
    kinds: Vec<TokenKind>,
    form_term: Vec<u32>,
    form_count: Vec<u64>,
    pub unigrams: WordTable,
    bigram_ids: rustc_hash::FxHashMap<(u32, u32), u32>,
    /// (left, right) unigram ids of each bigram.
    pub bigrams: Vec<(u32, u32)>,
    pub df_uni: Vec<u32>,
    pub tf_uni: Vec<u64>,
    pub df_bi: Vec<u32>,
    pub tf_bi: Vec<u64>,
    pub n_docs: usize,
}

impl<'a> Counter<'a> {
    pub fn new(analyzer: Option<&'a Analyzer>, ngram_range: (usize, usize)) -> Self {
        Counter {
            analyzer,
            uni: ngram_range.0 <= 1,
            bi: ngram_range.1 >= 2,
            forms: WordTable::default(),
            kinds: Vec::new(),
            form_term: Vec::new(),
            form_count: Vec::new(),
            unigrams: WordTable::default(),
            bigram_ids: Default::default(),
            bigrams: Vec::new(),
            df_uni: Vec::new(),
            tf_uni: Vec::new(),
            df_bi: Vec::new(),
            tf_bi: Vec::new(),
            n_docs: 0,
        }
    }

    /// The name of term `t` (a unigram id, or [`BIGRAM`] plus a bigram id).
    pub fn name(&self, t: u32) -> std::borrow::Cow<'_, str> {
        if t & BIGRAM == 0 {
            self.unigrams.get(t).into()
        } else {
            let (l, r) = self.bigrams[(t & !BIGRAM) as usize];
            format!("{} {}", self.unigrams.get(l), self.unigrams.get(r)).into()
        }
    }

    /// The terms that are features (unigrams, bigrams or both, by the n-gram range), each with
    /// its document frequency, in id order: unigrams first.
    pub fn features(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let uni = (self.uni.then_some(self.df_uni.iter()).into_iter().flatten())
            .enumerate()
            .map(|(i, &d)| (i as u32, d));
        let bi = (self.bi.then_some(self.df_bi.iter()).into_iter().flatten())
            .enumerate()
            .map(|(i, &d)| (BIGRAM | i as u32, d));
        uni.chain(bi)
    }

    /// Total occurrences of term `t`.
    pub fn tf(&self, t: u32) -> u64 {
        if t & BIGRAM == 0 {
            self.tf_uni[t as usize]
        } else {
            self.tf_bi[(t & !BIGRAM) as usize]
        }
    }

    /// Counts the documents of `src`, which follow every document counted so far; returns
    /// their rows, one [`Rows`] per block, in document order.
    pub fn add(&mut self, src: &dyn TermSource) -> Vec<Rows> {
        if src.n_docs() == 0 {
            return Vec::new();
        }
        // Step 1: one block per thread, so there are few tables to merge.
        let blocks: Vec<Forms> = balanced_ranges(src, rayon::current_num_threads())
            .into_par_iter()
            .map(|r| Forms::read(src, r))
            .collect();

        // Step 2: the blocks' forms into the corpus table, and the new forms' terms.
        let first_new = self.form_term.len();
        let mut seqs = Vec::with_capacity(blocks.len());
        for b in blocks {
            let map: Vec<u32> = (0..b.table.len() as u32)
                .map(|l| self.intern_form(b.table.get(l), b.kinds[l as usize]))
                .collect();
            seqs.push((b.seq, b.doc_end, map));
        }
        self.analyse_new_forms(first_new);
        self.form_count.resize(self.form_term.len(), 0);
        let n_uni = self.unigrams.len();

        // Step 3: count per document, per block in parallel.
        let (uni, bi, form_term) = (self.uni, self.bi, &self.form_term);
        let parts: Vec<(Part, Vec<u32>)> = seqs
            .into_par_iter()
            .map(|(seq, doc_end, map)| {
                let term_of: Vec<u32> = map.iter().map(|&g| form_term[g as usize]).collect();
                (Part::count(&seq, &doc_end, &term_of, n_uni, uni, bi), map)
            })
            .collect();

        // Merge the blocks in order: bigram ids, frequencies, the entries' bigram ids.
        self.df_uni.resize(n_uni, 0);
        self.tf_uni.resize(n_uni, 0);
        let mut rows = Vec::with_capacity(parts.len());
        for (mut p, form_map) in parts {
            let global: Vec<u32> = (p.bigrams.iter())
                .map(|&key| {
                    *self.bigram_ids.entry(key).or_insert_with(|| {
                        self.bigrams.push(key);
                        (self.bigrams.len() - 1) as u32
                    })
                })
                .collect();
            self.df_bi.resize(self.bigrams.len(), 0);
            self.tf_bi.resize(self.bigrams.len(), 0);
            for (id, (&d, &t)) in p.df.iter().zip(&p.tf).enumerate() {
                if id < n_uni {
                    self.df_uni[id] += d;
                    self.tf_uni[id] += t;
                } else {
                    let g = global[id - n_uni] as usize;
                    self.df_bi[g] += d;
                    self.tf_bi[g] += t;
                }
            }
            if !global.is_empty() {
                p.entries.par_iter_mut().for_each(|e| {
                    if e.0 as usize >= n_uni {
                        e.0 = BIGRAM | global[e.0 as usize - n_uni];
                    }
                });
            }
            if self.analyzer.is_some() {
                for (l, &c) in p.form_count.iter().enumerate() {
                    self.form_count[form_map[l] as usize] += c;
                }
            }
            rows.push(Rows {
                doc_end: p.doc_end,
                entries: p.entries,
            });
        }
        self.n_docs += src.n_docs();
        rows
    }

    /// The corpus id of a form, interned on first sight (raw text: in the form table; term
    /// lists: the form is its own term).
    fn intern_form(&mut self, form: &str, kind: TokenKind) -> u32 {
        if self.analyzer.is_none() {
            let (id, new) = self.unigrams.intern(form);
            if new {
                self.form_term.push(id);
            }
            return id;
        }
        let (id, new) = self.forms.intern(form);
        if new {
            self.kinds.push(kind);
            self.form_term.push(NONE);
        }
        id
    }

    /// Analyses the forms from `first` on, each once, in parallel, and interns their terms in
    /// form order.
    fn analyse_new_forms(&mut self, first: usize) {
        let Some(a) = self.analyzer else {
            return;
        };
        let (forms, kinds) = (&self.forms, &self.kinds);
        let terms: Vec<Option<String>> = (first as u32..forms.len() as u32)
            .into_par_iter()
            .with_min_len(4096)
            .map_init(String::new, |norm, id| {
                a.analyze_word(forms.get(id), kinds[id as usize], norm)
            })
            .collect();
        for (i, t) in terms.into_iter().enumerate() {
            self.form_term[first + i] = t.map_or(NONE, |t| self.unigrams.intern(&t).0);
        }
    }

    /// Every distinct raw form with its term and occurrences (raw-text input only).
    pub fn into_forms(self) -> Option<FormCounts> {
        self.analyzer.map(|_| FormCounts {
            table: self.forms,
            term: self.form_term,
            count: self.form_count,
            unigrams: self.unigrams,
        })
    }
}

/// Step 3's result for one block.
struct Part {
    doc_end: Vec<usize>,
    entries: Vec<(u32, u32)>,
    /// Indexed by unigram id, then by `n_unigrams + local bigram id`.
    df: Vec<u32>,
    tf: Vec<u64>,
    /// Local bigram id → (left, right) unigram ids.
    bigrams: Vec<(u32, u32)>,
    /// Occurrences of each of the block's own forms (block-local ids).
    form_count: Vec<u64>,
}

impl Part {
    fn count(
        seq: &[u32],
        doc_end: &[usize],
        term_of: &[u32],
        n_uni: usize,
        uni: bool,
        bi: bool,
    ) -> Part {
        let mut bigram_ids: rustc_hash::FxHashMap<(u32, u32), u32> = Default::default();
        let mut bigrams = Vec::new();
        let mut cnt = vec![0u32; n_uni];
        let (mut df, mut tf) = (vec![0u32; n_uni], vec![0u64; n_uni]);
        let mut touched = Vec::new();
        let mut form_count = vec![0u64; term_of.len()];
        let mut entries = Vec::with_capacity(seq.len() / 2);
        let bump = |id: u32, cnt: &mut Vec<u32>, touched: &mut Vec<u32>| {
            let c = &mut cnt[id as usize];
            if *c == 0 {
                touched.push(id);
            }
            *c += 1;
        };
        let mut start = 0;
        let mut out_end = Vec::with_capacity(doc_end.len());
        for &end in doc_end {
            let mut prev = NONE;
            for &f in &seq[start..end] {
                form_count[f as usize] += 1;
                let t = term_of[f as usize];
                if t == NONE {
                    continue;
                }
                if uni {
                    bump(t, &mut cnt, &mut touched);
                }
                if bi {
                    if prev != NONE {
                        let b = *bigram_ids.entry((prev, t)).or_insert_with(|| {
                            bigrams.push((prev, t));
                            (n_uni + bigrams.len() - 1) as u32
                        });
                        if b as usize >= cnt.len() {
                            cnt.resize(b as usize + 1, 0);
                        }
                        bump(b, &mut cnt, &mut touched);
                    }
                    prev = t;
                }
            }
            start = end;
            let n = n_uni + bigrams.len();
            if df.len() < n {
                df.resize(n, 0);
                tf.resize(n, 0);
            }
            for &id in &touched {
                let c = std::mem::take(&mut cnt[id as usize]);
                df[id as usize] += 1;
                tf[id as usize] += u64::from(c);
                entries.push((id, c));
            }
            touched.clear();
            out_end.push(entries.len());
        }
        Part {
            doc_end: out_end,
            entries,
            df,
            tf,
            bigrams,
            form_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Texts;
    use super::*;
    use crate::text::AnalyzerConfig;

    /// Everything a count produces, in a form that compares: term names in id order, their
    /// frequencies, and each document's (term name, count) pairs sorted.
    type Summary = (
        Vec<String>,
        Vec<u32>,
        Vec<u64>,
        Vec<u32>,
        Vec<u64>,
        Vec<Vec<(String, u32)>>,
    );

    fn count_in_chunks(texts: &[String], chunk: usize, threads: usize) -> Summary {
        let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut c = Counter::new(Some(&analyzer), (1, 2));
            let mut docs = Vec::new();
            for part in texts.chunks(chunk) {
                let src = Texts {
                    analyzer: &analyzer,
                    texts: part,
                };
                for rows in c.add(&src) {
                    let mut start = 0;
                    for &end in &rows.doc_end {
                        let mut doc: Vec<(String, u32)> = (rows.entries[start..end].iter())
                            .map(|&(t, n)| (c.name(t).into_owned(), n))
                            .collect();
                        doc.sort();
                        docs.push(doc);
                        start = end;
                    }
                }
            }
            let names = (0..c.unigrams.len() as u32).map(|t| c.unigrams.get(t).to_owned());
            let bigrams = (0..c.bigrams.len() as u32).map(|b| c.name(BIGRAM | b).into_owned());
            assert_eq!(c.n_docs, texts.len());
            (
                names.chain(bigrams).collect(),
                c.df_uni.clone(),
                c.tf_uni.clone(),
                c.df_bi.clone(),
                c.tf_bi.clone(),
                docs,
            )
        })
    }

    #[test]
    fn counts_do_not_depend_on_chunks_or_threads() {
        let texts = crate::vectorize::tests::label_texts("ukraine");
        assert!(
            texts.len() >= 10,
            "the demo corpus has its Ukraine articles"
        );
        let whole = count_in_chunks(&texts, texts.len(), 2);
        assert!(whole.0.len() > 1000 && whole.3.iter().any(|&d| d > 1));
        for (chunk, threads) in [(1, 1), (3, 2), (7, 1), (texts.len(), 1)] {
            let cut = count_in_chunks(&texts, chunk, threads);
            assert!(
                cut == whole,
                "chunks of {chunk} on {threads} threads count differently"
            );
        }
    }
}
