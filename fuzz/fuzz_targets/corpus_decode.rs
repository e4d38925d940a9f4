//! `corpus::decode` on arbitrary bytes, then the scraped-page cleaner on whatever decoded.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match tasnif::corpus::decode(bytes) {
        Ok(text) => {
            let _ = tasnif::corpus::clean_scraped(&text);
        }
        Err(reason) => assert!(!reason.is_empty()),
    }
    let _ = tasnif::corpus::read_jsonl_from(
        bytes,
        std::path::Path::new("fuzz.jsonl"),
        &tasnif::corpus::JsonlFields::default(),
    );
});
