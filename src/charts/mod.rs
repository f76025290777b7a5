//! Charts of theme shares: stacked bars, lines over years, a heatmap and paragraph strips, as SVG
//! and (when a CJK font is available) PNG.
//!
//! Text is drawn with a font found by [`Fonts::find`] and registered with plotters (built without
//! font-kit; see `font.rs`). Without a CJK font, PNG charts would show Chinese as boxes, so only
//! the SVG charts are written (a browser draws their Chinese text); without any font, nothing is
//! drawn. Each chart is laid out once as a list of shapes (`scene.rs`, `layout.rs`) and then
//! drawn on the SVG and the PNG backend; files are written atomically.

mod curve;
mod font;
mod layout;
mod scene;

pub use font::{FontSource, Fonts};

use crate::error::{Error, Result};
use plotters::prelude::*;
use scene::{render, Scene, TextMode};
use std::path::{Path, PathBuf};

/// A theme as shown in the charts.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeInfo {
    pub id: String,
    /// Display name, e.g. 卫生与环境.
    pub name: String,
    /// The theme's colour, the same in every chart.
    pub colour: (u8, u8, u8),
}

/// One report's theme shares.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportShares {
    pub name: String,
    pub year: Option<i32>,
    /// One share per theme (in the order of [`ChartInput::themes`]), summing to 1.
    pub shares: Vec<f64>,
    /// Lower end of the 95 % interval per theme.
    pub low: Vec<f64>,
    /// Upper end of the 95 % interval per theme.
    pub high: Vec<f64>,
}

/// One report's paragraphs in order, for the strips chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Strip {
    pub name: String,
    /// (theme index, characters) per paragraph, in reading order.
    pub paragraphs: Vec<(usize, usize)>,
}

/// Everything the charts show.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartInput {
    pub title: String,
    pub themes: Vec<ThemeInfo>,
    /// Reports in display order.
    pub reports: Vec<ReportShares>,
    pub strips: Vec<Strip>,
    /// How shares are measured, e.g. "按字数" or "按段落数"; shown in titles and axes.
    pub measure: String,
}

/// What [`draw_all`] wrote and what it left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Written {
    pub files: Vec<PathBuf>,
    /// What was not drawn and why, one sentence each.
    pub skipped: Vec<String>,
}

/// The charts, by file stem, in the order they are drawn.
pub const CHARTS: [&str; 4] = ["shares_stacked", "shares_lines", "heatmap", "strips"];

/// A PNG larger than this many pixels is not drawn (the SVG still is).
const MAX_PNG_PIXELS: u64 = 80_000_000;

/// Draw the four charts into `dir` (created if missing) as SVG, and also PNG when a CJK font is
/// available:
///
/// - `shares_stacked`: stacked bars of theme shares, one bar per report;
/// - `shares_lines`: each theme's share across years with its 95 % interval as a band (skipped
///   when fewer than 2 reports have a year);
/// - `heatmap`: reports × themes, cells tinted by share, the share printed in each cell;
/// - `strips`: one strip per report, its paragraphs in order, widths proportional to characters.
///
/// Files are written to a temporary file in `dir` and renamed over any existing file. Charts
/// not drawn (and PNGs not drawn) are listed in [`Written::skipped`] with the reason.
pub fn draw_all(input: &ChartInput, fonts: &Fonts, dir: &Path) -> Result<Written> {
    let mut written = Written::default();
    let Some(loaded) = fonts.loaded() else {
        written.skipped.push(format!(
            "all charts ({}): {}",
            CHARTS.join(", "),
            fonts
                .warning()
                .unwrap_or_else(|| "no font available".into())
        ));
        return Ok(written);
    };
    if dir.is_file() {
        return Err(Error::file(
            dir,
            "is a file, not a folder; give a folder to write the charts into",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "creating the chart folder", e))?;
    let m = font::Metrics::new(loaded);
    let scenes = [
        layout::stacked(input, &m),
        layout::lines(input, &m),
        layout::heatmap(input, &m),
        layout::strips(input, &m),
    ];
    // Characters of PNG labels the font cannot draw (shown as `?`), in order of appearance.
    let mut undrawable: Vec<char> = Vec::new();
    for (name, scene) in CHARTS.iter().zip(scenes) {
        let scene = match scene {
            Ok(s) => s,
            Err(reason) => {
                written.skipped.push(format!("{name}: {reason}"));
                continue;
            }
        };
        let svg_path = dir.join(format!("{name}.svg"));
        let svg = svg_string(&scene, loaded.family).map_err(|e| drawing_failed(&svg_path, e))?;
        crate::model::write_atomic(&svg_path, svg.as_bytes())?;
        written.files.push(svg_path);
        if !fonts.has_cjk() {
            continue;
        }
        let png_path = dir.join(format!("{name}.png"));
        if u64::from(scene.width) * u64::from(scene.height) > MAX_PNG_PIXELS {
            written.skipped.push(format!(
                "{name}.png: the chart is too large for a PNG ({} × {} pixels); see {name}.svg",
                scene.width, scene.height
            ));
            continue;
        }
        for c in scene.texts().into_iter().flat_map(str::chars) {
            if !c.is_whitespace() && !m.draws(c) && !undrawable.contains(&c) {
                undrawable.push(c);
            }
        }
        let png = png_bytes(&scene, &m, loaded.family).map_err(|e| drawing_failed(&png_path, e))?;
        crate::model::write_atomic(&png_path, &png)?;
        written.files.push(png_path);
    }
    if !undrawable.is_empty() {
        let shown: String = undrawable.iter().take(10).collect();
        written.skipped.push(format!(
            "PNG charts: {} character(s) the font {} has no glyph for ({shown}{}) are drawn as `?`; \
             the SVG charts have them",
            undrawable.len(),
            fonts.path().map(|p| p.display().to_string()).unwrap_or_default(),
            if undrawable.len() > 10 { "…" } else { "" }
        ));
    }
    if !fonts.has_cjk() {
        written.skipped.push(format!(
            "PNG charts: {}",
            fonts
                .warning()
                .unwrap_or_else(|| "no Chinese font available".into())
        ));
    }
    Ok(written)
}

/// The kind of image a chart file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    Svg,
    Png,
}

