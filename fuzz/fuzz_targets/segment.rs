//! The segmenter on any text the reader accepts, and the invariants of its output: offsets in
//! bounds and on character boundaries, `text` equal to the source span.
#![no_main]
use baogao::reading::{read_bytes, ReadOptions};
use baogao::segmenting::{segment, SegmentOptions};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = read_bytes(data, Path::new("fuzz.txt"), &ReadOptions::default()) else {
        return;
    };
    let Ok(report) = segment(&doc, &SegmentOptions::default()) else {
        return;
    };
    for p in &report.paragraphs {
        assert!(p.start <= p.end && p.end <= doc.text.len());
        assert_eq!(&doc.text[p.start..p.end], p.text);
    }
});
