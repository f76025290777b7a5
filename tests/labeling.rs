//! The labeling loop end to end with a custom four-label scheme in Chinese: `sheet` → a person
//! fills in labels → `train` on the sheet → `classify`/`compare` with the new labels →
//! `suggest` what to label next → `agree` between two people → `cv --curve`.
//!
//! The fixtures in `tests/fixtures/labeling/` are written by us: two short reports and 64
//! labeled paragraphs of the themes 环保, 教育, 乡村振兴, 营商环境.

mod common;

use common::baogao;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

const LABELS: [&str; 4] = ["乡村振兴", "教育", "环保", "营商环境"];

/// The label of each report paragraph, by its first ten characters (tests/fixtures/labeling/
/// ANSWERS.md).
const ANSWERS: [(&str, &str); 40] = [
    ("围绕企业全生命周期深", "营商环境"),
    ("全县政务服务事项全部", "营商环境"),
    ("认真落实组合式税费支", "营商环境"),
    ("建成高标准农田五万二", "乡村振兴"),
    ("着力发展茶叶和中蜂两", "乡村振兴"),
    ("健全防止返贫监测帮扶", "乡村振兴"),
    ("投入资金一点六亿元，", "教育"),
    ("实施教师素质提升工程", "教育"),
    ("职业教育中心与县经济", "教育"),
    ("深入打好蓝天保卫战，", "环保"),
    ("压紧压实河湖长责任，", "环保"),
    ("持续开展植树造林和森", "环保"),
    ("持续推进审批服务便利", "营商环境"),
    ("全面落实各项惠企政策", "营商环境"),
    ("计划新建高标准农田四", "乡村振兴"),
    ("实施农村公路提质改造", "乡村振兴"),
    ("启动县第二高级中学建", "教育"),
    ("深化县管校聘改革，加", "教育"),
    ("推动节能减排和绿色转", "环保"),
    ("全面推行城乡生活垃圾", "环保"),
    ("全镇新建高标准农田六", "乡村振兴"),
    ("黑山羊和猕猴桃两大主", "乡村振兴"),
    ("镇驻村工作队和包村干", "乡村振兴"),
    ("严格落实镇村两级河长", "环保"),
    ("夏秋两季秸秆禁烧实行", "环保"),
    ("完成荒山造林两千亩、", "环保"),
    ("镇便民服务中心设立企", "营商环境"),
    ("精心做好招商引资服务", "营商环境"),
    ("主动送政策上门，帮助", "营商环境"),
    ("配合县教育局完成溪源", "教育"),
    ("镇中心幼儿园和两所村", "教育"),
    ("组织全镇中小学教师参", "教育"),
    ("年内再建高标准农田三", "乡村振兴"),
    ("加快通村通组道路提档", "乡村振兴"),
    ("巩固秸秆禁烧和河道治", "环保"),
    ("深入开展植树造林和节", "环保"),
    ("推动更多政务服务事项", "营商环境"),
    ("瞄准农产品加工和商贸", "营商环境"),
    ("争取资金实施镇中心小", "教育"),
    ("关心关爱乡村教师，落", "教育"),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/labeling")
        .join(name)
}

fn reports() -> [PathBuf; 2] {
    [
        fixture("青禾县2023年政府工作报告.txt"),
        fixture("溪源镇2023年工作总结.txt"),
    ]
}

fn answer(text: &str) -> &'static str {
    let opening: String = text.chars().take(10).collect();
    ANSWERS
        .iter()
        .find(|(o, _)| *o == opening)
        .unwrap_or_else(|| panic!("no answer for {text}"))
        .1
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A CSV sheet: (header, rows).
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "CSV starts with a BOM"
    );
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(w.into_inner().unwrap());
    std::fs::write(path, bytes).unwrap();
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

/// Cohen's kappa of two label lists, computed here independently of baogao.
fn kappa(a: &[String], b: &[String]) -> f64 {
    let n = a.len() as f64;
    let po = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n;
    let mut labels: Vec<&String> = a.iter().chain(b).collect();
    labels.sort();
    labels.dedup();
    let pe: f64 = labels
        .iter()
        .map(|l| {
            let fa = a.iter().filter(|x| x == l).count() as f64 / n;
            let fb = b.iter().filter(|x| x == l).count() as f64 / n;
            fa * fb
        })
        .sum();
    (po - pe) / (1.0 - pe)
}

