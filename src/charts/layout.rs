//! The four charts as scenes: sizes, positions and colours, computed from the input and the font
//! metrics. Each function returns the scene, or a sentence saying why the chart is not drawn.

use super::font::Metrics;
use super::scene::{HAlign, Rgba, Scene, AXIS, GRID, MUTED, TEXT, UNKNOWN};
use super::ChartInput;

pub(super) const MARGIN: i32 = 24;
pub(super) const TITLE_PX: f64 = 20.0;
pub(super) const SUBTITLE_PX: f64 = 14.0;
pub(super) const LABEL_PX: f64 = 13.0;
pub(super) const SMALL_PX: f64 = 11.0;
/// The widest a report name may be before it is shortened with "…".
const NAME_MAX_W: f64 = 300.0;
const SWATCH: i32 = 14;
const LEGEND_ROW: i32 = 22;
/// Lists longer than this repeat the legend (or column heads) below the chart.
const REPEAT_AFTER: usize = 40;

/// Row height and bar height for a list of `n` reports: smaller rows for long lists, never so
/// small that a 13 px label stops being readable.
fn rows(n: usize) -> (i32, i32) {
    if n <= 40 {
        (26, 18)
    } else if n <= 100 {
        (22, 15)
    } else {
        (20, 14)
    }
}

/// Clean text for a label: control characters become spaces, runs of spaces one space.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.trim_end().to_string()
}

/// `text` shortened with "…" so that it is at most `max_w` wide.
fn fit(m: &Metrics, text: &str, px: f64, max_w: f64) -> String {
    if m.width(text, px) <= max_w {
        return text.to_string();
    }
    let ell = if m.draws('…') { "…" } else { "..." };
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let s: String = chars[..n].iter().collect::<String>() + ell;
        if m.width(&s, px) <= max_w {
            return s;
        }
    }
    ell.to_string()
}

