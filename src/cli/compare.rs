//! `baogao compare REPORT... [--out DIR]`: theme shares per report, the shifts between reports,
//! charts, tables and a self-contained HTML report.

use super::input::InputArgs;
use super::output::Out;
use super::settings::load_model;
use crate::charts::{self, ChartInput, Fonts, ReportShares, Strip, ThemeInfo};
use crate::classifying::{
    classify_paragraph_file, classify_report, is_paragraph_file, Classified, ClassifyOptions,
    Grouping,
};
use crate::comparing::spill::{Piece, Spill};
use crate::comparing::{
    self, decode_term_weights, encode_term_weights, html, misclassification, shifts, summarize,
    tables, term_weights, Estimate, Measure, MeasureSettings, ReportDigest, Summary, TermWeights,
};
use crate::error::{Error, Result};
use crate::model::{metrics::pad, write_atomic, write_atomic_with};
use crate::themes::{colours, display_name};
use indicatif::ParallelProgressIterator;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports: files, folders (their .txt and .docx files) or glob patterns such as 'dir/*.txt';
    /// a .jsonl file of paragraphs ({"text", "heading", "report"} per line) gives one report per
    /// `report` value
    #[arg(value_name = "REPORT")]
    pub inputs: Vec<PathBuf>,
    /// A CSV manifest with columns file,name,year,place (name, year and place may be empty);
    /// its rows give the reports, their names and their order
    #[arg(long, value_name = "CSV")]
    pub manifest: Option<PathBuf>,
    /// Model file (default: the model shipped with baogao)
    #[arg(long, short, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Folder for the tables, charts and index.html (created if needed)
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Shares by characters or by paragraphs
    #[arg(long, value_enum, default_value_t = Measure::Chars)]
    pub by: Measure,
    /// Show shares corrected with the model's cross-validated confusion matrix
    #[arg(long)]
    pub adjust: bool,
    /// Compare every report with this one (by name) instead of each with the one before
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// A CJK font file for the PNG charts (default: $BAOGAO_FONT, then the usual system folders)
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
    /// Overwrite files in --out that an earlier `compare` did not write
    #[arg(long)]
    pub force: bool,
    /// Title of the charts and the HTML report
    #[arg(long, default_value = "报告主题比较")]
    pub title: String,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Files `compare` writes into --out; a list of them is kept in `.baogao-compare`.
const OUTPUTS: [&str; 13] = [
    "shares.csv",
    "shares.json",
    "shifts.csv",
    "paragraphs.jsonl",
    "index.html",
    "shares_stacked.svg",
    "shares_stacked.png",
    "shares_lines.svg",
    "shares_lines.png",
    "heatmap.svg",
    "heatmap.png",
    "strips.svg",
    "strips.png",
];
const LEDGER: &str = ".baogao-compare";

/// A classified report before comparing reduces it to a digest.
struct ReportResult {
    name: String,
    year: Option<i32>,
    place: Option<String>,
    source: String,
    paragraphs: Vec<Classified>,
}

/// A report as `compare` keeps it: its digest, and where its term weights and (when files are
/// written) its paragraph text were set aside.
struct Reported {
    digest: ReportDigest,
    weights: Piece,
    text: Option<Text>,
}

/// Where a report's paragraph text for the files was set aside.
#[derive(Debug, Clone, Copy)]
struct Text {
    /// Its `paragraphs.jsonl` records (see [`tables::paragraph_records`]).
    records: Piece,
    /// Its paragraphs in `index.html` (see [`html::paragraphs`]).
    page: Piece,
}

/// What was set aside of the reports, in the summaries' order.
struct SetAside<'a> {
    spill: &'a Spill,
    weights: &'a [Piece],
    text: &'a [Option<Text>],
}

impl SetAside<'_> {
    /// The piece `which` picks of report `i`'s text (empty when no text was set aside).
    fn text(&self, i: usize, which: fn(Text) -> Piece) -> std::io::Result<String> {
        match self.text.get(i).copied().flatten() {
            Some(text) => self.spill.get_text(which(text)),
            None => Ok(String::new()),
        }
    }

    /// The term weights of report `i`.
    fn weights(&self, i: usize) -> Result<TermWeights> {
        let bytes = self.spill.get(self.weights[i]).map_err(spill_error)?;
        decode_term_weights(&bytes).ok_or_else(|| {
            spill_error(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "term weights read back damaged",
            ))
        })
    }
}

