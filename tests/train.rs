//! `baogao train`, `cv`, `eval` and `inspect` on a small labeled set we wrote (three custom
//! Chinese labels), and the model file's guarantees.

mod common;

use common::*;
use std::fs;

fn small() -> String {
    fixture("labeled_small.jsonl").to_str().unwrap().to_string()
}

#[test]
fn training_is_deterministic_and_the_model_works() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.model");
    let b = dir.path().join("b.model");
    for m in [&a, &b] {
        let r = baogao(&[
            "train",
            &small(),
            "-o",
            m.to_str().unwrap(),
            "--folds",
            "3",
            "--min-df",
            "1",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains("cross-validation (3 folds"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("环保"), "{}", r.stdout);
    }
    assert_eq!(
        fs::read(&a).unwrap(),
        fs::read(&b).unwrap(),
        "same data, same settings, same bytes"
    );

    // The model classifies paragraphs given as JSON Lines, with custom labels in the output.
    let input = dir.path().join("p.jsonl");
    fs::write(
        &input,
        "{\"text\": \"新建污水处理厂一座，河道水质明显改善。\"}\n{\"text\": \"新建农村公路八十公里，开通城乡公交。\", \"heading\": \"（三）交通建设\"}\n",
    )
    .unwrap();
    let r = baogao(&[
        "classify",
        input.to_str().unwrap(),
        "-m",
        a.to_str().unwrap(),
        "-f",
        "jsonl",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["label"], "环保", "{}", r.stdout);
    assert_eq!(rows[1]["label"], "交通", "{}", r.stdout);
    let scores = rows[0]["scores"].as_object().unwrap();
    let sum: f64 = scores.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-3, "{sum}");
    assert!(!rows[0]["top_terms"].as_array().unwrap().is_empty());

    // eval against the training set itself: near perfect; json output parses.
    let r = baogao(&["eval", &small(), "-m", a.to_str().unwrap(), "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(e["accuracy"].as_f64().unwrap() > 0.9, "{e}");

    // inspect lists every label with its top terms.
    let r = baogao(&["inspect", a.to_str().unwrap(), "-n", "5"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for l in ["环保", "教育", "交通"] {
        assert!(r.stdout.contains(l), "{}", r.stdout);
    }
}

#[test]
fn cv_reports_per_label_scores() {
    let r = baogao(&["cv", &small(), "--folds", "3", "--min-df", "1", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(e["paragraphs"], 36);
    assert_eq!(e["per_label"].as_array().unwrap().len(), 3);
    assert!(e["macro_f1"].as_f64().unwrap() > 0.5, "{e}");
    assert_eq!(baogao(&["cv", &small(), "--folds", "1"]).code, 2);
    let r = baogao(&["cv", &small(), "--folds", "50"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("needs at least 50 reports"),
        "{}",
        r.stderr
    );
}

#[test]
fn settings_file_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.toml");
    fs::write(
        &s,
        "algorithm = \"nb\"\nfolds = 0\n[features]\nmin_df = 1\nbigrams = false\n",
    )
    .unwrap();
    let m = dir.path().join("m.model");
    let r = baogao(&[
        "train",
        &small(),
        "-o",
        m.to_str().unwrap(),
        "--settings",
        s.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("trained nb"), "{}", r.stdout);
    assert!(
        r.stderr.len() < 2000,
        "linfa-bayes debug output leaked: {} bytes",
        r.stderr.len()
    );
    let r = baogao(&["inspect", m.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["settings"]["algorithm"], "nb");
    assert_eq!(v["settings"]["features"]["bigrams"], false);

    fs::write(&s, "algorithm = \"forest\"\n").unwrap();
    let r = baogao(&[
        "train",
        &small(),
        "-o",
        m.to_str().unwrap(),
        "--settings",
        s.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("s.toml:1"), "{}", r.stderr);
    let r = baogao(&["train", &small(), "-o", m.to_str().unwrap(), "--c", "-1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn svm_trains_too() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.model");
    let r = baogao(&[
        "train",
        &small(),
        "-o",
        m.to_str().unwrap(),
        "--algorithm",
        "svm",
        "--folds",
        "3",
        "--min-df",
        "1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = baogao(&["eval", &small(), "-m", m.to_str().unwrap(), "-f", "json"]);
    let e: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(e["accuracy"].as_f64().unwrap() > 0.9, "{e}");
}

#[test]
fn damaged_models_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.model");
    let r = baogao(&[
        "train",
        &small(),
        "-o",
        m.to_str().unwrap(),
        "--folds",
        "0",
        "--min-df",
        "1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = fs::read(&m).unwrap();
    let header_end = bytes.iter().position(|&b| b == b'\n').unwrap();
    let variants: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", bytes[..bytes.len() / 2].to_vec(), "truncated"),
        (
            "random",
            (0..5000u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
            "not a baogao model",
        ),
        (
            "version",
            {
                let mut b = bytes.clone();
                b[13] = b'9';
                b
            },
            "version 9",
        ),
        (
            "tampered",
            {
                let mut b = bytes.clone();
                let at = header_end + 100;
                b[at] = if b[at] == b'1' { b'2' } else { b'1' };
                b
            },
            "checksum",
        ),
    ];
    let input = fixture("lanxi_2019.txt");
    for (name, data, needle) in variants {
        let p = dir.path().join(format!("{name}.model"));
        fs::write(&p, data).unwrap();
        let r = baogao(&[
            "classify",
            input.to_str().unwrap(),
            "-m",
            p.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains(p.to_str().unwrap()),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn bad_training_data_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = fs::read_to_string(fixture("labeled_small.jsonl")).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        ("malformed.jsonl", format!("{good}{{\"text\": \"缺\"\n"), "malformed.jsonl:37"),
        ("nolabel.jsonl", format!("{good}{{\"text\": \"没有标签的段落\"}}\n"), "missing or empty `label`"),
        ("notext.jsonl", format!("{good}{{\"label\": \"环保\"}}\n"), "missing field `text`"),
        ("emptytext.jsonl", format!("{good}{{\"text\": \"\", \"label\": \"环保\"}}\n"), "empty `text`"),
        ("single.jsonl", format!("{good}{{\"text\": \"一条孤立的样本\", \"label\": \"体育\"}}\n"), "label `体育` has only 1"),
        ("onelabel.jsonl", good.lines().take(12).collect::<Vec<_>>().join("\n"), "at least two labels"),
        ("conflict.jsonl", format!("{good}{{\"text\": \"全年新建污水管网十二公里，城区生活污水集中处理率提高到百分之九十五。\", \"label\": \"交通\"}}\n"), "settle on one label"),
        ("wrongheader.csv", "paragraph,theme\n甲,乙\n".to_string(), "no `text` column"),
        ("data.txt", good.clone(), ".jsonl file"),
    ];
    for (name, body, needle) in cases {
        let p = d.join(name);
        fs::write(&p, body).unwrap();
        let r = baogao(&[
            "train",
            p.to_str().unwrap(),
            "-o",
            d.join("m.model").to_str().unwrap(),
            "--folds",
            "0",
        ]);
        assert!(r.code == 1 || r.code == 2, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{name}: {}", r.stderr);
        assert!(!d.join("m.model").exists(), "{name}: a model was written");
    }
    // A CSV with a BOM and quoted newlines trains.
    let csv = d.join("ok.csv");
    let mut body = String::from("\u{feff}text,label,report\n");
    for line in good.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        body.push_str(&format!(
            "\"{}\n（续）\",{},{}\n",
            v["text"].as_str().unwrap(),
            v["label"].as_str().unwrap(),
            v["report"].as_str().unwrap()
        ));
    }
    fs::write(&csv, body).unwrap();
    let r = baogao(&[
        "train",
        csv.to_str().unwrap(),
        "-o",
        d.join("m.model").to_str().unwrap(),
        "--folds",
        "0",
        "--min-df",
        "1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
