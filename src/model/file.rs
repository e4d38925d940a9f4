//! The model file container: magic, versions, length, body, checksum.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "TASNIFMD"
//! 8       2     format version (u16 LE)
//! 10      1     length n of the crate version string
//! 11      n     crate version that wrote the file (UTF-8, informational)
//! 11+n    8     body length b (u64 LE)
//! 19+n    b     body: bincode 2 (serde, standard config)
//! 19+n+b  4     CRC-32 (IEEE) of every byte before it
//! ```
//! Writes go to a temporary file in the target folder, are fsynced, then renamed over the target,
//! so a crash or kill never leaves a half-written model at the output path.

use serde::{Serialize, de::DeserializeOwned};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::corpus::path_name;

pub const MAGIC: &[u8; 8] = b"TASNIFMD";
/// Bumped whenever the body layout changes. v2: topic models carry their term mixture. v3:
/// typed training facts (the corpora, the outlets kept, the parameters as used) and topics
/// their user named.
pub const FORMAT_VERSION: u16 = 3;
/// Oldest format this version still reads (a v1 topic model has no mixture to classify by;
/// v2 is converted on load).
pub const OLDEST_READABLE: u16 = 2;
const HEADER_FIXED: usize = 8 + 2 + 1;
/// Most bytes the decoder may allocate for one body. A length field in a crafted body could
/// otherwise ask for gigabytes before decoding fails (found by fuzzing,
/// `fuzz/regressions/model_mutate-oom-bincode-3GB-alloc`). A full-ANT topic model needs < 200 MB.
const DECODE_LIMIT: usize = 1 << 30;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    #[error("{}: {source}", path_name(path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: the file is empty (zero bytes): it is not a model", path_name(.0))]
    Empty(PathBuf),
    #[error("{}: not a tasnif model file (wrong magic bytes)", path_name(.0))]
    WrongMagic(PathBuf),
    #[error(
        "{}: written by a newer tasnif ({writer}, model format v{found}); this tasnif {ours} reads up to v{FORMAT_VERSION}",
        path_name(path)
    )]
    FutureVersion {
        path: PathBuf,
        found: u16,
        writer: String,
        ours: &'static str,
    },
    #[error(
        "{}: model format v{found} (written by tasnif {writer}) is no longer supported (oldest readable: v{OLDEST_READABLE})",
        path_name(path)
    )]
    OlderVersion {
        path: PathBuf,
        found: u16,
        writer: String,
    },
    /// The checksum does not match: damaged in transit or on disk, or cut short.
    #[error("{}: the file is damaged: {damage}", path_name(path))]
    Damaged { path: PathBuf, damage: Damage },
    #[error(
        "{}: the model body cannot be decoded ({message}): the file is damaged or was not written by tasnif",
        path_name(path)
    )]
    Decode { path: PathBuf, message: String },
    #[error("{}: a file already exists there", path_name(.0))]
    Exists(PathBuf),
    #[error("{}: cannot write there: {why}", path_name(path))]
    NotWritable { path: PathBuf, why: String },
    #[error("cannot encode the model: {0}")]
    Encode(String),
}

/// What is wrong with a damaged model file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Damage {
    /// Every size agrees, but the bytes changed.
    Checksum,
    /// The file has `actual` bytes where its header promises `promised`.
    Sizes { actual: u64, promised: u64 },
    /// Too few bytes for a model's header.
    TooShort { actual: u64 },
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Damage::Checksum => write!(
                f,
                "its checksum does not match (its bytes changed in transit or on disk)"
            ),
            Damage::Sizes { actual, promised } => write!(
                f,
                "its checksum does not match, and it has {actual} bytes where its header \
                 promises {promised} (cut short, or its header damaged)"
            ),
            Damage::TooShort { actual } => write!(
                f,
                "it has {actual} bytes, too few for a model's header (cut short)"
            ),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ModelError + '_ {
    move |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Serialises `body` into the container format.
