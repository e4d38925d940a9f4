//! Corpus readers: a folder with one sub-folder per label, JSON Lines, single files, stdin.
//!
//! Scraped pages carry boilerplate, so every text goes through [`clean_scraped`]: a line repeated
//! inside one document counts once (photo captions are printed twice or thrice) and lines with no
//! Arabic letter are dropped ("TT" markers, "Sorry, you need to enable JavaScript", Latin
//! footers). Each file or line that cannot be used is reported in [`Corpus::skipped`] with its
//! path (and line) and the reason; the rest of the corpus is still read.

use crate::text::tokenize::is_arabic_letter;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// File path relative to the corpus root, or the JSONL `id` (or `line N`).
    pub id: String,
    pub label: Option<String>,
    /// Cleaned text (title first when the source has one).
    pub text: String,
    /// JSONL `source` field when present (ANT: the outlet).
    pub source: Option<String>,
    /// Where `text` came from in the input as read (a text file's decoded text; a JSON Lines
    /// record's title, a line break, then its text): `[start in text, start in input]` of each
    /// line `text` kept. Empty for a document built in code, whose text is its input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origin: Vec<[usize; 2]>,
}

impl Document {
    /// The byte offset in the input as read of byte `offset` of `text` (an end offset at the
    /// end of a line stays on that line).
    pub fn input_offset(&self, offset: usize) -> usize {
        let i = self.origin.partition_point(|&[start, _]| start <= offset);
        match i.checked_sub(1).map(|i| self.origin[i]) {
            Some([start, input]) => input + (offset - start),
            None => offset,
        }
    }
}

/// Why an input was skipped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: PathBuf,
    /// 1-based line for JSON Lines input.
    pub line: Option<usize>,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path.display(), l, self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Corpus {
    pub docs: Vec<Document>,
    pub skipped: Vec<Skipped>,
    /// Files beside the label folders that are not `.txt` (a licence, a manifest): not
    /// articles, so not skipped inputs either, but named so that nothing goes unseen.
    pub ignored: Vec<PathBuf>,
}

impl Corpus {
    /// Sorted distinct labels of the labelled documents.
    pub fn labels(&self) -> Vec<String> {
        let mut l: Vec<String> = self.docs.iter().filter_map(|d| d.label.clone()).collect();
        l.sort();
        l.dedup();
        l
    }
}

/// Errors that stop a whole read (a missing root, an unreadable folder).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: not a file or folder")]
    NotFound(PathBuf),
}

impl CorpusError {
    /// The input the error is about.
    pub fn path(&self) -> &Path {
        match self {
            CorpusError::Io { path, .. } | CorpusError::NotFound(path) => path,
        }
    }

    /// What went wrong, without the path.
    pub fn reason(&self) -> String {
        match self {
            CorpusError::Io { source, .. } => source.to_string(),
            CorpusError::NotFound(_) => "not a file or folder".to_string(),
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CorpusError + '_ {
    move |source| CorpusError::Io {
        path: path.to_path_buf(),
        source,
    }
}

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

/// Removes scraped-page boilerplate: repeated lines and lines without an Arabic letter.
pub fn clean_scraped(text: &str) -> String {
    clean_scraped_mapped(text).0
}

/// [`clean_scraped`], also giving `[start in the cleaned text, start in text]` of each kept
/// line (see [`Document::origin`]).
pub fn clean_scraped_mapped(text: &str) -> (String, Vec<[usize; 2]>) {
    let mut seen = FxHashSet::default();
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || !line.chars().any(is_arabic_letter) || !seen.insert(line) {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        // `line` is a slice of `text`, so its address says where it starts there
        origin.push([out.len(), line.as_ptr() as usize - text.as_ptr() as usize]);
        out.push_str(line);
    }
    (out, origin)
}

/// Decodes file bytes as UTF-8 text, or says precisely why not.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        return if had_errors {
            Err("invalid UTF-16 (has a UTF-16 byte-order mark)".into())
        } else {
            Ok(text.into_owned())
        };
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes)".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let (as_1256, _, bad) = encoding_rs::WINDOWS_1256.decode(bytes);
            let arabic = as_1256.chars().filter(|&c| is_arabic_letter(c)).count();
            if !bad && arabic * 2 > as_1256.chars().filter(|c| c.is_alphabetic()).count() {
                Err(format!(
                    "not UTF-8 (looks like Windows-1256 Arabic; convert it with `iconv -f WINDOWS-1256 -t UTF-8`) at byte {}",
                    e.valid_up_to()
                ))
            } else {
                Err(format!(
                    "not UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                ))
            }
        }
    }
}

