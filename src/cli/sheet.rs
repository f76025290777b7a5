//! `baogao sheet INPUT... -o sheet.csv`: every paragraph of reports as a sheet to label, with the
//! model's suggestion and an empty `label` column; `baogao train` reads the filled-in rows back.

use super::input::{classify_all, expand_reports, InputArgs};
use super::settings::{labeled_texts, load_model};
use crate::error::{Error, Result};
use crate::labeling::sheet::{self, SheetFormat, SheetRow};
use crate::labeling::suggest::text_key;
use crate::tokenizing::hash_text;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports (.txt, .docx, folders, globs; `-` for standard input) or .jsonl files of
    /// paragraphs ({"text", "heading", "report"} per line)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The model whose labels are offered as suggestions (default: the model shipped with baogao)
    #[arg(long, short, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Where to write the sheet (`-`: standard output)
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Sheet format (default: from the file name's extension, else CSV)
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<SheetFormat>,
    /// Only N paragraphs, drawn at random (a first batch to label before a model of your own)
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,
    /// Seed of the random draw of --sample (the same seed draws the same paragraphs)
    #[arg(long, value_name = "SEED", default_value_t = 1, requires = "sample")]
    pub seed: u64,
    /// Leave out paragraphs already labeled in these files (labeled data or filled-in sheets)
    #[arg(long, value_name = "DATA")]
    pub skip: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: Args) -> Result<()> {
    if args.sample == Some(0) {
        return Err(Error::Usage("--sample must be at least 1".into()));
    }
    let format = output_format(&args.output, args.format)?;
    let settings = args.input.settings()?;
    let inputs = expand_reports(&args.inputs)?;
    let skip = labeled_texts(&args.skip)?;
    let model = load_model(args.model.as_deref())?;
    let (reports, failed) = classify_all(&model, &inputs, &settings)?;
    let mut rows: Vec<SheetRow> = Vec::new();
    let mut skipped = 0;
    for r in &reports {
        for p in &r.paragraphs {
            if skip.contains(&text_key(&p.text)) {
                skipped += 1;
                continue;
            }
            rows.push(SheetRow::new(&model, r, p));
        }
    }
    let total = rows.len();
    if let Some(n) = args.sample {
        // A fixed random order: a hash of the seed, report and paragraph index.
        let mut keyed: Vec<(String, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    hash_text(&format!("{}\0{}\0{}", args.seed, r.report, r.index)),
                    i,
                )
            })
            .collect();
        keyed.sort();
        let mut keep: Vec<usize> = keyed.into_iter().take(n).map(|(_, i)| i).collect();
        keep.sort_unstable();
        let mut all: Vec<Option<SheetRow>> = rows.into_iter().map(Some).collect();
        rows = keep.into_iter().filter_map(|i| all[i].take()).collect();
    }
    sheet::write(&args.output, &rows, format)?;
    if args.output != std::path::Path::new("-") {
        eprintln!(
            "baogao: wrote {} paragraphs{} from {} reports to {}{}; fill in the `label` column",
            rows.len(),
            if args.sample.is_some() {
                format!(" (a random {} of {total})", rows.len())
            } else {
                String::new()
            },
            reports.len(),
            args.output.display(),
            if skipped > 0 {
                format!(" ({skipped} already labeled left out)")
            } else {
                String::new()
            }
        );
    }
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total: inputs.len(),
        });
    }
    Ok(())
}

/// The format asked for, or the one the output file's extension names, else CSV.
pub fn output_format(output: &std::path::Path, asked: Option<SheetFormat>) -> Result<SheetFormat> {
    if let Some(f) = asked {
        return Ok(f);
    }
    if output == std::path::Path::new("-") {
        return Ok(SheetFormat::Csv);
    }
    SheetFormat::from_path(output).ok_or_else(|| {
        Error::Usage(format!(
            "-o {}: name the sheet .csv or .jsonl, or give --format",
            output.display()
        ))
    })
}
