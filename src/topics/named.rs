//! Topics their users name: a name in English and Arabic and a few seed words each, read from a
//! TOML file, and where they start k-means.
//!
//! The method is seeded k-means (Basu, Banerjee & Mooney 2002), seeded by words rather than by
//! labelled articles: each named topic starts at the mean LSA row of the articles its seed
//! words stand out in, weighted by how much of an article's TF-IDF weight they carry (squared,
//! so an article that mentions a seed word in passing adds next to nothing). From there the
//! usual k-means iterations and the term-mixture EM place every article by all of its words:
//! the seed words choose where a topic starts, not which articles end in it.
//!
//! ```toml
//! [[topic]]
//! name = "Greenland"
//! name_ar = "غرينلاند"
//! seeds = ["غرينلاند", "جرينلاند", "الدنمارك"]
//! ```

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::linalg::CountMatrix;
use crate::text::Analyzer;
use crate::vectorize::TfidfVectorizer;

/// Most seed words a topic may have: a few words guide; a long list is a keyword rule.
pub const MAX_SEEDS: usize = 20;

/// A topic as its user names it, before training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedTopic {
    /// The English name, e.g. "Greenland".
    pub name: String,
    /// The Arabic name, e.g. "غرينلاند".
    #[serde(default)]
    pub name_ar: String,
    /// A few words (or short phrases) of the subject, in any spelling: each is analysed as the
    /// articles are.
    pub seeds: Vec<String>,
}

/// Why a topics file or its seed words cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NamedTopicsError {
    #[error("{path}: {problem}")]
    File { path: String, problem: String },
    #[error(
        "topic {topic:?}: none of its seed words ({seeds}) is in the corpus's vocabulary (after analysis: {terms}); give words its articles use"
    )]
    SeedsUnknown {
        topic: String,
        seeds: String,
        terms: String,
    },
    #[error(
        "topic {topic:?}: no article carries its seed words ({seeds}) often enough to start it; give words its articles use"
    )]
    NoSeedArticles { topic: String, seeds: String },
    #[error("{named} named topics but k = {k}: k must be at least the number of named topics")]
    KBelowNamed { named: usize, k: usize },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    topic: Vec<NamedTopic>,
}

impl NamedTopic {
    /// Reads a topics file: `[[topic]]` tables with `name`, `name_ar` and `seeds`.
    pub fn read_file(path: impl AsRef<Path>) -> Result<Vec<NamedTopic>, NamedTopicsError> {
        let path = path.as_ref();
        let fail = |problem: String| NamedTopicsError::File {
            path: crate::corpus::path_name(path),
            problem,
        };
        let text = std::fs::read(path).map_err(|e| fail(crate::corpus::io_reason(path, &e)))?;
        let text = String::from_utf8(text).map_err(|e| {
            fail(format!(
                "not UTF-8 text (byte {} is not UTF-8); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ))
        })?;
        NamedTopic::parse(&text).map_err(fail)
    }

    /// [`read_file`](Self::read_file) of a file's text; the error is the problem alone.
    pub fn parse(text: &str) -> Result<Vec<NamedTopic>, String> {
        let file: TopicsFile = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_string();
            match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}: {msg}")
                }
                None => msg,
            }
        })?;
        let mut seen = std::collections::HashSet::new();
        for (i, t) in file.topic.iter().enumerate() {
            let which = format!("topic {} ({:?})", i + 1, t.name);
            if t.name.trim().is_empty() {
                return Err(format!("topic {}: the name is empty", i + 1));
            }
            if !seen.insert(t.name.trim().to_lowercase()) {
                return Err(format!("{which}: the name is given twice"));
            }
            if t.seeds.iter().all(|s| s.trim().is_empty()) {
                return Err(format!(
                    "{which}: no seed words (give a few words of the subject)"
                ));
            }
            if t.seeds.len() > MAX_SEEDS {
                return Err(format!(
                    "{which}: {} seed words; at most {MAX_SEEDS} (a few words guide a topic, a long list decides it)",
                    t.seeds.len()
                ));
            }
        }
        if file.topic.is_empty() {
            return Err("no [[topic]] entries".into());
        }
        Ok(file.topic)
    }

    /// The vocabulary columns of the seed words: each seed analysed as article text is (a
    /// phrase gives each of its words). Terms outside the vocabulary are left out.
    pub(crate) fn columns(
        &self,
        analyzer: &Analyzer,
        vectorizer: &TfidfVectorizer,
    ) -> (Vec<String>, Vec<u32>) {
        let mut terms: Vec<String> = self.seeds.iter().flat_map(|s| analyzer.terms(s)).collect();
        terms.sort();
        terms.dedup();
        let mut cols: Vec<u32> = (terms.iter())
            .filter_map(|t| vectorizer.term_index(t))
            .collect();
        cols.sort_unstable();
        (terms, cols)
    }
}

