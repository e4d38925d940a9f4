//! Label-free quality of topic descriptions, for corpora without gold labels:
//!
//! - **coherence**: mean NPMI (normalised pointwise mutual information, Bouma 2009) over every
//!   pair of a topic's top words, with probabilities from document co-occurrence in a reference
//!   corpus — the "c_npmi" measure of Röder et al. (2015) with whole documents as windows. It
//!   runs from -1 (the words never meet) through 0 (independent) to 1 (always together).
//! - **diversity**: the share of distinct words among all topics' top words (Dieng et al. 2020);
//!   1 when no word names two topics.
//!
//! Words are analysed terms (stems), matched against the analysed documents.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::topics::TopicModel;
use crate::vectorize::TfidfVectorizer;

/// Top words per topic that [`of_model`] scores (the count `tasnif topics` shows).
pub const TOP_N: usize = 10;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopicWordQuality {
    /// Mean NPMI of each topic's top-word pairs (0 for a topic with fewer than two words).
    pub coherence_per_topic: Vec<f64>,
    /// Mean of `coherence_per_topic`.
    pub coherence: f64,
    pub diversity: f64,
    /// Top words taken per topic.
    pub top_n: usize,
    /// Documents the co-occurrences were counted in.
    pub documents: usize,
}

/// Scores `topics` (each a list of top terms, best first; the first `top_n` are used) against
/// `docs`, each given as its analysed terms (repeats allowed). Without documents every pair
/// scores 0.
pub fn topic_word_quality<D: AsRef<[S]>, S: AsRef<str>>(
    topics: &[Vec<String>],
    top_n: usize,
    docs: &[D],
) -> TopicWordQuality {
    let words = TopWords::new(topics, top_n);
    let present: Vec<Vec<u32>> = docs
        .iter()
        .map(|d| words.present(d.as_ref().iter().map(|w| w.as_ref())))
        .collect();
    words.score(&present)
}

