//! `baogao train DATA... -o MODEL`: learn themes from labeled paragraphs, report cross-validated
//! scores, and write the model file.

use super::output::Out;
use super::settings::{data_files, TrainArgs};
use crate::error::Result;
use crate::labeled;
use crate::model::train::train;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labeled paragraphs: .jsonl ({"text", "label", "heading", "report"} per line) or .csv
    /// (text,label[,heading,report]) files, or folders of them; in a sheet from `baogao sheet`
    /// or `baogao suggest`, only the rows with a label are used
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// Where to write the model
    #[arg(short, long, value_name = "MODEL", default_value = "baogao.model")]
    pub output: PathBuf,
    /// Cross-validation folds, grouped by report (0: skip; the model is then uncalibrated)
    #[arg(long, value_name = "K")]
    pub folds: Option<usize>,
    /// Print the cross-validation results as JSON instead of a table
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub train: TrainArgs,
}

pub fn run(args: Args) -> Result<()> {
    let training = args.train.resolve(args.folds)?;
    let files = data_files(&args.data)?;
    let mut samples = Vec::new();
    for f in &files {
        let read = labeled::read(f, true)?;
        if read.sheet && read.unlabeled > 0 {
            eprintln!(
                "baogao: note: {}: {} labeled rows used, {} rows without a label skipped",
                f.display(),
                read.samples.len(),
                read.unlabeled
            );
        }
        samples.extend(read.samples);
    }
    let checked = labeled::check_for_training(&mut samples, training.settings.get().min_per_label)?;
    for (kept, dropped) in checked.dropped_duplicates.iter().take(5) {
        eprintln!("baogao: note: {dropped} repeats {kept}; the repeat is ignored");
    }
    if checked.dropped_duplicates.len() > 5 {
        eprintln!(
            "baogao: note: {} more repeated paragraphs ignored",
            checked.dropped_duplicates.len() - 5
        );
    }
    let bar = super::progress::spinner();
    let model = train(
        &samples,
        &training.settings,
        &training.dict,
        &training.stopwords,
        &|stage| bar.set_message(stage.to_string()),
    )?;
    bar.finish_and_clear();
    model.save(&args.output)?;
    let mut out = Out::new();
    let d = &model.data;
    if args.json {
        out.line(&serde_json::to_string_pretty(&d.cv).expect("serializable"))?;
    } else {
        out.line(&format!(
            "trained {} on {} paragraphs from {} reports: {} labels, {} features",
            d.settings.algorithm,
            d.training.samples,
            d.training.reports,
            d.labels.len(),
            d.terms.len()
        ))?;
        match &d.cv {
            Some(cv) => {
                out.line(&format!(
                    "\ncross-validation ({} folds, whole reports held out):",
                    d.settings.folds
                ))?;
                out.write(&cv.render())?;
            }
            None => out.line("cross-validation skipped (--folds 0)")?,
        }
        out.line(&format!("\nwrote {}", args.output.display()))?;
    }
    out.flush()
}
