//! `baogao segment REPORT...`: the structure of reports, as an outline for people or as JSON
//! Lines (one paragraph per line) for programs.

use super::input::InputArgs;
use super::output::Out;
use crate::error::{Error, Result};
use crate::segmenting::Report;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report files (.txt in UTF-8/GBK/UTF-16, or .docx); `-` reads standard input
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Outline)]
    pub format: Format,
    /// In the outline, show whole paragraphs instead of their first 40 characters
    #[arg(long)]
    pub full: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An indented outline for people
    Outline,
    /// One JSON object per paragraph: report, index, heading_path, text, start, end, …
    Jsonl,
    /// One JSON object per report: metadata, headings, paragraphs, skipped lines
    Json,
}

/// One line of `--format jsonl`. Field order and names are stable (see the README).
#[derive(serde::Serialize)]
struct ParagraphRecord<'a> {
    report: &'a str,
    index: usize,
    heading_path: &'a [String],
    text: &'a str,
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    line: usize,
}

pub fn run(args: Args) -> Result<()> {
    let settings = args.input.settings()?;
    if args.reports.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::Usage(
            "`-` (standard input) can be given only once".into(),
        ));
    }
    let mut out = Out::new();
    let mut failed = 0;
    for path in &args.reports {
        let report = match settings.load(path) {
            Ok(r) => r,
            Err(e) if args.reports.len() == 1 => return Err(e),
            Err(e) => {
                out.flush()?;
                eprintln!("baogao: {e}");
                failed += 1;
                continue;
            }
        };
        match args.format {
            Format::Outline => outline(&report, args.full, &mut out)?,
            Format::Jsonl => {
                for p in &report.paragraphs {
                    let rec = ParagraphRecord {
                        report: &report.name,
                        index: p.index,
                        heading_path: &p.heading_path,
                        text: &p.text,
                        start: p.start,
                        end: p.end,
                        char_start: p.char_start,
                        char_end: p.char_end,
                        line: p.line,
                    };
                    out.line(&serde_json::to_string(&rec).expect("serializable"))?;
                }
            }
            Format::Json => out.line(&serde_json::to_string(&report).expect("serializable"))?,
        }
    }
    out.flush()?;
    match failed {
        0 => Ok(()),
        n => Err(Error::Partial {
            failed: n,
            total: args.reports.len(),
        }),
    }
}

/// The indented outline: metadata, then headings and paragraphs in order.
fn outline(r: &Report, full: bool, out: &mut Out) -> Result<()> {
    let m = &r.meta;
    let unknown = "—".to_string();
    out.line(&format!(
        "{}  [{} · {} paragraphs · {} headings · {} lines skipped]",
        r.name,
        r.encoding,
        r.paragraphs.len(),
        r.headings.len(),
        r.skipped.len()
    ))?;
    out.line(&format!(
        "  title: {}  |  place: {}  |  year: {}{}  |  date: {}  |  speaker: {}",
        m.title.as_ref().unwrap_or(&unknown),
        m.place.as_ref().unwrap_or(&unknown),
        m.year.map_or(unknown.clone(), |y| y.to_string()),
        m.year_source
            .map_or(String::new(), |s| format!(" (from {})", year_source(s))),
        m.date.as_ref().unwrap_or(&unknown),
        m.speaker.as_ref().unwrap_or(&unknown),
    ))?;
    let mut paragraphs = r.paragraphs.iter().peekable();
    for h in &r.headings {
        while let Some(p) = paragraphs.next_if(|p| p.start < h.start) {
            paragraph(r, p, full, out)?;
        }
        out.line(&format!("{}{}", "  ".repeat(h.level), h.text))?;
    }
    for p in paragraphs {
        paragraph(r, p, full, out)?;
    }
    out.line("")
}

fn paragraph(
    r: &Report,
    p: &crate::segmenting::Paragraph,
    full: bool,
    out: &mut Out,
) -> Result<()> {
    let depth = p.heading.map_or(0, |h| r.headings[h].level) + 1;
    let n = p.char_end - p.char_start;
    let text = if full || n <= 40 {
        p.text.clone()
    } else {
        format!("{}…", p.text.chars().take(40).collect::<String>())
    };
    out.line(&format!(
        "{}¶{} {}  ({n}字)",
        "  ".repeat(depth),
        p.index,
        text
    ))
}

fn year_source(s: crate::segmenting::YearSource) -> &'static str {
    use crate::segmenting::YearSource::*;
    match s {
        User => "--year",
        FileName => "file name",
        Dateline => "dateline",
        Heading => "heading",
    }
}
