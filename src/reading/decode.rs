//! Bytes to text: byte-order marks, UTF-8, GB18030/GBK (the usual encoding of Chinese office
//! files), UTF-16, and chardetng's guess for anything else.

use crate::error::{Error, Result};
use encoding_rs::{Encoding, BIG5, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use std::path::Path;

/// Parse an encoding name given by the user (`--encoding`).
pub fn parse_encoding(name: &str) -> Result<&'static Encoding> {
    let lower = name.trim().to_ascii_lowercase();
    let label = match lower.as_str() {
        "utf16" | "utf-16" => "utf-16le",
        "utf8" => "utf-8",
        "gb2312" | "cp936" | "gbk" | "gb18030" => "gb18030",
        other => other,
    };
    Encoding::for_label(label.as_bytes()).ok_or_else(|| {
        Error::Usage(format!(
            "unknown encoding `{name}`; use one of utf-8, gbk, gb18030, utf-16le, utf-16be, big5"
        ))
    })
}

/// Decode `bytes` to text: with `forced` when given, else by BOM, UTF-8, UTF-16 pattern,
/// then GB18030 or chardetng's guess. Returns the text (BOM removed) and the encoding's name.
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
    path: &Path,
) -> Result<(String, &'static str)> {
    if let Some(enc) = forced {
        let body = match Encoding::for_bom(bytes) {
            Some((bom_enc, len)) if bom_enc == enc => &bytes[len..],
            _ => bytes,
        };
        return strict(enc, body, path);
    }
    if let Some((enc, len)) = Encoding::for_bom(bytes) {
        return strict(enc, &bytes[len..], path);
    }
    if let Some(enc) = utf16_by_pattern(bytes) {
        return strict(enc, bytes, path);
    }
    if let Some(pos) = memchr::memchr(0, bytes) {
        return Err(Error::Binary {
            path: path.into(),
            kind: "a binary file (it contains NUL bytes)",
            todo: if pos == 0 {
                "give a text or .docx report; if it is UTF-16 text, save it with a BOM or pass --encoding utf-16le"
            } else {
                "give a text or .docx report; if the file is text, remove the NUL bytes (e.g. `tr -d '\\000'`)"
            },
        });
    }
    // SIMD validation, with std's error details (where the valid prefix ends).
    match simdutf8::compat::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_owned(), UTF_8.name())),
        Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => {
            // Valid UTF-8 cut in the middle of the last character: keep what is whole.
            let s = std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("checked prefix");
            return Ok((s.to_owned(), UTF_8.name()));
        }
        Err(_) => {}
    }
    if mostly_utf8(bytes) {
        return Err(Error::Decode {
            path: path.into(),
            detail: format!(
                "it is UTF-8 with invalid bytes at line {}",
                line_of(bytes, first_utf8_error(bytes))
            ),
        });
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess = det.guess(Some(b"cn"), chardetng::Utf8Detection::Deny);
    // Chinese office files are GBK/GB18030; detectors confuse short GBK with EUC-JP or EUC-KR,
    // so GB18030 wins whenever it decodes cleanly, unless the guess is Big5 and decodes cleanly.
    if guess == BIG5 {
        if let Ok(ok) = strict(BIG5, bytes, path) {
            return Ok(ok);
        }
    }
    if let Ok(ok) = strict(GB18030, bytes, path) {
        return Ok(ok);
    }
    if guess != GB18030 && guess != encoding_rs::GBK {
        if let Ok(ok) = strict(guess, bytes, path) {
            return Ok(ok);
        }
    }
    Err(Error::Decode {
        path: path.into(),
        detail: format!(
            "neither UTF-8 nor GB18030/GBK fits; invalid UTF-8 at line {}",
            line_of(bytes, first_utf8_error(bytes))
        ),
    })
}

/// Decode without replacement characters; report where decoding failed.
fn strict(enc: &'static Encoding, bytes: &[u8], path: &Path) -> Result<(String, &'static str)> {
    match enc.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok((s.into_owned(), enc.name())),
        None => {
            let mut decoder = enc.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(bytes.len() * 3);
            let (result, read) =
                decoder.decode_to_string_without_replacement(bytes, &mut out, true);
            let at = match result {
                encoding_rs::DecoderResult::Malformed(bad, _) => read.saturating_sub(bad as usize),
                _ => read,
            };
            Err(Error::Decode {
                path: path.into(),
                detail: format!(
                    "invalid {} bytes at byte {at} (line {})",
                    enc.name(),
                    line_of(bytes, at)
                ),
            })
        }
    }
}

