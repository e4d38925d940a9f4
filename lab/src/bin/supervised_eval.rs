//! Supervised evaluation on the ANT outlet split (train: skynews + alarabia; test: BBC, CNN,
//! france24), printing one JSON object on stdout:
//! `{"macro_f1", "accuracy", "train_seconds", "predict_articles_per_s", "latency_ms_median", ...}`.
//!
//! ```text
//! cargo run --release -p tasnif-lab --bin supervised_eval -- [--corpus PATH] [--validate] [--train-only]
//!     [--c 0.1] [--sublinear true] [--min-df 5] [--max-df 1.0] [--ngram-max 2] [--balanced true]
//!     [--nb 4] [--pooled reliable|drop|exclude|off] [--loss l2|l1|lr] [--nb-beta 1]
//!     [--balance-power 1] [--use-idf true] [--title-repeat 1] [--char-weight 0]
//! ```
//! The defaults are those of `SupervisedParams::new` (`--loss lr --c 1 --min-df 2` is the
//! best-validated setting, not shipped for its model size; with `--nb 0 --pooled off
//! --ngram-max 1` the earlier plain SVM). `--validate` selects hyper-parameters without touching the test
//! outlets, for every combination of the comma-separated values given (e.g.
//! `--c 0.05,0.1,0.3`), printing one JSON line per setting with three scores, all inside the
//! training outlets: "val_macro_f1" (cross-outlet: train on one training outlet, score the
//! other, both directions, over the labels both have), "mixed_macro_f1" (one outlet whole plus
//! the earlier 70% by date of the other, scored on that other's later 30%, both ways: the only
//! folds that score middleEast vs internationalNews, as middleEast is skynews-only), and a
//! "confounded" score (each shared label seen from one outlet only in training, scored on the
//! other) that exposes a model taking house style for label evidence. The adopted setting
//! maximises the mean of the first two. `--train-only` times training on the training outlets
//! and stops before the test outlets. `--outlet-ratio 0,5,10` tries dropping outlet-marking
//! terms (see `outlet_mask`); on ANT it moved the confounded score by < 0.003, so it is off.
//!
//! "train_seconds" is end to end from raw text: analysis + TF-IDF fit + classifier fit (+ the
//! calibration refit). "predict_articles_per_s" is batch throughput from raw text over all test
//! articles (analysis + TF-IDF transform + predict); "latency_ms_*" is one article at a time.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use tasnif::corpus::{Document, JsonlFields, read_jsonl};
use tasnif::linalg::CsrMatrix;
use tasnif::metrics::classification::ClassificationReport;
use tasnif::supervised::{ClassWeight, LinearSvcParams, Loss, Pooling, ValidLinearSvcParams};
use tasnif::text::analyzer::{Analyzer, AnalyzerConfig};
use tasnif::vectorize::{DocFreq, TfidfParams, TfidfVectorizer, ValidTfidfParams};

const TRAIN: [&str; 2] = ["skynews", "alarabia"];
const TEST: [&str; 3] = ["BBC", "CNN", "france24"];

/// TF-IDF settings explored here, mapped onto [`TfidfParams`] (scikit-learn semantics).
#[derive(Clone, Debug, serde::Serialize)]
struct Tfidf {
    sublinear_tf: bool,
    min_df: usize,
    max_df: f64,
    ngram_max: usize,
    use_idf: bool,
}

impl Tfidf {
    fn params(&self) -> ValidTfidfParams {
        TfidfParams {
            sublinear_tf: self.sublinear_tf,
            min_df: DocFreq::Count(self.min_df),
            max_df: DocFreq::Proportion(self.max_df),
            ngram_range: (1, self.ngram_max),
            use_idf: self.use_idf,
            ..TfidfParams::default()
        }
        .check()
        .expect("valid TF-IDF parameters")
    }
}

fn fit_tfidf(t: &Tfidf, docs: &[Vec<String>]) -> (TfidfVectorizer, CsrMatrix) {
    (t.params()).fit_transform(docs).expect("TF-IDF fit")
}

