//! Labeled paragraphs: reading training and gold files (JSON Lines or CSV) with errors that name
//! the file and line, and the checks training needs (enough samples per label, duplicates).

use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One labeled paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub text: String,
    pub label: String,
    /// The nearest heading above the paragraph, used as context.
    pub heading: Option<String>,
    /// The report the paragraph belongs to (cross-validation holds out whole reports).
    pub report: Option<String>,
    /// Other labels that take a substantial part of the paragraph.
    pub also: Vec<String>,
    /// Where it was read from.
    pub file: PathBuf,
    /// 1-based line (JSONL) or record line (CSV).
    pub line: usize,
}

impl Sample {
    /// Where the sample was read from, as `file:line`.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }

    /// The group for grouped cross-validation: the report, or the sample's own place.
    pub fn group(&self) -> String {
        match &self.report {
            Some(r) => r.clone(),
            None => self.place(),
        }
    }
}

#[derive(Deserialize)]
struct JsonSample {
    text: Option<serde_json::Value>,
    label: Option<serde_json::Value>,
    #[serde(default)]
    heading: Option<String>,
    #[serde(default)]
    heading_path: Option<Vec<String>>,
    /// Present in rows of a sheet written by `baogao sheet` or `baogao suggest`.
    #[serde(default)]
    suggested: Option<serde_json::Value>,
    #[serde(default)]
    report: Option<String>,
    #[serde(default)]
    also: Option<Vec<String>>,
}

/// The labeled paragraphs of one file.
#[derive(Debug, Clone)]
pub struct LabeledFile {
    pub samples: Vec<Sample>,
    /// True for a sheet written by `baogao sheet`/`suggest` (it has a `suggested` column).
    pub sheet: bool,
    /// Rows without a label that were skipped (rows of a sheet nobody has filled in yet).
    pub unlabeled: usize,
}

/// Read labeled paragraphs from a `.jsonl`/`.json` or `.csv` file. Rows without a label are
/// skipped when `require_label` is false, and always in a sheet (a sheet is labeled a little at
/// a time: only the rows a person filled in count).
pub fn read(path: &Path, require_label: bool) -> Result<LabeledFile> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "reading", e))?;
    parse(bytes, path, require_label)
}

/// Parse labeled paragraphs from the bytes of a file; `path` names it in errors and its
/// extension says the format.
pub fn parse(bytes: Vec<u8>, path: &Path, require_label: bool) -> Result<LabeledFile> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::data(
            path,
            line,
            "not valid UTF-8; save labeled data as UTF-8 (Excel: \"CSV UTF-8\")",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let file =
        match ext.as_str() {
            "csv" => read_csv(path, text, require_label)?,
            "jsonl" | "json" | "ndjson" => read_jsonl(path, text, require_label)?,
            _ => return Err(Error::file(
                path,
                "labeled data must be a .jsonl file (one {\"text\", \"label\"} object per line) \
                 or a .csv file with `text` and `label` columns",
            )),
        };
    if file.samples.is_empty() {
        return Err(Error::file(
            path,
            if file.unlabeled > 0 {
                format!(
                    "none of the {} rows has a label yet; fill in the `label` column of the rows \
                     you have read (rows left empty are skipped)",
                    file.unlabeled
                )
            } else {
                "no labeled paragraphs in this file; each line needs a `text` and a `label`".into()
            },
        ));
    }
    Ok(file)
}

fn read_jsonl(path: &Path, text: &str, require_label: bool) -> Result<LabeledFile> {
    let mut out = Vec::new();
    let mut sheet = false;
    let mut unlabeled = 0;
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let raw: JsonSample = serde_json::from_str(line).map_err(|e| {
            Error::data(
                path,
                n,
                format!("not a JSON object ({e}); each line must be one object such as {{\"text\": \"…\", \"label\": \"industry\"}}"),
            )
        })?;
        let text = match raw.text {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => return Err(Error::data(path, n, "`text` must be a string")),
            None => {
                return Err(Error::data(
                    path,
                    n,
                    "missing field `text`; give the paragraph as {\"text\": \"…\"}",
                ))
            }
        };
        let label = match raw.label {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Null) | None => None,
            Some(_) => return Err(Error::data(path, n, "`label` must be a string")),
        };
        let in_sheet = raw.suggested.is_some();
        sheet |= in_sheet;
        let heading = raw
            .heading
            .or_else(|| raw.heading_path.and_then(|p| p.last().cloned()));
        match make(
            path,
            n,
            text,
            label,
            heading,
            raw.report,
            raw.also.unwrap_or_default(),
            require_label && !in_sheet,
        )? {
            Some(s) => out.push(s),
            None => unlabeled += 1,
        }
    }
    Ok(LabeledFile {
        samples: out,
        sheet,
        unlabeled,
    })
}

