//! The reader on arbitrary bytes: as a text file (encoding detection, binary sniffing) and as a
//! `.docx` (zip + XML). Any result is fine; a panic is a bug.
#![no_main]
use baogao::reading::{read_bytes, ReadOptions};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions::default();
    let _ = read_bytes(data, Path::new("fuzz.txt"), &opts);
    let _ = read_bytes(data, Path::new("fuzz.docx"), &opts);
});
