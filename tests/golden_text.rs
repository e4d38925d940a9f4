//! Line-aligned golden files for the normaliser and the stemmer (rust-stemmers style):
//! `tests/golden/<name>.words` holds one input per line, `<name>.expected` the output the current
//! code gives, reviewed by hand (`tests/golden/REVIEW.md` lists the stems known to be wrong).
//! A change of output fails with a line-by-line diff. To accept a deliberate change, rerun with
//! `TASNIF_BLESS=1` and review the `git diff` of the `.expected` file.

use std::path::PathBuf;
use tasnif::text::normalize::NormalizeConfig;
use tasnif::text::stem::stem;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn check(name: &str, f: impl Fn(&str) -> String) {
    let words = std::fs::read_to_string(golden(&format!("{name}.words"))).unwrap();
    let words: Vec<&str> = words.lines().collect();
    let got: Vec<String> = words.iter().map(|w| f(w)).collect();
    let expected_path = golden(&format!("{name}.expected"));
    if std::env::var_os("TASNIF_BLESS").is_some() {
        std::fs::write(&expected_path, got.join("\n") + "\n").unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(
        words.len(),
        expected.len(),
        "{name}: .words and .expected are not line-aligned"
    );
    let diff: Vec<String> = words
        .iter()
        .zip(&got)
        .zip(&expected)
        .enumerate()
        .filter(|(_, ((_, g), e))| g.as_str() != **e)
        .map(|(i, ((w, g), e))| format!("  line {}: {w}: expected {e}, got {g}", i + 1))
        .collect();
    assert!(
        diff.is_empty(),
        "{name}: {} of {} lines differ:\n{}",
        diff.len(),
        words.len(),
        diff.join("\n")
    );
}

#[test]
fn golden_files_have_at_least_300_words_from_data() {
    for name in ["normalize", "stem"] {
        let words = std::fs::read_to_string(golden(&format!("{name}.words"))).unwrap();
        assert!(words.lines().count() >= 300, "{name}.words is too short");
    }
}

#[test]
fn normalize_matches_golden() {
    let n = NormalizeConfig::default();
    check("normalize", |w| n.normalize(w));
}

/// The stemmer's input is a normalised word, so `stem.words` holds the words as written in
/// `data/` and the expected stem is `stem(normalize(word))`.
#[test]
fn stem_matches_golden() {
    let n = NormalizeConfig::default();
    check("stem", |w| stem(&n.normalize(w)));
}

/// Agreement with the Snowball-convention stems of Benzahia's golden corpus (informational:
/// the conventions differ, e.g. Snowball keeps و before ال and maps ئ to ي).
#[test]
fn golden_corpus_arabic_agreement() {
    // Benzahia's corpus, BSD-2-Clause (its LICENSE beside it)
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden-corpus-arabic");
    let words = std::fs::read_to_string(dir.join("words.txt")).expect("the golden corpus");
    let stems = std::fs::read_to_string(dir.join("stems.txt")).unwrap();
    let (words, stems): (Vec<&str>, Vec<&str>) = (words.lines().collect(), stems.lines().collect());
    assert_eq!(words.len(), 1165, "words.txt should have 1,165 lines");
    assert_eq!(stems.len(), 1165, "stems.txt should have 1,165 lines");
    let n = NormalizeConfig::default();
    let mut agree = 0;
    for (w, s) in words.iter().zip(&stems) {
        // Both sides normalised the same way (their stems keep ة/ى; ours fold them).
        if stem(&n.normalize(w.trim())) == n.normalize(s.trim()) {
            agree += 1;
        }
    }
    let rate = agree as f64 / words.len() as f64;
    println!(
        "golden-corpus-arabic: {agree}/{} stems agree ({rate:.3})",
        words.len()
    );
    // Sanity floor only: a stemmer that returned its input unchanged would score near 0.
    assert!(agree > 0);
}
