//! `baogao cv DATA...`: cross-validation grouped by report, without writing a model; with
//! `--curve`, the learning curve (macro-F1 as the labeled set grows) as a table and a chart.

use super::output::Out;
use super::settings::{data_files, TrainArgs};
use crate::error::{Error, Result};
use crate::labeled;
use crate::model::curve::{learning_curve, reading, shares, CurvePoint};
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
    /// Show the learning curve: macro-F1 with 1/STEPS, 2/STEPS, … of the training folds' data
    #[arg(long)]
    pub curve: bool,
    /// Points of the learning curve
    #[arg(long, value_name = "STEPS", default_value_t = 10, requires = "curve")]
    pub steps: usize,
    /// Draw the learning curve into this file (.svg, or .png with a CJK font)
    #[arg(long, value_name = "FILE", requires = "curve")]
    pub chart: Option<PathBuf>,
    /// A CJK font file for a PNG chart (default: $BAOGAO_FONT, then the usual system folders)
    #[arg(long, value_name = "FILE", requires = "chart")]
    pub font: Option<PathBuf>,
    #[command(flatten)]
    pub train: TrainArgs,
}

pub fn run(args: Args) -> Result<()> {
    if args.folds < 2 {
        return Err(Error::Usage("--folds must be at least 2".into()));
    }
    if args.curve && !(2..=100).contains(&args.steps) {
        return Err(Error::Usage(format!(
            "--steps must be between 2 and 100, not {}",
            args.steps
        )));
    }
    if let Some(c) = &args.chart {
        crate::charts::chart_format(c)?;
    }
    let training = args.train.resolve(Some(args.folds))?;
    let s = training.settings.get();
    let mut samples = labeled::read_all(&data_files(&args.data)?, true)?;
    labeled::check_for_training(&mut samples, s.min_per_label)?;
    let bar = super::progress::spinner();
    bar.set_message("tokenizing");
    let tokenizer = Tokenizer::new(&training.dict, &training.stopwords, s.features.hmm)?;
    let prepared = prepare(&samples, &tokenizer, s.features.heading_weight > 0.0);
    if args.curve {
        bar.set_message("fitting the learning curve");
        let points = learning_curve(
            &prepared,
            &training.settings,
            args.folds,
            &shares(args.steps),
        )?;
        bar.finish_and_clear();
        return write_curve(&args, &points, samples.len(), &s.algorithm.to_string());
    }
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

fn write_curve(args: &Args, points: &[CurvePoint], total: usize, algorithm: &str) -> Result<()> {
    let mut out = Out::new();
    if args.json {
        out.line(&serde_json::to_string_pretty(points).expect("serializable"))?;
    } else {
        out.line(&format!(
            "learning curve: {} folds over {total} paragraphs ({algorithm}), whole reports held out\n",
            args.folds
        ))?;
        out.line(&format!(
            "{:>6}  {:>10}  {:>8}  {:>15}  {:>8}",
            "share", "paragraphs", "macro-F1", "folds min–max", "accuracy"
        ))?;
        for p in points {
            out.line(&format!(
                "{:>5.0}%  {:>10}  {:>8.3}  {:>7.3}–{:<7.3}  {:>8.3}",
                100.0 * p.share,
                p.paragraphs,
                p.macro_f1,
                p.fold_min,
                p.fold_max,
                p.accuracy
            ))?;
        }
        out.line(&format!("\n{}", reading(points)))?;
    }
    if let Some(path) = &args.chart {
        let fonts = crate::charts::Fonts::find(args.font.as_deref())?;
        let subtitle = format!(
            "{total}段已标注段落，{}折交叉验证（按报告分组），{algorithm}",
            args.folds
        );
        let notes = crate::charts::draw_curve(points, &subtitle, &fonts, path)?;
        out.flush()?;
        for n in &notes {
            eprintln!("baogao: note: {n}");
        }
        if notes.is_empty() {
            eprintln!("baogao: wrote {}", path.display());
        }
    }
    out.flush()
}
