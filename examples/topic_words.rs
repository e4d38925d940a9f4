//! Topic words side by side: the same topics (the `tasnif train` defaults) described by
//! BERTopic's class-based TF-IDF and by the weighted log-odds z-score tasnif uses, each scored
//! by coherence (mean NPMI of top-10 word pairs over the corpus's documents) and diversity
//! (share of distinct words); see `train::TopWords` and `metrics::topic_words`.
//!
//! ```text
//! cargo run --release --example topic_words -- --corpus data --k 4
//! cargo run --release --example topic_words -- \
//!     --corpus ../shared/corpora/ant-multisource/ant-multisource.jsonl --per-label 1000 --k 6
//! ```
//! `--per-label N` keeps the first N documents of every label in file order (as
//! `examples/cluster_eval.rs`). Prints one JSON line per scoring.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Parser;
use tasnif::classify::Classifier;
use tasnif::corpus::{Corpus, JsonlFields, read_path};
use tasnif::metrics::topic_words;
use tasnif::model::ModelKind;
use tasnif::train::{KChoice, Silent, TopWords, TopicParams, train_topics};

#[derive(Parser)]
struct Args {
    /// Folder-per-label corpus or JSONL file
    #[arg(long)]
    corpus: PathBuf,
    #[arg(long)]
    k: usize,
    /// Keep the first N documents of every label (file order); 0 = all
    #[arg(long, default_value_t = 0)]
    per_label: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() {
    let args = Args::parse();
    let mut corpus: Corpus = read_path(&args.corpus, &JsonlFields::default()).unwrap();
    if args.per_label > 0 {
        let mut taken: HashMap<Option<String>, usize> = HashMap::new();
        corpus.docs.retain(|d| {
            let n = taken.entry(d.label.clone()).or_default();
            *n += 1;
            *n <= args.per_label
        });
    }
    let texts: Vec<&str> = corpus.docs.iter().map(|d| d.text.as_str()).collect();
    for (name, scoring) in [
        ("class_tfidf", TopWords::ClassTfidf),
        ("log_odds", TopWords::LogOdds),
    ] {
        let params = TopicParams {
            top_words: scoring,
            ..TopicParams::new(KChoice::Fixed(args.k), args.seed)
        };
        let (model, _) = train_topics(&corpus, "corpus", &params, &Silent).unwrap();
        let classifier = Classifier::new(model).unwrap();
        let ModelKind::Topics(t) = &classifier.model().kind else {
            unreachable!("a topic model")
        };
        let q = topic_words::of_model(t, classifier.analyzer(), &texts);
        let names: Vec<&str> = t.topics.iter().map(|t| t.name.as_str()).collect();
        println!(
            "{}",
            serde_json::json!({
                "scoring": name, "documents": texts.len(), "k": args.k,
                "coherence": q.coherence, "diversity": q.diversity,
                "coherence_per_topic": q.coherence_per_topic, "names": names,
            })
        );
    }
}
