//! tasnif — Arabic news topic discovery and classification.
//!
//! Read Arabic news, light-stem it, build TF-IDF vectors, discover topics (or learn labels),
//! keep the model in a file, and classify new articles with it. Every call returns
//! [`Result`]; every error names the file and the problem.
//!
//! Load a model and classify a text:
//!
//! ```
//! # fn main() -> tasnif::Result<()> {
//! let classifier = tasnif::Classifier::load("models/topics.tasnif")?;
//! let c = classifier.classify("new-1", "وصل وفد من حركة طالبان إلى موسكو لإجراء محادثات سلام")?;
//! println!("{} {:.3}", c.label, c.score); // the topic, and how close the article is to it
//! assert!(c.evidence.iter().any(|e| e.word == "طالبان"));
//! # Ok(()) }
//! ```
//!
//! Classify a batch (in parallel; results keep the input order):
//!
//! ```
//! # fn main() -> tasnif::Result<()> {
//! # let classifier = tasnif::Classifier::load("models/topics.tasnif")?;
//! let articles = [
//!     ("a", "غرق قارب يقل مهاجرين قبالة السواحل اليونانية وخفر السواحل ينقذ العشرات"),
//!     ("b", "الكرملين يعلق على محادثات السلام بشأن أوكرانيا"),
//! ];
//! for result in classifier.classify_batch(&articles) {
//!     let c = result?;
//!     println!("{}\t{}", c.id, c.label);
//! }
//! # Ok(()) }
//! ```
//!
//! Read a corpus (a folder with one sub-folder per label, JSON Lines, or several of them with a
//! sources filter) and train topics:
//!
//! ```
//! # fn main() -> tasnif::Result<()> {
//! let corpus = tasnif::Corpus::read("data")?;
//! let fit = tasnif::TopicParams::new().k(4).seed(42).check()?.fit(&corpus)?;
//! for topic in fit.model.topics().unwrap_or_default() {
//!     println!("{} articles: {}", topic.size, topic.name);
//! }
//! # let out = std::env::temp_dir().join(format!("tasnif-doctest-{}.tasnif", std::process::id()));
//! fit.model.save(&out, true)?;
//! # std::fs::remove_file(&out).ok();
//! # Ok(()) }
//! ```
//!
//! Train a supervised model on the labels and evaluate it:
//!
//! ```
//! # fn main() -> tasnif::Result<()> {
//! let corpus = tasnif::CorpusReader::new().read_all(&["data"])?;
//! let model = tasnif::SupervisedParams::new().check()?.fit(&corpus)?.model;
//! let classifier = tasnif::Classifier::new(model)?;
//! let evaluation = tasnif::evaluate(&classifier, &corpus)?;
//! println!("{}", evaluation.summary());
//! # Ok(()) }
//! ```
//!
//! The rooms, in the order the data flows: [`text`] (normalise, tokenise, stem) → [`corpus`]
//! (readers, scraped-page cleaning) → [`vectorize`] (TF-IDF) → [`linalg`] (sparse matrix, SVD)
//! → [`topics`] (k-means, mixture refinement, topic names) or [`supervised`] (linear
//! classifier) → [`model`] (the file) → [`classify`] → [`metrics`] → [`report`] (HTML).

pub mod classify;
pub mod corpus;
mod error;
pub mod linalg;
pub mod metrics;
pub mod model;
pub mod progress;
pub mod report;
pub mod supervised;
pub mod text;
pub mod topics;
pub mod vectorize;

pub use classify::{Classification, Classifier, Evidence};
pub use corpus::{Corpus, CorpusReader, Document};
pub use error::{Error, Result};
pub use metrics::evaluation::{Evaluation, evaluate};
pub use model::Model;
pub use progress::{Progress, Silent, Stage};
pub use supervised::SupervisedParams;
pub use topics::TopicParams;
