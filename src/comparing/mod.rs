//! Comparing: theme shares per report (by characters or paragraphs) with bootstrap intervals,
//! an adjusted estimate that corrects classify-and-count with the model's cross-validated
//! confusion matrix, theme diversity, and the shifts between reports — which themes rose or fell
//! and which terms moved within each theme.

pub mod html;
pub mod spill;
pub mod tables;

use crate::classifying::Classified;

/// What a share is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Share of the report's characters (paragraph lengths vary tenfold)
    Chars,
    /// Share of the report's paragraphs
    Paragraphs,
}

impl Measure {
    /// How the measure is named in charts and tables for people.
    pub fn chinese(self) -> &'static str {
        match self {
            Measure::Chars => "按字数",
            Measure::Paragraphs => "按段落数",
        }
    }
}

/// Which estimate of the shares is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Estimate {
    /// The shares of the predicted labels as they are.
    ClassifyAndCount,
    /// Shares corrected with the model's cross-validated confusion matrix.
    Adjusted,
}

/// A classified report as comparing keeps it: what its measures need, without its paragraphs'
/// text or vectors, so that comparing many reports holds one report's paragraphs at a time.
#[derive(Debug, Clone)]
pub struct ReportDigest {
    pub name: String,
    pub year: Option<i32>,
    pub place: Option<String>,
    /// Where it was read from.
    pub source: String,
    /// Each paragraph's label (an index into the model's labels) and characters, in order.
    pub paragraphs: Vec<(usize, usize)>,
}

/// Mean TF-IDF weight of each feature (by index, ascending) over the paragraphs of each label.
pub type TermWeights = Vec<Vec<(u32, f64)>>;

/// The term weights of a report's classified paragraphs, for a model with `n_labels` labels (for
/// term shifts).
pub fn term_weights(paragraphs: &[Classified], n_labels: usize) -> TermWeights {
    // Every (label, feature, weight) of the paragraphs, sorted by label and feature; the sort is
    // stable, so each sum adds its weights in paragraph order.
    let mut count = vec![0usize; n_labels];
    let mut entries: Vec<(u64, f32)> = Vec::new();
    for p in paragraphs {
        count[p.predicted] += 1;
        let label = (p.predicted as u64) << 32;
        entries.extend(
            p.vector
                .idx
                .iter()
                .zip(&p.vector.val)
                .map(|(&i, &w)| (label | i as u64, w)),
        );
    }
    entries.sort_by_key(|e| e.0);
    let mut weights: TermWeights = vec![Vec::new(); n_labels];
    for run in entries.chunk_by(|a, b| a.0 == b.0) {
        let (label, feature) = ((run[0].0 >> 32) as usize, run[0].0 as u32);
        let sum = run.iter().fold(0.0f64, |s, e| s + e.1 as f64);
        weights[label].push((feature, sum / count[label] as f64));
    }
    weights
}

/// One theme's share in one report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Share {
    /// The shown estimate (see [`Summary::estimate`]).
    pub share: f64,
    /// 95% bootstrap interval of the shown estimate.
    pub low: f64,
    pub high: f64,
    /// Classify-and-count share.
    pub raw: f64,
    /// Adjusted share (when the model has a cross-validated confusion matrix).
    pub adjusted: Option<f64>,
    /// Paragraphs labeled with the theme.
    pub paragraphs: usize,
    /// Characters of those paragraphs.
    pub chars: usize,
}

/// The measures of one report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub name: String,
    pub year: Option<i32>,
    pub place: Option<String>,
    pub paragraphs: usize,
    pub chars: usize,
    pub estimate: Estimate,
    /// One per label, in the model's label order.
    pub shares: Vec<Share>,
    /// Normalised entropy of the shown shares: 0 = one theme only, 1 = all themes equal.
    pub diversity: f64,
    /// Each paragraph's label and characters, in order (for strip charts).
    #[serde(skip)]
    pub strip: Vec<(usize, usize)>,
}

/// Settings of the measures.
#[derive(Debug, Clone)]
pub struct MeasureSettings {
    pub measure: Measure,
    /// Show the adjusted estimate instead of classify-and-count.
    pub adjust: bool,
    /// Bootstrap resamples for the intervals.
    pub resamples: usize,
}

impl Default for MeasureSettings {
    fn default() -> Self {
        MeasureSettings {
            measure: Measure::Chars,
            adjust: false,
            resamples: 1000,
        }
    }
}

