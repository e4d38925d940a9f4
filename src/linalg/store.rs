//! Rows of (column, count) pairs appended in order and read back by ranges of rows: kept in
//! memory, or, once they pass a memory budget, in a temporary file that the passes read from
//! (the page cache does the rest). This is where a corpus's counts live during training; it is
//! the only part of training that grows with the number of articles besides one LSA row each.

use std::borrow::Cow;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// How much memory the counts may take before they go to a temporary file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Bytes of (column, count) pairs kept in memory.
    pub bytes: u64,
    /// Where temporary files go.
    pub dir: PathBuf,
}

impl Default for Budget {
    /// A quarter of the machine's memory (at least 256 MiB), in the system's temporary folder.
    fn default() -> Self {
        Budget {
            bytes: (total_memory() / 4).max(256 << 20),
            dir: std::env::temp_dir(),
        }
    }
}

/// The machine's memory in bytes (Linux: `MemTotal`; 8 GiB when it cannot be read).
pub fn total_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024)
        })
        .unwrap_or(8 << 30)
}

/// Bytes of one stored pair.
const PAIR: u64 = 8;

/// A folder of this run's temporary files, removed when dropped (after success or an error);
/// folders that killed runs left behind are removed by the next run (its first store).
pub(crate) struct SpillDir {
    path: PathBuf,
}

const SPILL_PREFIX: &str = "tasnif-spill-";

