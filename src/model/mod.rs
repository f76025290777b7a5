//! The model: a TF-IDF vocabulary, one linear scorer per label fitted with linfa, a softmax
//! temperature calibrated on held-out scores, and the tokenizer data it was trained with.
//! Prediction works on sparse vectors; explanations are the exact linear contributions.

pub mod curve;
mod file;
mod gram;
pub mod linear;
pub mod metrics;
pub mod train;

use crate::error::{Error, Result};
use crate::features::{FeatureSettings, HeadingFeatures, SparseVec, Vectorizer};
use crate::tokenizing::{Tokenizer, NUM, PCT, PH};
use linear::Linear;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::OnceLock;

pub use file::{write_atomic, write_atomic_with};
pub use linear::Algorithm;
pub use metrics::Evaluation;
pub use train::{ClassWeight, TrainSettings, ValidSettings};

/// The model file format this version of baogao reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The model shipped in `models/default.model`, compiled into the binary.
#[cfg(has_default_model)]
static DEFAULT_MODEL: Option<&[u8]> = Some(include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/default.model"
)));
#[cfg(not(has_default_model))]
static DEFAULT_MODEL: Option<&[u8]> = None;

/// Facts about the training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    pub data_hash: String,
    pub samples: usize,
    pub reports: usize,
    pub label_counts: Vec<(String, usize)>,
    pub baogao_version: String,
}

/// What the model file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelData {
    pub labels: Vec<String>,
    pub settings: TrainSettings,
    pub terms: Vec<String>,
    pub idf: Vec<f32>,
    pub linear: Linear,
    pub temperature: f32,
    pub dictionary: String,
    pub stopwords: String,
    pub dictionary_hash: String,
    pub stopwords_hash: String,
    pub training: TrainingInfo,
    /// Cross-validated evaluation on the training data (grouped by report), when it was run.
    pub cv: Option<Evaluation>,
}

/// A label and probabilities for one paragraph.
#[derive(Debug, Clone)]
pub struct Prediction {
    /// Index of the predicted label.
    pub label: usize,
    /// Calibrated probability of each label.
    pub probs: Vec<f32>,
}

impl Prediction {
    /// The probability of the predicted label.
    pub fn confidence(&self) -> f32 {
        self.probs[self.label]
    }
}

/// A term's contribution to a label's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermWeight {
    pub term: String,
    pub weight: f32,
}

/// A trained model, ready to classify.
pub struct Model {
    pub data: ModelData,
    vectorizer: Vectorizer,
    /// The weights feature by feature (`n_labels` per feature), so scoring a paragraph reads
    /// one short run per term instead of one number from each label's row.
    by_feature: Vec<f32>,
    tokenizer: OnceLock<Tokenizer>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("labels", &self.data.labels)
            .field("features", &self.data.terms.len())
            .finish()
    }
}

impl Model {
    fn from_data(data: ModelData, tokenizer: Option<Tokenizer>) -> Model {
        let mut vectorizer = Vectorizer::from_parts(
            data.settings.features.clone(),
            data.terms.clone(),
            data.idf.clone(),
        );
        // Class tokens are never filtered as stopwords, so they stay out of the index's list.
        vectorizer.skip_stopwords(
            crate::tokenizing::stopword_entries(&data.stopwords)
                .filter(|w| ![NUM, PCT, PH].contains(w)),
        );
        let cell = OnceLock::new();
        if let Some(t) = tokenizer {
            let _ = cell.set(t);
        }
        let rows = &data.linear.weights;
        let by_feature = (0..data.terms.len())
            .flat_map(|f| rows.iter().map(move |r| r.get(f).copied().unwrap_or(0.0)))
            .collect();
        Model {
            data,
            vectorizer,
            by_feature,
            tokenizer: cell,
        }
    }

    /// The model compiled into the binary (trained from `data/` by `baogao train data/train -o
    /// models/default.model`).
    pub fn builtin() -> Result<Model> {
        let bytes = DEFAULT_MODEL.ok_or_else(|| {
            Error::Usage(
                "this build has no default model; train one (`baogao train data/train -o models/default.model`) or pass --model"
                    .into(),
            )
        })?;
        Model::from_bytes(bytes, Path::new("<built-in default model>"))
    }

