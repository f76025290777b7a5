//! Heading markers and the levels they imply.
//!
//! Reports number their headings in several styles (`一、` `（一）` `1、` `（1）` `①` `一是` `第一，`
//! `###`), and the same style does not sit at the same depth in every report. Levels are therefore
//! assigned by order of appearance, as word processors do: a style not seen yet nests under the
//! current heading; a style already on the stack closes everything below it. Unnumbered part
//! headings such as `2019年工作回顾` or `2020年工作安排` always start a new top-level part.

use crate::normalize::{is_cjk, narrow, trim};

/// The numbering style of a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// An unnumbered part heading (`2019年工作回顾`, `### …`): always top level.
    Part,
    /// `一、`
    Chinese,
    /// `第一，` `第一部分`
    Ordinal,
    /// `（一）` `(一)`
    ParenChinese,
    /// `1、` `1.` `1．`
    Arabic,
    /// `（1）` `(1)`
    ParenArabic,
    /// `①`
    Circled,
    /// `一是`
    Shi,
    /// A short unnumbered line that reads as a heading.
    Plain,
}

/// What a line is, as far as headings go. Positions are byte offsets into the trimmed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineShape {
    /// The whole line is a heading; its text is `line[..text_end]` (a trailing full stop cut).
    Heading { style: Style, text_end: usize },
    /// The line opens with a heading sentence (`（一）工业发展稳中求进。面对……`): the heading is
    /// `line[..text_end]`, the paragraph body starts at `body_start`.
    HeadingThenBody {
        style: Style,
        text_end: usize,
        body_start: usize,
    },
    /// A numbered paragraph (`1、全镇共实施……` with a long first sentence): a paragraph that
    /// closes any deeper headings of its style but opens none.
    Numbered { style: Style },
    /// An ordinary paragraph.
    Paragraph,
}

const CN_DIGITS: &str = "一二三四五六七八九十百零〇两";

/// Longest heading that stands alone on its line, in characters.
const MAX_HEADING_CHARS: usize = 60;
/// Longest heading sentence that may open a paragraph, in characters.
const MAX_LEAD_CHARS: usize = 45;
/// A heading sentence may end with a colon only when it is at most this long.
const MAX_COLON_LEAD_CHARS: usize = 25;
/// A one-sentence numbered line ending in a full stop is a heading only up to this length.
const MAX_SENTENCE_HEADING_CHARS: usize = 30;

/// The narrowed characters at the start of a line, with their byte offsets in the line.
struct Head {
    chars: Vec<(usize, char)>,
}

impl Head {
    fn new(line: &str, limit: usize) -> Self {
        Head {
            chars: line
                .char_indices()
                .take(limit)
                .map(|(i, c)| (i, narrow(c)))
                .collect(),
        }
    }
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }
    fn run(&self, from: usize, f: impl Fn(char) -> bool) -> usize {
        self.chars[from.min(self.chars.len())..]
            .iter()
            .take_while(|&&(_, c)| f(c))
            .count()
    }
    /// Byte offset of char `i` (or the end of the examined prefix).
    fn byte(&self, i: usize, line: &str) -> usize {
        self.chars.get(i).map(|&(b, _)| b).unwrap_or(line.len())
    }
}

fn is_cn_digit(c: char) -> bool {
    CN_DIGITS.contains(c)
}

