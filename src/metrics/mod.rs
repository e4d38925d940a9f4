//! How good a model is: classification reports, agreement of topics with labels, top-word
//! quality, topics over time, and the one evaluation that `eval` and the report both show.

pub mod classification;
pub mod clustering;
pub mod evaluation;
pub mod timeline;
pub mod topic_words;
