//! Corpora: a folder with one sub-folder per label, JSON Lines, single files, standard input;
//! and the policy for reading several of them as one ([`CorpusReader`]).
//!
//! Scraped pages carry boilerplate, so every text goes through [`clean_scraped`]: a line repeated
//! inside one document counts once (photo captions are printed twice or thrice) and lines with no
//! Arabic letter are dropped ("TT" markers, "Sorry, you need to enable JavaScript", Latin
//! footers). Each file or line that cannot be used is reported in [`Corpus::skipped`] with its
//! path (and line) and the reason; the rest of the corpus is still read.

mod clean;
mod date;
mod decode;
mod folder;
mod jsonl;
mod reader;
mod stream;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

pub use clean::{clean_scraped, clean_scraped_mapped};
pub use date::{Date, parse_day};
pub use decode::{decode, read_text_file};
pub use folder::read_folder;
pub use jsonl::{JsonlFields, read_jsonl, read_jsonl_from, read_stdin};
pub use reader::CorpusReader;
pub use stream::{CHUNK_BYTES, Chunk, ChunkFn, CorpusStream, DocumentSource, Pace};

use folder::Entry;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// File path relative to the corpus root (see [`path_name`]), or the JSONL `id` (or
    /// `line N`).
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
    /// When it was published (JSON Lines `date`: RFC 2822 or ISO 8601); `None` when its input
    /// gives no date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
}

impl Document {
    /// A document built in code: its text is taken as it is (no cleaning).
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            label: None,
            text: text.into(),
            source: None,
            origin: Vec::new(),
            date: None,
        }
    }

    /// A document from text as published or scraped, cleaned as the corpus readers clean it
    /// (captions, footers and Latin boilerplate dropped); [`input_offset`](Self::input_offset)
    /// maps its text back into `raw`. `None` when no Arabic text is left.
    pub fn from_raw(id: impl Into<String>, raw: &str) -> Option<Self> {
        clean::document(id.into(), None, raw, None).ok()
    }

    /// The same document with a label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

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
            Some(l) => write!(f, "{}:{}: {}", path_name(&self.path), l, self.reason),
            None => write!(f, "{}: {}", path_name(&self.path), self.reason),
        }
    }
}

/// Something a reader wants its user to know that is not a skipped input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Note {
    /// Files beside a corpus folder's label folders that are not `.txt` articles (a licence, a
    /// manifest): not skipped inputs, but named so that nothing goes unseen.
    NotRead {
        folder: PathBuf,
        files: Vec<PathBuf>,
    },
    /// JSON Lines records that share an id, with how many use each: results are named by id,
    /// so such documents cannot be told apart in the output.
    DuplicateIds {
        input: PathBuf,
        ids: Vec<(String, usize)>,
        /// Further repeats, of ids past the most a stream lists by name (a feed's memory
        /// stays bounded).
        more: usize,
    },
    /// A sources filter was given, but no document of this input carries a source, so all of
    /// them were kept.
    SourcesDoNotApply { input: PathBuf, kept: usize },
}

/// How many items lists in messages show before counting the rest.
pub const SHOWN: usize = 10;

/// The first [`SHOWN`] items, comma-separated, then how many more there are.
pub fn first_few(items: impl ExactSizeIterator<Item = String>) -> String {
    let more = items.len().saturating_sub(SHOWN);
    let shown: Vec<String> = items.take(SHOWN).collect();
    match more {
        0 => shown.join(", "),
        n => format!("{} and {n} more", shown.join(", ")),
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::NotRead { folder, files } => {
                let names = first_few(files.iter().map(|p| {
                    p.file_name()
                        .map_or_else(|| path_name(p), |n| path_name(Path::new(n)))
                }));
                write!(
                    f,
                    "{}: not read (not .txt articles): {names}",
                    path_name(folder)
                )
            }
            Note::DuplicateIds { input, ids, more } => {
                let mut shown = first_few(ids.iter().map(|(id, n)| format!("{id:?} ×{n}")));
                if *more > 0 {
                    shown += &format!("; {more} more repeats of other ids");
                }
                let (count, verb) = match ids.len() {
                    1 => ("1 id".to_string(), "is"),
                    n => (format!("{n} ids"), "are"),
                };
                write!(
                    f,
                    "note: {}: {count} {verb} used by more than one document ({shown}); results \
                     are named by id, so those documents cannot be told apart in the output",
                    path_name(input),
                )
            }
            Note::SourcesDoNotApply { input, kept } => write!(
                f,
                "note: {}: no document carries a `source`, so the sources filter does not \
                 apply: all {kept} documents kept",
                path_name(input)
            ),
        }
    }
}

/// What kind of input a corpus was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputKind {
    /// A folder with one sub-folder per label.
    Folder,
    /// A JSON Lines file.
    JsonLines,
    /// One text file: one article.
    TextFile,
    /// Standard input.
    Stdin,
}

/// One input of a corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    pub kind: InputKind,
}

#[derive(Clone, Debug, Default)]
pub struct Corpus {
    pub docs: Vec<Document>,
    pub skipped: Vec<Skipped>,
    /// What the reader wants its user to know besides the skipped inputs.
    pub notes: Vec<Note>,
    /// What was read, in order.
    pub inputs: Vec<Input>,
    /// The sources filter that chose `docs` (empty: every source).
    pub sources: Vec<String>,
}

impl Corpus {
    /// Reads one corpus (a folder, a JSON Lines file or one text file) with the default
    /// fields and no sources filter: [`CorpusReader::read`].
    pub fn read(path: impl AsRef<Path>) -> crate::Result<Corpus> {
        CorpusReader::new().read(path)
    }

