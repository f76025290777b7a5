//! `baogao cv DATA...`: cross-validation grouped by report, without writing a model.

use super::output::Out;
use super::settings::{data_files, TrainArgs};
use crate::error::{Error, Result};
use crate::labeled;
use crate::model::train::{cross_validate, prepare};
use crate::tokenizing::Tokenizer;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labeled paragraphs (.jsonl or .csv files, or folders of them)
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// Number of folds; whole reports are held out together
    #[arg(long, short = 'k', default_value_t = 5, value_name = "K")]
    pub folds: usize,
    /// Print the results as JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub train: TrainArgs,
}

pub fn run(args: Args) -> Result<()> {
    if args.folds < 2 {
        return Err(Error::Usage("--folds must be at least 2".into()));
    }
    let training = args.train.resolve(Some(args.folds))?;
    let s = training.settings.get();
    let mut samples = labeled::read_all(&data_files(&args.data)?, true)?;
    labeled::check_for_training(&mut samples, s.min_per_label)?;
    let bar = super::progress::spinner();
    bar.set_message("tokenizing");
    let tokenizer = Tokenizer::new(&training.dict, &training.stopwords, s.features.hmm)?;
    let prepared = prepare(&samples, &tokenizer, s.features.heading_weight > 0.0);
    bar.set_message("cross-validating");
    let cv = cross_validate(&prepared, &training.settings, args.folds)?;
    bar.finish_and_clear();
    let mut out = Out::new();
    if args.json {
        out.line(&serde_json::to_string_pretty(&cv.evaluation).expect("serializable"))?;
    } else {
        out.line(&format!(
            "{} folds over {} paragraphs ({}; calibrated temperature {:.3})\n",
            args.folds,
            samples.len(),
            s.algorithm,
            cv.temperature
        ))?;
        out.write(&cv.evaluation.render())?;
    }
    out.flush()
}
