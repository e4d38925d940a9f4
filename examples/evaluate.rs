//! Train a classifier on some outlets of a labelled JSON Lines corpus and evaluate it on the
//! others: the classification report `tasnif eval` prints.
//!
//! ```text
//! cargo run --release --example evaluate -- ../shared/corpora/ant-multisource/ant-multisource.jsonl
//! ```

use tasnif::metrics::evaluation::Scores;

fn main() -> tasnif::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "data".into());
    let read = |sources: &[&str]| {
        tasnif::CorpusReader::new()
            .sources(sources.iter().copied())
            .read(&path)
    };
    // ANT's outlet split when the corpus has sources; otherwise the corpus scored on itself
    let (train, test) = match (
        read(&["skynews", "alarabia"]),
        read(&["BBC", "CNN", "france24"]),
    ) {
        (Ok(train), Ok(test)) => (train, test),
        _ => (tasnif::Corpus::read(&path)?, tasnif::Corpus::read(&path)?),
    };
    let model = tasnif::SupervisedParams::new().check()?.fit(&train)?.model;
    let classifier = tasnif::Classifier::new(model)?;
    let evaluation = tasnif::evaluate(&classifier, &test)?;
    if let Scores::Supervised { report, .. } = &evaluation.scores {
        println!("{}", report.to_text(3));
    }
    println!("{}", evaluation.summary());
    Ok(())
}
