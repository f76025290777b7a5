//! `baogao classify INPUT...`: label every paragraph of reports (or of a `.jsonl` file of
//! paragraphs) with a theme, its probabilities and the terms that decided it.

use super::input::InputArgs;
use super::ordered::for_each_in_order;
use super::output::Out;
use super::settings::load_model;
use crate::classifying::{classify_file, Abstain, Classified, ClassifiedReport, ClassifyOptions};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::spreadsheet::csv_line;
use crate::themes::display_name;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports (.txt, .docx; `-` for standard input) or .jsonl files of paragraphs
    /// ({"text", "heading", "report"} per line)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Model file (default: the model shipped with baogao)
    #[arg(long, short, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Paragraphs below this confidence abstain (see --abstain)
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub min_confidence: f32,
    /// The label given to abstaining paragraphs
    #[arg(long, value_enum, default_value_t = Abstain::Uncertain)]
    pub abstain: Abstain,
    /// Number of explaining terms per paragraph
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top_terms: usize,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people, with Chinese theme names
    Table,
    /// One JSON object per paragraph
    Jsonl,
    /// CSV with a header row (UTF-8 with BOM, for Excel and WPS)
    Csv,
}

pub fn run(args: Args) -> Result<()> {
    if !(0.0..=1.0).contains(&args.min_confidence) {
        return Err(Error::Usage(format!(
            "--min-confidence must be between 0 and 1, not {}",
            args.min_confidence
        )));
    }
    let settings = args.input.settings()?;
    let model = load_model(args.model.as_deref())?;
    let opts = ClassifyOptions {
        min_confidence: args.min_confidence,
        abstain: args.abstain,
        top_terms: args.top_terms,
    };
    // Build the tokenizer before the parallel work, not in every thread at once.
    model.tokenizer();
    let mut out = Out::new();
    let colour = args.format == Format::Table
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    if args.format == Format::Csv {
        out.write("\u{feff}")?;
        out.line(&csv_header(&model))?;
    }
    let mut failed = 0;
    let single = args.inputs.len() == 1;
    // Inputs are classified and formatted in parallel and written in input order as each is
    // next, so output streams and memory holds a window of reports, not the corpus.
    let window = rayon::current_num_threads().max(1) * 4;
    let work = |path: &PathBuf| -> Result<String> {
        let units = classify_file(&model, path, &|p| settings.load(p), &opts)?;
        let mut text = String::new();
        for u in &units {
            format_unit(&mut text, &model, u, args.format, colour);
        }
        Ok(text)
    };
    for_each_in_order(&args.inputs, window, work, |result| match result {
        Ok(text) => out.write(&text),
        Err(e) if single => Err(e),
        Err(e) => {
            out.flush()?;
            eprintln!("baogao: {e}");
            failed += 1;
            Ok(())
        }
    })?;
    out.flush()?;
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total: args.inputs.len(),
        });
    }
    Ok(())
}

/// Append a classified unit to `buf` in the chosen format.
fn format_unit(
    buf: &mut String,
    model: &Model,
    u: &ClassifiedReport,
    format: Format,
    colour: bool,
) {
    let mut line = |l: &str| {
        buf.push_str(l);
        buf.push('\n');
    };
    match format {
        Format::Jsonl => u
            .paragraphs
            .iter()
            .for_each(|p| line(&jsonl_record(model, &u.report, p))),
        Format::Csv => u
            .paragraphs
            .iter()
            .for_each(|p| line(&csv_record(model, &u.report, p))),
        Format::Table => table(&mut line, model, u, colour),
    }
}

/// The JSON Lines record (field names and order are documented in the README).
pub fn jsonl_record(model: &Model, report: &str, p: &Classified) -> String {
    let rec = Record {
        report,
        index: p.index,
        heading_path: &p.heading_path,
        text: &p.text,
        label: &p.label,
        confidence: round(p.confidence),
        abstained: p.abstained,
        scores: Scores {
            labels: model.labels(),
            probs: &p.probs,
        },
        top_terms: p
            .top_terms
            .iter()
            .map(|t| Term {
                term: &t.term,
                weight: round(t.weight),
            })
            .collect(),
    };
    serde_json::to_string(&rec).expect("a record serializes")
}

