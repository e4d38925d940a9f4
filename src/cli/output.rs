//! Printing: results on stdout (a reader that goes away ends the run quietly), skipped inputs
//! and notes on stderr.

use std::io::Write;
use tasnif::corpus::{self, Corpus, SHOWN, Skipped, path_name};

/// `println!` for results. A reader that stops early (`tasnif classify … | head`) ends the run
/// quietly with exit 0, as for other Unix filters; any other failure to write (a full disk) is
/// an error (exit 1). `println!` would panic in both cases.
macro_rules! outln {
    () => {
        $crate::cli::output::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for results, as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(format_args!($($arg)*))
    };
}

pub(crate) fn write_out(args: std::fmt::Arguments) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args) {
        stdout_failed(e);
    }
}

/// Ends the run after a failed write of results: quietly (0) when the reader went away.
pub(crate) fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(super::EXIT_OK.into());
    }
    eprintln!("tasnif: error: standard output: {e}");
    std::process::exit(super::EXIT_ERROR.into());
}

/// Flushes buffered results, ending the run as [`stdout_failed`] says when that fails.
pub(crate) fn flush(out: &mut impl Write) {
    if let Err(e) = out.flush() {
        stdout_failed(e);
    }
}

/// Skipped inputs reported on stderr for each reason: each of the first [`SHOWN`] with its
/// place, then one count. A wrong `--text-field` on a 29k-line file used to print 29k lines.
#[derive(Default)]
pub(crate) struct SkipReport {
    /// (reason, times seen), in order of first appearance
    seen: Vec<(String, usize)>,
}

impl SkipReport {
    /// How many inputs were skipped in all.
    pub(crate) fn total(&self) -> usize {
        self.seen.iter().map(|(_, n)| n).sum()
    }

    pub(crate) fn note(&mut self, place: &str, reason: &str) {
        self.note_at(place, None, reason);
    }

    pub(crate) fn note_at(&mut self, path: &str, line: Option<usize>, reason: &str) {
        let place = match line {
            Some(l) => format!("{path}:{l}"),
            None => path.to_string(),
        };
        let i = match self.seen.iter().position(|(r, _)| r == reason) {
            Some(i) => i,
            None => {
                self.seen.push((reason.to_string(), 0));
                self.seen.len() - 1
            }
        };
        self.seen[i].1 += 1;
        if self.seen[i].1 <= SHOWN {
            eprintln!("tasnif: skipped {place}: {reason}");
        }
    }

    pub(crate) fn note_all(&mut self, skipped: &[Skipped]) {
        for s in skipped {
            self.note_at(&path_name(&s.path), s.line, &s.reason);
        }
    }
}

impl Drop for SkipReport {
    /// The counts come last, whichever way the command ends.
    fn drop(&mut self) {
        for (reason, n) in &self.seen {
            if *n > SHOWN {
                eprintln!(
                    "tasnif: skipped {} more for the same reason: {reason}",
                    n - SHOWN
                );
            }
        }
    }
}

/// Prints what reading a corpus left to say: every skipped input, then the notes.
pub(crate) fn report_reading(corpus: &Corpus, skips: &mut SkipReport) {
    skips.note_all(&corpus.skipped);
    print_notes(&corpus.notes);
}

pub(crate) fn print_notes(notes: &[corpus::Note]) {
    for n in notes {
        eprintln!("tasnif: {n}");
    }
}