pub fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>, ModelError> {
    let payload = bincode::serde::encode_to_vec(body, bincode::config::standard())
        .map_err(|e| ModelError::Encode(e.to_string()))?;
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let mut out = Vec::with_capacity(payload.len() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.push(version.len() as u8);
    out.extend_from_slice(version);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// Checks and decodes container bytes of the current format; `path` only names the file in
/// errors.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], path: &Path) -> Result<T, ModelError> {
    let (version, body) = open(bytes, path)?;
    if version != FORMAT_VERSION {
        return Err(ModelError::Decode {
            path: path.to_path_buf(),
            message: format!("format v{version}, not v{FORMAT_VERSION}"),
        });
    }
    decode_body(body, path)
}

/// Checks the container around a model body and returns the format version and the body.
/// The checksum is verified before any header field is believed, so a damaged byte anywhere
/// (the version, a length) is reported as damage.
pub fn open<'a>(bytes: &'a [u8], path: &Path) -> Result<(u16, &'a [u8]), ModelError> {
    let p = || path.to_path_buf();
    if bytes.is_empty() {
        return Err(ModelError::Empty(p()));
    }
    if bytes.len() < MAGIC.len() || &bytes[..8] != MAGIC {
        return Err(ModelError::WrongMagic(p()));
    }
    let actual = bytes.len() as u64;
    // the size the header promises, if the header is all there
    let promised = || -> Option<u64> {
        let vlen = *bytes.get(10)? as usize;
        let len_at = HEADER_FIXED + vlen;
        let body_len = u64::from_le_bytes(bytes.get(len_at..len_at + 8)?.try_into().ok()?);
        Some(
            (len_at as u64 + 8)
                .saturating_add(body_len)
                .saturating_add(4),
        )
    };
    let damaged = || ModelError::Damaged {
        path: p(),
        damage: match promised() {
            None => Damage::TooShort { actual },
            Some(promised) if promised != actual => Damage::Sizes { actual, promised },
            Some(_) => Damage::Checksum,
        },
    };
    if bytes.len() < HEADER_FIXED + 8 + 4 {
        return Err(damaged());
    }
    let crc_at = bytes.len() - 4;
    let stored = u32::from_le_bytes(bytes[crc_at..].try_into().expect("4 bytes"));
    if crc32fast::hash(&bytes[..crc_at]) != stored {
        return Err(damaged());
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    let vlen = bytes[10] as usize;
    let len_at = HEADER_FIXED + vlen;
    if promised() != Some(actual) {
        // a consistent checksum over an inconsistent header: not written by tasnif
        return Err(ModelError::Decode {
            path: p(),
            message: "the header's lengths do not match the file".into(),
        });
    }
    let writer = String::from_utf8_lossy(&bytes[HEADER_FIXED..len_at]).into_owned();
    if version > FORMAT_VERSION {
        return Err(ModelError::FutureVersion {
            path: p(),
            found: version,
            writer,
            ours: env!("CARGO_PKG_VERSION"),
        });
    }
    if version < OLDEST_READABLE {
        return Err(ModelError::OlderVersion {
            path: p(),
            found: version,
            writer,
        });
    }
    let body_at = len_at + 8;
    Ok((version, &bytes[body_at..crc_at]))
}

/// Decodes a model body (bincode 2, standard configuration, at most `DECODE_LIMIT` bytes
/// allocated), all of it.
pub fn decode_body<T: DeserializeOwned>(body: &[u8], path: &Path) -> Result<T, ModelError> {
    let (value, used) = bincode::serde::decode_from_slice(
        body,
        bincode::config::standard().with_limit::<DECODE_LIMIT>(),
    )
    .map_err(|e| ModelError::Decode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if used != body.len() {
        return Err(ModelError::Decode {
            path: path.to_path_buf(),
            message: "trailing bytes after the body".into(),
        });
    }
    Ok(value)
}

/// Reads and checks a model file.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T, ModelError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    decode(&bytes, path)
}

/// Whether [`write_atomic`] can put a model at `path`: not over an existing file without
/// `force`, not over a folder or a special file (`/dev/null`: the rename would replace the
/// device), and only into a folder that exists. Checked before training too, so a long run does
/// not end on a typo in `--out`. Returns the path the model file will really take: through a
/// symbolic link, its target, so the link keeps pointing at the new model.
pub fn check_writable(path: &Path, force: bool) -> Result<PathBuf, ModelError> {
    let target = link_target(path);
    let not_writable = |why: &str| ModelError::NotWritable {
        path: path.to_path_buf(),
        why: why.into(),
    };
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => return Err(not_writable("it is a folder")),
        Ok(m) if !m.is_file() => {
            return Err(not_writable(
                "it is not a regular file (a device, pipe or socket); a model is written \
                 by renaming a new file over the path",
            ));
        }
        Ok(_) if !force => return Err(ModelError::Exists(path.to_path_buf())),
        _ => {}
    }
    let dir = parent_dir(&target);
    if !dir.is_dir() {
        return Err(ModelError::NotWritable {
            path: path.to_path_buf(),
            why: format!("the folder {} does not exist", path_name(&dir)),
        });
    }
    // A file can be made there (a read-only folder is found now, not after a long run).
    let probe = temp_path(&target);
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => {
            return Err(ModelError::NotWritable {
                path: path.to_path_buf(),
                why: format!(
                    "no file can be created in the folder {}: {e}",
                    path_name(&dir)
                ),
            });
        }
    }
    Ok(target)
}

