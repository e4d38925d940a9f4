//! indicatif progress bars for the library's [`Progress`] stages: a bar when the stage says how
//! many items it has, a spinner otherwise. Hidden when stderr is not a terminal (pipes, CI) or
//! with `--quiet`; `--timings` prints each stage's wall time when it ends.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;
use tasnif::progress::{Progress, Stage};

pub struct Bars {
    visible: bool,
    timings: bool,
    current: Mutex<Option<Current>>,
}

struct Current {
    stage: Stage,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Bars {
    pub fn new(quiet: bool, timings: bool) -> Self {
        Bars {
            visible: !quiet && std::io::stderr().is_terminal(),
            timings,
            current: Mutex::new(None),
        }
    }

    /// Runs `f` as `stage` (for work outside the library's stages, such as saving).
    pub fn stage<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        self.start(stage, 0);
        let out = f();
        self.finish();
        out
    }
}

impl Progress for Bars {
    fn start(&self, stage: Stage, total: u64) {
        let bar = self.visible.then(|| {
            let bar = ProgressBar::with_draw_target(
                (total > 0).then_some(total),
                ProgressDrawTarget::stderr(),
            );
            let style = if total > 0 {
                ProgressStyle::with_template("{msg:26} [{bar:40}] {pos}/{len} ({elapsed})")
            } else {
                ProgressStyle::with_template("{spinner} {msg:26} ({elapsed})")
            };
            bar.set_style(
                style
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(stage.name());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        *self.current.lock().expect("progress lock") = Some(Current {
            stage,
            started: Instant::now(),
            bar,
        });
    }

    fn advance(&self, n: u64) {
        if let Some(Current { bar: Some(b), .. }) =
            self.current.lock().expect("progress lock").as_ref()
        {
            // a stage without a total that counts (reading: documents) shows its count from
            // its first item on; one that never counts keeps the bare spinner
            if b.length().is_none()
                && b.position() == 0
                && n > 0
                && let Ok(style) =
                    ProgressStyle::with_template("{spinner} {msg:26} {human_pos} ({elapsed})")
            {
                b.set_style(style);
            }
            b.inc(n);
        }
    }

    fn finish(&self) {
        let Some(current) = self.current.lock().expect("progress lock").take() else {
            return;
        };
        if let Some(b) = current.bar {
            b.finish_and_clear();
        }
        if self.timings {
            eprintln!(
                "time {:<28} {:>8.3} s",
                current.stage.name(),
                current.started.elapsed().as_secs_f64()
            );
        }
    }
}
