//! What comparing sets aside in a temporary file as soon as a report is classified: its term
//! weights (read back two reports at a time for term shifts) and, when files are written, its
//! lines of `paragraphs.jsonl` and its paragraphs in `index.html` (copied into those outputs at
//! the end, in the reports' final order). So `compare` holds one report's paragraphs at a time,
//! however many reports it is given.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// The temporary file (removed by the system when it is closed).
pub struct Spill(Mutex<File>);

/// Where one piece of text lies in the spill: offset and length in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    at: u64,
    len: usize,
}

impl Spill {
    /// A spill in the system's temporary folder.
    pub fn new() -> std::io::Result<Spill> {
        Ok(Spill(Mutex::new(tempfile::tempfile()?)))
    }

    /// Set byte strings aside; their pieces, in the same order.
    pub fn put<const N: usize>(&self, texts: [&[u8]; N]) -> std::io::Result<[Piece; N]> {
        let mut f = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut at = f.seek(SeekFrom::End(0))?;
        let mut pieces = [Piece { at: 0, len: 0 }; N];
        for (t, piece) in texts.iter().zip(&mut pieces) {
            f.write_all(t)?;
            *piece = Piece { at, len: t.len() };
            at += t.len() as u64;
        }
        Ok(pieces)
    }

    /// The bytes of a piece.
    pub fn get(&self, piece: Piece) -> std::io::Result<Vec<u8>> {
        let mut f = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f.seek(SeekFrom::Start(piece.at))?;
        let mut buf = vec![0; piece.len];
        f.read_exact(&mut buf)?;
        Ok(buf)
    }

    /// The text of a piece put as text.
    pub fn get_text(&self, piece: Piece) -> std::io::Result<String> {
        String::from_utf8(self.get(piece)?)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_as_put_from_many_threads() {
        let spill = Spill::new().unwrap();
        let texts: Vec<(String, String)> = (0..40)
            .map(|i| (format!("第{i}段\n").repeat(i % 7), format!("<p>{i}</p>")))
            .collect();
        let pieces: Vec<[Piece; 2]> = std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .iter()
                .map(|(a, b)| s.spawn(|| spill.put([a.as_bytes(), b.as_bytes()]).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for ((a, b), [pa, pb]) in texts.iter().zip(&pieces).rev() {
            assert_eq!(&spill.get_text(*pa).unwrap(), a);
            assert_eq!(spill.get(*pb).unwrap(), b.as_bytes());
        }
    }
}
