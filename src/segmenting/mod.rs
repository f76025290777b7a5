//! Segmenting: a report's text becomes its metadata, its heading tree and its paragraphs, each
//! paragraph with its heading path and its offsets in the text.
//!
//! The input is one paragraph per line (as reports saved from the web, Word or WPS are). Lines
//! before the body (title, dateline, speaker) become metadata; web-page leftovers are dropped and
//! listed in [`Report::skipped`]; headings are found by their numbering (see [`headings`]) and a
//! heading that opens a paragraph (`（一）工业发展稳中求进。面对……`) is split from its body.

pub mod front;
pub mod headings;
pub mod leftovers;

use crate::error::{Error, Result};
use crate::normalize::{for_matching, is_space};
use crate::reading::Document;
use front::{Date, FrontLine};
use headings::{LineShape, Outline, Style};
use leftovers::Leftover;
use serde::Serialize;

/// Where a report's year came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YearSource {
    /// Given by the user (`--year` or a manifest).
    User,
    /// A four-digit year in the file name.
    FileName,
    /// The date under the title.
    Dateline,
    /// A heading such as `2019年工作回顾` (plus one) or `2020年工作安排`.
    Heading,
}

/// What is known about a report besides its text.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metadata {
    pub title: Option<String>,
    pub place: Option<String>,
    /// The year the report was delivered in.
    pub year: Option<i32>,
    pub year_source: Option<YearSource>,
    /// The date the report was delivered on (`YYYY-MM-DD`), from its dateline.
    pub date: Option<String>,
    pub speaker: Option<String>,
}

/// A heading of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub index: usize,
    /// 1 = top level.
    pub level: usize,
    pub style: Style,
    /// The heading as written, numbering included, without a trailing full stop.
    pub text: String,
    pub parent: Option<usize>,
    /// Byte offsets of the heading in the decoded text.
    pub start: usize,
    pub end: usize,
    /// 1-based line number.
    pub line: usize,
}

/// A paragraph of the report body.
#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    /// 0-based position among the report's paragraphs.
    pub index: usize,
    /// Texts of the enclosing headings, outermost first.
    pub heading_path: Vec<String>,
    /// Index of the innermost enclosing heading.
    pub heading: Option<usize>,
    /// The paragraph as written (trimmed).
    pub text: String,
    /// Byte offsets in the decoded text: `text == decoded[start..end]`.
    pub start: usize,
    pub end: usize,
    /// The same span in characters (Unicode scalar values).
    pub char_start: usize,
    pub char_end: usize,
    /// 1-based line number.
    pub line: usize,
}

/// A line left out of the body, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub line: usize,
    pub reason: &'static str,
}

/// A segmented report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Short name: the file name without its extension, or a name from a manifest.
    pub name: String,
    /// The path it was read from (`-` for standard input).
    pub source: String,
    pub encoding: &'static str,
    pub meta: Metadata,
    pub headings: Vec<Heading>,
    pub paragraphs: Vec<Paragraph>,
    pub skipped: Vec<Skipped>,
}

impl Report {
    /// Total characters of all paragraphs.
    pub fn chars(&self) -> usize {
        self.paragraphs
            .iter()
            .map(|p| p.char_end - p.char_start)
            .sum()
    }
}

/// Settings for segmenting.
#[derive(Debug, Clone, Default)]
pub struct SegmentOptions {
    /// The report's name; default: the file stem.
    pub name: Option<String>,
    /// The report's year, overriding what the file name or text say.
    pub year: Option<i32>,
    /// The report's place, overriding what the text says.
    pub place: Option<String>,
}