/// Row-normalised confusion matrix: `m[i][j]` = P(predicted j | true i).
pub fn misclassification(confusion: &[Vec<usize>]) -> Option<Vec<Vec<f64>>> {
    let k = confusion.len();
    if k == 0 || confusion.iter().any(|r| r.len() != k) {
        return None;
    }
    Some(
        confusion
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let n: usize = row.iter().sum();
                if n == 0 {
                    // No evidence about this label: assume it is predicted as itself.
                    (0..k).map(|j| f64::from(u8::from(j == i))).collect()
                } else {
                    row.iter().map(|&c| c as f64 / n as f64).collect()
                }
            })
            .collect(),
    )
}

/// Adjusted classify-and-count: the true shares `p` on the simplex that best explain the observed
/// predicted shares `q` through `q_j = Σ_i p_i · m[i][j]` (least squares, projected gradient).
pub fn adjust(observed: &[f64], m: &[Vec<f64>]) -> Vec<f64> {
    let k = observed.len();
    let mut p = observed.to_vec();
    // Step size from a bound on the Lipschitz constant of the gradient (‖M‖² ≤ k for a
    // row-stochastic M).
    let step = 1.0 / (k as f64).max(1.0);
    for _ in 0..5000 {
        // residual r = Mᵀp − q; gradient = M r
        let r: Vec<f64> = (0..k)
            .map(|j| (0..k).map(|i| p[i] * m[i][j]).sum::<f64>() - observed[j])
            .collect();
        let g: Vec<f64> = (0..k)
            .map(|i| (0..k).map(|j| m[i][j] * r[j]).sum())
            .collect();
        let next: Vec<f64> = p.iter().zip(&g).map(|(a, b)| a - step * b).collect();
        let next = project_simplex(&next);
        let moved: f64 = next.iter().zip(&p).map(|(a, b)| (a - b).abs()).sum();
        p = next;
        if moved < 1e-12 {
            break;
        }
    }
    p
}

/// Euclidean projection onto the probability simplex.
fn project_simplex(v: &[f64]) -> Vec<f64> {
    let mut u = v.to_vec();
    u.sort_by(|a, b| b.total_cmp(a));
    let mut css = 0.0;
    let mut theta = 0.0;
    for (i, &x) in u.iter().enumerate() {
        css += x;
        let t = (css - 1.0) / (i + 1) as f64;
        if x - t > 0.0 {
            theta = t;
        }
    }
    v.iter().map(|&x| (x - theta).max(0.0)).collect()
}

/// Normalised entropy of shares.
pub fn diversity(shares: &[f64]) -> f64 {
    let k = shares.len();
    if k < 2 {
        return 0.0;
    }
    let h: f64 = shares
        .iter()
        .filter(|&&s| s > 0.0)
        .map(|&s| -s * s.ln())
        .sum();
    h / (k as f64).ln()
}

/// Shares of each label among `items` (label index, weight).
fn shares_of(items: impl Iterator<Item = (usize, f64)>, k: usize) -> Vec<f64> {
    let mut s = vec![0.0; k];
    let mut total = 0.0;
    for (l, w) in items {
        s[l] += w;
        total += w;
    }
    if total > 0.0 {
        s.iter_mut().for_each(|x| *x /= total);
    }
    s
}

