//! Training: settings → validated settings → tokenize → (grouped cross-validation) → fit →
//! model. Everything is deterministic: the same samples and settings give the same model bytes.

use super::gram;
use super::linear::{self, Algorithm, Linear, SolverSettings};
use super::metrics::{evaluate, Evaluation};
use super::{Model, ModelData, TrainingInfo};
use crate::error::{Error, Result};
use crate::features::{to_dense, FeatureSettings, SparseVec, Tokens, Vectorizer};
use crate::labeled::Sample;
use crate::tokenizing::{hash_text, Tokenizer};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// How to even out labels of different sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeight {
    /// Train on the samples as they are
    None,
    /// Repeat samples of smaller labels until every label weighs as much as the largest
    Balanced,
}

/// Everything that decides a model besides the data. Stored in the model file; can be read from
/// a TOML settings file (`baogao train --settings FILE`), where every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainSettings {
    pub algorithm: Algorithm,
    /// Inverse regularisation strength (logistic, svm), as scikit-learn's `C`; when not given,
    /// 10 for logistic regression and 1 for the SVM (whose solver is slow with a large C).
    pub c: Option<f32>,
    /// Additive smoothing of naive Bayes.
    pub nb_alpha: f32,
    /// Iteration cap of the logistic solver.
    pub max_iterations: u64,
    pub class_weight: ClassWeight,
    /// Cross-validation folds (grouped by report) for the metrics and the calibration stored in
    /// the model; 0 skips them.
    pub folds: usize,
    /// Refuse labels with fewer samples than this.
    pub min_per_label: usize,
    pub features: FeatureSettings,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            algorithm: Algorithm::Logistic,
            c: None,
            nb_alpha: 0.1,
            max_iterations: 30,
            class_weight: ClassWeight::None,
            folds: 5,
            min_per_label: 5,
            features: FeatureSettings::default(),
        }
    }
}

impl TrainSettings {
    /// Read settings from a TOML file.
    pub fn from_toml_file(path: &std::path::Path) -> Result<TrainSettings> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "reading", e))?;
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map_or(1, |s| text[..s.start].matches('\n').count() + 1);
            Error::data(path, line, format!("bad settings: {}", e.message()))
        })
    }

    /// Check the values; the result is what `train` takes.
    pub fn validate(mut self) -> Result<ValidSettings> {
        self.features.validate()?;
        let bad = |m: String| Err(Error::Usage(m));
        let c = self.c.unwrap_or(match self.algorithm {
            Algorithm::Svm => 1.0,
            _ => 10.0,
        });
        if !(c > 0.0 && c.is_finite()) {
            return bad(format!("c must be a positive number, not {c}"));
        }
        self.c = Some(c);
        if !(self.nb_alpha > 0.0 && self.nb_alpha.is_finite()) {
            return bad(format!("nb_alpha must be positive, not {}", self.nb_alpha));
        }
        if self.max_iterations == 0 {
            return bad("max_iterations must be at least 1".into());
        }
        if self.folds == 1 {
            return bad("folds must be 0 (no cross-validation) or at least 2".into());
        }
        if self.min_per_label == 0 {
            return bad("min_per_label must be at least 1".into());
        }
        Ok(ValidSettings(self))
    }

    fn solver(&self) -> SolverSettings {
        SolverSettings {
            algorithm: self.algorithm,
            c: self.c.expect("set by validate"),
            nb_alpha: self.nb_alpha,
            max_iterations: self.max_iterations,
        }
    }
}

/// Settings that passed [`TrainSettings::validate`].
#[derive(Debug, Clone)]
pub struct ValidSettings(TrainSettings);

impl ValidSettings {
    pub fn get(&self) -> &TrainSettings {
        &self.0
    }
}

/// Samples prepared for fitting: tokens and label indices.
pub struct Prepared<'a> {
    pub samples: &'a [Sample],
    pub labels: Vec<String>,
    pub y: Vec<usize>,
    pub also: Vec<Vec<usize>>,
    pub tokens: Vec<Tokens>,
}