/// Split a decoded document into metadata, headings and paragraphs.
pub fn segment(doc: &Document, opts: &SegmentOptions) -> Result<Report> {
    let stem = file_stem(&doc.path);
    let mut seg = Segmenter::new(&doc.text);
    seg.run();
    let Segmenter {
        headings,
        paragraphs,
        skipped,
        mut meta,
        heading_year,
        ..
    } = seg;

    if paragraphs.is_empty() {
        let detail = if headings.is_empty() {
            "no line reads as report text".to_string()
        } else {
            format!("{} headings but no text under them", headings.len())
        };
        return Err(Error::NoParagraphs {
            path: doc.path.clone(),
            detail,
        });
    }

    let file_year = front::year_from_file_name(&stem);
    (meta.year, meta.year_source) = if let Some(y) = opts.year {
        (Some(y), Some(YearSource::User))
    } else if let Some(y) = file_year {
        (Some(y), Some(YearSource::FileName))
    } else if let Some(y) = meta.year {
        (Some(y), Some(YearSource::Dateline))
    } else if let Some(y) = heading_year {
        (Some(y), Some(YearSource::Heading))
    } else {
        (None, None)
    };
    if let Some(p) = &opts.place {
        meta.place = Some(p.clone());
    }
    if meta.place.is_none() {
        meta.place = meta
            .title
            .as_deref()
            .and_then(front::place_from_title)
            .or_else(|| front::place_from_file_name(&stem));
    }

    Ok(Report {
        name: opts.name.clone().unwrap_or(stem),
        source: doc.path.display().to_string(),
        encoding: doc.encoding,
        meta,
        headings,
        paragraphs,
        skipped,
    })
}

/// The file name without directory and extension; `stdin` for `-`.
pub fn file_stem(path: &std::path::Path) -> String {
    if path == std::path::Path::new("-") {
        return "stdin".into();
    }
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// One trimmed, non-empty line of the text.
struct Line<'a> {
    text: &'a str,
    /// Byte offset of `text` in the document.
    start: usize,
    /// 1-based line number.
    number: usize,
}

