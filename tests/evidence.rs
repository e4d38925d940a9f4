//! Evidence spans: every evidence term of a classification points at the exact bytes of the
//! article where the vectoriser counted it, for the committed topic model and for a supervised
//! model (bigrams) trained on `data/`, through the library and through the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use tasnif::classify::{Classification, Classifier, Evidence};
use tasnif::corpus::{self, JsonlFields};
use tasnif::model::Model;
use tasnif::text::Analyzer;

const SEED: &str = "data/afghanistan/seed-003-russia-taliban-warming.txt";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tasnif() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tasnif"));
    c.current_dir(root());
    c
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn topics_model() -> Model {
    Model::load(root().join("models/topics.tasnif")).unwrap()
}

/// A supervised model trained on `data/` by the binary (ngram_range (1, 2)); the temporary
/// folder keeps it alive.
fn supervised_model() -> (tempfile::TempDir, PathBuf, Model) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.tasnif");
    run(tasnif()
        .args(["train", "data", "--supervised", "--quiet", "--out"])
        .arg(&path));
    let model = Model::load(&path).unwrap();
    assert_eq!(model.vectorizer().params.ngram_range, (1, 2));
    (dir, path, model)
}

/// The text the CLI classifies for a file: decoded and cleaned as `corpus` reads it.
fn article(path: &str) -> String {
    let docs = corpus::read_input(&root().join(path), &JsonlFields::default())
        .unwrap()
        .docs;
    assert_eq!(docs.len(), 1);
    docs.into_iter().next().unwrap().text
}

/// How many times the vectoriser counts `term` in `text`: from the whole text's analysis,
/// unigrams and bigrams of consecutive kept terms as `ngram_range` asks.
fn count(analyzer: &Analyzer, range: (usize, usize), text: &str, term: &str) -> usize {
    let terms = analyzer.terms(text);
    let uni = if range.0 <= 1 {
        terms.iter().filter(|t| *t == term).count()
    } else {
        0
    };
    let bi = if range.1 >= 2 {
        terms
            .windows(2)
            .filter(|w| format!("{} {}", w[0], w[1]) == term)
            .count()
    } else {
        0
    };
    uni + bi
}

/// Checks every evidence entry of `c` (a classification of `text` by `model`'s classifier):
/// spans non-empty, sorted, in bounds, on char boundaries; each span's text analyses to the
/// term on its own (one token, or two kept tokens for a bigram); as many spans as the
/// vectoriser counts; `text` is the first span's slice.
fn check_evidence(model: &Model, text: &str, c: &Classification) {
    let analyzer = Analyzer::new(model.analyzer_config().clone()).unwrap();
    let range = model.vectorizer().params.ngram_range;
    assert!(!c.evidence.is_empty(), "{}: no evidence", c.id);
    for e in &c.evidence {
        assert!(!e.spans.is_empty(), "{}: {e:?} has no span", c.id);
        assert!(
            e.spans.windows(2).all(|w| w[0] < w[1]),
            "{}: spans out of order {e:?}",
            c.id
        );
        for &[s, end] in &e.spans {
            assert!(
                s < end && end <= text.len(),
                "{}: {e:?} span out of bounds",
                c.id
            );
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(end),
                "{}: {e:?} span not on char boundaries",
                c.id
            );
            let slice = &text[s..end];
            let terms = analyzer.terms(slice);
            let ok = match terms.as_slice() {
                [t] => *t == e.term,
                [a, b] => format!("{a} {b}") == e.term,
                _ => false,
            };
            assert!(
                ok,
                "{}: span {s}..{end} {slice:?} analyses to {terms:?}, not {:?}",
                c.id, e.term
            );
        }
        assert_eq!(
            e.spans.len(),
            count(&analyzer, range, text, &e.term),
            "{}: {:?} spans vs occurrences",
            c.id,
            e.term
        );
        let [s, end] = e.spans[0];
        assert_eq!(e.text.as_deref(), Some(&text[s..end]), "{}", c.id);
    }
}

/// The classification without spans: what `classify_row` gives for the same text.
fn without_spans(c: &Classification) -> Classification {
    let mut c = c.clone();
    for e in &mut c.evidence {
        e.spans.clear();
        e.text = None;
    }
    c
}