/// The format a chart file's name asks for (`.svg` or `.png`); any other name is a usage error,
/// so a command can check it before long work.
pub fn chart_format(path: &Path) -> Result<ChartFormat> {
    match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("svg") => Ok(ChartFormat::Svg),
        Some("png") => Ok(ChartFormat::Png),
        _ => Err(Error::Usage(format!(
            "--chart {}: give a file name ending in .svg or .png",
            path.display()
        ))),
    }
}

/// Draw the learning curve (see [`crate::model::curve`]) into `path`: SVG for `.svg`, PNG for
/// `.png` (which needs a CJK font). Written atomically. Returns the notes of what was not drawn.
pub fn draw_curve(
    points: &[crate::model::curve::CurvePoint],
    subtitle: &str,
    fonts: &Fonts,
    path: &Path,
) -> Result<Vec<String>> {
    let format = chart_format(path)?;
    let Some(loaded) = fonts.loaded() else {
        return Ok(vec![format!(
            "{}: not drawn: {}",
            path.display(),
            fonts
                .warning()
                .unwrap_or_else(|| "no font available".into())
        )]);
    };
    let m = font::Metrics::new(loaded);
    let scene = curve::curve(points, subtitle, &m).map_err(|e| drawing_failed(path, e))?;
    if format == ChartFormat::Svg {
        let svg = svg_string(&scene, loaded.family).map_err(|e| drawing_failed(path, e))?;
        crate::model::write_atomic(path, svg.as_bytes())?;
        return Ok(Vec::new());
    }
    if !fonts.has_cjk() {
        return Ok(vec![format!(
            "{}: not drawn: {}; an .svg chart shows the Chinese text in a browser",
            path.display(),
            fonts
                .warning()
                .unwrap_or_else(|| "no Chinese font available".into())
        )]);
    }
    let png = png_bytes(&scene, &m, loaded.family).map_err(|e| drawing_failed(path, e))?;
    crate::model::write_atomic(path, &png)?;
    Ok(Vec::new())
}

fn drawing_failed(path: &Path, e: String) -> Error {
    Error::file(path, format!("drawing the chart failed: {e}"))
}

/// The scene as an SVG document.
fn svg_string(scene: &Scene, family: &'static str) -> std::result::Result<String, String> {
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (scene.width, scene.height)).into_drawing_area();
        render(scene, &root, family, TextMode::Whole).map_err(|e| e.to_string())?;
    }
    Ok(tidy_font_sizes(&out))
}

