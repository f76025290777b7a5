//! `baogao agree A.csv B.csv`: how far two people's labels of the same paragraphs agree
//! (percent agreement, Cohen's kappa, per label) and which paragraphs they disagree on.

use super::output::Out;
use crate::error::{Error, Result};
use crate::labeled;
use crate::labeling::agreement::agreement;
use crate::labeling::sheet::SheetFormat;
use crate::spreadsheet::csv_line;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first person's labels (a filled-in sheet, or any labeled .csv/.jsonl)
    #[arg(value_name = "FIRST")]
    pub first: PathBuf,
    /// The second person's labels of the same paragraphs
    #[arg(value_name = "SECOND")]
    pub second: PathBuf,
    /// Print the results as JSON (with every disagreement)
    #[arg(long)]
    pub json: bool,
    /// How many disagreements to list in the table
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub show: usize,
    /// Write every disagreement to this file (.csv or .jsonl) with an empty `label` column to
    /// settle them in
    #[arg(long, value_name = "FILE")]
    pub disagreements: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let format = match &args.disagreements {
        None => None,
        Some(p) => Some(SheetFormat::from_path(p).ok_or_else(|| {
            Error::Usage(format!(
                "--disagreements {}: name the file .csv or .jsonl",
                p.display()
            ))
        })?),
    };
    let first = labeled::read(&args.first, false)?.samples;
    let second = labeled::read(&args.second, false)?.samples;
    let Some(g) = agreement(&first, &second) else {
        return Err(Error::file(
            &args.second,
            format!(
                "no paragraph labeled here is also labeled in {}; the two files must hold the same \
                 paragraphs (matched by `report` and `text`)",
                args.first.display()
            ),
        ));
    };
    let mut out = Out::new();
    if args.json {
        out.line(&serde_json::to_string_pretty(&g).expect("serializable"))?;
    } else {
        let name = |p: &PathBuf| p.display().to_string();
        out.write(&g.render(&name(&args.first), &name(&args.second), args.show))?;
    }
    out.flush()?;
    if let Some(path) = &args.disagreements {
        let mut text = String::new();
        if format == Some(SheetFormat::Jsonl) {
            for d in &g.disagreements {
                let mut v = serde_json::to_value(d).expect("serializable");
                v["label"] = serde_json::Value::Null;
                text.push_str(&v.to_string());
                text.push('\n');
            }
        } else {
            text.push('\u{feff}');
            text.push_str(&csv_line(&[
                "report",
                "heading",
                "text",
                "first",
                "second",
                "first_at",
                "second_at",
                "label",
            ]));
            text.push('\n');
            for d in &g.disagreements {
                text.push_str(&csv_line(&[
                    d.report.as_deref().unwrap_or(""),
                    d.heading.as_deref().unwrap_or(""),
                    &d.text,
                    &d.first,
                    &d.second,
                    &d.first_at,
                    &d.second_at,
                    "",
                ]));
                text.push('\n');
            }
        }
        crate::model::write_atomic(path, text.as_bytes())?;
        eprintln!(
            "baogao: wrote {} disagreements to {}; settle each in its `label` column",
            g.disagreements.len(),
            path.display()
        );
    }
    Ok(())
}
