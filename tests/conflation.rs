//! Conflation score on `tests/data/conflation.tsv`, tasnif's own test set (a copy of
//! `../shared/stemming/conflation.tsv`; issue 2's bar: join recall and split
//! precision both ≥ 0.90; ISRI scores 0.883 / 0.750, light10 0.828 / 0.083).

use tasnif::text::normalize::NormalizeConfig;
use tasnif::text::stem::stem;

fn conflation_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conflation.tsv")
}

#[test]
fn conflation_score_meets_the_bar() {
    let text = std::fs::read_to_string(conflation_path()).expect("tests/data/conflation.tsv");
    let norm = NormalizeConfig::default();
    let s = |w: &str| stem(&norm.normalize(w));
    let (mut join_ok, mut join_n, mut split_ok, mut split_n) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (kind, words) = line.split_once('\t').expect("kind<TAB>words");
        let words: Vec<&str> = words.split(' ').collect();
        let stems: Vec<String> = words.iter().map(|w| s(w)).collect();
        for i in 0..words.len() {
            for j in i + 1..words.len() {
                let same = stems[i] == stems[j];
                match kind {
                    "J" => {
                        join_n += 1;
                        join_ok += same as usize;
                        if !same {
                            failures.push(format!(
                                "J {}→{} ≠ {}→{}",
                                words[i], stems[i], words[j], stems[j]
                            ));
                        }
                    }
                    "S" => {
                        split_n += 1;
                        split_ok += !same as usize;
                        if same {
                            failures.push(format!("S {} = {} → {}", words[i], words[j], stems[i]));
                        }
                    }
                    other => panic!("unknown line kind {other}"),
                }
            }
        }
    }
    let recall = join_ok as f64 / join_n as f64;
    let precision = split_ok as f64 / split_n as f64;
    println!(
        "join recall {recall:.3} ({join_ok}/{join_n}), split precision {precision:.3} ({split_ok}/{split_n})"
    );
    for f in &failures {
        println!("  {f}");
    }
    assert!(
        join_n > 400 && split_n >= 12,
        "the test set looks truncated"
    );
    assert!(recall >= 0.90, "join recall {recall:.3} < 0.90");
    assert!(precision >= 0.90, "split precision {precision:.3} < 0.90");
}
