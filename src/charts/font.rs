//! Finding a font for the charts, checking that it really draws Chinese (and Latin letters and
//! digits), and registering it with plotters.
//!
//! plotters is built without font-kit: text is laid out and rasterised with ab_glyph from font
//! bytes we register ourselves (see CRATES.md). Each font is read once per process, its bytes
//! leaked to `&'static`, and registered under a family name of its own (`WenQuanYi Micro Hei,
//! sans-serif`), so two fonts used in one process never replace each other; the same string is
//! what the SVG files name as `font-family`, so a browser uses that font if it has it and falls
//! back to its own sans-serif otherwise.

use crate::error::{Error, Result};
use ab_glyph::{Font, FontRef, ScaleFont};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Where the charts' font comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FontSource {
    /// A full CJK font: Chinese, Latin letters and digits all have glyphs. SVG and PNG are drawn.
    Cjk { path: PathBuf },
    /// A font without Chinese glyphs, used for layout only: SVG is drawn (the viewer supplies the
    /// Chinese glyphs), PNG is not.
    LatinOnly { path: PathBuf },
    /// No usable font: nothing is drawn.
    None,
}

/// The font the charts use, found by [`Fonts::find`].
#[derive(Clone)]
pub struct Fonts {
    source: FontSource,
    loaded: Option<Loaded>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("source", &self.source)
            .field("family", &self.loaded.as_ref().map(|l| l.family))
            .finish()
    }
}

/// A font read, checked and registered with plotters.
#[derive(Clone)]
pub(crate) struct Loaded {
    /// The family name it is registered under (also the SVG `font-family`).
    pub family: &'static str,
    pub font: FontRef<'static>,
    bytes: &'static [u8],
}

/// Characters a font must draw to count as a full CJK font.
const CJK_PROBE: [char; 5] = ['中', '报', 'A', 'a', '1'];
/// Characters a font must draw to be used for layout at all.
const LATIN_PROBE: [char; 3] = ['A', 'a', '1'];

/// Fonts larger than this are not read while scanning folders (an explicit font may be larger).
const SCAN_MAX_BYTES: u64 = 64 << 20;
/// At most this many unknown font files are opened while scanning.
const SCAN_MAX_FILES: usize = 400;
/// At most this many folder entries are looked at while scanning.
const SCAN_MAX_ENTRIES: usize = 50_000;

/// Known full CJK fonts, best first: (lower-case file-name fragment, CSS family name).
const KNOWN_CJK: &[(&str, &str)] = &[
    ("wqy-microhei", "WenQuanYi Micro Hei"),
    ("wqy-zenhei", "WenQuanYi Zen Hei"),
    ("notosanscjksc", "Noto Sans CJK SC"),
    ("notosanscjk", "Noto Sans CJK SC"),
    ("notosanssc", "Noto Sans SC"),
    ("sourcehansanssc", "Source Han Sans SC"),
    ("sourcehansanscn", "Source Han Sans CN"),
    ("sourcehansans", "Source Han Sans SC"),
    ("msyh", "Microsoft YaHei"),
    ("simhei", "SimHei"),
    ("pingfang", "PingFang SC"),
    ("hiragino sans gb", "Hiragino Sans GB"),
    ("stheiti", "Heiti SC"),
    ("heiti", "Heiti SC"),
];

/// Known Latin fonts, best first: (lower-case file name, CSS family name).
const KNOWN_LATIN: &[(&str, &str)] = &[
    ("dejavusans.ttf", "DejaVu Sans"),
    ("liberationsans-regular.ttf", "Liberation Sans"),
    ("notosans-regular.ttf", "Noto Sans"),
    ("arial.ttf", "Arial"),
    ("helvetica.ttc", "Helvetica"),
    ("roboto-regular.ttf", "Roboto"),
];

/// Words in a file name that mark a style variant rather than the regular face.
const VARIANT_WORDS: &[&str] = &[
    "bold",
    "light",
    "thin",
    "medium",
    "black",
    "heavy",
    "italic",
    "oblique",
    "mono",
    "serif",
    "condensed",
    "extralight",
    "semibold",
    "math",
];

