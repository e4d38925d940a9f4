//! `tasnif classify MODEL FILE... | -`: topic or label, score and evidence for each article.

use super::{
    Failure, FieldArgs, SkipReport, exit_code, load_classifier, note_duplicate_ids, note_ignored,
};
use std::path::{Path, PathBuf};
use tasnif::corpus;

pub(super) fn run(
    model_path: &Path,
    inputs: &[PathBuf],
    fields: &FieldArgs,
    json: bool,
    min_score: Option<f64>,
) -> Result<u8, Failure> {
    let classifier = load_classifier(model_path)?;
    // (name to print, document)
    let mut docs: Vec<(String, corpus::Document)> = Vec::new();
    let mut report = if json {
        SkipReport::keeping()
    } else {
        SkipReport::default()
    };
    for input in inputs {
        let read = if input == Path::new("-") {
            corpus::read_stdin(&fields.fields())
        } else {
            corpus::read_path(input, &fields.fields())
        };
        let read = match read {
            Ok(r) => r,
            Err(e) => {
                report.note(&e.path().display().to_string(), &e.reason());
                continue;
            }
        };
        report.note_all(&read.skipped);
        note_duplicate_ids(input, &read.docs);
        if input.is_dir() {
            note_ignored(input, &read.ignored);
            if read.docs.is_empty() && read.skipped.is_empty() {
                report.note(
                    &input.display().to_string(),
                    "a folder with no .txt article in it",
                );
            }
        }
        // a text file is named by its path as given; folders and JSON Lines by document ids
        let single = read.docs.len() == 1
            && !input.is_dir()
            && input != Path::new("-")
            && !corpus::is_jsonl_path(input);
        docs.extend(read.docs.into_iter().map(|d| {
            // a folder's files by their path as given (`fl/a/x.txt`), so that two folders'
            // `x.txt` do not print the same name
            let name = if single {
                input.display().to_string()
            } else if input.is_dir() {
                input.join(&d.id).display().to_string()
            } else {
                d.id.clone()
            };
            (name, d)
        }));
    }
    if docs.is_empty() {
        print_skipped(&mut report);
        return Err(Failure(format!(
            "no readable document to classify ({} input(s) skipped)",
            report.total()
        )));
    }
    let refs: Vec<(&str, &str)> = (docs.iter())
        .map(|(name, d)| (name.as_str(), d.text.as_str()))
        .collect();
    let mut failed = 0;
    for ((id, doc), mut result) in docs.iter().zip(classifier.classify_batch(&refs)) {
        let assigned =
            |c: &tasnif::classify::Classification| min_score.is_none_or(|m| c.score >= m);
        // spans into the input as read, not the text left after dropping boilerplate lines
        if let Ok(c) = &mut result {
            for span in c.evidence.iter_mut().flat_map(|e| e.spans.iter_mut()) {
                *span = span.map(|o| doc.input_offset(o));
            }
        }
        match result {
            Ok(c) if json => {
                let mut v = serde_json::to_value(&c).unwrap_or_default();
                if !assigned(&c) {
                    v["nearest_label"] = v["label"].take();
                    v["class"] = serde_json::Value::Null;
                }
                outln!("{v}");
            }
            Ok(c) => {
                // the article's own spelling; a bigram's span may hold a line break or a tab,
                // which would break the line, so white space runs show as one space
                let words: Vec<String> = c
                    .evidence
                    .iter()
                    .map(|e| match &e.text {
                        Some(t) => t.split_whitespace().collect::<Vec<_>>().join(" "),
                        None => e.word.clone(),
                    })
                    .collect();
                // an id with a tab or line break (JSON Lines) would break the columns
                outln!(
                    "{}\t{}\t{:.3}\t{}",
                    c.id.replace(['\t', '\n', '\r'], " "),
                    if assigned(&c) { c.label.as_str() } else { "-" },
                    c.score,
                    words.join("، ")
                );
            }
            Err(e) => {
                report.note(id, &e.to_string());
                failed += 1;
            }
        }
    }
    print_skipped(&mut report);
    let skipped = report.total();
    drop(report);
    if failed == refs.len() {
        return Err(Failure(format!(
            "no document could be classified ({skipped} input(s) skipped)"
        )));
    }
    Ok(exit_code(skipped))
}

/// With `--json`, one line per skipped input after the results, `{"id", "line"?, "skipped"}`,
/// so that a consumer of stdout sees every input it passed (the reasons are on stderr too).
fn print_skipped(report: &mut SkipReport) {
    for (id, line, reason) in report.take_kept() {
        let mut v = serde_json::json!({ "id": id, "skipped": reason });
        if let Some(l) = line {
            v["line"] = l.into();
        }
        outln!("{v}");
    }
}