/// A small deterministic random generator (SplitMix64) for the bootstrap.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn seed(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The measures of one classified report. `labels` are the model's labels; `m` its row-normalised
/// confusion matrix (for the adjusted estimate).
pub fn summarize(
    r: ReportDigest,
    labels: &[String],
    m: Option<&[Vec<f64>]>,
    settings: &MeasureSettings,
) -> Summary {
    let k = labels.len();
    let weight = |chars: usize| match settings.measure {
        Measure::Chars => chars as f64,
        Measure::Paragraphs => 1.0,
    };
    let items: Vec<(usize, f64)> = r
        .paragraphs
        .iter()
        .map(|&(label, chars)| (label, weight(chars)))
        .collect();
    let raw = shares_of(items.iter().copied(), k);
    let adjusted = m.map(|m| adjust(&raw, m));
    let estimate = if settings.adjust && adjusted.is_some() {
        Estimate::Adjusted
    } else {
        Estimate::ClassifyAndCount
    };
    // Bootstrap over paragraphs: resample, recompute the shown estimate, take percentiles.
    let mut rng = SplitMix(seed(&r.name));
    let n = items.len();
    let mut reps: Vec<Vec<f64>> = vec![Vec::with_capacity(settings.resamples); k];
    if n > 0 {
        for _ in 0..settings.resamples {
            let s = shares_of((0..n).map(|_| items[rng.below(n)]), k);
            let s = match (estimate, m) {
                (Estimate::Adjusted, Some(m)) => adjust(&s, m),
                _ => s,
            };
            for (l, v) in s.into_iter().enumerate() {
                reps[l].push(v);
            }
        }
    }
    let shown = match estimate {
        Estimate::Adjusted => adjusted.clone().expect("checked above"),
        Estimate::ClassifyAndCount => raw.clone(),
    };
    let shares = (0..k)
        .map(|l| {
            let mut v = std::mem::take(&mut reps[l]);
            // The value of rank `q` (as if sorted): two ranks are needed, not the whole order.
            let mut pct = |q: f64| {
                if v.is_empty() {
                    shown[l]
                } else {
                    let rank = ((v.len() - 1) as f64 * q).round() as usize;
                    *v.select_nth_unstable_by(rank, f64::total_cmp).1
                }
            };
            let of_label = r.paragraphs.iter().filter(|p| p.0 == l);
            Share {
                share: shown[l],
                low: pct(0.025).min(shown[l]),
                high: pct(0.975).max(shown[l]),
                raw: raw[l],
                adjusted: adjusted.as_ref().map(|a| a[l]),
                paragraphs: of_label.clone().count(),
                chars: of_label.map(|p| p.1).sum(),
            }
        })
        .collect::<Vec<_>>();
    Summary {
        paragraphs: r.paragraphs.len(),
        chars: r.paragraphs.iter().map(|p| p.1).sum(),
        name: r.name,
        year: r.year,
        place: r.place,
        estimate,
        diversity: diversity(&shown),
        shares,
        strip: r.paragraphs,
    }
}

/// Term weights as bytes (per label: the count, then feature and weight of each; little-endian),
/// to set aside while other reports are read.
pub fn encode_term_weights(w: &TermWeights) -> Vec<u8> {
    let mut out = Vec::with_capacity(w.iter().map(|l| 4 + 12 * l.len()).sum());
    for label in w {
        out.extend_from_slice(&(label.len() as u32).to_le_bytes());
        for &(i, x) in label {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    out
}

/// The term weights [`encode_term_weights`] wrote (`None` if the bytes are not such).
pub fn decode_term_weights(mut b: &[u8]) -> Option<TermWeights> {
    fn take<const N: usize>(b: &mut &[u8]) -> Option<[u8; N]> {
        let (head, rest) = b.split_first_chunk::<N>()?;
        *b = rest;
        Some(*head)
    }
    let mut w = Vec::new();
    while !b.is_empty() {
        let n = u32::from_le_bytes(take(&mut b)?) as usize;
        let mut label = Vec::with_capacity(n.min(b.len() / 12));
        for _ in 0..n {
            let i = u32::from_le_bytes(take(&mut b)?);
            let x = f64::from_le_bytes(take(&mut b)?);
            label.push((i, x));
        }
        w.push(label);
    }
    Some(w)
}

/// The change `b − a` of every feature in either of two sorted weight lists (a missing weight
/// is 0), by feature, ascending.
fn weight_changes<'a>(
    a: &'a [(u32, f64)],
    b: &'a [(u32, f64)],
) -> impl Iterator<Item = (u32, f64)> + 'a {
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    std::iter::from_fn(move || match (a.peek().copied(), b.peek().copied()) {
        (Some(&(i, x)), Some(&(j, y))) if i == j => {
            a.next();
            b.next();
            Some((i, y - x))
        }
        (Some(&(i, x)), Some(&(j, _))) if i < j => {
            a.next();
            Some((i, 0.0 - x))
        }
        (Some(&(i, x)), None) => {
            a.next();
            Some((i, 0.0 - x))
        }
        (_, Some(&(j, y))) => {
            b.next();
            Some((j, y - 0.0))
        }
        (None, None) => None,
    })
}

/// A theme's change between two reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Shift {
    pub from: String,
    pub to: String,
    pub label: String,
    pub before: f64,
    pub after: f64,
    pub change: f64,
    /// The change is larger than the reports' intervals allow by chance (the intervals of the two
    /// shares do not overlap).
    pub notable: bool,
    /// Terms whose weight within this theme rose most, and fell most.
    pub rising: Vec<(String, f64)>,
    pub falling: Vec<(String, f64)>,
}

