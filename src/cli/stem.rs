//! `tasnif stem [FILE | -]`: each token of a text with its stem.

use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use tasnif::corpus;
use tasnif::text::{Analyzer, AnalyzerConfig};

use super::output::stdout_failed;
use super::{EXIT_OK, Failure, Outcome, shown};

#[derive(Args)]
pub(crate) struct StemArgs {
    /// A text file, or - for standard input.
    #[arg(default_value = "-", value_name = "FILE")]
    input: PathBuf,
    /// Print word<TAB>stem lines.
    #[arg(long)]
    tsv: bool,
    /// One JSON object per token (word, stem, byte offsets) instead of text
    #[arg(long)]
    json: bool,
}

fn read_text(input: &Path) -> Result<String, Failure> {
    if input == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Failure(format!("-: {e}")))?;
        corpus::decode(&buf).map_err(|e| Failure(format!("-: {e}")))
    } else {
        corpus::read_text_file(input).map_err(|e| Failure(format!("{}: {e}", shown(input))))
    }
}

pub(crate) fn run(a: &StemArgs) -> Outcome {
    let text = read_text(&a.input)?;
    let analyzer = Analyzer::new(AnalyzerConfig {
        stopwords: tasnif::text::stopwords::StopwordsConfig::None,
        keep_numbers: true,
        ..Default::default()
    })
    .map_err(|e| Failure(e.to_string()))?;
    // printed as they come, buffered: a large file is not held twice as rows in memory
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = None;
    analyzer.for_each_token(&text, |t| {
        if failed.is_some() {
            return;
        }
        let word = &text[t.start..t.end];
        let written = if a.json {
            let row =
                serde_json::json!({"word": word, "stem": t.term, "start": t.start, "end": t.end});
            writeln!(out, "{row}")
        } else if a.tsv {
            writeln!(out, "{word}\t{}", t.term)
        } else {
            writeln!(out, "{word} → {}", t.term)
        };
        failed = written.err();
    });
    if let Some(e) = failed.or_else(|| out.flush().err()) {
        stdout_failed(e);
    }
    Ok(EXIT_OK)
}
