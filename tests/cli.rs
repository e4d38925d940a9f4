//! End-to-end tests through the real binary on the bundled corpus `data/`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tasnif() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tasnif"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", "1764000000");
    c
}

/// Runs a command with `input` on its standard input; its output.
fn with_stdin(cmd: &mut Command, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs a command that must succeed; its output.
fn succeeds(cmd: &mut Command) -> std::process::Output {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn train(out: &Path, seed: &str) {
    let o = tasnif()
        .args([
            "train", "data", "--k", "4", "--quiet", "--force", "--seed", seed, "--out",
        ])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "train failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn same_seed_gives_a_byte_identical_model() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.tasnif"),
        dir.path().join("b.tasnif"),
        dir.path().join("c.tasnif"),
    );
    train(&a, "7");
    train(&b, "7");
    train(&c, "8");
    let (ba, bb, bc) = (
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        std::fs::read(&c).unwrap(),
    );
    assert_eq!(ba, bb, "same seed, different model bytes");
    assert_ne!(ba, bc, "the seed has no effect on the model");
}

/// The named topic of each folder of `data/` (data/topics.toml).
fn topic_name(label: &str) -> &'static str {
    match label {
        "afghanistan" => "Afghanistan diplomacy",
        "ukraine" => "Ukraine talks",
        "greenland" => "Greenland",
        "migration" => "Migration",
        _ => unreachable!("data/ has no named topic {label}"),
    }
}

/// Classifies a seed page as scraped, plus more of the boilerplate scrapers pick up, with the
/// committed model (the four named topics of data/topics.toml); returns a failure message when
/// it does not land in the topic named for its folder.
fn seed_page_failure(label: &str, file: &str) -> Option<String> {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/topics.tasnif");
    let dir = tempfile::tempdir().unwrap();
    let page = std::fs::read_to_string(data().join(label).join(file)).unwrap();
    let noisy = format!(
        "TT\nSorry, you need to enable JavaScript to visit this website.\n{page}\n{page}\nجميع الحقوق محفوظة\n© 2025 All rights reserved\n"
    );
    let path = dir.path().join(file);
    std::fs::write(&path, noisy).unwrap();
    let o = succeeds(
        tasnif()
            .arg("classify")
            .arg(&model)
            .arg(&path)
            .arg("--json"),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !v["evidence"].as_array().unwrap().is_empty(),
        "no evidence words"
    );
    let got = v["label"].as_str().unwrap();
    (!got.starts_with(topic_name(label))).then(|| {
        format!(
            "{file}: topic {} ({got}, score {}), not {}",
            v["class"],
            v["score"],
            topic_name(label)
        )
    })
}

