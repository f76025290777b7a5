//! Labeling sheets: one row per paragraph with the model's suggestion and an empty `label`
//! column for a person to fill in. CSV (UTF-8 with BOM, formula-safe, for Excel and WPS) or
//! JSON Lines; `baogao train` reads either back and uses only the rows that have a label.

use crate::classifying::{Classified, ClassifiedReport};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::spreadsheet::csv_line;
use serde::Serialize;
use std::path::Path;

/// The columns of a sheet, in order (documented in the README).
pub const COLUMNS: [&str; 9] = [
    "report",
    "year",
    "index",
    "heading_path",
    "text",
    "suggested",
    "confidence",
    "second",
    "label",
];

/// One paragraph of a sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetRow {
    pub report: String,
    pub year: Option<i32>,
    /// The paragraph's index in its report.
    pub index: usize,
    pub heading_path: Vec<String>,
    pub text: String,
    /// The model's label for the paragraph (a suggestion, not a label).
    pub suggested: String,
    /// The model's probability for `suggested`.
    pub confidence: f64,
    /// The model's runner-up label: often the choice a person has to make.
    pub second: String,
    /// The person's label; empty until filled in.
    pub label: Option<String>,
}

impl SheetRow {
    /// A row for a classified paragraph, with the label left empty.
    pub fn new(model: &Model, report: &ClassifiedReport, p: &Classified) -> SheetRow {
        let labels = model.labels();
        let second = runner_up(&p.probs, p.predicted);
        SheetRow {
            report: report.report.clone(),
            year: report.year,
            index: p.index,
            heading_path: p.heading_path.clone(),
            text: p.text.clone(),
            suggested: labels[p.predicted].clone(),
            confidence: (f64::from(p.confidence) * 1e4).round() / 1e4,
            second: second.map(|k| labels[k].clone()).unwrap_or_default(),
            label: None,
        }
    }
}

/// The index of the second most probable label.
pub fn runner_up(probs: &[f32], best: usize) -> Option<usize> {
    probs
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != best)
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k)
}

/// How a sheet is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    /// CSV, UTF-8 with BOM (opens cleanly in Excel and WPS)
    Csv,
    /// One JSON object per paragraph
    Jsonl,
}

impl SheetFormat {
    /// The format a file name asks for: `.jsonl`/`.ndjson` is JSON Lines, `.csv` is CSV.
    pub fn from_path(path: &Path) -> Option<SheetFormat> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(SheetFormat::Csv),
            "jsonl" | "ndjson" => Some(SheetFormat::Jsonl),
            _ => None,
        }
    }
}

/// The sheet as text.
pub fn render(rows: &[SheetRow], format: SheetFormat) -> String {
    let mut out = String::new();
    match format {
        SheetFormat::Csv => {
            out.push('\u{feff}');
            out.push_str(&csv_line(&COLUMNS));
            out.push('\n');
            for r in rows {
                out.push_str(&csv_line(&[
                    r.report.clone(),
                    r.year.map(|y| y.to_string()).unwrap_or_default(),
                    r.index.to_string(),
                    r.heading_path.join(" > "),
                    r.text.clone(),
                    r.suggested.clone(),
                    format!("{:.4}", r.confidence),
                    r.second.clone(),
                    r.label.clone().unwrap_or_default(),
                ]));
                out.push('\n');
            }
        }
        SheetFormat::Jsonl => {
            for r in rows {
                out.push_str(&serde_json::to_string(r).expect("a sheet row serializes"));
                out.push('\n');
            }
        }
    }
    out
}

/// Write a sheet to a file (atomically) or, for `-`, to standard output.
pub fn write(path: &Path, rows: &[SheetRow], format: SheetFormat) -> Result<()> {
    let text = render(rows, format);
    if path == Path::new("-") {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        return out
            .write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .or_else(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => Ok(()),
                _ => Err(Error::io(path, "writing", e)),
            });
    }
    crate::model::write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> SheetRow {
        SheetRow {
            report: "县_2020".into(),
            year: Some(2020),
            index: 3,
            heading_path: vec!["一、回顾".into(), "（一）环境".into()],
            text: "=危险，\"引号\"\n换行".into(),
            suggested: "环保".into(),
            confidence: 0.61234,
            second: "教育".into(),
            label: None,
        }
    }

    #[test]
    fn csv_has_bom_header_and_safe_cells() {
        let s = render(&[row()], SheetFormat::Csv);
        assert!(s.starts_with("\u{feff}report,year,index,heading_path,text,suggested,"));
        assert!(s.contains("'=危险，\"\"引号\"\"\n换行"), "{s}");
        assert!(s.contains("一、回顾 > （一）环境"));
        assert!(s.trim_end().ends_with(",0.6123,教育,"), "{s}");
    }

    #[test]
    fn jsonl_round_trips_through_the_labeled_reader() {
        let mut r = row();
        r.label = Some("环保".into());
        let s = render(&[r, row()], SheetFormat::Jsonl);
        let read = crate::labeled::parse(s.into_bytes(), Path::new("s.jsonl"), true).unwrap();
        assert!(read.sheet);
        assert_eq!((read.samples.len(), read.unlabeled), (1, 1));
        assert_eq!(read.samples[0].heading.as_deref(), Some("（一）环境"));
        assert_eq!(read.samples[0].text, "=危险，\"引号\"\n换行");
    }

    #[test]
    fn runner_up_label() {
        assert_eq!(runner_up(&[0.2, 0.5, 0.3], 1), Some(2));
        assert_eq!(runner_up(&[1.0], 0), None);
    }
}
