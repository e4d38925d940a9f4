//! Stopwords: function words removed before stemming.
//!
//! The bundled list is stopwords-iso's Arabic list (MIT, `assets/stopwords/`), cleaned at load
//! time: each entry is normalised with the analyser's own normaliser (so أن and ان match), and
//! entries that are not a single run of Arabic letters (punctuation, multi-word lines) are dropped.

use super::normalize::NormalizeConfig;
use super::tokenize::{TokenKind, tokenize};
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

const BUNDLED: &str = include_str!("../../assets/stopwords/stopwords-iso-ar.txt");

/// Which stopword list the analyser uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopwordsConfig {
    None,
    /// stopwords-iso Arabic (479 entries before cleaning).
    Bundled,
    /// A custom list, one word per entry, normalised like the tokens.
    List(Vec<String>),
}

impl Default for StopwordsConfig {
    fn default() -> Self {
        StopwordsConfig::Bundled
    }
}

#[derive(Clone, Debug, Default)]
pub struct Stopwords {
    words: FxHashSet<String>,
}

impl Stopwords {
    pub fn new(config: &StopwordsConfig, norm: &NormalizeConfig) -> Self {
        let entries: Box<dyn Iterator<Item = &str>> = match config {
            StopwordsConfig::None => Box::new(std::iter::empty()),
            StopwordsConfig::Bundled => Box::new(BUNDLED.lines()),
            StopwordsConfig::List(list) => Box::new(list.iter().map(String::as_str)),
        };
        let mut words = FxHashSet::default();
        for entry in entries {
            let entry = entry.trim();
            let mut spans = tokenize(entry);
            // Exactly one token covering the whole entry, of Arabic letters (or any word for
            // custom lists, where a user may list Latin boilerplate words).
            if let (Some(span), None) = (spans.next(), spans.next()) {
                let whole = span.start == 0 && span.end == entry.len();
                let allowed =
                    span.kind == TokenKind::Arabic || !matches!(config, StopwordsConfig::Bundled);
                if whole && allowed {
                    words.insert(norm.normalize(entry));
                }
            }
        }
        Stopwords { words }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether a *normalised* word is a stopword. A conjunction و/ف attached to a function word
    /// (وهو, فقد, ولم) is a function word too.
    pub fn contains(&self, word: &str) -> bool {
        if self.words.contains(word) {
            return true;
        }
        match word.strip_prefix('و').or_else(|| word.strip_prefix('ف')) {
            Some(rest) if rest.chars().count() >= 2 => self.words.contains(rest),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_list_is_cleaned_and_normalised() {
        let norm = NormalizeConfig::default();
        let sw = Stopwords::new(&StopwordsConfig::Bundled, &norm);
        assert!(sw.len() > 300, "{}", sw.len());
        // أن in the list matches the normalised token ان; إلى matches الي.
        assert!(sw.contains("ان"));
        assert!(sw.contains("الي"));
        assert!(sw.contains("وهو"));
        assert!(!sw.contains("،"));
        assert!(!sw.contains("حكومه"));
        assert!(!sw.contains("وزير"));
    }
}
