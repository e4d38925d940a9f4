//! `tasnif report MODEL [CORPUS] --out report.html`: one self-contained HTML file with inline SVG
//! charts (see [`tasnif::report`]).

use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use tasnif::model::ModelKind;
use tasnif::report::{self, ReportOptions};

use super::classify::load_classifier;
use super::eval::note_training_corpus;
use super::output::{SkipReport, flush};
use super::{FieldArgs, Outcome, exit_code, is_stdout, read_corpus, shown};

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// A model file written by `tasnif train`.
    model: PathBuf,
    /// A corpus to map (topic models) or evaluate on (supervised models).
    corpus: Option<PathBuf>,
    /// Where to write the HTML page, or - for standard output.
    #[arg(long, short, default_value = "report.html", value_name = "FILE")]
    out: PathBuf,
    /// Overwrite an existing file at --out
    #[arg(long)]
    force: bool,
    /// Most documents drawn on the document map (sampled evenly).
    #[arg(long, default_value_t = tasnif::report::MAX_MAP_DOCS)]
    max_docs: usize,
    #[command(flatten)]
    fields: FieldArgs,
    /// Only documents whose JSON Lines `source` is one of these (comma-separated), e.g. the
    /// outlets a supervised model was not trained on
    #[arg(long, value_delimiter = ',')]
    sources: Vec<String>,
    /// Print what was written as one JSON object (report, bytes, model, kind, corpus,
    /// documents, skipped) instead of the "wrote" line
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(a: &ReportArgs) -> Outcome {
    let to_stdout = is_stdout(&a.out);
    // before any work, and never over the model, the corpus or a device without --force
    if !to_stdout {
        tasnif::model::file::check_writable(&a.out, a.force)?;
    }
    let classifier = load_classifier(&a.model)?;
    let mut skips = SkipReport::default();
    let corpus = match &a.corpus {
        Some(p) => {
            let reader = a.fields.reader(&a.sources);
            let c = read_corpus(&reader, &[p], &tasnif::Silent, &mut skips)?;
            note_training_corpus(classifier.model(), p, &c);
            Some(c)
        }
        None => None,
    };
    let opts = ReportOptions {
        model_path: shown(&a.model),
        corpus_path: a.corpus.as_deref().map(shown),
        max_map_docs: a.max_docs,
        generated_on: tasnif::model::training_date(),
    };
    if let (Some(c), ModelKind::Supervised(_)) = (&corpus, &classifier.model().kind())
        && c.docs.iter().all(|d| d.label.is_none())
    {
        eprintln!(
            "tasnif: {}: no document has a label, so the report has no evaluation",
            opts.corpus_path.as_deref().unwrap_or_default()
        );
    }
    let html = report::render(&classifier, corpus.as_ref(), &opts);
    if to_stdout {
        let mut out = std::io::stdout().lock();
        if let Err(e) = out.write_all(html.as_bytes()) {
            super::output::stdout_failed(e);
        }
        flush(&mut out);
    } else {
        tasnif::model::file::write_bytes_atomic(&a.out, html.as_bytes(), a.force)?;
    }
    let skipped = skips.total();
    drop(skips);
    if a.json {
        // with --out -, the page is on stdout: the summary goes to stderr
        let summary = serde_json::json!({
            "report": a.out,
            "bytes": html.len(),
            "model": a.model,
            "kind": classifier.model().kind_name(),
            "corpus": a.corpus,
            "documents": corpus.as_ref().map(|c| c.docs.len()),
            "skipped": skipped,
        });
        if to_stdout {
            eprintln!("{summary}");
        } else {
            outln!("{summary}");
        }
    } else if !to_stdout {
        eprintln!("tasnif: wrote {}", shown(&a.out));
    }
    Ok(exit_code(skipped))
}