/// [`topic_word_quality`] of a topic model's top terms (first [`TOP_N`]) on documents given as
/// their TF-IDF rows under the model's `vectorizer` (`Classifier::vectorize`): a top term is a
/// vocabulary column, so a document has it when its row does. Callers that classify the same
/// documents analyse them once for both.
pub fn of_model(
    model: &TopicModel,
    vectorizer: &TfidfVectorizer,
    rows: &[impl AsRef<[u32]> + Sync],
) -> TopicWordQuality {
    let topics: Vec<Vec<String>> = model
        .topics
        .iter()
        .map(|t| t.top_terms.iter().map(|w| w.term.clone()).collect())
        .collect();
    let words = TopWords::new(&topics, TOP_N);
    let by_column: HashMap<u32, u32> = words
        .index
        .iter()
        .filter_map(|(term, &id)| vectorizer.term_index(term).map(|c| (c, id)))
        .collect();
    let present: Vec<Vec<u32>> = rows
        .par_iter()
        .map(|row| {
            let mut ids: Vec<u32> = row
                .as_ref()
                .iter()
                .filter_map(|c| by_column.get(c).copied())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect();
    words.score(&present)
}

/// The distinct top words of all topics, numbered.
struct TopWords<'a> {
    tops: Vec<&'a [String]>,
    index: HashMap<&'a str, u32>,
    top_n: usize,
}

impl<'a> TopWords<'a> {
    fn new(topics: &'a [Vec<String>], top_n: usize) -> Self {
        let tops: Vec<&[String]> = topics.iter().map(|t| &t[..t.len().min(top_n)]).collect();
        let mut index: HashMap<&str, u32> = HashMap::new();
        for t in &tops {
            for w in t.iter() {
                let next = index.len() as u32;
                index.entry(w.as_str()).or_insert(next);
            }
        }
        TopWords { tops, index, top_n }
    }

    /// The sorted, distinct ids of the top words among `terms`.
    fn present<'t>(&self, terms: impl Iterator<Item = &'t str>) -> Vec<u32> {
        let mut ids: Vec<u32> = terms.filter_map(|w| self.index.get(w).copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Coherence and diversity from each document's sorted, distinct top-word ids.
    fn score(&self, present: &[Vec<u32>]) -> TopicWordQuality {
        let m = self.index.len();
        let mut df = vec![0u64; m];
        let mut co = vec![0u64; m * m];
        for ids in present {
            for (a, &i) in ids.iter().enumerate() {
                df[i as usize] += 1;
                for &j in &ids[a + 1..] {
                    co[i as usize * m + j as usize] += 1;
                }
            }
        }
        let n = present.len() as f64;
        let npmi = |i: usize, j: usize| -> f64 {
            if present.is_empty() {
                return 0.0; // no evidence either way
            }
            let (i, j) = (i.min(j), i.max(j));
            let (pi, pj, pij) = (df[i] as f64 / n, df[j] as f64 / n, co[i * m + j] as f64 / n);
            if pij == 0.0 {
                -1.0
            } else if pij == 1.0 {
                1.0
            } else {
                (pij / (pi * pj)).ln() / -pij.ln()
            }
        };
        let coherence_per_topic: Vec<f64> = self
            .tops
            .iter()
            .map(|t| {
                let ids: Vec<usize> = t.iter().map(|w| self.index[w.as_str()] as usize).collect();
                let mut sum = 0.0;
                let mut pairs = 0usize;
                for a in 0..ids.len() {
                    for b in a + 1..ids.len() {
                        if ids[a] != ids[b] {
                            sum += npmi(ids[a], ids[b]);
                            pairs += 1;
                        }
                    }
                }
                if pairs == 0 { 0.0 } else { sum / pairs as f64 }
            })
            .collect();
        let total: usize = self.tops.iter().map(|t| t.len()).sum();
        TopicWordQuality {
            coherence: coherence_per_topic.iter().sum::<f64>()
                / coherence_per_topic.len().max(1) as f64,
            coherence_per_topic,
            diversity: if total == 0 {
                0.0
            } else {
                m as f64 / total as f64
            },
            top_n: self.top_n,
            documents: present.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn words_always_together_score_one_and_never_together_minus_one() {
        let docs = vec![s(&["a", "b"]), s(&["a", "b", "c"]), s(&["c"]), s(&["d"])];
        let q = topic_word_quality(&[s(&["a", "b"]), s(&["a", "d"])], 10, &docs);
        assert!((q.coherence_per_topic[0] - 1.0).abs() < 1e-12, "{q:?}");
        assert_eq!(q.coherence_per_topic[1], -1.0);
        assert_eq!(q.diversity, 3.0 / 4.0);
        assert_eq!(q.documents, 4);
    }

    #[test]
    fn no_documents_score_zero_not_nan() {
        let docs: Vec<Vec<String>> = Vec::new();
        let q = topic_word_quality(&[s(&["a", "b"])], 10, &docs);
        assert_eq!(q.coherence, 0.0);
    }

    #[test]
    fn independent_words_score_zero() {
        // P(a) = P(b) = 1/2 and P(a, b) = 1/4: independent
        let docs = vec![s(&["a", "b"]), s(&["a"]), s(&["b"]), s(&["x"])];
        let q = topic_word_quality(&[s(&["a", "b"])], 10, &docs);
        assert!(q.coherence.abs() < 1e-12, "{q:?}");
    }

    #[test]
    fn only_the_first_top_n_words_count_and_repeats_in_a_document_count_once() {
        let docs = vec![s(&["a", "a", "b"]), s(&["a", "b"]), s(&["z"])];
        let q = topic_word_quality(&[s(&["a", "b", "z"])], 2, &docs);
        assert!((q.coherence - 1.0).abs() < 1e-12, "{q:?}");
        assert_eq!(q.diversity, 1.0);
    }
}
