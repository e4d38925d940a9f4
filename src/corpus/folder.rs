//! A corpus folder: `root/LABEL/*.txt`, one article per file, one sub-folder per label.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use super::clean::document;
use super::decode::read_text_file;
use super::{Corpus, CorpusError, Document, Note, Skipped, io_reason, path_name};

const NOT_TXT: &str = "not a .txt file (a corpus folder holds one article per .txt file)";
const NESTED_FOLDER: &str =
    "a folder inside a label folder (labels are the corpus folder's sub-folders, one level deep)";

/// What a path is, following symbolic links, with the reason when it cannot be used.
pub(crate) enum Entry {
    Folder,
    File,
    /// A device, pipe or socket.
    Special,
    /// Cannot be looked at; the reason says why (a broken link, a link loop, permissions).
    Bad(String),
}

impl Entry {
    pub(crate) fn of(path: &Path) -> Entry {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Entry::Folder,
            Ok(m) if m.is_file() => Entry::File,
            Ok(_) => Entry::Special,
            Err(e) => Entry::Bad(link_reason(path, &e).unwrap_or_else(|| io_reason(path, &e))),
        }
    }
}

/// For a symbolic link that cannot be followed, what is wrong with it.
pub(crate) fn link_reason(path: &Path, e: &std::io::Error) -> Option<String> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return None;
    }
    // ELOOP: the chain of links never ends
    Some(if e.raw_os_error() == Some(40) {
        "a symbolic link loop (the links point at each other)".to_string()
    } else {
        let target = std::fs::read_link(path)
            .map(|t| format!(" {}", t.display()))
            .unwrap_or_default();
        format!("a broken symbolic link (what it points to,{target} does not exist)")
    })
}

/// Reads `root/LABEL/*.txt` (`.txt` files directly in `root` are read unlabelled). In a label
/// folder anything else that is not hidden (another extension, a folder, a broken link) is
/// reported as skipped, so a folder of `.html` pages cannot train on a silent fraction of
/// itself, and a label folder that cannot be listed is skipped with the reason while the others
/// are read; other files beside the label folders (a licence, a manifest) are named in a
/// [`Note::NotRead`]. Files are visited in sorted path order, so the corpus order is
/// deterministic.
pub fn read_folder(root: &Path) -> Result<Corpus, CorpusError> {
    let (files, skipped, not_read) = list_folder(root)?;
    let mut corpus = Corpus {
        skipped,
        ..Corpus::default()
    };
    if !not_read.is_empty() {
        corpus.notes.push(Note::NotRead {
            folder: root.to_path_buf(),
            files: not_read,
        });
    }
    let read: Vec<Result<Document, Skipped>> = files
        .par_iter()
        .map(|(path, label)| read_article(root, path, label))
        .collect();
    for r in read {
        match r {
            Ok(d) => corpus.docs.push(d),
            Err(s) => corpus.skipped.push(s),
        }
    }
    Ok(corpus)
}

/// One article file of a corpus folder, its id the path below the folder.
pub(crate) fn read_article(
    root: &Path,
    path: &Path,
    label: &Option<String>,
) -> Result<Document, Skipped> {
    let id = path_name(path.strip_prefix(root).unwrap_or(path));
    read_text_file(path)
        .and_then(|raw| document(id, label.clone(), &raw, None))
        .map_err(|reason| Skipped {
            path: path.to_path_buf(),
            line: None,
            reason,
        })
}

/// What a corpus folder holds, without reading it: the article files with their labels, in
/// name order; what is skipped (files that are not `.txt` in a label folder, nested folders,
/// broken links, label folders that cannot be listed); and the files beside the label folders.
pub(crate) type Listing = (Vec<(PathBuf, Option<String>)>, Vec<Skipped>, Vec<PathBuf>);

/// Lists a corpus folder (see [`Listing`]).
pub(crate) fn list_folder(root: &Path) -> Result<Listing, CorpusError> {
    match Entry::of(root) {
        Entry::Folder => {}
        Entry::Bad(reason) => {
            return Err(CorpusError::Unreadable {
                path: root.to_path_buf(),
                reason,
            });
        }
        _ => return Err(CorpusError::NotAFolder(root.to_path_buf())),
    }
    let mut files: Vec<(PathBuf, Option<String>)> = Vec::new();
    let mut skipped = Vec::new();
    let mut not_read = Vec::new();
    let mut skip = |path: PathBuf, reason: String| {
        skipped.push(Skipped {
            path,
            line: None,
            reason,
        })
    };
    let top = visible_entries(root).map_err(|e| CorpusError::Unreadable {
        path: root.to_path_buf(),
        reason: io_reason(root, &e),
    })?;
    for path in top {
        match Entry::of(&path) {
            Entry::Folder => {
                let label = path.file_name().map(|n| path_name(Path::new(n)));
                let inside = match visible_entries(&path) {
                    Ok(inside) => inside,
                    Err(e) => {
                        skip(path.clone(), format!("cannot list this label folder: {e}"));
                        continue;
                    }
                };
                for p in inside {
                    match Entry::of(&p) {
                        Entry::File if is_txt(&p) => files.push((p, label.clone())),
                        Entry::Folder => skip(p, NESTED_FOLDER.into()),
                        Entry::Bad(reason) => skip(p, reason),
                        Entry::File | Entry::Special => skip(p, NOT_TXT.into()),
                    }
                }
            }
            Entry::File if is_txt(&path) => files.push((path, None)),
            Entry::Bad(reason) => skip(path, reason),
            Entry::File | Entry::Special => not_read.push(path),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    not_read.sort();
    files.sort();
    Ok((files, skipped, not_read))
}

/// The entries of `dir` whose names do not start with `.` (`.DS_Store`, `.git`, editor files).
fn visible_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if !e.file_name().to_string_lossy().starts_with('.') {
            out.push(e.path());
        }
    }
    Ok(out)
}

fn is_txt(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}
