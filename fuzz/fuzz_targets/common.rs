#![allow(dead_code)] // each target uses part of it
//! Shared by the model targets: a small valid model, and what a caller does with a loaded one.
use std::path::Path;
use std::sync::OnceLock;
use tasnif::corpus::{Corpus, Document};
use tasnif::model::Model;

const WORDS: &[&str] = &[
    "روسيا",
    "أوكرانيا",
    "كييف",
    "الكرملين",
    "طالبان",
    "كابول",
    "أفغانستان",
    "السلام",
    "الهجرة",
    "اللاجئين",
    "إيطاليا",
    "البحر",
    "غرينلاند",
    "الدنمارك",
    "الجليد",
    "ترامب",
];

/// A topic model trained in-process on 16 tiny synthetic documents, encoded (~ a few kB).
pub fn small_model_bytes() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let docs = (0..16)
            .map(|i| {
                let topic = i % 4;
                let text = (0..10)
                    .map(|j| WORDS[topic * 4 + (i * 7 + j * 3) % 4])
                    .collect::<Vec<_>>()
                    .join(" ");
                Document::new(format!("d{i}"), text)
            })
            .collect();
        let corpus = Corpus::from_documents(docs);
        let m = tasnif::TopicParams::new()
            .k(3)
            .seed(1)
            .check()
            .and_then(|p| p.fit(&corpus))
            .expect("train the small model")
            .model;
        tasnif::model::file::encode(&m).expect("encode")
    })
}

/// Loads container bytes the way `tasnif topics/classify` does (through a file, so that the
/// consistency checks of `Model::load` run) and, when they load, uses the model like the CLI.
pub fn load_and_use(bytes: &[u8]) {
    // The in-memory decoder first: it must never panic either.
    let _ = tasnif::model::file::decode::<Model>(bytes, Path::new("fuzz.tasnif"));
    let path = scratch();
    std::fs::write(path, bytes).expect("write scratch model");
    let Ok(model) = Model::load(path) else { return };
    let _ = model.kind_name();
    let _ = serde_json::to_string(model.facts());
    if let tasnif::model::ModelKind::Topics(t) = model.kind() {
        for tp in &t.topics {
            let _ = tp.top_terms.iter().map(|w| w.word.len()).sum::<usize>();
        }
    }
    let Ok(c) = tasnif::classify::Classifier::new(model) else {
        return;
    };
    let _ = c.classify("a", "روسيا تقصف كييف والكرملين يرد على أوكرانيا");
    let _ = c.classify("b", "طالبان كابول السلام ترامب غرينلاند الجليد");
    let _ = c.classify("c", "");
}

fn scratch() -> &'static Path {
    static P: OnceLock<std::path::PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let dir = if Path::new("/dev/shm").is_dir() {
            "/dev/shm"
        } else {
            "/tmp"
        };
        Path::new(dir).join(format!("tasnif-fuzz-{}.tasnif", std::process::id()))
    })
}
