//! The model file across format versions: models written by the previous format (v2, committed
//! fixtures trained on `data/afghanistan` and `data/ukraine` by tasnif before format v3) still
//! load and classify exactly as they did then; the current format round-trips.

use std::path::{Path, PathBuf};
use std::process::Command;

use tasnif::model::{ModelKind, TrainedParams};
use tasnif::{Classifier, Model};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The articles the fixtures' expected outputs were classified from (as the v2 binary ran,
/// from the repository root).
const ARTICLES: [&str; 3] = [
    "data/afghanistan/seed-003-russia-taliban-warming.txt",
    "data/greenland/ant-BB-internationalNews-798-20180714.txt",
    "data/greenland/seed-001-danish-pm-visits-greenland.txt",
];

/// `tasnif classify --json` of the articles with the v2 model gives, line for line, what the
/// v2 binary printed.
fn classifies_as_it_did(model: &str, expected: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_tasnif"))
        .current_dir(root())
        .args(["classify", "--json"])
        .arg(fixture(model))
        .args(ARTICLES)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read_to_string(fixture(expected)).unwrap();
    let got = String::from_utf8(out.stdout).unwrap();
    assert_eq!(got.lines().count(), ARTICLES.len());
    for (g, e) in got.lines().zip(expected.lines()) {
        let (g, e): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(g).unwrap(),
            serde_json::from_str(e).unwrap(),
        );
        assert_eq!(g, e);
    }
}

#[test]
fn a_v2_topic_model_loads_and_classifies_as_it_did() {
    let m = Model::load(fixture("v2-topics.tasnif")).unwrap();
    assert!(matches!(m.kind(), ModelKind::Topics(_)));
    // the facts were converted: the corpus path, and the parameters from their JSON
    assert_eq!(m.facts().corpora, ["/tmp/sub"]);
    assert!(matches!(&m.facts().params, TrainedParams::Topics(p) if p.seed_value() == 42));
    classifies_as_it_did("v2-topics.tasnif", "v2-topics.classify.jsonl");
}

#[test]
fn a_v2_supervised_model_loads_and_classifies_as_it_did() {
    let m = Model::load(fixture("v2-supervised.tasnif")).unwrap();
    assert_eq!(m.labels().unwrap(), ["afghanistan", "ukraine"]);
    assert!(matches!(&m.facts().params, TrainedParams::Supervised(_)));
    classifies_as_it_did("v2-supervised.tasnif", "v2-supervised.classify.jsonl");
}

/// Saved in the current format and loaded back: the same model, the same answers.
#[test]
fn the_current_format_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let model = Model::load(fixture("v2-topics.tasnif")).unwrap();
    let path = dir.path().join("v3.tasnif");
    model.save(&path, false).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        u16::from_le_bytes([bytes[8], bytes[9]]),
        tasnif::model::file::FORMAT_VERSION
    );
    let back = Model::load(&path).unwrap();
    assert_eq!(back, model);
    let (a, b) = (
        Classifier::new(model).unwrap(),
        Classifier::new(back).unwrap(),
    );
    let text = std::fs::read_to_string(root().join(ARTICLES[0])).unwrap();
    assert_eq!(
        a.classify("x", &text).unwrap(),
        b.classify("x", &text).unwrap()
    );
}