/// plotters writes `font-size="13.000000000000002"` (it divides by 1.24); round to 0.01.
/// Text content cannot match: plotters escapes `"` in it.
fn tidy_font_sizes(svg: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r#"font-size="([0-9]+\.[0-9]+)""#).expect("a valid regex")
    });
    re.replace_all(svg, |c: &regex::Captures<'_>| {
        let v: f64 = c[1].parse().unwrap_or(0.0);
        let s = format!("{v:.2}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("font-size=\"{s}\"")
    })
    .into_owned()
}

/// The scene as a PNG image (RGB, 8 bits). Characters the font cannot draw become `?` rather
/// than boxes.
fn png_bytes(
    scene: &Scene,
    m: &font::Metrics,
    family: &'static str,
) -> std::result::Result<Vec<u8>, String> {
    let (w, h) = (scene.width, scene.height);
    let buf = bitmap(scene, m, family)?;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&buf).map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The scene drawn into an RGB buffer (3 bytes per pixel, rows top to bottom).
fn bitmap(
    scene: &Scene,
    m: &font::Metrics,
    family: &'static str,
) -> std::result::Result<Vec<u8>, String> {
    let (w, h) = (scene.width, scene.height);
    let len = (w as usize)
        .checked_mul(h as usize)
        .and_then(|n| n.checked_mul(3))
        .ok_or("the image is too large")?;
    let mut buf = vec![0u8; len];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        render(scene, &root, family, TextMode::Glyphs(m)).map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wqy() -> Option<Fonts> {
        let p = Path::new("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
        if p.exists() {
            Fonts::find(Some(p)).ok()
        } else {
            eprintln!("note: wqy-microhei not installed; test skipped");
            None
        }
    }

    fn input(n: usize) -> ChartInput {
        let themes: Vec<ThemeInfo> = [
            ("econ", "经济发展", (31, 119, 180)),
            ("env", "卫生与环境", (44, 160, 44)),
            ("soc", "民生保障", (255, 127, 14)),
        ]
        .iter()
        .map(|(id, name, c)| ThemeInfo {
            id: id.to_string(),
            name: name.to_string(),
            colour: *c,
        })
        .collect();
        let reports = (0..n)
            .map(|i| ReportShares {
                name: format!("某县政府工作报告{}", 2000 + i),
                year: Some(2000 + i as i32),
                shares: vec![0.5, 0.3, 0.2],
                low: vec![0.4, 0.2, 0.1],
                high: vec![0.6, 0.4, 0.3],
            })
            .collect();
        let strips = (0..n)
            .map(|i| Strip {
                name: format!("某县政府工作报告{}", 2000 + i),
                paragraphs: vec![(0, 100), (0, 50), (1, 80), (2, 40), (7, 10)],
            })
            .collect();
        ChartInput {
            title: "测试".into(),
            themes,
            reports,
            strips,
            measure: "按字数".into(),
        }
    }

    #[test]
    fn scenes_hold_every_report_and_grow_with_them() {
        let Some(f) = wqy() else { return };
        let m = font::Metrics::new(f.loaded().unwrap());
        let small = layout::heatmap(&input(3), &m).unwrap();
        let big = layout::heatmap(&input(140), &m).unwrap();
        assert!(big.height > small.height * 10);
        let texts = big.texts();
        assert!(texts.contains(&"某县政府工作报告2139"));
        assert_eq!(texts.iter().filter(|t| **t == "50.0%").count(), 140);
        // Strips: runs of one theme are merged (5 paragraphs, 4 runs), the unknown theme is
        // in the legend.
        let s = layout::strips(&input(1), &m).unwrap();
        let rects = s
            .shapes
            .iter()
            .filter(|s| matches!(s, scene::Shape::Rect { y0, .. } if *y0 > 100))
            .count();
        assert_eq!(rects, 4);
        assert!(s.texts().contains(&"未知主题"));
        assert!(s.texts().contains(&"280字"));
    }

    /// Dark pixels of an RGB buffer `w` wide inside the box [x0, x1) × [y0, y1).
    fn dark(buf: &[u8], w: u32, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> usize {
        let mut n = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                let i = ((y * w + x) * 3) as usize;
                if buf[i..i + 3].iter().map(|&c| u32::from(c)).sum::<u32>() < 3 * 128 {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn chinese_title_is_drawn_with_glyphs() {
        let Some(f) = wqy() else { return };
        let loaded = f.loaded().unwrap();
        let m = font::Metrics::new(loaded);
        let mut inp = input(2);
        inp.title = "中文标题报告".into();
        let with_title = layout::stacked(&inp, &m).unwrap();
        // The same chart with the title left out (the first text of the scene).
        let mut without = with_title.clone();
        let first_text = without
            .shapes
            .iter()
            .position(|s| matches!(s, scene::Shape::Text { .. }))
            .unwrap();
        match &without.shapes[first_text] {
            scene::Shape::Text { text, .. } => assert_eq!(text, "中文标题报告"),
            _ => unreachable!(),
        }
        without.shapes.remove(first_text);
        let w = with_title.width;
        let region = (20, 20, 220, 50);
        let a = dark(&bitmap(&with_title, &m, loaded.family).unwrap(), w, region);
        let b = dark(&bitmap(&without, &m, loaded.family).unwrap(), w, region);
        assert_eq!(b, 0, "nothing else is drawn in the title region");
        assert!(a > 300, "only {a} dark pixels where the Chinese title is");

        // Distinct characters give distinct pixels (boxes or � would all look the same).
        let one = |t: &str| {
            let mut s = Scene::new(120, 40);
            s.text(10, 20, t, 20.0, scene::TEXT, scene::HAlign::Left);
            bitmap(&s, &m, loaded.family).unwrap()
        };
        assert_ne!(one("中"), one("报"));
        assert!(
            dark(&one("Aa1"), 120, (0, 0, 120, 40)) > 30,
            "Latin is drawn"
        );
    }

    #[test]
    fn bitmap_glyphs_keep_their_side_bearings() {
        let Some(f) = wqy() else { return };
        let loaded = f.loaded().unwrap();
        let m = font::Metrics::new(loaded);
        let mut s = Scene::new(200, 40);
        s.text(10, 20, "2015", 11.0, scene::TEXT, scene::HAlign::Left);
        let buf = bitmap(&s, &m, loaded.family).unwrap();
        let inked: Vec<bool> = (0..200)
            .map(|x| dark(&buf, 200, (x, 0, x + 1, 40)) > 0)
            .collect();
        // Blank column runs between the glyphs' inks, as drawn.
        let first = inked.iter().position(|&b| b).unwrap();
        let last = inked.iter().rposition(|&b| b).unwrap();
        let mut gaps = Vec::new();
        let mut gap = 0;
        for &b in &inked[first..=last] {
            if b {
                if gap > 0 {
                    gaps.push(gap as f32);
                }
                gap = 0;
            } else {
                gap += 1;
            }
        }
        // The same gaps as the font lays the glyphs out.
        use ab_glyph::{Font, ScaleFont};
        let font = loaded.font.as_scaled((11.0 * scene::PLOTTERS_SIZE) as f32);
        let mut pen = 0f32;
        let mut prev_right: Option<f32> = None;
        let mut expected = Vec::new();
        for c in "2015".chars() {
            let id = font.glyph_id(c);
            let b = font
                .outline_glyph(id.with_scale(font.scale()))
                .unwrap()
                .px_bounds();
            if let Some(r) = prev_right {
                expected.push(pen + b.min.x - r);
            }
            prev_right = Some(pen + b.max.x);
            pen += font.h_advance(id);
        }
        // plotters alone draws "201 5" (gaps [1, 5] here): each glyph at the left edge of its
        // ink, ignoring its side bearing.
        assert_eq!(gaps.len(), expected.len(), "{gaps:?} vs {expected:?}");
        for (g, e) in gaps.iter().zip(&expected) {
            assert!(
                (g - e).abs() <= 2.0,
                "gaps {gaps:?}, the font's {expected:?}"
            );
        }
    }

    #[test]
    fn font_sizes_are_tidied() {
        assert_eq!(
            tidy_font_sizes(r#"<text font-size="13.000000000000002">font-size="1.5"</text>"#),
            r#"<text font-size="13">font-size="1.5"</text>"#
        );
        assert_eq!(
            tidy_font_sizes(r#"font-size="12.5" font-size="20""#),
            r#"font-size="12.5" font-size="20""#
        );
    }

    #[test]
    fn png_is_deterministic_and_decodes() {
        let Some(f) = wqy() else { return };
        let m = font::Metrics::new(f.loaded().unwrap());
        let scene = layout::stacked(&input(2), &m).unwrap();
        let a = png_bytes(&scene, &m, f.loaded().unwrap().family).unwrap();
        let b = png_bytes(&scene, &m, f.loaded().unwrap().family).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
    }
}
