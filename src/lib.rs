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
//! Name the topics yourself: a few seed words each, in any spelling (`data/topics.toml`
//! names the demo corpus's four); seed words the vocabulary lacks are listed, not ignored
//! silently:
//!
//! ```
//! # fn main() -> tasnif::Result<()> {
//! let corpus = tasnif::Corpus::read("data")?;
//! let named = tasnif::topics::NamedTopic::read_file("data/topics.toml")?;
//! let fit = tasnif::TopicParams::new().named(named).k(4).check()?.fit(&corpus)?;
//! let topics = fit.model.topics().unwrap_or_default();
//! assert_eq!(topics[2].label(), "Greenland · غرينلاند");
//! for (topic, words) in fit.model.unused_seed_words()? {
//!     println!("topic {topic}: not in the corpus: {}", words.join(", "));
//! }
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
//! Train on a corpus too large for memory: read it as a stream, chunk by chunk, with the
//! counts kept under a memory budget (past it they go to a temporary file, removed afterwards).
//! The model is the same, byte for byte, as training in memory:
//!
//! ```
//! # fn main() -> tasnif::Result<()> {
//! let mut stream = tasnif::CorpusReader::new().stream(&["data"])?;
//! let budget = tasnif::linalg::Budget { bytes: 64 << 20, ..Default::default() };
//! let params = tasnif::TopicParams::new().k(4).check()?;
//! let fit = params.fit_source(&mut stream, &budget, &tasnif::Silent)?;
//! assert_eq!(fit.model.facts().n_docs, 111);
//! # Ok(()) }
//! ```
//!
//! ## Partial statistics
//!
//! Training is passes over the corpus, each computing statistics of a share of the documents
//! that merge by addition; merged in a fixed order they give the same bits whatever the threads,
//! chunks or machines. They are public, for running the passes elsewhere (Spark partitions):
//!
//! | pass | partial statistics | merge |
//! |---|---|---|
//! | counting | [`vectorize::TermCounts`]: each term's document frequency and count, each word form's count | exact (integers), any order |
//! | k-means (Lloyd) | [`topics::kmeans::ClusterSums`]: per-cluster sums, counts, inertia | per block of [`topics::kmeans::SUM_BLOCK_ROWS`] rows, in block order |
//! | term mixture (EM) | [`topics::mixture::ExpectedCounts`]: expected term counts and articles per topic | per block of [`linalg::BLOCK_ROWS`] rows, in block order |
//! | naming the topics | [`topics::TopicSums`]: per-topic term counts and TF-IDF sums, sizes, the articles nearest each centroid | in order (counts exact, nearest articles in any order) |
//! | SVD of every row | [`linalg::RangeGram`] (Cholesky QR of the kept rows) and [`linalg::RangeProduct`] (the range finder's `Xᵀ·Q`, then the projection product): see [`linalg::RangeFinder`] | in share order |
//!
//! The topic training's SVD runs on a sample of at most [`topics::SVD_SAMPLE`] documents,
//! gathered in one place (smaller than the SVD's products from every share), and projecting
//! documents onto its components ([`linalg::Projector`]) is per document. k-means restarts
//! likewise run on a sample of [`topics::KMEANS_SAMPLE`] rows; only the final Lloyd
//! iterations need every row.
//! [`topics::passes`] runs a whole training over shares of a corpus from these statistics (what
//! the Python package's `tasnif.spark.train_topics` runs over Spark partitions).
//!
//! ```
//! use tasnif::vectorize::{TermCounts, TfidfParams};
//! # fn main() -> tasnif::Result<()> {
//! let analyzer = tasnif::text::Analyzer::new(Default::default())?;
//! let params = TfidfParams::default().check()?;
//! let mut counts = TermCounts::of_texts(&analyzer, &params, &["وصل وفد طالبان إلى موسكو"]);
//! counts.merge(&TermCounts::of_texts(&analyzer, &params, &["محادثات طالبان في موسكو"]));
//! let (vectorizer, _shown) = counts.vectorizer(&params)?;
//! assert_eq!(counts.n_docs, 2);
//! assert!(vectorizer.term_index("طالبان").is_some());
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
