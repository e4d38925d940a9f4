//! `tasnif classify MODEL FILE... | -`: topic or label, score and evidence for each article.

use clap::Args;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tasnif::corpus::{CorpusError, Date, DocumentSource, InputKind, Skipped};
use tasnif::{Classification, Classifier};

use super::output::{SkipReport, flush, print_notes, stdout_failed};
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

/// Text per chunk classified at once: a few hundred articles, classified in parallel; the
/// results of a chunk are printed and flushed before the next is read.
const CHUNK_BYTES: usize = 1 << 20;

/// How long standard input may pause before what has arrived is classified: a feed
/// (`tail -f feed.jsonl | tasnif classify MODEL -`) gets each answer as its line comes.
const LINGER: Duration = Duration::from_millis(10);

pub(crate) fn run(a: &ClassifyArgs) -> Outcome {
    let classifier = load_classifier(&a.model)?;
    let reader = a.fields.reader(&[]);
    let mut report = SkipReport::default();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let (mut classified, mut failed) = (0usize, 0usize);
    for input in &a.inputs {
        let stream = if input == Path::new("-") {
            reader.stream_lingering(&[input], LINGER)
        } else {
            reader.stream(&[input])
        };
        let mut stream = match stream {
            Ok(s) => s.chunk_bytes(CHUNK_BYTES),
            Err(tasnif::Error::Corpus(e)) => {
                skip_input(&mut report, &mut out, input, &e, a.json);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let kind = stream.inputs().first().map(|i| i.kind);
        let read = stream.each_chunk(&mut |docs, skipped| {
            // a text file is named by its path as given; a folder's files by their path as
            // given (`fl/a/x.txt`), so that two folders' `x.txt` do not print the same name;
            // JSON Lines by document ids
            let names: Vec<String> = (docs.iter())
                .map(|d| match kind {
                    Some(InputKind::TextFile) => shown(input),
                    Some(InputKind::Folder) => {
                        format!("{}/{}", shown(input).trim_end_matches('/'), d.id)
                    }
                    _ => d.id.clone(),
                })
                .collect();
            // classified and written out in parallel; only the printing is in order
            let lines: Vec<Result<String, String>> = (names.par_iter().zip(docs))
                .map(|(name, doc)| {
                    let mut c = classifier
                        .classify(name, &doc.text)
                        .map_err(|e| e.to_string())?;
                    // spans into the input as read, not the text left after dropping boilerplate
                    for span in c.evidence.iter_mut().flat_map(|e| e.spans.iter_mut()) {
                        *span = span.map(|o| doc.input_offset(o));
                    }
                    Ok(result_line(&c, doc.date.as_ref(), a.json, a.min_score))
                })
                .collect();
            for (name, line) in names.iter().zip(lines) {
                match line {
                    Ok(line) => {
                        if let Err(e) = out.write_all(line.as_bytes()) {
                            stdout_failed(e);
                        }
                        classified += 1;
                    }
                    Err(reason) => {
                        report.note(name, &reason);
                        print_skipped(&mut out, a.json, name, None, &reason);
                        failed += 1;
                    }
                }
            }
            for s in skipped {
                skip_one(&mut report, &mut out, s, a.json);
            }
            flush(&mut out);
            Ok(())
        });
        match read {
            Ok(()) => {}
            Err(tasnif::Error::Corpus(CorpusError::NoDocuments { skipped, .. })) => {
                for s in &skipped {
                    skip_one(&mut report, &mut out, s, a.json);
                }
                if skipped.is_empty() {
                    let why = match kind {
                        Some(InputKind::Folder) => "a folder with no .txt article in it",
                        _ => "no article in it (the input is empty)",
                    };
                    report.note(&shown(input), why);
                    print_skipped(&mut out, a.json, &shown(input), None, why);
                }
            }
            Err(tasnif::Error::Corpus(e)) => skip_input(&mut report, &mut out, input, &e, a.json),
            Err(e) => return Err(e.into()),
        }
        flush(&mut out);
        print_notes(stream.notes());
    }
    flush(&mut out);
    let skipped = report.total();
    drop(report);
    if classified == 0 {
        return Err(Failure(if failed > 0 {
            format!("no document could be classified ({skipped} input(s) skipped)")
        } else {
            format!("no readable document to classify ({skipped} input(s) skipped)")
        }));
    }
    Ok(exit_code(skipped))
}

/// An input that could not be read at all, reported as skipped.
fn skip_input(
    report: &mut SkipReport,
    out: &mut impl Write,
    input: &Path,
    e: &CorpusError,
    json: bool,
) {
    let place = e.path().map_or_else(|| shown(input), shown);
    let reason = e.reason();
    report.note(&place, &reason);
    print_skipped(out, json, &place, None, &reason);
}

fn skip_one(report: &mut SkipReport, out: &mut impl Write, s: &Skipped, json: bool) {
    let place = shown(&s.path);
    report.note_at(&place, s.line, &s.reason);
    print_skipped(out, json, &place, s.line, &s.reason);
}

/// With `--json`, a skipped input gets a line of its own among the results,
/// `{"id", "line"?, "skipped"}`, so that a consumer of stdout sees every input it passed (the
/// reasons are on stderr too).
fn print_skipped(out: &mut impl Write, json: bool, id: &str, line: Option<usize>, reason: &str) {
    if !json {
        return;
    }
    let mut v = serde_json::json!({ "id": id, "skipped": reason });
    if let Some(l) = line {
        v["line"] = l.into();
    }
    if let Err(e) = writeln!(out, "{v}") {
        stdout_failed(e);
    }
}

/// One result as it is printed, line break included. In JSON, a dated article keeps its date
/// (`"date": "2018-02-18"`, its UTC day; an unreadable one as `"date_unreadable"`), so that
/// counts over time can be built from the stream.
fn result_line(
    c: &Classification,
    date: Option<&Date>,
    json: bool,
    min_score: Option<f64>,
) -> String {
    let assigned = min_score.is_none_or(|m| c.score >= m);
    if json {
        let mut line = if assigned {
            serde_json::to_string(c).unwrap_or_default()
        } else {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            v["nearest_label"] = v["label"].take();
            v["class"] = serde_json::Value::Null;
            v.to_string()
        };
        let date = match date {
            Some(Date::Day(d)) => Some(("date", d.format("%Y-%m-%d").to_string())),
            Some(Date::Unreadable(raw)) => Some(("date_unreadable", raw.clone())),
            None => None,
        };
        if let Some((key, value)) = date
            && line.ends_with('}')
        {
            line.pop();
            let value = serde_json::Value::String(value);
            line.push_str(&format!(",\"{key}\":{value}}}"));
        }
        line.push('\n');
        return line;
    }
    // the article's own spelling; a bigram's span may hold a line break or a tab, which would
    // break the line, so white space runs show as one space
    let words: Vec<String> = (c.evidence.iter())
        .map(|e| match &e.text {
            Some(t) => t.split_whitespace().collect::<Vec<_>>().join(" "),
            None => e.word.clone(),
        })
        .collect();
    // an id with a tab or line break (JSON Lines) would break the columns
    format!(
        "{}\t{}\t{:.3}\t{}\n",
        c.id.replace(['\t', '\n', '\r'], " "),
        if assigned { c.label.as_str() } else { "-" },
        c.score,
        words.join("، ")
    )
}
