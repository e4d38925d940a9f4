//! Named topics measured: seed words guiding k-means against no guidance, and against the seed
//! words alone as a keyword rule.
//!
//! ```text
//! cargo run --release -p tasnif-lab --bin guided_eval -- \
//!     --corpus ../shared/corpora/ant-multisource/ant-multisource.jsonl --k 6 \
//!     --per-label 1000 --sample-seed 7 --topics lab/seeds/ant-four.toml --seeds 42,1,2
//! ```
//! The balanced sample is cut 80 / 20 by a hash of each article's id. On the 80 %, the topic
//! model is trained with and without the named topics (same k, same seed); every model
//! is scored by NMI against the labels on the training articles and on the held-out ones.
//! On the held-out articles of each named label:
//! - `right`: the share placed in the topic of that label (guided: the named topic; unguided:
//!   the topic the best one-to-one topic → label mapping on the training articles gives it),
//!   over all of them and over those containing none of the label's seed words (after
//!   analysis: any spelling);
//! - `pulled`: of the held-out articles of *other* labels that contain one of the label's seed
//!   words, the share placed in its topic (a passing mention should not pull an article in);
//! - the keyword rule: an article goes to the named label whose seed words it holds most often
//!   (none: no label), scored the same way.

use std::collections::{HashMap, HashSet};

use clap::Parser;
use tasnif::metrics::clustering::{best_mapping, encode_labels, nmi};
use tasnif::text::Analyzer;
use tasnif::topics::NamedTopic;
use tasnif::{Classifier, Corpus, Document, TopicParams};
use tasnif_lab::Sample;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    sample: Sample,
    /// The named topics (their names are corpus labels).
    #[arg(long)]
    topics: std::path::PathBuf,
    /// Training seeds, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "42")]
    seeds: Vec<u64>,
}

/// FNV-1a of the id: the 80 / 20 cut, the same in every run.
fn held_out(id: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    h.is_multiple_of(5)
}

struct Scores {
    nmi_train: f64,
    nmi_held: f64,
    /// per named label: (right of all, all, right of those without seeds, without seeds,
    /// pulled, mentioning)
    per_label: Vec<[usize; 6]>,
}

