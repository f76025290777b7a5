//! `baogao compare`: tables, charts, HTML, safety of the output folder, and the promised accuracy
//! of shares on the gold paragraphs.

mod common;

use common::*;
use serde_json::Value;
use std::collections::HashMap;
use std::fs;

/// Three small reports of one invented county, 2016, 2018 and 2020, written by us.
fn county_reports(dir: &std::path::Path) -> Vec<String> {
    let years = [
        (2016, "全县建档立卡贫困户全部落实帮扶责任人，易地扶贫搬迁安置点建成入住。\n新建扶贫车间十二个，带动贫困群众就近就业八百人。\n全年新上工业项目八个，规模以上工业增加值增长百分之六。\n"),
        (2018, "全年退出贫困村二十个，贫困发生率降至百分之一以下。\n开展扫黑除恶专项斗争，打掉涉黑涉恶团伙五个。\n新建污水处理厂一座，县城污水集中处理率达到百分之九十。\n"),
        (2020, "全县新签约亿元以上项目三十个，开发区主营业务收入突破百亿元。\n规模以上工业增加值增长百分之八，高新技术企业达到四十家。\n招商引资到位资金一百二十亿元，营商环境持续优化。\n"),
    ];
    years
        .iter()
        .map(|(y, body)| {
            let p = dir.join(format!("样本县_{y}.txt"));
            fs::write(&p, format!("样本县人民政府工作报告\n各位代表：\n{body}")).unwrap();
            p.to_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn writes_tables_charts_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let files = county_reports(dir.path());
    let out = dir.path().join("out");
    let mut args = vec!["compare", "--out", out.to_str().unwrap()];
    args.extend(files.iter().rev().map(String::as_str)); // given out of order
    let r = baogao(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("脱贫攻坚") && r.stdout.contains("classify-and-count"),
        "{}",
        r.stdout
    );

    // Ordered by year; shares sum to 1 per report; intervals contain the share.
    let v: Value =
        serde_json::from_str(&fs::read_to_string(out.join("shares.json")).unwrap()).unwrap();
    let reports = v["reports"].as_array().unwrap();
    let years: Vec<i64> = reports
        .iter()
        .map(|r| r["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2016, 2018, 2020]);
    for r in reports {
        let shares = r["shares"].as_object().unwrap();
        let sum: f64 = shares.values().map(|s| s["share"].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-3, "{sum}");
        for s in shares.values() {
            let (lo, x, hi) = (
                s["low"].as_f64().unwrap(),
                s["share"].as_f64().unwrap(),
                s["high"].as_f64().unwrap(),
            );
            assert!(lo <= x && x <= hi, "{s}");
        }
    }
    let share = |i: usize, theme: &str| reports[i]["shares"][theme]["share"].as_f64().unwrap();
    assert!(share(0, "poverty") > 0.5, "2016 is about poverty");
    assert!(share(2, "industry") > 0.9, "2020 is about industry");

    let shifts = fs::read_to_string(out.join("shifts.csv")).unwrap();
    assert!(shifts.starts_with("\u{feff}from,to,theme,before,after,change,notable"));
    assert_eq!(shifts.lines().count(), 1 + 2 * 6);
    let csv = fs::read_to_string(out.join("shares.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 6);
    let paragraphs = fs::read_to_string(out.join("paragraphs.jsonl")).unwrap();
    assert_eq!(paragraphs.lines().count(), 3 * 4);
    // Each report's own paragraphs, in the reports' order (they are set aside as each report is
    // read, in another order, and copied out at the end).
    let records: Vec<Value> = paragraphs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let years: Vec<i64> = records
        .iter()
        .map(|r| r["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [[2016; 4], [2018; 4], [2020; 4]].concat());
    for r in &records {
        let year = r["year"].to_string();
        assert!(r["report"].as_str().unwrap().ends_with(&year), "{r}");
    }
    let text_of = |y: i64| -> String {
        records
            .iter()
            .filter(|r| r["year"] == y)
            .map(|r| r["text"].as_str().unwrap())
            .collect()
    };
    assert!(text_of(2016).contains("扶贫车间") && text_of(2020).contains("招商引资"));

    for chart in ["shares_stacked", "shares_lines", "heatmap", "strips"] {
        let svg = fs::read_to_string(out.join(format!("{chart}.svg"))).unwrap();
        assert!(svg.contains("<svg"), "{chart}");
    }
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("扶贫车间"));
    // Each report's section of the page holds its own paragraphs.
    let section = |y: i64| {
        let after = html
            .split(&format!("（{y}） — 4 段"))
            .nth(1)
            .expect("a section");
        after.split("</details>").next().unwrap().to_string()
    };
    assert!(section(2016).contains("扶贫车间") && !section(2016).contains("招商引资"));
    assert!(section(2020).contains("招商引资") && !section(2020).contains("扶贫车间"));
    assert!(!html.contains("<script"));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no network"
    );

    // Running again into the same folder replaces our own files…
    let r = baogao(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // …but never a file we did not write, unless --force.
    let other = tempfile::tempdir().unwrap();
    fs::write(other.path().join("shares.csv"), "mine").unwrap();
    let mut a2 = vec!["compare", "--out", other.path().to_str().unwrap()];
    a2.extend(files.iter().map(String::as_str));
    let r = baogao(&a2);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("shares.csv") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read_to_string(other.path().join("shares.csv")).unwrap(),
        "mine"
    );
    a2.push("--force");
    assert_eq!(baogao(&a2).code, 0);
}

#[test]
fn manifest_names_orders_and_dates_reports() {
    let dir = tempfile::tempdir().unwrap();
    let files = county_reports(dir.path());
    let manifest = dir.path().join("m.csv");
    fs::write(
        &manifest,
        format!(
            "file,name,year,place\n{},最新,2021,样本县\n{},最早,,\n",
            files[2], files[0]
        ),
    )
    .unwrap();
    let r = baogao(&["compare", "--manifest", manifest.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<&str> = r
        .stdout
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, ["最新", "最早"], "{}", r.stdout);
    assert!(r.stdout.contains("2021"));
    fs::write(&manifest, "path,name\nx.txt,a\n").unwrap();
    let r = baogao(&["compare", "--manifest", manifest.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("m.csv:1") && r.stderr.contains("`file` column"),
        "{}",
        r.stderr
    );
}

#[test]
fn seeds_lead_with_their_themes() {
    let Some(corpus) = corpus() else { return };
    let seeds: Vec<String> = (1..=4)
        .map(|n| {
            corpus
                .join(format!("seed/seed-{n}.txt"))
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["compare", "--out", dir.path().to_str().unwrap()];
    args.extend(seeds.iter().map(String::as_str));
    let r = baogao(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("shares.json")).unwrap()).unwrap();
    let leader = |name: &str| {
        let r = v["reports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["report"] == name)
            .unwrap();
        r["shares"]
            .as_object()
            .unwrap()
            .iter()
            .max_by(|a, b| {
                a.1["share"]
                    .as_f64()
                    .unwrap()
                    .total_cmp(&b.1["share"].as_f64().unwrap())
            })
            .unwrap()
            .0
            .clone()
    };
    assert_eq!(leader("seed-1"), "sanitation");
    assert_eq!(leader("seed-3"), "sanitation");
    assert_eq!(leader("seed-4"), "industry");
}

/// Character shares on the gold paragraphs are close to the gold shares (mean absolute error per
/// theme and report), with and without the adjustment.
#[test]
fn shares_on_gold_paragraphs_are_close_to_gold() {
    let Some(corpus) = corpus() else { return };
    let gold_path = corpus.join("labels/dev.jsonl");
    let mut gold: HashMap<String, HashMap<String, f64>> = HashMap::new();
    let mut total: HashMap<String, f64> = HashMap::new();
    for line in fs::read_to_string(&gold_path).unwrap().lines() {
        let g: Value = serde_json::from_str(line).unwrap();
        let n = g["text"].as_str().unwrap().chars().count() as f64;
        let rep = g["report"].as_str().unwrap().to_string();
        *gold
            .entry(rep.clone())
            .or_default()
            .entry(g["label"].as_str().unwrap().to_string())
            .or_default() += n;
        *total.entry(rep).or_default() += n;
    }
    for adjust in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec![
            "compare",
            gold_path.to_str().unwrap(),
            "--out",
            dir.path().to_str().unwrap(),
        ];
        if adjust {
            args.push("--adjust");
        }
        let r = baogao(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Value =
            serde_json::from_str(&fs::read_to_string(dir.path().join("shares.json")).unwrap())
                .unwrap();
        let mut errors = Vec::new();
        for rep in v["reports"].as_array().unwrap() {
            let name = rep["report"].as_str().unwrap();
            for (theme, s) in rep["shares"].as_object().unwrap() {
                let g = gold[name].get(theme).copied().unwrap_or(0.0) / total[name];
                errors.push((s["share"].as_f64().unwrap() - g).abs());
            }
        }
        let mae = errors.iter().sum::<f64>() / errors.len() as f64;
        eprintln!(
            "adjust={adjust}: mean absolute error {mae:.4} over {} report-theme cells",
            errors.len()
        );
        assert!(mae <= 0.06, "adjust={adjust}: MAE {mae}");
    }
}

/// A browser that can run headless, if the machine has one (`.ci/run` installs Debian's
/// `chromium`).
fn chromium() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("BAOGAO_CHROMIUM") {
        return Some(p.into());
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.exists())
}

#[test]
fn html_renders_in_headless_chromium_and_report_text_never_runs() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (install Debian's `chromium` to run this check)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Report text that would run as code, close the SVG or break attributes if not escaped.
    let hostile = "一、环境整治\n\
        全县新建污水处理厂两座<script>document.documentElement.setAttribute('data-pwned','script')</script>，\
        农村卫生厕所普及率达到百分之九十。\n\
        二、产业发展\n\
        新上工业项目十个</svg><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">，\
        规上工业增加值增长百分之八 & \"质量\" '效益'\u{1}。\n";
    let report = dir.path().join("注入县_2021.txt");
    fs::write(&report, format!("注入县政府工作报告\n{hostile}")).unwrap();
    let out = dir.path().join("out");
    let r = baogao(&[
        "compare",
        "--out",
        out.to_str().unwrap(),
        report.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = out.join("index.html");
    let profile = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("running chromium");
    let dom = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && dom.contains("<body"),
        "chromium failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The page rendered: its charts and the report's paragraphs are in the live DOM…
    assert!(
        dom.contains("<svg") && dom.contains("农村卫生厕所普及率"),
        "{dom}"
    );
    // …the hostile text is shown as text, and nothing in it ran.
    assert!(dom.contains("&lt;script&gt;"), "script tag shown as text");
    // (Had either handler run, `<html>` would carry the attribute `data-pwned="…"`.)
    assert!(!dom.contains("data-pwned=\""), "report text ran as code");
    assert!(
        !dom.contains("<img src=\"x\""),
        "report text became an element"
    );
}

#[test]
fn nothing_readable_is_a_failure_not_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("空甲.txt");
    let b = dir.path().join("空乙.txt");
    fs::write(&a, "").unwrap();
    fs::write(&b, "   \n").unwrap();
    let out = dir.path().join("out");
    let r = baogao(&[
        "compare",
        "--out",
        out.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("空甲.txt") && r.stderr.contains("空乙.txt"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("none of the 2 inputs"), "{}", r.stderr);
    assert!(!out.exists(), "no output folder for a failed run");
}

#[test]
fn paragraph_files_give_one_report_per_name() {
    let dir = tempfile::tempdir().unwrap();
    let f = interleaved_paragraphs(dir.path());
    let out = dir.path().join("out");
    let r = baogao(&[
        "compare",
        f.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value =
        serde_json::from_str(&fs::read_to_string(out.join("shares.json")).unwrap()).unwrap();
    // Unlike classify, which follows the file's runs, compare gathers each name's paragraphs.
    let reports: Vec<(String, i64, i64)> = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["report"].as_str().unwrap().to_string(),
                r["year"].as_i64().unwrap(),
                r["paragraphs"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reports,
        [
            ("甲县_2020".to_string(), 2020, 2),
            ("乙县_2021".to_string(), 2021, 1)
        ]
    );
}