/// Find a numbering marker at the start of `line`; returns its style and the byte offset where
/// the marker ends.
pub fn marker(line: &str) -> Option<(Style, usize)> {
    let h = Head::new(line, 12);
    let first = h.at(0)?;
    let end = |i: usize| h.byte(i, line);
    // `### title`
    if first == '#' {
        let n = h.run(0, |c| c == '#');
        if n <= 6 && h.at(n).is_some_and(|c| c == ' ') {
            return Some((Style::Part, end(n + 1)));
        }
        return None;
    }
    if ('①'..='⑳').contains(&first) {
        return Some((Style::Circled, end(1)));
    }
    if first == '(' {
        let cn = h.run(1, is_cn_digit);
        if (1..=4).contains(&cn) && h.at(1 + cn) == Some(')') {
            return Some((Style::ParenChinese, end(cn + 2)));
        }
        let ar = h.run(1, |c| c.is_ascii_digit());
        if (1..=3).contains(&ar) && h.at(1 + ar) == Some(')') {
            return Some((Style::ParenArabic, end(ar + 2)));
        }
        return None;
    }
    if first.is_ascii_digit() {
        let n = h.run(0, |c| c.is_ascii_digit());
        if n > 3 {
            return None;
        }
        return match (h.at(n), h.at(n + 1)) {
            (Some('、'), _) => Some((Style::Arabic, end(n + 1))),
            (Some('.'), next) if !next.is_some_and(|c| c.is_ascii_digit()) => {
                Some((Style::Arabic, end(n + 1)))
            }
            _ => None,
        };
    }
    if first == '第' {
        let n = h.run(1, is_cn_digit);
        if n == 0 || n > 4 {
            return None;
        }
        let after: String = h.chars[(1 + n).min(h.chars.len())..]
            .iter()
            .map(|&(_, c)| c)
            .collect();
        for unit in ["部分", "章", "篇"] {
            if after.starts_with(unit) {
                let k = 1 + n + unit.chars().count();
                let k = k + usize::from(matches!(h.at(k), Some('、' | ',' | ':' | ' ')));
                return Some((Style::Ordinal, end(k)));
            }
        }
        return match h.at(1 + n) {
            Some('、' | ',' | ':') => Some((Style::Ordinal, end(n + 2))),
            None => Some((Style::Ordinal, end(n + 1))),
            _ => None,
        };
    }
    if is_cn_digit(first) {
        let n = h.run(0, is_cn_digit);
        if n > 4 {
            return None;
        }
        return match h.at(n) {
            Some('、') => Some((Style::Chinese, end(n + 1))),
            Some('.') if n <= 2 => Some((Style::Chinese, end(n + 1))),
            Some('是') if n <= 3 => Some((Style::Shi, end(n + 1))),
            _ => None,
        };
    }
    None
}

/// Is `c` a sentence end that may close a heading sentence?
fn is_stop(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ';' | '！' | '？' | '；')
}

/// Decide what a (trimmed, non-empty) line is.
pub fn shape(line: &str) -> LineShape {
    let Some((style, marker_end)) = marker(line) else {
        return if is_plain_heading(line) {
            LineShape::Heading {
                style: if is_part_heading(line) {
                    Style::Part
                } else {
                    Style::Plain
                },
                text_end: strip_stop(line),
            }
        } else {
            LineShape::Paragraph
        };
    };
    if style == Style::Part {
        return LineShape::Heading {
            style,
            text_end: line.len(),
        };
    }
    let rest = &line[marker_end..];
    // Look for the end of the first sentence after the marker.
    let mut count = 0usize;
    let mut stop: Option<(usize, usize, char, usize)> = None; // (byte, chars before, char, len)
    for (i, c) in rest.char_indices() {
        let n = narrow(c);
        if is_stop(n) || n == ':' {
            stop = Some((i, count, n, c.len_utf8()));
            break;
        }
        count += 1;
        if count > MAX_HEADING_CHARS {
            break;
        }
    }
    match stop {
        None if count <= MAX_HEADING_CHARS => LineShape::Heading {
            style,
            text_end: line.len(),
        },
        Some((at, before, c, len)) => {
            let after = at + len;
            let body = marker_end + after;
            let body_start = body + (rest[after..].len() - trim_start(&rest[after..]).len());
            // A semicolon after the first item means an inline list (`一是……；二是……`), not a heading.
            let lead_ok = before > 0
                && match c {
                    ':' => before <= MAX_COLON_LEAD_CHARS,
                    ';' => false,
                    _ => before <= MAX_LEAD_CHARS,
                };
            if body_start >= line.len() {
                // The whole line is one sentence: a heading when short, else a numbered paragraph.
                if before <= MAX_SENTENCE_HEADING_CHARS || c == ':' {
                    LineShape::Heading {
                        style,
                        text_end: marker_end + at,
                    }
                } else {
                    LineShape::Numbered { style }
                }
            } else if lead_ok {
                LineShape::HeadingThenBody {
                    style,
                    text_end: marker_end + at,
                    body_start,
                }
            } else {
                LineShape::Numbered { style }
            }
        }
        None => LineShape::Numbered { style },
    }
}

