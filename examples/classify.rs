//! Classify a text with a saved model: the label (or topic), its score and the words behind it.
//!
//! ```text
//! cargo run --example classify -- models/topics.tasnif "وصل وفد من حركة طالبان إلى موسكو"
//! ```

fn main() -> tasnif::Result<()> {
    let mut args = std::env::args().skip(1);
    let model = args.next().unwrap_or_else(|| "models/topics.tasnif".into());
    let text: String = args.collect::<Vec<_>>().join(" ");
    let classifier = tasnif::Classifier::load(&model)?;
    let c = classifier.classify("text", &text)?;
    let words: Vec<&str> = c.evidence.iter().map(|e| e.word.as_str()).collect();
    println!("{}\t{:.3}\t{}", c.label, c.score, words.join("، "));
    Ok(())
}