impl Fonts {
    /// Find a font: `explicit` (from --font) first, then the environment variable
    /// `BAOGAO_FONT`, then the usual system folders (replaced by the colon-separated list in
    /// `BAOGAO_FONT_DIRS` when that is set), preferring known full CJK fonts.
    ///
    /// A font counts as CJK only if it has glyphs for 中, 报, A, a and 1. An explicit font (or
    /// `BAOGAO_FONT`) that is missing, unreadable, not a font, or not a full CJK font is an
    /// error; finding nothing in the folders is not: it gives [`FontSource::LatinOnly`] or
    /// [`FontSource::None`].
    pub fn find(explicit: Option<&Path>) -> Result<Fonts> {
        if let Some(path) = explicit {
            return Fonts::from_explicit(path, "--font");
        }
        if let Some(v) = std::env::var_os("BAOGAO_FONT") {
            if !v.is_empty() {
                return Fonts::from_explicit(Path::new(&v), "BAOGAO_FONT");
            }
        }
        let dirs = match std::env::var_os("BAOGAO_FONT_DIRS") {
            Some(v) => std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect(),
            None => system_dirs(),
        };
        Ok(search(&dirs))
    }

    /// A `Fonts` that draws nothing (as when no font is found).
    pub fn none() -> Fonts {
        Fonts {
            source: FontSource::None,
            loaded: None,
        }
    }

    /// Where the font comes from.
    pub fn source(&self) -> &FontSource {
        &self.source
    }

    /// The font file in use, if any.
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            FontSource::Cjk { path } | FontSource::LatinOnly { path } => Some(path),
            FontSource::None => None,
        }
    }

    /// True when a full CJK font is in use (PNG charts can be drawn).
    pub fn has_cjk(&self) -> bool {
        matches!(self.source, FontSource::Cjk { .. })
    }

    /// A sentence for the user when no CJK font is available; `None` when one is in use.
    pub fn warning(&self) -> Option<String> {
        let install =
            "install a Chinese font (Debian/Ubuntu: `sudo apt install fonts-wqy-microhei`, \
                       or `fonts-noto-cjk`), or name a font file with --font PATH or the \
                       environment variable BAOGAO_FONT (a .ttf, .otf or .ttc with Chinese glyphs)";
        match &self.source {
            FontSource::Cjk { .. } => None,
            FontSource::LatinOnly { path } => Some(format!(
                "no Chinese font found (only {}, which has no Chinese glyphs): the SVG charts are \
                 written (a browser draws their Chinese text) but no PNG charts; to get PNG charts, \
                 {install}",
                path.display()
            )),
            FontSource::None => Some(format!(
                "no font found, so no charts were drawn; {install}"
            )),
        }
    }

    pub(crate) fn loaded(&self) -> Option<&Loaded> {
        self.loaded.as_ref()
    }

    fn from_explicit(path: &Path, origin: &str) -> Result<Fonts> {
        let what_to_do = "give the path of a font file with Chinese glyphs (.ttf, .otf or .ttc), \
                          e.g. /usr/share/fonts/truetype/wqy/wqy-microhei.ttc from the Debian/Ubuntu \
                          package fonts-wqy-microhei";
        if path.is_dir() {
            return Err(Error::file(
                path,
                format!("the font named by {origin} is a folder; {what_to_do}"),
            ));
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::file(
                    path,
                    format!("the font named by {origin} does not exist; {what_to_do}"),
                ))
            }
            Err(e) => return Err(Error::io(path, "reading the font", e)),
        };
        match check(&bytes) {
            Coverage::NotAFont => Err(Error::file(
                path,
                format!("the file named by {origin} is not a font baogao can read; {what_to_do}"),
            )),
            Coverage::None => Err(Error::file(
                path,
                format!(
                    "the font named by {origin} has no glyphs for Latin letters and digits (a \
                     fallback-only font such as Droid Sans Fallback draws them as boxes); \
                     {what_to_do}"
                ),
            )),
            Coverage::Latin => Err(Error::file(
                path,
                format!(
                    "the font named by {origin} has no glyphs for Chinese (中, 报), so the charts' \
                     Chinese labels would be drawn as boxes; {what_to_do}"
                ),
            )),
            Coverage::Cjk => {
                let loaded = load(path, bytes)?;
                Ok(Fonts {
                    source: FontSource::Cjk {
                        path: path.to_path_buf(),
                    },
                    loaded: Some(loaded),
                })
            }
        }
    }
}

/// What a font file can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    NotAFont,
    /// A font, but without Latin letters and digits.
    None,
    Latin,
    Cjk,
}