/// Each document's seed weight for each named topic: the share of its squared TF-IDF weight
/// (sum 1 over its terms) on the topic's seed columns; `n × n_named`.
pub(crate) fn seed_weights(
    matrix: &CountMatrix,
    vectorizer: &TfidfVectorizer,
    seed_cols: &[Vec<u32>],
) -> Array2<f64> {
    let m = seed_cols.len();
    let parts = matrix.par_blocks(|b| {
        let w = vectorizer.weigh_block(b);
        let mut out = Array2::zeros((b.n_rows(), m));
        let mut start = 0;
        for (r, &end) in b.ends.iter().enumerate() {
            let (cols, w) = (&b.cols[start..end], &w[start..end]);
            let total: f64 = w.iter().map(|v| v * v).sum();
            if total > 0.0 {
                for (j, seeds) in seed_cols.iter().enumerate() {
                    let on: f64 = (cols.iter().zip(w))
                        .filter(|(c, _)| seeds.binary_search(c).is_ok())
                        .map(|(_, v)| v * v)
                        .sum();
                    out[[r, j]] = on / total;
                }
            }
            start = end;
        }
        out
    });
    let views: Vec<ArrayView2<f64>> = parts.iter().map(|p| p.view()).collect();
    ndarray::concatenate(ndarray::Axis(0), &views).unwrap_or_else(|_| Array2::zeros((0, m)))
}

/// Where each named topic starts: the mean of the LSA rows `z` of the documents whose largest
/// seed weight is the topic's, each weighted by the square of that weight, L2-normalised.
/// `None` for a topic no document has a seed weight for.
pub(crate) fn starts(weights: &Array2<f64>, z: ArrayView2<f64>) -> Vec<Option<Vec<f64>>> {
    let (n, m) = weights.dim();
    let d = z.ncols();
    let mut sums = vec![vec![0.0; d]; m];
    for i in 0..n {
        let row = weights.row(i);
        let Some((j, &w)) = (row.iter().enumerate())
            .filter(|(_, w)| **w > 0.0)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        else {
            continue;
        };
        for (s, &x) in sums[j].iter_mut().zip(z.row(i)) {
            *s += w * w * x;
        }
    }
    sums.into_iter()
        .map(|mut s| {
            let norm = s.iter().map(|v| v * v).sum::<f64>().sqrt();
            (norm > 0.0).then(|| {
                s.iter_mut().for_each(|v| *v /= norm);
                s
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topics_file_is_read_and_each_mistake_is_named() {
        let ok = "[[topic]]\nname = \"Greenland\"\nname_ar = \"غرينلاند\"\nseeds = [\"غرينلاند\", \"الدنمارك\"]\n";
        let t = NamedTopic::parse(ok).unwrap();
        assert_eq!(t[0].name, "Greenland");
        assert_eq!(t[0].seeds.len(), 2);
        let bad = |text: &str, says: &str| {
            let e = NamedTopic::parse(text).unwrap_err();
            assert!(e.contains(says), "{text:?}: {e}");
        };
        bad("", "topic");
        bad("[[topic]]\nname = \"A\"\nseeds = []\n", "no seed words");
        bad("[[topic]]\nname = \"\"\nseeds = [\"x\"]\n", "name is empty");
        bad(
            "[[topic]]\nname = \"A\"\nseeds = [\"x\"]\n[[topic]]\nname = \"a\"\nseeds = [\"y\"]\n",
            "given twice",
        );
        bad("[[topic]]\nname = \"A\"\nseed = [\"x\"]\n", "line 3");
        bad("[[topic]]\nname = \"A\"\nseeds = [\"x\"\n", "line");
        let many: Vec<String> = (0..=MAX_SEEDS).map(|i| format!("\"w{i}\"")).collect();
        bad(
            &format!("[[topic]]\nname = \"A\"\nseeds = [{}]\n", many.join(", ")),
            "at most",
        );
    }

    #[test]
    fn passing_mentions_barely_move_a_start() {
        // two documents on the topic, one elsewhere that mentions it in passing
        let z = ndarray::array![[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]];
        let w = ndarray::array![[0.5], [0.4], [0.01]];
        let s = starts(&w, z.view())[0].clone().unwrap();
        assert!(s[0] > 0.95 && s[1] < 0.3, "{s:?}");
        let none = starts(&ndarray::array![[0.0], [0.0], [0.0]], z.view());
        assert!(none[0].is_none());
    }
}
