//! Which paragraphs to label next: the ones the model is least sure of (uncertainty sampling),
//! spread over predicted themes and reports, with near-duplicates left out.
//!
//! The choice is made in three steps:
//! 1. candidates: paragraphs of at least `min_chars` characters whose text is not already
//!    labeled (see [`Suggest::exclude`]) and not a repeat of another candidate;
//! 2. a pool of the `pool_factor × n` most uncertain candidates, by margin (1 − the gap between
//!    the two most probable labels) or entropy;
//! 3. round-robin over the predicted themes in the pool: each turn takes the most uncertain
//!    paragraph left for that theme, skipping one whose TF-IDF cosine with a paragraph already
//!    taken reaches `max_similarity` and, while other reports have candidates left, one from a
//!    report that already has its share (2n / reports, at least 1).

use crate::classifying::ClassifiedReport;
use crate::features::SparseVec;
use crate::labeling::sheet::SheetRow;
use crate::model::Model;
use std::collections::{BTreeMap, HashSet};

/// How uncertainty is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Uncertainty {
    /// 1 − (best probability − second best): the model hesitates between two labels
    Margin,
    /// Entropy of the probabilities (normalised to 0–1): the model spreads over many labels
    Entropy,
}

/// Settings for [`suggest`].
#[derive(Debug, Clone)]
pub struct Suggest {
    /// How many paragraphs to suggest.
    pub n: usize,
    pub by: Uncertainty,
    /// Shorter paragraphs are not suggested.
    pub min_chars: usize,
    /// Paragraphs at least this similar (TF-IDF cosine) to one already taken are skipped.
    pub max_similarity: f32,
    /// The pool is this many times `n` of the most uncertain candidates.
    pub pool_factor: usize,
    /// Normalised texts (see [`text_key`]) of paragraphs already labeled.
    pub exclude: HashSet<String>,
}

impl Default for Suggest {
    fn default() -> Self {
        Suggest {
            n: 50,
            by: Uncertainty::Margin,
            min_chars: 10,
            max_similarity: 0.8,
            pool_factor: 3,
            exclude: HashSet::new(),
        }
    }
}

/// The key two copies of a paragraph share: its text without any whitespace.
pub fn text_key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The uncertainty of a probability vector, 0 (sure) to 1.
pub fn uncertainty(probs: &[f32], by: Uncertainty) -> f64 {
    match by {
        Uncertainty::Margin => {
            let (mut a, mut b) = (0f32, 0f32);
            for &p in probs {
                if p > a {
                    b = a;
                    a = p;
                } else if p > b {
                    b = p;
                }
            }
            1.0 - f64::from(a - b)
        }
        Uncertainty::Entropy => {
            if probs.len() < 2 {
                return 0.0;
            }
            let h: f64 = probs
                .iter()
                .filter(|&&p| p > 0.0)
                .map(|&p| -f64::from(p) * f64::from(p).ln())
                .sum();
            h / (probs.len() as f64).ln()
        }
    }
}

