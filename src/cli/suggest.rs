//! `baogao suggest INPUT... --model M -n 50`: the paragraphs to label next, most useful first
//! (uncertain, spread over themes and reports, no near-duplicates), as a sheet.

use super::sheet::SheetIo;
use crate::error::{Error, Result};
use crate::labeling::sheet;
use crate::labeling::suggest::{suggest, Suggest, Uncertainty};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub io: SheetIo,
    /// How many paragraphs to suggest
    #[arg(short = 'n', long = "count", value_name = "N", default_value_t = 50)]
    pub n: usize,
    /// How uncertainty is measured
    #[arg(long, value_enum, default_value_t = Uncertainty::Margin)]
    pub by: Uncertainty,
    /// Leave out paragraphs shorter than this many characters
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_chars: usize,
    /// Leave out a paragraph whose TF-IDF cosine with one already suggested reaches this
    #[arg(long, value_name = "COS", default_value_t = 0.8)]
    pub max_similarity: f32,
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
    let mut loaded = args.io.load()?;
    let (rows, seen) = suggest(
        &loaded.model,
        &loaded.reports,
        &Suggest {
            n: args.n,
            by: args.by,
            min_chars: args.min_chars,
            max_similarity: args.max_similarity,
            exclude: std::mem::take(&mut loaded.skip),
            ..Default::default()
        },
    );
    sheet::write(&args.io.output, &rows, loaded.format)?;
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
        loaded.reports.len(),
        if left_out.is_empty() {
            String::new()
        } else {
            format!(" (left out: {})", left_out.join(", "))
        },
        if args.io.to_stdout() {
            String::new()
        } else {
            format!(
                "; wrote {}: fill in the `label` column, then train on it with your other data",
                args.io.output.display()
            )
        }
    );
    loaded.finish()
}
