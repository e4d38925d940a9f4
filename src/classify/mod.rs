//! Classifying new articles with a saved model: topic models assign the most probable topic
//! under their term mixture (`crate::topics::mixture`; a model whose training kept the k-means
//! partition, the nearest centroid by cosine in the SVD space); supervised models give
//! calibrated label probabilities. Each answer
//! carries the terms that drove it and, when classified from raw text, where each occurs in that
//! text (byte offsets into the original, un-normalised text).

use crate::linalg::CsrMatrix;
use crate::linalg::{Projector, normalize_rows};
use crate::model::{Model, ModelKind};
use crate::text::Analyzer;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The word as people write it: the most frequent *training* spelling of the term (not
    /// necessarily how this article spells it; see [`text`](Self::text)).
    pub word: String,
    /// The vocabulary term (a stem, or two stems joined by one space for a bigram).
    pub term: String,
    /// Contribution to the decision. Topic models with a mixture: how much more likely the
    /// term's occurrences are under this topic than in the corpus as a whole, `count ·
    /// ln(P(term | topic) / P(term))`; other topic models: TF-IDF value × the topic's mean
    /// TF-IDF for the term; supervised models: TF-IDF value × class weight.
    pub weight: f64,
    /// Every `[start, end)` byte range of the article text where the vectoriser counted this
    /// term, in text order: one token that analyses to it or, for a bigram, two consecutive kept
    /// tokens (from the first's start to the second's end, so whatever the analysis dropped
    /// between them, such as stopwords and punctuation, lies inside). Offsets are into the
    /// exact text given to [`Classifier::classify`] and fall on char boundaries. Empty when
    /// there was no text ([`Classifier::classify_row`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<[usize; 2]>,
    /// The article's own spelling of the term: the text of the first span, as written
    /// (harakat, tatweel and all). `None` when there was no text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub id: String,
    /// Topic name (topic models) or label (supervised models).
    pub label: String,
    /// Topic index or label index.
    pub class: usize,
    /// Topic models: cosine between the article's TF-IDF vector and its topic centroid's
    /// direction in term space (the SVD maps the centroid back), i.e. the LSA cosine times the
    /// share of the article that the SVD's space holds; an article on none of the topics scores
    /// near 0 even when its LSA cosine is high. Supervised models: the label's probability.
    pub score: f64,
    /// Every label's probability (supervised models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<Vec<(String, f64)>>,
    pub evidence: Vec<Evidence>,
}

/// One article as a model sees it: its TF-IDF row and the raw count behind each value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    /// Vocabulary columns, ascending.
    pub cols: Vec<u32>,
    pub tfidf: Vec<f64>,
    /// How often each column's term occurs in the article (a topic model's mixture scores these).
    pub counts: Vec<u32>,
}

impl Row {
    pub fn is_empty(&self) -> bool {
        self.cols.is_empty()
    }
}

impl AsRef<[u32]> for Row {
    fn as_ref(&self) -> &[u32] {
        &self.cols
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum ClassifyError {
    #[error("none of its words is in the model's vocabulary (is it Arabic news?)")]
    NoKnownWords,
}

/// A loaded model with its analyser, ready to classify.
pub struct Classifier {
    model: Model,
    analyzer: Analyzer,
    /// A topic model's SVD, transposed once here rather than per article.
    projector: Option<Projector>,
    /// A topic model's `ln P(term)` under its mixture, computed once here rather than for
    /// every evidence term of every article.
    log_marginals: Vec<f64>,
}

const EVIDENCE: usize = 5;

/// The kept tokens of a text in order, from one pass of the analyser: their terms back to back
/// in one string (no allocation per token) and, per token, where its term ends there and its
/// `[start, end)` bytes in the text.
struct KeptTokens {
    terms: String,
    tokens: Vec<(usize, usize, usize)>,
}

impl KeptTokens {
    fn of(analyzer: &Analyzer, text: &str) -> Self {
        let mut kept = KeptTokens {
            terms: String::with_capacity(text.len()),
            tokens: Vec::with_capacity(text.len() / 8),
        };
        analyzer.for_each_token(text, |t| {
            kept.terms.push_str(t.term);
            kept.tokens.push((kept.terms.len(), t.start, t.end));
        });
        kept
    }

    /// (term, start, end) of each kept token, the term as bytes (slicing a `str` would check
    /// char boundaries the ends already are on).
    fn iter(&self) -> impl Iterator<Item = (&[u8], usize, usize)> + '_ {
        let mut from = 0;
        self.tokens.iter().map(move |&(to, start, end)| {
            let term = &self.terms.as_bytes()[from..to];
            from = to;
            (term, start, end)
        })
    }

    fn terms(&self) -> Vec<&str> {
        let mut from = 0;
        self.tokens
            .iter()
            .map(|&(to, _, _)| {
                let term = &self.terms[from..to];
                from = to;
                term
            })
            .collect()
    }
}

/// Whether `term` is the bigram name of `left` then `right` (`"{left} {right}"`), without
/// building that string.
fn is_bigram(term: &[u8], left: &[u8], right: &[u8]) -> bool {
    term.len() == left.len() + 1 + right.len()
        && term.starts_with(left)
        && term[left.len()] == b' '
        && term.ends_with(right)
}

impl Classifier {
    /// Loads a model file ([`Model::load`]) ready to classify.
    pub fn load(path: impl AsRef<std::path::Path>) -> crate::Result<Self> {
        Classifier::new(Model::load(path)?)
    }

