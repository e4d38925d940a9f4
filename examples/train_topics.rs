//! Discover topics in a corpus (a folder with one sub-folder per label, or a JSON Lines file),
//! print them, and save the model.
//!
//! ```text
//! cargo run --release --example train_topics -- data 4 /tmp/topics.tasnif
//! ```

fn main() -> tasnif::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let corpus_path = args.first().map_or("data", String::as_str);
    let k = args.get(1).and_then(|k| k.parse().ok()).unwrap_or(4);
    let out = args.get(2).map_or("topics.tasnif", String::as_str);

    let corpus = tasnif::Corpus::read(corpus_path)?;
    for skipped in &corpus.skipped {
        eprintln!("skipped {skipped}");
    }
    let fit = tasnif::TopicParams::new().k(k).check()?.fit(&corpus)?;
    for topic in fit.model.topics().unwrap_or_default() {
        let words: Vec<&str> = topic.top_terms.iter().map(|t| t.word.as_str()).collect();
        println!(
            "{} ({} articles): {}",
            topic.name,
            topic.size,
            words.join("، ")
        );
    }
    fit.model.save(out, true)?;
    println!("saved {out}");
    Ok(())
}
