//! Topic words side by side: the same topics (the `tasnif train` defaults) described by
//! BERTopic's class-based TF-IDF and by the weighted log-odds z-score tasnif uses, each scored
//! by coherence (mean NPMI of top-10 word pairs over the corpus's documents) and diversity
//! (share of distinct words); see `tasnif::topics::TopWords` and `metrics::topic_words`.
//!
//! ```text
//! cargo run --release -p tasnif-lab --bin topic_words -- --corpus data --k 4
//! cargo run --release -p tasnif-lab --bin topic_words -- \
//!     --corpus ../shared/corpora/ant-multisource/ant-multisource.jsonl --per-label 1000 --k 6
//! ```
//! `--per-label N` keeps the first N labelled documents of every label in file order (as
//! `examples/cluster_eval.rs`). Prints one JSON line per scoring.

use clap::Parser;
use rayon::prelude::*;
use tasnif::Classifier;
use tasnif::metrics::topic_words;
use tasnif::model::ModelKind;
use tasnif::topics::TopWords;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    sample: tasnif_lab::Sample,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let corpus = args.sample.corpus()?;
    let texts: Vec<&str> = corpus.docs.iter().map(|d| d.text.as_str()).collect();
    for (name, scoring) in [
        ("class_tfidf", TopWords::ClassTfidf),
        ("log_odds", TopWords::LogOdds),
    ] {
        let mut params = tasnif::TopicParams::new().k(args.sample.k).seed(args.seed);
        *params.lab().top_words = scoring;
        let model = params.check()?.fit(&corpus)?.model;
        let classifier = Classifier::new(model)?;
        let ModelKind::Topics(t) = classifier.model().kind() else {
            unreachable!("a topic model")
        };
        let rows: Vec<_> = texts.par_iter().map(|t| classifier.vectorize(t)).collect();
        let q = topic_words::of_model(t, classifier.model().vectorizer(), &rows);
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
    Ok(())
}