    /// Load a model file.
    pub fn load(path: &Path) -> Result<Model> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, "reading the model", e))?;
        Model::from_bytes(&bytes, path)
    }

    /// Parse a model from its file bytes (`path` is for messages).
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Model> {
        let payload = file::decode(bytes, FORMAT_VERSION, path)?;
        let data: ModelData = serde_json::from_slice(payload).map_err(|e| {
            Error::file(
                path,
                format!("the model data cannot be read ({e}); retrain the model"),
            )
        })?;
        let k = data.labels.len();
        let n = data.terms.len();
        if k < 2
            || data.idf.len() != n
            || data.linear.weights.len() != k
            || data.linear.intercepts.len() != k
            || data.linear.weights.iter().any(|w| w.len() != n)
        {
            return Err(Error::file(
                path,
                "the model data is inconsistent (label, term and weight counts differ); retrain the model",
            ));
        }
        // `compare --adjust` indexes the cross-validated confusion matrix by label.
        if let Some(cv) = &data.cv {
            if cv.confusion.len() != k || cv.confusion.iter().any(|row| row.len() != k) {
                return Err(Error::file(
                    path,
                    format!(
                        "the model data is inconsistent (its cross-validated confusion matrix is not {k} × {k}, one row and column per label); retrain the model"
                    ),
                ));
            }
        }
        let mut numbers = data
            .idf
            .iter()
            .chain(&data.linear.intercepts)
            .chain(data.linear.weights.iter().flatten());
        if numbers.any(|x| !x.is_finite()) {
            return Err(Error::file(
                path,
                "the model data is damaged (a weight is not a finite number); retrain the model",
            ));
        }
        if !(data.temperature > 0.0 && data.temperature.is_finite()) {
            return Err(Error::file(
                path,
                "the model's calibration temperature is not a positive number; retrain the model",
            ));
        }
        if let Err(e) = crate::tokenizing::dictionary_entries(&data.dictionary) {
            return Err(Error::file(
                path,
                format!("the dictionary stored in the model is damaged ({e}); retrain the model"),
            ));
        }
        Ok(Model::from_data(data, None))
    }

    /// The file bytes of this model (deterministic).
    pub fn to_bytes(&self) -> Vec<u8> {
        let payload = serde_json::to_vec(&self.data).expect("model serializes");
        file::encode(FORMAT_VERSION, &payload)
    }

    /// Write the model to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        write_atomic(path, &self.to_bytes())
    }

    pub fn labels(&self) -> &[String] {
        &self.data.labels
    }

    pub fn features(&self) -> &FeatureSettings {
        &self.data.settings.features
    }

    /// The model's tokenizer (built from its stored dictionary and stopwords on first use).
    pub fn tokenizer(&self) -> &Tokenizer {
        self.tokenizer.get_or_init(|| {
            Tokenizer::new(
                &self.data.dictionary,
                &self.data.stopwords,
                self.data.settings.features.hmm,
            )
            .expect("the dictionary was checked when the model was trained")
        })
    }

    /// The fitted vectorizer (vocabulary, idf and feature settings).
    pub fn vectorizer(&self) -> &Vectorizer {
        &self.vectorizer
    }

    /// The TF-IDF vector of a paragraph (with its innermost heading as context).
    pub fn vectorize(&self, text: &str, heading: Option<&str>) -> SparseVec {
        self.vectorizer.transform(self.tokenizer(), text, heading)
    }

    /// Label and probabilities of a vector.
    pub fn predict_vec(&self, x: &SparseVec) -> Prediction {
        // The same sums, in the same order, as `train::scores` (so the same figures).
        let k = self.data.linear.intercepts.len();
        let mut scores = vec![0f32; k];
        for (&i, &v) in x.idx.iter().zip(&x.val) {
            let w = &self.by_feature[i as usize * k..(i as usize + 1) * k];
            scores.iter_mut().zip(w).for_each(|(s, &w)| *s += w * v);
        }
        scores
            .iter_mut()
            .zip(&self.data.linear.intercepts)
            .for_each(|(s, b)| *s += b);
        let probs = train::softmax(&scores, self.data.temperature);
        Prediction {
            label: train::argmax(&probs),
            probs,
        }
    }

    /// Classify one paragraph.
    pub fn predict(&self, text: &str, heading: Option<&str>) -> (Prediction, SparseVec) {
        let x = self.vectorize(text, heading);
        (self.predict_vec(&x), x)
    }

    /// The features of a heading, computed once for all the paragraphs under it.
    pub fn heading_features(&self, heading: Option<&str>) -> HeadingFeatures {
        self.vectorizer.heading_features(self.tokenizer(), heading)
    }

    /// Classify one paragraph under a heading whose features are computed beforehand: the same
    /// as [`predict`](Self::predict) with that heading.
    pub fn predict_under(&self, text: &str, heading: &HeadingFeatures) -> (Prediction, SparseVec) {
        let x = self
            .vectorizer
            .transform_under(self.tokenizer(), text, heading);
        (self.predict_vec(&x), x)
    }

    /// The terms of `x` that raise `label`'s score most relative to the other labels: each
    /// term's exact contribution `x_i · (w_label,i − mean of w_·,i)`, largest first. (The mean is
    /// subtracted because softmax only sees differences between labels.)
    pub fn explain(&self, x: &SparseVec, label: usize, n: usize) -> Vec<TermWeight> {
        let k = self.data.linear.weights.len();
        let terms = &self.data.terms;
        let mut c: Vec<(usize, f32)> = x
            .idx
            .iter()
            .zip(&x.val)
            .map(|(&i, &v)| {
                let i = i as usize;
                // This feature's weight for each label, in label order.
                let w = &self.by_feature[i * k..(i + 1) * k];
                let mean = w.iter().sum::<f32>() / k as f32;
                (i, v * (w[label] - mean))
            })
            .filter(|&(_, c)| c > 0.0)
            .collect();
        let order = |a: &(usize, f32), b: &(usize, f32)| {
            b.1.total_cmp(&a.1)
                .then_with(|| terms[a.0].cmp(&terms[b.0]))
        };
        if n < c.len() {
            c.select_nth_unstable_by(n, order);
            c.truncate(n);
        }
        c.sort_by(order);
        c.into_iter()
            .map(|(i, weight)| TermWeight {
                term: terms[i].clone(),
                weight,
            })
            .collect()
    }

    /// The terms whose weight favours `label` most (relative to the mean over labels).
    pub fn top_terms(&self, label: usize, n: usize) -> Vec<TermWeight> {
        let w = &self.data.linear.weights;
        let k = w.len() as f32;
        let mut c: Vec<TermWeight> = (0..self.data.terms.len())
            .map(|i| {
                let mean = w.iter().map(|row| row[i]).sum::<f32>() / k;
                TermWeight {
                    term: self.data.terms[i].clone(),
                    weight: w[label][i] - mean,
                }
            })
            .collect();
        c.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.term.cmp(&b.term))
        });
        c.truncate(n);
        c
    }
}