/// Tokenize samples and index their labels (label order: the codebook's themes first).
pub fn prepare<'a>(
    samples: &'a [Sample],
    tokenizer: &Tokenizer,
    use_heading: bool,
) -> Prepared<'a> {
    let mut labels: Vec<String> = samples
        .iter()
        .map(|s| s.label.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    crate::themes::sort_labels(&mut labels);
    let index = |l: &str| labels.iter().position(|x| x == l);
    let y = samples
        .iter()
        .map(|s| index(&s.label).expect("label listed"))
        .collect();
    let also = samples
        .iter()
        .map(|s| s.also.iter().filter_map(|a| index(a)).collect())
        .collect();
    let tokens = samples
        .par_iter()
        .map(|s| {
            let heading = s.heading.as_deref().filter(|_| use_heading);
            Tokens::of(tokenizer, &s.text, heading)
        })
        .collect();
    Prepared {
        samples,
        labels,
        y,
        also,
        tokens,
    }
}

/// What cross-validation measured.
#[derive(Debug, Clone)]
pub struct CrossValidation {
    pub evaluation: Evaluation,
    /// Out-of-fold scores (before softmax), per sample.
    pub scores: Vec<Vec<f32>>,
    /// The softmax temperature that best calibrates those scores.
    pub temperature: f32,
}

/// Grouped k-fold cross-validation: whole reports are held out together.
/// Out-of-fold scores of one fold: (sample index, score per label).
type FoldScores = Vec<(usize, Vec<f32>)>;

pub fn cross_validate(
    p: &Prepared,
    settings: &ValidSettings,
    folds: usize,
) -> Result<CrossValidation> {
    let s = settings.get();
    let fold_of = assign_folds(p.samples, folds)?;
    let per_fold: Vec<Result<FoldScores>> = (0..folds)
        .into_par_iter()
        .map(|f| {
            let train: Vec<usize> = (0..p.y.len()).filter(|&i| fold_of[i] != f).collect();
            let test: Vec<usize> = (0..p.y.len()).filter(|&i| fold_of[i] == f).collect();
            let (vectorizer, linear) = fit_subset(p, &train, s)?;
            Ok(test
                .into_iter()
                .map(|i| {
                    let x = vectorizer.transform_tokens(&p.tokens[i]);
                    (i, scores(&linear, &x))
                })
                .collect())
        })
        .collect();
    let mut scores_out = vec![Vec::new(); p.y.len()];
    for fold in per_fold {
        for (i, sc) in fold? {
            scores_out[i] = sc;
        }
    }
    let temperature = fit_temperature(&scores_out, &p.y);
    let mut pred = Vec::with_capacity(p.y.len());
    let mut conf = Vec::with_capacity(p.y.len());
    for sc in &scores_out {
        let probs = softmax(sc, temperature);
        let best = argmax(&probs);
        pred.push(best);
        conf.push(probs[best]);
    }
    Ok(CrossValidation {
        evaluation: evaluate(&p.labels, &p.y, &pred, &p.also, &conf),
        scores: scores_out,
        temperature,
    })
}

/// Fit the vectorizer and the classifier on a subset of the samples.
pub(crate) fn fit_subset(
    p: &Prepared,
    rows: &[usize],
    s: &TrainSettings,
) -> Result<(Vectorizer, Linear)> {
    let docs: Vec<&Tokens> = rows.iter().map(|&i| &p.tokens[i]).collect();
    let labels: Vec<usize> = rows.iter().map(|&i| p.y[i]).collect();
    let vectorizer = Vectorizer::fit(&docs, &labels, p.labels.len(), &s.features)?;
    let order = match s.class_weight {
        ClassWeight::None => (0..rows.len()).collect(),
        ClassWeight::Balanced => oversample(&rows.iter().map(|&i| p.y[i]).collect::<Vec<_>>()),
    };
    let vecs: Vec<SparseVec> = docs
        .par_iter()
        .map(|d| vectorizer.transform_tokens(d))
        .collect();
    let refs: Vec<&SparseVec> = order.iter().map(|&k| &vecs[k]).collect();
    let y: Vec<usize> = order.iter().map(|&k| p.y[rows[k]]).collect();
    let linear = fit_rows(&refs, vectorizer.len(), &y, p.labels.len(), s)?;
    Ok((vectorizer, linear))
}

