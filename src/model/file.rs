//! The model file: a one-line header (`baogao-model VERSION sha256:HEX LENGTH`) followed by the
//! model as JSON. The header lets a loader refuse a file of another format version, a truncated
//! file or an edited one with a message that says which; the file is written to a temporary file
//! in the target folder and renamed, so a failed write never leaves a half model behind.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

const MAGIC: &str = "baogao-model";

/// Wrap a payload with its header.
pub fn encode(version: u32, payload: &[u8]) -> Vec<u8> {
    let hash = hex(&Sha256::digest(payload));
    let mut out = format!("{MAGIC} {version} sha256:{hash} {}\n", payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Check the header and return the payload.
pub fn decode<'a>(bytes: &'a [u8], expected_version: u32, path: &Path) -> Result<&'a [u8]> {
    let err = |msg: String| Error::file(path, msg);
    let Some(nl) = bytes.iter().take(200).position(|&b| b == b'\n') else {
        return Err(err(not_a_model()));
    };
    let header = std::str::from_utf8(&bytes[..nl]).map_err(|_| err(not_a_model()))?;
    let parts: Vec<&str> = header.split(' ').collect();
    if parts.first() != Some(&MAGIC) || parts.len() != 4 {
        return Err(err(not_a_model()));
    }
    let version: u32 = parts[1].parse().map_err(|_| err(not_a_model()))?;
    if version != expected_version {
        return Err(err(format!(
            "model format version {version}, but this baogao reads version {expected_version}; \
             retrain the model with this version (`baogao train DATA -o MODEL`)"
        )));
    }
    let hash = parts[2]
        .strip_prefix("sha256:")
        .ok_or_else(|| err(not_a_model()))?;
    let len: usize = parts[3].parse().map_err(|_| err(not_a_model()))?;
    let payload = &bytes[nl + 1..];
    if payload.len() != len {
        return Err(err(format!(
            "the model file is damaged: {} bytes of model data where the header promises {len} \
             (truncated or appended to); retrain it or copy it again",
            payload.len()
        )));
    }
    if hex(&Sha256::digest(payload)) != hash {
        return Err(err(
            "the model file is damaged: its checksum does not match (edited or corrupted); \
             retrain it or copy it again"
                .into(),
        ));
    }
    Ok(payload)
}

fn not_a_model() -> String {
    "not a baogao model file (no `baogao-model` header); give a file written by `baogao train`"
        .into()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Write `bytes` to `path` atomically: a temporary file in the same folder, flushed to disk, then
/// renamed over the target. On any failure the target is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] with the content written by `write`, piece by piece (through a buffer).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(Error::file(
            path,
            "is a folder; give a file name to write to",
        ));
    }
    // A device or pipe (`/dev/stdout`, `/dev/full`) cannot be replaced by renaming (and as root
    // the rename would replace the device node itself): write straight into it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let t = meta.file_type();
            if t.is_char_device() || t.is_fifo() {
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| Error::io(path, "opening", e))?;
                let mut w = std::io::BufWriter::new(&mut f);
                return write(&mut w)
                    .and_then(|_| w.flush())
                    .map_err(|e| Error::io(path, "writing", e));
            }
            if !t.is_file() {
                return Err(Error::file(
                    path,
                    "is not a regular file; give a file name to write to",
                ));
            }
        }
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".baogao-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(path, "writing (a temporary file beside it)", e))?;
    {
        let mut w = std::io::BufWriter::new(&mut tmp);
        write(&mut w).and_then(|_| w.flush())
    }
    .and_then(|_| tmp.as_file().sync_all())
    .map_err(|e| Error::io(path, "writing", e))?;
    // A temporary file is private (0600); give the result the permissions of the file it
    // replaces, or those of an ordinary new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, "setting permissions of", e))?;
    }
    tmp.persist(path)
        .map_err(|e| Error::io(path, "replacing", e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let p = Path::new("m.model");
        let enc = encode(1, b"{\"a\":1}");
        assert_eq!(decode(&enc, 1, p).unwrap(), b"{\"a\":1}");
        let e = decode(&enc, 2, p).unwrap_err().to_string();
        assert!(e.contains("version 1") && e.contains("retrain"), "{e}");
        let e = decode(&enc[..enc.len() - 2], 1, p).unwrap_err().to_string();
        assert!(e.contains("truncated"), "{e}");
        let mut bad = enc.clone();
        let last = bad.len() - 2;
        bad[last] = b'2';
        assert!(decode(&bad, 1, p)
            .unwrap_err()
            .to_string()
            .contains("checksum"));
        assert!(decode(b"\x89PNG random", 1, p)
            .unwrap_err()
            .to_string()
            .contains("not a baogao model"));
    }

    #[test]
    fn atomic_write_keeps_the_old_file_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.model");
        write_atomic(&p, b"one").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert!(write_atomic(dir.path(), b"x").is_err());
        assert!(write_atomic(&dir.path().join("missing/m.model"), b"x").is_err());
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
