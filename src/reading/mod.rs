//! Reading: a report file (or standard input) becomes text.
//!
//! Text files may be UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 (with BOM, or without one
//! when the byte pattern leaves no doubt). `.docx` files are unzipped and their paragraphs come out
//! in document order, one per line. PDFs, images, old `.doc` files and other binaries are refused
//! with a message that says how to convert them.

mod decode;
mod docx;

use crate::error::{Error, Result};
use encoding_rs::Encoding;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use decode::parse_encoding;

/// Default limit on the size of one input file: 256 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// How to read input files.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Decode text files with this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
    /// Refuse files larger than this many bytes.
    pub max_file_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// The container a text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Text,
    Docx,
}

/// A decoded input: its text and how it was read.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it came from (`-` for standard input).
    pub path: PathBuf,
    /// The text, with any byte-order mark removed. Offsets elsewhere refer to this string.
    pub text: String,
    /// The encoding used (`UTF-8`, `GB18030`, `UTF-16LE`, …); `.docx` is always `UTF-8`.
    pub encoding: &'static str,
    pub format: SourceFormat,
}

/// Read a file, or standard input when `path` is `-`.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<Document> {
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(opts.max_file_size + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(path, "reading standard input", e))?;
        if buf.len() as u64 > opts.max_file_size {
            return Err(Error::TooLarge {
                path: path.into(),
                size: buf.len() as u64,
                limit: opts.max_file_size,
            });
        }
        buf
    } else {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "reading", e))?;
        if meta.is_dir() {
            return Err(Error::file(
                path,
                "is a folder, not a report file; give the files inside it (e.g. DIR/*.txt)",
            ));
        }
        if meta.len() > opts.max_file_size {
            return Err(Error::TooLarge {
                path: path.into(),
                size: meta.len(),
                limit: opts.max_file_size,
            });
        }
        std::fs::read(path).map_err(|e| Error::io(path, "reading", e))?
    };
    read_bytes(&bytes, path, opts)
}

/// Turn the bytes of a report file into text. `path` is used for messages and to recognise
/// `.docx` by its extension (the content is checked too).
pub fn read_bytes(bytes: &[u8], path: &Path, opts: &ReadOptions) -> Result<Document> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty { path: path.into() });
    }
    if let Some(kind) = sniff(bytes) {
        return match kind {
            Sniffed::Zip => {
                let text = docx::extract(bytes, path)?;
                Ok(Document {
                    path: path.into(),
                    text,
                    encoding: "UTF-8",
                    format: SourceFormat::Docx,
                })
            }
            Sniffed::Binary { kind, todo } => Err(Error::Binary {
                path: path.into(),
                kind,
                todo,
            }),
        };
    }
    let (text, encoding) = decode::decode(bytes, opts.encoding, path)?;
    if text.trim().is_empty() {
        return Err(Error::Empty { path: path.into() });
    }
    Ok(Document {
        path: path.into(),
        text,
        encoding,
        format: SourceFormat::Text,
    })
}

enum Sniffed {
    Zip,
    Binary {
        kind: &'static str,
        todo: &'static str,
    },
}

/// Recognise binary formats by their first bytes.
fn sniff(b: &[u8]) -> Option<Sniffed> {
    const TABLE: &[(&[u8], &str, &str)] = &[
        (
            b"%PDF",
            "a PDF file",
            "convert it to text first, e.g. `pdftotext -layout FILE.pdf FILE.txt`, then give the .txt",
        ),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an old Word/WPS (.doc/.wps) or Excel file",
            "open it in Word or WPS and save it as .docx or as plain text",
        ),
        (
            b"\x89PNG",
            "a PNG image",
            "baogao reads text; run OCR on the image first and give the text",
        ),
        (
            b"\xFF\xD8\xFF",
            "a JPEG image",
            "baogao reads text; run OCR on the image first and give the text",
        ),
        (
            b"GIF8",
            "a GIF image",
            "baogao reads text; give the report as a text or .docx file",
        ),
        (
            b"{\\rtf",
            "an RTF document",
            "open it in Word or WPS and save it as .docx or as plain text",
        ),
        (
            b"\x1F\x8B",
            "a gzip archive",
            "unpack it first and give the files inside",
        ),
        (
            b"7z\xBC\xAF",
            "a 7-Zip archive",
            "unpack it first and give the files inside",
        ),
        (
            b"Rar!",
            "a RAR archive",
            "unpack it first and give the files inside",
        ),
        (
            b"\x7FELF",
            "a program (ELF binary)",
            "give a report file instead",
        ),
    ];
    for (magic, kind, todo) in TABLE {
        if b.starts_with(magic) {
            return Some(Sniffed::Binary { kind, todo });
        }
    }
    if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") {
        return Some(Sniffed::Zip);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(b: &[u8]) -> Result<Document> {
        read_bytes(b, Path::new("x.txt"), &ReadOptions::default())
    }

    #[test]
    fn refuses_binaries_with_advice() {
        let e = read(b"%PDF-1.7\n...").unwrap_err().to_string();
        assert!(e.contains("PDF") && e.contains("pdftotext"), "{e}");
        let e = read(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err().to_string();
        assert!(e.contains("PNG"), "{e}");
    }

    #[test]
    fn empty_and_whitespace_are_empty() {
        assert!(matches!(read(b""), Err(Error::Empty { .. })));
        assert!(matches!(read(b" \n\t\r\n"), Err(Error::Empty { .. })));
        // A UTF-8 BOM and an ideographic space are still nothing.
        assert!(matches!(
            read("\u{feff}\u{3000}\n".as_bytes()),
            Err(Error::Empty { .. })
        ));
    }

    #[test]
    fn broken_zip_is_a_docx_error() {
        let e = read(b"PK\x03\x04garbage").unwrap_err();
        assert!(matches!(e, Error::Docx { .. }), "{e}");
    }
}
