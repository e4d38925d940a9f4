//! tasnif's lab: the experiments and evaluation tools behind the README's figures (one binary
//! each, `cargo run --release -p tasnif-lab --bin NAME`). They call the library's own pipeline,
//! with the `lab` feature's extra switches; nothing here is part of the product.
//!
//! What the topic tools (`cluster_eval`, `topic_words`) share: which corpus, which k, and the
//! balanced sample of it.

use std::collections::HashMap;
use std::path::PathBuf;

use rand::SeedableRng;
use tasnif::corpus::{CorpusError, Document, read_input};

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
    /// With `--per-label N`: draw the N documents of each label at random with this seed
    /// (kept in file order) instead of taking the first N.
    #[arg(long)]
    pub sample_seed: Option<u64>,
}

impl Sample {
    /// The labelled documents of the corpus, at most `per_label` of each label (the first ones,
    /// or a seeded random draw).
    pub fn read(&self) -> Result<Vec<Document>, CorpusError> {
        let mut docs: Vec<Document> = read_input(&self.corpus, &Default::default())?
            .docs
            .into_iter()
            .filter(|d| d.label.is_some())
            .collect();
        if let (n @ 1.., Some(seed)) = (self.per_label, self.sample_seed) {
            let mut by_label: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, d) in docs.iter().enumerate() {
                by_label
                    .entry(d.label.clone().unwrap_or_default())
                    .or_default()
                    .push(i);
            }
            let mut names: Vec<&String> = by_label.keys().collect();
            names.sort();
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut keep = vec![false; docs.len()];
            for name in names {
                let ids = &by_label[name];
                for j in rand::seq::index::sample(&mut rng, ids.len(), n.min(ids.len())) {
                    keep[ids[j]] = true;
                }
            }
            let mut it = keep.into_iter();
            docs.retain(|_| it.next().unwrap_or(false));
        } else if self.per_label > 0 {
            let mut seen: HashMap<String, usize> = HashMap::new();
            docs.retain(|d| {
                let c = seen.entry(d.label.clone().unwrap_or_default()).or_insert(0);
                *c += 1;
                *c <= self.per_label
            });
        }
        Ok(docs)
    }

    /// [`read`](Self::read) as a corpus the library trains on.
    pub fn corpus(&self) -> Result<tasnif::Corpus, CorpusError> {
        Ok(tasnif::Corpus::from_documents(self.read()?))
    }
}
