//! `Analyzer::terms` and `for_each_token` on arbitrary UTF-8: no panic, and every token's byte
//! range is a valid slice of the input (the CLI slices `text[start..end]`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tasnif::text::{Analyzer, AnalyzerConfig};

fn analyzers() -> &'static [Analyzer; 2] {
    static A: OnceLock<[Analyzer; 2]> = OnceLock::new();
    A.get_or_init(|| {
        [
            Analyzer::new(AnalyzerConfig::default()).unwrap(),
            Analyzer::new(AnalyzerConfig {
                stopwords: tasnif::text::stopwords::StopwordsConfig::None,
                keep_numbers: true,
                ..Default::default()
            })
            .unwrap(),
        ]
    })
}

fuzz_target!(|text: &str| {
    for a in analyzers() {
        let terms = a.terms(text);
        let mut n = 0;
        a.for_each_token(text, |t| {
            assert!(t.start <= t.end, "{}..{}", t.start, t.end);
            assert!(
                text.get(t.start..t.end).is_some(),
                "bad range {}..{}",
                t.start,
                t.end
            );
            let _ = tasnif::text::analyzer::display_form(&text[t.start..t.end]);
            n += 1;
        });
        assert!(terms.len() <= n);
    }
});
