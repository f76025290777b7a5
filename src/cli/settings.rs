//! Training settings from flags and a TOML file, shared by `train` and `cv`: defaults, then the
//! settings file, then flags, validated in one place.

use crate::error::{Error, Result};
use crate::model::{Algorithm, ClassWeight, TrainSettings, ValidSettings};
use crate::tokenizing::{BUILTIN_DICT, BUILTIN_STOPWORDS};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, clap::Args)]
pub struct TrainArgs {
    /// A TOML file of training settings (flags given here override it)
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// Classifier
    #[arg(long, value_enum)]
    pub algorithm: Option<Algorithm>,
    /// Inverse regularisation strength (logistic, svm)
    #[arg(long, value_name = "C")]
    pub c: Option<f32>,
    /// Additive smoothing of naive Bayes
    #[arg(long, value_name = "A")]
    pub nb_alpha: Option<f32>,
    /// Iteration cap of the logistic regression solver
    #[arg(long, value_name = "N")]
    pub max_iterations: Option<u64>,
    /// How to even out labels of different sizes
    #[arg(long, value_enum)]
    pub class_weight: Option<ClassWeight>,
    /// Refuse to train when a label has fewer samples than this
    #[arg(long, value_name = "N")]
    pub min_per_label: Option<usize>,
    /// Largest vocabulary (terms kept by document frequency)
    #[arg(long, value_name = "N")]
    pub max_features: Option<usize>,
    /// How terms are chosen for the vocabulary cap
    #[arg(long, value_enum)]
    pub selection: Option<crate::features::Selection>,
    /// Keep terms found in at least N training paragraphs
    #[arg(long, value_name = "N")]
    pub min_df: Option<usize>,
    /// Drop terms found in more than this share of training paragraphs
    #[arg(long, value_name = "SHARE")]
    pub max_df: Option<f64>,
    /// Weight of heading words relative to body words (0 ignores headings)
    #[arg(long, value_name = "W")]
    pub heading_weight: Option<f32>,
    /// Use word unigrams only
    #[arg(long)]
    pub no_bigrams: bool,
    /// jieba user dictionary (`词 频率 [词性]` per line); default: baogao's own
    #[arg(long, value_name = "FILE")]
    pub dict: Option<PathBuf>,
    /// Stopwords (one per line); default: baogao's own
    #[arg(long, value_name = "FILE")]
    pub stopwords: Option<PathBuf>,
}

/// Validated training settings and tokenizer data.
pub struct Training {
    pub settings: ValidSettings,
    pub dict: String,
    pub stopwords: String,
}

impl TrainArgs {
    /// Defaults, then the settings file, then flags; `folds` overrides the cross-validation folds.
    pub fn resolve(&self, folds: Option<usize>) -> Result<Training> {
        let mut s = match &self.settings {
            Some(p) => TrainSettings::from_toml_file(p)?,
            None => TrainSettings::default(),
        };
        if let Some(a) = self.algorithm {
            s.algorithm = a;
        }
        if let Some(c) = self.c {
            s.c = Some(c);
        }
        if let Some(a) = self.nb_alpha {
            s.nb_alpha = a;
        }
        if let Some(n) = self.max_iterations {
            s.max_iterations = n;
        }
        if let Some(w) = self.class_weight {
            s.class_weight = w;
        }
        if let Some(n) = self.min_per_label {
            s.min_per_label = n;
        }
        if let Some(n) = self.max_features {
            s.features.max_features = n;
        }
        if let Some(sel) = self.selection {
            s.features.selection = sel;
        }
        if let Some(n) = self.min_df {
            s.features.min_df = n;
        }
        if let Some(d) = self.max_df {
            s.features.max_df = d;
        }
        if let Some(w) = self.heading_weight {
            s.features.heading_weight = w;
        }
        if self.no_bigrams {
            s.features.bigrams = false;
        }
        if let Some(k) = folds {
            s.folds = k;
        }
        let read = |p: &Option<PathBuf>, builtin: &str| -> Result<String> {
            match p {
                Some(p) => std::fs::read_to_string(p).map_err(|e| Error::io(p, "reading", e)),
                None => Ok(builtin.to_string()),
            }
        };
        Ok(Training {
            settings: s.validate()?,
            dict: read(&self.dict, BUILTIN_DICT)?,
            stopwords: read(&self.stopwords, BUILTIN_STOPWORDS)?,
        })
    }
}

/// Labeled-data paths: files as given, folders expanded to their `.jsonl` and `.csv` files
/// (sorted by name, so the order and hence the model never depend on the file system).
pub fn data_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, "listing", e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension()
                            .is_some_and(|x| x == "jsonl" || x == "csv" || x == "json")
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::file(
                    p,
                    "this folder holds no .jsonl or .csv labeled data",
                ));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The texts (whitespace removed) of the labeled paragraphs in `paths` (files or folders):
/// what `--skip` leaves out. Rows of a sheet nobody has labeled yet do not count.
pub fn labeled_texts(paths: &[PathBuf]) -> Result<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for f in data_files(paths)? {
        for s in crate::labeled::read(&f, false)?.samples {
            out.insert(crate::labeling::suggest::text_key(&s.text));
        }
    }
    Ok(out)
}

/// Load the model given with `--model`, or the built-in default.
pub fn load_model(path: Option<&Path>) -> Result<crate::model::Model> {
    match path {
        Some(p) => crate::model::Model::load(p),
        None => crate::model::Model::builtin(),
    }
}
