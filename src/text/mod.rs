pub mod analyzer;
pub(crate) mod intern;
pub mod normalize;
pub mod stem;
pub mod stopwords;
pub mod tokenize;

pub use analyzer::{Analyzer, AnalyzerConfig, StemmerConfig};