/// Shifts between consecutive reports, or from `baseline` to every other report. `weights(i)`
/// gives the term weights of report `i` (read when needed: two reports' at a time are held);
/// `terms` are the model's feature names; `top` how many rising and falling terms to keep per
/// theme.
pub fn shifts(
    summaries: &[Summary],
    weights: &dyn Fn(usize) -> crate::error::Result<TermWeights>,
    labels: &[String],
    terms: &[String],
    baseline: Option<usize>,
    top: usize,
) -> crate::error::Result<Vec<Shift>> {
    let pairs: Vec<(usize, usize)> = match baseline {
        Some(b) => (0..summaries.len())
            .filter(|&i| i != b)
            .map(|i| (b, i))
            .collect(),
        None => (1..summaries.len()).map(|i| (i - 1, i)).collect(),
    };
    let mut out = Vec::new();
    // The weights of the last two reports read: consecutive pairs share one report, and pairs
    // from a baseline share the baseline.
    let mut held: Vec<(usize, std::rc::Rc<TermWeights>)> = Vec::new();
    let mut read = |i: usize| -> crate::error::Result<std::rc::Rc<TermWeights>> {
        if let Some((_, w)) = held.iter().find(|(j, _)| *j == i) {
            return Ok(w.clone());
        }
        let w = std::rc::Rc::new(weights(i)?);
        if held.len() == 2 {
            held.remove(0);
        }
        held.push((i, w.clone()));
        Ok(w)
    };
    for (a, b) in pairs {
        let (sa, sb) = (&summaries[a], &summaries[b]);
        let (weights_a, weights_b) = (read(a)?, read(b)?);
        for (l, label) in labels.iter().enumerate() {
            let (x, y) = (&sa.shares[l], &sb.shares[l]);
            let notable = y.low > x.high || y.high < x.low;
            let empty = Vec::new();
            let wa = weights_a.get(l).unwrap_or(&empty);
            let wb = weights_b.get(l).unwrap_or(&empty);
            let mut deltas: Vec<(String, f64)> = weight_changes(wa, wb)
                .map(|(i, d)| (&terms[i as usize], d))
                // Heading words and class tokens say little about what a theme talks about.
                .filter(|(t, _)| !t.starts_with('^') && !t.contains('<'))
                .filter(|(_, d)| d.abs() > 1e-9)
                .map(|(t, d)| (t.replace(' ', ""), d))
                .collect();
            deltas.sort_by(|p, q| q.1.total_cmp(&p.1).then_with(|| p.0.cmp(&q.0)));
            let rising = deltas
                .iter()
                .filter(|d| d.1 > 0.0)
                .take(top)
                .cloned()
                .collect();
            let falling = deltas
                .iter()
                .rev()
                .filter(|d| d.1 < 0.0)
                .take(top)
                .cloned()
                .collect();
            out.push(Shift {
                from: sa.name.clone(),
                to: sb.name.clone(),
                label: label.clone(),
                before: x.share,
                after: y.share,
                change: y.share - x.share,
                notable,
                rising,
                falling,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjustment_inverts_a_known_confusion() {
        // True shares (0.5, 0.3, 0.2); the classifier confuses label 0 with 1 a fifth of the time.
        let m = vec![
            vec![0.8, 0.2, 0.0],
            vec![0.1, 0.9, 0.0],
            vec![0.0, 0.0, 1.0],
        ];
        let p = [0.5, 0.3, 0.2];
        let q: Vec<f64> = (0..3)
            .map(|j| (0..3).map(|i| p[i] * m[i][j]).sum())
            .collect();
        let est = adjust(&q, &m);
        for (a, b) in est.iter().zip(p) {
            assert!((a - b).abs() < 1e-6, "{est:?}");
        }
        // Never outside the simplex, even for impossible observations.
        let est = adjust(&[0.0, 0.0, 1.0], &m);
        assert!(est.iter().all(|&x| x >= 0.0) && (est.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn term_weights_round_trip_through_bytes() {
        let w: TermWeights = vec![
            vec![(0, 0.5), (7, 1e-12), (u32::MAX, -3.25)],
            vec![],
            vec![(42, f64::MIN_POSITIVE)],
        ];
        let bytes = encode_term_weights(&w);
        assert_eq!(bytes.len(), 3 * 4 + 4 * 12);
        assert_eq!(decode_term_weights(&bytes), Some(w));
        assert_eq!(decode_term_weights(&[]), Some(vec![]));
        assert_eq!(decode_term_weights(&bytes[..bytes.len() - 1]), None);
    }

    #[test]
    fn diversity_bounds() {
        assert_eq!(diversity(&[1.0, 0.0, 0.0]), 0.0);
        assert!((diversity(&[0.25; 4]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn misclassification_rows_sum_to_one() {
        let m = misclassification(&[vec![8, 2], vec![0, 0]]).unwrap();
        assert_eq!(m, vec![vec![0.8, 0.2], vec![0.0, 1.0]]);
    }
}
