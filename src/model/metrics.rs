//! Evaluation measures: accuracy, lenient accuracy, per-label precision/recall/F1, macro-F1,
//! the confusion matrix and the expected calibration error, and their text rendering.

use crate::themes::display_name;
use serde::{Deserialize, Serialize};

/// Scores of one label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelScore {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold paragraphs with this label.
    pub support: usize,
}

/// How well predictions match gold labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub labels: Vec<String>,
    pub paragraphs: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Counting a prediction listed in the gold `also` as right.
    pub lenient_accuracy: f64,
    pub per_label: Vec<LabelScore>,
    /// `confusion[gold][predicted]` counts.
    pub confusion: Vec<Vec<usize>>,
    /// Expected calibration error of the confidence (10 equal-width bins).
    pub ece: f64,
}

/// Compare predictions with gold labels (indices into `labels`). `also` holds each paragraph's
/// acceptable alternatives; `confidence` the probability of each prediction.
pub fn evaluate(
    labels: &[String],
    gold: &[usize],
    pred: &[usize],
    also: &[Vec<usize>],
    confidence: &[f32],
) -> Evaluation {
    let k = labels.len();
    let n = gold.len();
    let mut confusion = vec![vec![0usize; k]; k];
    for (&g, &p) in gold.iter().zip(pred) {
        confusion[g][p] += 1;
    }
    let correct: usize = (0..k).map(|i| confusion[i][i]).sum();
    let lenient = gold
        .iter()
        .zip(pred)
        .enumerate()
        .filter(|&(i, (&g, &p))| g == p || also.get(i).is_some_and(|a| a.contains(&p)))
        .count();
    let per_label: Vec<LabelScore> = (0..k)
        .map(|i| {
            let tp = confusion[i][i] as f64;
            let predicted: usize = (0..k).map(|g| confusion[g][i]).sum();
            let support: usize = confusion[i].iter().sum();
            let precision = if predicted > 0 {
                tp / predicted as f64
            } else {
                0.0
            };
            let recall = if support > 0 {
                tp / support as f64
            } else {
                0.0
            };
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            LabelScore {
                label: labels[i].clone(),
                precision,
                recall,
                f1,
                support,
            }
        })
        .collect();
    // Macro-F1 over the labels present in the gold data (as scikit-learn does with the labels
    // that occur in either gold or predictions).
    let present: Vec<&LabelScore> = per_label
        .iter()
        .enumerate()
        .filter(|(i, s)| s.support > 0 || (0..k).any(|g| confusion[g][*i] > 0))
        .map(|(_, s)| s)
        .collect();
    let macro_f1 = if present.is_empty() {
        0.0
    } else {
        present.iter().map(|s| s.f1).sum::<f64>() / present.len() as f64
    };
    let ratio = |a: usize| if n > 0 { a as f64 / n as f64 } else { 0.0 };
    Evaluation {
        labels: labels.to_vec(),
        paragraphs: n,
        accuracy: ratio(correct),
        macro_f1,
        lenient_accuracy: ratio(lenient),
        per_label,
        confusion,
        ece: ece(gold, pred, confidence),
    }
}

/// Expected calibration error over 10 confidence bins.
fn ece(gold: &[usize], pred: &[usize], confidence: &[f32]) -> f64 {
    if confidence.len() != gold.len() || gold.is_empty() {
        return 0.0;
    }
    let mut bins = [(0usize, 0f64, 0usize); 10];
    for ((&g, &p), &c) in gold.iter().zip(pred).zip(confidence) {
        let b = ((c as f64 * 10.0) as usize).min(9);
        bins[b].0 += 1;
        bins[b].1 += c as f64;
        bins[b].2 += usize::from(g == p);
    }
    bins.iter()
        .filter(|b| b.0 > 0)
        .map(|&(n, conf, right)| {
            (n as f64 / gold.len() as f64) * (conf / n as f64 - right as f64 / n as f64).abs()
        })
        .sum()
}

impl Evaluation {
    /// A plain-text report for people: summary, per-label table, confusion matrix.
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "paragraphs {}   accuracy {:.3}   macro-F1 {:.3}   lenient accuracy {:.3}   calibration error {:.3}\n\n",
            self.paragraphs, self.accuracy, self.macro_f1, self.lenient_accuracy, self.ece
        ));
        let names: Vec<String> = self.labels.iter().map(|l| label_cell(l)).collect();
        let w = names.iter().map(|n| width(n)).max().unwrap_or(5).max(5);
        s.push_str(&format!(
            "{}  precision  recall     F1  support\n",
            pad("theme", w)
        ));
        for (name, ls) in names.iter().zip(&self.per_label) {
            s.push_str(&format!(
                "{}  {:>9.3}  {:>6.3}  {:>5.3}  {:>7}\n",
                pad(name, w),
                ls.precision,
                ls.recall,
                ls.f1,
                ls.support
            ));
        }
        s.push_str("\nconfusion (rows: gold, columns: predicted)\n");
        let short: Vec<String> = self.labels.iter().map(|l| short_label(l)).collect();
        let cw = short.iter().map(|n| width(n)).max().unwrap_or(4).max(5);
        s.push_str(&pad("", w));
        for n in &short {
            s.push_str("  ");
            s.push_str(&pad_left(n, cw));
        }
        s.push('\n');
        for (name, row) in names.iter().zip(&self.confusion) {
            s.push_str(&pad(name, w));
            for c in row {
                s.push_str("  ");
                s.push_str(&pad_left(&c.to_string(), cw));
            }
            s.push('\n');
        }
        s
    }
}

fn label_cell(l: &str) -> String {
    let d = display_name(l);
    if d == l {
        l.to_string()
    } else {
        format!("{d} {l}")
    }
}

fn short_label(l: &str) -> String {
    display_name(l).to_string()
}

/// Display width: CJK characters take two columns.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if crate::normalize::is_cjk(c) || ('\u{3000}'..='\u{ffef}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Pad to a display width (left-aligned).
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Pad to a display width (right-aligned).
pub fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_hand_computation() {
        let labels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let gold = [0, 0, 1, 1, 2, 2];
        let pred = [0, 1, 1, 1, 2, 0];
        let also = vec![vec![], vec![1], vec![], vec![], vec![], vec![]];
        let e = evaluate(&labels, &gold, &pred, &also, &[0.9; 6]);
        assert!((e.accuracy - 4.0 / 6.0).abs() < 1e-12);
        assert!((e.lenient_accuracy - 5.0 / 6.0).abs() < 1e-12);
        // a: p=1/2 r=1/2; b: p=2/3 r=1; c: p=1 r=1/2
        let f = |p: f64, r: f64| 2.0 * p * r / (p + r);
        let macro_f1 = (f(0.5, 0.5) + f(2.0 / 3.0, 1.0) + f(1.0, 0.5)) / 3.0;
        assert!((e.macro_f1 - macro_f1).abs() < 1e-12);
        assert_eq!(e.confusion[2], vec![1, 0, 1]);
        assert!((e.ece - (0.9 - 4.0 / 6.0)).abs() < 1e-6);
        assert!(e.render().contains("confusion"));
    }
}
