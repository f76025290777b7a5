//! `index.html`: one self-contained page (charts inlined, no scripts, no network) with the
//! summary, the charts, the share and shift tables, and every report's paragraphs coloured by
//! theme with their confidence, so a reader can check any number against the text. Every piece of
//! report text is escaped.

use super::{Estimate, Measure, Shift, Summary};
use crate::classifying::Classified;
use crate::themes::{colours, display_name};
use std::io::Write;

/// What the page shows.
pub struct Page<'a> {
    pub title: &'a str,
    pub labels: &'a [String],
    pub measure: Measure,
    pub summaries: &'a [Summary],
    /// The paragraphs of the report of `summaries[i]`, as [`paragraphs`] renders them.
    pub paragraphs: &'a dyn Fn(usize) -> std::io::Result<String>,
    pub shifts: &'a [Shift],
    /// (caption, SVG markup) of each chart drawn.
    pub charts: &'a [(String, String)],
    /// Notes for the reader (e.g. charts that could not be drawn and why).
    pub notes: &'a [String],
    /// One line about the model used.
    pub model: &'a str,
}

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline have no business in a page.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Write the page, fetching each report's paragraphs as it comes to them.
pub fn write(p: &Page, out: &mut dyn Write) -> std::io::Result<()> {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n",
    );
    h.push_str(&format!("<title>{}</title>\n", esc(p.title)));
    h.push_str("<style>\n");
    h.push_str(CSS);
    for (i, c) in colours(p.labels).into_iter().enumerate() {
        h.push_str(&format!(
            ".t{i}{{border-left-color:{c}}} .b{i}{{background:{c}}}\n",
            c = hex(c)
        ));
    }
    h.push_str("</style>\n</head>\n<body>\n");
    h.push_str(&format!("<h1>{}</h1>\n", esc(p.title)));

    // Summary.
    let estimate = p
        .summaries
        .first()
        .map(|s| s.estimate)
        .unwrap_or(Estimate::ClassifyAndCount);
    let paragraphs: usize = p.summaries.iter().map(|s| s.paragraphs).sum();
    h.push_str("<section id=\"summary\">\n<h2>概要 Summary</h2>\n<ul>\n");
    h.push_str(&format!(
        "<li>{} 份报告，{} 个段落。Shares are {} ({}).</li>\n",
        p.summaries.len(),
        paragraphs,
        match p.measure {
            Measure::Chars => "by characters",
            Measure::Paragraphs => "by paragraphs",
        },
        p.measure.chinese()
    ));
    h.push_str(&format!(
        "<li>Estimate shown: <b>{}</b>. {}</li>\n",
        match estimate {
            Estimate::ClassifyAndCount => "classify-and-count",
            Estimate::Adjusted => "adjusted classify-and-count",
        },
        match estimate {
            Estimate::ClassifyAndCount => "Each share is the share of paragraphs (or characters) the model gave that theme; intervals are 95% bootstrap intervals over paragraphs.",
            Estimate::Adjusted => "Shares are corrected for the model's cross-validated confusion between themes; intervals are 95% bootstrap intervals over paragraphs.",
        }
    ));
    h.push_str(&format!("<li>Model: {}</li>\n", esc(p.model)));
    for n in p.notes {
        h.push_str(&format!("<li class=\"note\">{}</li>\n", esc(n)));
    }
    h.push_str("</ul>\n<p class=\"legend\">");
    for (i, l) in p.labels.iter().enumerate() {
        h.push_str(&format!(
            "<span class=\"chip b{i}\"></span>{} ",
            esc(display_name(l))
        ));
    }
    h.push_str("</p>\n</section>\n");

    // Charts.
    if !p.charts.is_empty() {
        h.push_str("<section id=\"charts\">\n<h2>图表 Charts</h2>\n");
        for (caption, svg) in p.charts {
            h.push_str(&format!(
                "<figure>{}<figcaption>{}</figcaption></figure>\n",
                strip_xml_declaration(svg),
                esc(caption)
            ));
        }
        h.push_str("</section>\n");
    }

    // Shares.
    h.push_str("<section id=\"shares\">\n<h2>主题占比 Theme shares</h2>\n<table>\n<tr><th>报告</th><th>年份</th>");
    for l in p.labels {
        h.push_str(&format!("<th>{}</th>", esc(display_name(l))));
    }
    h.push_str("<th>多样性</th></tr>\n");
    for s in p.summaries {
        h.push_str(&format!(
            "<tr><td><a href=\"#r-{}\">{}</a></td><td>{}</td>",
            anchor(&s.name),
            esc(&s.name),
            s.year.map(|y| y.to_string()).unwrap_or_default()
        ));
        for sh in &s.shares {
            h.push_str(&format!(
                "<td title=\"95%: {}–{}\">{}</td>",
                pct(sh.low),
                pct(sh.high),
                pct(sh.share)
            ));
        }
        h.push_str(&format!("<td>{:.2}</td></tr>\n", s.diversity));
    }
    h.push_str("</table>\n</section>\n");

    // Shifts.
    if !p.shifts.is_empty() {
        h.push_str("<section id=\"shifts\">\n<h2>变化 Shifts</h2>\n<p>▲/▼ marks a change larger than the two reports' 95% intervals allow (the intervals do not overlap).</p>\n<table>\n<tr><th>从</th><th>到</th><th>主题</th><th>前</th><th>后</th><th>变化</th><th>上升的词</th><th>下降的词</th></tr>\n");
        for s in p.shifts {
            let mark = if !s.notable {
                ""
            } else if s.change > 0.0 {
                " ▲"
            } else {
                " ▼"
            };
            let terms = |v: &[(String, f64)]| {
                esc(&v
                    .iter()
                    .map(|(t, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .join("、"))
            };
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:+.1}{mark}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&s.from),
                esc(&s.to),
                esc(display_name(&s.label)),
                pct(s.before),
                pct(s.after),
                s.change * 100.0,
                terms(&s.rising),
                terms(&s.falling)
            ));
        }
        h.push_str("</table>\n</section>\n");
    }

    // Paragraphs.
    h.push_str("<section id=\"paragraphs\">\n<h2>段落 Paragraphs</h2>\n");
    out.write_all(h.as_bytes())?;
    for (i, r) in p.summaries.iter().enumerate() {
        out.write_all(
            format!(
                "<details id=\"r-{}\"><summary>{}{} — {} 段</summary>\n",
                anchor(&r.name),
                esc(&r.name),
                r.year.map(|y| format!("（{y}）")).unwrap_or_default(),
                r.paragraphs
            )
            .as_bytes(),
        )?;
        out.write_all((p.paragraphs)(i)?.as_bytes())?;
        out.write_all(b"</details>\n")?;
    }
    out.write_all(
        format!(
            "</section>\n<footer>baogao {} · 报告主题分析</footer>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        )
        .as_bytes(),
    )
}