fn main() {
    let a = Args::parse();
    let named = NamedTopic::read_file(&a.topics).unwrap_or_else(|e| panic!("{e}"));
    let docs = a.sample.read().unwrap_or_else(|e| panic!("{e}"));
    let (held, train): (Vec<Document>, Vec<Document>) =
        docs.into_iter().partition(|d| held_out(&d.id));
    let analyzer = Analyzer::new(Default::default()).unwrap();
    let seed_terms: Vec<HashSet<String>> = (named.iter())
        .map(|t| t.seeds.iter().flat_map(|s| analyzer.terms(s)).collect())
        .collect();
    let held_terms: Vec<Vec<String>> = held.iter().map(|d| analyzer.terms(&d.text)).collect();
    // seed-word occurrences of every held-out article, per named topic
    let hits: Vec<Vec<usize>> = (held_terms.iter())
        .map(|terms| {
            (seed_terms.iter())
                .map(|s| terms.iter().filter(|t| s.contains(*t)).count())
                .collect()
        })
        .collect();
    let label_of = |d: &Document| d.label.clone().unwrap_or_default();
    let named_index: HashMap<&str, usize> = (named.iter().enumerate())
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    println!(
        "{} training and {} held-out articles, k = {}, named: {}",
        train.len(),
        held.len(),
        a.sample.k,
        named
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );

    // per named topic j: which held-out placement counts as right, given a topic of each article
    let score = |placed: &[Option<usize>]| -> Vec<[usize; 6]> {
        (0..named.len())
            .map(|j| {
                let mut s = [0usize; 6];
                for (i, d) in held.iter().enumerate() {
                    let own = named_index.get(label_of(d).as_str()) == Some(&j);
                    let here = placed[i] == Some(j);
                    if own {
                        s[0] += usize::from(here);
                        s[1] += 1;
                        if hits[i][j] == 0 {
                            s[2] += usize::from(here);
                            s[3] += 1;
                        }
                    } else if hits[i][j] > 0 {
                        s[4] += usize::from(here);
                        s[5] += 1;
                    }
                }
                s
            })
            .collect()
    };

    let train_corpus = Corpus::from_documents(train.clone());
    let truth_train: Vec<String> = train.iter().map(label_of).collect();
    let truth_held: Vec<String> = held.iter().map(label_of).collect();
    let run = |guided: bool, seed: u64| -> Scores {
        let mut p = TopicParams::new().k(a.sample.k).seed(seed);
        if guided {
            p = p.named(named.clone());
        }
        let fit = p
            .check()
            .unwrap()
            .fit(&train_corpus)
            .unwrap_or_else(|e| panic!("{e}"));
        let (t, _) = encode_labels(&truth_train);
        let nmi_train = nmi(&t, &fit.assignments);
        let classifier = Classifier::new(fit.model).unwrap();
        let pred: Vec<usize> = (held.iter())
            .map(|d| {
                classifier
                    .classify(&d.id, &d.text)
                    .map_or(usize::MAX, |c| c.class)
            })
            .collect();
        let (h, labels) = encode_labels(&truth_held);
        let nmi_held = nmi(&h, &pred);
        // the topic standing for each named label
        let topic_of: Vec<Option<usize>> = if guided {
            (0..named.len()).map(Some).collect()
        } else {
            let (mapping, _) = best_mapping(&t, &fit.assignments);
            let (_, train_labels) = encode_labels(&truth_train);
            (named.iter())
                .map(|n| {
                    let l = train_labels.iter().position(|x| *x == n.name)?;
                    mapping.iter().position(|m| *m == Some(l))
                })
                .collect()
        };
        let _ = labels;
        let placed: Vec<Option<usize>> = (pred.iter())
            .map(|&p| topic_of.iter().position(|t| *t == Some(p)))
            .collect();
        Scores {
            nmi_train,
            nmi_held,
            per_label: score(&placed),
        }
    };
    let keyword: Vec<Option<usize>> = (hits.iter())
        .map(|h| {
            let best = *h.iter().max()?;
            (best > 0 && h.iter().filter(|&&x| x == best).count() == 1)
                .then(|| h.iter().position(|&x| x == best))
                .flatten()
        })
        .collect();
    let kw = score(&keyword);

    let pct = |a: usize, b: usize| {
        if b == 0 {
            "   -  ".to_string()
        } else {
            format!("{:5.1}%", 100.0 * a as f64 / b as f64)
        }
    };
    let line = |name: &str, s: &[[usize; 6]]| {
        let sum = |i: usize| s.iter().map(|x| x[i]).sum::<usize>();
        println!(
            "  {name:<22} right {} ({}/{})  right without seed words {} ({}/{})  pulled in by a mention {} ({}/{})",
            pct(sum(0), sum(1)),
            sum(0),
            sum(1),
            pct(sum(2), sum(3)),
            sum(2),
            sum(3),
            pct(sum(4), sum(5)),
            sum(4),
            sum(5)
        );
    };
    println!("keyword rule (the seed words alone):");
    line("all named labels", &kw);
    for (j, t) in named.iter().enumerate() {
        line(&t.name, &kw[j..=j]);
    }
    for &seed in &a.seeds {
        let plain = run(false, seed);
        let guided = run(true, seed);
        println!(
            "seed {seed}: NMI train {:.3} → {:.3} guided, held-out {:.3} → {:.3} guided",
            plain.nmi_train, guided.nmi_train, plain.nmi_held, guided.nmi_held
        );
        println!(" unguided (topic of each label by the best mapping on the training articles):");
        line("all named labels", &plain.per_label);
        println!(" guided:");
        line("all named labels", &guided.per_label);
        for (j, t) in named.iter().enumerate() {
            line(&t.name, &guided.per_label[j..=j]);
        }
    }
}
