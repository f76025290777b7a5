//! Throughput of each pipeline stage, in MB/s of report text, so the slowest stage is visible.
//!
//!     cargo bench --bench stages -- [FILES or FOLDERS...]   (default: ../shared/corpus/reports)
//!
//! Every stage runs on one core over the same reports (read → segment → tokenize → vectorize →
//! predict), each timed on its own with the previous stage's output prepared beforehand. Then
//! the whole classification, and jieba-rs alone on the same text, run on all cores, in turn seven
//! times: the median of the pairs' ratios is how close `classify` comes to the practical limit,
//! and the median time of the classification is set against the anchor script's `classify_s`,
//! which is timed the same way (after start-up, writing nothing). A third run in each turn
//! stops after tokenizing (read, segment, normalise, jieba-rs, token classes; no features, no
//! model): its ratio to jieba-rs alone is the most any vectorizer and classifier could leave.
//! Figures are printed as `name: value` lines (as the anchor script does), so `bench/run.py` can
//! pick them up.

use baogao::features::Tokens;
use baogao::model::Model;
use baogao::reading::{read_path, ReadOptions};
use baogao::segmenting::{segment, Report, SegmentOptions};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(args: &[String]) -> Vec<PathBuf> {
    let roots: Vec<PathBuf> = if args.is_empty() {
        vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/reports")]
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let mut out = Vec::new();
    for r in roots {
        if r.is_dir() {
            let mut stack = vec![r];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).expect("reading a folder").flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if matches!(p.extension().and_then(|e| e.to_str()), Some("txt" | "docx"))
                    {
                        out.push(p);
                    }
                }
            }
        } else {
            out.push(r);
        }
    }
    out.sort();
    out
}

