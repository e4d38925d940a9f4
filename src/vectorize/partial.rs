//! Counting as partial statistics: what any share of a corpus contributes to the vocabulary
//! (each term's document frequency and total count, each raw word form's occurrences), keyed by
//! the words themselves so that shares counted apart — by threads, chunks or machines — merge
//! by addition. Counts are integers, so the merge is exact in any order.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use super::count::Counter;
use super::{
    Texts, TfidfVectorizer, ValidTfidfParams, VectorizeError, select_terms, surface_words,
};
use crate::text::Analyzer;

/// One term's counts in a share of the corpus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermCount {
    /// A unigram term, or two joined by one space (a bigram).
    pub term: String,
    /// Documents it occurs in.
    pub df: u64,
    /// Occurrences.
    pub tf: u64,
}

/// One raw word form's occurrences, with the term the analyser made of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormCount {
    pub form: String,
    pub term: String,
    pub count: u64,
}

/// The counts of some documents: merge those of every share, then choose the vocabulary with
/// [`TermCounts::vectorizer`]. The same as counting the whole corpus at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermCounts {
    pub n_docs: u64,
    /// Sorted by term.
    pub terms: Vec<TermCount>,
    /// Sorted by form.
    pub forms: Vec<FormCount>,
}

impl TermCounts {
    /// Counts `texts` with `analyzer` and the n-gram range of `params`.
    pub fn of_texts<T: AsRef<str> + Sync>(
        analyzer: &Analyzer,
        params: &ValidTfidfParams,
        texts: &[T],
    ) -> TermCounts {
        let mut counter = Counter::new(Some(analyzer), params.params().ngram_range);
        counter.add(&Texts { analyzer, texts });
        let mut terms: Vec<TermCount> = (counter.features())
            .map(|(t, df)| TermCount {
                term: counter.name(t).into_owned(),
                df: df.into(),
                tf: counter.tf(t),
            })
            .collect();
        terms.sort_unstable_by(|a, b| a.term.cmp(&b.term));
        let n_docs = counter.n_docs as u64;
        let forms = counter.into_forms().expect("raw-text input");
        let mut forms: Vec<FormCount> = (forms.iter())
            .map(|(form, term, count)| FormCount {
                form: form.to_owned(),
                term: term.to_owned(),
                count,
            })
            .collect();
        forms.sort_unstable_by(|a, b| a.form.cmp(&b.form));
        TermCounts {
            n_docs,
            terms,
            forms,
        }
    }

    /// Adds `other`'s counts (documents counted in one and not the other).
    pub fn merge(&mut self, other: &TermCounts) {
        self.n_docs += other.n_docs;
        self.terms = merge_sorted(
            std::mem::take(&mut self.terms),
            &other.terms,
            |t| &t.term,
            |a, b| {
                a.df += b.df;
                a.tf += b.tf;
            },
        );
        self.forms = merge_sorted(
            std::mem::take(&mut self.forms),
            &other.forms,
            |f| &f.form,
            |a, b| a.count += b.count,
        );
    }

    /// The vectoriser these counts give under `params` (vocabulary and idf), and the word
    /// shown for each of its terms: what fitting on all the documents at once gives.
    pub fn vectorizer(
        &self,
        params: &ValidTfidfParams,
    ) -> Result<(TfidfVectorizer, Vec<String>), VectorizeError> {
        if self.n_docs == 0 {
            return Err(VectorizeError::NoDocuments);
        }
        let items = (self.terms.iter().enumerate())
            .map(|(i, t)| {
                let df = u32::try_from(t.df).unwrap_or(u32::MAX);
                (i as u32, Cow::Borrowed(t.term.as_str()), df, t.tf)
            })
            .collect();
        let (kept, idf) = select_terms(self.n_docs as usize, items, params.params())?;
        let vocabulary: Vec<String> = kept.into_iter().map(|(_, t)| t.into_owned()).collect();
        let forms = (self.forms.iter()).map(|f| (f.form.as_str(), f.term.as_str(), f.count));
        let surface = surface_words(forms, &vocabulary);
        let v = TfidfVectorizer::from_parts(params.params().clone(), vocabulary, idf);
        Ok((v, surface))
    }
}

/// Two lists sorted by `key` merged into one, entries with equal keys combined by `add`.
fn merge_sorted<T: Clone>(
    a: Vec<T>,
    b: &[T],
    key: impl Fn(&T) -> &String,
    add: impl Fn(&mut T, &T),
) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let mut b = b.iter().peekable();
    for mut x in a {
        while let Some(y) = b.next_if(|y| key(y) < key(&x)) {
            out.push(y.clone());
        }
        if let Some(y) = b.next_if(|y| key(y) == key(&x)) {
            add(&mut x, y);
        }
        out.push(x);
    }
    out.extend(b.cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::AnalyzerConfig;
    use crate::vectorize::TfidfParams;

    fn texts() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let mut paths = Vec::new();
        for label in ["afghanistan", "greenland", "migration", "ukraine"] {
            for e in std::fs::read_dir(root.join(label)).unwrap() {
                paths.push(e.unwrap().path());
            }
        }
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    #[test]
    fn shares_counted_apart_and_merged_give_the_whole_corpus_vectorizer() {
        let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let texts = texts();
        for params in [
            TfidfParams::default(),
            TfidfParams {
                ngram_range: (1, 2),
                min_df: crate::vectorize::DocFreq::Count(2),
                max_features: Some(500),
                ..TfidfParams::default()
            },
        ] {
            let params = params.check().unwrap();
            let f = params
                .fit_transform_texts_detailed(&analyzer, &texts, false)
                .unwrap();
            let whole_surface =
                surface_words(f.forms.as_ref().unwrap().iter(), f.vectorizer.vocabulary());

            // three uneven shares, merged in an order other than the corpus's
            let shares = [&texts[..7], &texts[7..60], &texts[60..]];
            let mut merged = TermCounts::of_texts(&analyzer, &params, shares[2]);
            merged.merge(&TermCounts::of_texts(&analyzer, &params, shares[0]));
            merged.merge(&TermCounts::of_texts(&analyzer, &params, shares[1]));
            assert_eq!(merged, TermCounts::of_texts(&analyzer, &params, &texts));
            assert_eq!(merged.n_docs, texts.len() as u64);

            let (v, surface) = merged.vectorizer(&params).unwrap();
            assert!(v.vocabulary().len() > 100);
            assert_eq!(v.vocabulary(), f.vectorizer.vocabulary());
            assert_eq!(v.idf(), f.vectorizer.idf());
            assert_eq!(surface, whole_surface);
        }
    }

    #[test]
    fn merging_keeps_terms_sorted_and_adds_equal_ones() {
        let t = |term: &str, df, tf| TermCount {
            term: term.into(),
            df,
            tf,
        };
        let mut a = TermCounts {
            n_docs: 2,
            terms: vec![t("a", 1, 2), t("c", 2, 2)],
            forms: vec![],
        };
        let b = TermCounts {
            n_docs: 3,
            terms: vec![t("b", 1, 1), t("c", 3, 4), t("d", 1, 9)],
            forms: vec![],
        };
        a.merge(&b);
        assert_eq!(a.n_docs, 5);
        let want = vec![t("a", 1, 2), t("b", 1, 1), t("c", 5, 6), t("d", 1, 9)];
        assert_eq!(a.terms, want);
        assert!(
            TermCounts::default()
                .vectorizer(&TfidfParams::default().check().unwrap())
                .is_err()
        );
    }
}