impl SpillDir {
    pub(crate) fn new(parent: &Path) -> std::io::Result<SpillDir> {
        remove_stale(parent);
        for attempt in 0..100u32 {
            let path = parent.join(format!("{SPILL_PREFIX}{}-{attempt}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(SpillDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no free name for a temporary folder"))
    }

    pub(crate) fn file(&self, name: &str) -> std::io::Result<(std::fs::File, PathBuf)> {
        let path = self.path.join(name);
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok((f, path))
    }
}

impl Drop for SpillDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Removes the spill folders of runs that no longer exist (a kill -9 runs no destructor).
fn remove_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = (name.strip_prefix(SPILL_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

enum Storage {
    Memory(Vec<(u32, u32)>),
    File {
        file: std::fs::File,
        /// Pairs written so far.
        len: u64,
        writer: Option<std::io::BufWriter<std::fs::File>>,
    },
}

/// Rows of (column, count) pairs, in memory up to a budget, then in a temporary file.
pub(crate) struct PairRows {
    /// `ends[r]` is where row `r` ends among the pairs (it starts where `r - 1` ends).
    ends: Vec<u64>,
    storage: Storage,
    budget_pairs: u64,
    dir: Option<std::sync::Arc<SpillDir>>,
    spill_dir: PathBuf,
    name: &'static str,
}

impl PairRows {
    pub(crate) fn new(
        budget: &Budget,
        dir: Option<std::sync::Arc<SpillDir>>,
        name: &'static str,
    ) -> Self {
        // A run's first store: what killed runs left is removed now, whether or not this run
        // spills (most runs never do, and their leftovers can be gigabytes).
        if dir.is_none() {
            remove_stale(&budget.dir);
        }
        PairRows {
            ends: Vec::new(),
            storage: Storage::Memory(Vec::new()),
            budget_pairs: budget.bytes / PAIR,
            dir,
            spill_dir: budget.dir.clone(),
            name,
        }
    }

    pub(crate) fn n_rows(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn n_pairs(&self) -> u64 {
        self.ends.last().copied().unwrap_or(0)
    }

    /// Whether the pairs are in a temporary file.
    pub(crate) fn spilled(&self) -> bool {
        matches!(self.storage, Storage::File { .. })
    }

    /// The spill folder this store writes to (made on first need).
    pub(crate) fn spill_folder(&mut self) -> std::io::Result<std::sync::Arc<SpillDir>> {
        if self.dir.is_none() {
            self.dir = Some(std::sync::Arc::new(SpillDir::new(&self.spill_dir)?));
        }
        Ok(self.dir.clone().expect("made above"))
    }

    /// Appends rows: `ends[i]` is where row `i` ends in `pairs` (relative to `pairs`).
    pub(crate) fn push_rows(
        &mut self,
        ends: &[usize],
        pairs: &[(u32, u32)],
    ) -> std::io::Result<()> {
        let base = self.n_pairs();
        self.ends.extend(ends.iter().map(|&e| base + e as u64));
        if let Storage::Memory(v) = &self.storage
            && (v.len() + pairs.len()) as u64 > self.budget_pairs
        {
            self.spill()?;
        }
        match &mut self.storage {
            Storage::Memory(v) => v.extend_from_slice(pairs),
            Storage::File { len, writer, .. } => {
                let w = writer.as_mut().expect("still writing");
                write_pairs(w, pairs)?;
                *len += pairs.len() as u64;
            }
        }
        Ok(())
    }

    /// Moves the pairs held in memory to a temporary file; later rows go there too.
    fn spill(&mut self) -> std::io::Result<()> {
        let dir = self.spill_folder()?;
        let (file, _) = dir.file(self.name)?;
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, file.try_clone()?);
        let Storage::Memory(v) = std::mem::replace(&mut self.storage, Storage::Memory(Vec::new()))
        else {
            return Ok(());
        };
        write_pairs(&mut writer, &v)?;
        self.storage = Storage::File {
            file,
            len: v.len() as u64,
            writer: Some(writer),
        };
        Ok(())
    }

    /// Ends writing: what follows only reads.
    pub(crate) fn finish(&mut self) -> std::io::Result<()> {
        if let Storage::File { writer, .. } = &mut self.storage
            && let Some(mut w) = writer.take()
        {
            w.flush()?;
        }
        Ok(())
    }

    /// Rows `rows`: where each ends (relative to the first's start) and their pairs.
    pub(crate) fn rows(&self, rows: std::ops::Range<usize>) -> (Vec<u64>, Cow<'_, [(u32, u32)]>) {
        let start = if rows.start == 0 {
            0
        } else {
            self.ends[rows.start - 1]
        };
        let end = if rows.end == 0 {
            0
        } else {
            self.ends[rows.end - 1]
        };
        let ends = self.ends[rows].iter().map(|e| e - start).collect();
        let pairs = match &self.storage {
            Storage::Memory(v) => Cow::Borrowed(&v[start as usize..end as usize]),
            Storage::File { file, .. } => {
                let mut bytes = vec![0u8; ((end - start) * PAIR) as usize];
                file.read_exact_at(&mut bytes, start * PAIR)
                    .expect("a training run's own temporary file reads back");
                Cow::Owned(
                    bytes
                        .chunks_exact(8)
                        .map(|b| {
                            (
                                u32::from_le_bytes(b[..4].try_into().expect("4 bytes")),
                                u32::from_le_bytes(b[4..].try_into().expect("4 bytes")),
                            )
                        })
                        .collect(),
                )
            }
        };
        (ends, pairs)
    }

    /// Every row rewritten by `f` (which appends the new row's pairs to its output, never more
    /// than it was given), in row order; rows are rewritten in parallel, a batch at a time. In
    /// memory the pairs are rewritten in place (no second copy of the matrix); from a file they
    /// go to a new store under the same budget.
    pub(crate) fn rewrite(
        mut self,
        f: impl Fn(&[(u32, u32)], &mut Vec<(u32, u32)>) + Sync,
    ) -> std::io::Result<PairRows> {
        use rayon::prelude::*;
        const BATCH_ROWS: usize = 1 << 16;
        const PART_ROWS: usize = 2048;
        self.finish()?;
        let n = self.n_rows();
        // one batch of rows, rewritten in parallel parts: (ends relative to the batch, pairs)
        let rewrite_batch = |ends: &[u64], pairs: &[(u32, u32)]| -> Rewritten {
            let parts: Vec<Rewritten> = (0..ends.len().div_ceil(PART_ROWS))
                .into_par_iter()
                .map(|p| {
                    let rows = p * PART_ROWS..((p + 1) * PART_ROWS).min(ends.len());
                    let mut out = Vec::new();
                    let mut out_ends = Vec::with_capacity(rows.len());
                    for r in rows {
                        let start = if r == 0 { 0 } else { ends[r - 1] as usize };
                        f(&pairs[start..ends[r] as usize], &mut out);
                        out_ends.push(out.len());
                    }
                    (out_ends, out)
                })
                .collect();
            let mut ends = Vec::with_capacity(ends.len());
            let mut all = Vec::new();
            for (e, p) in parts {
                let base = all.len();
                ends.extend(e.into_iter().map(|e| base + e));
                all.extend(p);
            }
            (ends, all)
        };
        match self.storage {
            Storage::Memory(ref mut v) => {
                let old_ends = std::mem::take(&mut self.ends);
                let mut new_ends = Vec::with_capacity(n);
                let mut write = 0usize;
                for b0 in (0..n).step_by(BATCH_ROWS) {
                    let b1 = (b0 + BATCH_ROWS).min(n);
                    let start = if b0 == 0 {
                        0
                    } else {
                        old_ends[b0 - 1] as usize
                    };
                    let rel: Vec<u64> = old_ends[b0..b1].iter().map(|e| e - start as u64).collect();
                    let end = old_ends[b1 - 1] as usize;
                    let (ends, pairs) = rewrite_batch(&rel, &v[start..end]);
                    // the rewritten rows are no longer than the originals, and the write cursor
                    // never passes the read cursor
                    v[write..write + pairs.len()].copy_from_slice(&pairs);
                    new_ends.extend(ends.into_iter().map(|e| (write + e) as u64));
                    write += pairs.len();
                }
                v.truncate(write);
                v.shrink_to_fit();
                self.ends = new_ends;
                Ok(self)
            }
            Storage::File { .. } => {
                let budget = Budget {
                    bytes: self.budget_pairs * PAIR,
                    dir: self.spill_dir.clone(),
                };
                let mut out = PairRows::new(&budget, self.dir.clone(), "counts");
                for b0 in (0..n).step_by(BATCH_ROWS) {
                    let (ends, pairs) = self.rows(b0..(b0 + BATCH_ROWS).min(n));
                    let (ends, pairs) = rewrite_batch(&ends, &pairs);
                    out.push_rows(&ends, &pairs)?;
                }
                out.finish()?;
                Ok(out)
            }
        }
    }
}

/// Rows rewritten: where each ends, and their pairs.
type Rewritten = (Vec<usize>, Vec<(u32, u32)>);

fn write_pairs(w: &mut impl Write, pairs: &[(u32, u32)]) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(pairs.len() * 8);
    for &(a, b) in pairs {
        buf.extend_from_slice(&a.to_le_bytes());
        buf.extend_from_slice(&b.to_le_bytes());
    }
    w.write_all(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same rows read back alike from memory and from a spilled file, across the spill.
    #[test]
    fn rows_read_back_the_same_in_memory_or_spilled() {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<Vec<(u32, u32)>> = (0..500u32)
            .map(|r| (0..(r % 7)).map(|j| (r * 3 + j, j + 1)).collect())
            .collect();
        let fill = |budget: u64| {
            let b = Budget {
                bytes: budget,
                dir: dir.path().to_path_buf(),
            };
            let mut s = PairRows::new(&b, None, "pairs");
            for chunk in rows.chunks(37) {
                let mut ends = Vec::new();
                let mut pairs = Vec::new();
                for r in chunk {
                    pairs.extend_from_slice(r);
                    ends.push(pairs.len());
                }
                s.push_rows(&ends, &pairs).unwrap();
            }
            s.finish().unwrap();
            s
        };
        let memory = fill(1 << 30);
        let spilled = fill(100);
        assert!(!memory.spilled() && spilled.spilled());
        assert_eq!(memory.n_rows(), 500);
        for range in [0..500, 0..1, 13..14, 100..317, 499..500] {
            let (me, mp) = memory.rows(range.clone());
            let (se, sp) = spilled.rows(range.clone());
            assert_eq!((&me, &mp), (&se, &sp), "{range:?}");
            let mut start = 0;
            for (i, &e) in me.iter().enumerate() {
                assert_eq!(&mp[start as usize..e as usize], &rows[range.start + i][..]);
                start = e;
            }
        }
        // rewriting drops and reorders pairs alike in memory and from a file
        let keep_odd = |row: &[(u32, u32)], out: &mut Vec<(u32, u32)>| {
            let start = out.len();
            out.extend(
                row.iter()
                    .filter(|p| p.0 % 2 == 1)
                    .map(|&(c, n)| (10_000 - c, n)),
            );
            out[start..].sort_unstable();
        };
        let memory = memory.rewrite(keep_odd).unwrap();
        let spilled = spilled.rewrite(keep_odd).unwrap();
        assert_eq!(memory.rows(0..500), spilled.rows(0..500));
        let (ends, pairs) = memory.rows(0..500);
        let mut start = 0;
        for (r, &e) in ends.iter().enumerate() {
            let mut want: Vec<(u32, u32)> = (rows[r].iter())
                .filter(|p| p.0 % 2 == 1)
                .map(|&(c, n)| (10_000 - c, n))
                .collect();
            want.sort_unstable();
            assert_eq!(&pairs[start as usize..e as usize], &want[..]);
            start = e;
        }
        // the spill folder goes with the store
        drop(spilled);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    /// A killed run's spill folder (its process gone) is removed when the next run makes its
    /// own; a running process's folder, and anything else there, stays.
    #[test]
    fn the_next_run_removes_what_a_killed_run_left() {
        let parent = tempfile::tempdir().unwrap();
        // pid_max itself is never a process id
        let dead: u32 = std::fs::read_to_string("/proc/sys/kernel/pid_max")
            .map_or(4_194_304, |s| s.trim().parse().unwrap());
        let stale = parent.path().join(format!("{SPILL_PREFIX}{dead}-0"));
        let alive = parent.path().join(format!("{SPILL_PREFIX}1-0"));
        let other = parent.path().join("notes.txt");
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("terms"), b"counts").unwrap();
        std::fs::create_dir(&alive).unwrap();
        std::fs::write(&other, b"mine").unwrap();
        // a run that never spills removes it too
        let budget = Budget {
            bytes: 1 << 30,
            dir: parent.path().to_path_buf(),
        };
        let _rows = PairRows::new(&budget, None, "terms");
        assert!(!stale.exists(), "the killed run's folder is still there");
        std::fs::create_dir(&stale).unwrap();
        let dir = SpillDir::new(parent.path()).unwrap();
        assert!(!stale.exists(), "the killed run's folder is still there");
        assert!(alive.exists() && other.exists());
        let (_f, path) = dir.file("terms").unwrap();
        assert!(path.exists());
        drop(dir);
        assert!(!path.exists(), "this run's folder outlives it");
    }
}
