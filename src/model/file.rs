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

pub const MAGIC: &[u8; 8] = b"TASNIFMD";
/// Bumped whenever the body layout changes. v2: topic models carry their term mixture.
pub const FORMAT_VERSION: u16 = 2;
/// Oldest format this version still reads (a v1 topic model has no mixture to classify by).
pub const OLDEST_READABLE: u16 = 2;
const HEADER_FIXED: usize = 8 + 2 + 1;
/// Most bytes the decoder may allocate for one body. A length field in a crafted body could
/// otherwise ask for gigabytes before decoding fails (found by fuzzing,
/// `fuzz/regressions/model_mutate-oom-bincode-3GB-alloc`). A full-ANT topic model needs < 200 MB.
const DECODE_LIMIT: usize = 1 << 30;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: the file is empty (zero bytes): it is not a model; retrain with `tasnif train`")]
    Empty(PathBuf),
    #[error(
        "{0}: not a tasnif model file (wrong magic bytes): pass a model written by `tasnif train`"
    )]
    WrongMagic(PathBuf),
    #[error(
        "{path}: written by a newer tasnif ({writer}, model format v{found}); this tasnif {ours} reads up to v{FORMAT_VERSION}: upgrade tasnif"
    )]
    FutureVersion {
        path: PathBuf,
        found: u16,
        writer: String,
        ours: &'static str,
    },
    #[error(
        "{path}: model format v{found} (written by tasnif {writer}) is no longer supported (oldest readable: v{OLDEST_READABLE}): retrain it with `tasnif train`"
    )]
    OlderVersion {
        path: PathBuf,
        found: u16,
        writer: String,
    },
    #[error(
        "{path}: the file is truncated ({actual} bytes, its header promises {expected}): copy it again or retrain"
    )]
    Truncated {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    #[error(
        "{path}: checksum mismatch: the file was damaged (in transit or on disk): copy it again or retrain"
    )]
    Corrupt { path: PathBuf },
    #[error(
        "{path}: the model body cannot be decoded ({message}): the file is damaged or was not written by tasnif"
    )]
    Decode { path: PathBuf, message: String },
    #[error("{0}: a file already exists there; pass --force to overwrite it")]
    Exists(PathBuf),
    #[error("{path}: cannot write there: {why}")]
    NotWritable { path: PathBuf, why: String },
    #[error("cannot encode the model: {0}")]
    Encode(String),
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

/// Checks and decodes container bytes; `path` only names the file in errors.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], path: &Path) -> Result<T, ModelError> {
    let p = || path.to_path_buf();
    if bytes.is_empty() {
        return Err(ModelError::Empty(p()));
    }
    if bytes.len() < MAGIC.len() || &bytes[..8] != MAGIC {
        return Err(ModelError::WrongMagic(p()));
    }
    let truncated = |expected: u64| ModelError::Truncated {
        path: p(),
        expected,
        actual: bytes.len() as u64,
    };
    if bytes.len() < HEADER_FIXED {
        return Err(truncated(HEADER_FIXED as u64 + 12));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    let vlen = bytes[10] as usize;
    let len_at = HEADER_FIXED + vlen;
    if bytes.len() < len_at + 8 {
        return Err(truncated((len_at + 12) as u64));
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
    let body_len = u64::from_le_bytes(bytes[len_at..len_at + 8].try_into().expect("8 bytes"));
    let body_at = len_at + 8;
    let expected = (body_at as u64).saturating_add(body_len).saturating_add(4);
    if (bytes.len() as u64) < expected {
        return Err(truncated(expected));
    }
    if (bytes.len() as u64) > expected {
        return Err(ModelError::Corrupt { path: p() });
    }
    let crc_at = bytes.len() - 4;
    let stored = u32::from_le_bytes(bytes[crc_at..].try_into().expect("4 bytes"));
    if crc32fast::hash(&bytes[..crc_at]) != stored {
        return Err(ModelError::Corrupt { path: p() });
    }
    let (body, used) = bincode::serde::decode_from_slice(
        &bytes[body_at..crc_at],
        bincode::config::standard().with_limit::<DECODE_LIMIT>(),
    )
    .map_err(|e| ModelError::Decode {
        path: p(),
        message: e.to_string(),
    })?;
    if used != crc_at - body_at {
        return Err(ModelError::Decode {
            path: p(),
            message: "trailing bytes after the body".into(),
        });
    }
    Ok(body)
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
            why: format!("the folder {} does not exist", dir.display()),
        });
    }
    Ok(target)
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
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
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
        for cut in [9, 12, 20, bytes.len() - 1] {
            assert!(
                matches!(err(&bytes[..cut]), ModelError::Truncated { .. }),
                "cut at {cut}: {}",
                err(&bytes[..cut])
            );
        }
        for i in (MAGIC.len() + 3..bytes.len()).step_by(3) {
            let mut b = bytes.clone();
            b[i] ^= 0x10;
            let e = err(&b);
            assert!(
                matches!(e, ModelError::Corrupt { .. } | ModelError::Truncated { .. }),
                "flip at {i}: {e}"
            );
        }
        let mut future = bytes.clone();
        future[8] = 99;
        assert!(err(&future).to_string().contains("newer tasnif"));
        let mut old = bytes.clone();
        old[8] = 0;
        assert!(err(&old).to_string().contains("retrain"));
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