fn read_csv(path: &Path, text: &str, require_label: bool) -> Result<LabeledFile> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::data(path, 1, format!("cannot read the header row: {e}")))?
        .clone();
    let col = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let text_col = col(&["text", "文本", "段落"]).ok_or_else(|| {
        Error::data(
            path,
            1,
            format!(
                "no `text` column in the header ({}); the header must name `text` and `label` columns",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        )
    })?;
    // A sheet from `baogao sheet` has the human's label in `label` and the model's in `suggested`.
    let label_col = col(&["label", "标签", "human_label"]).ok_or_else(|| {
        Error::data(
            path,
            1,
            format!(
                "no `label` column in the header ({}); the header must name `text` and `label` columns",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        )
    })?;
    let heading_col = col(&["heading", "heading_path", "标题"]);
    let report_col = col(&["report", "报告"]);
    let also_col = col(&["also"]);
    let sheet = col(&["suggested"]).is_some();
    let require_label = require_label && !sheet;
    let mut unlabeled = 0;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            Error::data(
                path,
                line,
                format!(
                    "bad CSV row ({e}); every row needs the header's columns, and a field holding commas, quotes or line breaks must be quoted"
                ),
            )
        })?;
        let n = rec.position().map_or(0, |p| p.line() as usize);
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut text = rec.get(text_col).unwrap_or("").to_string();
        if sheet {
            // Undo the apostrophe `baogao sheet` put before a cell a spreadsheet would run.
            text = crate::spreadsheet::unsafe_cell(&text).to_string();
        }
        let heading = get(heading_col).map(|h| {
            // `heading_path` columns hold the path joined with ` > `: keep the innermost.
            h.rsplit(" > ").next().unwrap_or(&h).to_string()
        });
        let also = get(also_col)
            .map(|a| {
                a.split([';', '|', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        match make(
            path,
            n,
            text,
            get(Some(label_col)),
            heading,
            get(report_col),
            also,
            require_label,
        )? {
            Some(s) => out.push(s),
            None => unlabeled += 1,
        }
    }
    Ok(LabeledFile {
        samples: out,
        sheet,
        unlabeled,
    })
}

#[allow(clippy::too_many_arguments)]
fn make(
    path: &Path,
    line: usize,
    text: String,
    label: Option<String>,
    heading: Option<String>,
    report: Option<String>,
    also: Vec<String>,
    require_label: bool,
) -> Result<Option<Sample>> {
    let label = label
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    let Some(label) = label else {
        if require_label {
            return Err(Error::data(
                path,
                line,
                "missing or empty `label`; give the paragraph a label, or remove the line",
            ));
        }
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Err(Error::data(
            path,
            line,
            "empty `text`; remove the line or give the paragraph's text",
        ));
    }
    if label.chars().any(|c| c.is_control()) || label.chars().count() > 40 {
        return Err(Error::data(
            path,
            line,
            format!(
                "`{label}` is not a usable label (at most 40 characters, no control characters)"
            ),
        ));
    }
    Ok(Some(Sample {
        text,
        label,
        heading: heading.filter(|h| !h.trim().is_empty()),
        report: report.filter(|r| !r.trim().is_empty()),
        also,
        file: path.to_path_buf(),
        line,
    }))
}

/// Read several files.
pub fn read_all(paths: &[PathBuf], require_label: bool) -> Result<Vec<Sample>> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(read(p, require_label)?.samples);
    }
    Ok(out)
}

/// What `check_for_training` changed or noticed.
#[derive(Debug, Default)]
pub struct Checked {
    /// Exact duplicates (same text, same label) that were dropped: (kept at, dropped at).
    pub dropped_duplicates: Vec<(String, String)>,
}

