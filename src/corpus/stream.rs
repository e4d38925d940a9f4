//! Reading corpora chunk by chunk, so that a trainer or a classifier never holds more than a
//! chunk of text: JSON Lines from a file or standard input (lines read by a thread of their own
//! into a bounded queue, parsed in parallel), folders (files read in parallel, in name order),
//! single text files.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError, sync_channel};
use std::time::Duration;

use super::clean::document;
use super::decode::{UTF8_BOM, decode, read_text_file};
use super::folder::{Entry, list_folder, read_article};
use super::jsonl::parse_line;
use super::{
    Corpus, CorpusError, Document, Input, InputKind, JsonlFields, Note, Skipped, io_reason,
    is_jsonl_path, path_name,
};

/// Text per chunk when reading for training: large enough that parsing and counting run in
/// parallel over thousands of documents, small enough to stay far below the corpus.
pub const CHUNK_BYTES: usize = 8 << 20;

/// Lines the reading thread may queue ahead of the parser (at most this many lines of text
/// are held besides the chunk being parsed).
const QUEUED_LINES: usize = 4096;

/// Documents read in order, with the inputs skipped among them.
#[derive(Debug, Default)]
pub struct Chunk {
    pub docs: Vec<Document>,
    pub skipped: Vec<Skipped>,
}

/// How a chunked reader waits for input.
#[derive(Clone, Copy, Debug)]
pub enum Pace {
    /// Fill every chunk (files, training): the fewest, largest chunks.
    Fill,
    /// Return what has arrived once input pauses for this long (a feed on standard input:
    /// the first article gets its answer while the next ones are still on their way).
    Linger(Duration),
}

/// Chunks of documents from one input.
trait ChunkSource: Send {
    fn next_chunk(&mut self) -> Option<Result<Chunk, CorpusError>>;

    /// Files of the input that were not read and are not skipped inputs either (beside a
    /// corpus folder's label folders).
    fn not_read(&mut self) -> Vec<PathBuf> {
        Vec::new()
    }
}

/// The lines of a reader, read by a thread of their own into a bounded queue.
struct Lines {
    rx: Receiver<Result<(usize, Vec<u8>), std::io::Error>>,
    /// The reader thread; it ends when the input does or the queue is dropped.
    _thread: std::thread::JoinHandle<()>,
}

