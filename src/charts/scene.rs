//! A chart as a list of shapes in pixel coordinates, built once and drawn on any plotters
//! backend (SVG into a string, PNG into a buffer). Keeping layout apart from drawing makes both
//! outputs identical in layout and lets tests look at the shapes directly.

use super::font::Metrics;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// plotters' ab_glyph text size is 1.24 × the CSS font size it writes into SVG.
pub(crate) const PLOTTERS_SIZE: f64 = 1.24;

/// A colour with opacity (0–1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgba(pub u8, pub u8, pub u8, pub f64);

impl Rgba {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba(r, g, b, 1.0)
    }
    pub fn from_tuple((r, g, b): (u8, u8, u8)) -> Rgba {
        Rgba(r, g, b, 1.0)
    }
    pub fn with_alpha(self, a: f64) -> Rgba {
        Rgba(self.0, self.1, self.2, a)
    }
    /// This colour mixed with white: `t` = 0 gives white, 1 the colour itself.
    pub fn tint(self, t: f64) -> Rgba {
        let t = t.clamp(0.0, 1.0);
        let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * t).round() as u8;
        Rgba(mix(self.0), mix(self.1), mix(self.2), 1.0)
    }
    /// Relative luminance (0 black – 1 white), for choosing a readable text colour.
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }
    /// Black or white, whichever reads better on this colour.
    pub fn text_on(self) -> Rgba {
        if self.luminance() > 0.4 {
            TEXT
        } else {
            Rgba::rgb(255, 255, 255)
        }
    }
    fn plotters(self) -> RGBAColor {
        RGBAColor(self.0, self.1, self.2, self.3)
    }
}

pub(crate) const TEXT: Rgba = Rgba::rgb(34, 34, 34);
pub(crate) const MUTED: Rgba = Rgba::rgb(102, 102, 102);
pub(crate) const GRID: Rgba = Rgba::rgb(221, 221, 221);
pub(crate) const AXIS: Rgba = Rgba::rgb(136, 136, 136);
/// Colour of paragraphs whose theme is unknown.
pub(crate) const UNKNOWN: Rgba = Rgba::rgb(190, 190, 190);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HAlign {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Rect {
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        fill: Rgba,
    },
    /// Text vertically centred on `y`.
    Text {
        x: i32,
        y: i32,
        text: String,
        px: f64,
        colour: Rgba,
        align: HAlign,
    },
    Line {
        points: Vec<(i32, i32)>,
        colour: Rgba,
        width: u32,
    },
    Polygon {
        points: Vec<(i32, i32)>,
        fill: Rgba,
    },
    Circle {
        x: i32,
        y: i32,
        r: u32,
        fill: Rgba,
    },
}

/// A whole chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    pub width: u32,
    pub height: u32,
    pub shapes: Vec<Shape>,
}

impl Scene {
    pub fn new(width: u32, height: u32) -> Scene {
        Scene {
            width,
            height,
            shapes: Vec::new(),
        }
    }
    pub fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, fill: Rgba) {
        if x1 > x0 && y1 > y0 {
            self.shapes.push(Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                fill,
            });
        }
    }
    pub fn text(&mut self, x: i32, y: i32, text: &str, px: f64, colour: Rgba, align: HAlign) {
        if !text.is_empty() {
            self.shapes.push(Shape::Text {
                x,
                y,
                text: text.to_string(),
                px,
                colour,
                align,
            });
        }
    }
    pub fn line(&mut self, points: Vec<(i32, i32)>, colour: Rgba, width: u32) {
        if points.len() >= 2 {
            self.shapes.push(Shape::Line {
                points,
                colour,
                width,
            });
        }
    }
    pub fn polygon(&mut self, points: Vec<(i32, i32)>, fill: Rgba) {
        if points.len() >= 3 {
            self.shapes.push(Shape::Polygon { points, fill });
        }
    }
    pub fn circle(&mut self, x: i32, y: i32, r: u32, fill: Rgba) {
        self.shapes.push(Shape::Circle { x, y, r, fill });
    }
    /// The texts of the scene, in drawing order.
    pub fn texts(&self) -> Vec<&str> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// How texts are handed to the backend.
