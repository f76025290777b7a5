//! How far two people's labels of the same paragraphs agree: percent agreement, Cohen's kappa
//! with a 95 % interval, agreement per label, and the paragraphs they disagree on.
//!
//! Paragraphs are matched by report and text (whitespace ignored), so two sheets written at
//! different times, or sorted differently, still match. Only paragraphs both people labeled
//! count.

use crate::labeled::Sample;
use crate::labeling::suggest::text_key;
use crate::model::metrics::{pad, pad_left, width};
use crate::themes::{display_name, sort_labels};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Agreement on one label.
#[derive(Debug, Clone, Serialize)]
pub struct LabelAgreement {
    pub label: String,
    /// Paragraphs the first person gave this label.
    pub first: usize,
    /// Paragraphs the second person gave this label.
    pub second: usize,
    /// Paragraphs both gave this label.
    pub both: usize,
    /// Specific agreement: 2·both / (first + second).
    pub agreement: f64,
}

/// One paragraph the two people labeled differently.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub report: Option<String>,
    pub heading: Option<String>,
    pub text: String,
    pub first: String,
    pub second: String,
    /// `file:line` of the paragraph in each file.
    pub first_at: String,
    pub second_at: String,
}

/// The agreement of two sets of labels.
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub labels: Vec<String>,
    /// Paragraphs labeled by both.
    pub paragraphs: usize,
    /// Labeled only in the first file / only in the second.
    pub only_first: usize,
    pub only_second: usize,
    /// Share of paragraphs with the same label.
    pub percent_agreement: f64,
    /// Agreement expected by chance from each person's label shares.
    pub chance_agreement: f64,
    /// Cohen's kappa; `None` when chance agreement is 1 (both used one and the same label).
    pub kappa: Option<f64>,
    /// 95 % interval of kappa (large-sample standard error).
    pub kappa_low: Option<f64>,
    pub kappa_high: Option<f64>,
    pub per_label: Vec<LabelAgreement>,
    /// `confusion[i][j]`: paragraphs the first person labeled `labels[i]` and the second
    /// `labels[j]`.
    pub confusion: Vec<Vec<usize>>,
    pub disagreements: Vec<Disagreement>,
}

fn key(s: &Sample) -> (String, String) {
    (s.report.clone().unwrap_or_default(), text_key(&s.text))
}

/// Compare two people's labels. Returns `None` when no paragraph was labeled by both.
pub fn agreement(first: &[Sample], second: &[Sample]) -> Option<Agreement> {
    let mut by_key: HashMap<(String, String), &Sample> = HashMap::new();
    for s in second {
        by_key.entry(key(s)).or_insert(s);
    }
    let mut pairs: Vec<(&Sample, &Sample)> = Vec::new();
    let mut matched: BTreeSet<(String, String)> = BTreeSet::new();
    for a in first {
        let k = key(a);
        if matched.contains(&k) {
            continue;
        }
        if let Some(b) = by_key.get(&k) {
            pairs.push((a, b));
            matched.insert(k);
        }
    }
    if pairs.is_empty() {
        return None;
    }
    let first_keys: BTreeSet<_> = first.iter().map(key).collect();
    let second_keys: BTreeSet<_> = second.iter().map(key).collect();
    let mut labels: Vec<String> = pairs
        .iter()
        .flat_map(|(a, b)| [a.label.clone(), b.label.clone()])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    sort_labels(&mut labels);
    let index = |l: &str| labels.iter().position(|x| x == l).expect("listed");
    let k = labels.len();
    let mut confusion = vec![vec![0usize; k]; k];
    let mut disagreements = Vec::new();
    for (a, b) in &pairs {
        confusion[index(&a.label)][index(&b.label)] += 1;
        if a.label != b.label {
            disagreements.push(Disagreement {
                report: a.report.clone(),
                heading: a.heading.clone(),
                text: a.text.clone(),
                first: a.label.clone(),
                second: b.label.clone(),
                first_at: a.place(),
                second_at: b.place(),
            });
        }
    }
    let n = pairs.len() as f64;
    let agree: usize = (0..k).map(|i| confusion[i][i]).sum();
    let po = agree as f64 / n;
    let row = |i: usize| confusion[i].iter().sum::<usize>();
    let col = |j: usize| confusion.iter().map(|r| r[j]).sum::<usize>();
    let pe: f64 = (0..k)
        .map(|i| (row(i) as f64 / n) * (col(i) as f64 / n))
        .sum();
    let (kappa, low, high) = if pe < 1.0 - 1e-12 {
        let kappa = (po - pe) / (1.0 - pe);
        let se = (po * (1.0 - po) / (n * (1.0 - pe).powi(2))).sqrt();
        (
            Some(kappa),
            Some((kappa - 1.96 * se).max(-1.0)),
            Some((kappa + 1.96 * se).min(1.0)),
        )
    } else {
        (None, None, None)
    };
    let per_label = (0..k)
        .map(|i| {
            let (f, s, both) = (row(i), col(i), confusion[i][i]);
            LabelAgreement {
                label: labels[i].clone(),
                first: f,
                second: s,
                both,
                agreement: if f + s == 0 {
                    0.0
                } else {
                    2.0 * both as f64 / (f + s) as f64
                },
            }
        })
        .collect();
    Some(Agreement {
        paragraphs: pairs.len(),
        only_first: first_keys.difference(&second_keys).count(),
        only_second: second_keys.difference(&first_keys).count(),
        percent_agreement: po,
        chance_agreement: pe,
        kappa,
        kappa_low: low,
        kappa_high: high,
        per_label,
        confusion,
        disagreements,
        labels,
    })
}

