//! The front matter of a report (title, dateline, speaker, wire-service line, photo caption) and
//! the metadata read from it and from the file name: place, date, year.

use crate::normalize::{for_matching, is_cjk};
use regex::Regex;
use std::sync::LazyLock;

/// What a line before the body of the report is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontLine {
    /// Part of the title (`政府工作报告`, `决胜全面建成小康社会`).
    Title,
    /// A date and/or occasion (`——2019年3月5日在某届人大某次会议上`).
    Dateline {
        date: Option<Date>,
        place: Option<String>,
    },
    /// Who delivers it (`国务院总理　李克强`, `岚溪县人民政府县长王某某`).
    Speaker { name: String, place: Option<String> },
    /// A news-agency line (`新华社北京3月16日电`) or a photo caption: dropped.
    Press,
}

/// A calendar date as written in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d\d|[〇零一二三四五六七八九]{4})年([01]?\d|[一二三四五六七八九十]{1,2})月([0-3]?\d|[一二三四五六七八九十]{1,3})日").unwrap()
});
static CONGRESS_PLACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"在(.{2,12}?)第.{1,5}届(人民代表大会|代表大会|委员会)").unwrap());
static SPEAKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{0,16}?)(人民政府|政府)?(代理)?(总理|副总理|省长|代省长|市长|代市长|县长|代县长|区长|代区长|镇长|乡长|州长|旗长|主席|书记|主任)([\p{Han}·]{2,4})$").unwrap()
});
static PLACE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{2,10}?(?:省|自治区|市|自治州|州|盟|县|区|旗|镇|乡))").unwrap()
});
static TITLE_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{2,10}?(?:省|自治区|市|自治州|州|盟|县|区|旗|镇|乡))(?:人民)?政府工作报告")
        .unwrap()
});
static FILE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])((?:19[4-9]|20[0-9])\d)(?:[^0-9]|$)").unwrap());
static REVIEW_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+、)?((?:19|20)\d\d)年.{0,6}(?:工作)?回顾").unwrap()
});
static PLAN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+、)?((?:19|20)\d\d)年.{0,6}(?:工作安排|工作计划|工作打算|重点工作|工作任务|主要任务|目标任务|总体要求)").unwrap()
});

/// Does the body of the report start at this (normalised) line? Salutations, numbered or part
/// headings and long lines begin the body; anything before them is front matter.
pub fn starts_body(norm: &str, is_heading: bool) -> bool {
    let n = norm.chars().count();
    is_heading || n > 60 || (n > 25 && norm.ends_with('。')) || is_salutation(norm)
}

/// Where a salutation starts inside a front line that runs a speaker into it
/// (`国务院总理李鹏各位代表：`): the byte offset in the original `line`, and the speaker's name.
pub fn speaker_then_salutation(line: &str) -> Option<(usize, String)> {
    let at = line.find("各位代表").filter(|&i| i > 0)?;
    match classify(&for_matching(&line[..at])) {
        FrontLine::Speaker { name, .. } => Some((at, name)),
        _ => None,
    }
}

/// Does the (normalised) line address the audience (`各位代表：`, `同志们！`)?
pub fn is_salutation(norm: &str) -> bool {
    ["各位代表", "各位委员", "同志们", "女士们", "代表们"]
        .iter()
        .any(|s| norm.starts_with(s))
}

/// Classify a normalised front-matter line.
pub fn classify(norm: &str) -> FrontLine {
    let t = norm.trim_matches(|c: char| matches!(c, '—' | '―' | '-' | '(' | ')' | ' '));
    if t.starts_with("新华社")
        || t.starts_with("本报")
        || (t.ends_with('摄') || t.ends_with("摄。")) && t.chars().count() <= 60
    {
        return FrontLine::Press;
    }
    let date = DATE.captures(t).and_then(|c| {
        Some(Date {
            year: number(&c[1])?,
            month: number(&c[2])? as u32,
            day: number(&c[3])? as u32,
        })
    });
    let place = if t.contains("全国人民代表大会") || t.contains("全国代表大会") {
        Some("全国".to_string())
    } else {
        CONGRESS_PLACE.captures(t).map(|c| c[1].to_string())
    };
    let occasion = t.ends_with('上') && (t.contains("会议") || t.contains("大会"));
    if date.is_some()
        || (t.starts_with('在') && place.is_some())
        || norm.starts_with("——在")
        || occasion
    {
        return FrontLine::Dateline { date, place };
    }
    if let Some(c) = SPEAKER.captures(t) {
        let org = c.get(1).map_or("", |m| m.as_str());
        let place = if org.starts_with("国务院") {
            Some("全国".to_string())
        } else {
            PLACE_SUFFIX.captures(org).map(|p| p[1].to_string())
        };
        return FrontLine::Speaker {
            name: c[5].to_string(),
            place,
        };
    }
    let cjk = t.chars().filter(|&c| is_cjk(c)).count();
    if (2..=4).contains(&cjk) && t.chars().all(|c| is_cjk(c) || c == '·') {
        // A bare name under the title, e.g. `习　近　平`; a title this short names no place.
        if !t.contains("报告") && !t.contains("工作") {
            return FrontLine::Speaker {
                name: t.to_string(),
                place: None,
            };
        }
    }
    FrontLine::Title
}

