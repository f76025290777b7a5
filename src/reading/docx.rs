//! `.docx`: the text of `word/document.xml`, one line per Word paragraph, in document order.

use crate::error::{Error, Result};
use quick_xml::events::Event;
use std::io::{Cursor, Read};
use std::path::Path;

/// Refuse to inflate a document.xml larger than this (a defence against zip bombs).
const MAX_XML_BYTES: u64 = 1 << 30;

/// Extract the paragraphs of a .docx as lines of text (each followed by `\n`).
pub fn extract(bytes: &[u8], path: &Path) -> Result<String> {
    let docx_err = |detail: String| Error::Docx {
        path: path.into(),
        detail,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| docx_err(format!("not a readable zip archive: {e}")))?;
    let mut entry = match zip.by_name("word/document.xml") {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(Error::Binary {
                path: path.into(),
                kind: "a zip archive without a Word document in it",
                todo: "unpack it and give the report files inside (.txt or .docx)",
            })
        }
        Err(e) => return Err(docx_err(format!("cannot open word/document.xml: {e}"))),
    };
    let mut xml = Vec::new();
    (&mut entry)
        .take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| docx_err(format!("cannot inflate word/document.xml: {e}")))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(docx_err("word/document.xml is larger than 1 GiB".into()));
    }
    paragraphs(&xml).map_err(docx_err)
}

/// Walk the XML: text inside `w:t`, tabs, breaks, and a newline at the end of every `w:p`.
fn paragraphs(xml: &[u8]) -> std::result::Result<String, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.name().as_ref() {
                b"w:t" => in_text = true,
                b"w:tab" => out.push('\t'),
                b"w:br" | b"w:cr" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.name().as_ref() {
                b"w:tab" => out.push('\t'),
                b"w:br" | b"w:cr" => out.push('\n'),
                b"w:p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::End(e)) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                let s = t
                    .unescape()
                    .map_err(|e| format!("bad text at byte {}: {e}", reader.buffer_position()))?;
                out.push_str(&s);
            }
            Ok(Event::CData(t)) if in_text => {
                out.push_str(&String::from_utf8_lossy(&t));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "broken XML in word/document.xml at byte {}: {e}",
                    reader.buffer_position()
                ))
            }
        }
        buf.clear();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tabs_breaks_and_entities() {
        let xml = r#"<?xml version="1.0"?><w:document><w:body>
<w:p><w:r><w:t>一、总体</w:t></w:r><w:r><w:t xml:space="preserve">情况 &amp; 说明</w:t></w:r></w:p>
<w:p/>
<w:p><w:r><w:instrText>PAGE</w:instrText><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r></w:p>
</w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml.as_bytes()).unwrap(),
            "一、总体情况 & 说明\n\n甲\t乙\n丙\n"
        );
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(paragraphs(b"<w:p><w:t>a</w:x></w:p>").is_err());
    }
}