#[derive(serde::Serialize)]
struct Record<'a> {
    report: &'a str,
    index: usize,
    heading_path: &'a [String],
    text: &'a str,
    label: &'a str,
    confidence: f64,
    abstained: bool,
    scores: Scores<'a>,
    top_terms: Vec<Term<'a>>,
}

/// Probabilities as an object keyed by label, in the model's label order.
struct Scores<'a> {
    labels: &'a [String],
    probs: &'a [f32],
}

impl serde::Serialize for Scores<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.labels.len()))?;
        for (l, &p) in self.labels.iter().zip(self.probs) {
            m.serialize_entry(l, &round(p))?;
        }
        m.end()
    }
}

#[derive(serde::Serialize)]
struct Term<'a> {
    term: &'a str,
    weight: f64,
}

fn round(x: f32) -> f64 {
    (x as f64 * 1e4).round() / 1e4
}

fn csv_header(model: &Model) -> String {
    let mut cols: Vec<String> = [
        "report",
        "index",
        "heading_path",
        "text",
        "label",
        "confidence",
        "abstained",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    cols.extend(model.labels().iter().map(|l| format!("p_{l}")));
    cols.push("top_terms".into());
    csv_line(&cols)
}

fn csv_record(model: &Model, report: &str, p: &Classified) -> String {
    let mut cols = vec![
        report.to_string(),
        p.index.to_string(),
        p.heading_path.join(" > "),
        p.text.clone(),
        p.label.clone(),
        format!("{:.4}", p.confidence),
        p.abstained.to_string(),
    ];
    debug_assert_eq!(model.labels().len(), p.probs.len());
    cols.extend(p.probs.iter().map(|x| format!("{x:.4}")));
    cols.push(
        p.top_terms
            .iter()
            .map(|t| t.term.as_str())
            .collect::<Vec<_>>()
            .join(";"),
    );
    csv_line(&cols)
}

fn table(line: &mut impl FnMut(&str), model: &Model, u: &ClassifiedReport, colour: bool) {
    use crate::model::metrics::pad;
    line(&format!(
        "{}  ({} paragraphs)",
        u.report,
        u.paragraphs.len()
    ));
    for p in &u.paragraphs {
        let name = display_name(&p.label);
        let excerpt: String = p.text.chars().take(36).collect();
        let more = if p.chars > 36 { "…" } else { "" };
        let theme = pad(name, 10);
        let theme = if colour {
            format!("\x1b[{}m{theme}\x1b[0m", ansi(&p.label))
        } else {
            theme
        };
        line(&format!(
            "{:>5}  {theme}  {:.2}  {excerpt}{more}",
            p.index, p.confidence
        ));
    }
    // Character shares, the measure `compare` uses by default.
    let total: usize = u.paragraphs.iter().map(|p| p.chars).sum::<usize>().max(1);
    let mut labels: Vec<String> = model.labels().to_vec();
    for p in &u.paragraphs {
        if !labels.contains(&p.label) {
            labels.push(p.label.clone());
        }
    }
    let shares: Vec<String> = labels
        .iter()
        .map(|l| {
            let c: usize = u
                .paragraphs
                .iter()
                .filter(|p| &p.label == l)
                .map(|p| p.chars)
                .sum();
            format!(
                "{} {:.0}%",
                display_name(l),
                100.0 * c as f64 / total as f64
            )
        })
        .collect();
    line(&format!("  shares by characters: {}\n", shares.join("  ")))
}

fn ansi(label: &str) -> &'static str {
    match label {
        "sanitation" => "32",
        "poverty" => "33",
        "industry" => "34",
        "party" => "31",
        "stability" => "35",
        _ => "90",
    }
}
