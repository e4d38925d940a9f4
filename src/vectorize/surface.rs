//! The word people write for each vocabulary term: its most frequent spelling in the training
//! corpus (حكوم → الحكومة).

use rustc_hash::FxHashMap;

use crate::text::analyzer::display_form;

/// The most frequent surface word (display form) of each vocabulary term (ties: the shorter,
/// then the smaller string, so the choice is deterministic); a bigram shows its two words'.
/// `forms` holds (raw form, its term, occurrences), e.g. [`super::FormCounts::iter`].
pub fn surface_words<'f>(
    forms: impl IntoIterator<Item = (&'f str, &'f str, u64)>,
    vocabulary: &[String],
) -> Vec<String> {
    let mut by_term: FxHashMap<&str, FxHashMap<String, u64>> = FxHashMap::default();
    for (form, term, n) in forms {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Analyzer, AnalyzerConfig};
    use crate::vectorize::TfidfParams;

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
        let f = (p)
            .fit_transform_texts_detailed(&analyzer, &texts, false)
            .unwrap();
        let vocab = f.vectorizer.vocabulary();
        let words = surface_words(f.forms.as_ref().unwrap().iter(), vocab);
        let of = |term: &str| &words[vocab.iter().position(|t| t == term).unwrap()];
        // three spellings of one term: the harakah is dropped for display, and الأفغانية (2)
        // beats الافغانية (1)
        assert_eq!(of("حكوم"), "الحكومة");
        assert_eq!(of("افغان"), "الأفغانية");
        assert_eq!(of("حكوم افغان"), "الحكومة الأفغانية");
    }
}