fn check_model(model: Model, texts: &[(String, String)]) {
    let classifier = Classifier::new(model.clone()).unwrap();
    let mut bigrams = 0;
    let mut respelled = 0;
    for (id, text) in texts {
        let Ok(c) = classifier.classify(id, text) else {
            continue;
        };
        check_evidence(&model, text, &c);
        // the single analysis pass of `classify` gives the row `vectorize` gives
        assert_eq!(
            without_spans(&c),
            classifier
                .classify_row(id, &classifier.vectorize(text))
                .unwrap(),
            "{id}"
        );
        bigrams += c.evidence.iter().filter(|e| e.term.contains(' ')).count();
        respelled += c
            .evidence
            .iter()
            .filter(|e| e.text.as_deref() != Some(e.word.as_str()))
            .count();
    }
    assert!(respelled > 0, "no article spells a term unlike training");
    if model.vectorizer().params.ngram_range.1 >= 2 {
        assert!(bigrams > 0, "no bigram evidence to check");
    }
}

fn corpus_texts() -> Vec<(String, String)> {
    corpus::read_folder(&root().join("data"))
        .unwrap()
        .docs
        .into_iter()
        .map(|d| (d.id, d.text))
        .collect()
}

#[test]
fn topic_model_spans_match_the_vectoriser_on_every_corpus_article() {
    check_model(topics_model(), &corpus_texts());
}

#[test]
fn supervised_spans_match_the_vectoriser_including_bigrams() {
    let (_dir, _, model) = supervised_model();
    check_model(model, &corpus_texts());
}

#[test]
fn seed_article_evidence_points_at_its_own_spelling() {
    let text = article(SEED);
    let model = topics_model();
    let c = Classifier::new(model.clone())
        .unwrap()
        .classify(SEED, &text)
        .unwrap();
    check_evidence(&model, &text, &c);
    let taliban = c.evidence.iter().find(|e| e.term == "طالبان").unwrap();
    // the article's first طالبان is written وطالبان; training's usual spelling is طالبان
    assert_eq!(taliban.word, "طالبان");
    assert_eq!(taliban.text.as_deref(), Some("وطالبان"));
}

#[test]
fn bigram_spans_run_over_dropped_stopwords() {
    let (_dir, _, model) = supervised_model();
    let classifier = Classifier::new(model.clone()).unwrap();
    let text = "قالت حركة من طالبان، ثم حركة طالبان. وطالبان حركة";
    let mut evidence = vec![Evidence {
        word: "حركة طالبان".into(),
        term: "حرك طالبان".into(),
        weight: 1.0,
        spans: vec![[0, 1]],
        text: None,
    }];
    classifier.locate_evidence(text, &mut evidence);
    let slices: Vec<&str> = evidence[0]
        .spans
        .iter()
        .map(|&[s, e]| &text[s..e])
        .collect();
    // "من" is a stopword, so حركة and طالبان are consecutive kept tokens; طالبان … حركة
    // (either order of the two words) is another bigram
    assert_eq!(slices, ["حركة من طالبان", "حركة طالبان"]);
    assert_eq!(evidence[0].text.as_deref(), Some("حركة من طالبان"));
    let analyzer = Analyzer::new(model.analyzer_config().clone()).unwrap();
    assert_eq!(count(&analyzer, (1, 2), text, "حرك طالبان"), 2);
}

#[test]
fn offsets_point_into_the_original_text_with_harakat_and_tatweel() {
    let (_dir, _, model) = supervised_model();
    let classifier = Classifier::new(model.clone()).unwrap();
    let plain = article(SEED);
    let decorated_word = "الأفغَانيّـة";
    let text = plain.replace("الأفغانية", decorated_word);
    assert_ne!(text, plain);
    let c = classifier.classify("decorated", &text).unwrap();
    check_evidence(&model, &text, &c);
    // harakat and tatweel change no term: the same decision and evidence terms, other offsets
    let p = classifier.classify("decorated", &plain).unwrap();
    assert_eq!(without_spans(&c), without_spans(&p));
    let afghan = c.evidence.iter().find(|e| e.term == "افغان").unwrap();
    assert_eq!(afghan.text.as_deref(), Some(decorated_word));
    let plain_afghan = p.evidence.iter().find(|e| e.term == "افغان").unwrap();
    assert_eq!(plain_afghan.text.as_deref(), Some("الأفغانية"));
    assert_eq!(
        afghan.spans[0][1] - afghan.spans[0][0],
        decorated_word.len()
    );
    assert_eq!(Some(afghan.spans[0][0]), text.find(decorated_word));
    assert_eq!(Some(plain_afghan.spans[0][0]), plain.find("الأفغانية"));

    // a short text, through locate_evidence: offsets count the marks' bytes
    let short = "قالت الحكومة الأفغَانيّـة إن";
    let mut ev = vec![Evidence {
        word: "الأفغانية".into(),
        term: "افغان".into(),
        weight: 1.0,
        spans: Vec::new(),
        text: None,
    }];
    classifier.locate_evidence(short, &mut ev);
    let start = short.find(decorated_word).unwrap();
    assert_eq!(ev[0].spans, [[start, start + decorated_word.len()]]);
}