#[derive(Clone, Debug, serde::Serialize)]
struct Setting {
    tfidf: Tfidf,
    c: f64,
    balanced: bool,
    /// See [`outlet_mask`]; 0 = off.
    outlet_ratio: f64,
    /// Source-aware one-vs-rest ([`LinearSvcParams::fit_pooled`]): a class's problem leaves
    /// out the rows of training outlets that never use the label.
    pooled: Pool,
    /// NBSVM log-count-ratio smoothing (`LinearSvcParams::nb_smoothing`); 0 = off.
    nb: f64,
    /// `l2` squared hinge, `l1` hinge (`LinearSvcParams::loss`).
    loss: String,
    /// NBSVM interpolation β (`LinearSvcParams::nb_interpolation`); 1 = off.
    nb_beta: f64,
    /// Class weights `(n / (k·n_c))^p` from the fold's training labels: 1 = balanced,
    /// 0 = uniform (only with `balanced`).
    balance_power: f64,
    /// Experiment: weight of a second block of within-word character n-gram features
    /// (lengths `CHAR_NGRAMS`, of each kept token's normalised form padded with spaces), added
    /// beside the word features with rows re-normalised; 0 = words only.
    char_weight: f64,
}

/// The analysed documents of a validation run: word terms, and character n-grams (empty
/// unless a `--char-weight` above 0 is tried).
struct Terms {
    words: Vec<Vec<String>>,
    chars: Vec<Vec<String>>,
}

/// Character n-gram lengths of the `--char-weight` experiment.
const CHAR_NGRAMS: (usize, usize) = (3, 5);

/// The character n-grams of every kept token of `text` (see `Setting::char_weight`).
fn char_terms(analyzer: &Analyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut norm = String::new();
    analyzer.for_each_token(text, |t| {
        analyzer
            .config()
            .normalize
            .normalize_into(&text[t.start..t.end], &mut norm);
        let padded: Vec<char> = std::iter::once(' ')
            .chain(norm.chars())
            .chain(std::iter::once(' '))
            .collect();
        for n in CHAR_NGRAMS.0..=CHAR_NGRAMS.1 {
            for w in padded.windows(n) {
                let mut g = String::with_capacity(n * 2 + 1);
                g.push('#');
                g.extend(w);
                out.push(g);
            }
        }
    });
    out
}

/// `[a | w·b]` with rows re-normalised to unit L2 (`b`'s columns after `a`'s).
fn hstack(a: &CsrMatrix, b: &CsrMatrix, w: f64) -> CsrMatrix {
    let mut out = CsrMatrix::empty(a.n_cols() + b.n_cols());
    for r in 0..a.n_rows() {
        let (ca, va) = a.row(r);
        let (cb, vb) = b.row(r);
        let cols: Vec<u32> = ca
            .iter()
            .cloned()
            .chain(cb.iter().map(|c| c + a.n_cols() as u32))
            .collect();
        let vals: Vec<f64> = va.iter().cloned().chain(vb.iter().map(|v| v * w)).collect();
        push_unit_row(&mut out, &cols, vals);
    }
    out
}

/// Appends a row scaled to unit L2 norm (a zero row stays zero).
fn push_unit_row(out: &mut CsrMatrix, cols: &[u32], mut vals: Vec<f64>) {
    let norm = vals.iter().map(|v| v * v).sum::<f64>().sqrt();
    if norm > 0.0 {
        vals.iter_mut().for_each(|v| *v /= norm);
    }
    out.push_row(cols, &vals);
}

/// TF-IDF settings of the character block: sublinear tf, min_df 5, unigrams of n-grams.
fn char_params() -> ValidTfidfParams {
    TfidfParams {
        sublinear_tf: true,
        min_df: DocFreq::Count(5),
        ..TfidfParams::default()
    }
    .check()
    .expect("valid TF-IDF parameters")
}

