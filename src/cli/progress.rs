//! indicatif progress bars for the library's [`Progress`] stages; hidden when stderr is not a
//! terminal (pipes, CI) or with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;
use tasnif::train::Progress;

pub struct Bars {
    visible: bool,
    bar: Mutex<Option<ProgressBar>>,
    /// With `--timings`: the current stage's name and start, printed to stderr when it ends.
    timings: Option<Mutex<Option<(String, Instant)>>>,
}

impl Bars {
    pub fn new(quiet: bool, timings: bool) -> Self {
        Bars {
            visible: !quiet && std::io::stderr().is_terminal(),
            bar: Mutex::new(None),
            timings: timings.then(|| Mutex::new(None)),
        }
    }

    /// Prints a step that happens outside the library's stages (reading, saving).
    pub fn timed(&self, name: &str, since: Instant) {
        if self.timings.is_some() {
            eprintln!("time {name:<28} {:>8.3} s", since.elapsed().as_secs_f64());
        }
    }
}

impl Progress for Bars {
    fn stage(&self, name: &str, total: u64) {
        if let Some(t) = &self.timings {
            *t.lock().expect("timings lock") = Some((name.to_string(), Instant::now()));
        }
        if !self.visible {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = if total > 1 {
            ProgressStyle::with_template("{msg:24} [{bar:40}] {pos}/{len} ({elapsed})")
        } else {
            ProgressStyle::with_template("{spinner} {msg:24} ({elapsed})")
        };
        bar.set_style(
            style
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(name.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        *self.bar.lock().expect("progress lock") = Some(bar);
    }

    fn advance(&self, n: u64) {
        if let Some(b) = self.bar.lock().expect("progress lock").as_ref() {
            b.inc(n);
        }
    }

    fn finish_stage(&self) {
        if let Some(b) = self.bar.lock().expect("progress lock").take() {
            b.finish_and_clear();
        }
        if let Some(t) = &self.timings
            && let Some((name, start)) = t.lock().expect("timings lock").take()
        {
            self.timed(&name, start);
        }
    }
}
