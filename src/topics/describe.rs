//! Naming and describing topics: each topic's most over-represented words, its size, its
//! term-space weights and the titles of its most central articles.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::model::{TopTerm, Topic};
use super::pipeline::Vectorized;
use crate::linalg::CountBlock;
use crate::vectorize::TfidfVectorizer;

/// How a topic's top words (and so its name) are ranked (see the module `describe`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TopWords {
    /// Weighted log-odds z-score against the rest of the corpus (Monroe et al. 2008).
    #[default]
    LogOdds,
    /// BERTopic's class-based TF-IDF, `tf(t, c) · ln(1 + A / f(t))`, kept to compare against
    /// (lab `topic_words`).
    #[cfg(feature = "lab")]
    ClassTfidf,
}

/// The first line of every training document (at most [`TITLE_CHARS`] characters), back to
/// back: a topic's examples are the titles of its most central documents.
#[derive(Default)]
pub(crate) struct Titles {
    text: String,
    ends: Vec<usize>,
}

/// Characters kept of a document's first line.
const TITLE_CHARS: usize = 120;

impl Titles {
    pub fn push(&mut self, text: &str) {
        self.text.push_str(&title_of(text));
        self.ends.push(self.text.len());
    }

    pub fn get(&self, d: usize) -> &str {
        let start = if d == 0 { 0 } else { self.ends[d - 1] };
        &self.text[start..self.ends[d]]
    }
}

/// Which topic each training document is in.
pub(crate) struct Partition<'a> {
    pub labels: &'a [usize],
    pub k: usize,
}

/// The documents' LSA rows (L2-normalised) and the topics' centroids among them.
pub(crate) struct Lsa<'a> {
    pub rows: &'a Array2<f64>,
    pub centroids: &'a Array2<f64>,
}

/// Strength of the Dirichlet prior in [`log_odds_z`] (pseudo-counts spread over the vocabulary
/// in proportion to corpus frequency). Chosen from 100, 1,000, 10,000 and 100,000 by topic-word
/// coherence and diversity (`tasnif eval`, see [`describe`]): 100 and 1,000 beat c-TF-IDF on
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

/// How many example titles a topic keeps.
pub const EXAMPLES: usize = 3;

/// What describing the topics needs of the documents, per topic: every term's count and the
/// sum of its TF-IDF values, the number of documents, and the three documents nearest
/// the centroid (cosine, document index, title). Any block of documents gives its own; they
/// merge by addition (counts exactly; the TF-IDF sums in the order merged) and by keeping the
/// nearest documents (ties to the lower index), so the examples do not depend on the order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicSums {
    /// `tf[topic][term]`.
    pub tf: Vec<Vec<f64>>,
    /// `tfidf[topic][term]`.
    pub tfidf: Vec<Vec<f64>>,
    pub size: Vec<usize>,
    /// `nearest[topic]`: (cosine to the centroid, document index, title), nearest first.
    pub nearest: Vec<Vec<(f64, usize, String)>>,
}

impl TopicSums {
    pub fn zeros(k: usize, n_terms: usize) -> Self {
        TopicSums {
            tf: vec![vec![0.0; n_terms]; k],
            tfidf: vec![vec![0.0; n_terms]; k],
            size: vec![0; k],
            nearest: vec![Vec::new(); k],
        }
    }

    /// Adds a block of documents: `first` is the index of its first document, `labels` each
    /// one's topic, `z` their LSA rows, `title(r)` the title of row `r`.
    pub(crate) fn add_block<'t>(
        &mut self,
        vectorizer: &TfidfVectorizer,
        b: &CountBlock,
        labels: &[usize],
        lsa: &Lsa<'_>,
        title: impl Fn(usize) -> &'t str,
    ) {
        let values = vectorizer.weigh_block(b);
        let mut start = 0;
        for r in 0..b.n_rows() {
            let c = labels[r];
            self.size[c] += 1;
            let (cols, counts) = b.row(r);
            for (&j, &n) in cols.iter().zip(counts) {
                self.tf[c][j as usize] += f64::from(n);
            }
            for (&j, &val) in cols.iter().zip(&values[start..b.ends[r]]) {
                self.tfidf[c][j as usize] += val;
            }
            start = b.ends[r];
            let cosine = lsa.rows.row(r).dot(&lsa.centroids.row(c));
            self.offer(c, cosine, b.first_row + r, || title(r));
        }
    }

    /// Keeps document `d` among topic `c`'s nearest if it is near enough.
    fn offer<'t>(&mut self, c: usize, cosine: f64, d: usize, title: impl FnOnce() -> &'t str) {
        let near = &mut self.nearest[c];
        let before = |p: &(f64, usize, String)| {
            p.0.total_cmp(&cosine).then(d.cmp(&p.1)) == std::cmp::Ordering::Greater
        };
        let at = near.partition_point(before);
        if at < EXAMPLES {
            near.insert(at, (cosine, d, title().to_string()));
            near.truncate(EXAMPLES);
        }
    }

    /// Adds `other`'s documents (counted in one and not the other).
    pub fn merge(&mut self, other: &TopicSums) {
        for (a, b) in self.tf.iter_mut().zip(&other.tf) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        for (a, b) in self.tfidf.iter_mut().zip(&other.tfidf) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        for (a, b) in self.size.iter_mut().zip(&other.size) {
            *a += b;
        }
        for (c, near) in other.nearest.iter().enumerate() {
            for (cosine, d, title) in near {
                self.offer(c, *cosine, *d, || title.as_str());
            }
        }
    }
}

