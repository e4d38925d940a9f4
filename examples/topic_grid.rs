//! Topic-model settings grid on a labelled corpus: NMI / ARI for each TF-IDF setting and seed.
//! Used to choose `TopicParams` defaults by measurement:
//!     cargo run --release --example topic_grid -- data 4
use tasnif::corpus::{JsonlFields, read_path};
use tasnif::metrics::clustering::{ari, encode_labels, nmi};
use tasnif::train::{KChoice, Silent, TopicParams, kmeans_runs, train_topics};
use tasnif::vectorize::DocFreq;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus =
        read_path(std::path::Path::new(&args[1]), &JsonlFields::default()).expect("corpus");
    let k: usize = args[2].parse().expect("k");
    let truth: Vec<&str> = corpus
        .docs
        .iter()
        .map(|d| d.label.as_deref().unwrap_or(""))
        .collect();
    let (t, _) = encode_labels(&truth);
    for comps in [10usize, 20, 30, 50, 100] {
        // `n_runs` is a floor (`train::kmeans_runs`); the row shows the runs actually made.
        for runs in [10usize, 200] {
            let mut row = Vec::new();
            let mut sum = 0.0;
            for seed in [42u64, 1, 2, 3, 4] {
                let mut p = TopicParams::new(KChoice::Fixed(k), seed);
                p.tfidf.max_df = DocFreq::Proportion(1.0);
                p.svd.n_components = comps;
                p.kmeans.n_runs = runs;
                let (_, labels) = train_topics(&corpus, "x", &p, &Silent).expect("train");
                let v = nmi(&t, &labels);
                sum += v;
                row.push(format!("{:.3}/{:.3}", v, ari(&t, &labels)));
            }
            println!(
                "comps {comps:3} runs {:3}  mean NMI {:.3}  {}",
                kmeans_runs(corpus.docs.len(), runs),
                sum / 5.0,
                row.join("  ")
            );
        }
    }
}