#[derive(Clone, Copy, Debug, serde::Serialize)]
enum Pool {
    Off,
    Exclude,
    Reliable,
    Drop,
}

impl std::str::FromStr for Pool {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "off" | "false" => Ok(Pool::Off),
            "exclude" => Ok(Pool::Exclude),
            "reliable" => Ok(Pool::Reliable),
            "drop" => Ok(Pool::Drop),
            _ => Err(s.to_string()),
        }
    }
}

impl Pool {
    fn pooling(self) -> Option<Pooling> {
        match self {
            Pool::Off => None,
            Pool::Exclude => Some(Pooling::Exclude),
            Pool::Reliable => Some(Pooling::ReliableNegatives),
            Pool::Drop => Some(Pooling::DropAmbiguous),
        }
    }
}

impl Setting {
    fn svc(&self, calibrate: bool, labels: &[usize], n_classes: usize) -> ValidLinearSvcParams {
        LinearSvcParams {
            c: self.c,
            class_weight: if !self.balanced {
                ClassWeight::Uniform
            } else if self.balance_power == 1.0 {
                ClassWeight::Balanced
            } else {
                let mut count = vec![0usize; n_classes];
                labels.iter().for_each(|&l| count[l] += 1);
                ClassWeight::Explicit(
                    count
                        .iter()
                        .map(|&c| {
                            (labels.len() as f64 / (n_classes * c.max(1)) as f64)
                                .powf(self.balance_power)
                        })
                        .collect(),
                )
            },
            nb_interpolation: (self.nb_beta < 1.0).then_some(self.nb_beta),
            calibration_holdout: if calibrate { 0.1 } else { 0.0 },
            nb_smoothing: (self.nb > 0.0).then_some(self.nb),
            loss: match self.loss.as_str() {
                "l2" => Loss::SquaredHinge,
                "l1" => Loss::Hinge,
                "lr" => Loss::Logistic,
                other => panic!("--loss: l1 or l2, not {other}"),
            },
            ..Default::default()
        }
        .check()
        .expect("valid SVM parameters")
    }
}

fn list<T: std::str::FromStr>(args: &[String], name: &str, default: &str) -> Vec<T> {
    let v = args
        .iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .unwrap_or(default);
    v.split(',')
        .map(|x| {
            x.parse()
                .unwrap_or_else(|_| panic!("bad value for {name}: {x}"))
        })
        .collect()
}

/// One axis of the validation grid: every setting of `grid` once for each comma-separated value
/// of `name` (default `default`), with `set` applied.
fn axis<T: std::str::FromStr + Clone>(
    grid: Vec<Setting>,
    args: &[String],
    name: &str,
    default: &str,
    set: impl Fn(&mut Setting, T),
) -> Vec<Setting> {
    let values: Vec<T> = list(args, name, default);
    grid.iter()
        .flat_map(|s| {
            values.iter().map(|v| {
                let mut s = s.clone();
                set(&mut s, v.clone());
                s
            })
        })
        .collect()
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("bad value for {name}: {v}"))
        })
        .unwrap_or(default)
}

/// Columns to keep: drops terms whose document rate differs by more than `ratio` between the
/// training outlets (`groups`), measured on the labels that both outlets have. Such terms mark an
/// outlet's house style (bylines, boilerplate); where an outlet lacks a label they become false
/// label evidence. `ratio <= 0` keeps everything.
fn outlet_mask(x: &CsrMatrix, y: &[usize], groups: &[usize], ratio: f64) -> Vec<bool> {
    let mut keep = vec![true; x.n_cols()];
    if ratio <= 0.0 {
        return keep;
    }
    let labels_of = |g: usize| -> BTreeSet<usize> {
        (0..y.len())
            .filter(|&i| groups[i] == g)
            .map(|i| y[i])
            .collect()
    };
    let shared: BTreeSet<usize> = labels_of(0).intersection(&labels_of(1)).cloned().collect();
    let mut df = [vec![0usize; x.n_cols()], vec![0usize; x.n_cols()]];
    let mut n = [0usize; 2];
    for r in 0..x.n_rows() {
        if !shared.contains(&y[r]) {
            continue;
        }
        n[groups[r]] += 1;
        for &j in x.row(r).0 {
            df[groups[r]][j as usize] += 1;
        }
    }
    for (j, k) in keep.iter_mut().enumerate() {
        let a = (df[0][j] as f64 + 1.0) / (n[0] as f64 + 2.0);
        let b = (df[1][j] as f64 + 1.0) / (n[1] as f64 + 2.0);
        *k = a.max(b) / a.min(b) <= ratio;
    }
    keep
}

