//! Property tests: arbitrary bytes and report-like text never make the reader or the segmenter
//! panic, and whatever they return keeps its invariants.

use baogao::reading::{read_bytes, Document, ReadOptions, SourceFormat};
use baogao::segmenting::{segment, SegmentOptions};
use proptest::prelude::*;
use std::path::Path;

fn check(doc: &Document) {
    if let Ok(r) = segment(doc, &SegmentOptions::default()) {
        let mut last = 0;
        for p in &r.paragraphs {
            assert!(p.start >= last && p.end > p.start);
            assert_eq!(&doc.text[p.start..p.end], p.text);
            assert!(!p.text.trim().is_empty());
            last = p.end;
        }
        for h in &r.headings {
            assert_eq!(&doc.text[h.start..h.end], h.text);
            assert!(h.level >= 1);
        }
    }
}

/// Pieces real reports are made of, so generated text reaches the interesting branches.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("一、".to_string()),
        Just("（一）".to_string()),
        Just("(二)".to_string()),
        Just("1、".to_string()),
        Just("2.".to_string()),
        Just("（3）".to_string()),
        Just("①".to_string()),
        Just("一是".to_string()),
        Just("第一，".to_string()),
        Just("### ".to_string()),
        Just("2019年工作回顾".to_string()),
        Just("2X18年".to_string()),
        Just("各位代表：".to_string()),
        Just("名词解释".to_string()),
        Just("延伸阅读".to_string()),
        Just("分享到".to_string()),
        Just("——".to_string()),
        Just("。".to_string()),
        Just("；".to_string()),
        Just("：".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\u{3000}".to_string()),
        Just(" ".to_string()),
        "[\\p{Han}]{1,40}",
        "[a-zA-Z0-9Xx*]{1,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(doc) = read_bytes(&bytes, Path::new("x.txt"), &ReadOptions::default()) {
            check(&doc);
        }
    }

    #[test]
    fn report_like_text_never_panics(pieces in proptest::collection::vec(piece(), 0..200)) {
        let text: String = pieces.concat();
        let doc = Document { path: "x.txt".into(), text, encoding: "UTF-8", format: SourceFormat::Text };
        check(&doc);
        // And the same text through the reader, in GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode(&doc.text);
        if let Ok(doc) = read_bytes(&gbk, Path::new("x.txt"), &ReadOptions::default()) {
            check(&doc);
        }
    }
}
