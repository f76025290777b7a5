//! `baogao eval GOLD.jsonl...`: score a model against gold labels.

use super::output::Out;
use super::settings::load_model;
use crate::error::Result;
use crate::labeled;
use crate::model::metrics::evaluate;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Gold paragraphs (.jsonl or .csv with text, label and optionally heading and also)
    #[arg(required = true, value_name = "GOLD")]
    pub gold: Vec<PathBuf>,
    /// Model file (default: the model shipped with baogao)
    #[arg(long, short, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables for people
    Text,
    /// One JSON object
    Json,
}

pub fn run(args: Args) -> Result<()> {
    let model = load_model(args.model.as_deref())?;
    let files = super::settings::data_files(&args.gold)?;
    let gold = labeled::read_all(&files, true)?;
    // Gold labels the model does not know still count (as errors), in their own rows.
    let mut labels = model.labels().to_vec();
    for s in &gold {
        if !labels.contains(&s.label) {
            labels.push(s.label.clone());
        }
    }
    let index = |l: &str| labels.iter().position(|x| x == l);
    model.tokenizer();
    use rayon::prelude::*;
    let preds: Vec<(usize, f32)> = gold
        .par_iter()
        .map(|s| {
            let (p, _) = model.predict(&s.text, s.heading.as_deref());
            (p.label, p.confidence())
        })
        .collect();
    let y: Vec<usize> = gold
        .iter()
        .map(|s| index(&s.label).expect("added"))
        .collect();
    let also: Vec<Vec<usize>> = gold
        .iter()
        .map(|s| s.also.iter().filter_map(|a| index(a)).collect())
        .collect();
    let pred: Vec<usize> = preds.iter().map(|p| p.0).collect();
    let conf: Vec<f32> = preds.iter().map(|p| p.1).collect();
    let e = evaluate(&labels, &y, &pred, &also, &conf);
    let mut out = Out::new();
    match args.format {
        Format::Json => out.line(&serde_json::to_string_pretty(&e).expect("serializable"))?,
        Format::Text => out.write(&e.render())?,
    }
    out.flush()
}