/// A share as a number in 0–1 (NaN and out-of-range values are clamped).
fn unit(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn share(shares: &[f64], t: usize) -> f64 {
    shares.get(t).copied().map(unit).unwrap_or(0.0)
}

fn pct(v: f64, decimals: usize) -> String {
    format!("{:.*}%", decimals, v * 100.0)
}

/// What every chart shares: cleaned names, theme colours, the title block and the legend.
struct Common {
    title: String,
    subtitle: String,
    names: Vec<String>,
    name_w: i32,
    themes: Vec<(String, Rgba)>,
}

impl Common {
    fn new(input: &ChartInput, m: &Metrics, names: &[String], chart: &str) -> Common {
        let title = clean(&input.title);
        let (title, subtitle) = if title.is_empty() {
            (chart.to_string(), String::new())
        } else {
            (title, chart.to_string())
        };
        let names: Vec<String> = names
            .iter()
            .map(|n| {
                let n = clean(n);
                let n = if n.is_empty() {
                    "（未命名）".into()
                } else {
                    n
                };
                fit(m, &n, LABEL_PX, NAME_MAX_W)
            })
            .collect();
        let name_w = names
            .iter()
            .map(|n| m.width(n, LABEL_PX).ceil() as i32)
            .max()
            .unwrap_or(0);
        let themes = input
            .themes
            .iter()
            .map(|t| {
                let name = clean(&t.name);
                let name = if name.is_empty() { clean(&t.id) } else { name };
                (name, Rgba::from_tuple(t.colour))
            })
            .collect();
        Common {
            title,
            subtitle,
            names,
            name_w,
            themes,
        }
    }

    fn colour(&self, t: usize) -> Rgba {
        self.themes.get(t).map(|t| t.1).unwrap_or(UNKNOWN)
    }

    /// Draw the title block at the top; returns the y below it.
    fn header(&self, s: &mut Scene, m: &Metrics, note: &str) -> i32 {
        let w = s.width as i32;
        let max = f64::from(w - 2 * MARGIN);
        let y = MARGIN + 10;
        s.text(
            MARGIN,
            y,
            &fit(m, &self.title, TITLE_PX, max),
            TITLE_PX,
            TEXT,
            HAlign::Left,
        );
        let mut sub = self.subtitle.clone();
        if !note.is_empty() {
            if sub.is_empty() {
                sub = note.to_string();
            } else {
                sub = format!("{sub}；{note}");
            }
        }
        if !sub.is_empty() {
            s.text(
                MARGIN,
                y + 26,
                &fit(m, &sub, SUBTITLE_PX, max),
                SUBTITLE_PX,
                MUTED,
                HAlign::Left,
            );
        }
        MARGIN + self.header_height_with(note)
    }

    /// Height of the title block (one line, or two with a subtitle or note).
    fn header_height_with(&self, note: &str) -> i32 {
        if self.subtitle.is_empty() && note.is_empty() {
            34
        } else {
            58
        }
    }

    /// Legend entries placed in rows no wider than `avail`: (x offset, row) of each entry.
    fn legend_layout(entries: &[(String, Rgba)], m: &Metrics, avail: i32) -> Vec<(i32, i32)> {
        let mut out = Vec::with_capacity(entries.len());
        let (mut x, mut row) = (0, 0);
        for (label, _) in entries {
            let w = SWATCH + 6 + m.width(label, LABEL_PX).ceil() as i32 + 18;
            if x > 0 && x + w > avail {
                x = 0;
                row += 1;
            }
            out.push((x, row));
            x += w;
        }
        out
    }

    fn legend_h(entries: &[(String, Rgba)], m: &Metrics, avail: i32) -> i32 {
        if entries.is_empty() {
            return 0;
        }
        let rows = Self::legend_layout(entries, m, avail)
            .last()
            .map(|l| l.1 + 1)
            .unwrap_or(0);
        rows * LEGEND_ROW + 6
    }

    /// Draw the legend starting at `y`; returns the y below it.
    fn legend(s: &mut Scene, m: &Metrics, entries: &[(String, Rgba)], y: i32) -> i32 {
        let avail = s.width as i32 - 2 * MARGIN;
        let layout = Self::legend_layout(entries, m, avail);
        for ((label, colour), (x, row)) in entries.iter().zip(&layout) {
            let cy = y + row * LEGEND_ROW + LEGEND_ROW / 2;
            let x = MARGIN + x;
            s.rect(x, cy - SWATCH / 2, x + SWATCH, cy + SWATCH / 2, *colour);
            s.text(x + SWATCH + 6, cy, label, LABEL_PX, TEXT, HAlign::Left);
        }
        y + Self::legend_h(entries, m, avail)
    }

    fn legend_entries(&self, with_unknown: bool) -> Vec<(String, Rgba)> {
        let mut e = self.themes.clone();
        if with_unknown {
            e.push(("未知主题".into(), UNKNOWN));
        }
        e
    }
}

/// Horizontal percent ticks (0–100 % every 20 %) along `y`, for a plot from x0 to x1.
fn percent_ticks(s: &mut Scene, x0: i32, x1: i32, y: i32) {
    for k in 0..=5 {
        let x = x0 + ((x1 - x0) as f64 * k as f64 / 5.0).round() as i32;
        s.text(
            x,
            y,
            &format!("{}%", k * 20),
            SMALL_PX,
            MUTED,
            HAlign::Center,
        );
    }
}

fn report_names(input: &ChartInput) -> Vec<String> {
    input.reports.iter().map(|r| r.name.clone()).collect()
}

/// Stacked horizontal bars: one per report, segments in theme order.
pub(crate) fn stacked(input: &ChartInput, m: &Metrics) -> Result<Scene, String> {
    if input.reports.is_empty() {
        return Err("no reports to draw".into());
    }
    if input.themes.is_empty() {
        return Err("no themes to draw".into());
    }
    let c = Common::new(
        input,
        m,
        &report_names(input),
        &format!("各主题占比（{}）", clean(&input.measure)),
    );
    let n = input.reports.len();
    let (row_h, bar_h) = rows(n);
    const PLOT_W: i32 = 760;
    let plot_x0 = MARGIN + c.name_w + 12;
    let plot_x1 = plot_x0 + PLOT_W;
    let width = plot_x1 + 20 + MARGIN;
    let entries = c.legend_entries(false);
    let legend_h = Common::legend_h(&entries, m, width - 2 * MARGIN);
    let top = MARGIN + c.header_height_with("") + 4 + legend_h + 8;
    let bars_top = top + 20;
    let bars_bottom = bars_top + row_h * n as i32;
    let repeat = n > REPEAT_AFTER;
    let height = bars_bottom + 52 + if repeat { legend_h + 4 } else { 0 } + MARGIN;

    let mut s = Scene::new(width as u32, height as u32);
    let y = c.header(&mut s, m, "") + 4;
    Common::legend(&mut s, m, &entries, y);
    percent_ticks(&mut s, plot_x0, plot_x1, top + 8);
    for (i, r) in input.reports.iter().enumerate() {
        let cy = bars_top + row_h * i as i32 + row_h / 2;
        let (y0, y1) = (cy - bar_h / 2, cy + bar_h / 2);
        s.text(plot_x0 - 8, cy, &c.names[i], LABEL_PX, TEXT, HAlign::Right);
        let shares: Vec<f64> = (0..c.themes.len()).map(|t| share(&r.shares, t)).collect();
        let total: f64 = shares.iter().sum();
        if total <= 0.0 {
            s.rect(plot_x0, y0, plot_x1, y1, GRID);
            s.text(plot_x0 + 6, cy, "无数据", SMALL_PX, MUTED, HAlign::Left);
            continue;
        }
        let mut cum = 0.0;
        for (t, v) in shares.iter().enumerate() {
            let a = plot_x0 + (cum / total * PLOT_W as f64).round() as i32;
            cum += v;
            let b = plot_x0 + (cum / total * PLOT_W as f64).round() as i32;
            let colour = c.colour(t);
            s.rect(a, y0, b, y1, colour);
            let label = pct(v / total, 0);
            if f64::from(b - a) >= m.width(&label, SMALL_PX) + 6.0 {
                s.text(
                    (a + b) / 2,
                    cy,
                    &label,
                    SMALL_PX,
                    colour.text_on(),
                    HAlign::Center,
                );
            }
        }
    }
    // Axis lines at 0 and 100 %, ticks below, axis title.
    s.rect(plot_x0 - 1, bars_top - 2, plot_x0, bars_bottom + 2, AXIS);
    percent_ticks(&mut s, plot_x0, plot_x1, bars_bottom + 12);
    s.text(
        (plot_x0 + plot_x1) / 2,
        bars_bottom + 36,
        &format!("占比（{}）", clean(&input.measure)),
        LABEL_PX,
        TEXT,
        HAlign::Center,
    );
    if repeat {
        Common::legend(&mut s, m, &entries, bars_bottom + 52);
    }
    Ok(s)
}

/// Each theme's share across years as lines with a 95 % band.
pub(crate) fn lines(input: &ChartInput, m: &Metrics) -> Result<Scene, String> {
    if input.themes.is_empty() {
        return Err("no themes to draw".into());
    }
    // Reports with a year, by (year, display order).
    let mut dated: Vec<(i32, usize)> = input
        .reports
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.year.map(|y| (y, i)))
        .collect();
    dated.sort();
    if dated.len() < 2 {
        return Err(format!(
            "fewer than 2 reports have a year ({} of {}), so there is no change over years to draw",
            dated.len(),
            input.reports.len()
        ));
    }
    let undated = input.reports.len() - dated.len();
    let note = if undated > 0 {
        format!("{undated}份报告没有年份，未画出")
    } else {
        String::new()
    };
    let c = Common::new(
        input,
        m,
        &[],
        &format!(
            "各主题占比随年份的变化（{}，阴影为95%区间）",
            clean(&input.measure)
        ),
    );
    const PLOT_W: i32 = 820;
    const PLOT_H: i32 = 420;
    let plot_x0 = MARGIN + (m.width("100%", SMALL_PX).ceil() as i32) + 12;
    let plot_x1 = plot_x0 + PLOT_W;
    let width = plot_x1 + 24 + MARGIN;
    let entries = c.legend_entries(false);
    let legend_h = Common::legend_h(&entries, m, width - 2 * MARGIN);
    let top = MARGIN + c.header_height_with(&note) + 4 + legend_h + 6;
    let plot_y0 = top + 30;
    let plot_y1 = plot_y0 + PLOT_H;
    let height = plot_y1 + 56 + MARGIN;

    let mut s = Scene::new(width as u32, height as u32);
    let y = c.header(&mut s, m, &note) + 4;
    Common::legend(&mut s, m, &entries, y);
    s.text(
        MARGIN,
        top + 10,
        &format!("占比（{}）", clean(&input.measure)),
        LABEL_PX,
        TEXT,
        HAlign::Left,
    );
    let ymap = |v: f64| plot_y1 - (unit(v) * PLOT_H as f64).round() as i32;
    for k in 0..=10 {
        let y = ymap(k as f64 / 10.0);
        s.line(vec![(plot_x0, y), (plot_x1, y)], GRID, 1);
        s.text(
            plot_x0 - 6,
            y,
            &format!("{}%", k * 10),
            SMALL_PX,
            MUTED,
            HAlign::Right,
        );
    }

    // One slot per year from the first to the last; reports sharing a year spread in the slot.
    let first = dated[0].0;
    let last = dated[dated.len() - 1].0;
    let slots = (i64::from(last) - i64::from(first) + 1) as f64;
    let slot_w = PLOT_W as f64 / slots;
    let slot_x = |year: i32| plot_x0 as f64 + (f64::from(year - first) + 0.5) * slot_w;
    let mut xs = Vec::with_capacity(dated.len());
    let mut i = 0;
    while i < dated.len() {
        let year = dated[i].0;
        let same = dated[i..].iter().take_while(|d| d.0 == year).count();
        for j in 0..same {
            let dx = if same > 1 {
                (j as f64 / (same - 1) as f64 - 0.5) * slot_w * 0.5
            } else {
                0.0
            };
            xs.push((slot_x(year) + dx).round() as i32);
        }
        i += same;
    }
    // Year labels, thinned out when there are many.
    let step = ((slots * 44.0 / PLOT_W as f64).ceil() as i32).max(1);
    let mut year = first;
    while year <= last {
        let x = slot_x(year).round() as i32;
        s.line(vec![(x, plot_y1), (x, plot_y1 + 4)], AXIS, 1);
        s.text(
            x,
            plot_y1 + 16,
            &year.to_string(),
            SMALL_PX,
            MUTED,
            HAlign::Center,
        );
        year = year.saturating_add(step);
    }
    s.line(vec![(plot_x0, plot_y0), (plot_x0, plot_y1)], AXIS, 1);
    s.line(vec![(plot_x0, plot_y1), (plot_x1, plot_y1)], AXIS, 1);
    s.text(
        (plot_x0 + plot_x1) / 2,
        plot_y1 + 40,
        "年份",
        LABEL_PX,
        TEXT,
        HAlign::Center,
    );

    let value = |t: usize, r: usize| share(&input.reports[r].shares, t);
    // Bands first, then lines, then points, so no band hides a line.
    for t in 0..c.themes.len() {
        let mut band: Vec<(i32, i32)> = dated
            .iter()
            .zip(&xs)
            .map(|(&(_, r), &x)| {
                let v = value(t, r);
                let hi = input.reports[r].high.get(t).copied().map(unit).unwrap_or(v);
                (x, ymap(hi.max(v)))
            })
            .collect();
        let lower: Vec<(i32, i32)> = dated
            .iter()
            .zip(&xs)
            .rev()
            .map(|(&(_, r), &x)| {
                let v = value(t, r);
                let lo = input.reports[r].low.get(t).copied().map(unit).unwrap_or(v);
                (x, ymap(lo.min(v)))
            })
            .collect();
        band.extend(lower);
        s.polygon(band, c.colour(t).with_alpha(0.15));
    }
    for t in 0..c.themes.len() {
        let pts: Vec<(i32, i32)> = dated
            .iter()
            .zip(&xs)
            .map(|(&(_, r), &x)| (x, ymap(value(t, r))))
            .collect();
        s.line(pts, c.colour(t), 2);
    }
    // Points, smaller when years are crowded, left out when they would merge into the line.
    let radius = if slot_w >= 14.0 {
        3
    } else if slot_w >= 7.0 {
        2
    } else {
        0
    };
    for t in 0..c.themes.len() {
        for (&(_, r), &x) in dated.iter().zip(&xs) {
            if radius > 0 {
                s.circle(x, ymap(value(t, r)), radius, c.colour(t));
            }
        }
    }
    Ok(s)
}

