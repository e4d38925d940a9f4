//! Does a topic model's `classify` score tell an article on none of its topics?
//!
//! ```text
//! cargo run --release -p tasnif-lab --bin off_topic [-- --topics data/topics.toml]
//! ```
//! Trains the default topic model (`tasnif train --k 4`, or with `--topics` the named topics of
//! `tasnif train --topics FILE`) on four fifths of `data/` (every fifth file of each label with
//! at least five, in name order, held out), then scores the held-out fifth (on topic) and
//! every 20th ANT article labelled sport, culture, technology or economy (off topic) two ways:
//! the cosine to the nearest centroid in the SVD's space (the score reported until Nov 2026), and
//! the score `Classifier::classify` reports now (that cosine times the share of the article's
//! TF-IDF vector inside the SVD's space). Prints each score's ROC AUC (on-topic above
//! off-topic) and medians, and how many articles of each side `--min-score 0.2` would leave
//! without a topic.

use std::path::Path;

use tasnif::corpus::{Corpus, JsonlFields, read_folder, read_jsonl};
use tasnif::linalg::{CsrMatrix, normalize_rows};
use tasnif::model::ModelKind;
use tasnif::topics::kmeans;
use tasnif::{Classifier, TopicParams};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut all = read_folder(&root.join("data")).unwrap().docs;
    all.sort_by(|a, b| a.id.cmp(&b.id));
    let mut per_label = std::collections::HashMap::new();
    for d in &all {
        *per_label.entry(d.label.clone()).or_insert(0usize) += 1;
    }
    let mut seen = std::collections::HashMap::new();
    // a label with fewer than five articles (greenland: 2) is kept whole for training: held
    // out, its one remaining article could not give a named topic a word two documents share
    let (held, train): (Vec<_>, Vec<_>) = all.into_iter().partition(|d| {
        let n = seen.entry(d.label.clone()).or_insert(0usize);
        *n += 1;
        per_label[&d.label] >= 5 && (*n - 1) % 5 == 0
    });
    let corpus = Corpus::from_documents(train);
    let args: Vec<String> = std::env::args().collect();
    let named = match args.iter().position(|a| a == "--topics") {
        Some(i) => tasnif::topics::NamedTopic::read_file(root.join(&args[i + 1])).unwrap(),
        None => Vec::new(),
    };
    let model = TopicParams::new()
        .k(4)
        .seed(42)
        .named(named)
        .check()
        .unwrap()
        .fit(&corpus)
        .unwrap()
        .model;
    let ModelKind::Topics(t) = model.kind() else {
        unreachable!("a topic model")
    };
    let projector = t.svd.projector();
    let n_terms = model.vectorizer().vocabulary().len();
    let classifier = Classifier::new(model.clone()).unwrap();
    // (cosine in the SVD's space, the reported score)
    let scores = |text: &str| -> Option<(f64, f64)> {
        let article = classifier.vectorize(text);
        if article.is_empty() {
            return None;
        }
        let mut row = CsrMatrix::empty(n_terms);
        row.push_row(&article.cols, &article.tfidf);
        let mut z = projector.transform(&row).unwrap();
        normalize_rows(&mut z);
        let (_, lsa) = kmeans::assign_cosine(t.centroids.view(), z.view()).unwrap()[0];
        Some((lsa, classifier.classify("", text).unwrap().score))
    };
    let ant = read_jsonl(
        &root.join("../shared/corpora/ant-multisource/ant-multisource.jsonl"),
        &JsonlFields::default(),
    )
    .unwrap();
    let on: Vec<(f64, f64)> = held.iter().filter_map(|d| scores(&d.text)).collect();
    let off: Vec<(f64, f64)> = ant
        .docs
        .iter()
        .filter(|d| {
            matches!(
                d.label.as_deref(),
                Some("sport" | "culture" | "technology" | "economy")
            )
        })
        .step_by(20)
        .filter_map(|d| scores(&d.text))
        .collect();
    let auc = |f: fn(&(f64, f64)) -> f64| {
        let mut wins = 0.0;
        for a in &on {
            for b in &off {
                wins += match f(a).total_cmp(&f(b)) {
                    std::cmp::Ordering::Greater => 1.0,
                    std::cmp::Ordering::Equal => 0.5,
                    std::cmp::Ordering::Less => 0.0,
                };
            }
        }
        wins / (on.len() * off.len()) as f64
    };
    let median = |v: &[(f64, f64)], f: fn(&(f64, f64)) -> f64| {
        let mut s: Vec<f64> = v.iter().map(f).collect();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    };
    let below = |v: &[(f64, f64)], cut: f64| v.iter().filter(|s| s.1 < cut).count();
    println!(
        "{}",
        serde_json::json!({
            "score_below_0.2": {"on_topic": below(&on, 0.2), "off_topic": below(&off, 0.2)},
            "on_topic": on.len(), "off_topic": off.len(),
            "svd_space_cosine": {"auc": auc(|s| s.0), "median_on": median(&on, |s| s.0),
                                 "median_off": median(&off, |s| s.0)},
            "score": {"auc": auc(|s| s.1), "median_on": median(&on, |s| s.1),
                      "median_off": median(&off, |s| s.1)},
        })
    );
}
