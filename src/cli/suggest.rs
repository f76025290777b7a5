//! `baogao suggest INPUT... --model M -n 50`: the paragraphs to label next, most useful first
//! (uncertain, spread over themes and reports, no near-duplicates), as a sheet.

use super::input::{classify_all, expand_reports, InputArgs};
use super::settings::{labeled_texts, load_model};
use super::sheet::output_format;
use crate::error::{Error, Result};
use crate::labeling::sheet::{self, SheetFormat};
use crate::labeling::suggest::{suggest, Suggest, Uncertainty};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports (.txt, .docx, folders, globs; `-` for standard input) or .jsonl files of
    /// paragraphs ({"text", "heading", "report"} per line)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The model to improve (default: the model shipped with baogao)
    #[arg(long, short, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// How many paragraphs to suggest
    #[arg(short = 'n', long = "count", value_name = "N", default_value_t = 50)]
    pub n: usize,
    /// Where to write the sheet (`-`: standard output)
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Sheet format (default: from the file name's extension, else CSV)
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<SheetFormat>,
    /// How uncertainty is measured
    #[arg(long, value_enum, default_value_t = Uncertainty::Margin)]
    pub by: Uncertainty,
    /// Leave out paragraphs already labeled in these files (your training data, filled-in sheets)
    #[arg(long, value_name = "DATA")]
    pub skip: Vec<PathBuf>,
    /// Leave out paragraphs shorter than this many characters
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_chars: usize,
    /// Leave out a paragraph whose TF-IDF cosine with one already suggested reaches this
    #[arg(long, value_name = "COS", default_value_t = 0.8)]
    pub max_similarity: f32,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: Args) -> Result<()> {
    if args.n == 0 {
        return Err(Error::Usage("-n must be at least 1".into()));
    }
    if !(args.max_similarity > 0.0 && args.max_similarity <= 1.0) {
        return Err(Error::Usage(format!(
            "--max-similarity must be above 0 and at most 1, not {}",
            args.max_similarity
        )));
    }
    let format = output_format(&args.output, args.format)?;
    let settings = args.input.settings()?;
    let inputs = expand_reports(&args.inputs)?;
    let exclude = labeled_texts(&args.skip)?;
    let model = load_model(args.model.as_deref())?;
    let (reports, failed) = classify_all(&model, &inputs, &settings)?;
    let (picked, seen) = suggest(
        &model,
        &reports,
        &Suggest {
            n: args.n,
            by: args.by,
            min_chars: args.min_chars,
            max_similarity: args.max_similarity,
            exclude,
            ..Default::default()
        },
    );
    let rows: Vec<_> = picked.into_iter().map(|s| s.row).collect();
    sheet::write(&args.output, &rows, format)?;
    let mut left_out = Vec::new();
    for (n, what) in [
        (seen.already_labeled, "already labeled"),
        (seen.too_short, "shorter than --min-chars"),
        (seen.repeated, "repeats"),
        (seen.near_duplicates, "near-duplicates"),
    ] {
        if n > 0 {
            left_out.push(format!("{n} {what}"));
        }
    }
    eprintln!(
        "baogao: suggested {} of {} paragraphs in {} reports{}{}",
        rows.len(),
        seen.paragraphs,
        reports.len(),
        if left_out.is_empty() {
            String::new()
        } else {
            format!(" (left out: {})", left_out.join(", "))
        },
        if args.output == std::path::Path::new("-") {
            String::new()
        } else {
            format!(
                "; wrote {}: fill in the `label` column, then train on it with your other data",
                args.output.display()
            )
        }
    );
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total: inputs.len(),
        });
    }
    Ok(())
}