/// Cosine of two L2-normalised sparse vectors (indices sorted).
pub fn cosine(a: &SparseVec, b: &SparseVec) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0f32);
    while i < a.idx.len() && j < b.idx.len() {
        match a.idx[i].cmp(&b.idx[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a.val[i] * b.val[j];
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// What [`suggest`] looked at.
#[derive(Debug, Clone, Default)]
pub struct Considered {
    pub paragraphs: usize,
    pub too_short: usize,
    pub already_labeled: usize,
    pub repeated: usize,
    pub near_duplicates: usize,
}

/// Pick the paragraphs to label next, most useful first, as sheet rows.
pub fn suggest(
    model: &Model,
    reports: &[ClassifiedReport],
    settings: &Suggest,
) -> (Vec<SheetRow>, Considered) {
    let mut seen = HashSet::new();
    let mut considered = Considered::default();
    // (uncertainty, report index, paragraph index in the report)
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (r, report) in reports.iter().enumerate() {
        for (k, p) in report.paragraphs.iter().enumerate() {
            considered.paragraphs += 1;
            if p.chars < settings.min_chars {
                considered.too_short += 1;
                continue;
            }
            let key = text_key(&p.text);
            if settings.exclude.contains(&key) {
                considered.already_labeled += 1;
                continue;
            }
            if !seen.insert(key) {
                considered.repeated += 1;
                continue;
            }
            candidates.push((uncertainty(&p.probs, settings.by), r, k));
        }
    }
    // Most uncertain first; ties in input order, so the choice is deterministic.
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    candidates.truncate(settings.n.saturating_mul(settings.pool_factor.max(1)));

    // Buckets by predicted label, each most uncertain first.
    let mut buckets: BTreeMap<usize, Vec<(f64, usize, usize)>> = BTreeMap::new();
    for c in &candidates {
        let p = &reports[c.1].paragraphs[c.2];
        buckets.entry(p.predicted).or_default().push(*c);
    }
    let report_count = candidates
        .iter()
        .map(|c| c.1)
        .collect::<HashSet<_>>()
        .len()
        .max(1);
    let quota = (2 * settings.n).div_ceil(report_count).max(1);
    let mut per_report: BTreeMap<usize, usize> = BTreeMap::new();
    let mut taken: Vec<(f64, usize, usize)> = Vec::new();
    let mut skip: HashSet<(usize, usize)> = HashSet::new();
    let mut enforce_quota = true;
    while taken.len() < settings.n {
        let before = taken.len();
        for bucket in buckets.values() {
            if taken.len() >= settings.n {
                break;
            }
            let mut pick = None;
            for c in bucket {
                if skip.contains(&(c.1, c.2)) {
                    continue;
                }
                if enforce_quota && per_report.get(&c.1).copied().unwrap_or(0) >= quota {
                    continue;
                }
                let v = &reports[c.1].paragraphs[c.2].vector;
                let near = taken.iter().any(|t| {
                    cosine(v, &reports[t.1].paragraphs[t.2].vector) >= settings.max_similarity
                });
                if near {
                    considered.near_duplicates += 1;
                    skip.insert((c.1, c.2));
                    continue;
                }
                pick = Some(*c);
                break;
            }
            if let Some(c) = pick {
                skip.insert((c.1, c.2));
                *per_report.entry(c.1).or_default() += 1;
                taken.push(c);
            }
        }
        if taken.len() == before {
            if enforce_quota {
                enforce_quota = false;
            } else {
                break;
            }
        }
    }
    let out = taken
        .into_iter()
        .map(|(_, r, k)| SheetRow::new(model, &reports[r], &reports[r].paragraphs[k]))
        .collect();
    (out, considered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncertainty_measures() {
        assert!((uncertainty(&[0.5, 0.5, 0.0], Uncertainty::Margin) - 1.0).abs() < 1e-9);
        assert!(uncertainty(&[1.0, 0.0], Uncertainty::Margin) < 1e-9);
        let flat = uncertainty(&[0.25; 4], Uncertainty::Entropy);
        assert!((flat - 1.0).abs() < 1e-6);
        assert!(uncertainty(&[0.97, 0.01, 0.01, 0.01], Uncertainty::Entropy) < 0.2);
    }

    #[test]
    fn cosine_of_sparse_vectors() {
        let a = SparseVec {
            idx: vec![1, 3],
            val: vec![0.6, 0.8],
        };
        let b = SparseVec {
            idx: vec![3, 7],
            val: vec![1.0, 0.0],
        };
        assert!((cosine(&a, &a) - 1.0).abs() < 1e-6);
        assert!((cosine(&a, &b) - 0.8).abs() < 1e-6);
    }

    #[test]
    fn keys_ignore_whitespace() {
        assert_eq!(text_key(" 甲 乙\n丙 "), "甲乙丙");
    }
}