/// Check samples before training: at least two labels, at least `min_per_label` samples per
/// label, no text given two different labels. Exact duplicates are dropped (and reported).
pub fn check_for_training(samples: &mut Vec<Sample>, min_per_label: usize) -> Result<Checked> {
    let mut checked = Checked::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut keep = vec![true; samples.len()];
    for (i, s) in samples.iter().enumerate() {
        let key: String = s.text.split_whitespace().collect();
        match seen.get(&key) {
            Some(&j) if samples[j].label == s.label => {
                keep[i] = false;
                checked
                    .dropped_duplicates
                    .push((samples[j].place(), s.place()));
            }
            Some(&j) => {
                return Err(Error::data(
                    &s.file,
                    s.line,
                    format!(
                        "the same text is labeled `{}` here and `{}` at {}; settle on one label",
                        s.label,
                        samples[j].label,
                        samples[j].place()
                    ),
                ))
            }
            None => {
                seen.insert(key, i);
            }
        }
    }
    let mut k = keep.into_iter();
    samples.retain(|_| k.next().unwrap_or(true));

    let mut counts: BTreeMap<&str, (usize, &Sample)> = BTreeMap::new();
    for s in samples.iter() {
        counts.entry(&s.label).or_insert((0, s)).0 += 1;
    }
    if counts.len() < 2 {
        let Some((only, (n, first))) = counts.iter().next() else {
            return Err(Error::Usage(
                "no training samples; give labeled paragraphs".into(),
            ));
        };
        // A problem of the data, not of the command line: name the file(s) it came from.
        let files: std::collections::BTreeSet<&Path> =
            samples.iter().map(|s| s.file.as_path()).collect();
        let also = match files.len() {
            0 | 1 => String::new(),
            2 => " and 1 other file".to_string(),
            f => format!(" and {} other files", f - 1),
        };
        return Err(Error::file(
            &first.file,
            format!(
                "all {n} training samples (in this file{also}) have the label `{only}`; a classifier needs at least two labels, so add paragraphs of another label"
            ),
        ));
    }
    for (label, (n, first)) in &counts {
        if *n < min_per_label {
            return Err(Error::data(
                &first.file,
                first.line,
                format!(
                    "label `{label}` has only {n} sample(s) (first here); give at least {min_per_label}, or merge it into another label"
                ),
            ));
        }
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(ext: &str, body: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
        f.write_all(body.as_bytes()).unwrap();
        f
    }

    #[test]
    fn jsonl_with_line_numbers() {
        let f = file(
            ".jsonl",
            "{\"text\": \"甲\", \"label\": \"a\", \"also\": [\"b\"]}\n\n{\"text\": \"乙\"}\n",
        );
        let e = read(f.path(), true).unwrap_err().to_string();
        assert!(e.contains(":3: missing or empty `label`"), "{e}");
        let f = file(".jsonl", "{\"text\": \"甲\", \"label\": \"a\"}\nnot json\n");
        assert!(read(f.path(), true)
            .unwrap_err()
            .to_string()
            .contains(":2: not a JSON object"));
        let f = file(".jsonl", "{\"text\": \"  \", \"label\": \"a\"}\n");
        assert!(read(f.path(), true)
            .unwrap_err()
            .to_string()
            .contains("empty `text`"));
    }

    #[test]
    fn csv_with_bom_quotes_and_newlines() {
        let f = file(
            ".csv",
            "\u{feff}text,label,heading\n\"第一段，含逗号\n和换行\",industry,（一）工业\n第二段,party,\n",
        );
        let s = read(f.path(), true).unwrap().samples;
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "第一段，含逗号\n和换行");
        assert_eq!(s[0].heading.as_deref(), Some("（一）工业"));
        assert_eq!(s[1].line, 4);
        let f = file(".csv", "paragraph,theme\n甲,a\n");
        let e = read(f.path(), true).unwrap_err().to_string();
        assert!(e.contains(":1: no `text` column"), "{e}");
    }

    #[test]
    fn sheets_skip_rows_nobody_labeled() {
        let f = file(
            ".csv",
            "\u{feff}report,index,heading_path,text,suggested,confidence,label\n\
             甲,0,一、总体 > （一）环境,第一段,industry,0.61,环保\n\
             甲,1,,第二段,other,0.40,\n",
        );
        let r = read(f.path(), true).unwrap();
        assert!(r.sheet);
        assert_eq!((r.samples.len(), r.unlabeled), (1, 1));
        assert_eq!(r.samples[0].label, "环保");
        assert_eq!(r.samples[0].heading.as_deref(), Some("（一）环境"));
        assert_eq!(r.samples[0].report.as_deref(), Some("甲"));
        // Not a sheet: an empty label is still an error where labels are required.
        let f = file(".csv", "text,label\n第一段,a\n第二段,\n");
        assert!(read(f.path(), true).is_err());
        let f = file(
            ".jsonl",
            "{\"text\":\"甲\",\"heading_path\":[\"一、\",\"（一）\"],\"suggested\":\"a\",\"label\":null}\n\
             {\"text\":\"乙\",\"heading_path\":[\"一、\"],\"suggested\":\"a\",\"label\":\"b\"}\n",
        );
        let r = read(f.path(), true).unwrap();
        assert_eq!((r.samples.len(), r.unlabeled), (1, 1));
        assert_eq!(r.samples[0].heading.as_deref(), Some("一、"));
        let f = file(".csv", "text,suggested,label\n甲,a,\n");
        let e = read(f.path(), true).unwrap_err().to_string();
        assert!(e.contains("none of the 1 rows has a label yet"), "{e}");
    }

    #[test]
    fn training_checks() {
        let mk = |t: &str, l: &str, line| Sample {
            text: t.into(),
            label: l.into(),
            heading: None,
            report: None,
            also: vec![],
            file: "d.jsonl".into(),
            line,
        };
        let mut s = vec![mk("甲", "a", 1), mk("乙", "b", 2), mk("甲", "a", 3)];
        let c = check_for_training(&mut s, 1).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(c.dropped_duplicates.len(), 1);
        let mut s = vec![mk("甲", "a", 1), mk("甲", "b", 2)];
        assert!(check_for_training(&mut s, 1)
            .unwrap_err()
            .to_string()
            .contains("d.jsonl:2"));
        let mut s = vec![mk("甲", "a", 1), mk("乙", "a", 2)];
        assert!(check_for_training(&mut s, 1)
            .unwrap_err()
            .to_string()
            .contains("at least two labels"));
        let mut s = vec![mk("甲", "a", 1), mk("乙", "a", 2), mk("丙", "b", 3)];
        let e = check_for_training(&mut s, 2).unwrap_err().to_string();
        assert!(e.contains("label `b` has only 1"), "{e}");
    }
}
