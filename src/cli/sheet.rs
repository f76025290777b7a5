//! `baogao sheet INPUT... -o sheet.csv`: every paragraph of reports as a sheet to label, with the
//! model's suggestion and an empty `label` column; `baogao train` reads the filled-in rows back.

use super::input::{classify_all, expand_reports, InputArgs};
use super::settings::{labeled_texts, load_model};
use crate::classifying::ClassifiedReport;
use crate::error::{Error, Result};
use crate::labeling::sheet::{self, SheetFormat, SheetRow};
use crate::labeling::suggest::text_key;
use crate::model::Model;
use crate::tokenizing::hash_text;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What `sheet` and `suggest` read and where they write: the reports, the model that suggests
/// labels, the paragraphs to leave out and the sheet to write.
#[derive(Debug, clap::Args)]
pub struct SheetIo {
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
    /// Leave out paragraphs already labeled in these files (labeled data or filled-in sheets)
    #[arg(long, value_name = "DATA")]
    pub skip: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// The inputs classified, ready to become a sheet.
pub struct Loaded {
    pub model: Model,
    pub reports: Vec<ClassifiedReport>,
    /// Whitespace-free texts of the paragraphs to leave out.
    pub skip: HashSet<String>,
    pub format: SheetFormat,
    /// Inputs that could not be read (each reported already), of `inputs`.
    pub failed: usize,
    pub inputs: usize,
}

impl SheetIo {
    /// Check the arguments, read the paragraphs to skip, load the model and classify the inputs.
    pub fn load(&self) -> Result<Loaded> {
        let format = output_format(&self.output, self.format)?;
        let settings = self.input.settings()?;
        let inputs = expand_reports(&self.inputs)?;
        let skip = labeled_texts(&self.skip)?;
        let model = load_model(self.model.as_deref())?;
        let (reports, failed) = classify_all(&model, &inputs, &settings)?;
        Ok(Loaded {
            model,
            reports,
            skip,
            format,
            failed,
            inputs: inputs.len(),
        })
    }

    /// True when the sheet goes to standard output.
    pub fn to_stdout(&self) -> bool {
        self.output == Path::new("-")
    }
}

impl Loaded {
    /// Exit 1 when some inputs could not be read (the sheet of the others is written).
    pub fn finish(&self) -> Result<()> {
        if self.failed > 0 {
            return Err(Error::Partial {
                failed: self.failed,
                total: self.inputs,
            });
        }
        Ok(())
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub io: SheetIo,
    /// Only N paragraphs, drawn at random (a first batch to label before a model of your own)
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,
    /// Seed of the random draw of --sample (the same seed draws the same paragraphs)
    #[arg(long, value_name = "SEED", default_value_t = 1, requires = "sample")]
    pub seed: u64,
}

pub fn run(args: Args) -> Result<()> {
    if args.sample == Some(0) {
        return Err(Error::Usage("--sample must be at least 1".into()));
    }
    let loaded = args.io.load()?;
    let mut rows: Vec<SheetRow> = Vec::new();
    let mut skipped = 0;
    for r in &loaded.reports {
        for p in &r.paragraphs {
            if loaded.skip.contains(&text_key(&p.text)) {
                skipped += 1;
                continue;
            }
            rows.push(SheetRow::new(&loaded.model, r, p));
        }
    }
    let total = rows.len();
    if let Some(n) = args.sample {
        // A fixed random order: a hash of the seed, report and paragraph index; the rows drawn
        // stay in document order.
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
        let keep: HashSet<usize> = keyed.into_iter().take(n).map(|(_, i)| i).collect();
        rows = rows
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep.contains(i))
            .map(|(_, r)| r)
            .collect();
    }
    sheet::write(&args.io.output, &rows, loaded.format)?;
    if !args.io.to_stdout() {
        eprintln!(
            "baogao: wrote {} paragraphs{} from {} reports to {}{}; fill in the `label` column",
            rows.len(),
            if args.sample.is_some() {
                format!(" (a random {} of {total})", rows.len())
            } else {
                String::new()
            },
            loaded.reports.len(),
            args.io.output.display(),
            if skipped > 0 {
                format!(" ({skipped} already labeled left out)")
            } else {
                String::new()
            }
        );
    }
    loaded.finish()
}

/// The format asked for, or the one the output file's extension names, else CSV.
fn output_format(output: &Path, asked: Option<SheetFormat>) -> Result<SheetFormat> {
    if let Some(f) = asked {
        return Ok(f);
    }
    if output == Path::new("-") {
        return Ok(SheetFormat::Csv);
    }
    SheetFormat::from_path(output).ok_or_else(|| {
        Error::Usage(format!(
            "-o {}: name the sheet .csv or .jsonl, or give --format",
            output.display()
        ))
    })
}
