//! Arguments shared by the commands that read reports, and their validation.

use crate::error::{Error, Result};
use crate::reading::{self, ReadOptions};
use crate::segmenting::{self, Report, SegmentOptions};
use std::path::{Path, PathBuf};

/// How to read report files.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Encoding of text reports (utf-8, gbk, gb18030, utf-16le, utf-16be, big5); default: detect
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Refuse report files larger than this (bytes, or with K, M, G)
    #[arg(long, value_name = "SIZE", default_value = "256M")]
    pub max_file_size: String,
    /// The year of every report given, overriding what file names and texts say
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
}

/// Validated input settings.
#[derive(Debug, Clone)]
pub struct InputSettings {
    pub read: ReadOptions,
    pub year: Option<i32>,
}

impl InputArgs {
    /// Check the arguments and turn them into settings.
    pub fn settings(&self) -> Result<InputSettings> {
        let encoding = self
            .encoding
            .as_deref()
            .map(reading::parse_encoding)
            .transpose()?;
        let max_file_size = parse_size(&self.max_file_size)?;
        if let Some(y) = self.year {
            if !(1900..=2100).contains(&y) {
                return Err(Error::Usage(format!(
                    "--year {y} is not a plausible report year; give a year such as 2019"
                )));
            }
        }
        Ok(InputSettings {
            read: ReadOptions {
                encoding,
                max_file_size,
            },
            year: self.year,
        })
    }
}

impl InputSettings {
    /// Read and segment one report file (`-` for standard input).
    pub fn load(&self, path: &Path) -> Result<Report> {
        let doc = reading::read_path(path, &self.read)?;
        segmenting::segment(
            &doc,
            &SegmentOptions {
                year: self.year,
                ..Default::default()
            },
        )
    }
}

/// Classify every paragraph of the inputs (reports, or `.jsonl` files of paragraphs), in
/// parallel, in input order. A failing input is reported on stderr and left out when there are
/// several; the count of failures comes back with the results.
pub fn classify_all(
    model: &crate::model::Model,
    inputs: &[PathBuf],
    settings: &InputSettings,
) -> Result<(Vec<crate::classifying::ClassifiedReport>, usize)> {
    use crate::classifying::{classify_file, ClassifyOptions};
    use rayon::prelude::*;
    model.tokenizer();
    let opts = ClassifyOptions {
        top_terms: 0,
        ..Default::default()
    };
    let results: Vec<Result<Vec<crate::classifying::ClassifiedReport>>> = inputs
        .par_iter()
        .map(|p| classify_file(model, p, &|p| settings.load(p), &opts))
        .collect();
    let mut out = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(units) => out.extend(units),
            Err(e) if inputs.len() == 1 => return Err(e),
            Err(e) => {
                eprintln!("baogao: {e}");
                failed += 1;
            }
        }
    }
    if failed == inputs.len() {
        return Err(Error::AllFailed { total: failed });
    }
    Ok((out, failed))
}

/// Report paths as given, folders expanded to their `.txt` and `.docx` files and globs
/// (`reports/*.txt`) to the files they match, each sorted by name.
pub fn expand_reports(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        let s = p.to_string_lossy();
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, "listing", e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension().is_some_and(|x| {
                            x.eq_ignore_ascii_case("txt") || x.eq_ignore_ascii_case("docx")
                        })
                })
                .collect();
            v.sort();
            if v.is_empty() {
                return Err(Error::file(p, "this folder has no .txt or .docx reports"));
            }
            out.extend(v);
        } else if !p.exists() && s.contains(['*', '?', '[']) {
            let mut v: Vec<PathBuf> = glob::glob(&s)
                .map_err(|e| Error::Usage(format!("bad pattern `{s}`: {e}")))?
                .filter_map(|r| r.ok())
                .filter(|f| f.is_file())
                .collect();
            v.sort();
            if v.is_empty() {
                return Err(Error::Usage(format!("no file matches `{s}`")));
            }
            out.extend(v);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// `1000`, `64K`, `256M`, `2G` as bytes (the value of `--max-file-size`).
pub fn parse_size(s: &str) -> Result<u64> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => 0,
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    match num.trim().parse::<u64>() {
        Ok(n) if mult > 0 && n > 0 => Ok(n.saturating_mul(mult)),
        _ => Err(Error::Usage(format!(
            "--max-file-size: `{s}` is not a size; give bytes or a number with K, M or G, e.g. 512M"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert_eq!(parse_size("64K").unwrap(), 65536);
        assert_eq!(parse_size("2g").unwrap(), 2 << 30);
        assert!(parse_size("0").is_err());
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("big").is_err());
    }
}