/// One report's paragraphs for the page, coloured by theme (`labels`: the model's).
pub fn paragraphs(labels: &[String], paragraphs: &[Classified]) -> String {
    let mut h = String::new();
    for para in paragraphs {
        let idx = labels
            .iter()
            .position(|l| *l == para.label)
            .unwrap_or(para.predicted);
        h.push_str(&format!(
            "<div class=\"p t{idx}\"><div class=\"m\">¶{} · {} · {:.2}{}</div>{}</div>\n",
            para.index,
            esc(display_name(&para.label)),
            para.confidence,
            if para.heading_path.is_empty() {
                String::new()
            } else {
                format!(" · {}", esc(&para.heading_path.join(" › ")))
            },
            esc(&para.text)
        ));
    }
    h
}

/// An id-safe anchor for a report name.
fn anchor(name: &str) -> String {
    name.bytes().map(|b| format!("{b:02x}")).collect()
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(svg, |(_, r)| r.trim_start()),
        None => svg,
    }
}

const CSS: &str = "body{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{color:#555;font-size:13px}
.p{border-left:6px solid #999;padding:4px 10px;margin:6px 0;background:#fafafa;white-space:pre-wrap}.m{color:#666;font-size:12px}
.chip{display:inline-block;width:12px;height:12px;margin:0 4px 0 10px;vertical-align:middle}.note{color:#a00}
details{margin:8px 0}summary{cursor:pointer;font-weight:bold}footer{color:#888;font-size:12px;margin-top:3em}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\"\u{7}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\u{FFFD}"
        );
        assert_eq!(
            strip_xml_declaration("<?xml version=\"1.0\"?>\n<svg/>"),
            "<svg/>"
        );
    }
}