fn check(bytes: &[u8]) -> Coverage {
    let Ok(font) = FontRef::try_from_slice(bytes) else {
        return Coverage::NotAFont;
    };
    if !draws_all(&font, &LATIN_PROBE) {
        Coverage::None
    } else if draws_all(&font, &CJK_PROBE) {
        Coverage::Cjk
    } else {
        Coverage::Latin
    }
}

fn draws_all(font: &FontRef<'_>, chars: &[char]) -> bool {
    chars.iter().all(|&c| draws(font, c))
}

/// True when the font has a real glyph (not .notdef, with an outline) for `c`.
pub(crate) fn draws(font: &FontRef<'_>, c: char) -> bool {
    let id = font.glyph_id(c);
    id.0 != 0 && font.outline(id).is_some()
}

/// Fonts already read in this process, by path: read and leak each once.
fn registry() -> &'static Mutex<HashMap<PathBuf, Loaded>> {
    static REG: OnceLock<Mutex<HashMap<PathBuf, Loaded>>> = OnceLock::new();
    REG.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Register a checked font with plotters under a family name of its own.
fn load(path: &Path, bytes: Vec<u8>) -> Result<Loaded> {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut reg = registry().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(l) = reg.get(&key) {
        if l.bytes == bytes.as_slice() {
            return Ok(l.clone());
        }
    }
    let base = known_name(path).unwrap_or("baogao-font");
    // A family name not yet used by another file.
    let mut family = format!("{base}, sans-serif");
    let mut n = 2;
    while reg.values().any(|l| l.family == family) {
        family = format!("{base} {n}, sans-serif");
        n += 1;
    }
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let font = FontRef::try_from_slice(bytes)
        .map_err(|_| Error::file(path, "not a font baogao can read"))?;
    let family: &'static str = Box::leak(family.into_boxed_str());
    plotters::style::register_font(family, plotters::style::FontStyle::Normal, bytes)
        .map_err(|_| Error::file(path, "plotters could not use this font"))?;
    let loaded = Loaded {
        family,
        font,
        bytes,
    };
    reg.insert(key, loaded.clone());
    Ok(loaded)
}

fn known_name(path: &Path) -> Option<&'static str> {
    let name = file_name_lower(path);
    KNOWN_CJK
        .iter()
        .find(|(frag, _)| name.contains(frag))
        .or_else(|| KNOWN_LATIN.iter().find(|(file, _)| name == *file))
        .map(|(_, css)| *css)
}

fn file_name_lower(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn is_font_file(path: &Path) -> bool {
    let name = file_name_lower(path);
    [".ttf", ".otf", ".ttc", ".otc"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// The usual font folders of this operating system.
fn system_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    if cfg!(target_os = "macos") {
        dirs.push(PathBuf::from("/System/Library/Fonts"));
        dirs.push(PathBuf::from("/Library/Fonts"));
        if let Some(h) = &home {
            dirs.push(h.join("Library/Fonts"));
        }
    } else if cfg!(windows) {
        let windir = std::env::var_os("WINDIR")
            .or_else(|| std::env::var_os("SystemRoot"))
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(r"C:\Windows"));
        dirs.push(windir.join("Fonts"));
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(PathBuf::from(local).join(r"Microsoft\Windows\Fonts"));
        }
    } else {
        dirs.push(PathBuf::from("/usr/share/fonts"));
        dirs.push(PathBuf::from("/usr/local/share/fonts"));
        if let Some(h) = &home {
            dirs.push(h.join(".fonts"));
            dirs.push(h.join(".local/share/fonts"));
        }
    }
    dirs
}

