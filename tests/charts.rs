//! The charts through the library: which files are written with a CJK font, a Latin-only font
//! and no font; glyphs really drawn; SVG escaping; determinism; long report lists.
//!
//! Set BAOGAO_CHARTS_DEMO=FOLDER to also write sample charts there for a look.

use baogao::charts::{
    draw_all, ChartInput, FontSource, Fonts, ReportShares, Strip, ThemeInfo, Written,
};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Tests that read or set BAOGAO_FONT / BAOGAO_FONT_DIRS take this lock (the environment is
/// shared by all test threads).
static ENV: Mutex<()> = Mutex::new(());

fn env_lock() -> MutexGuard<'static, ()> {
    ENV.lock().unwrap_or_else(|e| e.into_inner())
}

/// The system's fonts, as the command line would find them.
fn system_fonts() -> Fonts {
    let _g = env_lock();
    std::env::remove_var("BAOGAO_FONT_DIRS");
    Fonts::find(None).expect("searching system fonts never fails")
}

/// Fonts found in the given folders only.
fn fonts_in(dir: &Path) -> Fonts {
    let _g = env_lock();
    let saved = std::env::var_os("BAOGAO_FONT");
    std::env::remove_var("BAOGAO_FONT");
    std::env::set_var("BAOGAO_FONT_DIRS", dir);
    let f = Fonts::find(None);
    std::env::remove_var("BAOGAO_FONT_DIRS");
    if let Some(v) = saved {
        std::env::set_var("BAOGAO_FONT", v);
    }
    f.expect("searching folders never fails")
}

const THEMES: [(&str, &str, (u8, u8, u8)); 6] = [
    ("economy", "经济发展", (31, 119, 180)),
    ("reform", "改革开放", (255, 127, 14)),
    ("urban", "城乡建设", (44, 160, 44)),
    ("environment", "卫生与环境", (214, 39, 40)),
    ("welfare", "民生保障", (148, 103, 189)),
    ("government", "政府建设", (140, 86, 75)),
];

fn themes() -> Vec<ThemeInfo> {
    THEMES
        .iter()
        .map(|(id, name, colour)| ThemeInfo {
            id: id.to_string(),
            name: name.to_string(),
            colour: *colour,
        })
        .collect()
}

/// Shares that vary smoothly with `i`, summing to 1, with a ±band.
fn shares(i: usize) -> ReportShares {
    let raw: Vec<f64> = (0..6)
        .map(|t| 1.0 + ((i * 7 + t * 13) % 10) as f64 * 0.4 + if t == 0 { 2.0 } else { 0.0 })
        .collect();
    let sum: f64 = raw.iter().sum();
    let shares: Vec<f64> = raw.iter().map(|v| v / sum).collect();
    ReportShares {
        name: format!("清苑区政府工作报告{}", 2015 + i),
        year: Some(2015 + i as i32),
        low: shares.iter().map(|s| (s - 0.03).max(0.0)).collect(),
        high: shares.iter().map(|s| (s + 0.03).min(1.0)).collect(),
        shares,
    }
}

fn strip(i: usize, name: &str) -> Strip {
    let paragraphs = (0..40)
        .map(|p| (((p / 4) + i) % 6, 40 + (p * 37 + i * 11) % 300))
        .collect();
    Strip {
        name: name.to_string(),
        paragraphs,
    }
}

fn input(n: usize) -> ChartInput {
    let reports: Vec<ReportShares> = (0..n).map(shares).collect();
    let strips = reports
        .iter()
        .enumerate()
        .map(|(i, r)| strip(i, &r.name))
        .collect();
    ChartInput {
        title: "清苑区政府工作报告主题变化".into(),
        themes: themes(),
        reports,
        strips,
        measure: "按字数".into(),
    }
}

fn names(w: &Written) -> Vec<String> {
    let mut v: Vec<String> = w
        .files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Parse an SVG document fully (well-formed XML, matching end tags); returns its texts.
fn svg_texts(svg: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut texts = Vec::new();
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                let t = t.unescape().expect("text unescapes");
                let t = t.trim();
                if !t.is_empty() {
                    texts.push(t.to_string());
                }
            }
            Ok(_) => {}
            Err(e) => panic!("SVG is not well-formed XML: {e}"),
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    texts
}