#[test]
fn a_row_has_no_spans_and_its_json_says_nothing_of_them() {
    let classifier = Classifier::new(topics_model()).unwrap();
    let text = article(SEED);
    let c = classifier
        .classify_row("row", &classifier.vectorize(&text))
        .unwrap();
    assert!(
        c.evidence
            .iter()
            .all(|e| e.spans.is_empty() && e.text.is_none())
    );
    let json = serde_json::to_value(&c).unwrap();
    for e in json["evidence"].as_array().unwrap() {
        assert!(e.get("spans").is_none() && e.get("text").is_none(), "{e}");
    }
    // and reading such JSON back gives empty spans
    let back: Classification = serde_json::from_value(json).unwrap();
    assert_eq!(back, c);
}

#[test]
fn cli_json_spans_are_byte_offsets_into_the_file_as_read() {
    let (_dir, supervised, model) = supervised_model();
    let text = article(SEED);
    // the file as read: the CLI's spans point here, past the boilerplate lines it dropped
    let file = std::fs::read_to_string(root().join(SEED)).unwrap();
    assert_ne!(file, text, "the seed page should carry boilerplate to skip");
    for (m, model) in [
        (root().join("models/topics.tasnif"), topics_model()),
        (supervised, model),
    ] {
        let out = run(tasnif().arg("classify").arg(&m).arg(SEED).arg("--json"));
        let mut cli: Classification = serde_json::from_str(out.trim()).unwrap();
        let lib = Classifier::new(model.clone())
            .unwrap()
            .classify(SEED, &text)
            .unwrap();
        check_evidence(&model, &text, &lib);
        assert_eq!(cli.evidence.len(), lib.evidence.len());
        let mut moved = false;
        for (c, l) in cli.evidence.iter().zip(&lib.evidence) {
            assert_eq!(c.spans.len(), l.spans.len(), "{c:?}");
            for (&[s, e], &[ls, le]) in c.spans.iter().zip(&l.spans) {
                assert!(
                    file.is_char_boundary(s) && file.is_char_boundary(e),
                    "{c:?}"
                );
                assert_eq!(&file[s..e], &text[ls..le], "{c:?}");
                moved |= s != ls;
            }
        }
        assert!(
            moved,
            "no span moved: the offsets are still into the cleaned text"
        );
        for e in cli.evidence.iter_mut() {
            e.spans.clear();
        }
        let mut lib = lib;
        for e in lib.evidence.iter_mut() {
            e.spans.clear();
        }
        assert_eq!(cli, lib);
    }
}

#[test]
fn cli_plain_output_shows_the_articles_spelling() {
    let out = run(tasnif()
        .arg("classify")
        .arg("models/topics.tasnif")
        .arg(SEED));
    let line = out.lines().next().unwrap();
    let words: Vec<&str> = line.split('\t').nth(3).unwrap().split("، ").collect();
    assert_eq!(line.split('\t').count(), 4, "{line}");
    assert!(words.contains(&"وطالبان"), "{line}");
    assert!(!words.contains(&"طالبان"), "{line}");
}

#[test]
fn cli_plain_output_keeps_a_bigram_spanning_lines_on_one_line() {
    let (dir, supervised, _) = supervised_model();
    let file = dir.path().join("a.txt");
    let mut text = article(SEED);
    // every حركة "طالبان" now crosses a line break
    text = text.replace("حركة \"طالبان", "حركة\n\"طالبان");
    std::fs::write(&file, &text).unwrap();
    let json = run(tasnif()
        .arg("classify")
        .arg(&supervised)
        .arg(&file)
        .arg("--json"));
    let c: Classification = serde_json::from_str(json.trim()).unwrap();
    assert!(
        c.evidence
            .iter()
            .any(|e| e.text.as_deref().is_some_and(|t| t.contains('\n'))),
        "{json}"
    );
    let out = run(tasnif().arg("classify").arg(&supervised).arg(&file));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert_eq!(out.trim_end().split('\t').count(), 4, "{out}");
}
