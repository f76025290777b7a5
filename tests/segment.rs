//! `baogao segment`: real binary, real files.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn jsonl(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn outline_and_jsonl_of_a_fixture() {
    let f = fixture("lanxi_2019.txt");
    let r = baogao(&["segment", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("place: 兰溪县"), "{}", r.stdout);
    assert!(r.stdout.contains("date: 2019-01-15"), "{}", r.stdout);
    assert!(
        r.stdout.contains("    （二）脱贫攻坚取得决定性进展\n"),
        "{}",
        r.stdout
    );

    let r = baogao(&["segment", "--format", "jsonl", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = jsonl(&r.stdout);
    assert_eq!(rows.len(), 16);
    let text = fs::read_to_string(&f).unwrap();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["report"], "lanxi_2019");
        assert_eq!(row["index"], i);
        let (s, e) = (
            row["start"].as_u64().unwrap() as usize,
            row["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], row["text"].as_str().unwrap());
    }
    // A heading that opens a paragraph is split from its body, and the body sits under it.
    let body = rows
        .iter()
        .find(|r| r["text"].as_str().unwrap().starts_with("新落地"))
        .unwrap();
    assert_eq!(
        body["heading_path"],
        serde_json::json!(["一、2018年工作回顾", "（一）产业转型步伐加快"])
    );
    let poverty = rows
        .iter()
        .find(|r| r["text"].as_str().unwrap().starts_with("全县建档立卡"))
        .unwrap();
    assert_eq!(
        poverty["heading_path"],
        serde_json::json!([
            "一、2018年工作回顾",
            "（二）脱贫攻坚取得决定性进展",
            "1、精准识别精准帮扶"
        ])
    );
    // The share button at the end is not a paragraph.
    assert!(!r.stdout.contains("分享到"));
}

#[test]
fn same_report_in_every_encoding_and_docx_gives_the_same_jsonl() {
    let text = fs::read_to_string(fixture("lanxi_2019.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let variants: Vec<(&str, &str, Vec<u8>)> = vec![
        ("utf8", "txt", text.as_bytes().to_vec()),
        ("utf8bom", "txt", bom),
        ("gbk", "txt", gbk.into_owned()),
        ("utf16le", "txt", utf16(&text, true)),
        ("utf16be", "txt", utf16(&text, false)),
        ("docx", "docx", docx(&text)),
    ];
    let mut outputs = Vec::new();
    for (name, ext, bytes) in &variants {
        let sub = dir.path().join(name);
        fs::create_dir(&sub).unwrap();
        let path = sub.join(format!("lanxi_2019.{ext}"));
        fs::write(&path, bytes).unwrap();
        let r = baogao(&["segment", "--format", "jsonl", path.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(!r.stdout.is_empty());
        outputs.push((name, r.stdout));
    }
    for (name, out) in &outputs[1..] {
        assert_eq!(out, &outputs[0].1, "{name} differs from utf8");
    }
}

#[test]
fn reads_standard_input() {
    let text = fs::read(fixture("lanxi_2019.txt")).unwrap();
    let r = baogao_in(None, &["segment", "--format", "jsonl", "-"], Some(&text));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = jsonl(&r.stdout);
    assert_eq!(rows.len(), 16);
    assert_eq!(rows[0]["report"], "stdin");
}

#[test]
fn line_endings_crlf_and_lone_cr() {
    let text = fs::read_to_string(fixture("lanxi_2019.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for (name, sep) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let sub = dir.path().join(name);
        fs::create_dir(&sub).unwrap();
        let p = sub.join("r.txt");
        fs::write(&p, text.replace('\n', sep)).unwrap();
        let r = baogao(&["segment", "--format", "jsonl", p.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let texts: Vec<(String, Value)> = jsonl(&r.stdout)
            .into_iter()
            .map(|v| {
                (
                    v["text"].as_str().unwrap().to_string(),
                    v["heading_path"].clone(),
                )
            })
            .collect();
        outs.push(texts);
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
}

#[test]
fn year_override_and_json_metadata() {
    let f = fixture("lanxi_2019.txt");
    let r = baogao(&[
        "segment",
        "--format",
        "json",
        "--year",
        "2001",
        f.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["meta"]["year"], 2001);
    assert_eq!(v["meta"]["year_source"], "user");
    assert_eq!(v["meta"]["speaker"], "周明远");
    let r = baogao(&["segment", "--year", "20190", f.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn errors_name_the_file_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("empty.txt"), "").unwrap();
    fs::write(d.join("blank.txt"), " \n\u{3000}\n\t\n").unwrap();
    fs::write(d.join("scan.pdf"), b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj").unwrap();
    fs::write(d.join("only_headings.txt"), "一、总体情况\n二、主要问题\n").unwrap();
    fs::write(d.join("bad.docx"), b"PK\x03\x04 this is not really a zip").unwrap();
    let cases = [
        ("missing.txt", "no such file"),
        ("empty.txt", "empty"),
        ("blank.txt", "empty"),
        ("scan.pdf", "pdftotext"),
        ("only_headings.txt", "no paragraphs"),
        ("bad.docx", ".docx"),
        (".", "folder"),
    ];
    for (name, needle) in cases {
        let p = d.join(name);
        let r = baogao(&["segment", p.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains(p.to_str().unwrap()),
            "{name}: {}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    // Several files: the good ones are still processed, and the exit code says something failed.
    let good = fixture("lanxi_2019.txt");
    let r = baogao(&[
        "segment",
        "--format",
        "jsonl",
        d.join("empty.txt").to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.lines().count(), 16);
    assert!(r.stderr.contains("1 of 2 inputs failed"), "{}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(baogao(&["segment"]).code, 2);
    assert_eq!(baogao(&["segment", "--format", "xml", "a.txt"]).code, 2);
    let r = baogao(&["segment", "--encoding", "klingon", "a.txt"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown encoding"), "{}", r.stderr);
}

/// The seed reports: every heading found at the right level, paragraphs under the right heading.
#[test]
fn seed_reports_structure() {
    let Some(corpus) = corpus() else { return };
    let seed = corpus.join("seed");
    let r = baogao(&[
        "segment",
        "--format",
        "json",
        seed.join("seed-2.txt").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let p = v["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["text"].as_str().unwrap().starts_with("一年来,严格执行"))
        .expect("paragraph present");
    let path = p["heading_path"].as_array().unwrap();
    let innermost = path.last().unwrap().as_str().unwrap();
    assert!(
        innermost.starts_with("(二)脱贫攻坚统揽全局") && innermost.ends_with("巩固提升"),
        "{innermost}"
    );

    let r = baogao(&[
        "segment",
        "--format",
        "json",
        seed.join("seed-4.txt").to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let heads = v["headings"].as_array().unwrap();
    let h = heads
        .iter()
        .find(|h| h["text"] == "(一)工业发展稳中求进")
        .expect("split heading");
    let body = v["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["heading"] == h["index"])
        .unwrap();
    assert!(body["text"].as_str().unwrap().starts_with("面对"));

    // In every seed, each short line that opens with a numbering marker is a heading, its level
    // is one below its parent's, and numbering styles keep their level within a part.
    let marked =
        regex::Regex::new(r"^(\(|（)?[一二三四五六七八九十]+(\)|）|、|是)|^\d+[、.]").unwrap();
    for n in 1..=4 {
        let file = seed.join(format!("seed-{n}.txt"));
        let text = fs::read_to_string(&file).unwrap();
        let r = baogao(&["segment", "--format", "json", file.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
        let heads = v["headings"].as_array().unwrap();
        for h in heads {
            if let Some(parent) = h["parent"].as_u64() {
                assert_eq!(
                    h["level"].as_u64().unwrap(),
                    heads[parent as usize]["level"].as_u64().unwrap() + 1
                );
            } else {
                assert_eq!(h["level"], 1);
            }
        }
        for line in text.lines().map(str::trim) {
            if marked.is_match(line) && line.chars().count() <= 30 && !line.contains('。') {
                let bare = line.trim_end_matches([':', '：', '。']);
                assert!(
                    heads.iter().any(|h| h["text"] == bare),
                    "seed-{n}: `{line}` is not a heading"
                );
            }
        }
    }
}

/// Every corpus report segments, and the offsets hold: ordered, non-overlapping, on char
/// boundaries, each paragraph's text found at its offsets, no empty paragraph.
#[test]
fn whole_corpus_segments_with_sound_offsets() {
    let Some(corpus) = corpus() else { return };
    let mut files = Vec::new();
    for dir in [corpus.join("reports"), corpus.join("seed")] {
        collect(&dir, &mut files);
    }
    files.sort();
    assert!(files.len() > 300, "{}", files.len());
    for chunk in files.chunks(64) {
        let mut args = vec!["segment", "--format", "json"];
        args.extend(chunk.iter().map(|p| p.to_str().unwrap()));
        let r = baogao(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let reports: Vec<Value> = jsonl(&r.stdout);
        assert_eq!(reports.len(), chunk.len());
        for (file, rep) in chunk.iter().zip(&reports) {
            let text = fs::read_to_string(file).unwrap();
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let mut last_end = 0;
            let paras = rep["paragraphs"].as_array().unwrap();
            assert!(!paras.is_empty(), "{}", file.display());
            for p in paras {
                let (s, e) = (
                    p["start"].as_u64().unwrap() as usize,
                    p["end"].as_u64().unwrap() as usize,
                );
                assert!(
                    s >= last_end && e > s,
                    "{}: offsets out of order",
                    file.display()
                );
                assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
                assert_eq!(
                    &text[s..e],
                    p["text"].as_str().unwrap(),
                    "{}",
                    file.display()
                );
                let (cs, ce) = (
                    p["char_start"].as_u64().unwrap() as usize,
                    p["char_end"].as_u64().unwrap() as usize,
                );
                assert_eq!(text[..s].chars().count(), cs);
                assert_eq!(ce - cs, p["text"].as_str().unwrap().chars().count());
                last_end = e;
            }
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "txt") {
            out.push(p);
        }
    }
}