#[test]
fn four_charts_as_svg_and_png_with_a_cjk_font() {
    let fonts = system_fonts();
    let dir = tempfile::tempdir().unwrap();
    let w = draw_all(&input(4), &fonts, dir.path()).unwrap();
    let svgs = [
        "heatmap.svg",
        "shares_lines.svg",
        "shares_stacked.svg",
        "strips.svg",
    ];
    for s in svgs {
        assert!(dir.path().join(s).is_file(), "{s} missing: {w:?}");
        let svg = std::fs::read_to_string(dir.path().join(s)).unwrap();
        let texts = svg_texts(&svg);
        assert!(texts.iter().any(|t| t.contains("清苑区")), "{s}: {texts:?}");
    }
    if !matches!(fonts.source(), FontSource::Cjk { .. }) {
        eprintln!(
            "note: no CJK font on this machine ({:?}); PNG assertions skipped",
            fonts.source()
        );
        return;
    }
    assert!(fonts.warning().is_none());
    let mut all: Vec<String> = svgs.iter().map(|s| s.to_string()).collect();
    all.extend(svgs.iter().map(|s| s.replace(".svg", ".png")));
    all.sort();
    assert_eq!(names(&w), all);
    assert_eq!(files_in(dir.path()), all, "no temporary files are left");
    assert!(w.skipped.is_empty(), "{:?}", w.skipped);
    for p in &w.files {
        if p.extension().unwrap() == "png" {
            let (width, height, px) = decode_png(p);
            assert!(width > 600 && height > 200, "{p:?}: {width}×{height}");
            // Not blank: plenty of non-white pixels.
            let coloured = px.chunks(3).filter(|c| c != &[255, 255, 255]).count();
            assert!(coloured > 5_000, "{p:?}: {coloured} coloured pixels");
        }
    }
}

#[test]
fn chinese_labels_are_drawn_as_distinct_glyphs() {
    let fonts = system_fonts();
    if !matches!(fonts.source(), FontSource::Cjk { .. }) {
        eprintln!("note: no CJK font; glyph test skipped");
        return;
    }
    // Two charts that differ in one character of one report name: if Chinese came out as
    // boxes (or �), the two PNGs would be identical.
    let mut a = input(3);
    let mut b = input(3);
    a.reports[1].name = "清苑区报告甲".into();
    b.reports[1].name = "清苑区报告乙".into();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    draw_all(&a, &fonts, da.path()).unwrap();
    draw_all(&b, &fonts, db.path()).unwrap();
    let (_, _, pa) = decode_png(&da.path().join("shares_stacked.png"));
    let (_, _, pb) = decode_png(&db.path().join("shares_stacked.png"));
    assert_eq!(pa.len(), pb.len());
    let differing = pa
        .chunks(3)
        .zip(pb.chunks(3))
        .filter(|(x, y)| x != y)
        .count();
    assert!(
        differing > 20,
        "甲 and 乙 drew the same pixels ({differing} differ)"
    );
}

#[test]
fn no_font_draws_nothing_and_says_what_to_install() {
    let empty = tempfile::tempdir().unwrap();
    let fonts = fonts_in(empty.path());
    assert_eq!(fonts.source(), &FontSource::None);
    let warning = fonts.warning().unwrap();
    assert!(warning.contains("fonts-wqy-microhei"), "{warning}");
    assert!(warning.contains("--font") && warning.contains("BAOGAO_FONT"));
    let out = tempfile::tempdir().unwrap();
    let w = draw_all(&input(3), &fonts, out.path()).unwrap();
    assert!(w.files.is_empty());
    assert!(files_in(out.path()).is_empty());
    assert!(!w.skipped.is_empty());
    assert!(
        w.skipped.iter().any(|s| s.contains("no font")),
        "{:?}",
        w.skipped
    );
}

#[test]
fn latin_only_font_writes_svg_but_no_png() {
    let dejavu = Path::new("/usr/share/fonts/truetype/dejavu");
    if !dejavu.join("DejaVuSans.ttf").exists() {
        eprintln!("note: DejaVu fonts not installed; test skipped");
        return;
    }
    let fonts = fonts_in(dejavu);
    assert_eq!(
        fonts.source(),
        &FontSource::LatinOnly {
            path: dejavu.join("DejaVuSans.ttf")
        }
    );
    assert!(fonts.warning().unwrap().contains("fonts-wqy-microhei"));
    let out = tempfile::tempdir().unwrap();
    let w = draw_all(&input(3), &fonts, out.path()).unwrap();
    assert_eq!(
        names(&w),
        [
            "heatmap.svg",
            "shares_lines.svg",
            "shares_stacked.svg",
            "strips.svg"
        ]
    );
    assert!(!files_in(out.path()).iter().any(|f| f.ends_with(".png")));
    assert!(
        w.skipped.iter().any(|s| s.starts_with("PNG charts")),
        "{:?}",
        w.skipped
    );
    // The SVG keeps the Chinese text for the viewer to draw, and names the font.
    let svg = std::fs::read_to_string(out.path().join("heatmap.svg")).unwrap();
    assert!(svg_texts(&svg).iter().any(|t| t == "卫生与环境"));
    assert!(svg.contains("DejaVu Sans, sans-serif"));
}