/// Fit the classifier on sparse rows: in the span of the rows when that is cheaper (see
/// [`gram`]; logistic regression and SVM, whose penalty is L2), else on the dense matrix.
fn fit_rows(
    rows: &[&SparseVec],
    n_features: usize,
    y: &[usize],
    n_labels: usize,
    s: &TrainSettings,
) -> Result<Linear> {
    let l2 = matches!(s.algorithm, Algorithm::Logistic | Algorithm::Svm);
    if l2 && gram::worthwhile(rows.len(), n_features) {
        let l = gram::factor(rows, n_features)?;
        let z = gram::rows_f32(&l);
        let mut linear = linear::fit(z.view(), y, n_labels, &s.solver())?;
        linear.weights = gram::weights_over_terms(&l, rows, n_features, &linear.weights);
        Ok(linear)
    } else {
        let x = to_dense(rows, n_features);
        linear::fit(x.view(), y, n_labels, &s.solver())
    }
}

/// Train a model on all samples (with cross-validated metrics and calibration when
/// `folds` ≥ 2). `dict` and `stopwords` are the tokenizer's data, stored in the model.
pub fn train(
    samples: &[Sample],
    settings: &ValidSettings,
    dict: &str,
    stopwords: &str,
    progress: &dyn Fn(&str),
) -> Result<Model> {
    let s = settings.get();
    let tokenizer = Tokenizer::new(dict, stopwords, s.features.hmm)?;
    progress("tokenizing");
    let p = prepare(samples, &tokenizer, s.features.heading_weight > 0.0);
    let cv = if s.folds >= 2 {
        progress("cross-validating");
        Some(cross_validate(&p, settings, s.folds)?)
    } else {
        None
    };
    progress("fitting");
    let all: Vec<usize> = (0..samples.len()).collect();
    let (vectorizer, mut linear) = fit_subset(&p, &all, s)?;
    // Five significant digits are far more than prediction needs, and make the model file
    // independent of the last bits that different CPUs' vector kernels may produce.
    for row in linear.weights.iter_mut() {
        row.iter_mut().for_each(|w| *w = round_sig(*w));
    }
    linear
        .intercepts
        .iter_mut()
        .for_each(|w| *w = round_sig(*w));
    let idf: Vec<f32> = vectorizer.idf.iter().map(|&x| round_sig(x)).collect();
    let temperature = match &cv {
        Some(cv) => cv.temperature,
        // Without held-out scores there is nothing to calibrate against: plain softmax.
        None => 1.0,
    };
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for smp in samples {
        *counts.entry(&smp.label).or_default() += 1;
    }
    let label_counts = p
        .labels
        .iter()
        .map(|l| (l.clone(), counts[l.as_str()]))
        .collect();
    let reports = samples
        .iter()
        .map(Sample::group)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let data = ModelData {
        labels: p.labels.clone(),
        settings: s.clone(),
        terms: vectorizer.terms.clone(),
        idf,
        linear,
        temperature,
        dictionary: dict.to_string(),
        stopwords: stopwords.to_string(),
        dictionary_hash: hash_text(dict),
        stopwords_hash: hash_text(stopwords),
        training: TrainingInfo {
            data_hash: data_hash(samples),
            samples: samples.len(),
            reports,
            label_counts,
            baogao_version: env!("CARGO_PKG_VERSION").to_string(),
        },
        cv: cv.map(|c| c.evaluation),
    };
    Ok(Model::from_data(data, Some(tokenizer)))
}

/// Assign each sample a fold so that a report's samples share one fold; reports are spread over
/// folds in the order of a hash of their names (deterministic, independent of input order).
pub fn assign_folds(samples: &[Sample], folds: usize) -> Result<Vec<usize>> {
    let mut groups: Vec<(String, String)> = samples
        .iter()
        .map(Sample::group)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|g| (hash_text(&g), g))
        .collect();
    if groups.len() < folds {
        return Err(Error::Usage(format!(
            "cross-validation with {folds} folds needs at least {folds} reports, but the data has {}; \
             use fewer folds (--folds) or give each sample a `report`",
            groups.len()
        )));
    }
    groups.sort();
    let fold: std::collections::HashMap<String, usize> = groups
        .into_iter()
        .enumerate()
        .map(|(i, (_, g))| (g, i % folds))
        .collect();
    Ok(samples.iter().map(|s| fold[&s.group()]).collect())
}

