//! JSON Lines corpora: one article per line, from a file or standard input.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::BufRead;
use std::path::Path;

use super::clean::document;
use super::decode::{UTF8_BOM, decode};
use super::{Corpus, CorpusError, Document, Skipped, io_reason};

/// Field names for JSON Lines input. ANT uses the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonlFields {
    pub text: String,
    pub title: Option<String>,
    pub label: Option<String>,
    pub id: Option<String>,
    pub source: Option<String>,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            text: "text".into(),
            title: Some("title".into()),
            label: Some("label".into()),
            id: Some("id".into()),
            source: Some("source".into()),
        }
    }
}

/// Reads JSON Lines: one object per line with at least the text field.
pub fn read_jsonl(path: &Path, fields: &JsonlFields) -> Result<Corpus, CorpusError> {
    let file = std::fs::File::open(path).map_err(|e| CorpusError::Unreadable {
        path: path.to_path_buf(),
        reason: io_reason(path, &e),
    })?;
    read_jsonl_from(std::io::BufReader::new(file), path, fields)
}

pub fn read_jsonl_from(
    reader: impl BufRead,
    path: &Path,
    fields: &JsonlFields,
) -> Result<Corpus, CorpusError> {
    // Lines are read in order, then parsed and cleaned in parallel (order kept): parsing is
    // most of the reading time on a large file.
    let mut lines = Vec::new();
    for (i, line) in reader.split(b'\n').enumerate() {
        let mut bytes = line.map_err(|e| CorpusError::Unreadable {
            path: path.to_path_buf(),
            reason: io_reason(path, &e),
        })?;
        if i == 0 && bytes.starts_with(UTF8_BOM) {
            bytes.drain(..UTF8_BOM.len());
        }
        lines.push((i + 1, bytes));
    }
    let parsed: Vec<Option<Result<Document, Skipped>>> = lines
        .par_iter()
        .with_min_len(64)
        .map(|(n, bytes)| parse_line(*n, bytes, path, fields))
        .collect();
    drop(lines);
    let mut corpus = Corpus::default();
    for r in parsed.into_iter().flatten() {
        match r {
            Ok(d) => corpus.docs.push(d),
            Err(s) => corpus.skipped.push(s),
        }
    }
    Ok(corpus)
}

/// One line of JSON Lines (`n`: its 1-based number): a document, a reason to skip it, or
/// `None` for a blank line.
pub(crate) fn parse_line(
    n: usize,
    bytes: &[u8],
    path: &Path,
    fields: &JsonlFields,
) -> Option<Result<Document, Skipped>> {
    let skip = |reason: String| Skipped {
        path: path.to_path_buf(),
        line: Some(n),
        reason,
    };
    let Ok(line) = std::str::from_utf8(bytes) else {
        return Some(Err(skip("not UTF-8".into())));
    };
    if line.trim().is_empty() {
        return None;
    }
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return Some(Err(skip(format!("not JSON: {e}")))),
    };
    // id, title, label, source: a string (trimmed; empty is absent) or a number
    // (`"label": 3`, `"id": 7`), as written
    let field = |name: &Option<String>| {
        let v = name.as_ref().and_then(|k| value.get(k))?;
        let s = match v {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return None,
        };
        (!s.is_empty()).then_some(s)
    };
    let Some(text) = value.get(&fields.text).and_then(|v| v.as_str()) else {
        return Some(Err(skip(format!("no string field \"{}\"", fields.text))));
    };
    let raw = match field(&fields.title) {
        Some(t) if !t.is_empty() => format!("{t}\n{text}"),
        _ => text.to_string(),
    };
    let id = field(&fields.id).unwrap_or_else(|| format!("line {n}"));
    Some(document(id, field(&fields.label), &raw, field(&fields.source)).map_err(skip))
}

/// Standard input: JSON Lines when its first non-blank character is `{` (no article starts
/// with one, and `cat new.jsonl | tasnif classify MODEL -` should not become one document),
/// otherwise one document with the id `-`.
pub fn read_stdin(fields: &JsonlFields) -> Result<Corpus, CorpusError> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map_err(|e| {
        CorpusError::Unreadable {
            path: "-".into(),
            reason: e.to_string(),
        }
    })?;
    read_stdin_bytes(&bytes, fields)
}

pub(crate) fn read_stdin_bytes(bytes: &[u8], fields: &JsonlFields) -> Result<Corpus, CorpusError> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return read_jsonl_from(bytes, Path::new("-"), fields);
    }
    let mut corpus = Corpus::default();
    match decode(bytes).and_then(|raw| document("-".into(), None, &raw, None)) {
        Ok(d) => corpus.docs.push(d),
        Err(reason) => corpus.skipped.push(Skipped {
            path: "-".into(),
            line: None,
            reason,
        }),
    }
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_input_is_json_lines_when_it_starts_with_a_brace() {
        let fields = JsonlFields::default();
        let jsonl = "\u{feff}\n{\"id\": \"a\", \"text\": \"خبر أول\"}\n{\"id\": \"b\", \"text\": \"خبر ثان\"}\n";
        let c = read_stdin_bytes(jsonl.as_bytes(), &fields).unwrap();
        let ids: Vec<&str> = c.docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        let text = "خبر عن {شيء}\n{\"id\": 1}";
        let c = read_stdin_bytes(text.as_bytes(), &fields).unwrap();
        assert_eq!(c.docs.len(), 1);
        assert_eq!(c.docs[0].id, "-");
    }

    #[test]
    fn a_byte_order_mark_before_the_first_json_line_is_ignored() {
        let jsonl = "\u{feff}{\"id\": \"a\", \"text\": \"خبر أول\"}\n";
        let c = read_jsonl_from(
            jsonl.as_bytes(),
            Path::new("x.jsonl"),
            &JsonlFields::default(),
        )
        .unwrap();
        assert!(c.skipped.is_empty(), "{:?}", c.skipped);
        assert_eq!(c.docs[0].id, "a");
    }

    #[test]
    fn jsonl_reports_bad_lines_with_numbers() {
        let input = "{\"text\": \"نص عربي\", \"label\": \"a\"}\nnot json\n{\"title\": \"x\"}\n{\"text\": \"only latin\"}\n";
        let c = read_jsonl_from(
            input.as_bytes(),
            Path::new("in.jsonl"),
            &JsonlFields::default(),
        )
        .unwrap();
        assert_eq!(c.docs.len(), 1);
        assert_eq!(c.docs[0].label.as_deref(), Some("a"));
        let lines: Vec<Option<usize>> = c.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(4)]);
        assert!(
            c.skipped[1]
                .to_string()
                .starts_with("in.jsonl:3: no string field \"text\"")
        );
    }
}
