//! Reading one or several corpora as one: field names, a sources filter, and the rules that
//! keep a corpus from being counted twice or filtered to nothing by a typo.

use std::collections::HashMap;
use std::path::Path;

use super::{
    Corpus, CorpusError, CorpusStream, DocumentSource, InputKind, JsonlFields, Note, Pace,
    read_input,
};
use crate::progress::{Progress, Silent, Stage, stage};

/// Reads corpora with the same field names and sources filter.
///
/// ```no_run
/// # fn main() -> tasnif::Result<()> {
/// let corpus = tasnif::CorpusReader::new()
///     .sources(["skynews", "alarabia"])
///     .read_all(&["ant.jsonl", "my-outlet/"])?;
/// println!("{} documents from {}", corpus.docs.len(), corpus.name());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct CorpusReader {
    fields: JsonlFields,
    sources: Vec<String>,
}

impl CorpusReader {
    pub fn new() -> Self {
        CorpusReader::default()
    }

    /// The JSON Lines field holding the article text (default `text`).
    pub fn text_field(mut self, name: impl Into<String>) -> Self {
        self.fields.text = name.into();
        self
    }

    /// The JSON Lines field holding the label (default `label`).
    pub fn label_field(mut self, name: impl Into<String>) -> Self {
        self.fields.label = Some(name.into());
        self
    }

    /// The JSON Lines field holding the publication date (default `date`; RFC 2822 or ISO 8601).
    pub fn date_field(mut self, name: impl Into<String>) -> Self {
        self.fields.date = Some(name.into());
        self
    }

    /// Keeps only documents whose `source` is one of these (JSON Lines; an input whose
    /// documents carry no source is kept whole, with a [`Note::SourcesDoNotApply`]).
    pub fn sources<S: Into<String>>(mut self, sources: impl IntoIterator<Item = S>) -> Self {
        self.sources = sources.into_iter().map(Into::into).collect();
        self
    }

    pub fn fields(&self) -> &JsonlFields {
        &self.fields
    }

    /// Reads one corpus: [`read_all`](Self::read_all) with one path.
    pub fn read(&self, path: impl AsRef<Path>) -> crate::Result<Corpus> {
        self.read_all(&[path])
    }

    /// Reads one or more corpora into one. Refused: a corpus given twice (its articles would
    /// count twice), an input with no readable document, and a requested source that no
    /// document has (almost always a typo, `cnn` for `CNN`). With several inputs, a document
    /// without a `source` gets its input's path as one, so each such input counts as one outlet
    /// when pooling labels.
    pub fn read_all<P: AsRef<Path>>(&self, paths: &[P]) -> crate::Result<Corpus> {
        self.read_all_with(paths, &Silent)
    }

    /// [`read_all`](Self::read_all) as the [`Stage::Reading`] stage of `progress` (one item
    /// per input).
    pub fn read_all_with<P: AsRef<Path>>(
        &self,
        paths: &[P],
        progress: &dyn Progress,
    ) -> crate::Result<Corpus> {
        stage(progress, Stage::Reading, paths.len() as u64, || {
            self.read_all_inner(paths, progress)
        })
    }

    fn read_all_inner<P: AsRef<Path>>(
        &self,
        paths: &[P],
        progress: &dyn Progress,
    ) -> crate::Result<Corpus> {
        let mut corpus = Corpus::default();
        let mut stream = self.stream(paths)?;
        stream.each_chunk(&mut |docs, skipped| {
            corpus.docs.extend_from_slice(docs);
            corpus.skipped.extend_from_slice(skipped);
            progress.advance(docs.len() as u64);
            Ok(())
        })?;
        corpus.notes = stream.notes().to_vec();
        corpus.inputs = stream.inputs();
        corpus.sources = self.sources.clone();
        Ok(corpus)
    }

    /// The corpora as a stream of chunks (see [`read_all`](Self::read_all) for the rules), for
    /// a trainer that never needs every text at once. A corpus given twice is refused here; an
    /// input without a readable document and a source no document has, once reading gets there.
    pub fn stream<P: AsRef<Path>>(&self, paths: &[P]) -> crate::Result<CorpusStream> {
        let paths: Vec<&Path> = paths.iter().map(AsRef::as_ref).collect();
        Ok(CorpusStream::new(
            &paths,
            self.fields.clone(),
            self.sources.clone(),
            Pace::Fill,
        )?)
    }

    /// [`stream`](Self::stream) that returns what has arrived as soon as the input pauses for
    /// `wait` (a feed on standard input), instead of filling every chunk.
    pub fn stream_lingering<P: AsRef<Path>>(
        &self,
        paths: &[P],
        wait: std::time::Duration,
    ) -> crate::Result<CorpusStream> {
        let paths: Vec<&Path> = paths.iter().map(AsRef::as_ref).collect();
        Ok(CorpusStream::new(
            &paths,
            self.fields.clone(),
            self.sources.clone(),
            Pace::Linger(wait),
        )?)
    }

    /// Reads one input as [`read_input`] does, with this reader's fields, and notes repeated
    /// ids: for `classify`, where an input with nothing readable is a skipped input rather than
    /// an error.
    pub fn read_input(&self, path: &Path) -> Result<Corpus, CorpusError> {
        let mut c = read_input(path, &self.fields)?;
        if let Some(ids) = duplicate_ids(&c) {
            c.notes.push(Note::DuplicateIds {
                input: path.to_path_buf(),
                ids,
                more: 0,
            });
        }
        Ok(c)
    }
}

/// Ids used by more than one document, sorted, with their counts.
fn duplicate_ids(c: &Corpus) -> Option<Vec<(String, usize)>> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for d in &c.docs {
        *seen.entry(d.id.as_str()).or_default() += 1;
    }
    let mut repeated: Vec<(String, usize)> = (seen.into_iter())
        .filter(|&(_, n)| n > 1)
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    repeated.sort_unstable();
    (!repeated.is_empty()).then_some(repeated)
}

impl Corpus {
    /// Whether one of the inputs is a single text file (one article: nothing to learn topics
    /// or labels from).
    pub fn text_file_input(&self) -> Option<&Path> {
        (self.inputs.iter())
            .find(|i| i.kind == InputKind::TextFile)
            .map(|i| i.path.as_path())
    }
}
