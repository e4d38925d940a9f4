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
//! `--per-label N` keeps the first N labelled documents of every label in file order (as
//! `examples/cluster_eval.rs`). Prints one JSON line per scoring.

use clap::Parser;
use rayon::prelude::*;
use tasnif::classify::Classifier;
use tasnif::corpus::Corpus;
use tasnif::metrics::topic_words;
use tasnif::model::ModelKind;
use tasnif::train::{KChoice, Silent, TopWords, TopicParams, train_topics};

mod common;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    sample: common::Sample,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() {
    let args = Args::parse();
    let corpus = Corpus {
        docs: args.sample.read().unwrap(),
        ..Default::default()
    };
    let texts: Vec<&str> = corpus.docs.iter().map(|d| d.text.as_str()).collect();
    for (name, scoring) in [
        ("class_tfidf", TopWords::ClassTfidf),
        ("log_odds", TopWords::LogOdds),
    ] {
        let params = TopicParams {
            top_words: scoring,
            ..TopicParams::new(KChoice::Fixed(args.sample.k), args.seed)
        };
        let (model, _) = train_topics(&corpus, "corpus", &params, &Silent).unwrap();
        let classifier = Classifier::new(model).unwrap();
        let ModelKind::Topics(t) = &classifier.model().kind else {
            unreachable!("a topic model")
        };
        let rows: Vec<_> = texts.par_iter().map(|t| classifier.vectorize(t)).collect();
        let q = topic_words::of_model(t, &classifier.model().vectorizer, &rows);
        let names: Vec<&str> = t.topics.iter().map(|t| t.name.as_str()).collect();
        println!(
            "{}",
            serde_json::json!({
                "scoring": name, "documents": texts.len(), "k": args.sample.k,
                "coherence": q.coherence, "diversity": q.diversity,
                "coherence_per_topic": q.coherence_per_topic, "names": names,
            })
        );
    }
}
