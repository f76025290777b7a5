//! `baogao classify`: formats, abstention, paragraph input, safety of CSV output.

mod common;

use common::*;
use serde_json::Value;
use std::fs;

#[test]
fn table_jsonl_and_csv() {
    let f = fixture("lanxi_2019.txt");
    let f = f.to_str().unwrap();
    let r = baogao(&["classify", f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("lanxi_2019  (16 paragraphs)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("脱贫攻坚"), "{}", r.stdout);
    assert!(r.stdout.contains("shares by characters"), "{}", r.stdout);
    assert!(
        !r.stdout.contains('\x1b'),
        "no colour codes when not a terminal"
    );

    let r = baogao(&["classify", "-f", "jsonl", f]);
    let rows: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "report",
            "index",
            "heading_path",
            "text",
            "label",
            "confidence",
            "abstained",
            "scores",
            "top_terms"
        ]
    );
    let scores: Vec<&str> = rows[0]["scores"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        scores,
        [
            "sanitation",
            "poverty",
            "industry",
            "party",
            "stability",
            "other"
        ]
    );
    for row in &rows {
        let c = row["confidence"].as_f64().unwrap();
        let best = row["scores"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .fold(0.0, f64::max);
        assert!((c - best).abs() < 1e-3);
        for t in row["top_terms"].as_array().unwrap() {
            assert!(t["weight"].as_f64().unwrap() > 0.0);
        }
    }

    let r = baogao(&["classify", "-f", "csv", f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "\u{feff}report,index,heading_path,text,label,confidence,abstained,p_sanitation,"
    ));
    let mut rdr = csv::Reader::from_reader(r.stdout.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(rdr.records().count(), 16);
}

#[test]
fn low_confidence_abstains() {
    let f = fixture("lanxi_2019.txt");
    let r = baogao(&[
        "classify",
        "-f",
        "jsonl",
        "--min-confidence",
        "0.999",
        f.to_str().unwrap(),
    ]);
    let rows: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows
        .iter()
        .any(|r| r["label"] == "uncertain" && r["abstained"] == true));
    assert!(rows
        .iter()
        .all(|r| r["abstained"] == (r["label"] == "uncertain")));
    let r = baogao(&[
        "classify",
        "-f",
        "jsonl",
        "--min-confidence",
        "0.999",
        "--abstain",
        "other",
        f.to_str().unwrap(),
    ]);
    assert!(!r.stdout.contains("\"uncertain\""));
    assert_eq!(
        baogao(&["classify", "--min-confidence", "1.5", f.to_str().unwrap()]).code,
        2
    );
}

#[test]
fn paragraph_files_and_csv_injection() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("paras.jsonl");
    fs::write(
        &p,
        "{\"text\": \"=HYPERLINK(\\\"http://x\\\")全县新建污水处理厂两座\", \"report\": \"甲县\"}\n\
         {\"text\": \"@SUM(A1) 扎实开展扫黑除恶专项斗争\", \"heading\": \"（四）平安建设\", \"report\": \"甲县\"}\n\
         {\"text\": \"全镇建档立卡贫困户全部脱贫\", \"report\": \"乙镇\"}\n",
    )
    .unwrap();
    let r = baogao(&["classify", "-f", "csv", p.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let body = r.stdout.trim_start_matches('\u{feff}');
    let mut rdr = csv::Reader::from_reader(body.as_bytes());
    let recs: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(recs.len(), 3);
    assert!(recs[0][3].starts_with("'="), "{:?}", &recs[0]);
    assert!(recs[1][3].starts_with("'@"), "{:?}", &recs[1]);
    assert_eq!(&recs[1][2], "（四）平安建设");
    assert_eq!((&recs[0][0], &recs[0][1]), ("甲县", "0"));
    assert_eq!((&recs[2][0], &recs[2][1]), ("乙镇", "0"));

    fs::write(&p, "{\"heading\": \"x\"}\n").unwrap();
    let r = baogao(&["classify", p.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("paras.jsonl:1: missing field `text`"),
        "{}",
        r.stderr
    );
}

#[test]
fn several_reports_in_order_with_one_failure() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    fs::write(
        &a,
        "各位代表：\n全县新建污水处理厂两座，城区污水集中处理率达到百分之九十五。\n",
    )
    .unwrap();
    fs::write(&b, "").unwrap();
    let f = fixture("lanxi_2019.txt");
    let r = baogao(&[
        "classify",
        "-f",
        "jsonl",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        f.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("b.txt: the file is empty"),
        "{}",
        r.stderr
    );
    let reports: Vec<String> = r
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["report"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(reports.first().unwrap(), "a");
    assert_eq!(reports.last().unwrap(), "lanxi_2019");
    assert_eq!(reports.len(), 2 + 16);
}

#[test]
fn paragraph_files_give_one_report_per_run_of_names() {
    let dir = tempfile::tempdir().unwrap();
    let f = interleaved_paragraphs(dir.path());
    let r = baogao(&["classify", "-f", "jsonl", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<(String, i64)> = r
        .stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["report"].as_str().unwrap().to_string(),
                v["index"].as_i64().unwrap(),
            )
        })
        .collect();
    // The file's order is kept: the third paragraph starts a new run of 甲县 at index 0.
    assert_eq!(
        rows,
        [
            ("甲县_2020".to_string(), 0),
            ("乙县_2021".to_string(), 0),
            ("甲县_2020".to_string(), 0)
        ]
    );
}
