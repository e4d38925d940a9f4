//! Topic training end to end through the library: the mixture refinement and what `classify`
//! makes of the training articles afterwards.

use std::path::Path;

use tasnif::corpus::{Corpus, JsonlFields, read_folder, read_jsonl};
use tasnif::metrics::clustering::{encode_labels, nmi};
use tasnif::model::ModelKind;
use tasnif::topics::KMeansAlgorithm;
use tasnif::{Classifier, TopicParams};

fn ant_sample(per_label: usize) -> Corpus {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/ant-multisource/ant-multisource.jsonl");
    let mut corpus = read_jsonl(&path, &JsonlFields::default()).expect("the shared ANT corpus");
    let mut seen = std::collections::HashMap::new();
    corpus.docs.retain(|d| {
        let n = seen.entry(d.label.clone()).or_insert(0);
        *n += 1;
        *n <= per_label
    });
    corpus
}

/// Trains; returns (labels after the refinement, the k-means labels before it, the model).
fn both_ways(corpus: &Corpus, k: usize) -> (Vec<usize>, Vec<usize>, tasnif::Model) {
    let fit = TopicParams::new()
        .k(k)
        .check()
        .unwrap()
        .fit(corpus)
        .unwrap();
    (
        fit.assignments,
        fit.diagnostics.kmeans_assignments,
        fit.model,
    )
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs the ANT corpus in ../shared: cargo test --features external-tests"
)]
fn classify_puts_every_training_article_back_in_its_training_topic() {
    // On ANT the refinement moves articles, so this checks that `classify` assigns by the
    // mixture (the k-means centroids would disagree on the moved ones).
    let corpus = ant_sample(150);
    let (refined, kmeans, model) = both_ways(&corpus, 6);
    let moved = refined.iter().zip(&kmeans).filter(|(a, b)| a != b).count();
    assert!(moved > 0, "the refinement moved no article");
    let ModelKind::Topics(t) = model.kind() else {
        unreachable!("a topic model")
    };
    assert!(t.mixture.is_some());
    let sizes: Vec<usize> = t.topics.iter().map(|t| t.size).collect();
    let mut counted = vec![0; sizes.len()];
    for &c in &refined {
        counted[c] += 1;
    }
    assert_eq!(sizes, counted, "topic sizes follow the refined labels");
    let classifier = Classifier::new(model).unwrap();
    for (d, &topic) in corpus.docs.iter().zip(&refined) {
        let c = classifier.classify(&d.id, &d.text).unwrap();
        assert_eq!(c.class, topic, "{}", d.id);
    }
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs the ANT corpus in ../shared: cargo test --features external-tests"
)]
fn the_refinement_agrees_better_with_the_labels_on_an_ant_sample() {
    // The README's measurement, in small: 500 articles per label (3,000), k = 6 (measured:
    // 0.743 with, 0.735 without).
    let corpus = ant_sample(500);
    let (refined, kmeans, _) = both_ways(&corpus, 6);
    let labels: Vec<String> = corpus
        .docs
        .iter()
        .map(|d| d.label.clone().unwrap())
        .collect();
    let (truth, _) = encode_labels(&labels);
    let (with, without) = (nmi(&truth, &refined), nmi(&truth, &kmeans));
    eprintln!("NMI {with:.3} with, {without:.3} without");
    assert!(with > without, "NMI {with:.3} with, {without:.3} without");
}

#[test]
fn the_bundled_corpus_still_gets_four_topics_that_classify_reproduces() {
    let corpus = read_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap();
    let (refined, _, model) = both_ways(&corpus, 4);
    let classifier = Classifier::new(model).unwrap();
    for (d, &topic) in corpus.docs.iter().zip(&refined) {
        assert_eq!(classifier.classify(&d.id, &d.text).unwrap().class, topic);
    }
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs the ANT corpus in ../shared: cargo test --features external-tests"
)]
fn the_refinement_gives_the_same_bits_on_one_thread_or_two() {
    // 3,000 articles: two blocks of the E-step, so the blocks really are summed.
    let corpus = ant_sample(500);
    let params = TopicParams::new().k(6).seed(7).check().unwrap();
    let on = |threads: usize| {
        let fit = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| params.fit(&corpus).unwrap());
        (fit.model, fit.assignments)
    };
    let (one, labels_one) = on(1);
    let (two, labels_two) = on(2);
    assert_eq!(labels_one, labels_two);
    let bytes = |m: &tasnif::Model| tasnif::model::file::encode(m).unwrap();
    assert!(bytes(&one) == bytes(&two), "model bytes differ");
}

/// linfa-clustering's k-means, selectable with `train --kmeans linfa`, gives topics of the
/// same quality as the default on the ANT balanced sample (first 1,000 articles per label):
/// NMI against the labels within 0.01.
#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs the ANT corpus in ../shared: cargo test --features external-tests"
)]
fn linfa_kmeans_gives_topics_of_the_same_quality() {
    let corpus = ant_sample(1000);
    let labels: Vec<String> = (corpus.docs.iter())
        .map(|d| d.label.clone().unwrap())
        .collect();
    let (truth, _) = encode_labels(&labels);
    let nmi_with = |algorithm| {
        let fit = TopicParams::new()
            .k(6)
            .kmeans_algorithm(algorithm)
            .check()
            .unwrap()
            .fit(&corpus)
            .unwrap();
        nmi(&truth, &fit.assignments)
    };
    let (ours, linfa) = (
        nmi_with(KMeansAlgorithm::Lloyd),
        nmi_with(KMeansAlgorithm::Linfa),
    );
    eprintln!("NMI: own Lloyd {ours:.4}, linfa {linfa:.4}");
    assert!(
        (ours - linfa).abs() <= 0.01,
        "own Lloyd {ours:.4}, linfa {linfa:.4}"
    );
    assert!(linfa > 0.65, "linfa {linfa:.4}");
}