impl Lines {
    fn spawn(open: impl FnOnce() -> std::io::Result<Box<dyn BufRead>> + Send + 'static) -> Lines {
        let (tx, rx): (SyncSender<_>, _) = sync_channel(QUEUED_LINES);
        let thread = std::thread::spawn(move || {
            let reader = match open() {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            for (i, line) in reader.split(b'\n').enumerate() {
                let item = line.map(|mut bytes| {
                    if i == 0 && bytes.starts_with(UTF8_BOM) {
                        bytes.drain(..UTF8_BOM.len());
                    }
                    (i + 1, bytes)
                });
                let stop = item.is_err();
                if tx.send(item).is_err() || stop {
                    return;
                }
            }
        });
        Lines {
            rx,
            _thread: thread,
        }
    }
}

/// A JSON Lines input, parsed a chunk of lines at a time.
struct JsonlChunks {
    lines: Lines,
    path: PathBuf,
    fields: JsonlFields,
    pace: Pace,
    chunk_bytes: usize,
    done: bool,
}

impl ChunkSource for JsonlChunks {
    fn next_chunk(&mut self) -> Option<Result<Chunk, CorpusError>> {
        if self.done {
            return None;
        }
        let mut lines: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut bytes = 0;
        let io_error = |e: std::io::Error, path: &Path| CorpusError::Unreadable {
            path: path.to_path_buf(),
            reason: io_reason(path, &e),
        };
        // the first line: wait for it
        match self.lines.rx.recv() {
            Ok(Ok(l)) => {
                bytes += l.1.len();
                lines.push(l);
            }
            Ok(Err(e)) => {
                self.done = true;
                return Some(Err(io_error(e, &self.path)));
            }
            Err(_) => {
                self.done = true;
                return None;
            }
        }
        while bytes < self.chunk_bytes {
            let next = match self.pace {
                Pace::Fill => self.lines.rx.recv().map_err(|_| TryRecvError::Disconnected),
                Pace::Linger(wait) => match self.lines.rx.try_recv() {
                    Err(TryRecvError::Empty) => {
                        self.lines.rx.recv_timeout(wait).map_err(|e| match e {
                            RecvTimeoutError::Timeout => TryRecvError::Empty,
                            RecvTimeoutError::Disconnected => TryRecvError::Disconnected,
                        })
                    }
                    r => r,
                },
            };
            match next {
                Ok(Ok(l)) => {
                    bytes += l.1.len();
                    lines.push(l);
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Some(Err(io_error(e, &self.path)));
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.done = true;
                    break;
                }
            }
        }
        let parsed: Vec<Option<Result<Document, Skipped>>> = lines
            .par_iter()
            .with_min_len(64)
            .map(|(n, bytes)| parse_line(*n, bytes, &self.path, &self.fields))
            .collect();
        let mut chunk = Chunk::default();
        for r in parsed.into_iter().flatten() {
            match r {
                Ok(d) => chunk.docs.push(d),
                Err(s) => chunk.skipped.push(s),
            }
        }
        Some(Ok(chunk))
    }
}

/// A corpus folder, read a few hundred files at a time.
struct FolderChunks {
    root: PathBuf,
    /// (file, label), in name order
    files: std::vec::IntoIter<(PathBuf, Option<String>)>,
    /// What listing the folder skipped, given with the first chunk.
    listed: Option<Vec<Skipped>>,
    not_read: Vec<PathBuf>,
}

/// Files read per chunk of a folder.
const FILES_PER_CHUNK: usize = 512;

impl ChunkSource for FolderChunks {
    fn not_read(&mut self) -> Vec<PathBuf> {
        std::mem::take(&mut self.not_read)
    }

    fn next_chunk(&mut self) -> Option<Result<Chunk, CorpusError>> {
        let batch: Vec<(PathBuf, Option<String>)> =
            self.files.by_ref().take(FILES_PER_CHUNK).collect();
        let skipped = self.listed.take();
        if batch.is_empty() && skipped.as_ref().is_none_or(Vec::is_empty) {
            return None;
        }
        let root = &self.root;
        let read: Vec<Result<Document, Skipped>> = batch
            .par_iter()
            .map(|(path, label)| read_article(root, path, label))
            .collect();
        let mut chunk = Chunk {
            docs: Vec::new(),
            skipped: skipped.unwrap_or_default(),
        };
        for r in read {
            match r {
                Ok(d) => chunk.docs.push(d),
                Err(s) => chunk.skipped.push(s),
            }
        }
        Some(Ok(chunk))
    }
}

/// One article: a text file, or standard input that is not JSON Lines.
struct OneChunk(Option<Chunk>);

impl ChunkSource for OneChunk {
    fn next_chunk(&mut self) -> Option<Result<Chunk, CorpusError>> {
        self.0.take().map(Ok)
    }
}

fn one_document(path: &Path, id: String, raw: Result<String, String>) -> OneChunk {
    let mut chunk = Chunk::default();
    match raw.and_then(|raw| document(id, None, &raw, None)) {
        Ok(d) => chunk.docs.push(d),
        Err(reason) => chunk.skipped.push(Skipped {
            path: path.to_path_buf(),
            line: None,
            reason,
        }),
    }
    OneChunk(Some(chunk))
}

/// Opens one input for chunked reading; `-` is standard input (JSON Lines when its first
/// non-blank byte is `{`, one article otherwise).
fn open_input(
    path: &Path,
    fields: &JsonlFields,
    pace: Pace,
    chunk_bytes: usize,
) -> Result<(Box<dyn ChunkSource>, InputKind), CorpusError> {
    if path == Path::new("-") {
        return open_stdin(fields, pace, chunk_bytes);
    }
    match Entry::of(path) {
        Entry::Folder => {
            let (files, skipped, not_read) = list_folder(path)?;
            Ok((
                Box::new(FolderChunks {
                    root: path.to_path_buf(),
                    files: files.into_iter(),
                    listed: Some(skipped),
                    not_read,
                }),
                InputKind::Folder,
            ))
        }
        Entry::File if is_jsonl_path(path) => {
            let owned = path.to_path_buf();
            let lines = Lines::spawn(move || {
                let f = std::fs::File::open(&owned)?;
                Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, f)) as Box<dyn BufRead>)
            });
            Ok((
                Box::new(JsonlChunks {
                    lines,
                    path: path.to_path_buf(),
                    fields: fields.clone(),
                    pace,
                    chunk_bytes,
                    done: false,
                }),
                InputKind::JsonLines,
            ))
        }
        Entry::File => Ok((
            Box::new(one_document(path, path_name(path), read_text_file(path))),
            InputKind::TextFile,
        )),
        Entry::Special => Err(CorpusError::Special(path.to_path_buf())),
        Entry::Bad(reason) => Err(unusable(path, reason)),
    }
}