/// An error of the temporary file that holds what was set aside.
fn spill_error(e: std::io::Error) -> Error {
    Error::io(
        std::env::temp_dir(),
        "using a temporary file (for paragraph text and term weights) in",
        e,
    )
}

/// One report to read, with what the manifest says about it.
struct Job {
    path: PathBuf,
    name: Option<String>,
    year: Option<i32>,
    place: Option<String>,
}

pub fn run(args: Args) -> Result<()> {
    let settings = args.input.settings()?;
    let jobs = jobs(&args)?;
    if let Some(dir) = &args.out {
        check_out_dir(dir, args.force)?;
    }
    // A bad --font is refused before anything is computed or written.
    let fonts = match &args.out {
        Some(_) => Some(Fonts::find(args.font.as_deref())?),
        None => None,
    };
    let model = load_model(args.model.as_deref())?;
    model.tokenizer();
    let opts = ClassifyOptions {
        top_terms: 0,
        ..Default::default()
    };
    let labels = model.labels().to_vec();
    // Each report's term weights, and with --out its paragraph text, go to a temporary file as
    // soon as the report is classified; memory holds one report's paragraphs at a time.
    let spill = Spill::new().map_err(spill_error)?;
    let digest = |r: ReportResult| -> Result<Reported> {
        let text = match &args.out {
            Some(_) => {
                let [records, page] = spill
                    .put([
                        tables::paragraph_records(&r.paragraphs, &labels).as_bytes(),
                        html::paragraphs(&labels, &r.paragraphs).as_bytes(),
                    ])
                    .map_err(spill_error)?;
                Some(Text { records, page })
            }
            None => None,
        };
        let weights = encode_term_weights(&term_weights(&r.paragraphs, labels.len()));
        let [weights] = spill.put([&weights]).map_err(spill_error)?;
        Ok(Reported {
            digest: ReportDigest {
                name: r.name,
                year: r.year,
                place: r.place,
                source: r.source,
                paragraphs: r
                    .paragraphs
                    .iter()
                    .map(|p| (p.predicted, p.chars))
                    .collect(),
            },
            weights,
            text,
        })
    };
    let bar = super::progress::bar(jobs.len() as u64, "reports");
    let results: Vec<Result<Vec<Reported>>> = jobs
        .par_iter()
        .progress_with(bar.clone())
        .map(|job| {
            let results = if is_paragraph_file(&job.path) {
                paragraph_file(&model, job, &opts)?
            } else {
                let mut input = settings.clone();
                if job.year.is_some() {
                    input.year = job.year;
                }
                let report = input.load(&job.path)?;
                vec![ReportResult {
                    name: job.name.clone().unwrap_or_else(|| report.name.clone()),
                    year: report.meta.year,
                    place: job.place.clone().or_else(|| report.meta.place.clone()),
                    source: report.source,
                    paragraphs: classify_report(&model, report.paragraphs, &opts),
                }]
            };
            results.into_iter().map(digest).collect()
        })
        .collect();
    bar.finish_and_clear();
    let mut reports = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(r) => reports.extend(r),
            Err(e) if jobs.len() == 1 => return Err(e),
            Err(e) => {
                eprintln!("baogao: {e}");
                failed += 1;
            }
        }
    }
    if reports.is_empty() {
        return Err(Error::AllFailed { total: jobs.len() });
    }
    disambiguate(&mut reports);
    if args.manifest.is_none() {
        order_by_year(&mut reports);
    }

    let m = model
        .data
        .cv
        .as_ref()
        .and_then(|cv| misclassification(&cv.confusion));
    if args.adjust && m.is_none() {
        return Err(Error::Usage(
            "--adjust needs a model trained with cross-validation (its confusion matrix); this model has none".into(),
        ));
    }
    let measure = MeasureSettings {
        measure: args.by,
        adjust: args.adjust,
        ..Default::default()
    };
    let (digests, (weights, text)): (Vec<_>, (Vec<_>, Vec<_>)) = reports
        .into_iter()
        .map(|r| (r.digest, (r.weights, r.text)))
        .unzip();
    let set_aside = SetAside {
        spill: &spill,
        weights: &weights,
        text: &text,
    };
    let summaries: Vec<Summary> = digests
        .into_par_iter()
        .map(|r| summarize(r, &labels, m.as_deref(), &measure))
        .collect();
    let baseline = match &args.baseline {
        Some(b) => Some(summaries.iter().position(|r| &r.name == b).ok_or_else(|| {
            Error::Usage(format!(
                "--baseline `{b}` is not one of the reports ({})",
                summaries
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?),
        None => None,
    };
    let shift_rows = shifts(
        &summaries,
        &|i| set_aside.weights(i),
        &labels,
        &model.data.terms,
        baseline,
        8,
    )?;

    // The files first: when they cannot be written, nothing is printed either.
    let written = match (&args.out, &fonts) {
        (Some(dir), Some(fonts)) => Some((
            dir,
            write_outputs(
                dir,
                &args,
                fonts,
                &model,
                &labels,
                &summaries,
                &set_aside,
                &shift_rows,
            )?,
        )),
        _ => None,
    };
    let mut out = Out::new();
    out.write(&people_table(&summaries, &labels, args.by))?;
    if let Some((dir, written)) = written {
        out.line(&format!(
            "\nwrote {} files to {}",
            written.len(),
            dir.display()
        ))?;
    }
    out.flush()?;
    if failed > 0 {
        return Err(Error::Partial {
            failed,
            total: jobs.len(),
        });
    }
    Ok(())
}

/// A `.jsonl` file of paragraphs (`text`, optional `heading`, `report`): one report per distinct
/// `report` value, in order of first appearance; the job's year and place apply to each.
fn paragraph_file(
    model: &crate::model::Model,
    job: &Job,
    opts: &ClassifyOptions,
) -> Result<Vec<ReportResult>> {
    let units = classify_paragraph_file(model, &job.path, opts, Grouping::Distinct)?;
    Ok(units
        .into_iter()
        .map(|u| ReportResult {
            year: job.year.or(u.year),
            name: u.report,
            place: job.place.clone(),
            source: job.path.display().to_string(),
            paragraphs: u.paragraphs,
        })
        .collect())
}

/// The reports to read: from the manifest, or from files, folders and globs.
fn jobs(args: &Args) -> Result<Vec<Job>> {
    if let Some(m) = &args.manifest {
        if !args.inputs.is_empty() {
            return Err(Error::Usage(
                "give either a --manifest or report paths, not both".into(),
            ));
        }
        return read_manifest(m);
    }
    if args.inputs.is_empty() {
        return Err(Error::Usage(
            "give the reports to compare (files, folders or globs), or a --manifest".into(),
        ));
    }
    Ok(super::input::expand_reports(&args.inputs)?
        .into_iter()
        .map(|path| Job {
            path,
            name: None,
            year: None,
            place: None,
        })
        .collect())
}

fn read_manifest(path: &Path) -> Result<Vec<Job>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "reading", e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::data(path, 1, format!("cannot read the header: {e}")))?
        .clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let file_col = col("file").ok_or_else(|| {
        Error::data(
            path,
            1,
            "the manifest needs a `file` column (and optionally name, year, place)",
        )
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut jobs = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            Error::data(
                path,
                e.position().map_or(0, |p| p.line() as usize),
                format!("bad row: {e}"),
            )
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let Some(file) = get(Some(file_col)) else {
            return Err(Error::data(path, line, "empty `file`"));
        };
        let year = match get(col("year")) {
            Some(y) => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1900..=2100).contains(y))
                    .ok_or_else(|| Error::data(path, line, format!("`{y}` is not a year")))?,
            ),
            None => None,
        };
        let f = PathBuf::from(&file);
        jobs.push(Job {
            path: if f.is_absolute() { f } else { base.join(f) },
            name: get(col("name")),
            year,
            place: get(col("place")),
        });
    }
    if jobs.is_empty() {
        return Err(Error::file(path, "the manifest lists no reports"));
    }
    Ok(jobs)
}