/// `x` without the dropped columns (same column numbering), rows re-normalised to unit L2.
fn apply_mask(x: &CsrMatrix, keep: &[bool]) -> CsrMatrix {
    let mut out = CsrMatrix::empty(x.n_cols());
    for r in 0..x.n_rows() {
        let (c, v) = x.row(r);
        let (cols, vals): (Vec<u32>, Vec<f64>) = c
            .iter()
            .zip(v)
            .filter(|(j, _)| keep[**j as usize])
            .map(|(j, v)| (*j, *v))
            .unzip();
        push_unit_row(&mut out, &cols, vals);
    }
    out
}

/// Trains on `train` rows and returns macro-F1 on `eval` over the labels both sides have
/// (predictions restricted to those labels).
fn evaluate(
    s: &Setting,
    terms: &Terms,
    y: &[usize],
    groups: &[usize],
    train: &[usize],
    eval: &[usize],
    n_classes: usize,
) -> f64 {
    let in_train: BTreeSet<usize> = train.iter().map(|&i| y[i]).collect();
    let in_eval: BTreeSet<usize> = eval.iter().map(|&i| y[i]).collect();
    let shared: Vec<usize> = in_train.intersection(&in_eval).cloned().collect();
    let eval: Vec<usize> = eval
        .iter()
        .cloned()
        .filter(|&i| shared.contains(&y[i]))
        .collect();
    let (chars, terms) = (&terms.chars, &terms.words);
    let tr_terms: Vec<Vec<String>> = train.iter().map(|&i| terms[i].clone()).collect();
    let (v, x) = fit_tfidf(&s.tfidf, &tr_terms);
    let char_block = (s.char_weight > 0.0).then(|| {
        let tr_chars: Vec<&Vec<String>> = train.iter().map(|&i| &chars[i]).collect();
        let (cv, cx) = (char_params()).fit_transform(&tr_chars).unwrap();
        let ev_chars: Vec<&Vec<String>> = eval.iter().map(|&i| &chars[i]).collect();
        (cx, cv.transform(&ev_chars))
    });
    let x = match &char_block {
        Some((cx, _)) => hstack(&x, cx, s.char_weight),
        None => x,
    };
    let ytr: Vec<usize> = train.iter().map(|&i| y[i]).collect();
    let gtr: Vec<usize> = train.iter().map(|&i| groups[i]).collect();
    let keep = outlet_mask(&x, &ytr, &gtr, s.outlet_ratio);
    let xm = apply_mask(&x, &keep);
    let model = if let Some(pooling) = s.pooled.pooling() {
        s.svc(false, &ytr, n_classes)
            .fit_pooled(&xm, &ytr, &gtr, n_classes, pooling)
    } else {
        s.svc(false, &ytr, n_classes).fit(&xm, &ytr, n_classes)
    }
    .unwrap();
    let ev_terms: Vec<Vec<String>> = eval.iter().map(|&i| terms[i].clone()).collect();
    let xe = v.transform(&ev_terms);
    let xe = match &char_block {
        Some((_, ce)) => hstack(&xe, ce, s.char_weight),
        None => xe,
    };
    let margins = model.decision_function(&apply_mask(&xe, &keep)).unwrap();
    // Predictions are restricted to the labels the scored rows use: when scoring on one
    // outlet, a label outside its taxonomy (middleEast on AlArabiya, culture on SkyNews) cannot
    // be right by that outlet's labels, nor shown wrong. Applied to every setting alike.
    let pred: Vec<usize> = margins
        .chunks(n_classes)
        .map(|m| {
            *shared
                .iter()
                .max_by(|&&a, &&b| m[a].total_cmp(&m[b]).then(b.cmp(&a)))
                .unwrap()
        })
        .collect();
    let yev: Vec<usize> = eval.iter().map(|&i| y[i]).collect();
    let names: Vec<String> = (0..n_classes).map(|c| c.to_string()).collect();
    let r = ClassificationReport::new(&yev, &pred, &names).unwrap();
    if std::env::var_os("TASNIF_EVAL_VERBOSE").is_some() {
        let f1: Vec<String> = shared
            .iter()
            .map(|&c| format!("{c}:{:.3}", r.per_label[c].f1))
            .collect();
        eprintln!("per-label F1 {}", f1.join(" "));
    }
    shared.iter().map(|&c| r.per_label[c].f1).sum::<f64>() / shared.len() as f64
}