fn trim_start(s: &str) -> &str {
    s.trim_start_matches(crate::normalize::is_space)
}

/// Byte length of `line` without one trailing sentence stop.
fn strip_stop(line: &str) -> usize {
    match line.chars().next_back() {
        Some(c) if is_stop(narrow(c)) => line.len() - c.len_utf8(),
        _ => line.len(),
    }
}

/// A short unnumbered line that reads as a heading: 4–30 characters, mostly Chinese, no sentence
/// punctuation inside or at its end, not a salutation or a dash-led item.
pub fn is_plain_heading(line: &str) -> bool {
    let t = trim(line);
    // Most lines are paragraphs, far longer than a heading: tell them without collecting them.
    if t.chars().nth(30).is_some() {
        return false;
    }
    let chars: Vec<char> = t.chars().map(narrow).collect();
    if chars.iter().filter(|&&c| is_cjk(c)).count() < 4 {
        return false;
    }
    let last = *chars.last().expect("non-empty");
    if matches!(
        last,
        '。' | '!' | '?' | ';' | ':' | ',' | '、' | '…' | '”' | '）' | ')' | '“' | '"'
    ) {
        return false;
    }
    if chars.iter().any(|&c| matches!(c, '。' | ';' | '!' | '?')) {
        return false;
    }
    if chars.iter().filter(|&&c| c == ',').count() > 1 {
        return false;
    }
    let s: String = chars.iter().collect();
    !(s.starts_with("——")
        || s.starts_with("――")
        || s.starts_with("各位")
        || s.starts_with("同志们")
        || s.starts_with('-'))
}

/// A part heading: the review of the past year or the plan for the next one.
pub fn is_part_heading(line: &str) -> bool {
    let t = crate::normalize::for_matching(line);
    if t.chars().count() > 20 {
        return false;
    }
    const WORDS: [&str; 12] = [
        "回顾",
        "安排",
        "计划",
        "打算",
        "思路",
        "任务",
        "展望",
        "总结",
        "要求",
        "重点工作",
        "主要工作",
        "工作建议",
    ];
    WORDS
        .iter()
        .any(|w| t.ends_with(w) || t.contains(&format!("{w}和")))
}

/// The stack of open headings, giving each new heading its level.
#[derive(Debug, Default)]
pub struct Outline {
    /// (style, heading index) from the top level down.
    stack: Vec<(Style, usize)>,
}

impl Outline {
    /// Open a heading of `style` with index `idx`; returns its level (1 = top) and its parent.
    pub fn open(&mut self, style: Style, idx: usize) -> (usize, Option<usize>) {
        self.close(style);
        let parent = self.stack.last().map(|&(_, i)| i);
        self.stack.push((style, idx));
        (self.stack.len(), parent)
    }

    /// Close the headings of `style` and everything below them (a numbered paragraph of that
    /// style, or a new heading of it).
    pub fn close(&mut self, style: Style) {
        if style == Style::Part {
            self.stack.clear();
        } else if let Some(pos) = self.stack.iter().position(|&(s, _)| s == style) {
            self.stack.truncate(pos);
        }
    }

    /// Close every heading below the report's parts and chapters (`2019年工作回顾`, `一、`):
    /// a salutation such as `各位代表！` turns back to the whole audience, out of any sub-item.
    pub fn close_below_chapters(&mut self) {
        let keep = self
            .stack
            .iter()
            .take_while(|&&(s, _)| matches!(s, Style::Part | Style::Chinese))
            .count();
        self.stack.truncate(keep);
    }