/// Reports with the same name get their folder's name in front.
fn disambiguate(reports: &mut [Reported]) {
    let mut seen = std::collections::HashMap::new();
    for r in reports.iter() {
        *seen.entry(r.digest.name.clone()).or_insert(0) += 1;
    }
    for r in reports.iter_mut().map(|r| &mut r.digest) {
        if seen[&r.name] > 1 {
            let parent = Path::new(&r.source)
                .parent()
                .and_then(|p| p.file_name())
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            r.name = format!("{parent}/{}", r.name);
        }
    }
}

/// Reports with a year first, by year (stable), then the others as given.
fn order_by_year(reports: &mut [Reported]) {
    reports.sort_by_key(|r| (r.digest.year.is_none(), r.digest.year.unwrap_or(0)));
}

/// Refuse to write into a folder whose files of our names were not written by `compare`.
fn check_out_dir(dir: &Path, force: bool) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::file(
            dir,
            "exists and is not a folder; give a folder for --out",
        ));
    }
    if force || !dir.exists() {
        return Ok(());
    }
    let ours = read_ledger(dir);
    let foreign: Vec<&str> = OUTPUTS
        .iter()
        .copied()
        .filter(|f| dir.join(f).exists() && !ours.contains(*f))
        .collect();
    if !foreign.is_empty() {
        return Err(Error::file(
            dir,
            format!(
                "already holds {} that baogao did not write; choose another --out folder, or pass --force to overwrite",
                foreign.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The names of the files earlier runs of `compare` wrote into `dir`.
fn read_ledger(dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(dir.join(LEDGER))
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

fn write_ledger(dir: &Path, names: &BTreeSet<String>) -> Result<()> {
    let text: String = names.iter().map(|n| format!("{n}\n")).collect();
    write_atomic(&dir.join(LEDGER), text.as_bytes())
}

#[allow(clippy::too_many_arguments)]
fn write_outputs(
    dir: &Path,
    args: &Args,
    fonts: &Fonts,
    model: &crate::model::Model,
    labels: &[String],
    summaries: &[Summary],
    set_aside: &SetAside,
    shift_rows: &[comparing::Shift],
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "creating the folder", e))?;
    // Claim our file names before writing any (`check_out_dir` has refused foreign files unless
    // --force), so that files of a run that fails half-way can be overwritten by the next run.
    let mut ours = read_ledger(dir);
    ours.extend(OUTPUTS.iter().map(|f| f.to_string()));
    write_ledger(dir, &ours)?;
    let mut written: Vec<PathBuf> = Vec::new();
    let put = |name: &str, bytes: &[u8], written: &mut Vec<PathBuf>| -> Result<()> {
        let p = dir.join(name);
        write_atomic(&p, bytes)?;
        written.push(p);
        Ok(())
    };
    put(
        "shares.csv",
        tables::shares_csv(summaries, labels, args.by).as_bytes(),
        &mut written,
    )?;
    put(
        "shares.json",
        tables::shares_json(summaries, labels, args.by).as_bytes(),
        &mut written,
    )?;
    put(
        "shifts.csv",
        tables::shifts_csv(shift_rows).as_bytes(),
        &mut written,
    )?;
    let p = dir.join("paragraphs.jsonl");
    write_atomic_with(&p, |w| {
        for (i, s) in summaries.iter().enumerate() {
            tables::write_paragraphs_jsonl(w, &s.name, s.year, &set_aside.text(i, |t| t.records)?)?;
        }
        Ok(())
    })?;
    written.push(p);

    // Charts.
    let mut notes: Vec<String> = Vec::new();
    if let Some(w) = fonts.warning() {
        eprintln!("baogao: {w}");
        notes.push(w);
    }
    let themes: Vec<ThemeInfo> = labels
        .iter()
        .zip(colours(labels))
        .map(|(l, colour)| ThemeInfo {
            id: l.clone(),
            name: display_name(l).to_string(),
            colour,
        })
        .collect();
    let input = ChartInput {
        title: args.title.clone(),
        themes,
        reports: summaries
            .iter()
            .map(|s| ReportShares {
                name: s.name.clone(),
                year: s.year,
                shares: s.shares.iter().map(|x| x.share).collect(),
                low: s.shares.iter().map(|x| x.low).collect(),
                high: s.shares.iter().map(|x| x.high).collect(),
            })
            .collect(),
        strips: summaries
            .iter()
            .map(|r| Strip {
                name: r.name.clone(),
                paragraphs: r.strip.clone(),
            })
            .collect(),
        measure: args.by.chinese().to_string(),
    };
    let drawn = charts::draw_all(&input, fonts, dir)?;
    for s in &drawn.skipped {
        eprintln!("baogao: note: {s}");
        notes.push(s.clone());
    }
    let captions = [
        (
            "shares_stacked.svg",
            "各报告主题占比 Theme shares per report",
        ),
        (
            "shares_lines.svg",
            "各主题占比随年份变化（阴影为95%区间）Theme shares across years",
        ),
        ("heatmap.svg", "报告×主题热力图 Reports × themes"),
        (
            "strips.svg",
            "报告结构条带：段落按顺序、按字数着色 Theme strips",
        ),
    ];
    let mut svgs = Vec::new();
    for (file, caption) in captions {
        let p = dir.join(file);
        if drawn.files.contains(&p) {
            let svg = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, "reading", e))?;
            svgs.push((caption.to_string(), svg));
        }
    }
    written.extend(drawn.files.iter().cloned());

    let model_line = format!(
        "{} trained on {} paragraphs ({} labels){}",
        args.model
            .as_ref()
            .map_or("built-in default model".to_string(), |p| p
                .display()
                .to_string()),
        model.data.training.samples,
        labels.len(),
        model.data.cv.as_ref().map_or(String::new(), |cv| format!(
            "; cross-validated macro-F1 {:.3}",
            cv.macro_f1
        ))
    );
    let page = html::Page {
        title: &args.title,
        labels,
        measure: args.by,
        summaries,
        paragraphs: &|i| set_aside.text(i, |t| t.page),
        shifts: shift_rows,
        charts: &svgs,
        notes: &notes,
        model: &model_line,
    };
    let p = dir.join("index.html");
    write_atomic_with(&p, |w| html::write(&page, w))?;
    written.push(p);

    // Keep the names of the files that are there: this run's and those of earlier runs (PNGs
    // drawn when a font was available stay ours).
    ours.retain(|f| dir.join(f).exists());
    write_ledger(dir, &ours)?;
    Ok(written)
}

/// The share table for people: one row per report, theme columns in Chinese.
fn people_table(summaries: &[Summary], labels: &[String], by: Measure) -> String {
    let mut s = String::new();
    let estimate = summaries
        .first()
        .map_or(Estimate::ClassifyAndCount, |x| x.estimate);
    s.push_str(&format!(
        "theme shares {} ({}; {})\n",
        by.chinese(),
        match by {
            Measure::Chars => "by characters",
            Measure::Paragraphs => "by paragraphs",
        },
        match estimate {
            Estimate::ClassifyAndCount => "classify-and-count",
            Estimate::Adjusted => "adjusted with the model's confusion matrix",
        }
    ));
    let w = summaries
        .iter()
        .map(|r| crate::model::metrics::width(&r.name))
        .max()
        .unwrap_or(6)
        .max(6);
    s.push_str(&pad("report", w));
    s.push_str("  year");
    for l in labels {
        s.push_str("  ");
        s.push_str(&crate::model::metrics::pad_left(display_name(l), 10));
    }
    s.push_str("  diversity\n");
    for r in summaries {
        s.push_str(&pad(&r.name, w));
        s.push_str(&format!(
            "  {:>4}",
            r.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into())
        ));
        for sh in &r.shares {
            s.push_str(&format!("  {:>9.1}%", sh.share * 100.0));
        }
        s.push_str(&format!("  {:>9.2}\n", r.diversity));
    }
    s
}