#[test]
fn scraped_seed_pages_land_in_their_named_topic() {
    let pages = [
        ("afghanistan", "seed-000-moscow-taliban-withdrawal.txt"),
        ("ukraine", "seed-000-kremlin-memo-us-cooperation.txt"),
        ("migration", "seed-000-aegean-boat-sinking.txt"),
    ];
    let failures: Vec<String> = pages
        .iter()
        .filter_map(|(l, f)| seed_page_failure(l, f))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Greenland has 2 articles in data/: discovered topics never isolated them (k-means at k = 4
/// split migration first); named, Greenland is a topic and the page lands in it.
#[test]
fn scraped_greenland_page_lands_in_a_greenland_topic() {
    if let Some(f) = seed_page_failure("greenland", "seed-001-danish-pm-visits-greenland.txt") {
        panic!("{f}");
    }
}

/// A supervised model trained without the seed page (leave-one-out) labels it correctly.
/// Greenland is left out here for the same reason as above: one training article remains.
#[test]
fn held_out_seed_pages_get_their_label_from_a_supervised_model() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let held_out = [
        ("afghanistan", "seed-000-moscow-taliban-withdrawal.txt"),
        ("ukraine", "seed-000-kremlin-memo-us-cooperation.txt"),
        ("migration", "seed-000-aegean-boat-sinking.txt"),
    ];
    for label in ["afghanistan", "ukraine", "migration", "greenland", "other"] {
        std::fs::create_dir_all(corpus.join(label)).unwrap();
        for e in std::fs::read_dir(data().join(label)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            if !held_out.iter().any(|(_, f)| *f == name) {
                std::fs::copy(&p, corpus.join(label).join(&name)).unwrap();
            }
        }
    }
    let model = dir.path().join("sup.tasnif");
    succeeds(
        tasnif()
            .args(["train", "--supervised", "--quiet", "--out"])
            .arg(&model)
            .arg(&corpus),
    );
    let mut failures = Vec::new();
    for (label, file) in held_out {
        let o = tasnif()
            .arg("classify")
            .arg(&model)
            .arg(data().join(label).join(file))
            .arg("--json")
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        if v["label"] != label {
            failures.push(format!("{file}: {} ({})", v["label"], v["score"]));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn topics_lists_the_seed_words_the_vocabulary_lacks() {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/topics.tasnif");
    let out = succeeds(tasnif().arg("topics").arg(&model));
    let text = String::from_utf8(out.stdout).unwrap();
    let greenland = text
        .lines()
        .find(|l| l.starts_with("2 Greenland |"))
        .unwrap();
    assert!(
        greenland.contains("not in the corpus: ") && greenland.contains("نوك"),
        "{greenland}"
    );
    let migration = text
        .lines()
        .find(|l| l.starts_with("3 Migration |"))
        .unwrap();
    assert!(!migration.contains("not in the corpus"), "{migration}");
    let out = succeeds(tasnif().arg("topics").arg(&model).arg("--json"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let unused = &v["topics"][2]["given"]["seeds_not_in_vocabulary"];
    assert!(
        unused.as_array().unwrap().iter().any(|w| w == "نوك"),
        "{unused}"
    );
    assert!(
        v["topics"][3]["given"]
            .get("seeds_not_in_vocabulary")
            .is_none()
    );
}

#[test]
fn stem_tsv_prints_word_and_stem() {
    let o = with_stdin(tasnif().args(["stem", "--tsv"]), "وقالت الحكومةُ الأفغانية");
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out, "وقالت\tقالت\nالحكومةُ\tحكوم\nالأفغانية\tافغان\n");
    // --json: each word with its byte offsets into the input
    let text = "وقالت الحكومةُ الأفغانية";
    let o = with_stdin(tasnif().args(["stem", "--json"]), text);
    let rows: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    for r in rows {
        let (s, e) = (
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], r["word"].as_str().unwrap());
    }
}

#[test]
fn timings_flag_reports_every_stage() {
    let dir = tempfile::tempdir().unwrap();
    let o = tasnif()
        .args(["train", "data", "--k", "4", "--quiet", "--timings", "--out"])
        .arg(dir.path().join("m.tasnif"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    for stage in [
        "reading the corpus",
        "analysing and vectorising",
        "reducing (SVD)",
        "clustering (k-means)",
        "refining (term mixture)",
        "describing the topics",
        "saving the model",
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("time ") && l.contains(stage)),
            "no timing for {stage}: {err}"
        );
    }
}

fn eval_json(model: &Path, corpus: &Path) -> (std::process::Output, serde_json::Value) {
    let o = tasnif()
        .arg("eval")
        .arg(model)
        .arg(corpus)
        .arg("--json")
        .output()
        .unwrap();
    let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o, v)
}

/// A supervised model trained on `data/` by the binary, written into `dir`.
fn supervised_on_data(dir: &Path) -> PathBuf {
    let sup = dir.join("s.tasnif");
    succeeds(
        tasnif()
            .args(["train", "data", "--supervised", "--quiet", "--out"])
            .arg(&sup),
    );
    sup
}

/// Copies the articles of `data/LABEL` into `to` (created).
fn copy_label(label: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(data().join(label)).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn eval_of_a_topic_model_scores_labels_and_top_words() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("t.tasnif");
    train(&model, "42");
    let (o, v) = eval_json(&model, &data());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(v["documents"], 111);
    let nmi = v["nmi"].as_f64().unwrap();
    assert!(nmi > 0.5 && nmi <= 1.0, "{v}");
    let w = &v["top_words"];
    assert_eq!(w["documents"], 111);
    assert_eq!(w["coherence_per_topic"].as_array().unwrap().len(), 4);
    let (c, d) = (
        w["coherence"].as_f64().unwrap(),
        w["diversity"].as_f64().unwrap(),
    );
    // the four topics' words must go together in data/'s articles and mostly differ
    assert!(c > 0.0 && c <= 1.0, "{w}");
    assert!(d > 0.5 && d <= 1.0, "{w}");
}

/// The text report of a supervised model ends with the confusion matrix, and it is the one in
/// `--json`: each printed row holds that label's counts, summing to its support.
#[test]
fn eval_of_a_supervised_model_prints_the_confusion_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let sup = supervised_on_data(dir.path());
    let (o, v) = eval_json(&sup, &data());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let labels = v["confusion"]["labels"].as_array().unwrap().clone();
    let counts = v["confusion"]["counts"].as_array().unwrap().clone();
    let text =
        String::from_utf8(succeeds(tasnif().arg("eval").arg(&sup).arg(data())).stdout).unwrap();
    let matrix: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("confusion matrix"))
        .skip(2) // heading and column numbers
        .collect();
    assert_eq!(matrix.len(), labels.len(), "{text}");
    let mut total = 0;
    for ((line, label), row) in matrix.iter().zip(&labels).zip(&counts) {
        assert!(line.contains(label.as_str().unwrap()), "{line}");
        let printed: Vec<u64> = line
            .split_whitespace()
            .rev()
            .take(labels.len())
            .map(|c| c.parse().unwrap())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let json_row: Vec<u64> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(printed, json_row, "{line}");
        total += printed.iter().sum::<u64>();
    }
    assert_eq!(total, 111);
}

/// A corpus with only some of the model's labels is scored over the labels that occur as truth
/// or prediction, as scikit-learn's `classification_report` does: the labels it lacks and the
/// model never predicts would each put a 0 into the macro average. A label the model has never
/// seen is named on stderr.
#[test]
fn eval_on_part_of_the_labels_averages_over_the_labels_that_occur() {
    let dir = tempfile::tempdir().unwrap();
    let sup = supervised_on_data(dir.path());
    let part = dir.path().join("part");
    copy_label("afghanistan", &part.join("afghanistan"));
    copy_label("ukraine", &part.join("sport"));
    let (o, v) = eval_json(&sup, &part);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("not trained on") && stderr.contains("sport"),
        "{stderr}"
    );
    let rows = v["per_label"].as_array().unwrap();
    let counts = v["confusion"]["counts"].as_array().unwrap();
    for (i, row) in rows.iter().enumerate() {
        let predicted: u64 = counts.iter().map(|r| r[i].as_u64().unwrap()).sum();
        assert!(
            row["support"].as_u64().unwrap() > 0 || predicted > 0,
            "{} neither occurs nor is predicted: {v}",
            row["label"]
        );
    }
    let names: Vec<&str> = rows.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"afghanistan") && names.contains(&"sport"),
        "{names:?}"
    );
    let mean = rows.iter().map(|r| r["f1"].as_f64().unwrap()).sum::<f64>() / rows.len() as f64;
    assert!(
        (v["macro_avg"]["f1"].as_f64().unwrap() - mean).abs() < 1e-12,
        "{v}"
    );
}