/// Turns raw text into a document, or a reason to skip it.
fn document(
    id: String,
    label: Option<String>,
    raw: &str,
    source: Option<String>,
) -> Result<Document, String> {
    let (text, origin) = clean_scraped_mapped(raw);
    if text.is_empty() {
        return Err("no Arabic text".into());
    }
    Ok(Document {
        id,
        label,
        text,
        source,
        origin,
    })
}

/// Reads and decodes one text file (UTF-8, UTF-16 with a BOM, or refused with the reason).
pub fn read_text_file(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    decode(&bytes)
}

/// Reads `root/LABEL/*.txt` (`.txt` files directly in `root` are read unlabelled). In a label
/// folder anything else that is not hidden (another extension, a folder) is reported as skipped,
/// so a folder of `.html` pages cannot train on a silent fraction of itself; other files beside
/// the label folders (a licence, a manifest) are listed in [`Corpus::ignored`]. Files are
/// visited in sorted path order, so the corpus order is deterministic.
pub fn read_folder(root: &Path) -> Result<Corpus, CorpusError> {
    if !root.is_dir() {
        return Err(CorpusError::NotFound(root.to_path_buf()));
    }
    let mut files: Vec<(PathBuf, Option<String>)> = Vec::new();
    let mut corpus = Corpus::default();
    let mut ignored = Vec::new();
    let mut not_read = |path: PathBuf, reason: &str| {
        corpus.skipped.push(Skipped {
            path,
            line: None,
            reason: reason.into(),
        })
    };
    for path in visible_entries(root)? {
        if path.is_dir() {
            let label = path.file_name().map(|n| n.to_string_lossy().into_owned());
            for p in visible_entries(&path)? {
                if is_txt(&p) {
                    files.push((p, label.clone()));
                } else if p.is_dir() {
                    not_read(p, NESTED_FOLDER);
                } else {
                    not_read(p, NOT_TXT);
                }
            }
        } else if is_txt(&path) {
            files.push((path, None));
        } else {
            ignored.push(path);
        }
    }
    corpus.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    ignored.sort();
    corpus.ignored = ignored;
    files.sort();
    let read: Vec<Result<Document, Skipped>> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|(path, label)| {
                let id = path
                    .strip_prefix(root)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .into_owned();
                read_text_file(path)
                    .and_then(|raw| document(id, label.clone(), &raw, None))
                    .map_err(|reason| Skipped {
                        path: path.clone(),
                        line: None,
                        reason,
                    })
            })
            .collect()
    };
    for r in read {
        match r {
            Ok(d) => corpus.docs.push(d),
            Err(s) => corpus.skipped.push(s),
        }
    }
    Ok(corpus)
}

const NOT_TXT: &str = "not a .txt file (a corpus folder holds one article per .txt file)";
const NESTED_FOLDER: &str =
    "a folder inside a label folder (labels are the corpus folder's sub-folders, one level deep)";

/// The entries of `dir` whose names do not start with `.` (`.DS_Store`, `.git`, editor files).
fn visible_entries(dir: &Path) -> Result<Vec<PathBuf>, CorpusError> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let e = e.map_err(io_err(dir))?;
        if !e.file_name().to_string_lossy().starts_with('.') {
            out.push(e.path());
        }
    }
    Ok(out)
}