/// Reports × themes, cells tinted by share, the share printed in each cell.
pub(crate) fn heatmap(input: &ChartInput, m: &Metrics) -> Result<Scene, String> {
    if input.reports.is_empty() {
        return Err("no reports to draw".into());
    }
    if input.themes.is_empty() {
        return Err("no themes to draw".into());
    }
    let c = Common::new(
        input,
        m,
        &report_names(input),
        &format!("主题占比热力图（{}）", clean(&input.measure)),
    );
    let k = c.themes.len();
    let n = input.reports.len();
    let (row_h, _) = rows(n);
    let max_share = input
        .reports
        .iter()
        .flat_map(|r| (0..k).map(move |t| share(&r.shares, t)))
        .fold(0.0, f64::max);
    let note = format!("颜色越深占比越高（最深为{}）", pct(max_share, 1));
    let col_w = c
        .themes
        .iter()
        .map(|(name, _)| m.width(name, LABEL_PX).ceil() as i32 + 14)
        .chain([m.width("100.0%", LABEL_PX).ceil() as i32 + 14, 64])
        .max()
        .unwrap_or(64);
    let grid_x0 = MARGIN + c.name_w + 12;
    let width = grid_x0 + col_w * k as i32 + MARGIN;
    let head_y = MARGIN + c.header_height_with(&note) + 8;
    let grid_y0 = head_y + 30;
    let grid_y1 = grid_y0 + row_h * n as i32;
    let repeat = n > REPEAT_AFTER;
    let height = grid_y1 + if repeat { 34 } else { 0 } + MARGIN;

    let mut s = Scene::new(width as u32, height as u32);
    c.header(&mut s, m, &note);
    let column_heads = |s: &mut Scene, y: i32, bar_y: i32| {
        for (t, (name, colour)) in c.themes.iter().enumerate() {
            let x0 = grid_x0 + col_w * t as i32;
            s.text(x0 + col_w / 2, y, name, LABEL_PX, TEXT, HAlign::Center);
            s.rect(x0 + 2, bar_y, x0 + col_w - 2, bar_y + 6, *colour);
        }
    };
    column_heads(&mut s, head_y + 8, head_y + 20);
    if repeat {
        column_heads(&mut s, grid_y1 + 22, grid_y1 + 4);
    }
    for (i, r) in input.reports.iter().enumerate() {
        let y0 = grid_y0 + row_h * i as i32;
        let cy = y0 + row_h / 2;
        s.text(grid_x0 - 8, cy, &c.names[i], LABEL_PX, TEXT, HAlign::Right);
        for t in 0..k {
            let v = share(&r.shares, t);
            let x0 = grid_x0 + col_w * t as i32;
            let fill = if max_share > 0.0 {
                c.colour(t).tint(v / max_share)
            } else {
                Rgba::rgb(255, 255, 255)
            };
            s.rect(x0 + 1, y0 + 1, x0 + col_w - 1, y0 + row_h - 1, fill);
            s.text(
                x0 + col_w / 2,
                cy,
                &pct(v, 1),
                SMALL_PX,
                fill.text_on(),
                HAlign::Center,
            );
        }
    }
    Ok(s)
}