/// Scoring a supervised model on the corpus it was trained on says so (the scores are on its
/// training documents); another corpus, or `--sources`, does not get the note.
#[test]
fn eval_and_report_note_the_training_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let sup = supervised_on_data(dir.path());
    let note = "are from the corpus this model was trained on";
    let (o, _) = eval_json(&sup, &data());
    assert!(String::from_utf8_lossy(&o.stderr).contains(note));
    let html = dir.path().join("r.html");
    let o = succeeds(
        tasnif()
            .arg("report")
            .arg(&sup)
            .arg(data())
            .arg("--out")
            .arg(&html),
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains(note));
    let other = dir.path().join("other");
    copy_label("ukraine", &other.join("ukraine"));
    let (o, _) = eval_json(&sup, &other);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!String::from_utf8_lossy(&o.stderr).contains(note));
}

/// `topics --json`: one row per topic with its size, name and words, and the training
/// parameters as a JSON object (the model file keeps them as a string).
#[test]
fn topics_json_has_rows_and_parameters_as_an_object() {
    let o = succeeds(tasnif().args(["topics", "models/topics.tasnif", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let topics = v["topics"].as_array().unwrap();
    assert_eq!(topics.len(), 4, "{v}");
    let total: u64 = topics.iter().map(|t| t["count"].as_u64().unwrap()).sum();
    assert_eq!(total, v["facts"]["n_docs"].as_u64().unwrap());
    assert_eq!(v["facts"]["params"]["k"]["Fixed"], 4, "{v}");
    assert!(v["facts"].get("params_json").is_none(), "{v}");
}

/// `classify` reads JSON Lines with another text field (`--text-field`), and an empty folder
/// is named rather than counted anonymously.
#[test]
fn classify_takes_a_text_field_and_names_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let page =
        std::fs::read_to_string(data().join("ukraine/seed-000-kremlin-memo-us-cooperation.txt"))
            .unwrap();
    let jsonl = dir.path().join("a.jsonl");
    let line = serde_json::json!({"id": "kremlin", "body": page}).to_string();
    std::fs::write(&jsonl, format!("{line}\n")).unwrap();
    let o = succeeds(
        tasnif()
            .args(["classify", "models/topics.tasnif", "--text-field", "body"])
            .arg(&jsonl),
    );
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("kremlin\t"), "{out}");
    assert!(out.contains("أوكرانيا"), "{out}");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = tasnif()
        .args(["classify", "models/topics.tasnif"])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("empty: a folder with no .txt article in it"),
        "{err}"
    );
}

/// A reader that stops early (`| head -1`) ends the run quietly with exit 0, not a panic (101)
/// on the broken pipe.
#[test]
fn a_reader_that_stops_early_is_not_a_panic() {
    use std::io::BufRead;
    let mut child = tasnif()
        .args(["classify", "models/topics.tasnif", "--json"])
        .arg(data()) // 111 articles, about 200 KB of JSON: more than a pipe holds
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap(); // the reader is dropped here, closing the pipe
    assert!(first.starts_with('{'), "{first}");
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}

