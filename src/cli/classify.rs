//! `tasnif classify MODEL FILE... | -`: topic or label, score and evidence for each article.

use clap::Args;
use std::path::{Path, PathBuf};
use tasnif::corpus::{self, Document, InputKind, read_stdin};
use tasnif::{Classification, Classifier};

use super::output::{SkipReport, print_notes};
use super::{Failure, FieldArgs, Outcome, exit_code, shown};

#[derive(Args)]
pub(crate) struct ClassifyArgs {
    /// A model file written by `tasnif train`.
    model: PathBuf,
    /// Articles: .txt files, folders of them, JSON Lines files, or - for standard input
    /// (JSON Lines when it starts with `{`, otherwise one article).
    #[arg(required = true, value_name = "INPUTS")]
    inputs: Vec<PathBuf>,
    /// One JSON object per article, one per line
    #[arg(long)]
    json: bool,
    /// Below this score an article gets no topic (label): "-" in the text output, `null`
    /// label and class in JSON, with the nearest one as `nearest_label`. Topic models score
    /// 0–1 (cosine to the topic in term space), supervised models by probability.
    #[arg(long, value_parser = super::parse_score, allow_negative_numbers = true)]
    min_score: Option<f64>,
    #[command(flatten)]
    fields: FieldArgs,
}

/// A model ready to classify; a model that loads but cannot classify is named by its path too.
pub(crate) fn load_classifier(path: &Path) -> Result<Classifier, Failure> {
    let model = tasnif::Model::load(path)?;
    Classifier::new(model).map_err(|e| Failure(format!("{}: {e}", shown(path))))
}

pub(crate) fn run(a: &ClassifyArgs) -> Outcome {
    let classifier = load_classifier(&a.model)?;
    let reader = a.fields.reader(&[]);
    // (name to print, document)
    let mut docs: Vec<(String, Document)> = Vec::new();
    let mut report = SkipReport::keeping(a.json);
    for input in &a.inputs {
        let read = if input == Path::new("-") {
            read_stdin(reader.fields()).map(|mut c| {
                c.inputs.push(corpus::Input {
                    path: input.clone(),
                    kind: InputKind::Stdin,
                });
                c
            })
        } else {
            reader.read_input(input)
        };
        let read = match read {
            Ok(r) => r,
            Err(e) => {
                let place = e.path().map_or_else(|| shown(input), shown);
                report.note(&place, &e.reason());
                continue;
            }
        };
        report.note_all(&read.skipped);
        print_notes(&read.notes);
        let kind = read.inputs.first().map(|i| i.kind);
        if read.docs.is_empty() && read.skipped.is_empty() {
            let why = match kind {
                Some(InputKind::Folder) => "a folder with no .txt article in it",
                _ => "no article in it (the input is empty)",
            };
            report.note(&shown(input), why);
        }
        docs.extend(read.docs.into_iter().map(|d| {
            // a text file is named by its path as given; a folder's files by their path as
            // given (`fl/a/x.txt`), so that two folders' `x.txt` do not print the same name;
            // JSON Lines by document ids
            let name = match kind {
                Some(InputKind::TextFile) => shown(input),
                Some(InputKind::Folder) => {
                    format!("{}/{}", shown(input).trim_end_matches('/'), d.id)
                }
                _ => d.id.clone(),
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
        // spans into the input as read, not the text left after dropping boilerplate lines
        if let Ok(c) = &mut result {
            for span in c.evidence.iter_mut().flat_map(|e| e.spans.iter_mut()) {
                *span = span.map(|o| doc.input_offset(o));
            }
        }
        match result {
            Ok(c) => print_result(&c, a.json, a.min_score),
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

fn print_result(c: &Classification, json: bool, min_score: Option<f64>) {
    let assigned = min_score.is_none_or(|m| c.score >= m);
    if json {
        let mut v = serde_json::to_value(c).unwrap_or_default();
        if !assigned {
            v["nearest_label"] = v["label"].take();
            v["class"] = serde_json::Value::Null;
        }
        outln!("{v}");
    } else {
        // the article's own spelling; a bigram's span may hold a line break or a tab, which
        // would break the line, so white space runs show as one space
        let words: Vec<String> = (c.evidence.iter())
            .map(|e| match &e.text {
                Some(t) => t.split_whitespace().collect::<Vec<_>>().join(" "),
                None => e.word.clone(),
            })
            .collect();
        // an id with a tab or line break (JSON Lines) would break the columns
        outln!(
            "{}\t{}\t{:.3}\t{}",
            c.id.replace(['\t', '\n', '\r'], " "),
            if assigned { c.label.as_str() } else { "-" },
            c.score,
            words.join("، ")
        );
    }
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
