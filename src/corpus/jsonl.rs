//! JSON Lines corpora: one article per line, from a file or standard input.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::BufRead;
use std::path::Path;

use super::clean::document;
use super::decode::{UTF8_BOM, decode};
use super::{Corpus, CorpusError, Date, Document, Skipped, io_reason};

/// Field names for JSON Lines input. ANT uses the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonlFields {
    pub text: String,
    pub title: Option<String>,
    pub label: Option<String>,
    pub id: Option<String>,
    pub source: Option<String>,
    /// The publication date (RFC 2822 or ISO 8601).
    #[serde(default)]
    pub date: Option<String>,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            text: "text".into(),
            title: Some("title".into()),
            label: Some("label".into()),
            id: Some("id".into()),
            source: Some("source".into()),
            date: Some("date".into()),
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
    let record = match Record::parse(line, fields) {
        Ok(r) => r,
        Err(e) => return Some(Err(skip(format!("not JSON: {e}")))),
    };
    // id, title, label, source: a string (trimmed; empty is absent) or a number
    // (`"label": 3`, `"id": 7`), as written
    let Some(Scalar::Str(text)) = &record.text else {
        return Some(Err(skip(format!("no string field \"{}\"", fields.text))));
    };
    let raw = match record.title.as_ref().and_then(Scalar::value) {
        Some(t) => format!("{t}\n{text}"),
        None => text.to_string(),
    };
    let field = |v: &Option<Scalar<'_>>| v.as_ref().and_then(Scalar::value);
    let id = field(&record.id).unwrap_or_else(|| format!("line {n}"));
    let date = field(&record.date).map(|d| Date::parse(&d));
    let doc = document(id, field(&record.label), &raw, field(&record.source));
    Some(doc.map(|d| Document { date, ..d }).map_err(skip))
}

/// The fields of one JSON Lines record a corpus reads, parsed without building the whole
/// record (a `serde_json::Value` allocated every field of every line: most of the reading time
/// on a large corpus). A key that names several fields fills each; a later duplicate key wins,
/// as in a JSON object.
#[derive(Default)]
struct Record<'a> {
    text: Option<Scalar<'a>>,
    title: Option<Scalar<'a>>,
    label: Option<Scalar<'a>>,
    id: Option<Scalar<'a>>,
    source: Option<Scalar<'a>>,
    date: Option<Scalar<'a>>,
}

/// A field's value: a string, a number as JSON writes it, or anything else.
#[derive(Clone)]
enum Scalar<'a> {
    Str(std::borrow::Cow<'a, str>),
    Num(String),
    Other,
}

impl Scalar<'_> {
    /// The value as a document keeps it: a string trimmed, a number as written; `None` when
    /// empty or not a string or number.
    fn value(&self) -> Option<String> {
        let s = match self {
            Scalar::Str(s) => s.trim().to_string(),
            Scalar::Num(n) => n.clone(),
            Scalar::Other => return None,
        };
        (!s.is_empty()).then_some(s)
    }
}

impl<'a> Record<'a> {
    fn parse(line: &'a str, fields: &JsonlFields) -> serde_json::Result<Record<'a>> {
        use serde::de::DeserializeSeed;
        let mut de = serde_json::Deserializer::from_str(line);
        let record = RecordSeed(fields).deserialize(&mut de)?;
        de.end()?;
        Ok(record)
    }
}

struct RecordSeed<'f>(&'f JsonlFields);

impl<'de> serde::de::DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Record<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Record<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RecordSeed<'_> {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Record<'de>, A::Error> {
        let f = self.0;
        let mut r = Record::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let is = |name: &Option<String>| name.as_deref() == Some(key.as_ref());
            let slots = [
                (key == f.text.as_str(), &mut r.text),
                (is(&f.title), &mut r.title),
                (is(&f.label), &mut r.label),
                (is(&f.id), &mut r.id),
                (is(&f.source), &mut r.source),
                (is(&f.date), &mut r.date),
            ];
            if slots.iter().any(|(hit, _)| *hit) {
                let v: Scalar<'de> = map.next_value()?;
                for (hit, slot) in slots {
                    if hit {
                        *slot = Some(v.clone());
                    }
                }
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(r)
    }

