//! `baogao inspect [MODEL]`: what a model holds: labels, settings, training data, cross-validated
//! scores and the terms that weigh most for each label.

use super::output::Out;
use super::settings::load_model;
use crate::error::Result;
use crate::themes::display_name;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Model file (default: the model shipped with baogao)
    #[arg(value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Terms to show per label
    #[arg(long, short = 'n', default_value_t = 20)]
    pub top: usize,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let model = load_model(args.model.as_deref())?;
    let d = &model.data;
    let mut out = Out::new();
    if args.json {
        let labels: Vec<serde_json::Value> = d
            .labels
            .iter()
            .enumerate()
            .map(
                |(i, l)| serde_json::json!({"label": l, "top_terms": model.top_terms(i, args.top)}),
            )
            .collect();
        let v = serde_json::json!({
            "format_version": crate::model::FORMAT_VERSION,
            "labels": d.labels,
            "settings": d.settings,
            "features": d.terms.len(),
            "temperature": d.temperature,
            "dictionary_hash": d.dictionary_hash,
            "stopwords_hash": d.stopwords_hash,
            "training": d.training,
            "cv": d.cv,
            "top_terms": labels,
        });
        out.line(&serde_json::to_string_pretty(&v).expect("serializable"))?;
        return out.flush();
    }
    out.line(&format!(
        "model format {} · {} · {} features · temperature {:.3}",
        crate::model::FORMAT_VERSION,
        d.settings.algorithm,
        d.terms.len(),
        d.temperature
    ))?;
    out.line(&format!(
        "trained on {} paragraphs from {} reports (data {}), baogao {}",
        d.training.samples, d.training.reports, d.training.data_hash, d.training.baogao_version
    ))?;
    out.line(&format!(
        "dictionary {} · stopwords {}",
        d.dictionary_hash, d.stopwords_hash
    ))?;
    let counts: Vec<String> = d
        .training
        .label_counts
        .iter()
        .map(|(l, n)| format!("{} {l} {n}", display_name(l)))
        .collect();
    out.line(&format!("labels: {}", counts.join(" · ")))?;
    if let Some(cv) = &d.cv {
        out.line(&format!(
            "cross-validated ({} folds): accuracy {:.3}, macro-F1 {:.3}",
            d.settings.folds, cv.accuracy, cv.macro_f1
        ))?;
    }
    for (i, l) in d.labels.iter().enumerate() {
        let terms: Vec<String> = model
            .top_terms(i, args.top)
            .into_iter()
            .map(|t| t.term)
            .collect();
        out.line(&format!("\n{} ({l}):", display_name(l)))?;
        out.line(&format!("  {}", terms.join("  ")))?;
    }
    out.flush()
}