/// Two folders' files of the same name print as different paths, and an id holding a tab or a
/// line break cannot break the tab-separated columns.
#[test]
fn classify_names_stay_apart_and_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let page = data().join("ukraine/seed-000-kremlin-memo-us-cooperation.txt");
    for f in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(f)).unwrap();
        std::fs::copy(&page, dir.path().join(f).join("x.txt")).unwrap();
    }
    let text = std::fs::read_to_string(&page).unwrap();
    let jsonl = dir.path().join("c.jsonl");
    let line = serde_json::json!({"id": "tab\there\nnext", "text": text}).to_string();
    std::fs::write(&jsonl, format!("{line}\n")).unwrap();
    let o = succeeds(
        tasnif()
            .args(["classify", "models/topics.tasnif"])
            .arg(dir.path().join("a"))
            .arg(dir.path().join("b"))
            .arg(&jsonl),
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines.iter().all(|l| l.split('\t').count() == 4), "{out}");
    let names: Vec<&str> = lines
        .iter()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_ne!(names[0], names[1], "{out}");
    assert!(
        names[0].ends_with("a/x.txt") && names[1].ends_with("b/x.txt"),
        "{out}"
    );
    assert_eq!(names[2], "tab here next");
}

/// Top-word quality needs no labels: an unlabelled corpus gets it alone; a supervised model
/// on the same corpus is refused with a message.
#[test]
fn eval_on_unlabelled_text_reports_top_words_only() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("t.tasnif");
    train(&model, "42");
    let text = data().join("afghanistan/seed-000-moscow-taliban-withdrawal.txt");
    let (o, v) = eval_json(&model, &text);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(v.get("nmi").is_none(), "{v}");
    assert_eq!(v["top_words"]["documents"], 1);
    let err = String::from_utf8_lossy(&o.stderr);
    // why there is no NMI, and that coherence over one document is not worth reading
    assert!(err.contains("no document has a label"), "{err}");
    assert!(err.contains("it says little"), "{err}");

    let sup = supervised_on_data(dir.path());
    let (o, _) = eval_json(&sup, &text);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no labelled documents"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Median `classify --json` score of the documents of `corpus` under the default model.
fn median_score(corpus: &Path) -> f64 {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/topics.tasnif");
    let o = succeeds(
        tasnif()
            .arg("classify")
            .arg(&model)
            .arg(corpus)
            .arg("--json"),
    );
    let mut s: Vec<f64> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["score"]
                .as_f64()
                .unwrap()
        })
        .collect();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

/// A topic model's score must tell an article on none of its topics: 200 ANT articles on sport,
/// culture, technology and economy score well below the `data/` articles. (The cosine in the
/// SVD's space alone did not: there these articles' median was 0.685 against 0.619.)
#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs the ANT corpus in ../shared: cargo test --features external-tests"
)]
fn off_topic_articles_score_low_with_a_topic_model() {
    let ant = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/ant-multisource/ant-multisource.jsonl");
    let lines: Vec<String> = std::fs::read_to_string(&ant)
        .unwrap()
        .lines()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            matches!(
                v["label"].as_str(),
                Some("sport" | "culture" | "technology" | "economy")
            )
        })
        .take(200)
        .map(String::from)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let off = dir.path().join("off.jsonl");
    std::fs::write(&off, lines.join("\n")).unwrap();
    let (off_topic, on_topic) = (median_score(&off), median_score(&data()));
    assert!(
        off_topic < 0.5 * on_topic,
        "off-topic median {off_topic:.3}, data/ median {on_topic:.3}"
    );
}

/// `--min-score`: an article on none of the topics gets no topic, the others keep theirs.
#[test]
fn min_score_leaves_an_off_topic_article_without_a_topic() {
    let dir = tempfile::tempdir().unwrap();
    let sport = dir.path().join("sport.txt");
    std::fs::write(
        &sport,
        "فاز فريق ريال مدريد على برشلونة بثلاثة أهداف مقابل هدف في مباراة الدوري الإسباني لكرة \
         القدم، وسجل اللاعب الهدف الأول في الدقيقة العاشرة من الشوط الأول أمام جماهير الملعب، \
         وتصدر الفريق جدول الترتيب قبل نهاية الموسم.\n",
    )
    .unwrap();
    let page = data().join("afghanistan/seed-000-moscow-taliban-withdrawal.txt");
    let o = succeeds(
        tasnif()
            .args([
                "classify",
                "models/topics.tasnif",
                "--json",
                "--min-score",
                "0.2",
            ])
            .arg(&sport)
            .arg(&page),
    );
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        rows[0]["label"].is_null() && rows[0]["class"].is_null(),
        "{}",
        rows[0]
    );
    assert!(rows[0]["nearest_label"].is_string(), "{}", rows[0]);
    assert!(rows[0]["score"].as_f64().unwrap() < 0.2);
    assert!(
        rows[1]["label"]
            .as_str()
            .unwrap()
            .starts_with("Afghanistan diplomacy"),
        "{}",
        rows[1]
    );

    let text = tasnif()
        .args(["classify", "models/topics.tasnif", "--min-score", "0.2"])
        .arg(&sport)
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&text.stdout).to_string();
    assert_eq!(line.split('\t').nth(1), Some("-"), "{line}");
}

