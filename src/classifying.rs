//! Classifying: the model applied to every paragraph of a segmented report (or to paragraphs
//! given directly), with abstention below a confidence threshold and per-paragraph explanations.

use crate::error::{Error, Result};
use crate::features::{HeadingFeatures, SparseVec};
use crate::model::{Model, TermWeight};
use crate::segmenting::{Paragraph, Report};
use serde::Deserialize;
use std::path::Path;

/// What to do with paragraphs whose confidence is below `min_confidence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Abstain {
    /// Label them `other`
    Other,
    /// Label them `uncertain`
    Uncertain,
}

/// Classification settings.
#[derive(Debug, Clone, Copy)]
pub struct ClassifyOptions {
    /// Below this confidence the paragraph abstains (0 never abstains).
    pub min_confidence: f32,
    pub abstain: Abstain,
    /// How many explaining terms to keep per paragraph.
    pub top_terms: usize,
}

impl Default for ClassifyOptions {
    fn default() -> Self {
        ClassifyOptions {
            min_confidence: 0.0,
            abstain: Abstain::Uncertain,
            top_terms: 5,
        }
    }
}

/// One labeled paragraph.
#[derive(Debug, Clone)]
pub struct Classified {
    pub index: usize,
    pub heading_path: Vec<String>,
    pub text: String,
    pub chars: usize,
    /// The final label (after abstention).
    pub label: String,
    /// The probability of the model's best label.
    pub confidence: f32,
    /// True when the confidence was below the threshold and the label was replaced.
    pub abstained: bool,
    /// The model's best label, before abstention (an index into the model's labels).
    pub predicted: usize,
    /// Probability of each of the model's labels.
    pub probs: Vec<f32>,
    pub top_terms: Vec<TermWeight>,
    /// The paragraph's TF-IDF vector (for term shifts between reports).
    pub vector: SparseVec,
}

/// The features of the last heading seen, reused while paragraphs stay under it (a heading is
/// tokenized once for its run of paragraphs, not once per paragraph).
#[derive(Debug, Default)]
pub struct HeadingCache(Option<(Option<String>, HeadingFeatures)>);

impl HeadingCache {
    fn features(&mut self, model: &Model, heading: Option<&str>) -> &HeadingFeatures {
        if self.0.as_ref().is_none_or(|(h, _)| h.as_deref() != heading) {
            self.0 = Some((heading.map(str::to_string), model.heading_features(heading)));
        }
        &self.0.as_ref().expect("set above").1
    }
}

/// Classify one paragraph (its text, `chars` characters long, and enclosing headings, which it
/// keeps) with its innermost heading as context; `cache` carries the heading's features from
/// the paragraph before.
pub fn classify_paragraph(
    model: &Model,
    cache: &mut HeadingCache,
    index: usize,
    text: String,
    chars: usize,
    heading_path: Vec<String>,
    opts: &ClassifyOptions,
) -> Classified {
    let heading = heading_path.last().map(String::as_str);
    let (pred, x) = model.predict_under(&text, cache.features(model, heading));
    let confidence = pred.confidence();
    let abstained = confidence < opts.min_confidence;
    let label = if abstained {
        match opts.abstain {
            Abstain::Other => "other".to_string(),
            Abstain::Uncertain => "uncertain".to_string(),
        }
    } else {
        model.labels()[pred.label].clone()
    };
    let top_terms = if opts.top_terms > 0 {
        model.explain(&x, pred.label, opts.top_terms)
    } else {
        Vec::new()
    };
    Classified {
        index,
        heading_path,
        chars,
        text,
        label,
        confidence,
        abstained,
        predicted: pred.label,
        probs: pred.probs,
        top_terms,
        vector: x,
    }
}

/// Classify every paragraph of a segmented report, which hands over their texts and headings.
pub fn classify_report(
    model: &Model,
    paragraphs: Vec<Paragraph>,
    opts: &ClassifyOptions,
) -> Vec<Classified> {
    let mut cache = HeadingCache::default();
    paragraphs
        .into_iter()
        .map(|p| {
            let chars = p.char_end - p.char_start;
            classify_paragraph(
                model,
                &mut cache,
                p.index,
                p.text,
                chars,
                p.heading_path,
                opts,
            )
        })
        .collect()
}

