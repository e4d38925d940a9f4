//! The analysis chain: tokenise → normalise → filter (length, kind, stopwords) → stem.
//!
//! Built from a declarative [`AnalyzerConfig`] (serde), never from closures, so a saved model
//! carries its exact analysis and re-creates it on load.

use super::intern::{WordTable, hash};
use super::normalize::{NormalizeConfig, is_format_control, is_harakah, is_quranic_mark};
use super::stem;
use super::stopwords::{Stopwords, StopwordsConfig};
use super::tokenize::{TokenKind, tokenize};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which stemmer runs on Arabic tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StemmerConfig {
    /// Keep normalised words as they are.
    None,
    /// tasnif's lexicon-guided light stemmer ([`stem::stem`]).
    #[default]
    Tasnif,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyzerConfig {
    pub normalize: NormalizeConfig,
    pub stopwords: StopwordsConfig,
    pub stemmer: StemmerConfig,
    /// Tokens with fewer letters (after normalisation) are dropped.
    pub min_chars: usize,
    /// Keep words in other scripts (Latin names such as "nato").
    pub keep_latin: bool,
    /// Keep numbers. Off by default: dates and counts rarely say what an article is about.
    pub keep_numbers: bool,
    /// [`stem::STEMMER_VERSION`] when the config was made; a saved model keeps the version it
    /// was trained with, so stems can never silently change under it.
    pub stemmer_version: u32,
}

impl Default for AnalyzerConfig {
    fn default() -> Self {
        AnalyzerConfig {
            normalize: NormalizeConfig::default(),
            stopwords: StopwordsConfig::Bundled,
            stemmer: StemmerConfig::Tasnif,
            min_chars: 2,
            keep_latin: true,
            keep_numbers: false,
            stemmer_version: stem::STEMMER_VERSION,
        }
    }
}

impl AnalyzerConfig {
    /// The checks [`Analyzer::new`] makes, without building the analyser (a model load uses
    /// this; the classifier builds the analyser once, later).
    pub fn check(&self) -> Result<(), AnalyzerError> {
        if self.min_chars == 0 {
            return Err(AnalyzerError::ZeroMinChars);
        }
        if self.stemmer == StemmerConfig::Tasnif && self.stemmer_version != stem::STEMMER_VERSION {
            return Err(AnalyzerError::StemmerVersion(self.stemmer_version));
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AnalyzerError {
    #[error(
        "the analysis uses stemmer version {0}, but this tasnif has version {current}: stems differ",
        current = stem::STEMMER_VERSION
    )]
    StemmerVersion(u32),
    #[error("min_chars must be at least 1 (got 0)")]
    ZeroMinChars,
}

/// One analysed token of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// The term that goes into the vocabulary (stemmed, normalised).
    pub term: &'a str,
    /// The bytes of the original text: `&text[start..end]`.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

#[derive(Clone, Debug)]
pub struct Analyzer {
    config: AnalyzerConfig,
    stopwords: Stopwords,
    /// Identifies this analyser's entries in the per-thread term cache.
    id: u64,
}

/// Cached analysis of raw token text: every form seen, and its term (or [`DROPPED`] when the
/// token is dropped: a stopword, too short). Interned tables rather than a map of boxed
/// strings: a lookup usually touches one cache line and compares no key bytes out of line
/// (classify spent 42% of its time in the map's hashing and key comparisons).
#[derive(Default)]
struct TermCache {
    forms: WordTable,
    term_of: Vec<u32>,
    terms: WordTable,
}

const DROPPED: u32 = u32::MAX;

/// Tokens looked up per prefetch batch (see [`Analyzer::for_each_token`]).
const BATCH: usize = 16;

/// Cache entries above which a thread's cache is cleared: bounds memory (~100 bytes an entry)
/// while keeping the Zipfian head of news vocabulary (a 10k-article corpus has ~150k forms).
const CACHE_LIMIT: usize = 500_000;

thread_local! {
    /// Per-thread cache of raw token → term. News vocabulary is Zipfian, so almost every token
    /// is a form seen before: one hash lookup replaces normalisation, stopword check and
    /// stemming. Keyed by analyser id, since two analysers may differ in configuration.
    static CACHE: RefCell<(u64, TermCache)> = RefCell::new((0, TermCache::default()));
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Analyzer {
    pub fn new(config: AnalyzerConfig) -> Result<Self, AnalyzerError> {
        config.check()?;
        if config.stemmer == StemmerConfig::Tasnif {
            stem::preload();
        }
        let stopwords = Stopwords::new(&config.stopwords, &config.normalize);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Ok(Analyzer {
            config,
            stopwords,
            id,
        })
    }

    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// The term of one raw token as the tokeniser cut it (`kind` is its [`TokenKind`]), or
    /// `None` when the token is dropped (script not kept, stopword, too short). Uncached:
    /// for callers that analyse each distinct word form once themselves; `norm` is scratch.
    pub fn analyze_word(&self, raw: &str, kind: TokenKind, norm: &mut String) -> Option<String> {
        if !self.keeps(kind) {
            return None;
        }
        self.analyze_token(raw, kind, norm)
    }

    /// Whether tokens of this script are kept at all (`keep_latin`, `keep_numbers`).
    fn keeps(&self, kind: TokenKind) -> bool {
        match kind {
            TokenKind::Arabic => true,
            TokenKind::Latin => self.config.keep_latin,
            TokenKind::Number => self.config.keep_numbers,
        }
    }

    /// The term of one raw token, or `None` when the token is dropped. Uncached.
    fn analyze_token(&self, raw: &str, kind: TokenKind, norm: &mut String) -> Option<String> {
        self.config.normalize.normalize_into(raw, norm);
        if norm.chars().count() < self.config.min_chars || self.stopwords.contains(norm) {
            return None;
        }
        if kind == TokenKind::Arabic && self.config.stemmer == StemmerConfig::Tasnif {
            Some(stem::stem(norm))
        } else {
            Some(norm.clone())
        }
    }

    /// Calls `f` for every kept token of `text`, in order. Terms come from a per-thread cache,
    /// so nothing is allocated for a token form seen before. (If `f` itself analyses text on
    /// the same thread, that inner call simply runs uncached.)
    pub fn for_each_token(&self, text: &str, mut f: impl FnMut(Token<'_>)) {
        let mut norm = String::new();
        CACHE.with(|cell| {
            let mut guard = cell.try_borrow_mut().ok();
            if let Some((owner, cache)) = guard.as_deref_mut()
                && (*owner != self.id || cache.forms.len() > CACHE_LIMIT)
            {
                *cache = TermCache::default();
                *owner = self.id;
            }
            let Some((_, cache)) = guard.as_deref_mut() else {
                // the cache is in use further up this thread's stack: analyse uncached
                for span in tokenize(text).filter(|s| self.keeps(s.kind)) {
                    if let Some(term) =
                        self.analyze_token(&text[span.start..span.end], span.kind, &mut norm)
                    {
                        f(Token {
                            term: &term,
                            start: span.start,
                            end: span.end,
                            kind: span.kind,
                        });
                    }
                }
                return;
            };
            // Tokens are looked up a batch at a time, their slots prefetched first, so that the
            // cache misses of a batch overlap (as counting does, `vectorize::count`).
            let mut spans = tokenize(text).filter(|s| self.keeps(s.kind)).peekable();
            let mut batch: Vec<(crate::text::tokenize::Span, u64)> = Vec::with_capacity(BATCH);
            while spans.peek().is_some() {
                batch.clear();
                for span in spans.by_ref().take(BATCH) {
                    let h = hash(&text[span.start..span.end]);
                    cache.forms.prefetch(h);
                    batch.push((span, h));
                }
                for &(span, h) in &batch {
                    let raw = &text[span.start..span.end];
                    let (id, new) = cache.forms.intern_hashed(raw, h);
                    if new {
                        let t = self.analyze_token(raw, span.kind, &mut norm);
                        let tid = t.map_or(DROPPED, |t| cache.terms.intern(&t).0);
                        cache.term_of.push(tid);
                    }
                    let tid = cache.term_of[id as usize];
                    if tid != DROPPED {
                        f(Token {
                            term: cache.terms.get(tid),
                            start: span.start,
                            end: span.end,
                            kind: span.kind,
                        });
                    }
                }
            }
        });
    }

    /// The terms of `text`, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_token(text, |t| out.push(t.term.to_string()));
        out
    }
}

/// How a word of the original text should be shown to a person: as written, minus harakat,
/// tatweel and invisible controls (hamza and taa marbuta kept, unlike the normalised form).
pub fn display_form(original: &str) -> String {
    original
        .chars()
        .filter(|&c| {
            !(is_harakah(c) || is_quranic_mark(c) || c == '\u{0640}' || is_format_control(c))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_chain_drops_stopwords_numbers_and_stems() {
        let a = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let text = "قالت الحكومةُ في 2025 إن وزير الخارجية زار موسكو";
        let terms = a.terms(text);
        assert!(!terms.iter().any(|t| t == "في" || t == "2025"), "{terms:?}");
        assert!(terms.contains(&"حكوم".to_string()), "{terms:?}");
        assert!(terms.contains(&"وزير".to_string()), "{terms:?}");
        let mut spans = Vec::new();
        a.for_each_token(text, |t| spans.push(&text[t.start..t.end]));
        assert!(spans.contains(&"الحكومةُ"), "{spans:?}");
    }

    #[test]
    fn config_round_trips_through_json() {
        let cfg = AnalyzerConfig {
            keep_numbers: true,
            stemmer: StemmerConfig::None,
            ..Default::default()
        };
        let json = serde_json::to_string(&cfg).unwrap();
        assert_eq!(serde_json::from_str::<AnalyzerConfig>(&json).unwrap(), cfg);
        assert_eq!(
            Analyzer::new(AnalyzerConfig {
                min_chars: 0,
                ..Default::default()
            })
            .unwrap_err(),
            AnalyzerError::ZeroMinChars
        );
    }

    #[test]
    fn display_form_keeps_hamza_and_taa() {
        assert_eq!(display_form("الحكومَةُ"), "الحكومة");
        assert_eq!(display_form("أفغانـستان"), "أفغانستان");
    }
}
