//! Arguments shared by the commands that read reports, and their validation.

use crate::error::{Error, Result};
use crate::reading::{self, ReadOptions};
use crate::segmenting::{self, Report, SegmentOptions};
use std::path::Path;

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