fn is_txt(p: &Path) -> bool {
    p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

/// Reads JSON Lines: one object per line with at least the text field.
pub fn read_jsonl(path: &Path, fields: &JsonlFields) -> Result<Corpus, CorpusError> {
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    read_jsonl_from(std::io::BufReader::new(file), path, fields)
}

pub fn read_jsonl_from(
    reader: impl BufRead,
    path: &Path,
    fields: &JsonlFields,
) -> Result<Corpus, CorpusError> {
    let skip = |line: usize, reason: String| Skipped {
        path: path.to_path_buf(),
        line: Some(line),
        reason,
    };
    // Lines are read in order, then parsed and cleaned in parallel (order kept): parsing is
    // most of the reading time on a large file.
    let mut lines = Vec::new();
    for (i, line) in reader.split(b'\n').enumerate() {
        let mut bytes = line.map_err(io_err(path))?;
        if i == 0 && bytes.starts_with(UTF8_BOM) {
            bytes.drain(..UTF8_BOM.len());
        }
        lines.push((i + 1, bytes));
    }
    let parsed: Vec<Option<Result<Document, Skipped>>> = lines
        .par_iter()
        .with_min_len(64)
        .map(|(n, bytes)| {
            let n = *n;
            let Ok(line) = std::str::from_utf8(bytes) else {
                return Some(Err(skip(n, "not UTF-8".into())));
            };
            if line.trim().is_empty() {
                return None;
            }
            let value: serde_json::Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => return Some(Err(skip(n, format!("not JSON: {e}")))),
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
                return Some(Err(skip(n, format!("no string field \"{}\"", fields.text))));
            };
            let raw = match field(&fields.title) {
                Some(t) if !t.is_empty() => format!("{t}\n{text}"),
                _ => text.to_string(),
            };
            let id = field(&fields.id).unwrap_or_else(|| format!("line {n}"));
            Some(
                document(id, field(&fields.label), &raw, field(&fields.source))
                    .map_err(|reason| skip(n, reason)),
            )
        })
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

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether [`read_path`] reads this file as JSON Lines (by its extension).
pub fn is_jsonl_path(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        ["jsonl", "ndjson", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Reads one input path: a folder (folder-per-label), a `.jsonl`/`.json` file, or a single text file.
pub fn read_path(path: &Path, fields: &JsonlFields) -> Result<Corpus, CorpusError> {
    if path.is_dir() {
        read_folder(path)
    } else if path.is_file() {
        if is_jsonl_path(path) {
            read_jsonl(path, fields)
        } else {
            Ok(read_single(path))
        }
    } else {
        Err(CorpusError::NotFound(path.to_path_buf()))
    }
}

/// A single text file as a one-document corpus (or one skipped entry).
pub fn read_single(path: &Path) -> Corpus {
    let id = path.to_string_lossy().into_owned();
    let mut corpus = Corpus::default();
    match read_text_file(path).and_then(|raw| document(id, None, &raw, None)) {
        Ok(d) => corpus.docs.push(d),
        Err(reason) => corpus.skipped.push(Skipped {
            path: path.to_path_buf(),
            line: None,
            reason,
        }),
    }
    corpus
}

/// Standard input: JSON Lines when its first non-blank character is `{` (no article starts
/// with one, and `cat new.jsonl | tasnif classify MODEL -` should not become one document),
/// otherwise one document with the id `-`.
pub fn read_stdin(fields: &JsonlFields) -> Result<Corpus, CorpusError> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
        .map_err(io_err(Path::new("-")))?;
    read_stdin_bytes(&bytes, fields)
}

fn read_stdin_bytes(bytes: &[u8], fields: &JsonlFields) -> Result<Corpus, CorpusError> {
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
    fn cleaning_drops_repeats_and_latin_lines() {
        let raw = "عنوان الخبر\nصورة (رويترز)\nصورة (رويترز)\nTT\nSorry, you need to enable JavaScript\nنص الخبر";
        assert_eq!(clean_scraped(raw), "عنوان الخبر\nصورة (رويترز)\nنص الخبر");
    }

    /// Every byte of the cleaned text maps back to the same byte of the input, across dropped
    /// lines, trimmed indentation and CRLF line ends.
    #[test]
    fn cleaned_offsets_map_back_to_the_input() {
        let raw = "TT\r\n  عنوان الخبر  \r\nصورة (رويترز)\nصورة (رويترز)\nFooter\n\tنص الخبر هنا\n";
        let doc = document("x".into(), None, raw, None).unwrap();
        assert_eq!(doc.text, "عنوان الخبر\nصورة (رويترز)\nنص الخبر هنا");
        for line_start in [
            0,
            doc.text.find("صورة").unwrap(),
            doc.text.find("نص").unwrap(),
        ] {
            let line_end = doc.text[line_start..]
                .find('\n')
                .map_or(doc.text.len(), |n| line_start + n);
            let (s, e) = (doc.input_offset(line_start), doc.input_offset(line_end));
            assert_eq!(&raw[s..e], &doc.text[line_start..line_end]);
        }
        // a word in the last line
        let w = doc.text.find("هنا").unwrap();
        let s = doc.input_offset(w);
        assert_eq!(&raw[s..s + "هنا".len()], "هنا");
        // text built in code has no origin: offsets are its own
        let plain = Document {
            origin: Vec::new(),
            ..doc
        };
        assert_eq!(plain.input_offset(7), 7);
    }

    #[test]
    fn decode_reports_each_bad_kind() {
        assert_eq!(decode(b""), Err("empty file".into()));
        assert!(decode(b"\x00\x01\x02abc").unwrap_err().contains("binary"));
        // "سلام" in Windows-1256.
        assert!(
            decode(&[0xD3, 0xE1, 0xC7, 0xE3, 0x20, 0xD3, 0xE1, 0xC7, 0xE3])
                .unwrap_err()
                .contains("Windows-1256")
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("سلام".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "سلام");
        assert_eq!(decode("\u{FEFF}سلام".as_bytes()).unwrap(), "سلام");
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
