//! Property tests of the text chain on arbitrary UTF-8 and on Arabic-heavy strings.

use proptest::prelude::*;
use tasnif::text::analyzer::{Analyzer, AnalyzerConfig};
use tasnif::text::normalize::NormalizeConfig;
use tasnif::text::stem::stem;
use tasnif::text::tokenize::tokenize;

/// Strings biased towards Arabic letters, marks, tatweel, hamza forms, controls and presentation
/// forms, mixed with any character.
fn arabicish() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => proptest::char::range('\u{0600}', '\u{06FF}'),
        1 => proptest::char::range('\u{FB50}', '\u{FEFF}'),
        1 => proptest::char::range('\u{200B}', '\u{206F}'),
        1 => Just(' '),
        1 => any::<char>(),
    ];
    proptest::collection::vec(ch, 0..40).prop_map(|v| v.into_iter().collect())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), arabicish()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn normalisation_is_idempotent(s in text()) {
        let n = NormalizeConfig::default();
        let once = n.normalize(&s);
        prop_assert_eq!(n.normalize(&once), once.clone());
    }

    #[test]
    fn tokens_are_ordered_non_empty_char_boundary_slices(s in text()) {
        let mut last = 0;
        for t in tokenize(&s) {
            prop_assert!(t.start < t.end);
            prop_assert!(t.start >= last);
            prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            prop_assert!(!s[t.start..t.end].is_empty());
            last = t.end;
        }
    }

    #[test]
    fn stem_is_non_empty_and_never_longer(s in text()) {
        // Any string, and the normalised word as the analyser passes it.
        let n = NormalizeConfig::default();
        for w in [s.clone(), n.normalize(&s)] {
            let st = stem(&w);
            if !w.is_empty() {
                prop_assert!(!st.is_empty(), "empty stem for {:?}", w);
            }
            prop_assert!(st.chars().count() <= w.chars().count(), "{:?} -> {:?}", w, st);
        }
    }

    #[test]
    fn analyser_tokens_are_in_order_and_point_into_the_text(s in text()) {
        let a = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let mut last = 0;
        let mut n = 0;
        a.for_each_token(&s, |t| {
            assert!(t.start < t.end && t.start >= last);
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            assert!(!t.term.is_empty());
            last = t.end;
            n += 1;
        });
        prop_assert_eq!(a.terms(&s).len(), n);
    }
}

/// Every word of the golden list has a non-empty stem no longer than the word: the
/// property on real words, not only on random strings.
#[test]
fn stem_properties_hold_on_real_words() {
    let words = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/stem.words"),
    )
    .unwrap();
    let n = NormalizeConfig::default();
    for w in words.lines() {
        let w = n.normalize(w);
        let st = stem(&w);
        assert!(
            !st.is_empty() && st.chars().count() <= w.chars().count(),
            "{w} -> {st}"
        );
    }
}