/// UTF-16 without BOM is recognisable when it is mostly ASCII: every other byte is zero.
fn utf16_by_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_zero * 10 >= pairs * 3 && even_zero * 20 < pairs {
        Some(UTF_16LE)
    } else if even_zero * 10 >= pairs * 3 && odd_zero * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// True when most non-ASCII byte runs are well-formed UTF-8 (a UTF-8 file with a few bad bytes,
/// which GB18030 would turn into nonsense).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut good = 0usize;
    let mut bad = 0usize;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let valid = &rest[..e.valid_up_to()];
                good += std::str::from_utf8(valid)
                    .map(|s| s.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                bad += 1;
                let skip = e.valid_up_to() + e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                rest = &rest[skip..];
            }
        }
    }
    good >= 20 && bad * 50 < good
}

fn first_utf8_error(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    }
}

/// 1-based line number of a byte position.
fn line_of(bytes: &[u8], pos: usize) -> usize {
    bytes[..pos.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "一、2019年工作回顾\n过去一年，全县生产总值增长6.5%，财政收入完成12.3亿元。\n";

    fn dec(b: &[u8]) -> Result<(String, &'static str)> {
        decode(b, None, Path::new("t.txt"))
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(dec(TEXT.as_bytes()).unwrap(), (TEXT.to_owned(), "UTF-8"));
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice(TEXT.as_bytes());
        assert_eq!(dec(&b).unwrap().0, TEXT);
    }

    #[test]
    fn gbk_without_declaration() {
        let (gbk, _, _) = encoding_rs::GBK.encode(TEXT);
        let (s, enc) = dec(&gbk).unwrap();
        assert_eq!(s, TEXT);
        assert_eq!(enc, "gb18030");
        // Even a very short GBK text, which detectors take for EUC-JP.
        let (short, _, _) = encoding_rs::GBK.encode("脱贫攻坚");
        assert_eq!(dec(&short).unwrap().0, "脱贫攻坚");
    }

    #[test]
    fn utf16_with_bom_and_ascii_heavy_without() {
        let mut le = vec![0xFF, 0xFE];
        for u in TEXT.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(dec(&le).unwrap(), (TEXT.to_owned(), "UTF-16LE"));
        let mut be = vec![0xFE, 0xFF];
        for u in TEXT.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(dec(&be).unwrap().0, TEXT);
        let ascii = "1. Report 2019\nline two of the text\n";
        let raw: Vec<u8> = ascii.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(dec(&raw).unwrap().0, ascii);
    }

    #[test]
    fn truncated_utf8_keeps_whole_chars() {
        let b = TEXT.as_bytes();
        let cut = &b[..b.len() - 2]; // cuts "。" (3 bytes) after its first byte
        let (s, _) = dec(cut).unwrap();
        assert!(TEXT.starts_with(&s));
    }

    #[test]
    fn utf8_with_a_bad_byte_names_the_line() {
        let mut b = TEXT.repeat(5).into_bytes();
        let at = b.len() - 10;
        b[at] = 0xFF;
        let e = dec(&b).unwrap_err().to_string();
        assert!(e.contains("line 10"), "{e}");
    }

    #[test]
    fn nul_bytes_are_binary() {
        let e = dec("一、总体情况\0\n过去一年，经济平稳运行。\n".as_bytes()).unwrap_err();
        assert!(matches!(e, Error::Binary { .. }));
    }

    #[test]
    fn forced_encoding_wins_and_reports_errors() {
        let (gbk, _, _) = encoding_rs::GBK.encode(TEXT);
        let forced = Some(parse_encoding("gbk").unwrap());
        assert_eq!(decode(&gbk, forced, Path::new("a")).unwrap().0, TEXT);
        let e = decode(&[0x81, 0x20], forced, Path::new("a")).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        assert!(parse_encoding("klingon").is_err());
    }
}
