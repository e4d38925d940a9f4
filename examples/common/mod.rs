//! What the topic examples (`cluster_eval`, `topic_words`) share: which corpus, which k, and
//! the balanced sample of it.

use std::collections::HashMap;
use std::path::PathBuf;

use tasnif::corpus::{CorpusError, Document, read_path};

#[derive(clap::Args)]
pub struct Sample {
    /// Folder-per-label corpus or JSONL file.
    #[arg(long)]
    pub corpus: PathBuf,
    #[arg(long)]
    pub k: usize,
    /// Keep the first N documents of every label (file order); 0 = all.
    #[arg(long, default_value_t = 0)]
    pub per_label: usize,
}

impl Sample {
    /// The labelled documents of the corpus, at most `per_label` of each label.
    pub fn read(&self) -> Result<Vec<Document>, CorpusError> {
        let mut docs: Vec<Document> = read_path(&self.corpus, &Default::default())?
            .docs
            .into_iter()
            .filter(|d| d.label.is_some())
            .collect();
        if self.per_label > 0 {
            let mut seen: HashMap<String, usize> = HashMap::new();
            docs.retain(|d| {
                let c = seen.entry(d.label.clone().unwrap_or_default()).or_insert(0);
                *c += 1;
                *c <= self.per_label
            });
        }
        Ok(docs)
    }
}