/// The error for a path that cannot be looked at: missing, or unreadable for `reason`.
pub(crate) fn unusable(path: &Path, reason: String) -> CorpusError {
    if std::fs::symlink_metadata(path).is_err() && !path.as_os_str().is_empty() {
        CorpusError::NotFound(path.to_path_buf())
    } else {
        CorpusError::Unreadable {
            path: path.to_path_buf(),
            reason,
        }
    }
}

fn open_stdin(
    fields: &JsonlFields,
    pace: Pace,
    chunk_bytes: usize,
) -> Result<(Box<dyn ChunkSource>, InputKind), CorpusError> {
    // Peek at the first non-blank byte without losing it: a reader thread hands over lines,
    // so the whole input goes through the line queue; a text (not JSON Lines) is rebuilt from
    // its lines.
    let lines = Lines::spawn(|| {
        Ok(
            Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin()))
                as Box<dyn BufRead>,
        )
    });
    let mut head: Vec<(usize, Vec<u8>)> = Vec::new();
    let is_jsonl = loop {
        match lines.rx.recv() {
            Ok(Ok(l)) => {
                let first = l.1.iter().find(|b| !b.is_ascii_whitespace()).copied();
                head.push(l);
                if let Some(b) = first {
                    break b == b'{';
                }
            }
            Ok(Err(e)) => {
                return Err(CorpusError::Unreadable {
                    path: "-".into(),
                    reason: e.to_string(),
                });
            }
            Err(_) => break false,
        }
    };
    if is_jsonl {
        // the lines already taken go first
        let (tx, rx) = sync_channel(QUEUED_LINES);
        let upstream = lines;
        let thread = std::thread::spawn(move || {
            for l in head {
                if tx.send(Ok(l)).is_err() {
                    return;
                }
            }
            while let Ok(item) = upstream.rx.recv() {
                if tx.send(item).is_err() {
                    return;
                }
            }
        });
        return Ok((
            Box::new(JsonlChunks {
                lines: Lines {
                    rx,
                    _thread: thread,
                },
                path: "-".into(),
                fields: fields.clone(),
                pace,
                chunk_bytes,
                done: false,
            }),
            InputKind::Stdin,
        ));
    }
    let mut bytes: Vec<u8> = Vec::new();
    let push = |bytes: &mut Vec<u8>, line: Vec<u8>| {
        bytes.extend_from_slice(&line);
        bytes.push(b'\n');
    };
    for (_, l) in head {
        push(&mut bytes, l);
    }
    while let Ok(item) = lines.rx.recv() {
        match item {
            Ok((_, l)) => push(&mut bytes, l),
            Err(e) => {
                return Err(CorpusError::Unreadable {
                    path: "-".into(),
                    reason: e.to_string(),
                });
            }
        }
    }
    // the last line break was added here, not read
    bytes.pop();
    Ok((
        Box::new(one_document(Path::new("-"), "-".into(), decode(&bytes))),
        InputKind::Stdin,
    ))
}

