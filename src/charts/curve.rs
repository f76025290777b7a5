//! The learning-curve chart: macro-F1 (with the spread over folds as a band) and accuracy
//! against the number of labeled paragraphs.

use super::font::Metrics;
use super::layout::{LABEL_PX, MARGIN, SMALL_PX, SUBTITLE_PX, TITLE_PX};
use super::scene::{HAlign, Rgba, Scene, AXIS, GRID, MUTED, TEXT};
use crate::model::curve::CurvePoint;

const PLOT_W: i32 = 720;
const PLOT_H: i32 = 380;
const F1: Rgba = Rgba::rgb(0x26, 0x70, 0xb8);
const ACCURACY: Rgba = Rgba::rgb(0x9e, 0x9e, 0x9e);

/// A tick step of about `span / 6`: 1, 2 or 5 times a power of ten.
fn nice_step(span: f64) -> f64 {
    let raw = (span / 6.0).max(1e-9);
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * p)
}

/// The curve as a scene; `subtitle` says what was measured (data, folds, algorithm).
pub(crate) fn curve(points: &[CurvePoint], subtitle: &str, m: &Metrics) -> Result<Scene, String> {
    if points.is_empty() {
        return Err("no points to draw".into());
    }
    let plot_x0 = MARGIN + (m.width("100%", SMALL_PX).ceil() as i32) + 14;
    let plot_x1 = plot_x0 + PLOT_W;
    let width = plot_x1 + 30 + MARGIN;
    let plot_y0 = MARGIN + 58 + 40;
    let plot_y1 = plot_y0 + PLOT_H;
    let height = plot_y1 + 56 + MARGIN;
    let mut s = Scene::new(width as u32, height as u32);
    s.text(
        MARGIN,
        MARGIN + 10,
        "学习曲线：标注越多，宏平均F1如何变化",
        TITLE_PX,
        TEXT,
        HAlign::Left,
    );
    s.text(
        MARGIN,
        MARGIN + 36,
        subtitle,
        SUBTITLE_PX,
        MUTED,
        HAlign::Left,
    );
    // Legend.
    let ly = MARGIN + 66;
    let mut lx = MARGIN;
    for (name, colour) in [
        ("宏平均F1（阴影：各折最低至最高）", F1),
        ("准确率", ACCURACY),
    ] {
        s.rect(lx, ly - 6, lx + 14, ly + 6, colour);
        s.text(lx + 20, ly, name, LABEL_PX, TEXT, HAlign::Left);
        lx += 20 + m.width(name, LABEL_PX).ceil() as i32 + 24;
    }

    // y from a round value below the lowest figure to 100 %.
    let lowest = points
        .iter()
        .flat_map(|p| [p.fold_min, p.macro_f1, p.accuracy])
        .filter(|v| v.is_finite())
        .fold(1.0f64, f64::min);
    let y_lo = ((lowest.clamp(0.0, 1.0) * 10.0).floor() / 10.0).min(0.9);
    let ymap = |v: f64| {
        let t = ((v - y_lo) / (1.0 - y_lo)).clamp(0.0, 1.0);
        plot_y1 - (t * PLOT_H as f64).round() as i32
    };
    let mut k = 0;
    loop {
        let v = y_lo + k as f64 * 0.05;
        if v > 1.0 + 1e-9 {
            break;
        }
        let y = ymap(v);
        s.line(vec![(plot_x0, y), (plot_x1, y)], GRID, 1);
        s.text(
            plot_x0 - 6,
            y,
            &format!("{:.0}%", v * 100.0),
            SMALL_PX,
            MUTED,
            HAlign::Right,
        );
        k += 1;
    }
    let x_max = points
        .iter()
        .map(|p| p.paragraphs)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let xmap = |n: usize| plot_x0 + ((n as f64 / x_max) * PLOT_W as f64).round() as i32;
    let step = nice_step(x_max);
    let mut t = 0.0;
    while t <= x_max + 1e-9 {
        let x = plot_x0 + ((t / x_max) * PLOT_W as f64).round() as i32;
        s.line(vec![(x, plot_y1), (x, plot_y1 + 4)], AXIS, 1);
        s.text(
            x,
            plot_y1 + 16,
            &format!("{t:.0}"),
            SMALL_PX,
            MUTED,
            HAlign::Center,
        );
        t += step;
    }
    s.line(vec![(plot_x0, plot_y0), (plot_x0, plot_y1)], AXIS, 1);
    s.line(vec![(plot_x0, plot_y1), (plot_x1, plot_y1)], AXIS, 1);
    s.text(
        (plot_x0 + plot_x1) / 2,
        plot_y1 + 40,
        "每折用于训练的已标注段落数",
        LABEL_PX,
        TEXT,
        HAlign::Center,
    );

    let mut band: Vec<(i32, i32)> = points
        .iter()
        .map(|p| (xmap(p.paragraphs), ymap(p.fold_max)))
        .collect();
    band.extend(
        points
            .iter()
            .rev()
            .map(|p| (xmap(p.paragraphs), ymap(p.fold_min))),
    );
    s.polygon(band, F1.with_alpha(0.15));
    s.line(
        points
            .iter()
            .map(|p| (xmap(p.paragraphs), ymap(p.accuracy)))
            .collect(),
        ACCURACY,
        2,
    );
    s.line(
        points
            .iter()
            .map(|p| (xmap(p.paragraphs), ymap(p.macro_f1)))
            .collect(),
        F1,
        2,
    );
    for p in points {
        let (x, y) = (xmap(p.paragraphs), ymap(p.macro_f1));
        s.circle(x, y, 3, F1);
        s.text(
            x,
            y - 12,
            &format!("{:.2}", p.macro_f1),
            SMALL_PX,
            TEXT,
            HAlign::Center,
        );
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_steps() {
        assert_eq!(nice_step(60.0), 10.0);
        assert_eq!(nice_step(4800.0), 1000.0);
        assert_eq!(nice_step(7.0), 2.0);
    }
}