    /// A model ready to classify: its analyser is rebuilt from the model's configuration.
    pub fn new(model: Model) -> crate::Result<Self> {
        let analyzer = Analyzer::new(model.analyzer.clone())?;
        let (projector, log_marginals) = match &model.kind {
            ModelKind::Topics(t) => (
                Some(t.svd.projector()),
                t.mixture.as_ref().map_or_else(Vec::new, |m| {
                    (0..m.n_terms()).map(|j| m.log_marginal(j)).collect()
                }),
            ),
            ModelKind::Supervised(_) => (None, Vec::new()),
        };
        Ok(Classifier {
            model,
            analyzer,
            projector,
            log_marginals,
        })
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The row of a text.
    pub fn vectorize(&self, text: &str) -> Row {
        self.row_of(&KeptTokens::of(&self.analyzer, text))
    }

    fn row_of(&self, kept: &KeptTokens) -> Row {
        let (cols, tfidf, counts) = self.model.vectorizer.transform_one_counted(&kept.terms());
        Row {
            cols,
            tfidf,
            counts,
        }
    }

    /// Classifies raw text; the evidence carries its [`spans`](Evidence::spans) and
    /// [`text`](Evidence::text) in `text`.
    pub fn classify(&self, id: &str, text: &str) -> crate::Result<Classification> {
        // One analysis pass serves both the row and the evidence spans.
        let kept = KeptTokens::of(&self.analyzer, text);
        let mut c = self.classify_row(id, &self.row_of(&kept))?;
        self.locate(&kept, text, &mut c.evidence);
        Ok(c)
    }

    /// Finds where each evidence term occurs in `text` (the text its TF-IDF row came from),
    /// for callers of [`classify_row`](Self::classify_row): fills [`Evidence::spans`] and
    /// [`Evidence::text`], replacing what they held. Analyses `text` again.
    pub fn locate_evidence(&self, text: &str, evidence: &mut [Evidence]) {
        if evidence.is_empty() {
            return;
        }
        self.locate(&KeptTokens::of(&self.analyzer, text), text, evidence);
    }

    /// The spans of each evidence term among the kept tokens of `text`, by the vectoriser's
    /// rules: a unigram is one kept token whose term it is, a bigram two consecutive *kept*
    /// tokens (so after stopword removal), and a term is matched as a unigram and as a bigram
    /// exactly where the vectoriser looks it up as one (`ngram_range`).
    fn locate(&self, kept: &KeptTokens, text: &str, evidence: &mut [Evidence]) {
        let (lo, hi) = self.model.vectorizer.params.ngram_range;
        let (uni, bi) = (lo <= 1, hi >= 2);
        for e in evidence.iter_mut() {
            e.spans.clear();
        }
        // the previous kept token's term and start, for bigrams
        let mut prev: Option<(&[u8], usize)> = None;
        for (term, start, end) in kept.iter() {
            for e in evidence.iter_mut() {
                let want = e.term.as_bytes();
                if uni && want == term {
                    e.spans.push([start, end]);
                }
                if let Some((left, s)) = prev
                    && is_bigram(want, left, term)
                {
                    e.spans.push([s, end]);
                }
            }
            if bi {
                prev = Some((term, start));
            }
        }
        for e in evidence.iter_mut() {
            // Only a term that is both a unigram and a bigram name (NFKC can put a space
            // inside one token's term) can get spans out of order.
            e.spans.sort_unstable();
            e.text = e.spans.first().map(|&[s, end]| text[s..end].to_string());
        }
    }

    /// [`classify`](Self::classify) for a TF-IDF row from [`vectorize`](Self::vectorize), for
    /// callers that need the row for something else as well. There is no text here, so the
    /// evidence has no spans; [`locate_evidence`](Self::locate_evidence) adds them.
    pub fn classify_row(&self, id: &str, row: &Row) -> crate::Result<Classification> {
        let (cols, vals, counts) = (&row.cols[..], &row.tfidf[..], &row.counts[..]);
        if cols.is_empty() {
            return Err(ClassifyError::NoKnownWords.into());
        }
        let m = &self.model;
        let evidence_of = |mut scored: Vec<(u32, f64)>| -> Vec<Evidence> {
            scored.retain(|e| e.1 > 0.0);
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            scored
                .into_iter()
                .take(EVIDENCE)
                .map(|(j, w)| Evidence {
                    word: m.surface[j as usize].clone(),
                    term: m.vectorizer.vocabulary()[j as usize].clone(),
                    weight: w,
                    spans: Vec::new(),
                    text: None,
                })
                .collect()
        };
        match &m.kind {
            ModelKind::Topics(t) => {
                let mut row = CsrMatrix::empty(m.vectorizer.vocabulary().len());
                row.push_row(cols, vals);
                let mut z = self
                    .projector
                    .as_ref()
                    .expect("built for every topic model")
                    .transform(&row)
                    .expect("model dimensions were checked on load");
                // Share of the article's TF-IDF vector that lies in the SVD's space: what the
                // LSA cosine alone leaves out (an article about football keeps a high LSA cosine
                // to some topic after its football words are projected away).
                let in_space =
                    z.row(0).dot(&z.row(0)).sqrt() / vals.iter().map(|v| v * v).sum::<f64>().sqrt();
                normalize_rows(&mut z);
                let (topic, lsa_cosine) = t.decide(&[(cols, counts)], z.view())[0];
                let scored = match &t.mixture {
                    Some(mixture) => cols
                        .iter()
                        .zip(counts)
                        .map(|(&j, &n)| {
                            let j_ = j as usize;
                            let lift = mixture.log_prob[[j_, topic]] - self.log_marginals[j_];
                            (j, f64::from(n) * lift)
                        })
                        .collect(),
                    None => {
                        let weights = &t.topics[topic].term_weights;
                        cols.iter()
                            .zip(vals)
                            .filter_map(|(&j, &v)| {
                                weights
                                    .binary_search_by_key(&j, |p| p.0)
                                    .ok()
                                    .map(|i| (j, v * weights[i].1))
                            })
                            .collect()
                    }
                };
                let score = lsa_cosine * in_space;
                Ok(Classification {
                    id: id.to_string(),
                    label: t.topics[topic].label(),
                    class: topic,
                    score,
                    probabilities: None,
                    evidence: evidence_of(scored),
                })
            }
            ModelKind::Supervised(s) => {
                let proba = s.classifier.predict_proba_row(cols, vals);
                let (class, top) = s.classifier.top_features(cols, vals, EVIDENCE);
                Ok(Classification {
                    id: id.to_string(),
                    label: s.labels[class].clone(),
                    class,
                    score: proba[class],
                    probabilities: Some(
                        s.labels
                            .iter()
                            .cloned()
                            .zip(proba.iter().copied())
                            .collect(),
                    ),
                    evidence: evidence_of(top),
                })
            }
        }
    }

    /// Classifies many documents in parallel; results keep the input order.
    pub fn classify_batch<'a>(
        &self,
        docs: &[(&'a str, &'a str)],
    ) -> Vec<crate::Result<Classification>> {
        docs.par_iter()
            .map(|(id, text)| self.classify(id, text))
            .collect()
    }
}
