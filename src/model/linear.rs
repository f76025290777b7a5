//! Fitting the classifier with linfa and keeping only what prediction needs: one weight row and
//! one intercept per label, so paragraphs are scored as sparse vectors without a dense matrix.
//!
//! - logistic: linfa-logistic's multinomial (softmax) logistic regression;
//! - nb: linfa-bayes' multinomial naive Bayes, whose joint log-likelihood is linear in the
//!   features (read back from the fitted model);
//! - svm: linfa-svm's linear SVM, one binary model per label (one-vs-rest).

use crate::error::{Error, Result};
use linfa::prelude::*;
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// The classifier family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// Multinomial logistic regression (linfa-logistic)
    Logistic,
    /// Multinomial naive Bayes (linfa-bayes)
    Nb,
    /// Linear support vector machine, one-vs-rest (linfa-svm)
    Svm,
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Algorithm::Logistic => "logistic",
            Algorithm::Nb => "nb",
            Algorithm::Svm => "svm",
        })
    }
}

/// A linear scorer: `score[label] = weights[label] · x + intercepts[label]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Linear {
    /// One row of `n_features` weights per label.
    pub weights: Vec<Vec<f32>>,
    pub intercepts: Vec<f32>,
}

/// Settings of the solver.
#[derive(Debug, Clone, Copy)]
pub struct SolverSettings {
    pub algorithm: Algorithm,
    /// Inverse regularisation strength (logistic, svm), as scikit-learn's `C`.
    pub c: f32,
    /// Additive smoothing (nb).
    pub nb_alpha: f32,
    /// Iteration cap of the logistic solver.
    pub max_iterations: u64,
}

/// Fit a linear model on dense rows `x` with labels `y` in `0..n_labels`.
pub fn fit(x: ArrayView2<f32>, y: &[usize], n_labels: usize, s: &SolverSettings) -> Result<Linear> {
    let targets = Array1::from(y.to_vec());
    match s.algorithm {
        Algorithm::Logistic => {
            let ds = DatasetBase::new(x, targets);
            let model = linfa_logistic::MultiLogisticRegression::<f32>::default()
                .alpha(1.0 / s.c)
                .max_iterations(s.max_iterations)
                .gradient_tolerance(1e-4)
                .fit(&ds)
                .map_err(|e| solver_error("logistic regression", e))?;
            let params = model.params(); // n_features × n_classes, classes in sorted order
            let intercept = model.intercept();
            let mut out = empty(n_labels, x.ncols());
            for (col, &class) in model.classes().iter().enumerate() {
                out.weights[class] = params.column(col).to_vec();
                out.intercepts[class] = intercept[col];
            }
            Ok(out)
        }
        Algorithm::Nb => {
            let ds = DatasetBase::new(x, targets);
            let model = {
                // linfa-bayes 0.8.1 prints every class histogram with `dbg!`; keep stderr clean.
                let _quiet = gag::Gag::stderr().ok();
                linfa_bayes::MultinomialNb::<f32, usize>::params()
                    .alpha(s.nb_alpha)
                    .fit(&ds)
                    .map_err(|e| solver_error("naive Bayes", e))?
            };
            nb_linear(&model, n_labels, x.ncols())
        }
        Algorithm::Svm => {
            let mut out = empty(n_labels, x.ncols());
            for label in 0..n_labels {
                let t: Array1<bool> = targets.mapv(|c| c == label);
                if !t.iter().any(|&b| b) {
                    continue;
                }
                let ds = DatasetBase::new(x, t.view());
                // linfa-svm's default stopping tolerance is 1e-7, which makes SMO run for
                // minutes on a few thousand paragraphs; libsvm's usual 1e-3 is plenty here. (Its
                // `shrinking` option panics with an index error in 0.8.1, so it stays off.)
                let model = linfa_svm::Svm::<f32, bool>::params()
                    .linear_kernel()
                    .eps(1e-3)
                    .pos_neg_weights(s.c, s.c)
                    .fit(&ds)
                    .map_err(|e| solver_error("SVM", e))?;
                let (w, b) = svm_linear(&model, x);
                out.weights[label] = w;
                out.intercepts[label] = b;
            }
            Ok(out)
        }
    }
}