/// Best of `runs` timings of `f`, in seconds.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(v);
    }
    (best, last.expect("runs ≥ 1"))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let files = files(&args);
    if files.is_empty() {
        eprintln!("no report files found; give files or folders (.txt, .docx)");
        std::process::exit(2);
    }
    let file_bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let runs = 3;

    let (t_load, model) = best(1, || Model::builtin().expect("the built-in model"));
    let tok = model.tokenizer();
    let opts = ReadOptions::default();

    let (t_read, docs) = best(runs, || {
        files
            .iter()
            .filter_map(|f| read_path(f, &opts).ok())
            .collect::<Vec<_>>()
    });
    let (t_seg, reports) = best(runs, || {
        docs.iter()
            .filter_map(|d| segment(d, &SegmentOptions::default()).ok())
            .collect::<Vec<Report>>()
    });
    let paragraphs: Vec<(&str, Option<&str>)> = reports
        .iter()
        .flat_map(|r| {
            r.paragraphs.iter().map(|p| {
                let heading = p.heading.map(|h| r.headings[h].text.as_str());
                (p.text.as_str(), heading)
            })
        })
        .collect();
    let text_bytes: usize = paragraphs.iter().map(|(t, _)| t.len()).sum();
    let mb = text_bytes as f64 / 1e6;
    let use_heading = model.features().heading_weight > 0.0;

    let (t_tok, tokens) = best(runs, || {
        paragraphs
            .iter()
            .map(|(t, h)| Tokens::of(tok, t, h.filter(|_| use_heading)))
            .collect::<Vec<_>>()
    });
    let (t_vec, vectors) = best(runs, || {
        tokens
            .iter()
            .map(|t| model.vectorizer().transform_tokens(t))
            .collect::<Vec<_>>()
    });
    let (t_pred, _) = best(runs, || {
        vectors
            .iter()
            .map(|x| model.predict_vec(x).label)
            .sum::<usize>()
    });

    // One core, from text to label in one pass (what `classify` does per paragraph).
    let (t_text_to_label, _) = best(runs, || {
        paragraphs
            .iter()
            .map(|(t, h)| model.predict(t, *h).0.label)
            .sum::<usize>()
    });

    let (t_split, _) = best(runs, || {
        paragraphs
            .iter()
            .map(|(t, h)| {
                let toks = Tokens::of(tok, t, h.filter(|_| use_heading));
                model
                    .predict_vec(&model.vectorizer().transform_tokens(&toks))
                    .label
            })
            .sum::<usize>()
    });

    // All cores: jieba-rs alone, and the whole classification of each report.
    let mut jieba = jieba_rs::Jieba::new();
    jieba
        .load_dict(&mut std::io::BufReader::new(
            baogao::tokenizing::BUILTIN_DICT.as_bytes(),
        ))
        .expect("the built-in dictionary");
    let (t_jieba_one, _) = best(runs, || {
        paragraphs
            .iter()
            .map(|(t, _)| jieba.cut(t, false).len())
            .sum::<usize>()
    });
    let (t_norm, _) = best(runs, || {
        paragraphs
            .iter()
            .map(|(t, _)| baogao::normalize::for_matching(t).len())
            .sum::<usize>()
    });
    let jieba_all = || {
        paragraphs
            .par_iter()
            .map(|(t, _)| jieba.cut(t, false).len())
            .sum::<usize>()
    };
    // Read and segment every report on all cores, and sum what `f` makes of each.
    let each_report = |f: &(dyn Fn(Report) -> usize + Sync)| {
        files
            .par_iter()
            .filter_map(|path| read_path(path, &opts).ok())
            .filter_map(|doc| segment(&doc, &SegmentOptions::default()).ok())
            .map(f)
            .sum::<usize>()
    };
    let classify_opts = baogao::classifying::ClassifyOptions {
        top_terms: 0,
        ..Default::default()
    };
    let classify_all = || {
        each_report(&|r| {
            baogao::classifying::classify_report(&model, r.paragraphs, &classify_opts)
                .iter()
                .map(|p| p.predicted)
                .sum()
        })
    };
    // What classification does before vectorizing: read, segment and tokenize each report (the
    // tokens unfiltered, as the vectorizer asks for them), nothing after.
    let tokenize_all = || {
        each_report(&|r| {
            let mut n = 0;
            for p in &r.paragraphs {
                tok.each_token_unfiltered(&p.text, |w| n += w.len());
            }
            n
        })
    };
    // The three in turn, so that a slow spell of the (shared) machine falls on all alike; each
    // ratio is the median of the turns' ratios.
    let words = jieba_all();
    let (mut t_jieba_all, mut t_classify_all) = (f64::INFINITY, f64::INFINITY);
    let mut ratios = Vec::new();
    let mut ceilings = Vec::new();
    let mut classify_times = Vec::new();
    for _ in 0..7 {
        let (tj, _) = best(1, jieba_all);
        let (tc, _) = best(1, classify_all);
        let (tt, _) = best(1, tokenize_all);
        t_jieba_all = t_jieba_all.min(tj);
        t_classify_all = t_classify_all.min(tc);
        ratios.push(tj / tc);
        ceilings.push(tj / tt);
        classify_times.push(tc);
    }
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    ceilings.sort_by(f64::total_cmp);
    classify_times.sort_by(f64::total_cmp);

    println!("files: {}", files.len());
    println!("file_mb: {:.3}", file_bytes as f64 / 1e6);
    println!("paragraphs: {}", paragraphs.len());
    println!("paragraph_text_mb: {mb:.3}");
    println!("jieba_words: {words}");
    println!("threads: {}", rayon::current_num_threads());
    println!("model_load_s: {t_load:.4}");
    println!(
        "stage_read_mb_per_s: {:.2}",
        file_bytes as f64 / 1e6 / t_read
    );
    println!(
        "stage_segment_mb_per_s: {:.2}",
        file_bytes as f64 / 1e6 / t_seg
    );
    println!("stage_tokenize_mb_per_s: {:.2}", mb / t_tok);
    println!("  of which normalize_mb_per_s: {:.2}", mb / t_norm);
    println!("  of which jieba_only_mb_per_s: {:.2}", mb / t_jieba_one);
    println!("stage_vectorize_mb_per_s: {:.2}", mb / t_vec);
    println!("stage_predict_mb_per_s: {:.2}", mb / t_pred);
    println!(
        "text_to_label_one_core_mb_per_s: {:.2}",
        mb / t_text_to_label
    );
    println!("text_to_label_two_pass_mb_per_s: {:.2}", mb / t_split);
    println!("all_cores_jieba_only_mb_per_s: {:.2}", mb / t_jieba_all);
    println!("all_cores_classify_mb_per_s: {:.2}", mb / t_classify_all);
    // The whole classification of the files after start-up, without output: what the anchor
    // script times as its `classify_s`.
    println!(
        "all_cores_classify_s: {:.4}",
        classify_times[classify_times.len() / 2]
    );
    println!("classify_vs_jieba_only: {ratio:.3}");
    println!("classify_vs_jieba_only_min: {:.3}", ratios[0]);
    println!(
        "classify_vs_jieba_only_max: {:.3}",
        ratios[ratios.len() - 1]
    );
    println!(
        "tokenize_only_vs_jieba_only: {:.3}",
        ceilings[ceilings.len() / 2]
    );
}