    /// Indices of the open headings, top first.
    pub fn path(&self) -> impl Iterator<Item = usize> + '_ {
        self.stack.iter().map(|&(_, i)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_in_every_spelling() {
        let cases = [
            ("一、总体情况", Style::Chinese, "一、"),
            ("十二、其他", Style::Chinese, "十二、"),
            ("（一）工业", Style::ParenChinese, "（一）"),
            ("(三)农业", Style::ParenChinese, "(三)"),
            ("1、项目", Style::Arabic, "1、"),
            ("12.项目", Style::Arabic, "12."),
            ("１．项目", Style::Arabic, "１．"),
            ("（1）细项", Style::ParenArabic, "（1）"),
            ("(2)细项", Style::ParenArabic, "(2)"),
            ("①第一项", Style::Circled, "①"),
            ("一是立足实际", Style::Shi, "一是"),
            ("十一是其他", Style::Shi, "十一是"),
            ("第一，", Style::Ordinal, "第一，"),
            ("第二部分 任务", Style::Ordinal, "第二部分 "),
            ("### 2015-12-21 会议", Style::Part, "### "),
        ];
        for (line, style, m) in cases {
            assert_eq!(marker(line), Some((style, m.len())), "{line}");
        }
        for line in [
            "1.5亿元",
            "2019年工作回顾",
            "第一产业增加值",
            "一年来",
            "十四五时期",
            "(GDP)",
            "#标签",
        ] {
            assert_eq!(marker(line), None, "{line}");
        }
    }

    #[test]
    fn heading_alone_split_or_numbered() {
        let l = "(二)产业转型步伐加快,发展质量稳步提高";
        assert_eq!(
            shape(l),
            LineShape::Heading {
                style: Style::ParenChinese,
                text_end: l.len()
            }
        );
        let l = "（一）工业发展稳中求进。面对复杂严峻的形势，我镇工业经济下行压力加大。";
        match shape(l) {
            LineShape::HeadingThenBody {
                style,
                text_end,
                body_start,
            } => {
                assert_eq!(style, Style::ParenChinese);
                assert_eq!(&l[..text_end], "（一）工业发展稳中求进");
                assert!(l[body_start..].starts_with("面对"));
            }
            other => panic!("{other:?}"),
        }
        let l = "1、全镇共实施超千万元项目19个，计划总投资12亿元，其中新建项目12个，续建项目3个，已竣工项目5个，带动就业800人。";
        assert_eq!(
            shape(l),
            LineShape::Numbered {
                style: Style::Arabic
            }
        );
        assert_eq!(
            shape("一、2018年工作回顾。"),
            LineShape::Heading {
                style: Style::Chinese,
                text_end: "一、2018年工作回顾".len()
            }
        );
    }

    #[test]
    fn plain_and_part_headings() {
        assert!(matches!(
            shape("2019年工作回顾"),
            LineShape::Heading {
                style: Style::Part,
                ..
            }
        ));
        assert!(matches!(
            shape("2X1XX年工作计划"),
            LineShape::Heading {
                style: Style::Part,
                ..
            }
        ));
        assert!(matches!(
            shape("先说工业战线上的情况"),
            LineShape::Heading {
                style: Style::Plain,
                ..
            }
        ));
        for p in [
            "各位代表：",
            "同志们！",
            "——脱贫成效持续巩固。",
            "会议还研究了其他事项。",
            "我们要坚定信心，真抓实干，开拓进取。",
        ] {
            assert_eq!(shape(p), LineShape::Paragraph, "{p}");
        }
    }

    #[test]
    fn outline_levels_follow_order_of_appearance() {
        let mut o = Outline::default();
        assert_eq!(o.open(Style::Chinese, 0), (1, None));
        assert_eq!(o.open(Style::Shi, 1), (2, Some(0)));
        assert_eq!(o.open(Style::ParenChinese, 2), (3, Some(1)));
        assert_eq!(o.open(Style::Arabic, 3), (4, Some(2)));
        assert_eq!(o.open(Style::ParenChinese, 4), (3, Some(1)));
        assert_eq!(o.open(Style::Chinese, 5), (1, None));
        o.close(Style::Part);
        assert_eq!(o.path().count(), 0);
        assert_eq!(o.open(Style::Part, 6), (1, None));
        assert_eq!(o.open(Style::ParenChinese, 7), (2, Some(6)));
        assert_eq!(o.open(Style::Part, 8), (1, None));
    }
}
