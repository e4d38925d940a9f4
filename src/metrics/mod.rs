pub mod classification;
pub mod clustering;
pub mod topic_words;
