//! The model loader on arbitrary bytes. Seeds starting with the real header reach further.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    common::load_and_use(bytes);
});
