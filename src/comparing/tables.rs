//! The tables `compare` writes for programs: `shares.csv`, `shares.json`, `shifts.csv` and
//! `paragraphs.jsonl` (field names documented in the README; label ids, not display names).

use super::{Measure, Shift, Summary};
use crate::classifying::Classified;
use crate::spreadsheet::csv_line;
use std::io::Write;

/// `shares.csv`: one row per report and theme.
pub fn shares_csv(summaries: &[Summary], labels: &[String], measure: Measure) -> String {
    let mut s = String::from("\u{feff}");
    s.push_str(&csv_line(&[
        "report",
        "year",
        "place",
        "theme",
        "share",
        "low",
        "high",
        "raw_share",
        "adjusted_share",
        "paragraphs",
        "chars",
        "estimate",
        "measure",
    ]));
    s.push('\n');
    for r in summaries {
        for (l, sh) in labels.iter().zip(&r.shares) {
            let row = [
                r.name.clone(),
                r.year.map(|y| y.to_string()).unwrap_or_default(),
                r.place.clone().unwrap_or_default(),
                l.clone(),
                f(sh.share),
                f(sh.low),
                f(sh.high),
                f(sh.raw),
                sh.adjusted.map(f).unwrap_or_default(),
                sh.paragraphs.to_string(),
                sh.chars.to_string(),
                estimate_name(r),
                measure_name(measure),
            ];
            s.push_str(&csv_line(&row));
            s.push('\n');
        }
    }
    s
}

/// `shares.json`: the same, nested per report.
pub fn shares_json(summaries: &[Summary], labels: &[String], measure: Measure) -> String {
    let reports: Vec<serde_json::Value> = summaries
        .iter()
        .map(|r| {
            let mut shares = serde_json::Map::new();
            for (l, sh) in labels.iter().zip(&r.shares) {
                shares.insert(
                    l.clone(),
                    serde_json::json!({
                        "share": round(sh.share), "low": round(sh.low), "high": round(sh.high),
                        "raw_share": round(sh.raw), "adjusted_share": sh.adjusted.map(round),
                        "paragraphs": sh.paragraphs, "chars": sh.chars,
                    }),
                );
            }
            serde_json::json!({
                "report": r.name, "year": r.year, "place": r.place,
                "paragraphs": r.paragraphs, "chars": r.chars,
                "diversity": round(r.diversity), "estimate": estimate_name(r),
                "shares": shares,
            })
        })
        .collect();
    let v = serde_json::json!({
        "measure": measure_name(measure),
        "labels": labels,
        "reports": reports,
    });
    serde_json::to_string_pretty(&v).expect("serializable") + "\n"
}

/// `shifts.csv`: one row per pair of reports and theme.
pub fn shifts_csv(shifts: &[Shift]) -> String {
    let mut s = String::from("\u{feff}");
    s.push_str(&csv_line(&[
        "from",
        "to",
        "theme",
        "before",
        "after",
        "change",
        "notable",
        "rising_terms",
        "falling_terms",
    ]));
    s.push('\n');
    for sh in shifts {
        let terms = |v: &[(String, f64)]| {
            v.iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(";")
        };
        s.push_str(&csv_line(&[
            sh.from.clone(),
            sh.to.clone(),
            sh.label.clone(),
            f(sh.before),
            f(sh.after),
            f(sh.change),
            sh.notable.to_string(),
            terms(&sh.rising),
            terms(&sh.falling),
        ]));
        s.push('\n');
    }
    s
}

/// One report's lines of `paragraphs.jsonl` (every paragraph with its label), each without the
/// `report` and `year` fields it begins with: a report's name is final only when all reports
/// are read (see [`write_paragraphs_jsonl`]).
pub fn paragraph_records(paragraphs: &[Classified], labels: &[String]) -> String {
    let mut s = String::new();
    for p in paragraphs {
        let mut scores = serde_json::Map::new();
        for (l, &pr) in labels.iter().zip(&p.probs) {
            scores.insert(l.clone(), round(pr as f64).into());
        }
        let v = serde_json::json!({
            "index": p.index,
            "heading_path": p.heading_path, "text": p.text, "chars": p.chars,
            "label": p.label, "confidence": round(p.confidence as f64), "scores": scores,
        });
        let record = v.to_string();
        s.push_str(record.strip_prefix('{').unwrap_or(&record));
        s.push('\n');
    }
    s
}

/// Write one report's lines of `paragraphs.jsonl`: `records` from [`paragraph_records`], each
/// begun with the report's name and year.
pub fn write_paragraphs_jsonl(
    out: &mut dyn Write,
    name: &str,
    year: Option<i32>,
    records: &str,
) -> std::io::Result<()> {
    let head = format!(
        "{{\"report\":{},\"year\":{},",
        serde_json::Value::from(name),
        serde_json::Value::from(year)
    );
    for record in records.lines() {
        out.write_all(head.as_bytes())?;
        out.write_all(record.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn estimate_name(r: &Summary) -> String {
    match r.estimate {
        super::Estimate::ClassifyAndCount => "classify_and_count".into(),
        super::Estimate::Adjusted => "adjusted".into(),
    }
}

fn measure_name(m: Measure) -> String {
    match m {
        Measure::Chars => "chars".into(),
        Measure::Paragraphs => "paragraphs".into(),
    }
}

fn f(x: f64) -> String {
    format!("{x:.4}")
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
