//! `tasnif report MODEL [CORPUS] --out report.html`: one self-contained HTML file with inline SVG
//! charts (see [`tasnif::report`]).

use super::{Failure, FieldArgs, exit_code, load_classifier, load_corpus, note_training_corpus};
use std::path::Path;
use tasnif::model::ModelKind;
use tasnif::report::{self, ReportOptions};

pub fn run(
    model_path: &Path,
    corpus_path: Option<&Path>,
    (out, force): (&Path, bool),
    fields: &FieldArgs,
    sources: &[String],
    max_docs: usize,
    json: bool,
) -> Result<u8, Failure> {
    // before any work, and never over the model, the corpus or a device without --force
    tasnif::model::file::check_writable(out, force)?;
    let classifier = load_classifier(model_path)?;
    let corpus = match corpus_path {
        Some(p) => {
            let c = load_corpus(p, fields, sources)?;
            note_training_corpus(classifier.model(), p, &c);
            Some(c)
        }
        None => None,
    };
    let opts = ReportOptions {
        model_path: model_path.display().to_string(),
        corpus_path: corpus_path.map(|p| p.display().to_string()),
        max_map_docs: max_docs,
        generated_on: tasnif::model::training_date(),
    };
    if let (Some(c), ModelKind::Supervised(_)) = (&corpus, &classifier.model().kind)
        && c.docs.iter().all(|d| d.label.is_none())
    {
        eprintln!(
            "tasnif: {}: no document has a label, so the report has no evaluation",
            opts.corpus_path.as_deref().unwrap_or_default()
        );
    }
    let html = report::render(&classifier, corpus.as_ref(), &opts);
    tasnif::model::file::write_bytes_atomic(out, html.as_bytes(), force)?;
    let skipped = corpus.as_ref().map_or(0, |c| c.skipped.len());
    if json {
        let kind = match classifier.model().kind {
            ModelKind::Topics(_) => "topics",
            ModelKind::Supervised(_) => "supervised",
        };
        outln!(
            "{}",
            serde_json::json!({
                "report": out,
                "bytes": html.len(),
                "model": model_path,
                "kind": kind,
                "corpus": corpus_path,
                "documents": corpus.as_ref().map(|c| c.docs.len()),
                "skipped": skipped,
            })
        );
    } else {
        eprintln!("tasnif: wrote {}", out.display());
    }
    Ok(exit_code(skipped))
}