/// What [`DocumentSource::each_chunk`] calls with every chunk: its documents and the inputs
/// skipped with them.
pub type ChunkFn<'a> = dyn FnMut(&[Document], &[Skipped]) -> crate::Result<()> + 'a;

/// Where a trainer gets its documents from, chunk by chunk: a [`Corpus`] in memory, or a
/// [`CorpusStream`] reading its inputs as it goes.
pub trait DocumentSource {
    /// Calls `f` with the documents in order, chunk by chunk, and the inputs skipped with
    /// each chunk. An error from `f` or from reading stops the reading and is returned.
    fn each_chunk(&mut self, f: &mut ChunkFn<'_>) -> crate::Result<()>;

    /// What was read: the inputs, in order.
    fn inputs(&self) -> Vec<Input>;

    /// The sources filter the documents were chosen by (empty: every source).
    fn sources(&self) -> &[String];

    /// What reading has to say besides the skipped inputs (complete once the chunks are done).
    fn notes(&self) -> &[Note];
}

impl DocumentSource for &Corpus {
    fn each_chunk(&mut self, f: &mut ChunkFn<'_>) -> crate::Result<()> {
        // the chunks a stream of this corpus's text would have (by text length), so that a
        // corpus in memory and the same corpus streamed are counted alike
        let mut start = 0;
        let mut bytes = 0;
        for (i, d) in self.docs.iter().enumerate() {
            bytes += d.text.len();
            if bytes >= CHUNK_BYTES {
                f(&self.docs[start..=i], &[])?;
                (start, bytes) = (i + 1, 0);
            }
        }
        f(&self.docs[start..], &self.skipped)
    }

    fn inputs(&self) -> Vec<Input> {
        self.inputs.clone()
    }

    fn sources(&self) -> &[String] {
        &self.sources
    }

