//! Writing command output to standard output.

use crate::error::{Error, Result};
use std::io::Write;

/// Buffered standard output whose errors name `<stdout>`.
pub struct Out {
    inner: std::io::BufWriter<std::io::StdoutLock<'static>>,
}

impl Out {
    pub fn new() -> Self {
        Out {
            inner: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        }
    }

    /// Write a string.
    pub fn write(&mut self, s: &str) -> Result<()> {
        self.inner.write_all(s.as_bytes()).map_err(stdout_err)
    }

    /// Write a line.
    pub fn line(&mut self, s: &str) -> Result<()> {
        self.write(s)?;
        self.write("\n")
    }

    /// Flush what is buffered.
    pub fn flush(&mut self) -> Result<()> {
        self.inner.flush().map_err(stdout_err)
    }
}

impl Default for Out {
    fn default() -> Self {
        Self::new()
    }
}

fn stdout_err(e: std::io::Error) -> Error {
    Error::io("<stdout>", "writing", e)
}