/// `train --json` carries what the text output says, the agreement with the labels included.
#[test]
fn train_json_reports_agreement_with_the_labels() {
    let dir = tempfile::tempdir().unwrap();
    let o = succeeds(
        tasnif()
            .args(["train", "data", "--k", "4", "--quiet", "--json", "--out"])
            .arg(dir.path().join("t.tasnif")),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["topics"].as_array().unwrap().len(), 4);
    for m in ["nmi", "ari", "purity"] {
        let x = v["against_labels"][m].as_f64().unwrap_or(-1.0);
        assert!(x > 0.0 && x <= 1.0, "{m}: {v}");
    }
}

/// `classify -` reads JSON Lines from standard input one article per line (ids from the
/// lines), and plain text as one article named `-`.
#[test]
fn classify_reads_json_lines_or_one_text_from_standard_input() {
    let run = |input: &str| -> Vec<String> {
        let o = with_stdin(
            tasnif().args(["classify", "models/topics.tasnif", "-"]),
            input,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    };
    let jsonl = "{\"id\": \"k1\", \"text\": \"حركة طالبان تفاوض الحكومة الأفغانية في الدوحة\"}\n\
                 {\"id\": \"k2\", \"text\": \"قارب يقل مهاجرين يغرق قبالة السواحل اليونانية\"}\n";
    assert_eq!(run(jsonl), ["k1", "k2"]);
    assert_eq!(run("حركة طالبان تفاوض الحكومة الأفغانية في الدوحة\n"), ["-"]);
}

/// `--sources` naming an outlet no document has is refused with the outlets there are.
#[test]
fn an_unknown_source_is_refused_with_the_sources_present() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.jsonl");
    std::fs::write(
        &corpus,
        "{\"text\": \"حركة طالبان تفاوض الحكومة الأفغانية\", \"label\": \"afghanistan\", \"source\": \"BBC\"}\n\
         {\"text\": \"قارب مهاجرين يغرق قبالة السواحل\", \"label\": \"migration\", \"source\": \"CNN\"}\n",
    )
    .unwrap();
    let o = tasnif()
        .args(["eval", "models/topics.tasnif"])
        .arg(&corpus)
        .args(["--sources", "BBC,cnn"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("source cnn") && err.contains("BBC, CNN") && err.contains("--sources"),
        "{err}"
    );
    succeeds(
        tasnif()
            .args(["eval", "models/topics.tasnif"])
            .arg(&corpus)
            .args(["--sources", "BBC,CNN"]),
    );
}

/// Many inputs skipped for one reason: the first ten are named, the rest counted.
#[test]
fn many_skips_for_one_reason_are_counted_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.jsonl");
    let mut lines: Vec<String> = (0..12)
        .map(|i| format!("{{\"id\": \"{i}\", \"body\": \"نص\"}}"))
        .collect();
    lines.push("{\"id\": \"ok\", \"text\": \"حركة طالبان تفاوض الحكومة الأفغانية\"}".into());
    std::fs::write(&corpus, lines.join("\n")).unwrap();
    let o = tasnif()
        .args(["classify", "models/topics.tasnif"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "some inputs skipped");
    let err = String::from_utf8_lossy(&o.stderr);
    let named = err
        .lines()
        .filter(|l| l.contains("c.jsonl:") && l.contains("no string field \"text\""))
        .count();
    assert_eq!(named, 10, "{err}");
    assert!(
        err.contains("skipped 2 more for the same reason: no string field \"text\""),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("ok\t"));

    // the same for articles read but not classifiable (no word the model knows)
    let unknown: Vec<String> = (0..12)
        .map(|i| format!("{{\"id\": \"u{i}\", \"text\": \"ظظظظ غغغغغ ثثثثث\"}}"))
        .collect();
    std::fs::write(&corpus, unknown.join("\n")).unwrap();
    let o = tasnif()
        .args(["classify", "models/topics.tasnif"])
        .arg(&corpus)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "nothing classified is an error: {err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.contains("skipped u")).count(),
        10,
        "{err}"
    );
    assert!(err.contains("skipped 2 more for the same reason"), "{err}");
}

#[test]
fn repeated_ids_are_named_on_stderr_and_every_document_still_classified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"a\",\"text\":\"روسيا تقصف كييف والكرملين يرد على أوكرانيا\"}\n\
         {\"id\":\"a\",\"text\":\"طالبان في كابول تفاوض على السلام\"}\n\
         {\"id\":\"b\",\"text\":\"المهاجرين في البحر المتوسط\"}\n",
    )
    .unwrap();
    let o = succeeds(
        tasnif()
            .args(["classify", "models/topics.tasnif"])
            .arg(&path),
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 3);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("1 id is used by more than one document (\"a\" ×2)"),
        "{err}"
    );
    // Distinct ids: no note.
    let fine = dir.path().join("fine.jsonl");
    std::fs::write(
        &fine,
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("\"a\"", "\"c\"", 1),
    )
    .unwrap();
    let o = succeeds(
        tasnif()
            .args(["classify", "models/topics.tasnif"])
            .arg(&fine),
    );
    assert!(!String::from_utf8_lossy(&o.stderr).contains("more than one document"));
}

