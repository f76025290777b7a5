//! `baogao stopwords DATA...`: measure which words carry no theme, for a stopword list. A word
//! qualifies when it is common (in at least `--min-df` of the paragraphs) and spread evenly
//! across labels (normalised entropy of its per-label document frequency, each label's count
//! divided by the label's size, at least `--evenness`).

use super::output::Out;
use super::settings::data_files;
use crate::error::{Error, Result};
use crate::labeled;
use crate::tokenizing::{Tokenizer, BUILTIN_DICT};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labeled paragraphs (.jsonl or .csv files, or folders of them)
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// Smallest share of paragraphs a word must appear in
    #[arg(long, default_value_t = 0.01)]
    pub min_df: f64,
    /// Smallest evenness across labels (0 = one label only, 1 = perfectly even)
    #[arg(long, default_value_t = 0.9)]
    pub evenness: f64,
    /// jieba user dictionary (default: baogao's own)
    #[arg(long, value_name = "FILE")]
    pub dict: Option<PathBuf>,
    /// Show the measurements next to each word
    #[arg(long)]
    pub verbose: bool,
}

pub fn run(args: Args) -> Result<()> {
    if !(0.0..1.0).contains(&args.min_df) || !(0.0..=1.0).contains(&args.evenness) {
        return Err(Error::Usage(
            "--min-df must be in [0, 1) and --evenness in [0, 1]".into(),
        ));
    }
    let dict = match &args.dict {
        Some(p) => std::fs::read_to_string(p).map_err(|e| Error::io(p, "reading", e))?,
        None => BUILTIN_DICT.to_string(),
    };
    let samples = labeled::read_all(&data_files(&args.data)?, true)?;
    let tokenizer = Tokenizer::new(&dict, "", false)?;
    let labels: Vec<&str> = samples
        .iter()
        .map(|s| s.label.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let k = labels.len();
    if k < 2 {
        return Err(Error::Usage(
            "stopwords are measured across at least two labels".into(),
        ));
    }
    let size: Vec<usize> = labels
        .iter()
        .map(|l| samples.iter().filter(|s| s.label == *l).count())
        .collect();
    let docs: Vec<(usize, HashSet<String>)> = samples
        .par_iter()
        .map(|s| {
            let l = labels.iter().position(|x| *x == s.label).expect("listed");
            (l, tokenizer.tokens(&s.text).into_iter().collect())
        })
        .collect();
    let mut df: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (l, words) in &docs {
        for w in words {
            df.entry(w.as_str()).or_insert_with(|| vec![0; k])[*l] += 1;
        }
    }
    let n = samples.len() as f64;
    let mut out = Out::new();
    let mut chosen: Vec<(f64, &str, f64)> = Vec::new();
    for (w, counts) in &df {
        let total: usize = counts.iter().sum();
        if (total as f64) < args.min_df * n || w.starts_with('<') {
            continue;
        }
        let rates: Vec<f64> = counts
            .iter()
            .zip(&size)
            .map(|(&c, &s)| c as f64 / s as f64)
            .collect();
        let sum: f64 = rates.iter().sum();
        let entropy: f64 = rates
            .iter()
            .filter(|&&r| r > 0.0)
            .map(|&r| -(r / sum) * (r / sum).ln())
            .sum();
        let evenness = entropy / (k as f64).ln();
        if evenness >= args.evenness {
            chosen.push((total as f64 / n, w, evenness));
        }
    }
    chosen.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    for (share, w, evenness) in chosen {
        if args.verbose {
            out.line(&format!("{w}\t{share:.3}\t{evenness:.3}"))?;
        } else {
            out.line(w)?;
        }
    }
    out.flush()
}