fn solver_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Usage(format!(
        "training the {what} failed: {e}; check the training data and settings"
    ))
}

/// A model that scores every label very low (labels absent from a training fold).
fn empty(n_labels: usize, n_features: usize) -> Linear {
    Linear {
        weights: vec![vec![0.0; n_features]; n_labels],
        intercepts: vec![-30.0; n_labels],
    }
}

/// Read naive Bayes back as a linear model: the joint log-likelihood of the zero vector gives
/// the log priors, that of each unit vector adds one feature's log probability.
fn nb_linear(
    model: &linfa_bayes::MultinomialNb<f32, usize>,
    n_labels: usize,
    n_features: usize,
) -> Result<Linear> {
    use linfa_bayes::NaiveBayes;
    let mut out = empty(n_labels, n_features);
    let zero = Array2::<f32>::zeros((1, n_features));
    let prior = model.joint_log_likelihood(zero.view());
    for (&&class, v) in &prior {
        out.intercepts[class] = v[0];
    }
    const CHUNK: usize = 512;
    let mut start = 0;
    while start < n_features {
        let end = (start + CHUNK).min(n_features);
        let mut eye = Array2::<f32>::zeros((end - start, n_features));
        for i in start..end {
            eye[(i - start, i)] = 1.0;
        }
        for (&&class, v) in &model.joint_log_likelihood(eye.view()) {
            for i in start..end {
                out.weights[class][i] = v[i - start] - out.intercepts[class];
            }
        }
        start = end;
    }
    Ok(out)
}

/// Read a linear-kernel SVM back as weights and intercept, oriented so that a positive score
/// means the label. The orientation is checked against the model's own predictions.
fn svm_linear(model: &linfa_svm::Svm<f32, bool>, x: ArrayView2<f32>) -> (Vec<f32>, f32) {
    let n = x.ncols();
    let mut w = vec![0.0f32; n];
    let mut e = Array1::<f32>::zeros(n);
    for (i, wi) in w.iter_mut().enumerate() {
        e[i] = 1.0;
        *wi = model.weighted_sum(&e);
        e[i] = 0.0;
    }
    let b = -model.rho;
    // Which sign means `true`? Compare with linfa's own predictions on the training rows.
    let mut predicted = Array1::from_elem(x.nrows(), false);
    model.predict_inplace(&x, &mut predicted);
    let mut agree = 0usize;
    let mut disagree = 0usize;
    for (row, &p) in x.outer_iter().zip(predicted.iter()) {
        let score: f32 = row.iter().zip(&w).map(|(a, b)| a * b).sum::<f32>() + b;
        if (score > 0.0) == p {
            agree += 1;
        } else {
            disagree += 1;
        }
    }
    if disagree > agree {
        (w.into_iter().map(|v| -v).collect(), -b)
    } else {
        (w, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three separable clusters: every algorithm must score its own training rows right.
    #[test]
    fn all_algorithms_separate_a_toy_problem() {
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for c in 0..3 {
            for k in 0..12 {
                let mut r = vec![0.05f32; 6];
                r[c * 2] = 1.0 + (k % 3) as f32 * 0.1;
                r[c * 2 + 1] = 0.5;
                rows.extend(r);
                y.push(c);
            }
        }
        let x = Array2::from_shape_vec((36, 6), rows).unwrap();
        for algorithm in [Algorithm::Logistic, Algorithm::Nb, Algorithm::Svm] {
            let s = SolverSettings {
                algorithm,
                c: 10.0,
                nb_alpha: 0.1,
                max_iterations: 200,
            };
            let m = fit(x.view(), &y, 3, &s).unwrap();
            for (row, &label) in x.outer_iter().zip(&y) {
                let scores: Vec<f32> = (0..3)
                    .map(|c| {
                        row.iter()
                            .zip(&m.weights[c])
                            .map(|(a, b)| a * b)
                            .sum::<f32>()
                            + m.intercepts[c]
                    })
                    .collect();
                let best = (0..3)
                    .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
                    .unwrap();
                assert_eq!(best, label, "{algorithm}: {scores:?}");
            }
        }
    }
}