#[test]
fn explicit_font_that_does_not_exist_is_an_error_naming_it() {
    let e = Fonts::find(Some(Path::new("/nowhere/字体.ttf"))).unwrap_err();
    let m = e.to_string();
    assert!(m.contains("/nowhere/字体.ttf"), "{m}");
    assert!(
        m.contains("does not exist") && m.contains("fonts-wqy-microhei"),
        "{m}"
    );
    assert_eq!(e.exit_code(), 1);
}

#[test]
fn bad_font_in_environment_is_an_error_naming_the_variable() {
    let _g = env_lock();
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.ttf");
    std::fs::write(&junk, "not a font").unwrap();
    let saved = std::env::var_os("BAOGAO_FONT");
    std::env::set_var("BAOGAO_FONT", &junk);
    let r = Fonts::find(None);
    match saved {
        Some(v) => std::env::set_var("BAOGAO_FONT", v),
        None => std::env::remove_var("BAOGAO_FONT"),
    }
    let m = r.unwrap_err().to_string();
    assert!(m.contains("junk.ttf") && m.contains("BAOGAO_FONT"), "{m}");
}

#[test]
fn report_names_are_escaped_in_svg() {
    let fonts = system_fonts();
    if fonts.source() == &FontSource::None {
        eprintln!("note: no font at all; escaping test skipped");
        return;
    }
    let evil = r#"<script>alert("x")</script> & 'q' </svg> 报告"#;
    let mut inp = input(3);
    inp.reports[0].name = evil.into();
    inp.strips[0].name = evil.into();
    inp.title = "</svg><script>alert(1)</script>".into();
    inp.themes[2].name = "城乡<建设> & \"规划\"".into();
    let dir = tempfile::tempdir().unwrap();
    let w = draw_all(&inp, &fonts, dir.path()).unwrap();
    let svgs: Vec<&PathBuf> = w
        .files
        .iter()
        .filter(|p| p.extension().unwrap() == "svg")
        .collect();
    assert_eq!(svgs.len(), 4);
    for p in svgs {
        let svg = std::fs::read_to_string(p).unwrap();
        assert!(!svg.contains("<script"), "{p:?} has a raw <script");
        assert_eq!(svg.matches("</svg>").count(), 1, "{p:?}");
        let texts = svg_texts(&svg);
        if !p.ends_with("shares_lines.svg") {
            assert!(texts.iter().any(|t| t == evil), "{p:?}: {texts:?}");
        }
        assert!(texts.iter().any(|t| t == "</svg><script>alert(1)</script>"));
    }
}

#[test]
fn characters_the_font_lacks_are_reported_not_drawn_as_boxes() {
    let fonts = system_fonts();
    if !matches!(fonts.source(), FontSource::Cjk { .. }) {
        eprintln!("note: no CJK font; test skipped");
        return;
    }
    let mut inp = input(2);
    inp.reports[0].name = "报告🙂".into();
    let dir = tempfile::tempdir().unwrap();
    let w = draw_all(&inp, &fonts, dir.path()).unwrap();
    assert!(dir.path().join("shares_stacked.png").exists());
    let note = w
        .skipped
        .iter()
        .find(|s| s.contains("drawn as `?`"))
        .unwrap_or_else(|| panic!("no note about 🙂: {:?}", w.skipped));
    assert!(note.contains('🙂'), "{note}");
    // The SVG keeps the character for the viewer.
    let svg = std::fs::read_to_string(dir.path().join("heatmap.svg")).unwrap();
    assert!(svg.contains("报告🙂"));
}

#[test]
fn lines_chart_needs_two_years() {
    let fonts = system_fonts();
    if fonts.source() == &FontSource::None {
        eprintln!("note: no font at all; test skipped");
        return;
    }
    let mut inp = input(3);
    inp.reports[0].year = None;
    inp.reports[2].year = None;
    let dir = tempfile::tempdir().unwrap();
    let w = draw_all(&inp, &fonts, dir.path()).unwrap();
    assert!(!dir.path().join("shares_lines.svg").exists());
    assert!(!dir.path().join("shares_lines.png").exists());
    let reason = w
        .skipped
        .iter()
        .find(|s| s.starts_with("shares_lines"))
        .expect("the lines chart is reported as skipped");
    assert!(
        reason.contains("fewer than 2 reports have a year"),
        "{reason}"
    );
    assert!(dir.path().join("heatmap.svg").exists());

    // Two reports of the same year are enough, drawn as two points.
    inp.reports[0].year = Some(2020);
    inp.reports[1].year = Some(2020);
    let w = draw_all(&inp, &fonts, dir.path()).unwrap();
    assert!(
        !w.skipped.iter().any(|s| s.starts_with("shares_lines")),
        "{:?}",
        w.skipped
    );
    let svg = std::fs::read_to_string(dir.path().join("shares_lines.svg")).unwrap();
    assert!(svg.contains("1份报告没有年份"));
    assert_eq!(svg.matches("<circle").count(), 2 * 6);
}