/// The classified paragraphs of one report.
#[derive(Debug, Clone)]
pub struct ClassifiedReport {
    pub report: String,
    /// The report's year, when known.
    pub year: Option<i32>,
    pub paragraphs: Vec<Classified>,
}

/// True for a `.jsonl`/`.ndjson` file of paragraphs (anything else is read as a report).
pub fn is_paragraph_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// Classify one input: a report file (read and segmented by `load`), or a `.jsonl` file of
/// paragraphs, which gives one [`ClassifiedReport`] per run of paragraphs sharing a `report`.
pub fn classify_file(
    model: &Model,
    path: &Path,
    load: &dyn Fn(&Path) -> Result<Report>,
    opts: &ClassifyOptions,
) -> Result<Vec<ClassifiedReport>> {
    if !is_paragraph_file(path) {
        let report = load(path)?;
        return Ok(vec![ClassifiedReport {
            paragraphs: classify_report(model, report.paragraphs, opts),
            year: report.meta.year,
            report: report.name,
        }]);
    }
    classify_paragraph_file(model, path, opts, Grouping::Runs)
}

/// How the paragraphs of a `.jsonl` file are grouped into reports by their `report` field
/// (the file's name when it is missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One report per run of consecutive paragraphs with the same name (output follows the file).
    Runs,
    /// One report per distinct name, in order of first appearance.
    Distinct,
}

/// Classify a `.jsonl` file of paragraphs, grouped into reports; a report's year comes from its
/// name.
pub fn classify_paragraph_file(
    model: &Model,
    path: &Path,
    opts: &ClassifyOptions,
    grouping: Grouping,
) -> Result<Vec<ClassifiedReport>> {
    let stem = crate::segmenting::file_stem(path);
    let mut cache = HeadingCache::default();
    let mut units: Vec<ClassifiedReport> = Vec::new();
    for p in read_paragraphs(path)? {
        let name = p.report.clone().unwrap_or_else(|| stem.clone());
        let found = match grouping {
            Grouping::Runs => units
                .len()
                .checked_sub(1)
                .filter(|&i| units[i].report == name),
            Grouping::Distinct => units.iter().position(|u| u.report == name),
        };
        let i = found.unwrap_or_else(|| {
            units.push(ClassifiedReport {
                year: crate::segmenting::front::year_from_file_name(&name),
                report: name,
                paragraphs: Vec::new(),
            });
            units.len() - 1
        });
        let unit = &mut units[i];
        let index = unit.paragraphs.len();
        let chars = p.text.chars().count();
        unit.paragraphs.push(classify_paragraph(
            model,
            &mut cache,
            index,
            p.text,
            chars,
            p.heading_path,
            opts,
        ));
    }
    Ok(units)
}

/// A paragraph given directly in a `.jsonl` file.
#[derive(Debug, Clone)]
pub struct InputParagraph {
    pub report: Option<String>,
    pub text: String,
    pub heading_path: Vec<String>,
}

#[derive(Deserialize)]
struct RawParagraph {
    text: Option<serde_json::Value>,
    #[serde(default)]
    heading: Option<String>,
    #[serde(default)]
    heading_path: Option<Vec<String>>,
    #[serde(default)]
    report: Option<String>,
}

/// Read paragraphs from JSON Lines: `text` required; `heading` or `heading_path` and `report`
/// optional (other fields, such as gold labels, are ignored).
pub fn read_paragraphs(path: &Path) -> Result<Vec<InputParagraph>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "reading", e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let raw: RawParagraph = serde_json::from_str(line).map_err(|e| {
            Error::data(
                path,
                n + 1,
                format!("not a JSON object ({e}); each line must be like {{\"text\": \"…\"}}"),
            )
        })?;
        let text = match raw.text {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
            Some(serde_json::Value::String(_)) => {
                return Err(Error::data(path, n + 1, "empty `text`"))
            }
            Some(_) => return Err(Error::data(path, n + 1, "`text` must be a string")),
            None => return Err(Error::data(path, n + 1, "missing field `text`")),
        };
        let heading_path = match (raw.heading_path, raw.heading) {
            (Some(p), _) => p,
            (None, Some(h)) if !h.trim().is_empty() => vec![h],
            _ => Vec::new(),
        };
        out.push(InputParagraph {
            report: raw.report,
            text,
            heading_path,
        });
    }
    if out.is_empty() {
        return Err(Error::file(path, "no paragraphs in this file"));
    }
    Ok(out)
}
