//! Checks of the labeled corpus, dictionary and stopwords in `data/`.

mod common;

use baogao::tokenizing::{Tokenizer, BUILTIN_DICT, BUILTIN_STOPWORDS};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The codebook's six labels, as the library knows them.
const LABELS: [&str; 6] = baogao::themes::THEME_IDS;
const LEVELS: [&str; 6] = [
    "township", "county", "city", "province", "national", "party",
];

fn train_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/train");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
}

/// (file, line, record) for every sample.
fn samples() -> Vec<(String, usize, Value)> {
    let mut out = Vec::new();
    for f in train_files() {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for (i, line) in fs::read_to_string(&f).unwrap().lines().enumerate() {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{name}:{}: not JSON: {e}", i + 1));
            out.push((name.clone(), i + 1, v));
        }
    }
    out
}

#[test]
fn every_line_is_a_valid_sample() {
    for (f, n, v) in samples() {
        let text = v["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{f}:{n}: no text"));
        assert!(text.trim().chars().count() >= 8, "{f}:{n}: text too short");
        assert!(!text.contains('\n'), "{f}:{n}: line break in text");
        let label = v["label"]
            .as_str()
            .unwrap_or_else(|| panic!("{f}:{n}: no label"));
        assert!(LABELS.contains(&label), "{f}:{n}: label {label}");
        assert!(
            v["report"].as_str().is_some_and(|r| !r.is_empty()),
            "{f}:{n}: no report"
        );
        assert!(
            LEVELS.contains(&v["level"].as_str().unwrap_or("")),
            "{f}:{n}: level"
        );
        let year = v["year"].as_i64().unwrap_or(0);
        assert!((2000..=2026).contains(&year), "{f}:{n}: year {year}");
        if let Some(also) = v.get("also") {
            for a in also.as_array().unwrap() {
                let a = a.as_str().unwrap();
                assert!(LABELS.contains(&a) && a != label, "{f}:{n}: also {a}");
            }
        }
        if let Some(h) = v.get("heading") {
            assert!(
                h.as_str().is_some_and(|h| !h.trim().is_empty()),
                "{f}:{n}: heading"
            );
        }
    }
}

#[test]
fn counts_meet_the_minimums() {
    let s = samples();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, v) in &s {
        *counts
            .entry(v["label"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert!(s.len() >= 2000, "{} samples", s.len());
    for l in &LABELS[..5] {
        assert!(counts[*l] >= 250, "{l}: {}", counts[*l]);
    }
    assert!(counts["other"] >= 500, "other: {}", counts["other"]);
    // Whole reports, so cross-validation can hold them out.
    let mut per_report: HashMap<&str, usize> = HashMap::new();
    for (_, _, v) in &s {
        *per_report.entry(v["report"].as_str().unwrap()).or_default() += 1;
    }
    assert!(per_report.len() >= 100, "{} reports", per_report.len());
    let lengths: Vec<usize> = s
        .iter()
        .map(|(_, _, v)| v["text"].as_str().unwrap().chars().count())
        .collect();
    assert!(lengths.iter().any(|&n| n < 40) && lengths.iter().any(|&n| n > 1000));
}

#[test]
fn no_duplicate_or_near_duplicate_texts() {
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for (f, n, v) in samples() {
        let key: String = v["text"]
            .as_str()
            .unwrap()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .take(30)
            .collect();
        if let Some((f0, n0)) = seen.insert(key.clone(), (f.clone(), n)) {
            panic!("{f}:{n} starts like {f0}:{n0}: {key}");
        }
    }
}

#[test]
fn dictionary_terms_survive_tokenization_whole() {
    let t = Tokenizer::new(BUILTIN_DICT, "", false).unwrap();
    let mut terms = 0;
    for (n, line) in BUILTIN_DICT.lines().enumerate() {
        let mut parts = line.split_whitespace();
        let term = parts
            .next()
            .unwrap_or_else(|| panic!("dict.txt:{}: empty line", n + 1));
        let freq: usize = parts
            .next()
            .and_then(|f| f.parse().ok())
            .unwrap_or_else(|| panic!("dict.txt:{}: `{term}` has no frequency", n + 1));
        assert!(freq > 0);
        assert_eq!(t.tokens(term), vec![term.to_string()], "dict.txt:{}", n + 1);
        let sentence = format!("我县全面推进{term}工作，取得明显成效。");
        assert!(
            t.tokens(&sentence).contains(&term.to_string()),
            "dict.txt:{}: {term} split in a sentence",
            n + 1
        );
        terms += 1;
    }
    assert!(terms >= 400, "{terms} terms");
}

#[test]
fn stopwords_are_listed_once_and_carry_no_theme_terms() {
    let words: Vec<&str> = BUILTIN_STOPWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let set: HashSet<&str> = words.iter().copied().collect();
    assert_eq!(set.len(), words.len(), "duplicate stopwords");
    assert!(words.len() >= 100);
    // Words that name a theme must never be stopwords.
    for w in [
        "脱贫攻坚",
        "扶贫",
        "卫生",
        "环境",
        "党建",
        "扫黑除恶",
        "安全生产",
        "工业",
        "招商引资",
        "教育",
    ] {
        assert!(!set.contains(w), "{w} is a stopword");
    }
    for w in ["各位代表", "同志们", "进一步", "切实", "全面"] {
        assert!(set.contains(w), "{w} is not a stopword");
    }
}

/// The provenance rule: no sample shares a run of 20 characters (whitespace removed, at least 12
/// of them Chinese) with any file of the shared corpus.
#[test]
fn no_sample_copies_the_corpus() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let windows = |text: &str, mut f: Box<dyn FnMut(&str) + '_>| {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let idx: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
        let chars: Vec<char> = t.chars().collect();
        let mut cjk = 0;
        for (i, c) in chars.iter().enumerate() {
            if ('\u{4e00}'..='\u{9fff}').contains(c) {
                cjk += 1;
            }
            if i >= 20 && ('\u{4e00}'..='\u{9fff}').contains(&chars[i - 20]) {
                cjk -= 1;
            }
            if i >= 19 && cjk >= 12 {
                f(&t[idx[i - 19]..idx[i + 1]]);
            }
        }
    };
    let mut mine: HashMap<String, String> = HashMap::new();
    for (f, n, v) in samples() {
        for field in ["text", "heading"] {
            if let Some(s) = v.get(field).and_then(Value::as_str) {
                windows(
                    s,
                    Box::new(|w| {
                        mine.entry(w.to_string())
                            .or_insert_with(|| format!("{f}:{n}"));
                    }),
                );
            }
        }
    }
    let mut files = Vec::new();
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out)
            } else if p.extension().is_some_and(|x| x == "txt") {
                out.push(p)
            }
        }
    }
    walk(&corpus, &mut files);
    let mut hits = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        windows(
            &text,
            Box::new(|w| {
                if let Some(at) = mine.get(w) {
                    hits.push(format!("{at} shares “{w}” with {}", file.display()));
                }
            }),
        );
    }
    assert!(
        hits.is_empty(),
        "{} copied runs:\n{}",
        hits.len(),
        hits[..hits.len().min(20)].join("\n")
    );
}