/// The usual reading of a kappa value (Landis & Koch, 1977).
pub fn kappa_reading(kappa: f64) -> &'static str {
    match kappa {
        k if k < 0.0 => "poor",
        k if k <= 0.20 => "slight",
        k if k <= 0.40 => "fair",
        k if k <= 0.60 => "moderate",
        k if k <= 0.80 => "substantial",
        _ => "almost perfect",
    }
}

impl Agreement {
    /// A report for people: the figures, a table per label, the confusion matrix and the first
    /// `show` disagreements.
    pub fn render(&self, first: &str, second: &str, show: usize) -> String {
        let mut out = String::new();
        let mut line = |s: &str| {
            out.push_str(s);
            out.push('\n');
        };
        line(&format!(
            "{} paragraphs labeled in both files ({} only in {first}, {} only in {second})",
            self.paragraphs, self.only_first, self.only_second
        ));
        line(&format!(
            "percent agreement  {:.1}%  (chance {:.1}%)",
            100.0 * self.percent_agreement,
            100.0 * self.chance_agreement
        ));
        match (self.kappa, self.kappa_low, self.kappa_high) {
            (Some(k), Some(lo), Some(hi)) => line(&format!(
                "Cohen's kappa      {k:.3}  (95% {lo:.3}–{hi:.3}; {})",
                kappa_reading(k)
            )),
            _ => line("Cohen's kappa      undefined: both files use one and the same label"),
        }
        line("");
        let names: Vec<&str> = self.labels.iter().map(|l| display_name(l)).collect();
        let w = names.iter().map(|n| width(n)).max().unwrap_or(4).max(5);
        line(&format!(
            "{}  {}  {}  {}  {}",
            pad("label", w),
            pad_left("first", 6),
            pad_left("second", 6),
            pad_left("both", 6),
            pad_left("agreement", 9)
        ));
        for (l, n) in self.per_label.iter().zip(&names) {
            line(&format!(
                "{}  {:>6}  {:>6}  {:>6}  {:>8.1}%",
                pad(n, w),
                l.first,
                l.second,
                l.both,
                100.0 * l.agreement
            ));
        }
        line("");
        line(&format!("rows: {first}; columns: {second}"));
        let cw = names.iter().map(|n| width(n)).max().unwrap_or(4).max(4);
        let mut head = pad("", w);
        for n in &names {
            head.push_str("  ");
            head.push_str(&pad_left(n, cw));
        }
        line(&head);
        for (i, n) in names.iter().enumerate() {
            let mut row = pad(n, w);
            for c in &self.confusion[i] {
                row.push_str("  ");
                row.push_str(&pad_left(&c.to_string(), cw));
            }
            line(&row);
        }
        if !self.disagreements.is_empty() {
            line("");
            line(&format!(
                "{} disagreements to settle{}:",
                self.disagreements.len(),
                if self.disagreements.len() > show {
                    format!(" (first {show}; --disagreements FILE writes them all)")
                } else {
                    String::new()
                }
            ));
            for d in self.disagreements.iter().take(show) {
                let excerpt: String = d.text.chars().take(40).collect();
                let more = if d.text.chars().count() > 40 {
                    "…"
                } else {
                    ""
                };
                line(&format!(
                    "  {}  {} / {}  {excerpt}{more}",
                    d.first_at,
                    display_name(&d.first),
                    display_name(&d.second)
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(report: &str, text: &str, label: &str, line: usize) -> Sample {
        Sample {
            text: text.into(),
            label: label.into(),
            heading: None,
            report: Some(report.into()),
            also: vec![],
            file: "a.csv".into(),
            line,
        }
    }

    #[test]
    fn kappa_of_a_textbook_table() {
        // 50 paragraphs: both `a` 20, both `b` 15, a/b 5, b/a 10 → po 0.7, pe 0.5, kappa 0.4.
        let mut first = Vec::new();
        let mut second = Vec::new();
        let mut add = |la: &str, lb: &str, n: usize| {
            for _ in 0..n {
                let t = format!("段落{}", first.len());
                first.push(s("r", &t, la, first.len() + 2));
                second.push(s("r", &format!(" {t} "), lb, second.len() + 2));
            }
        };
        add("a", "a", 20);
        add("a", "b", 5);
        add("b", "a", 10);
        add("b", "b", 15);
        let g = agreement(&first, &second).unwrap();
        assert_eq!(g.paragraphs, 50);
        assert!((g.percent_agreement - 0.7).abs() < 1e-12);
        assert!((g.chance_agreement - 0.5).abs() < 1e-12);
        assert!((g.kappa.unwrap() - 0.4).abs() < 1e-12);
        assert_eq!(g.disagreements.len(), 15);
        assert_eq!(g.confusion, vec![vec![20, 5], vec![10, 15]]);
        // Specific agreement for `a`: 2·20 / (25 + 30).
        assert!((g.per_label[0].agreement - 40.0 / 55.0).abs() < 1e-12);
        assert_eq!(kappa_reading(0.4), "fair");
    }

    #[test]
    fn unmatched_and_single_label() {
        let first = vec![s("r", "甲", "x", 2), s("r", "乙", "x", 3)];
        let second = vec![s("r", "甲", "x", 2), s("q", "乙", "x", 3)];
        let g = agreement(&first, &second).unwrap();
        assert_eq!((g.paragraphs, g.only_first, g.only_second), (1, 1, 1));
        assert_eq!(g.kappa, None);
        assert!(g.render("A", "B", 5).contains("undefined"));
        assert!(agreement(&first[1..], &second[..1]).is_none());
    }
}