    fn notes(&self) -> &[Note] {
        &self.notes
    }
}

/// Several inputs read one after the other with the rules of [`super::CorpusReader`]: each
/// input once, a sources filter whose every source some document has, no input without a
/// readable document.
pub struct CorpusStream {
    inputs: Vec<Input>,
    fields: JsonlFields,
    sources: Vec<String>,
    pace: Pace,
    chunk_bytes: usize,
    notes: Vec<Note>,
}

impl CorpusStream {
    pub(super) fn new(
        paths: &[&Path],
        fields: JsonlFields,
        sources: Vec<String>,
        pace: Pace,
    ) -> Result<CorpusStream, CorpusError> {
        let mut distinct = std::collections::HashSet::new();
        let mut inputs = Vec::new();
        for &path in paths {
            if path != Path::new("-")
                && !distinct.insert(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
            {
                return Err(CorpusError::GivenTwice(path.to_path_buf()));
            }
            let kind = if path == Path::new("-") {
                InputKind::Stdin
            } else {
                match Entry::of(path) {
                    Entry::Folder => InputKind::Folder,
                    Entry::File if is_jsonl_path(path) => InputKind::JsonLines,
                    Entry::File => InputKind::TextFile,
                    Entry::Special => return Err(CorpusError::Special(path.to_path_buf())),
                    Entry::Bad(reason) => return Err(unusable(path, reason)),
                }
            };
            inputs.push(Input {
                path: path.to_path_buf(),
                kind,
            });
        }
        Ok(CorpusStream {
            inputs,
            fields,
            sources,
            pace,
            chunk_bytes: CHUNK_BYTES,
            notes: Vec::new(),
        })
    }

    /// Text per chunk (the default is [`CHUNK_BYTES`]).
    pub fn chunk_bytes(mut self, bytes: usize) -> Self {
        self.chunk_bytes = bytes.max(1);
        self
    }

    /// Reads everything into one corpus.
    pub fn collect(mut self) -> crate::Result<Corpus> {
        let mut corpus = Corpus::default();
        self.each_chunk(&mut |docs, skipped| {
            corpus.docs.extend_from_slice(docs);
            corpus.skipped.extend_from_slice(skipped);
            Ok(())
        })?;
        corpus.notes = std::mem::take(&mut self.notes);
        corpus.inputs = self.inputs;
        corpus.sources = self.sources;
        Ok(corpus)
    }
}

impl DocumentSource for CorpusStream {
    fn each_chunk(&mut self, f: &mut ChunkFn<'_>) -> crate::Result<()> {
        let several = self.inputs.len() > 1;
        let mut present: BTreeSet<String> = BTreeSet::new();
        for input in self.inputs.clone() {
            let path = &input.path;
            let (mut source, _) = open_input(path, &self.fields, self.pace, self.chunk_bytes)?;
            let own = several.then(|| path_name(path));
            let mut read = 0usize;
            let mut sourced = false;
            let mut skipped_here: Vec<Skipped> = Vec::new();
            let mut ids = DuplicateIds::default();
            while let Some(chunk) = source.next_chunk() {
                let Chunk {
                    mut docs,
                    mut skipped,
                } = chunk?;
                read += docs.len();
                for d in &docs {
                    if let Some(s) = &d.source {
                        sourced = true;
                        if !self.sources.is_empty() && !present.contains(s) {
                            present.insert(s.clone());
                        }
                    }
                    ids.see(&d.id);
                }
                if !self.sources.is_empty() {
                    // documents that carry a source are filtered; those without are kept
                    docs.retain(|d| (d.source.as_ref()).is_none_or(|s| self.sources.contains(s)));
                }
                if let Some(own) = &own {
                    for d in &mut docs {
                        d.source.get_or_insert_with(|| own.clone());
                    }
                }
                if read == 0 {
                    // kept until the input proves empty: the error lists them
                    skipped_here.extend(skipped);
                    continue;
                }
                if !skipped_here.is_empty() {
                    skipped.splice(0..0, skipped_here.drain(..));
                }
                f(&docs, &skipped)?;
            }
            if read == 0 {
                return Err(CorpusError::NoDocuments {
                    path: path.clone(),
                    skipped: skipped_here,
                }
                .into());
            }
            let not_read = source.not_read();
            if !not_read.is_empty() {
                self.notes.push(Note::NotRead {
                    folder: path.clone(),
                    files: not_read,
                });
            }
            if !self.sources.is_empty() && !sourced {
                self.notes.push(Note::SourcesDoNotApply {
                    input: path.clone(),
                    kept: read,
                });
            }
            if let Some((ids, more)) = ids.repeated() {
                self.notes.push(Note::DuplicateIds {
                    input: path.clone(),
                    ids,
                    more,
                });
            }
        }
        let missing: Vec<String> = (self.sources.iter())
            .filter(|s| !present.contains(s.as_str()))
            .cloned()
            .collect();
        if !self.sources.is_empty() && !missing.is_empty() {
            let names: Vec<String> = self.inputs.iter().map(|i| path_name(&i.path)).collect();
            return Err(CorpusError::UnknownSources {
                corpora: names.join(" + "),
                missing,
                present: present.into_iter().collect(),
            }
            .into());
        }
        Ok(())
    }

    fn inputs(&self) -> Vec<Input> {
        self.inputs.clone()
    }

    fn sources(&self) -> &[String] {
        &self.sources
    }

    fn notes(&self) -> &[Note] {
        &self.notes
    }
}

/// Ids a stream looks for repeats among: the most recent this many (a hash each, about 30
/// bytes with the map's overhead: ~30 MB), so that a feed's memory stays bounded; two uses of
/// an id further apart than this go unnoticed.
pub(crate) const ID_WINDOW: usize = 1 << 20;

/// Repeated ids a stream lists by name; repeats of further ids are only counted.
const REPEATED_LISTED: usize = 1 << 16;

/// Ids seen more than once in one input, without keeping every id: a hash of each of the
/// last [`ID_WINDOW`], and the ids themselves only once they repeat.
struct DuplicateIds {
    window: usize,
    seen: FxHashMap<u64, u32>,
    order: std::collections::VecDeque<u64>,
    repeated: FxHashMap<String, usize>,
    more: usize,
}

impl Default for DuplicateIds {
    fn default() -> Self {
        DuplicateIds::with_window(ID_WINDOW)
    }
}

impl DuplicateIds {
    fn with_window(window: usize) -> Self {
        DuplicateIds {
            window,
            seen: FxHashMap::default(),
            order: std::collections::VecDeque::new(),
            repeated: FxHashMap::default(),
            more: 0,
        }
    }