/// The place named in a title such as `XX县人民政府工作报告`.
pub fn place_from_title(title: &str) -> Option<String> {
    TITLE_PLACE
        .captures(&for_matching(title))
        .map(|c| c[1].to_string())
}

/// The place named in a file name such as `county_清苑区_2021.txt`: its Chinese part.
pub fn place_from_file_name(stem: &str) -> Option<String> {
    stem.split(|c: char| !is_cjk(c))
        .filter(|s| s.chars().count() >= 2)
        .max_by_key(|s| s.chars().count())
        .filter(|s| !s.contains("报告") && !s.contains("工作"))
        .map(str::to_string)
}

/// A year in a file name (`statecouncil_2016.txt`, `清苑区2021政府工作报告.docx`).
pub fn year_from_file_name(stem: &str) -> Option<i32> {
    FILE_YEAR.captures(stem).and_then(|c| c[1].parse().ok())
}

/// A year read from a heading: `2019年工作回顾` means a report given in 2020; `2020年工作安排`
/// means a report given in 2020.
pub fn year_from_heading(norm_heading: &str) -> Option<i32> {
    if let Some(c) = REVIEW_YEAR.captures(norm_heading) {
        return c[1].parse::<i32>().ok().map(|y| y + 1);
    }
    PLAN_YEAR
        .captures(norm_heading)
        .and_then(|c| c[1].parse().ok())
}

/// `2019`, `二〇一九`, `十二`, `三十一` as numbers.
fn number(s: &str) -> Option<i32> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c);
    let digit = |c: char| if c == '零' { Some(0) } else { digit(c) };
    if s.chars().count() == 4 && !s.contains('十') {
        return s
            .chars()
            .try_fold(0i32, |acc, c| Some(acc * 10 + digit(c)? as i32));
    }
    match s.chars().collect::<Vec<_>>().as_slice() {
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)? as i32),
        [t, '十'] => Some(digit(*t)? as i32 * 10),
        [t, '十', u] => Some(digit(*t)? as i32 * 10 + digit(*u)? as i32),
        [u] => digit(*u).map(|d| d as i32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> FrontLine {
        classify(&for_matching(s))
    }

    #[test]
    fn datelines_speakers_press() {
        assert_eq!(
            c("——2019年3月5日在全国人民代表大会某次会议上"),
            FrontLine::Dateline {
                date: Some(Date {
                    year: 2019,
                    month: 3,
                    day: 5
                }),
                place: Some("全国".into())
            }
        );
        assert_eq!(
            c("2010年2月4日在岚溪县第九届人民代表大会第三次会议上"),
            FrontLine::Dateline {
                date: Some(Date {
                    year: 2010,
                    month: 2,
                    day: 4
                }),
                place: Some("岚溪县".into())
            }
        );
        assert_eq!(
            c("（二〇一七年十月十八日）"),
            FrontLine::Dateline {
                date: Some(Date {
                    year: 2017,
                    month: 10,
                    day: 18
                }),
                place: None
            }
        );
        assert_eq!(
            c("国务院总理　李克强"),
            FrontLine::Speaker {
                name: "李克强".into(),
                place: Some("全国".into())
            }
        );
        assert_eq!(
            c("河北省人民政府省长 王正谱"),
            FrontLine::Speaker {
                name: "王正谱".into(),
                place: Some("河北省".into())
            }
        );
        assert_eq!(
            c("习　近　平"),
            FrontLine::Speaker {
                name: "习近平".into(),
                place: None
            }
        );
        assert_eq!(
            c("人民代表大会第二次会议上"),
            FrontLine::Dateline {
                date: None,
                place: None
            }
        );
        assert_eq!(
            speaker_then_salutation("国务院总理李鹏各位代表："),
            Some(("国务院总理李鹏".len(), "李鹏".to_string()))
        );
        assert_eq!(speaker_then_salutation("各位代表："), None);
        assert_eq!(c("新华社北京3月16日电"), FrontLine::Press);
        assert_eq!(c("省长作政府工作报告。本报记者张某摄"), FrontLine::Press);
        assert_eq!(c("政府工作报告"), FrontLine::Title);
    }

    #[test]
    fn years_and_places() {
        assert_eq!(year_from_file_name("statecouncil_2016"), Some(2016));
        assert_eq!(year_from_file_name("county_清苑区_2021"), Some(2021));
        assert_eq!(year_from_file_name("seed-2"), None);
        assert_eq!(year_from_file_name("report12345"), None);
        assert_eq!(year_from_heading("2019年工作回顾"), Some(2020));
        assert_eq!(year_from_heading("一、2018年工作回顾"), Some(2019));
        assert_eq!(year_from_heading("2020年工作安排"), Some(2020));
        assert_eq!(year_from_heading("□年工作计划"), None);
        assert_eq!(
            place_from_file_name("county_清苑区_2021").as_deref(),
            Some("清苑区")
        );
        assert_eq!(
            place_from_title("临川县人民政府工作报告").as_deref(),
            Some("临川县")
        );
        assert_eq!(place_from_title("政府工作报告"), None);
        assert_eq!(number("二〇二〇"), Some(2020));
        assert_eq!(number("二十一"), Some(21));
    }
}