/// One strip per report: its paragraphs in order, widths proportional to characters.
pub(crate) fn strips(input: &ChartInput, m: &Metrics) -> Result<Scene, String> {
    if input.strips.is_empty() {
        return Err("no paragraphs to draw".into());
    }
    let names: Vec<String> = input.strips.iter().map(|s| s.name.clone()).collect();
    let c = Common::new(input, m, &names, "各报告段落的主题顺序");
    let note = "每行一份报告，段落按原文顺序从左到右，宽度与字数成正比";
    let n = input.strips.len();
    let (row_h, bar_h) = rows(n);
    let totals: Vec<usize> = input
        .strips
        .iter()
        .map(|s| {
            s.paragraphs
                .iter()
                .map(|p| p.1)
                .fold(0usize, usize::saturating_add)
        })
        .collect();
    let total_labels: Vec<String> = totals.iter().map(|t| format!("{t}字")).collect();
    let total_w = total_labels
        .iter()
        .map(|l| m.width(l, SMALL_PX).ceil() as i32)
        .max()
        .unwrap_or(0);
    const STRIP_W: i32 = 900;
    let x0 = MARGIN + c.name_w + 12;
    let x1 = x0 + STRIP_W;
    let width = x1 + 10 + total_w + MARGIN;
    let unknown = input
        .strips
        .iter()
        .any(|s| s.paragraphs.iter().any(|p| p.0 >= c.themes.len()));
    let entries = c.legend_entries(unknown);
    let legend_h = Common::legend_h(&entries, m, width - 2 * MARGIN);
    let top = MARGIN + c.header_height_with(note) + 4 + legend_h + 8;
    let repeat = n > REPEAT_AFTER;
    let rows_bottom = top + row_h * n as i32;
    let height = rows_bottom + if repeat { 8 + legend_h } else { 0 } + MARGIN;

    let mut s = Scene::new(width as u32, height as u32);
    let y = c.header(&mut s, m, note) + 4;
    Common::legend(&mut s, m, &entries, y);
    for (i, strip) in input.strips.iter().enumerate() {
        let cy = top + row_h * i as i32 + row_h / 2;
        let (y0, y1) = (cy - bar_h / 2, cy + bar_h / 2);
        s.text(x0 - 8, cy, &c.names[i], LABEL_PX, TEXT, HAlign::Right);
        let total = totals[i];
        if total == 0 {
            s.rect(x0, y0, x1, y1, GRID);
            s.text(x0 + 6, cy, "无段落", SMALL_PX, MUTED, HAlign::Left);
            continue;
        }
        s.text(x1 + 10, cy, &total_labels[i], SMALL_PX, MUTED, HAlign::Left);
        // Consecutive paragraphs of one theme are one run.
        let mut cum = 0usize;
        let mut p = 0;
        let paras = &strip.paragraphs;
        while p < paras.len() {
            let theme = paras[p].0;
            let start = cum;
            while p < paras.len() && paras[p].0 == theme {
                cum = cum.saturating_add(paras[p].1);
                p += 1;
            }
            let xa = x0 + (start as f64 / total as f64 * STRIP_W as f64).round() as i32;
            let xb = x0 + (cum as f64 / total as f64 * STRIP_W as f64).round() as i32;
            s.rect(xa, y0, xb, y1, c.colour(theme));
        }
    }
    if repeat {
        Common::legend(&mut s, m, &entries, rows_bottom + 8);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_control_characters() {
        assert_eq!(clean("  a\n\tb\u{0}c  "), "a b c");
        assert_eq!(clean("报告\r\n2020"), "报告 2020");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn units_and_percent() {
        assert_eq!(unit(f64::NAN), 0.0);
        assert_eq!(unit(2.0), 1.0);
        assert_eq!(unit(-1.0), 0.0);
        assert_eq!(pct(0.2345, 1), "23.4%");
        assert_eq!(share(&[0.5], 3), 0.0);
    }

    #[test]
    fn row_sizes_shrink_for_long_lists() {
        assert!(rows(140).0 < rows(10).0);
        assert!(rows(140).0 >= 20);
    }
}