    fn see(&mut self, id: &str) {
        use std::hash::BuildHasher;
        let h = rustc_hash::FxBuildHasher.hash_one(id);
        let n = self.seen.entry(h).or_default();
        *n += 1;
        if *n > 1 {
            // a hash collision of two different ids would count them as one: rare, and only a
            // note
            if let Some(c) = self.repeated.get_mut(id) {
                *c += 1;
            } else if self.repeated.len() < REPEATED_LISTED {
                self.repeated.insert(id.to_string(), 2);
            } else {
                self.more += 1;
            }
        }
        self.order.push_back(h);
        if self.order.len() > self.window {
            let old = self.order.pop_front().expect("longer than the window");
            if let std::collections::hash_map::Entry::Occupied(mut e) = self.seen.entry(old) {
                *e.get_mut() -= 1;
                if *e.get() == 0 {
                    e.remove();
                }
            }
        }
    }

    /// The repeated ids (sorted) with their counts, and the repeats of ids not listed.
    fn repeated(self) -> Option<(Vec<(String, usize)>, usize)> {
        let mut ids: Vec<(String, usize)> = self.repeated.into_iter().collect();
        ids.sort_unstable();
        (!ids.is_empty()).then_some((ids, self.more))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl(lines: &[String]) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new()
            .suffix(".jsonl")
            .tempfile()
            .unwrap();
        use std::io::Write;
        for l in lines {
            writeln!(f, "{l}").unwrap();
        }
        f
    }

    /// However small the chunks, the stream gives the documents of a whole read, in order.
    #[test]
    fn chunks_of_any_size_give_the_same_documents() {
        let lines: Vec<String> = (0..300)
            .map(|i| {
                if i % 37 == 5 {
                    "not json".to_string()
                } else {
                    serde_json::json!({"id": i, "text": format!("خبر رقم {i} عن السلام")})
                        .to_string()
                }
            })
            .collect();
        let f = jsonl(&lines);
        let whole = super::super::read_jsonl(f.path(), &JsonlFields::default()).unwrap();
        for bytes in [1, 100, 5000, CHUNK_BYTES] {
            let mut s = CorpusStream::new(&[f.path()], JsonlFields::default(), vec![], Pace::Fill)
                .unwrap()
                .chunk_bytes(bytes);
            let mut docs = Vec::new();
            let mut skipped = Vec::new();
            let mut chunks = 0;
            s.each_chunk(&mut |d, sk| {
                docs.extend_from_slice(d);
                skipped.extend_from_slice(sk);
                chunks += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(docs, whole.docs, "{bytes} bytes per chunk");
            assert_eq!(skipped, whole.skipped, "{bytes} bytes per chunk");
            if bytes == 1 {
                assert!(chunks > 100);
            }
        }
    }

    #[test]
    fn repeated_ids_are_found_within_the_window_and_memory_stays_bounded() {
        let mut d = DuplicateIds::with_window(4);
        for id in ["a", "b", "a", "c", "d", "e", "f", "b"] {
            d.see(id);
        }
        // "a" repeats within 4 ids; "b" comes back after 6, past the window
        assert_eq!(d.seen.len(), 4);
        assert_eq!(d.order.len(), 4);
        let (ids, more) = d.repeated().unwrap();
        assert_eq!(ids, [("a".to_string(), 2)]);
        assert_eq!(more, 0);
        let mut d = DuplicateIds::with_window(1 << 10);
        for i in 0..(REPEATED_LISTED + 10) {
            d.see(&i.to_string());
            d.see(&i.to_string());
        }
        let (ids, more) = d.repeated().unwrap();
        assert_eq!(ids.len(), REPEATED_LISTED);
        assert_eq!(more, 10);
    }
}
