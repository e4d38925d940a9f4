//! Named topics (issue 19): the topics a user names with a few seed words each keep those names
//! and hold the articles whose words say so, seed words or not; the rest are discovered.

use std::path::{Path, PathBuf};

use tasnif::text::Analyzer;
use tasnif::topics::NamedTopic;
use tasnif::{Classifier, Corpus, TopicParams};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn named() -> Vec<NamedTopic> {
    NamedTopic::read_file(root().join("data/topics.toml")).unwrap()
}

/// The named topic of each folder of data/.
fn topic_of_folder(label: &str) -> Option<usize> {
    ["afghanistan", "ukraine", "greenland", "migration"]
        .iter()
        .position(|l| *l == label)
}

fn corpus() -> Corpus {
    Corpus::read(root().join("data")).unwrap()
}

#[test]
fn named_topics_keep_their_names_in_order_and_the_rest_are_discovered() {
    let corpus = corpus();
    let fit = TopicParams::new()
        .k(6)
        .named(named())
        .check()
        .unwrap()
        .fit(&corpus)
        .unwrap();
    let topics = fit.model.topics().unwrap();
    assert_eq!(topics.len(), 6);
    let names: Vec<&str> = topics[..4]
        .iter()
        .map(|t| t.given.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Afghanistan diplomacy",
            "Ukraine talks",
            "Greenland",
            "Migration"
        ]
    );
    assert!(topics[4..].iter().all(|t| t.given.is_none()));
    assert_eq!(topics[2].label(), "Greenland · غرينلاند");
    // the seed words as the vocabulary has them (analysed: any spelling)
    assert!(
        topics[2]
            .given
            .as_ref()
            .unwrap()
            .seed_terms
            .iter()
            .any(|t| t.contains("غرينلاند"))
    );
}

/// Seed words guide, they do not decide: an article of a named topic with every one of that
/// topic's seed words taken out (data/'s articles were picked by topic keywords, so each holds
/// some) is still placed in it by its other words, and an article on one topic that mentions
/// another's seed words in passing stays where it is.
#[test]
fn seed_words_guide_and_do_not_decide() {
    let corpus = corpus();
    let fit = TopicParams::new()
        .k(4)
        .named(named())
        .check()
        .unwrap()
        .fit(&corpus)
        .unwrap();
    let analyzer = Analyzer::new(Default::default()).unwrap();
    let seeds: Vec<Vec<String>> = named()
        .iter()
        .map(|t| t.seeds.iter().flat_map(|s| analyzer.terms(s)).collect())
        .collect();
    let classifier = Classifier::new(fit.model.clone()).unwrap();
    let (mut tried, mut right) = (0, 0);
    for d in &corpus.docs {
        let Some(j) = d.label.as_deref().and_then(topic_of_folder) else {
            continue;
        };
        // the text without the topic's seed words, in any spelling
        let mut cut = Vec::new();
        analyzer.for_each_token(&d.text, |t| {
            if seeds[j].iter().any(|s| s == t.term) {
                cut.push((t.start, t.end));
            }
        });
        let mut text = String::new();
        let mut at = 0;
        for (a, b) in cut {
            text.push_str(&d.text[at..a]);
            at = b;
        }
        text.push_str(&d.text[at..]);
        assert!(analyzer.terms(&text).iter().all(|t| !seeds[j].contains(t)));
        tried += 1;
        right += usize::from(classifier.classify(&d.id, &text).unwrap().class == j);
    }
    assert!(
        right * 10 >= tried * 9,
        "{right} of {tried} articles without their seed words placed in their named topic"
    );

    // a migration article that mentions Afghanistan and Kabul in passing
    let dir = root().join("data/migration");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut moved = Vec::new();
    for path in files.iter().take(10) {
        let text = std::fs::read_to_string(path).unwrap();
        let before = classifier.classify("a", &text).unwrap();
        let after = classifier
            .classify(
                "a",
                &format!(
                    "{text}\nوكان الوزير قد زار أفغانستان والتقى مسؤولين في كابول الشهر الماضي."
                ),
            )
            .unwrap();
        if before.class != after.class {
            moved.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(moved.is_empty(), "a passing mention moved {moved:?}");
}

#[test]
fn seed_words_the_corpus_lacks_and_too_small_a_k_are_named() {
    let corpus = corpus();
    let mut topics = named();
    topics[2].seeds = vec!["كلمةلاوجودلها".into(), "xyzzy".into()];
    let fit = TopicParams::new()
        .k(4)
        .named(topics)
        .check()
        .unwrap()
        .fit(&corpus);
    let Err(e) = fit else {
        panic!("seed words the corpus lacks were accepted")
    };
    let msg = e.to_string();
    assert!(msg.contains("Greenland") && msg.contains("xyzzy"), "{msg}");

    let e = TopicParams::new().k(3).named(named()).check().unwrap_err();
    assert!(e.to_string().contains("4 named topics but k = 3"), "{e}");
}

/// k defaults to the number of named topics in the library as in the command, whichever
/// order the calls come in; one named topic gets one discovered beside it.
#[test]
fn k_defaults_to_the_number_of_named_topics() {
    let corpus = corpus();
    let n_topics = |p: TopicParams| {
        p.check()
            .unwrap()
            .fit(&corpus)
            .unwrap()
            .model
            .topics()
            .unwrap()
            .len()
    };
    assert_eq!(n_topics(TopicParams::new().named(named())), 4);
    assert_eq!(n_topics(TopicParams::new().k(5).named(named())), 5);
    assert_eq!(n_topics(TopicParams::new().named(named()).k(5)), 5);
    let one = named()[2..3].to_vec();
    assert_eq!(n_topics(TopicParams::new().named(one)), 2);
    // five named topics: k follows them rather than failing against the default 4
    let mut five = named();
    five.push(five[0].clone());
    five[4].name = "Afghanistan again".into();
    assert!(TopicParams::new().named(five).check().is_ok());
}

/// A seed word the corpus lacks, beside words it has, trains (the others guide) and is named
/// as unused, so the person who chose it can spell it as the articles do.
#[test]
fn seed_words_the_vocabulary_lacks_beside_known_ones_are_listed_as_unused() {
    let corpus = corpus();
    let mut topics = named();
    topics[2].seeds = vec!["غرينلاند".into(), "xyzzy".into(), "كلمةلاوجودلها".into()];
    let model = TopicParams::new()
        .k(4)
        .named(topics)
        .check()
        .unwrap()
        .fit(&corpus)
        .unwrap()
        .model;
    let unused = model.unused_seed_words().unwrap();
    let greenland: Vec<&str> = (unused.iter())
        .find(|u| u.0 == 2)
        .map(|u| u.1.iter().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(greenland, ["xyzzy", "كلمةلاوجودلها"]);
    // the Afghanistan and migration seed words are all in data/'s vocabulary
    assert!(unused.iter().all(|u| u.0 != 0 && u.0 != 3), "{unused:?}");
}

#[test]
fn a_topics_file_error_names_the_file_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topics.toml");
    std::fs::write(&path, "[[topic]]\nname = \"A\"\nseedz = [\"x\"]\n").unwrap();
    let e = NamedTopic::read_file(&path).unwrap_err().to_string();
    assert!(
        e.starts_with(&path.display().to_string()) && e.contains("line 3"),
        "{e}"
    );
    let e = NamedTopic::read_file(Path::new("/nonexistent/topics.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("/nonexistent/topics.toml"), "{e}");
}