#[derive(Clone, Copy)]
pub(crate) enum TextMode<'a> {
    /// Whole strings with their anchor (SVG: the viewer lays the text out).
    Whole,
    /// One glyph at a time at offsets measured with the font (bitmap: plotters' own glyph
    /// placement ignores side bearings); characters the font cannot draw become `?`.
    Glyphs(&'a Metrics),
}

/// Draw the scene on a plotters drawing area.
pub(crate) fn render<DB: DrawingBackend>(
    scene: &Scene,
    root: &DrawingArea<DB, Shift>,
    family: &'static str,
    mode: TextMode<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    for shape in &scene.shapes {
        match shape {
            Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                fill,
            } => root.draw(&Rectangle::new(
                [(*x0, *y0), (*x1, *y1)],
                fill.plotters().filled(),
            ))?,
            Shape::Text {
                x,
                y,
                text,
                px,
                colour,
                align,
            } => {
                let colour = colour.plotters();
                let font =
                    TextStyle::from((FontFamily::Name(family), px * PLOTTERS_SIZE).into_font())
                        .color(&colour);
                match mode {
                    TextMode::Whole => {
                        let h = match align {
                            HAlign::Left => HPos::Left,
                            HAlign::Center => HPos::Center,
                            HAlign::Right => HPos::Right,
                        };
                        let style = font.pos(Pos::new(h, VPos::Center));
                        root.draw(&Text::new(text.as_str(), (*x, *y), style))?
                    }
                    TextMode::Glyphs(m) => {
                        let text: String = text
                            .chars()
                            .map(|c| {
                                if c.is_whitespace() {
                                    ' '
                                } else if m.draws(c) {
                                    c
                                } else {
                                    '?'
                                }
                            })
                            .collect();
                        let w = m.width(&text, *px);
                        let start = f64::from(*x)
                            - match align {
                                HAlign::Left => 0.0,
                                HAlign::Center => w / 2.0,
                                HAlign::Right => w,
                            };
                        let style = font.pos(Pos::new(HPos::Left, VPos::Center));
                        let mut buf = [0u8; 4];
                        for (c, dx) in m.ink_offsets(&text, *px) {
                            let gx = (start + dx).round() as i32;
                            let s: &str = c.encode_utf8(&mut buf);
                            root.draw(&Text::new(s, (gx, *y), style.clone()))?;
                        }
                    }
                }
            }
            Shape::Line {
                points,
                colour,
                width,
            } => root.draw(&PathElement::new(
                points.clone(),
                colour.plotters().stroke_width(*width),
            ))?,
            Shape::Polygon { points, fill } => {
                root.draw(&Polygon::new(points.clone(), fill.plotters().filled()))?
            }
            Shape::Circle { x, y, r, fill } => {
                root.draw(&Circle::new((*x, *y), *r, fill.plotters().filled()))?
            }
        }
    }
    root.present()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        let c = Rgba::rgb(0, 100, 200);
        assert_eq!(c.tint(0.0), Rgba::rgb(255, 255, 255));
        assert_eq!(c.tint(1.0), c);
        assert_eq!(Rgba::rgb(255, 255, 255).text_on(), TEXT);
        assert_eq!(Rgba::rgb(0, 0, 80).text_on(), Rgba::rgb(255, 255, 255));
    }

    #[test]
    fn empty_shapes_are_dropped() {
        let mut s = Scene::new(10, 10);
        s.rect(5, 5, 5, 9, TEXT);
        s.text(0, 0, "", 12.0, TEXT, HAlign::Left);
        s.line(vec![(0, 0)], TEXT, 1);
        assert!(s.shapes.is_empty());
    }
}
