//! SIGKILL `tasnif train data --k 4 --out X` at many moments (issue 6). Afterwards X either does
//! not exist or loads (`tasnif topics X` exits 0), and a good model already at X is never damaged.
//! `Child::kill` sends SIGKILL on Unix: no handler runs, so only the atomic write protects X.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tasnif")
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn topics_ok(model: &Path) -> Result<(), String> {
    let out = Command::new(bin())
        .arg("topics")
        .arg(model)
        .output()
        .expect("run tasnif topics");
    if out.status.code() == Some(0) {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Starts a training run writing to `out` (with `--force` when a model is already there).
fn start(out: &Path, force: bool) -> std::process::Child {
    let mut cmd = Command::new(bin());
    cmd.args(["train"])
        .arg(data())
        .args(["--k", "4", "-q", "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if force {
        cmd.arg("--force");
    }
    cmd.spawn().expect("spawn tasnif train")
}

/// Files other than `keep` left in `dir` (a killed run may leave its temp file, never X itself).
fn leftovers(dir: &Path, keep: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != keep)
        .collect()
}

/// Kill delays in ms: early (start-up, reading), mid (analysis, SVD, k-means) and late, plus
/// points around the measured duration of a full run so the kill lands near the write.
fn delays(full: Duration) -> Vec<u64> {
    let full = full.as_millis() as u64;
    let mut d = vec![5, 20, 50, 100, 200, 400, 800, 1600];
    for pct in [50, 90, 97, 100, 103] {
        d.push(full * pct / 100);
    }
    d.sort();
    d.dedup();
    d
}

#[test]
fn killed_training_never_leaves_a_damaged_model() {
    let dir = tempfile::tempdir().unwrap();
    // A reference run: how long a full training takes here, and a good model to protect.
    let good = dir.path().join("good.tasnif");
    let t = Instant::now();
    let status = start(&good, false).wait().unwrap();
    let full = t.elapsed();
    assert!(status.success(), "reference training failed: {status:?}");
    topics_ok(&good).expect("reference model loads");
    let good_bytes = std::fs::read(&good).unwrap();
    println!("full training run: {full:?}");

    let mut fresh_written = 0;
    let mut replaced = 0;
    for ms in delays(full) {
        // 1. No model at X: afterwards X is absent or loads.
        let case = tempfile::tempdir().unwrap();
        let x = case.path().join("X.tasnif");
        let mut child = start(&x, false);
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill(); // Err only if it already exited.
        let status = child.wait().unwrap();
        if x.exists() {
            topics_ok(&x)
                .unwrap_or_else(|e| panic!("killed at {ms} ms ({status:?}): X is damaged: {e}"));
            fresh_written += 1;
        }
        for p in leftovers(case.path(), &x) {
            // Only the writer's temp file may be left by a kill; it is never the model path.
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                name.starts_with(".X.tasnif.") && name.ends_with(".tasnif-tmp"),
                "unexpected file {name} after a kill at {ms} ms"
            );
        }

        // 2. A good model at X, retrained with --force: X is the old model or a new one that loads.
        let case = tempfile::tempdir().unwrap();
        let x = case.path().join("X.tasnif");
        std::fs::write(&x, &good_bytes).unwrap();
        let mut child = start(&x, true);
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        assert!(
            x.exists(),
            "killed at {ms} ms: the existing model disappeared"
        );
        topics_ok(&x).unwrap_or_else(|e| {
            panic!("killed at {ms} ms ({status:?}): the existing model was damaged: {e}")
        });
        if std::fs::read(&x).unwrap() != good_bytes {
            replaced += 1;
        }

        // 3. A good model at X without --force: refused, untouched, whenever the kill lands.
        let mut child = start(&x, false);
        std::thread::sleep(Duration::from_millis(ms.min(200)));
        let _ = child.kill();
        child.wait().unwrap();
        topics_ok(&x).expect("model still loads");
    }
    println!(
        "kills: fresh model completed in {fresh_written} runs, existing model replaced by different bytes in {replaced} runs (training is deterministic, so a completed retrain usually writes identical bytes)"
    );
}

/// Regression (issue 20, litter): a run killed while saving left `.NAME.PID.tmp` files (8–37 MB)
/// that no later run removed. The next save to the same path removes the temporary files of
/// runs that no longer exist, and leaves those of a run that still does.
#[test]
fn a_save_killed_midway_leaves_no_litter_for_the_next_run() {
    let case = tempfile::tempdir().unwrap();
    let x = case.path().join("X.tasnif");
    // no process has this id (above the kernel's pid_max); this test's process runs
    let dead = case.path().join(".X.tasnif.4294967290.tasnif-tmp");
    let alive = case
        .path()
        .join(format!(".X.tasnif.{}.tasnif-tmp", std::process::id()));
    std::fs::write(&dead, vec![0u8; 1 << 20]).unwrap();
    std::fs::write(&alive, b"in use").unwrap();
    let out = std::process::Command::new(bin())
        .args(["train"])
        .arg(data())
        .args(["--k", "3", "--quiet", "--out"])
        .arg(&x)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !dead.exists(),
        "the killed run's temporary file is still there"
    );
    assert!(
        alive.exists(),
        "a running process's temporary file was removed"
    );
    assert!(topics_ok(&x).is_ok());
}
