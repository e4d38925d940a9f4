//! Topic-model settings grid on a labelled corpus: NMI / ARI for each LSA dimension, k-means
//! restart floor and seed. Used to choose `TopicParams` defaults by measurement:
//!     cargo run --release -p tasnif-lab --bin topic_grid -- data 4
use tasnif::metrics::clustering::{ari, encode_labels, nmi};
use tasnif::topics::kmeans_runs;
use tasnif::vectorize::DocFreq;

fn main() -> tasnif::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let corpus = tasnif::Corpus::read(&args[1])?;
    let k: usize = args[2].parse().expect("k");
    let truth: Vec<&str> = (corpus.docs.iter())
        .map(|d| d.label.as_deref().unwrap_or(""))
        .collect();
    let (t, _) = encode_labels(&truth);
    for comps in [10usize, 20, 30, 50, 100] {
        // `n_runs` is a floor (`topics::kmeans_runs`); the row shows the runs actually made.
        for runs in [10usize, 200] {
            let mut row = Vec::new();
            let mut sum = 0.0;
            for seed in [42u64, 1, 2, 3, 4] {
                let mut p = tasnif::TopicParams::new().k(k).seed(seed);
                let knobs = p.lab();
                knobs.tfidf.max_df = DocFreq::Proportion(1.0);
                knobs.svd.n_components = comps;
                knobs.kmeans.n_runs = runs;
                *knobs.max_runs = runs.max(*knobs.max_runs);
                let labels = p.check()?.fit(&corpus)?.assignments;
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
    Ok(())
}