/// The temporary file a model for `target` is written to before it is renamed into place:
/// `.NAME.PID.tasnif-tmp` beside it.
fn temp_path(target: &Path) -> PathBuf {
    parent_dir(target).join(format!(
        ".{}.{}{TEMP_SUFFIX}",
        file_name(target),
        std::process::id()
    ))
}

const TEMP_SUFFIX: &str = ".tasnif-tmp";

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into())
}

/// Removes the temporary files that runs killed while writing `target` left beside it: those
/// named for `target` whose process no longer runs (a kill -9 gives no chance to clean up).
fn remove_stale_temps(target: &Path) {
    let prefix = format!(".{}.", file_name(target));
    let Ok(entries) = std::fs::read_dir(parent_dir(target)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = (name.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_runs(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Whether process `pid` is running (Linux: its /proc entry exists; elsewhere assumed so).
fn process_runs(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// `path`, or where the chain of symbolic links starting at it ends (even if nothing is there).
fn link_target(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    // a cycle of links is left to the file system to refuse
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(t) => p = parent_dir(&p).join(t),
            Err(_) => break,
        }
    }
    p
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes a model atomically: temp file in the same folder, fsync, rename, fsync the folder.
/// Refuses what [`check_writable`] refuses (an existing file unless `force`).
pub fn write_atomic<T: Serialize>(path: &Path, body: &T, force: bool) -> Result<(), ModelError> {
    write_bytes_atomic(path, &encode(body)?, force)
}

/// [`write_atomic`] for bytes already encoded: any output that must never be left
/// half-written or replace what it should not (the HTML report).
pub fn write_bytes_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<(), ModelError> {
    let path = &check_writable(path, force)?;
    remove_stale_temps(path);
    let dir = parent_dir(path);
    let tmp = temp_path(path);
    // errors while writing the temporary file name the model's path: the user named that one
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(io(path))?;
        f.write_all(bytes).map_err(io(path))?;
        f.sync_all().map_err(io(path))?;
        drop(f);
        if !force && path.exists() {
            return Err(ModelError::Exists(path.to_path_buf()));
        }
        std::fs::rename(&tmp, path).map_err(io(path))?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Vec<(String, f64)> {
        vec![("طالبان".into(), 0.5), ("كابول".into(), 1.0 / 3.0)]
    }

    fn path() -> &'static Path {
        Path::new("m.tasnif")
    }

    #[test]
    fn round_trip_is_exact() {
        let bytes = encode(&body()).unwrap();
        assert_eq!(
            decode::<Vec<(String, f64)>>(&bytes, path()).unwrap(),
            body()
        );
        assert_eq!(encode(&body()).unwrap(), bytes, "encoding is deterministic");
    }

    #[test]
    fn every_kind_of_damage_is_named() {
        let bytes = encode(&body()).unwrap();
        let err = |b: &[u8]| decode::<Vec<(String, f64)>>(b, path()).unwrap_err();
        assert!(matches!(err(&[]), ModelError::Empty(_)));
        assert!(matches!(
            err(b"PK\x03\x04 zip file"),
            ModelError::WrongMagic(_)
        ));
        for cut in [9, 12, 20] {
            let e = err(&bytes[..cut]);
            assert!(
                matches!(
                    e,
                    ModelError::Damaged {
                        damage: Damage::TooShort { .. },
                        ..
                    }
                ),
                "cut at {cut}: {e}"
            );
        }
        let e = err(&bytes[..bytes.len() - 1]);
        assert!(
            matches!(
                e,
                ModelError::Damaged {
                    damage: Damage::Sizes { .. },
                    ..
                }
            ),
            "{e}"
        );
        for i in (MAGIC.len()..bytes.len()).step_by(3) {
            let mut b = bytes.clone();
            b[i] ^= 0x10;
            let e = err(&b);
            assert!(matches!(e, ModelError::Damaged { .. }), "flip at {i}: {e}");
        }
        // a header the checksum vouches for: a newer or a retired format
        let rewritten = |version: u16| {
            let mut b = bytes.clone();
            b[8..10].copy_from_slice(&version.to_le_bytes());
            let at = b.len() - 4;
            let crc = crc32fast::hash(&b[..at]);
            b[at..].copy_from_slice(&crc.to_le_bytes());
            b
        };
        assert!(matches!(
            err(&rewritten(99)),
            ModelError::FutureVersion { .. }
        ));
        assert!(matches!(
            err(&rewritten(0)),
            ModelError::OlderVersion { .. }
        ));
    }

    /// Regression (issue 20): a flipped version byte read as "written by a newer tasnif", and a
    /// flipped length byte as "truncated": both are damage, and say so.
    #[test]
    fn a_flipped_version_or_length_byte_reads_as_damage() {
        let bytes = encode(&body()).unwrap();
        let err = |b: &[u8]| decode::<Vec<(String, f64)>>(b, path()).unwrap_err();
        let mut version = bytes.clone();
        version[8] ^= 0x40;
        let e = err(&version).to_string();
        assert!(e.contains("damaged") && !e.contains("newer"), "{e}");
        let len_at = HEADER_FIXED + bytes[10] as usize;
        let mut length = bytes.clone();
        length[len_at] ^= 0x01;
        let e = err(&length).to_string();
        assert!(
            e.contains("damaged") && e.contains("cut short, or its header damaged"),
            "{e}"
        );
    }

    /// Regression (fuzz/regressions/model_mutate-oom-bincode-3GB-alloc): a body whose length
    /// field claims 2^40 elements must be refused, not allocated (8 TB would abort the process).
    #[test]
    fn a_huge_length_field_is_refused_without_allocating() {
        let mut bytes = encode(&vec![1.0f64]).unwrap();
        let body_at = HEADER_FIXED + bytes[10] as usize + 8;
        // bincode varint: 253 then a u64 length, followed by the one stored f64.
        let mut body = vec![253u8];
        body.extend_from_slice(&(1u64 << 40).to_le_bytes());
        body.extend_from_slice(&1.0f64.to_le_bytes());
        bytes.truncate(body_at);
        bytes[body_at - 8..].copy_from_slice(&(body.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&body);
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        let e = decode::<Vec<f64>>(&bytes, path()).unwrap_err();
        assert!(matches!(e, ModelError::Decode { .. }), "{e}");
    }

    #[test]
    fn atomic_write_refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.tasnif");
        write_atomic(&p, &body(), false).unwrap();
        assert!(matches!(
            write_atomic(&p, &body(), false),
            Err(ModelError::Exists(_))
        ));
        write_atomic(&p, &vec![("x".to_string(), 2.0)], true).unwrap();
        assert_eq!(read::<Vec<(String, f64)>>(&p).unwrap()[0].1, 2.0);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }
}