    /// A corpus of documents built in code.
    pub fn from_documents(docs: Vec<Document>) -> Corpus {
        Corpus {
            docs,
            ..Corpus::default()
        }
    }

    /// Sorted distinct labels of the labelled documents.
    pub fn labels(&self) -> Vec<String> {
        let mut l: Vec<String> = self.docs.iter().filter_map(|d| d.label.clone()).collect();
        l.sort();
        l.dedup();
        l
    }

    /// The corpus as its inputs name it: their paths joined by " + ", then the sources filter.
    pub fn name(&self) -> String {
        let paths: Vec<String> = self.inputs.iter().map(|i| path_name(&i.path)).collect();
        describe(&paths, &self.sources)
    }
}

/// Corpora in one line: their paths joined by " + ", then the outlets kept
/// (`ant.jsonl (sources skynews, alarabia)`).
pub fn describe(paths: &[String], sources: &[String]) -> String {
    let mut name = if paths.is_empty() {
        "(documents)".to_string()
    } else {
        paths.join(" + ")
    };
    if !sources.is_empty() {
        name = format!("{name} (sources {})", sources.join(", "));
    }
    name
}

/// Errors that stop a whole read (a missing root, an unreadable folder, a corpus given twice).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CorpusError {
    #[error("{}: {reason}", path_name(path))]
    Unreadable { path: PathBuf, reason: String },
    #[error("{}: no such file or folder", path_name(.0))]
    NotFound(PathBuf),
    #[error("{}: not a folder", path_name(.0))]
    NotAFolder(PathBuf),
    #[error("{}: not a file or folder (a device, pipe or socket)", path_name(.0))]
    Special(PathBuf),
    #[error(
        "{}: given twice (each corpus once: twice would count its articles twice)",
        path_name(.0)
    )]
    GivenTwice(PathBuf),
    #[error(
        "{corpora}: no document has the source {} (sources present: {})",
        missing.join(","),
        if present.is_empty() { "none, the documents carry no `source` field".to_string() } else { present.join(", ") }
    )]
    UnknownSources {
        corpora: String,
        missing: Vec<String>,
        present: Vec<String>,
    },
    #[error("{}: no readable documents ({} skipped: {})", path_name(path), skipped.len(), first_few(skipped.iter().map(|s| s.to_string())))]
    NoDocuments {
        path: PathBuf,
        skipped: Vec<Skipped>,
    },
}

impl CorpusError {
    /// The input the error is about, when it is about one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            CorpusError::Unreadable { path, .. } | CorpusError::NoDocuments { path, .. } => {
                Some(path)
            }
            CorpusError::NotFound(p)
            | CorpusError::NotAFolder(p)
            | CorpusError::Special(p)
            | CorpusError::GivenTwice(p) => Some(p),
            CorpusError::UnknownSources { .. } => None,
        }
    }

    /// What went wrong, without the path.
    pub fn reason(&self) -> String {
        match self {
            CorpusError::Unreadable { reason, .. } => reason.clone(),
            CorpusError::NotFound(_) => "no such file or folder".into(),
            CorpusError::NotAFolder(_) => "not a folder".into(),
            CorpusError::Special(_) => "not a file or folder (a device, pipe or socket)".into(),
            e => {
                let full = e.to_string();
                match e.path().map(|p| format!("{}: ", path_name(p))) {
                    Some(prefix) => full.strip_prefix(&prefix).unwrap_or(&full).to_string(),
                    None => full,
                }
            }
        }
    }
}

/// An I/O error as a reason (a broken symbolic link is named as one).
pub(crate) fn io_reason(path: &Path, e: &std::io::Error) -> String {
    folder::link_reason(path, e).unwrap_or_else(|| e.to_string())
}

/// A path as text that maps back to the file: as it is when it is UTF-8; otherwise each byte
/// that is not UTF-8 is written `\xNN` (and a backslash `\\`), so no two names print the same.
pub fn path_name(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Whether [`read_input`] reads this file as JSON Lines (by its extension).
pub fn is_jsonl_path(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        ["jsonl", "ndjson", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Reads one input as it is, with no policy: a folder (folder-per-label), a `.jsonl` file, or a
/// single text file. The corpus may be empty (everything skipped).
pub fn read_input(path: &Path, fields: &JsonlFields) -> Result<Corpus, CorpusError> {
    let (mut corpus, kind) = match Entry::of(path) {
        Entry::Folder => (read_folder(path)?, InputKind::Folder),
        Entry::File if is_jsonl_path(path) => (read_jsonl(path, fields)?, InputKind::JsonLines),
        Entry::File => (read_single(path), InputKind::TextFile),
        Entry::Special => return Err(CorpusError::Special(path.to_path_buf())),
        Entry::Bad(reason) => return Err(stream::unusable(path, reason)),
    };
    corpus.inputs.push(Input {
        path: path.to_path_buf(),
        kind,
    });
    Ok(corpus)
}

/// A single text file as a one-document corpus (or one skipped entry).
pub fn read_single(path: &Path) -> Corpus {
    let id = path_name(path);
    let mut corpus = Corpus::default();
    match read_text_file(path).and_then(|raw| clean::document(id, None, &raw, None)) {
        Ok(d) => corpus.docs.push(d),
        Err(reason) => corpus.skipped.push(Skipped {
            path: path.to_path_buf(),
            line: None,
            reason,
        }),
    }
    corpus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_that_is_not_utf8_prints_so_that_it_maps_back() {
        use std::os::unix::ffi::OsStrExt;
        let raw = std::ffi::OsStr::from_bytes(b"a\\b\xFF\xFEc.txt");
        assert_eq!(path_name(Path::new(raw)), "a\\\\b\\xFF\\xFEc.txt");
        assert_eq!(path_name(Path::new("خبر\\1.txt")), "خبر\\1.txt");
    }
}
