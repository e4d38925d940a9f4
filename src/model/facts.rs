//! How, when and on what a model was trained.

use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::corpus::Corpus;
use crate::supervised::SupervisedParams;
use crate::topics::TopicParams;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingFacts {
    /// The corpora trained on, as they were named (paths).
    pub corpora: Vec<String>,
    /// The outlets a sources filter kept (empty: every document).
    pub sources: Vec<String>,
    pub n_docs: usize,
    pub n_skipped: usize,
    /// UTC date (YYYY-MM-DD); honours `SOURCE_DATE_EPOCH` for reproducible builds.
    pub trained_on: String,
    pub seed: u64,
    pub tasnif_version: String,
    /// Every training parameter, as used (k-means restarts as many as were run).
    pub params: TrainedParams,
}

/// The parameters a model was trained with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainedParams {
    Topics(TopicParams),
    Supervised(SupervisedParams),
}

impl TrainingFacts {
    /// The facts of a model trained now on `n_docs` documents (the corpus named by the
    /// caller).
    pub(crate) fn now(n_docs: usize, seed: u64, params: TrainedParams) -> Self {
        TrainingFacts {
            corpora: Vec::new(),
            sources: Vec::new(),
            n_docs,
            n_skipped: 0,
            trained_on: training_date(),
            seed,
            tasnif_version: env!("CARGO_PKG_VERSION").to_string(),
            params,
        }
    }

    /// The training corpus in one line ([`crate::corpus::describe`]).
    pub fn corpus_name(&self) -> String {
        crate::corpus::describe(&self.corpora, &self.sources)
    }

    /// How many documents of `corpus`, read from `path`, come from this model's training
    /// corpus: the same input (by path), and, when training kept some outlets, of those
    /// outlets. Scores on them say how well a model fits, not how it does on new articles.
    pub fn trained_on_documents_of(&self, path: &Path, corpus: &Corpus) -> usize {
        let same = |trained: &String| match (Path::new(trained).canonicalize(), path.canonicalize())
        {
            (Ok(a), Ok(b)) => a == b,
            _ => Path::new(trained) == path,
        };
        if !self.corpora.iter().any(same) {
            return 0;
        }
        if self.sources.is_empty() || !corpus.docs.iter().any(|d| d.source.is_some()) {
            // no filter, or a corpus without sources, which the filter kept whole
            return corpus.docs.len();
        }
        (corpus.docs.iter())
            .filter(|d| (d.source.as_ref()).is_some_and(|s| self.sources.contains(s)))
            .count()
    }
}

/// Today's UTC date, or the date of `SOURCE_DATE_EPOCH` when set (reproducible builds), as
/// YYYY-MM-DD.
pub fn training_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    civil_date(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 → YYYY-MM-DD (Howard Hinnant's civil_from_days).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_416), "2025-11-24");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