/// All font files under `dirs`, in a stable order (folders in the order given, names sorted).
fn font_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, budget: &mut usize, out: &mut Vec<PathBuf>) {
        if depth > 8 || *budget == 0 {
            return;
        }
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if *budget == 0 {
                return;
            }
            *budget -= 1;
            if p.is_dir() {
                walk(&p, depth + 1, budget, out);
            } else if is_font_file(&p) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    let mut budget = SCAN_MAX_ENTRIES;
    for d in dirs {
        walk(d, 0, &mut budget, &mut out);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    out
}

/// How many variant words (bold, italic, …) a file name has: fewer is better.
fn variant_penalty(path: &Path) -> usize {
    let name = file_name_lower(path);
    VARIANT_WORDS.iter().filter(|w| name.contains(*w)).count()
}

fn read_for_scan(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > SCAN_MAX_BYTES {
        return None;
    }
    std::fs::read(path).ok()
}

/// Look through the folders: known CJK fonts first, then any other font that draws Chinese;
/// else a Latin font for layout; else nothing.
fn search(dirs: &[PathBuf]) -> Fonts {
    let files = font_files(dirs);

    // Known CJK fonts, best first.
    let mut known: Vec<(usize, usize, &PathBuf)> = files
        .iter()
        .filter_map(|p| {
            let name = file_name_lower(p);
            KNOWN_CJK
                .iter()
                .position(|(frag, _)| name.contains(frag))
                .map(|rank| (rank, variant_penalty(p), p))
        })
        .collect();
    known.sort();
    for (_, _, p) in &known {
        if let Some(bytes) = read_for_scan(p) {
            if check(&bytes) == Coverage::Cjk {
                if let Ok(loaded) = load(p, bytes) {
                    return Fonts {
                        source: FontSource::Cjk { path: (*p).clone() },
                        loaded: Some(loaded),
                    };
                }
            }
        }
    }

    // Any other font: a CJK one wins; remember the Latin ones.
    let mut others: Vec<&PathBuf> = files
        .iter()
        .filter(|p| !known.iter().any(|(_, _, k)| k == p))
        .collect();
    others.sort_by_key(|p| {
        let name = file_name_lower(p);
        let known_latin = KNOWN_LATIN
            .iter()
            .position(|(f, _)| *f == name)
            .unwrap_or(KNOWN_LATIN.len());
        (known_latin, variant_penalty(p), (*p).clone())
    });
    let mut latin: Option<(&PathBuf, Vec<u8>)> = None;
    for p in others.into_iter().take(SCAN_MAX_FILES) {
        let Some(bytes) = read_for_scan(p) else {
            continue;
        };
        match check(&bytes) {
            Coverage::Cjk => {
                if let Ok(loaded) = load(p, bytes) {
                    return Fonts {
                        source: FontSource::Cjk { path: p.clone() },
                        loaded: Some(loaded),
                    };
                }
            }
            Coverage::Latin if latin.is_none() => latin = Some((p, bytes)),
            _ => {}
        }
    }
    if let Some((p, bytes)) = latin {
        if let Ok(loaded) = load(p, bytes) {
            return Fonts {
                source: FontSource::LatinOnly { path: p.clone() },
                loaded: Some(loaded),
            };
        }
    }
    Fonts::none()
}

/// Text measurement with the chart font, as plotters' ab_glyph layout measures it; characters
/// the font lacks count as one em (a viewer will draw them with a CJK font).
#[derive(Clone)]
pub(crate) struct Metrics {
    font: FontRef<'static>,
}

impl Metrics {
    pub fn new(loaded: &Loaded) -> Metrics {
        Metrics {
            font: loaded.font.clone(),
        }
    }

    /// Width in pixels of `text` at CSS font size `px`.
    pub fn width(&self, text: &str, px: f64) -> f64 {
        let size = (px * super::scene::PLOTTERS_SIZE) as f32;
        let font = self.font.as_scaled(size);
        let mut w = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if id.0 == 0 {
                w += px as f32;
                prev = None;
                continue;
            }
            w += font.h_advance(id);
            if let Some(p) = prev {
                w += font.kern(p, id);
            }
            prev = Some(id);
        }
        f64::from(w)
    }

    /// Where each visible glyph of `text` (at CSS size `px`) has its ink start, relative to the
    /// start of the text: plotters' bitmap text drawing places every glyph at the left edge of
    /// its ink, ignoring the side bearing (so `201 5`, `城乡 建设`), so PNG text is drawn one glyph
    /// at a time at these offsets. Characters without an outline (spaces) are left out.
    pub fn ink_offsets(&self, text: &str, px: f64) -> Vec<(char, f64)> {
        let size = (px * super::scene::PLOTTERS_SIZE) as f32;
        let font = self.font.as_scaled(size);
        let mut out = Vec::with_capacity(text.len());
        let mut pen = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                pen += font.kern(p, id);
            }
            let glyph = id.with_scale(font.scale());
            if let Some(outlined) = font.outline_glyph(glyph) {
                out.push((c, f64::from(pen + outlined.px_bounds().min.x)));
            }
            pen += font.h_advance(id);
            prev = Some(id);
        }
        out
    }

    /// True when the font draws `c`.
    pub fn draws(&self, c: char) -> bool {
        c == ' ' || draws(&self.font, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
    const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    #[test]
    fn coverage_of_installed_fonts() {
        if let Ok(b) = std::fs::read(WQY) {
            assert_eq!(check(&b), Coverage::Cjk);
        } else {
            eprintln!("note: {WQY} not installed; CJK coverage not checked");
        }
        if let Ok(b) = std::fs::read(DEJAVU) {
            assert_eq!(check(&b), Coverage::Latin);
        }
        assert_eq!(check(b"not a font at all"), Coverage::NotAFont);
    }

    #[test]
    fn known_names_and_ranking() {
        assert_eq!(
            known_name(Path::new("/x/wqy-microhei.ttc")),
            Some("WenQuanYi Micro Hei")
        );
        assert_eq!(
            known_name(Path::new("/x/NotoSansCJK-Regular.ttc")),
            Some("Noto Sans CJK SC")
        );
        assert_eq!(
            known_name(Path::new("/x/DejaVuSans.ttf")),
            Some("DejaVu Sans")
        );
        assert_eq!(known_name(Path::new("/x/DejaVuSans-Bold.ttf")), None);
        assert!(
            variant_penalty(Path::new("NotoSansCJK-Bold.ttc"))
                > variant_penalty(Path::new("NotoSansCJK-Regular.ttc"))
        );
    }

    #[test]
    fn explicit_errors_name_the_path() {
        let e = Fonts::from_explicit(Path::new("/no/such/font.ttf"), "--font").unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("/no/such/font.ttf") && m.contains("does not exist"),
            "{m}"
        );
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.ttf");
        std::fs::write(&junk, b"junk").unwrap();
        let m = Fonts::from_explicit(&junk, "--font")
            .unwrap_err()
            .to_string();
        assert!(m.contains("junk.ttf") && m.contains("not a font"), "{m}");
        let m = Fonts::from_explicit(dir.path(), "--font")
            .unwrap_err()
            .to_string();
        assert!(m.contains("is a folder"), "{m}");
        if Path::new(DEJAVU).exists() {
            let m = Fonts::from_explicit(Path::new(DEJAVU), "--font")
                .unwrap_err()
                .to_string();
            assert!(m.contains("no glyphs for Chinese"), "{m}");
        }
    }

    #[test]
    fn search_in_folders() {
        let empty = tempfile::tempdir().unwrap();
        let f = search(&[empty.path().to_path_buf()]);
        assert_eq!(f.source(), &FontSource::None);
        assert!(f.warning().unwrap().contains("fonts-wqy-microhei"));
        if Path::new(WQY).exists() {
            let f = search(&[PathBuf::from("/usr/share/fonts")]);
            assert_eq!(
                f.source(),
                &FontSource::Cjk {
                    path: PathBuf::from(WQY)
                }
            );
            assert!(f.warning().is_none());
            assert_eq!(
                f.loaded().unwrap().family,
                "WenQuanYi Micro Hei, sans-serif"
            );
            // Loading the same font twice reuses the registration.
            let g = search(&[PathBuf::from("/usr/share/fonts/truetype/wqy")]);
            assert_eq!(g.loaded().unwrap().family, f.loaded().unwrap().family);
        }
        if Path::new(DEJAVU).exists() {
            let f = search(&[PathBuf::from("/usr/share/fonts/truetype/dejavu")]);
            assert_eq!(
                f.source(),
                &FontSource::LatinOnly {
                    path: PathBuf::from(DEJAVU)
                }
            );
            assert!(f.warning().unwrap().contains("no PNG"));
        }
    }

    #[test]
    fn metrics_measure_missing_glyphs_as_one_em() {
        if !Path::new(DEJAVU).exists() {
            return;
        }
        let f = search(&[PathBuf::from("/usr/share/fonts/truetype/dejavu")]);
        let m = Metrics::new(f.loaded().unwrap());
        assert!((m.width("中文", 10.0) - 20.0).abs() < 1e-6);
        assert!(m.width("abc", 10.0) > 10.0);
        assert!(!m.draws('中') && m.draws('A'));
    }
}
