//! The learning curve: cross-validated macro-F1 as the labeled set grows, so a user can see
//! whether labeling more paragraphs is likely to help.
//!
//! For each fold (whole reports held out, as in [`cross_validate`](super::train::cross_validate))
//! the training part is cut to each share in turn, per label (every label keeps at least one
//! paragraph) and nested (the 20 % set holds the 10 % set), in a fixed order from a hash of each
//! paragraph. A model fitted on the cut is scored on the held-out fold; the out-of-fold
//! predictions of all folds give the point's macro-F1 and accuracy, and the folds' own macro-F1
//! give its spread.

use super::train::{argmax, assign_folds, fit_subset, scores, Prepared, ValidSettings};
use crate::error::Result;
use crate::model::metrics::evaluate;
use crate::tokenizing::hash_text;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// One point of the curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Share of each fold's training paragraphs used.
    pub share: f64,
    /// Training paragraphs per fold (mean over folds, rounded).
    pub paragraphs: usize,
    /// Macro-F1 of the pooled out-of-fold predictions.
    pub macro_f1: f64,
    pub accuracy: f64,
    /// Lowest and highest macro-F1 of a single fold.
    pub fold_min: f64,
    pub fold_max: f64,
}

/// Shares `1/steps, 2/steps, …, 1`.
pub fn shares(steps: usize) -> Vec<f64> {
    (1..=steps).map(|i| i as f64 / steps as f64).collect()
}

/// The training rows kept at `share`: per label, the first `ceil(share · n)` in hash order.
fn cut(p: &Prepared, rows: &[usize], share: f64) -> Vec<usize> {
    let mut by_label: BTreeMap<usize, Vec<(String, usize)>> = BTreeMap::new();
    for &i in rows {
        let s = &p.samples[i];
        by_label
            .entry(p.y[i])
            .or_default()
            .push((hash_text(&format!("{}\u{0}{}", s.group(), s.text)), i));
    }
    let mut out = Vec::new();
    for mut v in by_label.into_values() {
        v.sort();
        let keep = ((share * v.len() as f64).ceil() as usize).clamp(1, v.len());
        out.extend(v.into_iter().take(keep).map(|(_, i)| i));
    }
    out.sort_unstable();
    out
}

/// One fold at one share: the training rows used, and (sample, predicted label) per held-out
/// sample.
type FoldRun = (usize, Vec<(usize, usize)>);

/// Macro-F1 and accuracy at each share (see the module documentation).
pub fn learning_curve(
    p: &Prepared,
    settings: &ValidSettings,
    folds: usize,
    shares: &[f64],
) -> Result<Vec<CurvePoint>> {
    let s = settings.get();
    let fold_of = assign_folds(p.samples, folds)?;
    let jobs: Vec<(usize, usize)> = (0..shares.len())
        .flat_map(|k| (0..folds).map(move |f| (k, f)))
        .collect();
    let results: Vec<Result<FoldRun>> = jobs
        .par_iter()
        .map(|&(k, f)| {
            let train: Vec<usize> = (0..p.y.len()).filter(|&i| fold_of[i] != f).collect();
            let rows = cut(p, &train, shares[k]);
            let (vectorizer, linear) = fit_subset(p, &rows, s)?;
            let preds = (0..p.y.len())
                .filter(|&i| fold_of[i] == f)
                .map(|i| {
                    let x = vectorizer.transform_tokens(&p.tokens[i]);
                    (i, argmax(&scores(&linear, &x)))
                })
                .collect();
            Ok((rows.len(), preds))
        })
        .collect();
    let mut per_share: Vec<Vec<FoldRun>> = vec![Vec::new(); shares.len()];
    for (&(k, _), r) in jobs.iter().zip(results) {
        per_share[k].push(r?);
    }
    let score = |preds: &[(usize, usize)]| {
        let gold: Vec<usize> = preds.iter().map(|&(i, _)| p.y[i]).collect();
        let pred: Vec<usize> = preds.iter().map(|&(_, l)| l).collect();
        let also: Vec<Vec<usize>> = preds.iter().map(|&(i, _)| p.also[i].clone()).collect();
        let conf = vec![1.0f32; preds.len()];
        evaluate(&p.labels, &gold, &pred, &also, &conf)
    };
    Ok(shares
        .iter()
        .zip(per_share)
        .map(|(&share, fold_results)| {
            let pooled: Vec<(usize, usize)> = fold_results
                .iter()
                .flat_map(|(_, preds)| preds.iter().copied())
                .collect();
            let all = score(&pooled);
            let fold_f1: Vec<f64> = fold_results
                .iter()
                .map(|(_, preds)| score(preds).macro_f1)
                .collect();
            let sizes: usize = fold_results.iter().map(|(n, _)| n).sum();
            CurvePoint {
                share,
                paragraphs: (sizes as f64 / fold_results.len().max(1) as f64).round() as usize,
                macro_f1: all.macro_f1,
                accuracy: all.accuracy,
                fold_min: fold_f1.iter().copied().fold(f64::INFINITY, f64::min),
                fold_max: fold_f1.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            }
        })
        .collect())
}

/// A one-line reading of the curve's end: how much the last step added.
pub fn reading(points: &[CurvePoint]) -> String {
    let [.., before, last] = points else {
        return String::new();
    };
    let gain = last.macro_f1 - before.macro_f1;
    let added = last.paragraphs.saturating_sub(before.paragraphs).max(1);
    let per_100 = 100.0 * gain / added as f64;
    let verdict = if per_100 > 0.01 {
        "still rising: labeling more paragraphs is likely to help"
    } else if per_100 > 0.002 {
        "rising slowly: more labels help a little; check the codebook and the disagreements too"
    } else {
        "flat: more of the same labels will help little; label the paragraphs `suggest` picks, \
         or revisit the codebook"
    };
    format!(
        "the last step ({} → {} paragraphs) changed macro-F1 by {:+.3} ({:+.3} per 100 paragraphs): {verdict}",
        before.paragraphs, last.paragraphs, gain, per_100
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labeled::Sample;
    use crate::tokenizing::Tokenizer;

    #[test]
    fn cuts_are_nested_and_keep_every_label() {
        let samples: Vec<Sample> = (0..40)
            .map(|i| Sample {
                text: format!("第{i}段"),
                label: if i % 10 == 0 { "rare" } else { "common" }.into(),
                heading: None,
                report: Some(format!("r{}", i % 7)),
                also: vec![],
                file: "d.jsonl".into(),
                line: i + 1,
            })
            .collect();
        let t = Tokenizer::new("", "", false).unwrap();
        let p = crate::model::train::prepare(&samples, &t, false);
        let all: Vec<usize> = (0..40).collect();
        let small = cut(&p, &all, 0.1);
        let big = cut(&p, &all, 0.5);
        assert!(small.iter().all(|i| big.contains(i)));
        assert!(small.iter().any(|&i| samples[i].label == "rare"));
        assert_eq!(small.len(), 1 + 4);
        assert_eq!(cut(&p, &all, 1.0), all);
        assert_eq!(shares(4), vec![0.25, 0.5, 0.75, 1.0]);
    }
}
