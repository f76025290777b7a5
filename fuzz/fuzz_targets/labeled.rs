//! The labeled-data parser (JSON Lines and CSV) on arbitrary bytes.
#![no_main]
use baogao::labeled::parse;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = parse(data.to_vec(), Path::new("fuzz.jsonl"), true);
    let _ = parse(data.to_vec(), Path::new("fuzz.csv"), true);
    let _ = parse(data.to_vec(), Path::new("fuzz.csv"), false);
    let _ = parse(data.to_vec(), Path::new("fuzz.jsonl"), false);
});