/// Iterate over trimmed, non-empty lines, splitting at `\n`, `\r\n` and a lone `\r`.
fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    let mut number = 0usize;
    std::iter::from_fn(move || loop {
        if pos >= bytes.len() {
            return None;
        }
        number += 1;
        let begin = pos;
        let end = memchr::memchr2(b'\n', b'\r', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        pos = end;
        if pos < bytes.len() {
            pos += if bytes[pos] == b'\r' && bytes.get(pos + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        let raw = &text[begin..end];
        let lead = raw.len() - raw.trim_start_matches(is_space).len();
        let trimmed = raw.trim_matches(is_space);
        if !trimmed.is_empty() {
            return Some(Line {
                text: trimmed,
                start: begin + lead,
                number,
            });
        }
    })
}

struct Segmenter<'a> {
    text: &'a str,
    headings: Vec<Heading>,
    paragraphs: Vec<Paragraph>,
    skipped: Vec<Skipped>,
    meta: Metadata,
    heading_year: Option<i32>,
    outline: Outline,
    /// Characters before byte `chars_at.0` of the text, for char offsets (offsets only grow).
    chars_at: (usize, usize),
}

impl<'a> Segmenter<'a> {
    fn new(text: &'a str) -> Self {
        Segmenter {
            text,
            headings: Vec::new(),
            paragraphs: Vec::new(),
            skipped: Vec::new(),
            meta: Metadata::default(),
            heading_year: None,
            outline: Outline::default(),
            chars_at: (0, 0),
        }
    }

    fn run(&mut self) {
        let mut in_front = true;
        let mut skip_until_part: Option<&'static str> = None;
        let mut rest: Option<&'static str> = None;
        for line in lines(self.text) {
            if let Some(reason) = rest {
                self.skip(line.number, reason);
                continue;
            }
            // Only the start of a line matters for leftovers and headings; a 50 MB line must not
            // be normalised twice.
            let head = prefix(line.text, 200);
            let norm = for_matching(head);
            if let Some(reason) = skip_until_part {
                if headings::marker(line.text).is_some_and(|(s, _)| s == Style::Part) {
                    skip_until_part = None;
                } else {
                    self.skip(line.number, reason);
                    continue;
                }
            }
            match leftovers::check(&norm) {
                Some(Leftover::Line(reason)) => {
                    self.skip(line.number, reason);
                    continue;
                }
                Some(Leftover::UntilNextPart(reason)) => {
                    skip_until_part = Some(reason);
                    self.skip(line.number, reason);
                    continue;
                }
                Some(Leftover::Rest(reason)) => {
                    rest = Some(reason);
                    self.skip(line.number, reason);
                    continue;
                }
                None => {}
            }
            let shape = headings::shape(line.text);
            if in_front {
                // A short unnumbered line before the body is a title, not a heading.
                let is_heading = !matches!(
                    shape,
                    LineShape::Paragraph
                        | LineShape::Heading {
                            style: Style::Plain,
                            ..
                        }
                );
                if front::starts_body(&norm, is_heading) {
                    in_front = false;
                } else {
                    self.front_line(&norm);
                    continue;
                }
            }
            match shape {
                LineShape::Heading { style, text_end } => {
                    self.heading(&line, style, text_end);
                }
                LineShape::HeadingThenBody {
                    style,
                    text_end,
                    body_start,
                } => {
                    self.heading(&line, style, text_end);
                    self.paragraph(&line, body_start);
                }
                LineShape::Numbered { style } => {
                    self.outline.close(style);
                    self.paragraph(&line, 0);
                }
                LineShape::Paragraph => {
                    if front::is_salutation(&norm) {
                        self.outline.close_below_chapters();
                    }
                    self.paragraph(&line, 0)
                }
            }
        }
    }

    fn skip(&mut self, line: usize, reason: &'static str) {
        self.skipped.push(Skipped { line, reason });
    }

    fn front_line(&mut self, norm: &str) {
        match front::classify(norm) {
            FrontLine::Title => {
                // Appended in place: a file of many short lines must not cost quadratic time.
                match &mut self.meta.title {
                    Some(title) => {
                        title.push(' ');
                        title.push_str(norm);
                    }
                    None => self.meta.title = Some(norm.to_string()),
                }
            }
            FrontLine::Dateline { date, place } => {
                if let Some(Date { year, month, day }) = date {
                    self.meta
                        .date
                        .get_or_insert(Date { year, month, day }.to_string());
                    self.meta.year.get_or_insert(year);
                }
                if let Some(p) = place {
                    self.meta.place.get_or_insert(p);
                }
            }
            FrontLine::Speaker { name, place } => {
                self.meta.speaker.get_or_insert(name);
                if let Some(p) = place {
                    self.meta.place.get_or_insert(p);
                }
            }
            FrontLine::Press => {}
        }
    }

    fn heading(&mut self, line: &Line, style: Style, text_end: usize) {
        let mut text = &line.text[..text_end];
        if style == Style::Part {
            text = text.trim_start_matches('#').trim_start_matches(is_space);
        }
        let text = text.trim_end_matches(is_space);
        if self.heading_year.is_none() {
            self.heading_year = front::year_from_heading(&for_matching(text));
        }
        let index = self.headings.len();
        let (level, parent) = self.outline.open(style, index);
        // `text` is a slice of `line.text`: its offset there is the pointer difference.
        let start = line.start + (text.as_ptr() as usize - line.text.as_ptr() as usize);
        self.headings.push(Heading {
            index,
            level,
            style,
            text: text.to_string(),
            parent,
            start,
            end: start + text.len(),
            line: line.number,
        });
    }

    fn paragraph(&mut self, line: &Line, from: usize) {
        let text = &line.text[from..];
        let start = line.start + from;
        let end = start + text.len();
        let char_start = self.char_offset(start);
        let char_end = char_start + text.chars().count();
        self.chars_at = (end, char_end);
        let heading_path = self
            .outline
            .path()
            .map(|i| self.headings[i].text.clone())
            .collect();
        self.paragraphs.push(Paragraph {
            index: self.paragraphs.len(),
            heading_path,
            heading: self.outline.path().last(),
            text: text.to_string(),
            start,
            end,
            char_start,
            char_end,
            line: line.number,
        });
    }

    /// Characters before byte offset `byte` (which is at or after the last offset asked for).
    fn char_offset(&mut self, byte: usize) -> usize {
        let (b, c) = self.chars_at;
        let n = c + self.text[b..byte].chars().count();
        self.chars_at = (byte, n);
        n
    }
}

/// The first `n` characters of `s`.
fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::SourceFormat;

    fn seg(text: &str) -> Report {
        let doc = Document {
            path: "t/县_2016.txt".into(),
            text: text.to_string(),
            encoding: "UTF-8",
            format: SourceFormat::Text,
        };
        segment(&doc, &SegmentOptions::default()).unwrap()
    }

    const SAMPLE: &str = "临川县人民政府工作报告\n\
——2016年1月12日在临川县第十七届人民代表大会第五次会议上\n\
县长　王某某\n\
\n\
各位代表：\n\
下面，受县政府委托作工作报告，请各位代表审议。\n\
一、2015年工作回顾\n\
过去一年，全县上下攻坚克难，经济社会保持平稳发展。\n\
（一）工业经济稳中有进。全县规模以上工业增加值增长8%，新增规上企业12家。\n\
1、项目建设成效明显\n\
全年实施重点项目46个，完成投资38亿元。\n\
（二）脱贫攻坚扎实推进\r\n\
全年减少贫困人口8600人，12个贫困村出列。\r\
分享到：\n\
二、2016年工作安排\n\
一是稳增长；二是惠民生；三是保稳定。\n\
※名词解释※\n\
【1】三去一降一补：去产能、去库存、去杠杆、降成本、补短板。\n";

    #[test]
    fn metadata_headings_paragraphs() {
        let r = seg(SAMPLE);
        assert_eq!(r.meta.title.as_deref(), Some("临川县人民政府工作报告"));
        assert_eq!(r.meta.date.as_deref(), Some("2016-01-12"));
        assert_eq!(r.meta.place.as_deref(), Some("临川县"));
        assert_eq!(r.meta.speaker.as_deref(), Some("王某某"));
        assert_eq!(r.meta.year, Some(2016));
        assert_eq!(r.meta.year_source, Some(YearSource::FileName));
        let hs: Vec<(usize, &str)> = r
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str()))
            .collect();
        assert_eq!(
            hs,
            [
                (1, "一、2015年工作回顾"),
                (2, "（一）工业经济稳中有进"),
                (3, "1、项目建设成效明显"),
                (2, "（二）脱贫攻坚扎实推进"),
                (1, "二、2016年工作安排"),
            ]
        );
        let ps: Vec<(&str, Vec<&str>)> = r
            .paragraphs
            .iter()
            .map(|p| {
                (
                    &p.text[..p.text.char_indices().nth(4).unwrap().0],
                    p.heading_path.iter().map(|s| s.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(ps[0], ("各位代表", vec![]));
        assert_eq!(ps[2], ("过去一年", vec!["一、2015年工作回顾"]));
        assert_eq!(
            ps[3],
            (
                "全县规模",
                vec!["一、2015年工作回顾", "（一）工业经济稳中有进"]
            )
        );
        assert_eq!(
            ps[4].1,
            vec![
                "一、2015年工作回顾",
                "（一）工业经济稳中有进",
                "1、项目建设成效明显"
            ]
        );
        assert_eq!(
            ps[5].1,
            vec!["一、2015年工作回顾", "（二）脱贫攻坚扎实推进"]
        );
        // The inline list stays one paragraph; leftovers and the glossary are skipped.
        assert_eq!(ps[6], ("一是稳增", vec!["二、2016年工作安排"]));
        assert_eq!(r.paragraphs.len(), 7);
        let reasons: Vec<&str> = r.skipped.iter().map(|s| s.reason).collect();
        assert_eq!(
            reasons,
            [
                "web-page leftover",
                "glossary of terms",
                "glossary of terms"
            ]
        );
    }

    #[test]
    fn offsets_point_at_the_text() {
        let r = seg(SAMPLE);
        let chars: Vec<char> = SAMPLE.chars().collect();
        for p in &r.paragraphs {
            assert_eq!(&SAMPLE[p.start..p.end], p.text);
            let s: String = chars[p.char_start..p.char_end].iter().collect();
            assert_eq!(s, p.text);
        }
        for h in &r.headings {
            assert_eq!(&SAMPLE[h.start..h.end], h.text);
        }
    }

    #[test]
    fn year_from_text_when_the_name_has_none() {
        let doc = Document {
            path: "t/report.txt".into(),
            text: "2019年工作回顾\n过去一年，我们完成了各项任务，经济平稳运行，民生持续改善。\n"
                .into(),
            encoding: "UTF-8",
            format: SourceFormat::Text,
        };
        let r = segment(&doc, &SegmentOptions::default()).unwrap();
        assert_eq!(r.meta.year, Some(2020));
        assert_eq!(r.meta.year_source, Some(YearSource::Heading));
        let r = segment(
            &doc,
            &SegmentOptions {
                year: Some(2001),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(r.meta.year, Some(2001));
    }

    #[test]
    fn only_headings_is_an_error() {
        let doc = Document {
            path: "t/h.txt".into(),
            text: "一、总体情况\n二、主要问题\n".into(),
            encoding: "UTF-8",
            format: SourceFormat::Text,
        };
        let e = segment(&doc, &SegmentOptions::default()).unwrap_err();
        assert!(e.to_string().contains("no paragraphs"), "{e}");
    }
}