/// Indices that repeat smaller labels' rows until each label has about as many rows as the
/// largest: whole copies first, then the first rows again for the remainder (deterministic).
fn oversample(y: &[usize]) -> Vec<usize> {
    let mut by_label: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &l) in y.iter().enumerate() {
        by_label.entry(l).or_default().push(i);
    }
    let max = by_label.values().map(Vec::len).max().unwrap_or(0);
    let mut out = Vec::new();
    for rows in by_label.values() {
        let mut k = 0;
        while k < max {
            out.push(rows[k % rows.len()]);
            k += 1;
        }
    }
    out.sort_unstable();
    out
}

/// Linear scores of a vector.
pub fn scores(linear: &Linear, x: &SparseVec) -> Vec<f32> {
    linear
        .weights
        .iter()
        .zip(&linear.intercepts)
        .map(|(w, b)| x.dot(w) + b)
        .collect()
}

/// Softmax of `scores / temperature`.
pub fn softmax(scores: &[f32], temperature: f32) -> Vec<f32> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f64> = scores
        .iter()
        .map(|&s| (((s - max) / temperature) as f64).exp())
        .collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|&e| (e / sum) as f32).collect()
}

/// Index of the largest value (the first on ties).
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// The temperature minimising the negative log-likelihood of the gold labels (golden-section
/// search over log T in [0.02, 100]).
fn fit_temperature(scores: &[Vec<f32>], y: &[usize]) -> f32 {
    let nll = |log_t: f64| -> f64 {
        let t = log_t.exp() as f32;
        scores
            .iter()
            .zip(y)
            .map(|(s, &g)| -(softmax(s, t)[g].max(1e-12) as f64).ln())
            .sum()
    };
    let (mut a, mut b) = ((0.02f64).ln(), (100.0f64).ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (nll(c), nll(d));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = nll(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = nll(d);
        }
    }
    (((a + b) / 2.0).exp() as f32 * 1e4).round() / 1e4
}

/// `x` rounded to five significant digits.
fn round_sig(x: f32) -> f32 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(4 - (x.abs() as f64).log10().floor() as i32);
    ((x as f64 * scale).round() / scale) as f32
}

/// A hash of the training data (texts, labels, headings, reports, in order).
pub fn data_hash(samples: &[Sample]) -> String {
    let mut h = Sha256::new();
    for s in samples {
        for part in [
            s.text.as_str(),
            s.label.as_str(),
            s.heading.as_deref().unwrap_or(""),
            s.report.as_deref().unwrap_or(""),
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        h.update([0x1e]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_keeps_five_digits() {
        assert_eq!(round_sig(0.123456), 0.12346);
        assert_eq!(round_sig(-123456.0), -123460.0);
        assert_eq!(round_sig(0.0), 0.0);
    }

    #[test]
    fn oversampling_evens_labels() {
        let y = [0, 0, 0, 0, 1, 2, 2];
        let idx = oversample(&y);
        let count = |l| idx.iter().filter(|&&i| y[i] == l).count();
        assert_eq!((count(0), count(1), count(2)), (4, 4, 4));
    }

    #[test]
    fn temperature_recovers_a_known_scale() {
        // Scores drawn so that softmax(s / 2) is calibrated.
        let mut scores = Vec::new();
        let mut y = Vec::new();
        for k in 0..400 {
            let s = vec![(k % 7) as f32 * 0.5, 1.5, 0.0];
            let p = softmax(&s, 2.0);
            // Deterministic "sampling": assign labels in proportion to p across repeats.
            let u = ((k * 7919) % 1000) as f32 / 1000.0;
            let label = if u < p[0] {
                0
            } else if u < p[0] + p[1] {
                1
            } else {
                2
            };
            scores.push(s);
            y.push(label);
        }
        let t = fit_temperature(&scores, &y);
        assert!((1.3..3.0).contains(&t), "{t}");
    }
}