/// Names and describes each topic by its most over-represented terms ([`log_odds_z`]), shown
/// as their most frequent spelling.
///
/// Why not class-based TF-IDF (BERTopic's c-TF-IDF, `tf(t, c) · ln(1 + A / f(t))` with A the
/// mean count per topic; [`TopWords::ClassTfidf`], the default before): it ranks by raw
/// frequency within the topic, so words common to every topic (الرئيس "the president") headed
/// several lists. The z-score asks instead how surely a word is more frequent in this topic
/// than elsewhere. lab `topic_words` scores both on the same topics (top 10 words on
/// the training corpus; coherence = mean NPMI of word pairs, diversity = share of distinct
/// words, see `metrics::topic_words`), c-TF-IDF → log-odds: `data/` k = 4 0.317 / 0.900 →
/// 0.365 / 0.975; ANT balanced sample k = 6 0.281 / 0.933 → 0.298 / 0.983; full ANT k = 6
/// 0.286 / 0.950 → 0.308 / 0.967.
pub(crate) fn describe(
    v: &Vectorized,
    partition: &Partition<'_>,
    lsa: &Lsa<'_>,
    titles: &Titles,
    n_top: usize,
    scoring: TopWords,
) -> Vec<Topic> {
    let (labels, k) = (partition.labels, partition.k);
    let mut sums = TopicSums::zeros(k, v.vectorizer.vocabulary().len());
    // one pass over the counts, in document order
    v.matrix.for_each_block(|b| {
        let rows = b.first_row..b.first_row + b.n_rows();
        let block_lsa = Lsa {
            rows: &lsa.rows.slice(ndarray::s![rows.clone(), ..]).to_owned(),
            centroids: lsa.centroids,
        };
        sums.add_block(&v.vectorizer, b, &labels[rows], &block_lsa, |r| {
            titles.get(b.first_row + r)
        });
    });
    describe_sums(&sums, &v.vectorizer, &v.surface, n_top, scoring)
}

/// The topics of merged [`TopicSums`]: names, top words, term weights, examples.
pub fn describe_sums(
    sums: &TopicSums,
    vectorizer: &TfidfVectorizer,
    surface: &[String],
    n_top: usize,
    scoring: TopWords,
) -> Vec<Topic> {
    let TopicSums {
        tf,
        tfidf: mean,
        size,
        nearest,
    } = sums;
    let k = size.len();
    let n_terms = vectorizer.vocabulary().len();
    let f: Vec<f64> = (0..n_terms)
        .map(|i| (0..k).map(|c| tf[c][i]).sum())
        .collect();
    let total: f64 = f.iter().sum();
    (0..k)
        .map(|c| {
            let n_c: f64 = tf[c].iter().sum();
            let score = |i: usize| match scoring {
                TopWords::LogOdds => log_odds_z(tf[c][i], n_c, f[i], total),
                #[cfg(feature = "lab")]
                TopWords::ClassTfidf => tf[c][i] * (1.0 + total / k as f64 / f[i]).ln(),
            };
            let mut scored: Vec<(usize, f64)> = (0..n_terms)
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
            Topic {
                id: c,
                name,
                given: None,
                size: size[c],
                top_terms,
                term_weights,
                examples: nearest[c].iter().map(|n| n.2.clone()).collect(),
            }
        })
        .collect()
}

/// A document's title as the topics keep it: its first line, at most [`TITLE_CHARS`]
/// characters.
pub(crate) fn title_of(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(TITLE_CHARS) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