#[test]
fn the_labeling_loop_with_a_custom_chinese_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let [r1, r2] = reports();

    // 1. sheet: every paragraph, the default model's suggestion, an empty label column.
    let sheet = d.join("sheet.csv");
    let run = baogao(&["sheet", s(&r1), s(&r2), "-o", s(&sheet)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("wrote 40 paragraphs from 2 reports"),
        "{}",
        run.stderr
    );
    let (header, mut rows) = read_csv(&sheet);
    assert_eq!(
        header,
        [
            "report",
            "year",
            "index",
            "heading_path",
            "text",
            "suggested",
            "confidence",
            "second",
            "label"
        ]
    );
    assert_eq!(rows.len(), 40);
    let (text, label, heading, year, suggested) = (
        col(&header, "text"),
        col(&header, "label"),
        col(&header, "heading_path"),
        col(&header, "year"),
        col(&header, "suggested"),
    );
    let default_labels: HashSet<&str> = baogao::themes::THEME_IDS.into_iter().collect();
    for r in &rows {
        assert_eq!(r[label], "", "the label column starts empty");
        assert_eq!(r[year], "2023");
        assert!(r[heading].contains(" > （"), "{}", r[heading]);
        assert!(default_labels.contains(r[suggested].as_str()));
        answer(&r[text]);
    }

    // 2. A person fills in labels, leaving every seventh row for later.
    let mut blank = Vec::new();
    for (i, r) in rows.iter_mut().enumerate() {
        if i % 7 == 3 {
            blank.push(r[text].clone());
        } else {
            r[label] = answer(&r[text]).to_string();
        }
    }
    let filled = d.join("filled.csv");
    write_csv(&filled, &header, &rows);

    // 3. train on the sheet and our labeled paragraphs: only filled rows count.
    let model = d.join("custom.model");
    let run = baogao(&[
        "train",
        s(&filled),
        s(&fixture("labeled.jsonl")),
        "-o",
        s(&model),
        "--folds",
        "3",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("34 labeled rows used, 6 rows without a label skipped"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("98 paragraphs"), "{}", run.stdout);
    let run = baogao(&["inspect", s(&model), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut got: Vec<&str> = v["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, LABELS);

    // The new model labels with the new themes, and well on these plain paragraphs.
    let run = baogao(&[
        "classify",
        s(&r1),
        s(&r2),
        "--model",
        s(&model),
        "-f",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut right = 0;
    for line in run.stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let l = v["label"].as_str().unwrap();
        assert!(LABELS.contains(&l), "{l}");
        let scores: Vec<&String> = v["scores"].as_object().unwrap().keys().collect();
        assert_eq!(scores.len(), 4);
        right += usize::from(l == answer(v["text"].as_str().unwrap()));
    }
    assert!(right >= 36, "{right} of 40 paragraphs right");

    // compare: tables keep the label ids, the page shows them with their own colours.
    let out = d.join("cmp");
    let run = baogao(&[
        "compare",
        s(&r1),
        s(&r2),
        "--model",
        s(&model),
        "--out",
        s(&out),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = std::fs::read_to_string(out.join("shares.csv")).unwrap();
    for l in LABELS {
        assert!(csv.contains(&format!(",{l},")), "{csv}");
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let colours = baogao::themes::colours(&LABELS.map(String::from));
    for (l, (r, g, b)) in LABELS.iter().zip(&colours) {
        assert!(html.contains(l));
        assert!(html.contains(&format!("#{r:02x}{g:02x}{b:02x}")), "{l}");
    }

    // 4. suggest: only paragraphs nobody labeled yet, no repeats, as a sheet.
    let next = d.join("next.jsonl");
    let run = baogao(&[
        "suggest",
        s(&r1),
        s(&r2),
        "--model",
        s(&model),
        "-n",
        "4",
        "--skip",
        s(&filled),
        "-o",
        s(&next),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("suggested 4 of 40 paragraphs in 2 reports (left out: 34 already labeled)"),
        "{}",
        run.stderr
    );
    let picked: Vec<Value> = std::fs::read_to_string(&next)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(picked.len(), 4);
    let mut seen = HashSet::new();
    for p in &picked {
        let t = p["text"].as_str().unwrap();
        assert!(
            blank.iter().any(|b| b == t),
            "suggested a labeled paragraph: {t}"
        );
        assert!(seen.insert(t.to_string()));
        assert!(p["label"].is_null());
        let (sug, second) = (
            p["suggested"].as_str().unwrap(),
            p["second"].as_str().unwrap(),
        );
        assert!(LABELS.contains(&sug) && LABELS.contains(&second) && sug != second);
    }
    // The most uncertain comes first within the first round (one per predicted label).
    let margin = |p: &Value| p["confidence"].as_f64().unwrap();
    assert!(picked.iter().all(|p| margin(p) <= 1.0));

    // 5. agree: a second person differs on three paragraphs and skipped one.
    let mut other = rows.clone();
    let labeled: Vec<usize> = (0..other.len())
        .filter(|&i| !other[i][label].is_empty())
        .collect();
    for &i in &labeled[..3] {
        let now = other[i][label].clone();
        other[i][label] = LABELS.iter().find(|l| **l != now).unwrap().to_string();
    }
    other[labeled[10]][label].clear();
    let second = d.join("second.csv");
    write_csv(&second, &header, &other);
    let disagreements = d.join("settle.csv");
    let run = baogao(&[
        "agree",
        s(&filled),
        s(&second),
        "--json",
        "--disagreements",
        s(&disagreements),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let g: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(g["paragraphs"], 33);
    assert_eq!(g["only_first"], 1);
    assert_eq!(g["disagreements"].as_array().unwrap().len(), 3);
    let both: Vec<usize> = labeled
        .iter()
        .copied()
        .filter(|&i| i != labeled[10])
        .collect();
    let a: Vec<String> = both.iter().map(|&i| rows[i][label].clone()).collect();
    let b: Vec<String> = both.iter().map(|&i| other[i][label].clone()).collect();
    let expected = kappa(&a, &b);
    assert!(
        (g["kappa"].as_f64().unwrap() - expected).abs() < 1e-9,
        "{} vs {expected}",
        g["kappa"]
    );
    assert!((g["percent_agreement"].as_f64().unwrap() - 30.0 / 33.0).abs() < 1e-9);
    let (dh, drows) = read_csv(&disagreements);
    assert_eq!(drows.len(), 3);
    assert!(drows.iter().all(|r| r[col(&dh, "label")].is_empty()));
    let run = baogao(&["agree", s(&filled), s(&second)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Cohen's kappa"), "{}", run.stdout);
    assert!(
        run.stdout.contains("3 disagreements to settle"),
        "{}",
        run.stdout
    );

    // 6. the learning curve over the labeled data, as a table, JSON and a chart.
    let chart = d.join("curve.svg");
    let run = baogao(&[
        "cv",
        s(&fixture("labeled.jsonl")),
        s(&filled),
        "--curve",
        "--steps",
        "4",
        "-k",
        "3",
        "--chart",
        s(&chart),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let table: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with(char::is_numeric))
        .collect();
    assert_eq!(table.len(), 4, "{}", run.stdout);
    assert!(table[3].trim_start().starts_with("100%"), "{}", run.stdout);
    assert!(run.stdout.contains("the last step"), "{}", run.stdout);
    if run.stderr.contains("wrote") {
        let svg = std::fs::read_to_string(&chart).unwrap();
        assert!(svg.contains("学习曲线"));
    } else {
        assert!(run.stderr.contains("not drawn"), "{}", run.stderr);
    }
    let run = baogao(&[
        "cv",
        s(&fixture("labeled.jsonl")),
        s(&filled),
        "--curve",
        "--steps",
        "4",
        "-k",
        "3",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let points: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let sizes: Vec<u64> = points
        .iter()
        .map(|p| p["paragraphs"].as_u64().unwrap())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    for p in &points {
        let f1 = p["macro_f1"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&f1));
        assert!(p["fold_min"].as_f64().unwrap() <= p["fold_max"].as_f64().unwrap());
    }
    let counts: BTreeMap<String, usize> =
        rows.iter()
            .filter(|r| !r[label].is_empty())
            .fold(BTreeMap::new(), |mut m, r| {
                *m.entry(r[label].clone()).or_default() += 1;
                m
            });
    assert_eq!(counts.len(), 4);
}

#[test]
fn sheet_sample_is_reproducible_and_skips_labeled() {
    let dir = tempfile::tempdir().unwrap();
    let [r1, r2] = reports();
    let a = baogao(&[
        "sheet",
        s(&r1),
        s(&r2),
        "--sample",
        "7",
        "--seed",
        "5",
        "-f",
        "jsonl",
    ]);
    let b = baogao(&[
        "sheet",
        s(&r1),
        s(&r2),
        "--sample",
        "7",
        "--seed",
        "5",
        "-f",
        "jsonl",
    ]);
    let c = baogao(&[
        "sheet",
        s(&r1),
        s(&r2),
        "--sample",
        "7",
        "--seed",
        "6",
        "-f",
        "jsonl",
    ]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
    assert_eq!(a.stdout.lines().count(), 7);
    // Paragraphs labeled in a file given to --skip are left out.
    let labeled = dir.path().join("some.jsonl");
    let first: Vec<Value> = a
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lines: Vec<String> = first
        .iter()
        .map(|v| {
            serde_json::json!({"text": v["text"], "label": answer(v["text"].as_str().unwrap())})
                .to_string()
        })
        .collect();
    std::fs::write(&labeled, lines.join("\n")).unwrap();
    let run = baogao(&[
        "sheet",
        s(&r1),
        s(&r2),
        "--skip",
        s(&labeled),
        "-f",
        "jsonl",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 33);
    for v in &first {
        assert!(!run.stdout.contains(v["text"].as_str().unwrap()));
    }
}

#[test]
fn usage_and_data_errors_of_the_loop_commands() {
    let dir = tempfile::tempdir().unwrap();
    let [r1, _] = reports();
    let run = baogao(&["sheet", s(&r1), "-o", s(&dir.path().join("sheet.xlsx"))]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(".csv or .jsonl"), "{}", run.stderr);
    let run = baogao(&["suggest", s(&r1), "-n", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = baogao(&[
        "cv",
        s(&fixture("labeled.jsonl")),
        "--curve",
        "--chart",
        "c.pdf",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // An empty sheet cannot train: it says to fill in the label column.
    let sheet = dir.path().join("empty.csv");
    let run = baogao(&["sheet", s(&r1), "-o", s(&sheet)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = baogao(&["train", s(&sheet), "-o", s(&dir.path().join("m.model"))]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("fill in the `label` column"),
        "{}",
        run.stderr
    );
    // Two files with no paragraph in common.
    let run = baogao(&["agree", s(&fixture("labeled.jsonl")), s(&sheet)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}