/// `report --json` says on stdout what it wrote: the path, its size, the model's kind and how
/// many of the corpus's documents it read.
#[test]
fn report_json_describes_the_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let out = succeeds(
        tasnif()
            .arg("report")
            .arg("models/topics.tasnif")
            .arg("data")
            .arg("--out")
            .arg(&html)
            .arg("--json"),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let written = std::fs::metadata(&html).unwrap().len();
    assert_eq!(v["bytes"], written, "{v}");
    assert_eq!(v["report"], html.display().to_string());
    assert_eq!(v["kind"], "topics");
    assert_eq!(v["documents"], 111);
    assert_eq!(v["skipped"], 0);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("wrote"));
}

/// `train` takes several corpora at once: here a JSON Lines file whose articles carry outlets
/// (migration from "keep", Afghanistan from "drop") and a folder without outlets (Ukraine).
/// `--sources keep` filters the JSON Lines file and keeps the folder whole; the model names
/// both corpora, so scoring it on either says they were trained on; a mistyped source is
/// refused naming both corpora, and so is a corpus given twice.
#[test]
fn train_reads_several_corpora_together() {
    let dir = tempfile::tempdir().unwrap();
    let articles = |label: &str| -> Vec<String> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(data().join(label))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    };
    let (migration, afghanistan) = (articles("migration"), articles("afghanistan"));
    let jsonl = dir.path().join("outlets.jsonl");
    let mut lines = String::new();
    for (label, source, texts) in [
        ("migration", "keep", &migration),
        ("afghanistan", "drop", &afghanistan),
    ] {
        for (i, text) in texts.iter().enumerate() {
            let record = serde_json::json!({
                "id": format!("{label}-{i}"), "label": label, "source": source, "text": text,
            });
            lines.push_str(&format!("{record}\n"));
        }
    }
    std::fs::write(&jsonl, lines).unwrap();
    let folder = dir.path().join("own");
    copy_label("ukraine", &folder.join("ukraine"));
    let n_kept = migration.len() + articles("ukraine").len();

    let model = dir.path().join("m.tasnif");
    let o = succeeds(
        tasnif()
            .arg("train")
            .arg(&jsonl)
            .arg(&folder)
            .args([
                "--supervised",
                "--sources",
                "keep",
                "--json",
                "--quiet",
                "--out",
            ])
            .arg(&model),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["documents"], n_kept, "{v}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("the sources filter does not apply"));

    // the folder was trained on whole, and its label is the model's
    let note = "are from the corpus this model was trained on";
    let (o, e) = eval_json(&model, &folder);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains(note));
    assert!((e["accuracy"].as_f64().unwrap() - 1.0).abs() < 1e-12, "{e}");
    // of the JSON Lines file, only the kept outlet counts as training documents
    let (o, _) = eval_json(&model, &jsonl);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let n_all = migration.len() + afghanistan.len();
    assert!(
        stderr.contains(&format!("{} of these {n_all} documents", migration.len())),
        "{stderr}"
    );

    let o = tasnif()
        .arg("train")
        .arg(&jsonl)
        .arg(&folder)
        .args(["--supervised", "--sources", "kep", "--quiet", "--out"])
        .arg(dir.path().join("typo.tasnif"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("source kep")
            && stderr.contains(&jsonl.display().to_string())
            && stderr.contains(&folder.display().to_string()),
        "{stderr}"
    );
    assert!(!dir.path().join("typo.tasnif").exists());

    let o = tasnif()
        .arg("train")
        .arg(&folder)
        .arg(&jsonl)
        .arg(folder.join("."))
        .args(["--supervised", "--quiet", "--out"])
        .arg(dir.path().join("twice.tasnif"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("given twice"), "{stderr}");
}

/// Regression (issue 16): `eval` and `report` computed the classification scores separately
/// and disagreed. A supervised model trained on `data/`, scored on a copy of `data/` holding
/// only `afghanistan/` and `ukraine/`: `eval` said macro-F1 1.000, `report` 0.400 (it averaged
/// over every label of the model). Both now show one evaluation's numbers.
#[test]
fn eval_and_report_show_the_same_numbers_on_a_corpus_missing_labels() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("s.tasnif");
    succeeds(
        tasnif()
            .args(["train", "data", "--supervised", "--quiet", "--out"])
            .arg(&model),
    );
    let part = dir.path().join("part");
    for label in ["afghanistan", "ukraine"] {
        std::fs::create_dir_all(part.join(label)).unwrap();
        for f in std::fs::read_dir(data().join(label)).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, part.join(label).join(f.file_name().unwrap())).unwrap();
        }
    }
    let o = succeeds(tasnif().arg("eval").arg(&model).arg(&part).arg("--json"));
    let eval: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let html = dir.path().join("r.html");
    succeeds(
        tasnif()
            .arg("report")
            .arg(&model)
            .arg(&part)
            .arg("--out")
            .arg(&html),
    );
    let html = std::fs::read_to_string(&html).unwrap();
    let attr = |name: &str| -> f64 {
        let at = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        html[at..at + html[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let f1 = eval["macro_avg"]["f1"].as_f64().unwrap();
    assert_eq!(attr("data-macro-f1"), f1);
    assert_eq!(attr("data-accuracy"), eval["accuracy"].as_f64().unwrap());
    assert_eq!(f1, 1.0, "{eval}");
    // the per-label rows are those of eval: the two labels the copy has
    assert_eq!(html.matches("class=\"label-row\"").count(), 2);

    // topic models: the agreement scores too
    let topics = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/topics.tasnif");
    let o = succeeds(tasnif().arg("eval").arg(&topics).arg(&part).arg("--json"));
    let eval: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let html_path = dir.path().join("t.html");
    succeeds(
        tasnif()
            .arg("report")
            .arg(&topics)
            .arg(&part)
            .arg("--out")
            .arg(&html_path),
    );
    let html = std::fs::read_to_string(&html_path).unwrap();
    let attr = |name: &str| -> f64 {
        let at = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        html[at..at + html[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    assert_eq!(attr("data-nmi"), eval["nmi"].as_f64().unwrap());
    assert_eq!(attr("data-purity"), eval["purity"].as_f64().unwrap());
}

/// `classify -` answers while its input is still arriving: the first line's result comes out
/// before standard input is closed (a feed: `tail -f feed.jsonl | tasnif classify MODEL -`),
/// and every later line's after it, in input order.
#[test]
fn classify_answers_a_feed_line_by_line_while_it_arrives() {
    use std::io::{BufRead, Write};
    let mut child = tasnif()
        .args(["classify", "models/topics.tasnif", "-", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let texts = [
        "وصل وفد من حركة طالبان إلى موسكو لإجراء محادثات سلام مع الحكومة الأفغانية",
        "غرق قارب يقل مهاجرين قبالة السواحل اليونانية وخفر السواحل ينقذ العشرات",
        "الكرملين يعلق على محادثات السلام بشأن أوكرانيا مع الولايات المتحدة",
    ];
    for (i, text) in texts.iter().enumerate() {
        writeln!(
            stdin,
            "{}",
            serde_json::json!({"id": format!("n{i}"), "text": text})
        )
        .unwrap();
        stdin.flush().unwrap();
        // the answer to this line, read while standard input stays open
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["id"], format!("n{i}"), "{line}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// `train` with `args` on `corpus`, temporary files in `tmp`; the model's bytes.
fn model_bytes(corpus: &Path, tmp: &Path, args: &[&str]) -> Vec<u8> {
    let out = tmp.join("model.tasnif");
    succeeds(
        tasnif()
            .env("TMPDIR", tmp)
            .arg("train")
            .arg(corpus)
            .args(["--quiet", "--force", "--out"])
            .arg(&out)
            .args(args),
    );
    let bytes = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    let left: Vec<_> = std::fs::read_dir(tmp).unwrap().collect();
    assert!(left.is_empty(), "{args:?} left temporary files: {left:?}");
    bytes
}

/// Counts spilled to a temporary file (a 1 KiB budget) and one thread, or all in memory and two
/// threads: the same model, and nothing left in the temporary folder.
fn same_model_spilled_or_not(corpus: &Path, k: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let memory = model_bytes(corpus, tmp.path(), &["--k", k, "--threads", "2"]);
    let spilled = model_bytes(
        corpus,
        tmp.path(),
        &["--k", k, "-j", "1", "--memory-budget", "1K"],
    );
    assert!(
        memory == spilled,
        "spilling or one thread changed the model"
    );
    let supervised = ["--supervised", "-j", "2"];
    let spilled_sup = ["--supervised", "-j", "1", "--memory-budget", "1K"];
    assert!(
        model_bytes(corpus, tmp.path(), &supervised)
            == model_bytes(corpus, tmp.path(), &spilled_sup)
    );
}

#[test]
fn spilled_counts_and_one_thread_give_the_same_model() {
    same_model_spilled_or_not(&data(), "4");
    let dir = tempfile::tempdir().unwrap();
    for (budget, spilled) in [("1K", true), ("1G", false)] {
        let o = succeeds(
            tasnif()
                .args([
                    "train",
                    "data",
                    "--json",
                    "--quiet",
                    "--memory-budget",
                    budget,
                    "--out",
                ])
                .arg(dir.path().join("m.tasnif"))
                .arg("--force"),
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["spilled"], spilled, "--memory-budget {budget}");
    }
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs the ANT corpus in ../shared: cargo test --features external-tests"
)]
fn spilled_counts_and_one_thread_give_the_same_model_on_ant() {
    use std::io::BufRead;
    let ant = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/ant-multisource/ant-multisource.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("ant-4000.jsonl");
    let lines: Vec<String> = std::io::BufReader::new(std::fs::File::open(ant).unwrap())
        .lines()
        .take(4000)
        .map(Result::unwrap)
        .collect();
    std::fs::write(&sample, lines.join("\n") + "\n").unwrap();
    same_model_spilled_or_not(&sample, "6");
}

#[test]
fn named_topics_are_shown_by_topics_and_classify() {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/topics.tasnif");
    let o = succeeds(tasnif().arg("topics").arg(&model));
    let text = String::from_utf8(o.stdout).unwrap();
    for name in [
        "Afghanistan diplomacy · دبلوماسية أفغانستان",
        "Greenland · غرينلاند",
        "Migration · الهجرة",
    ] {
        assert!(text.contains(name), "topics lacks {name}:\n{text}");
    }
    assert!(text.contains("Named topic | Seed words"), "{text}");
    let o = succeeds(
        tasnif()
            .arg("classify")
            .arg(&model)
            .arg(data().join("greenland/seed-001-danish-pm-visits-greenland.txt")),
    );
    let line = String::from_utf8(o.stdout).unwrap();
    assert!(line.contains("\tGreenland · غرينلاند\t"), "{line}");
}

#[test]
fn a_bad_topics_file_is_named_before_any_training() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("topics.toml");
    std::fs::write(&bad, "[[topic]]\nname = \"A\"\n").unwrap();
    for (file, says) in [
        (bad.clone(), "missing field `seeds`"),
        (dir.path().join("none.toml"), "No such file"),
    ] {
        let o = tasnif()
            .args(["train", "data", "--quiet", "--topics"])
            .arg(&file)
            .arg("--out")
            .arg(dir.path().join("m.tasnif"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&file.display().to_string()) && err.contains(says),
            "{err}"
        );
        assert!(!dir.path().join("m.tasnif").exists());
    }
    let o = tasnif()
        .args([
            "train",
            "data",
            "--supervised",
            "--topics",
            "data/topics.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "--topics with --supervised is a usage error"
    );
}

/// data/ as JSON Lines with dates: ISO 8601 and RFC 2822 over three weeks, some undated, one
/// unreadable.
fn dated_corpus(dir: &Path) -> PathBuf {
    let mut lines = Vec::new();
    let mut paths: Vec<PathBuf> = ["afghanistan", "ukraine", "greenland", "migration"]
        .iter()
        .flat_map(|l| {
            std::fs::read_dir(data().join(l))
                .unwrap()
                .map(|e| e.unwrap().path())
        })
        .collect();
    paths.sort();
    for (i, p) in paths.iter().enumerate() {
        let label = p.parent().unwrap().file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(p).unwrap();
        let mut v = serde_json::json!({"id": format!("a{i}"), "label": label, "text": text});
        match i % 10 {
            0 => {}
            1 => v["date"] = "yesterday".into(),
            2 => v["date"] = format!("{:02} Oct 2018 09:30:00 +0300", 1 + i % 21).into(),
            _ => v["date"] = format!("2018-10-{:02}", 1 + i % 21).into(),
        }
        lines.push(v.to_string());
    }
    let path = dir.join("dated.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn topics_over_time_in_eval_report_and_classify() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dated_corpus(dir.path());
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/topics.tasnif");
    let o = succeeds(tasnif().arg("eval").arg(&model).arg(&corpus).arg("--json"));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = &v["over_time"];
    assert_eq!(t["period"], "day", "{t}");
    assert_eq!(t["periods"].as_array().unwrap().len(), 21);
    assert_eq!(t["periods"][0], "2018-10-01");
    let counted: u64 = (t["counts"].as_array().unwrap().iter())
        .flat_map(|c| c.as_array().unwrap().iter().map(|n| n.as_u64().unwrap()))
        .sum();
    let undated: u64 = t["undated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(counted, t["dated"].as_u64().unwrap());
    // every tenth undated, every tenth (from the second) unreadable: 110 articles
    assert_eq!((counted, undated), (88, 22), "{t}");
    assert_eq!(v["unreadable_dates"], 11);

    let o = succeeds(tasnif().arg("eval").arg(&model).arg(&corpus));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("articles per topic by day (88 dated, 22 undated)"),
        "{text}"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("11 document(s) have a date that could not be read")
    );

    let html = dir.path().join("r.html");
    succeeds(
        tasnif()
            .arg("report")
            .arg(&model)
            .arg(&corpus)
            .arg("--out")
            .arg(&html),
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("id=\"topics-over-time\"") && page.contains("data-periods=\"21\""));
    assert_eq!(page.matches("class=\"topic-line\"").count(), 4);

    let o = succeeds(
        tasnif()
            .arg("classify")
            .arg(&model)
            .arg(&corpus)
            .arg("--json"),
    );
    let lines: Vec<serde_json::Value> = (String::from_utf8(o.stdout).unwrap().lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["id"], "a0");
    assert!(lines[0].get("date").is_none());
    assert_eq!(lines[1]["date_unreadable"], "yesterday");
    // RFC 2822 at 09:30 +0300 is 06:30 UTC, the same day
    assert_eq!(lines[2]["date"], "2018-10-03");
    assert_eq!(lines[3]["date"], "2018-10-04");
}