    // a line that is JSON but not an object has none of the fields
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Record<'de>, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Record::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Record<'de>, E> {
        Ok(Record::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Record<'de>, E> {
        Ok(Record::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Record<'de>, E> {
        Ok(Record::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Record<'de>, E> {
        Ok(Record::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<Record<'de>, E> {
        Ok(Record::default())
    }
    fn visit_unit<E>(self) -> Result<Record<'de>, E> {
        Ok(Record::default())
    }
}

/// An object key, borrowed from the line when it has no escapes.
struct Key<'a>(std::borrow::Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(s.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(s.to_string().into()))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(s.into()))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> serde::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(s.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(s.to_string().into()))
            }
            fn visit_string<E>(self, s: String) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(s.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Num(serde_json::Number::from(v).to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Num(serde_json::Number::from(v).to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar<'de>, E> {
                Ok(serde_json::Number::from_f64(v)
                    .map_or(Scalar::Other, |n| Scalar::Num(n.to_string())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Other)
            }
            fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Scalar<'de>, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Scalar<'de>, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
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

    /// The targeted parser reads every field as a whole `serde_json::Value` did: escapes,
    /// numbers, duplicate keys, nested values, lines that are not objects.
    #[test]
    fn the_field_parser_reads_as_a_json_value_does() {
        let reference = |line: &str, f: &JsonlFields| -> Option<Result<Document, String>> {
            if line.trim().is_empty() {
                return None;
            }
            let value: serde_json::Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(_) => return Some(Err("not JSON".into())),
            };
            let field = |name: &Option<String>| {
                let v = name.as_ref().and_then(|k| value.get(k))?;
                let s = match v {
                    serde_json::Value::String(s) => s.trim().to_string(),
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                (!s.is_empty()).then_some(s)
            };
            let Some(text) = value.get(&f.text).and_then(|v| v.as_str()) else {
                return Some(Err(format!("no string field \"{}\"", f.text)));
            };
            let raw = match field(&f.title) {
                Some(t) => format!("{t}\n{text}"),
                None => text.to_string(),
            };
            let id = field(&f.id).unwrap_or_else(|| "line 1".to_string());
            let date = field(&f.date).map(|d| Date::parse(&d));
            let doc = document(id, field(&f.label), &raw, field(&f.source));
            Some(doc.map(|d| Document { date, ..d }))
        };
        let lines = [
            r#"{"id": "a", "title": "عنوان", "text": "نص الخبر", "label": "x", "source": "BBC"}"#,
            r#"{"text": "نص", "date": "Sun, 18 Feb 2018 21:35:43 +0400"}"#,
            r#"{"text": "نص", "date": "2018-02-18", "date": "أمس"}"#,
            r#"{"text": "نص", "date": 20180218}"#,
            r#"{"id": 7, "text": "نص\u0627 \"مقتبس\"", "label": 3.5, "source": -2}"#,
            r#"{"text": "أول", "text": "ثان", "label": "  ", "id": 1e3}"#,
            r#"{"te\u0078t": "نص بمفتاح مهرب", "meta": {"a": [1, {"b": null}]}, "label": true}"#,
            r#"["text", "نص"]"#,
            r#""نص""#,
            r#"{"text": 12}"#,
            r#"{"text": "نص", "title": ["x"], "id": null}"#,
            r#"{"text": "نص" "#,
            r#"{"text": "نص"} trailing"#,
            "   ",
        ];
        for (fields, name) in [
            (JsonlFields::default(), "default"),
            (
                JsonlFields {
                    text: "title".into(),
                    ..JsonlFields::default()
                },
                "text is the title field",
            ),
        ] {
            for line in lines {
                let got = parse_line(1, line.as_bytes(), Path::new("x.jsonl"), &fields)
                    .map(|r| r.map_err(|s| s.reason));
                let want = reference(line, &fields);
                let norm = |r: Option<Result<Document, String>>| {
                    r.map(|r| r.map_err(|e| e.split(':').next().unwrap_or_default().to_string()))
                };
                assert_eq!(norm(got), norm(want), "{name}: {line}");
            }
        }
    }
}