/// Day of publication (YYYYMMDD) by document id, from the JSONL `date` field (RFC 2822, e.g.
/// "Fri, 01 Jun 2018 00:04:15 +0400"); 0 when missing or unreadable.
fn read_dates(path: &str) -> std::collections::HashMap<String, u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let id = v["id"]
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| v["id"].to_string());
            let f: Vec<&str> = v["date"]
                .as_str()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            let day = (f.len() >= 4)
                .then(|| {
                    let d: u32 = f[1].parse().ok()?;
                    let m = MONTHS.iter().position(|x| *x == f[2])? as u32 + 1;
                    let y: u32 = f[3].parse().ok()?;
                    Some(y * 10000 + m * 100 + d)
                })
                .flatten()
                .unwrap_or(0);
            (id, day)
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let default_corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/ant-multisource/ant-multisource.jsonl"
    );
    let corpus: String = arg(&args, "--corpus", default_corpus.to_string());
    let docs: Vec<Document> = read_jsonl(Path::new(&corpus), &JsonlFields::default())
        .unwrap_or_else(|e| panic!("{corpus}: {e}"))
        .docs;
    let src = |d: &Document| d.source.clone().unwrap_or_default();
    if let Some(i) = args.iter().position(|a| a == "--dump-docs") {
        // the documents exactly as tasnif read them, for the peers (benches/compare)
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&args[i + 1]).unwrap());
        for d in &docs {
            let j = serde_json::json!({"source": d.source, "label": d.label, "text": d.text});
            writeln!(f, "{j}").unwrap();
        }
        return;
    }
    let labels: Vec<String> = docs
        .iter()
        .map(|d| d.label.clone().unwrap_or_default())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let label_id = |l: &str| labels.iter().position(|x| x == l).unwrap();
    let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();

    if args.iter().any(|a| a == "--validate") {
        let tr: Vec<&Document> = docs
            .iter()
            .filter(|d| TRAIN.contains(&src(d).as_str()))
            .collect();
        // Validation-only experiment: `--title-repeat k` counts the title (the first line of
        // the text) k times in all. Adopting it would need the same at prediction time.
        let title_repeat: usize = arg(&args, "--title-repeat", 1);
        let terms: Vec<Vec<String>> = tr
            .par_iter()
            .map(|d| {
                let mut t = Vec::new();
                if title_repeat > 1 {
                    let title = analyzer.terms(d.text.lines().next().unwrap_or(""));
                    for _ in 1..title_repeat {
                        t.extend(title.iter().cloned());
                    }
                }
                t.extend(analyzer.terms(&d.text));
                t
            })
            .collect();
        let char_weights: Vec<f64> = list(&args, "--char-weight", "0");
        let chars: Vec<Vec<String>> = if char_weights.iter().any(|&w| w > 0.0) {
            tr.par_iter()
                .map(|d| char_terms(&analyzer, &d.text))
                .collect()
        } else {
            vec![Vec::new(); tr.len()]
        };
        let terms = Terms {
            words: terms,
            chars,
        };
        let y: Vec<usize> = tr
            .iter()
            .map(|d| label_id(d.label.as_deref().unwrap_or_default()))
            .collect();
        let a: Vec<usize> = (0..tr.len()).filter(|&i| src(tr[i]) == TRAIN[0]).collect();
        let b: Vec<usize> = (0..tr.len()).filter(|&i| src(tr[i]) == TRAIN[1]).collect();
        // every comma-separated list spans one axis of the grid
        let base = Setting {
            tfidf: Tfidf {
                sublinear_tf: true,
                min_df: 5,
                max_df: 1.0,
                ngram_max: 2,
                use_idf: true,
            },
            c: 0.1,
            balanced: true,
            outlet_ratio: 0.0,
            pooled: Pool::Reliable,
            nb: 4.0,
            loss: "l2".to_string(),
            nb_beta: 1.0,
            balance_power: 1.0,
            char_weight: 0.0,
        };
        let g = axis(vec![base], &args, "--sublinear", "true", |s, v| {
            s.tfidf.sublinear_tf = v
        });
        let g = axis(g, &args, "--min-df", "5", |s, v| s.tfidf.min_df = v);
        let g = axis(g, &args, "--max-df", "1.0", |s, v| s.tfidf.max_df = v);
        let g = axis(g, &args, "--ngram-max", "2", |s, v| s.tfidf.ngram_max = v);
        let g = axis(g, &args, "--use-idf", "true", |s, v| s.tfidf.use_idf = v);
        let g = axis(g, &args, "--c", "0.1", |s, v| s.c = v);
        let g = axis(g, &args, "--balanced", "true", |s, v| s.balanced = v);
        let g = axis(g, &args, "--outlet-ratio", "0", |s, v| s.outlet_ratio = v);
        let g = axis(g, &args, "--pooled", "reliable", |s, v| s.pooled = v);
        let g = axis(g, &args, "--nb", "4", |s, v| s.nb = v);
        let g = axis(g, &args, "--nb-beta", "1", |s, v| s.nb_beta = v);
        let g = axis(g, &args, "--char-weight", "0", |s, v| s.char_weight = v);
        let g = axis(g, &args, "--balance-power", "1", |s, v| s.balance_power = v);
        let grid = axis(g, &args, "--loss", "l2", |s, v| s.loss = v);
        let groups: Vec<usize> = tr.iter().map(|d| usize::from(src(d) == TRAIN[1])).collect();
        // Confounded folds: each shared label is seen from one outlet only in training and scored
        // on the other outlet, so a model that takes house style for label evidence fails.
        // internationalNews stays on both sides (the outlet filter needs a shared label).
        let cell = |g: usize, ls: &[&str]| -> Vec<usize> {
            (0..tr.len())
                .filter(|&i| groups[i] == g && ls.iter().any(|l| label_id(l) == y[i]))
                .collect()
        };
        let fold =
            |sky_train: &[&str], ala_train: &[&str], sky_eval: &[&str], ala_eval: &[&str]| {
                let mut train = cell(0, sky_train);
                train.extend(cell(1, ala_train));
                let mut eval = cell(0, sky_eval);
                eval.extend(cell(1, ala_eval));
                (train, eval)
            };
        let folds = [
            fold(
                &["economy", "internationalNews", "middleEast"],
                &["internationalNews", "sport", "technology", "culture"],
                &["sport", "technology"],
                &["economy"],
            ),
            fold(
                &["sport", "technology", "internationalNews", "middleEast"],
                &["economy", "internationalNews", "culture"],
                &["economy"],
                &["sport", "technology"],
            ),
        ];
        // Mixed folds: one training outlet whole plus the earlier 70% (by date) of the other,
        // scored on that other outlet's later 30%. Unlike the cross-outlet folds, these see
        // every label of the scored outlet, middleEast (skynews only) and culture (alarabia
        // only) included, with the other outlet's differing taxonomy in the training pool.
        let dates = read_dates(&corpus);
        let day: Vec<u32> = tr.iter().map(|d| dates[&d.id]).collect();
        let mixed = |g: usize| -> (Vec<usize>, Vec<usize>) {
            let mut own: Vec<usize> = (0..tr.len()).filter(|&i| groups[i] == g).collect();
            own.sort_by_key(|&i| (day[i], i));
            let cut = own.len() * 7 / 10;
            let mut train: Vec<usize> = (0..tr.len()).filter(|&i| groups[i] != g).collect();
            train.extend_from_slice(&own[..cut]);
            train.sort_unstable();
            let mut eval = own[cut..].to_vec();
            eval.sort_unstable();
            (train, eval)
        };
        let mixed_folds = [mixed(0), mixed(1)];
        for s in grid {
            let t = Instant::now();
            let k = labels.len();
            let mix: Vec<f64> = mixed_folds
                .iter()
                .map(|(tr_i, ev_i)| evaluate(&s, &terms, &y, &groups, tr_i, ev_i, k))
                .collect();
            let f_ab = evaluate(&s, &terms, &y, &groups, &a, &b, k);
            let f_ba = evaluate(&s, &terms, &y, &groups, &b, &a, k);
            let conf: Vec<f64> = folds
                .iter()
                .map(|(tr_i, ev_i)| evaluate(&s, &terms, &y, &groups, tr_i, ev_i, k))
                .collect();
            println!(
                "{}",
                serde_json::json!({
                    "setting": s, "val_macro_f1": (f_ab + f_ba) / 2.0,
                    "skynews_to_alarabia": f_ab, "alarabia_to_skynews": f_ba,
                    "confounded_macro_f1": (conf[0] + conf[1]) / 2.0,
                    "mixed_macro_f1": (mix[0] + mix[1]) / 2.0,
                    "mixed_skynews_late": mix[0], "mixed_alarabia_late": mix[1],
                    "seconds": t.elapsed().as_secs_f64(),
                })
            );
        }
        return;
    }

    let chosen = Setting {
        tfidf: Tfidf {
            sublinear_tf: arg(&args, "--sublinear", true),
            min_df: arg(&args, "--min-df", 5),
            max_df: arg(&args, "--max-df", 1.0),
            ngram_max: arg(&args, "--ngram-max", 2),
            use_idf: arg(&args, "--use-idf", true),
        },
        c: arg(&args, "--c", 0.1),
        balanced: arg(&args, "--balanced", true),
        // validation-only experiment (see `outlet_mask`): it did not help, so the test run
        // never filters
        outlet_ratio: 0.0,
        pooled: arg(&args, "--pooled", Pool::Reliable),
        nb: arg(&args, "--nb", 4.0),
        loss: arg(&args, "--loss", "l2".to_string()),
        nb_beta: arg(&args, "--nb-beta", 1.0),
        balance_power: arg(&args, "--balance-power", 1.0),
        char_weight: arg(&args, "--char-weight", 0.0),
    };

    let train: Vec<&Document> = docs
        .iter()
        .filter(|d| TRAIN.contains(&src(d).as_str()))
        .collect();
    let test: Vec<&Document> = docs
        .iter()
        .filter(|d| TEST.contains(&src(d).as_str()))
        .collect();
    let ytr: Vec<usize> = train
        .iter()
        .map(|d| label_id(d.label.as_deref().unwrap_or_default()))
        .collect();
    let yte: Vec<usize> = test
        .iter()
        .map(|d| label_id(d.label.as_deref().unwrap_or_default()))
        .collect();

    let t = Instant::now();
    let tr_terms: Vec<Vec<String>> = train.par_iter().map(|d| analyzer.terms(&d.text)).collect();
    let t_analyse = t.elapsed().as_secs_f64();
    let (vectorizer, x) = fit_tfidf(&chosen.tfidf, &tr_terms);
    let chars = |docs: &[&Document]| -> Vec<Vec<String>> {
        docs.par_iter()
            .map(|d| char_terms(&analyzer, &d.text))
            .collect()
    };
    let char_vectorizer =
        (chosen.char_weight > 0.0).then(|| (char_params()).fit_transform(&chars(&train)).unwrap());
    let x = match &char_vectorizer {
        Some((_, cx)) => hstack(&x, cx, chosen.char_weight),
        None => x,
    };
    let t_tfidf = t.elapsed().as_secs_f64() - t_analyse;
    let model = if let Some(pooling) = chosen.pooled.pooling() {
        let gtr: Vec<usize> = train
            .iter()
            .map(|d| usize::from(src(d) == TRAIN[1]))
            .collect();
        chosen
            .svc(true, &ytr, labels.len())
            .fit_pooled(&x, &ytr, &gtr, labels.len(), pooling)
    } else {
        chosen
            .svc(true, &ytr, labels.len())
            .fit(&x, &ytr, labels.len())
    }
    .unwrap();
    let train_seconds = t.elapsed().as_secs_f64();
    if args.iter().any(|a| a == "--train-only") {
        // timing a candidate without looking at the test outlets
        println!(
            "{}",
            serde_json::json!({"setting": chosen, "n_features": x.n_cols(),
                "train_seconds": train_seconds, "solver_epochs": model.n_iter,
                "train_breakdown_s": {"analyse": t_analyse, "tfidf": t_tfidf,
                                      "fit": train_seconds - t_analyse - t_tfidf}})
        );
        return;
    }

    let t = Instant::now();
    let te_terms: Vec<Vec<String>> = test.par_iter().map(|d| analyzer.terms(&d.text)).collect();
    let t_te_analyse = t.elapsed().as_secs_f64();
    let xt = vectorizer.transform(&te_terms);
    let xt = match &char_vectorizer {
        Some((cv, _)) => hstack(&xt, &cv.transform(&chars(&test)), chosen.char_weight),
        None => xt,
    };
    let t_te_tfidf = t.elapsed().as_secs_f64() - t_te_analyse;
    let pred = model.predict(&xt).unwrap();
    let batch_s = t.elapsed().as_secs_f64();

    let mut lat: Vec<f64> = test
        .iter()
        .take(500)
        .map(|d| {
            let t = Instant::now();
            let (c, v) = vectorizer.transform_one(&analyzer.terms(&d.text));
            std::hint::black_box(model.predict_row(&c, &v));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    lat.sort_by(f64::total_cmp);

    let report = ClassificationReport::new(&yte, &pred, &labels).unwrap();
    eprintln!("{}", report.to_text(4));
    eprintln!("{}", report.confusion.to_text());
    println!(
        "{}",
        serde_json::json!({
            "system": "tasnif",
            "setting": chosen,
            "n_train": train.len(), "n_test": test.len(), "n_features": x.n_cols(),
            "macro_f1": report.macro_f1(), "accuracy": report.accuracy,
            "train_seconds": train_seconds,
            "train_breakdown_s": {"analyse": t_analyse, "tfidf": t_tfidf,
                                  "fit": train_seconds - t_analyse - t_tfidf},
            "solver_epochs": model.n_iter, "temperature": model.temperature,
            "predict_articles_per_s": test.len() as f64 / batch_s,
            "predict_breakdown_s": {"analyse": t_te_analyse, "tfidf": t_te_tfidf,
                                    "predict": batch_s - t_te_analyse - t_te_tfidf},
            "latency_ms_median": lat[lat.len() / 2],
            "latency_ms_p99": lat[lat.len() * 99 / 100],
            "threads": rayon::current_num_threads(),
        })
    );
}