#[test]
fn same_input_same_bytes_and_files_are_replaced() {
    let fonts = system_fonts();
    if fonts.source() == &FontSource::None {
        eprintln!("note: no font at all; test skipped");
        return;
    }
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(a.path().join("heatmap.svg"), "old").unwrap();
    let wa = draw_all(&input(4), &fonts, a.path()).unwrap();
    let wb = draw_all(&input(4), &fonts, b.path()).unwrap();
    assert_eq!(names(&wa), names(&wb));
    for n in names(&wa) {
        let x = std::fs::read(a.path().join(&n)).unwrap();
        let y = std::fs::read(b.path().join(&n)).unwrap();
        assert!(x == y, "{n} differs between two runs");
    }
    assert_ne!(
        std::fs::read_to_string(a.path().join("heatmap.svg")).unwrap(),
        "old"
    );
    assert_eq!(files_in(a.path()), names(&wa));
}

#[test]
fn long_report_lists_get_taller_charts() {
    let fonts = system_fonts();
    if fonts.source() == &FontSource::None {
        eprintln!("note: no font at all; test skipped");
        return;
    }
    let mut inp = input(140);
    for (i, r) in inp.reports.iter_mut().enumerate() {
        r.year = Some(1900 + i as i32);
    }
    let dir = tempfile::tempdir().unwrap();
    let w = draw_all(&inp, &fonts, dir.path()).unwrap();
    assert!(w.skipped.is_empty(), "{:?}", w.skipped);
    for chart in ["heatmap", "strips", "shares_stacked"] {
        let svg = std::fs::read_to_string(dir.path().join(format!("{chart}.svg"))).unwrap();
        let texts = svg_texts(&svg);
        // Every report is labelled.
        for i in [0, 70, 139] {
            let name = format!("清苑区政府工作报告{}", 2015 + i);
            assert!(texts.contains(&name), "{chart}: {name} missing");
        }
        if fonts.source() != &FontSource::None && dir.path().join(format!("{chart}.png")).exists() {
            let (_, height, _) = decode_png(&dir.path().join(format!("{chart}.png")));
            assert!(height >= 140 * 20, "{chart}: {height} px for 140 reports");
        }
    }
}

#[test]
fn missing_output_folder_is_created_and_a_file_is_refused() {
    let fonts = system_fonts();
    if fonts.source() == &FontSource::None {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    let w = draw_all(&input(2), &fonts, &nested).unwrap();
    assert!(!w.files.is_empty());
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let m = draw_all(&input(2), &fonts, &file).unwrap_err().to_string();
    assert!(m.contains("not a folder"), "{m}");
}

#[test]
fn odd_input_does_not_panic() {
    let fonts = system_fonts();
    if fonts.source() == &FontSource::None {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut inp = input(3);
    inp.reports[0].shares = vec![f64::NAN, -1.0, 5.0];
    inp.reports[1].shares = vec![];
    inp.reports[1].low = vec![];
    inp.reports[2].high = vec![f64::INFINITY; 9];
    inp.strips[0].paragraphs = vec![(99, 10), (0, 0)];
    inp.strips[1].paragraphs = vec![];
    inp.strips[2].name = "\u{0}\n\t".into();
    draw_all(&inp, &fonts, dir.path()).unwrap();
    let empty = ChartInput {
        title: String::new(),
        themes: vec![],
        reports: vec![],
        strips: vec![],
        measure: String::new(),
    };
    let w = draw_all(&empty, &fonts, dir.path()).unwrap();
    assert_eq!(w.skipped.len(), 4, "{:?}", w.skipped);
}

/// Sample charts for a look, when BAOGAO_CHARTS_DEMO names a folder.
#[test]
fn demo_renders() {
    let Some(out) = std::env::var_os("BAOGAO_CHARTS_DEMO") else {
        return;
    };
    let out = PathBuf::from(out);
    let fonts = system_fonts();
    let mut inp = input(5);
    inp.reports[4].year = Some(2018); // two reports of 2018
    inp.reports[4].name = "清苑区2018年工作总结（补充）".into();
    inp.strips[4].name = inp.reports[4].name.clone();
    let w = draw_all(&inp, &fonts, &out).unwrap();
    eprintln!("{w:#?}");
    let w = draw_all(&input(140), &fonts, &out.join("long")).unwrap();
    eprintln!("{w:#?}");
}
