//! The one error type of the library. Every message names what failed (a file, a line),
//! what is wrong, and what the user can do about it.

use std::path::PathBuf;

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in baogao.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A wrong or inconsistent command-line argument. Exit code 2.
    #[error("{0}")]
    Usage(String),

    /// The operating system refused to read or write a file.
    #[error("{path}: {action} failed: {detail}", detail = io_detail(source))]
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },

    /// A file given as a report is a binary format baogao does not read.
    #[error("{path}: this is {kind}, not a text report; {todo}")]
    Binary {
        path: PathBuf,
        kind: &'static str,
        todo: &'static str,
    },

    /// The bytes could not be turned into text.
    #[error("{path}: cannot decode the text ({detail}); save it as UTF-8, or name its encoding with --encoding (e.g. --encoding gbk)")]
    Decode { path: PathBuf, detail: String },

    /// A .docx file whose inside is broken.
    #[error("{path}: cannot read this .docx ({detail}); open it in Word or WPS and save it again, or save it as plain text")]
    Docx { path: PathBuf, detail: String },

    /// The file has no text at all.
    #[error("{path}: the file is empty (no text); give a report that contains text")]
    Empty { path: PathBuf },

    /// The file has text but nothing that could be a paragraph of a report.
    #[error("{path}: no paragraphs found ({detail}); check that this is a report with one paragraph per line")]
    NoParagraphs { path: PathBuf, detail: String },

    /// A file larger than the configured limit.
    #[error("{path}: the file is {size} bytes, over the limit of {limit} bytes; raise it with --max-file-size if this is really one report")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },

    /// A problem in a data file the user wrote (labeled samples, manifests, settings), at a line.
    #[error("{path}:{line}: {msg}")]
    Data {
        path: PathBuf,
        line: usize,
        msg: String,
    },

    /// A problem with a file as a whole that is not tied to one line.
    #[error("{path}: {msg}")]
    File { path: PathBuf, msg: String },

    /// Some of several inputs failed; each failure was reported as it happened.
    #[error(
        "{failed} of {total} inputs failed (see the messages above); the others were processed"
    )]
    Partial { failed: usize, total: usize },

    /// Every one of several inputs failed; each failure was reported as it happened.
    #[error(
        "none of the {total} inputs could be read (see the messages above); fix them and run again"
    )]
    AllFailed { total: usize },
}

fn io_detail(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or folder; check the path".into(),
        PermissionDenied => {
            "permission denied; check the permissions of the file and of its folder".into()
        }
        IsADirectory => "this is a folder; give a file".into(),
        NotADirectory => "a part of the path is a file, not a folder; check the path".into(),
        ReadOnlyFilesystem => "the file system is read-only; write somewhere else".into(),
        StorageFull => "the disk is full; free some space and run again".into(),
        _ => e.to_string(),
    }
}

impl Error {
    /// The process exit code this error maps to: 2 for usage errors, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    /// True for a write to a closed pipe (`baogao segment … | head`): not worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// Shorthand for an I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, action: &'static str, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            action,
            source,
        }
    }

    /// Shorthand for an error in a file at a line (1-based).
    pub fn data(path: impl Into<PathBuf>, line: usize, msg: impl Into<String>) -> Self {
        Error::Data {
            path: path.into(),
            line,
            msg: msg.into(),
        }
    }

    /// Shorthand for an error about a whole file.
    pub fn file(path: impl Into<PathBuf>, msg: impl Into<String>) -> Self {
        Error::File {
            path: path.into(),
            msg: msg.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_and_what_to_do() {
        let e = Error::io(
            "a/b.txt",
            "reading",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        let m = e.to_string();
        assert!(m.starts_with("a/b.txt: reading failed"), "{m}");
        assert!(
            m.contains("no such file") && m.contains("check the path"),
            "{m}"
        );
        assert_eq!(e.exit_code(), 1);
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        let d = Error::data("l.jsonl", 7, "missing field `label`");
        assert_eq!(d.to_string(), "l.jsonl:7: missing field `label`");
    }
}
