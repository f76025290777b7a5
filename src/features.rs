//! Features: TF-IDF over word unigrams and bigrams, plus the paragraph's heading as extra,
//! down-weighted context (`^词` features), with sublinear tf, smoothed idf, document-frequency
//! limits, a vocabulary cap and L2 normalisation.
//!
//! The IDF is learned once from the training corpus and stored in the model; prediction applies
//! it to each paragraph alone (unlike linfa-preprocessing's `TfIdfVectorizer::transform`, which
//! recomputes IDF from whatever batch it is given).

use crate::error::{Error, Result};
use crate::tokenizing::Tokenizer;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

/// How paragraphs become vectors. Every field has a default and is stored in the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeatureSettings {
    /// Add word bigrams to unigrams.
    pub bigrams: bool,
    /// Use 1 + ln(tf) instead of raw counts.
    pub sublinear_tf: bool,
    /// Smooth IDF as if one extra document held every term: ln((1+n)/(1+df)) + 1.
    pub smooth_idf: bool,
    /// Keep terms found in at least this many training paragraphs.
    pub min_df: usize,
    /// Drop terms found in more than this fraction of training paragraphs.
    pub max_df: f64,
    /// Keep at most this many terms.
    pub max_features: usize,
    /// How to choose the terms kept when there are more than `max_features`.
    pub selection: Selection,
    /// Weight of heading words relative to body words; 0 ignores headings.
    pub heading_weight: f32,

    /// Let jieba guess words that are in neither dictionary (HMM).
    pub hmm: bool,
}

impl Default for FeatureSettings {
    fn default() -> Self {
        FeatureSettings {
            bigrams: true,
            sublinear_tf: true,
            smooth_idf: true,
            min_df: 2,
            max_df: 0.5,
            max_features: 60_000,
            selection: Selection::Df,
            heading_weight: 0.5,
            hmm: false,
        }
    }
}

impl FeatureSettings {
    /// Check that the values make sense.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Usage(m));
        if self.min_df == 0 {
            return bad("min_df must be at least 1".into());
        }
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return bad(format!("max_df must be in (0, 1], not {}", self.max_df));
        }
        if self.max_features < 10 {
            return bad(format!(
                "max_features must be at least 10, not {}",
                self.max_features
            ));
        }
        if !(0.0..=10.0).contains(&self.heading_weight) {
            return bad(format!(
                "heading_weight must be between 0 and 10, not {}",
                self.heading_weight
            ));
        }
        Ok(())
    }
}

/// How terms are ranked for the vocabulary cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Selection {
    /// The most frequent terms (document frequency)
    Df,
    /// The terms most associated with some label (χ² of presence against each label, the
    /// largest over labels)
    Chi2,
}

/// Document frequencies of terms while fitting: for each term, the number of paragraphs holding
/// it, then that number per label (`1 + n_labels` counts per term, in one flat vector).
struct DocFrequency<'t> {
    index: HashMap<&'t str, u32>,
    terms: Vec<&'t str>,
    counts: Vec<u32>,
    n_labels: usize,
}

impl<'t> DocFrequency<'t> {
    fn new(n_labels: usize, capacity: usize) -> DocFrequency<'t> {
        DocFrequency {
            index: HashMap::with_capacity_and_hasher(capacity, Default::default()),
            terms: Vec::with_capacity(capacity),
            counts: Vec::with_capacity(capacity * (1 + n_labels)),
            n_labels,
        }
    }

    /// Count one paragraph of `label` holding `term`.
    fn add(&mut self, term: &'t str, label: usize) {
        self.add_counts(term, |c| {
            c[0] += 1;
            c[1 + label] += 1;
        })
    }

    fn add_counts(&mut self, term: &'t str, f: impl FnOnce(&mut [u32])) {
        let width = 1 + self.n_labels;
        let next = self.terms.len() as u32;
        let id = *self.index.entry(term).or_insert(next) as usize;
        if id == self.terms.len() {
            self.terms.push(term);
            self.counts.resize(self.counts.len() + width, 0);
        }
        f(&mut self.counts[id * width..(id + 1) * width]);
    }

    /// The sums of two tables.
    fn merge(a: DocFrequency<'t>, b: DocFrequency<'t>) -> DocFrequency<'t> {
        let (mut big, small) = if a.terms.len() >= b.terms.len() {
            (a, b)
        } else {
            (b, a)
        };
        let width = 1 + small.n_labels;
        for (t, c) in small.terms.iter().zip(small.counts.chunks_exact(width)) {
            big.add_counts(t, |into| into.iter_mut().zip(c).for_each(|(x, y)| *x += y));
        }
        big
    }
}

/// A sparse vector: sorted feature indices and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVec {
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

impl SparseVec {
    /// Dot product with a dense row.
    pub fn dot(&self, dense: &[f32]) -> f32 {
        self.idx
            .iter()
            .zip(&self.val)
            .map(|(&i, &v)| dense[i as usize] * v)
            .sum()
    }
}

/// The tokens of one paragraph: body words and heading words.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub body: Vec<String>,
    pub heading: Vec<String>,
}

impl Tokens {
    /// Tokenize a paragraph and its heading.
    pub fn of(tokenizer: &Tokenizer, text: &str, heading: Option<&str>) -> Tokens {
        Tokens {
            body: tokenizer.tokens(text),
            heading: heading.map(|h| tokenizer.tokens(h)).unwrap_or_default(),
        }
    }

    /// Every term of this paragraph with its count (unigrams, bigrams `a b`, headings `^a`).
    fn terms(&self, bigrams: bool, use_heading: bool, mut f: impl FnMut(&str, bool)) {
        let mut buf = String::new();
        for (i, w) in self.body.iter().enumerate() {
            f(w, false);
            if bigrams {
                if let Some(next) = self.body.get(i + 1) {
                    buf.clear();
                    buf.push_str(w);
                    buf.push(' ');
                    buf.push_str(next);
                    f(&buf, false);
                }
            }
        }
        if use_heading {
            for w in &self.heading {
                buf.clear();
                buf.push('^');
                buf.push_str(w);
                f(&buf, true);
            }
        }
    }
}

/// A fitted TF-IDF vocabulary.
#[derive(Debug, Clone)]
pub struct Vectorizer {
    pub settings: FeatureSettings,
    /// Feature names: `词`, `词 词` (bigram) or `^词` (heading word).
    pub terms: Vec<String>,
    pub idf: Vec<f32>,
    /// The vocabulary keyed by word ids: one string lookup per token instead of one per
    /// unigram, bigram and heading term.
    words: WordIndex,
}

/// Word → id. A word of at most 15 bytes (nearly every Chinese word) is keyed by its bytes and
/// length packed into an integer, so a lookup hashes and compares one integer and never follows
/// a pointer to a stored string: words of up to 7 bytes (two Chinese characters, the most
/// common) in a `u64` table small enough to stay in cache, up to 15 bytes in a `u128` table;
/// longer words are keyed by the string.
#[derive(Debug, Clone, Default)]
struct WordMap {
    short: HashMap<u64, u32>,
    medium: HashMap<u128, u32>,
    long: HashMap<Box<str>, u32>,
}

enum WordKey<'a> {
    Short(u64),
    Medium(u128),
    Long(&'a str),
}

impl WordMap {
    #[inline]
    fn key(word: &str) -> WordKey<'_> {
        let b = word.as_bytes();
        let n = b.len();
        // The bytes in little-endian order with the length in the top byte, read as two
        // (possibly overlapping) loads instead of a copy of variable length.
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")) as u64;
        let u64_at =
            |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes")) as u128;
        match n {
            0..=3 => {
                let k = b.iter().rev().fold(0u64, |k, &x| (k << 8) | x as u64);
                WordKey::Short(k | (n as u64) << 56)
            }
            4..=7 => {
                let k = u32_at(0) | u32_at(n - 4) << (8 * (n - 4));
                WordKey::Short(k | (n as u64) << 56)
            }
            8..=15 => {
                let k = u64_at(0) | u64_at(n - 8) << (8 * (n - 8));
                WordKey::Medium(k | (n as u128) << 120)
            }
            _ => WordKey::Long(word),
        }
    }

    #[inline]
    fn get(&self, word: &str) -> Option<u32> {
        match Self::key(word) {
            WordKey::Short(k) => self.short.get(&k).copied(),
            WordKey::Medium(k) => self.medium.get(&k).copied(),
            WordKey::Long(w) => self.long.get(w).copied(),
        }
    }

    fn insert(&mut self, word: &str, id: u32) {
        match Self::key(word) {
            WordKey::Short(k) => self.short.insert(k, id),
            WordKey::Medium(k) => self.medium.insert(k, id),
            WordKey::Long(w) => self.long.insert(w.into(), id),
        };
    }
}

/// Word → id for every word in some term, and each kind of term by word ids.
#[derive(Debug, Clone, Default)]
struct WordIndex {
    ids: WordMap,
    /// Feature of the unigram, per word id (`NONE` if not a term).
    unigram: Vec<u32>,
    /// Feature of the heading word `^w`, per word id.
    heading: Vec<u32>,
    /// Feature of the bigram `a b`, keyed by `(a << 32) | b`.
    bigram: HashMap<u64, u32>,
    /// True when the stopwords are in `ids` (as `STOP`), so tokens need no separate check.
    has_stopwords: bool,
}

const NONE: u32 = u32::MAX;
/// The word id of a stopword (see [`Vectorizer::skip_stopwords`]).
const STOP: u32 = u32::MAX - 1;

/// The weighted features of one heading (see [`Vectorizer::heading_features`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeadingFeatures(Vec<(u32, f32)>);

/// Feature occurrences of one paragraph, fed a token at a time.
struct Counter<'a> {
    v: &'a Vectorizer,
    /// The previous body token's word id (`None` when it is in no term, so no bigram follows).
    prev: Option<u32>,
    counts: Vec<(u32, f32)>,
}

impl<'a> Counter<'a> {
    fn new(v: &'a Vectorizer, capacity: usize) -> Counter<'a> {
        Counter {
            v,
            prev: None,
            counts: Vec::with_capacity(capacity),
        }
    }

    fn body(&mut self, token: &str) {
        let w = &self.v.words;
        let id = w.ids.get(token);
        if id == Some(STOP) {
            // A stopword is skipped as if it were not there: the words around it form a bigram.
            return;
        }
        if let Some(id) = id {
            let f = w.unigram[id as usize];
            if f != NONE {
                self.counts.push((f, 1.0));
            }
            if let (true, Some(p)) = (self.v.settings.bigrams, self.prev) {
                if let Some(&f) = w.bigram.get(&(((p as u64) << 32) | id as u64)) {
                    self.counts.push((f, 1.0));
                }
            }
        }
        self.prev = id;
    }

    fn heading(&mut self, token: &str) {
        let w = &self.v.words;
        if let Some(id) = w.ids.get(token).filter(|&id| id != STOP) {
            let f = w.heading[id as usize];
            if f != NONE {
                self.counts.push((f, self.v.settings.heading_weight));
            }
        }
    }
}

impl WordIndex {
    fn new(terms: &[String]) -> WordIndex {
        let mut w = WordIndex::default();
        for (f, t) in terms.iter().enumerate() {
            let f = f as u32;
            if let Some(h) = t.strip_prefix('^') {
                let id = w.id(h);
                w.heading[id as usize] = f;
            } else if let Some((a, b)) = t.split_once(' ') {
                let (a, b) = (w.id(a), w.id(b));
                w.bigram.insert(((a as u64) << 32) | b as u64, f);
            } else {
                let id = w.id(t);
                w.unigram[id as usize] = f;
            }
        }
        w
    }

    /// Put the stopwords in the index, so one lookup per token tells a term from a stopword
    /// from neither. A vocabulary term is never a stopword (terms come from filtered tokens).
    fn add_stopwords<'s>(&mut self, stopwords: impl Iterator<Item = &'s str>) {
        for w in stopwords {
            if self.ids.get(w).is_none() {
                self.ids.insert(w, STOP);
            }
        }
        self.has_stopwords = true;
    }

    fn id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return id;
        }
        let id = self.unigram.len() as u32;
        self.ids.insert(word, id);
        self.unigram.push(NONE);
        self.heading.push(NONE);
        id
    }
}

impl Vectorizer {
    /// Learn the vocabulary and IDF from tokenized training paragraphs; `labels` (an index in
    /// `0..n_labels` per paragraph) is used by χ² selection.
    pub fn fit<D: std::borrow::Borrow<Tokens> + Sync>(
        docs: &[D],
        labels: &[usize],
        n_labels: usize,
        settings: &FeatureSettings,
    ) -> Result<Vectorizer> {
        let use_heading = settings.heading_weight > 0.0;
        let per_doc: Vec<Vec<String>> = docs
            .par_iter()
            .map(|d| {
                let mut seen: Vec<String> = Vec::new();
                d.borrow().terms(settings.bigrams, use_heading, |t, _| {
                    seen.push(t.to_string())
                });
                seen.sort_unstable();
                seen.dedup();
                seen
            })
            .collect();
        // Document frequency in all, and per label: counted per chunk of paragraphs on all
        // cores, then summed (sums do not depend on the chunking).
        let chunk = per_doc
            .len()
            .div_ceil(2 * rayon::current_num_threads())
            .max(256);
        let df = per_doc
            .par_chunks(chunk)
            .zip(labels.par_chunks(chunk))
            .map(|(terms, labels)| {
                let mut df = DocFrequency::new(n_labels, terms.len() * 32);
                for (terms, &label) in terms.iter().zip(labels) {
                    for t in terms {
                        df.add(t, label);
                    }
                }
                df
            })
            .reduce(|| DocFrequency::new(n_labels, 0), DocFrequency::merge);
        let n = docs.len();
        let max_df = (settings.max_df * n as f64).floor().max(1.0) as u32;
        let mut class_size = vec![0u32; n_labels];
        for &l in labels {
            class_size[l] += 1;
        }
        let mut kept: Vec<(&str, u32, f64)> = df
            .terms
            .iter()
            .zip(df.counts.chunks_exact(1 + n_labels))
            .filter(|(_, c)| c[0] as usize >= settings.min_df && c[0] <= max_df)
            .map(|(&t, c)| {
                let score = match settings.selection {
                    Selection::Df => c[0] as f64,
                    Selection::Chi2 => chi2(c[0], &c[1..], &class_size, n as u32),
                };
                (t, c[0], score)
            })
            .collect();
        // Best first; ties broken by frequency, then by the term itself, so the order never
        // depends on hashing.
        kept.sort_unstable_by(|a, b| {
            b.2.total_cmp(&a.2)
                .then_with(|| b.1.cmp(&a.1))
                .then_with(|| a.0.cmp(b.0))
        });
        kept.truncate(settings.max_features);
        let mut kept: Vec<(&str, u32)> = kept.into_iter().map(|(t, d, _)| (t, d)).collect();
        if kept.is_empty() {
            return Err(Error::Usage(format!(
                "no term is found in at least {} of the {n} training paragraphs; give more \
                 training data or lower min_df",
                settings.min_df
            )));
        }
        // Store in term order: stable, readable model files.
        kept.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let terms: Vec<String> = kept.iter().map(|(t, _)| t.to_string()).collect();
        let idf = kept
            .iter()
            .map(|&(_, d)| {
                let (n, d) = (n as f64, d as f64);
                let v = if settings.smooth_idf {
                    ((1.0 + n) / (1.0 + d)).ln() + 1.0
                } else {
                    (n / d).ln() + 1.0
                };
                v as f32
            })
            .collect();
        Ok(Vectorizer::from_parts(settings.clone(), terms, idf))
    }

    /// Rebuild a vectorizer from stored terms and IDF.
    pub fn from_parts(settings: FeatureSettings, terms: Vec<String>, idf: Vec<f32>) -> Vectorizer {
        let words = WordIndex::new(&terms);
        Vectorizer {
            settings,
            terms,
            idf,
            words,
        }
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when there are no features.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The TF-IDF vector of a tokenized paragraph.
    pub fn transform_tokens(&self, doc: &Tokens) -> SparseVec {
        let mut c = Counter::new(self, doc.body.len() * 2);
        doc.body.iter().for_each(|w| c.body(w));
        if self.settings.heading_weight > 0.0 {
            doc.heading.iter().for_each(|w| c.heading(w));
        }
        self.weigh(c.counts)
    }

    /// Tokenize and vectorize a paragraph in one pass, without keeping its tokens: the same
    /// vector as `transform_tokens(&Tokens::of(..))`, with no allocation per token.
    pub fn transform(&self, tokenizer: &Tokenizer, text: &str, heading: Option<&str>) -> SparseVec {
        self.transform_under(tokenizer, text, &self.heading_features(tokenizer, heading))
    }

    /// The features of a heading, to reuse for every paragraph under it.
    pub fn heading_features(
        &self,
        tokenizer: &Tokenizer,
        heading: Option<&str>,
    ) -> HeadingFeatures {
        let mut c = Counter::new(self, 16);
        if let Some(h) = heading.filter(|_| self.settings.heading_weight > 0.0) {
            self.each_token(tokenizer, h, |w| c.heading(w));
        }
        HeadingFeatures(c.counts)
    }

    /// [`transform`](Self::transform) with the heading's features computed beforehand.
    pub fn transform_under(
        &self,
        tokenizer: &Tokenizer,
        text: &str,
        heading: &HeadingFeatures,
    ) -> SparseVec {
        let mut c = Counter::new(self, text.len() / 4 + heading.0.len());
        self.each_token(tokenizer, text, |w| c.body(w));
        c.counts.extend_from_slice(&heading.0);
        self.weigh(c.counts)
    }

    /// Tell the vectorizer the tokenizer's stopwords, so that [`transform`](Self::transform)
    /// finds a token's term or stopword in one lookup.
    pub fn skip_stopwords<'s>(&mut self, stopwords: impl Iterator<Item = &'s str>) {
        self.words.add_stopwords(stopwords);
    }

    /// The tokens of `text`: unfiltered when the index knows the stopwords (the counter skips
    /// them), else filtered by the tokenizer.
    fn each_token(&self, tokenizer: &Tokenizer, text: &str, f: impl FnMut(&str)) {
        if self.words.has_stopwords {
            tokenizer.each_token_unfiltered(text, f)
        } else {
            tokenizer.each_token(text, f)
        }
    }

    /// Term counts (feature, weight per occurrence) → an L2-normalised TF-IDF vector.
    fn weigh(&self, mut counts: Vec<(u32, f32)>) -> SparseVec {
        let s = &self.settings;
        counts.sort_unstable_by_key(|&(i, _)| i);
        let mut v = SparseVec {
            idx: Vec::with_capacity(counts.len()),
            val: Vec::with_capacity(counts.len()),
        };
        let mut k = 0;
        while k < counts.len() {
            let i = counts[k].0;
            let weight = counts[k].1;
            let mut tf = 0.0f32;
            while k < counts.len() && counts[k].0 == i {
                tf += 1.0;
                k += 1;
            }
            let tf = if s.sublinear_tf { 1.0 + tf.ln() } else { tf };
            v.idx.push(i);
            v.val.push(tf * self.idf[i as usize] * weight);
        }
        let norm = v.val.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.val.iter_mut().for_each(|x| *x /= norm);
        }
        v
    }
}

/// The largest χ² statistic, over labels, of a term's presence against membership in the label
/// (2×2 contingency table of paragraphs).
fn chi2(df: u32, per_label: &[u32], class_size: &[u32], n: u32) -> f64 {
    let n = n as f64;
    let df = df as f64;
    per_label
        .iter()
        .zip(class_size)
        .map(|(&a, &size)| {
            let a = a as f64; // in label, has term
            let b = df - a; // other labels, has term
            let c = size as f64 - a; // in label, lacks term
            let d = n - df - c; // other labels, lacks term
            let den = (a + b) * (c + d) * (a + c) * (b + d);
            if den > 0.0 {
                n * (a * d - b * c).powi(2) / den
            } else {
                0.0
            }
        })
        .fold(0.0, f64::max)
}

/// Rows of sparse vectors as a dense f32 matrix (what linfa's solvers take). The matrix is in
/// column-major order: the matrix products in linfa's solvers pack it faster that way (about a
/// fifth less time in training, same results).
pub fn to_dense(rows: &[&SparseVec], n_features: usize) -> ndarray::Array2<f32> {
    use ndarray::ShapeBuilder;
    let mut m = ndarray::Array2::<f32>::zeros((rows.len(), n_features).f());
    for (r, v) in rows.iter().enumerate() {
        for (&i, &x) in v.idx.iter().zip(&v.val) {
            m[(r, i as usize)] = x;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(body: &[&str], heading: &[&str]) -> Tokens {
        Tokens {
            body: body.iter().map(|s| s.to_string()).collect(),
            heading: heading.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The vector built the plain way: every term string `Tokens::terms` yields, looked up by name.
    fn by_term_strings(v: &Vectorizer, d: &Tokens) -> SparseVec {
        let index: std::collections::HashMap<&str, u32> = v
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u32))
            .collect();
        let s = &v.settings;
        let mut counts = Vec::new();
        d.terms(s.bigrams, s.heading_weight > 0.0, |t, is_heading| {
            if let Some(&i) = index.get(t) {
                counts.push((i, if is_heading { s.heading_weight } else { 1.0 }));
            }
        });
        v.weigh(counts)
    }

    #[test]
    fn word_map_short_and_long_keys() {
        let mut m = WordMap::default();
        let words = [
            "的",
            "乡村振兴",
            "五个字的词",
            "六个汉字的词",
            "一二三四五六七八九十",
            "a",
            "a\0",
            "",
        ];
        for (i, w) in words.iter().enumerate() {
            m.insert(w, i as u32);
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(m.get(w), Some(i as u32), "{w}");
        }
        assert_eq!(m.get("乡村"), None);
        assert_eq!(m.get("一二三四五六七八九"), None);
        // Up to 7 bytes in `short`, up to 15 (five Chinese characters) in `medium`.
        assert_eq!((m.short.len(), m.medium.len(), m.long.len()), (4, 2, 2));
    }

    proptest::proptest! {
        /// The packed keys are the word's bytes, zero-padded, with the length in the top byte:
        /// the same as copying the bytes into a buffer (so words with equal keys are equal).
        #[test]
        fn word_keys_are_the_padded_bytes_and_length(w in "[a\u{0}的乡村振兴一二三αé]{0,9}") {
            let b = w.as_bytes();
            match WordMap::key(&w) {
                WordKey::Short(k) => {
                    proptest::prop_assert!(b.len() <= 7);
                    let mut buf = [0u8; 8];
                    buf[..b.len()].copy_from_slice(b);
                    buf[7] = b.len() as u8;
                    proptest::prop_assert_eq!(k, u64::from_le_bytes(buf));
                }
                WordKey::Medium(k) => {
                    proptest::prop_assert!((8..=15).contains(&b.len()));
                    let mut buf = [0u8; 16];
                    buf[..b.len()].copy_from_slice(b);
                    buf[15] = b.len() as u8;
                    proptest::prop_assert_eq!(k, u128::from_le_bytes(buf));
                }
                WordKey::Long(l) => {
                    proptest::prop_assert!(b.len() > 15);
                    proptest::prop_assert_eq!(l, w.as_str());
                }
            }
        }
    }

    #[test]
    fn one_pass_transform_equals_tokens_then_transform() {
        let tok = Tokenizer::builtin();
        let texts = [
            (
                "全面推进乡村振兴，建档立卡贫困户全部脱贫，农村生活垃圾治理率达到95%。",
                Some("（二）脱贫攻坚统揽全局"),
            ),
            (
                "扫黑除恶专项斗争取得明显成效，2X18年刑事案件下降12.5%。",
                None,
            ),
            (
                "新建5G基站300个，GDP增长6.5%，规上工业增加值增长8%。",
                Some("一、产业发展"),
            ),
            ("", Some("二、党的建设")),
            ("农村的生活垃圾治理和污水处理的成效", Some("三、环境的整治")),
        ];
        let docs: Vec<Tokens> = texts.iter().map(|(t, h)| Tokens::of(tok, t, *h)).collect();
        let settings = FeatureSettings {
            min_df: 1,
            max_df: 1.0,
            ..FeatureSettings::default()
        };
        let v = Vectorizer::fit(&docs, &[0, 1, 0, 1, 0], 2, &settings).unwrap();
        // With the stopwords in the index, tokens come unfiltered and the counter skips them
        // (the words on either side of a stopword still make a bigram).
        let mut with_stops = v.clone();
        with_stops.skip_stopwords(crate::tokenizing::stopword_entries(
            crate::tokenizing::BUILTIN_STOPWORDS,
        ));
        assert!(tok.is_stopword("的"));
        for ((t, h), d) in texts.iter().zip(&docs) {
            assert_eq!(v.transform(tok, t, *h), v.transform_tokens(d), "{t}");
            assert_eq!(v.transform_tokens(d), by_term_strings(&v, d), "{t}");
            assert_eq!(
                with_stops.transform(tok, t, *h),
                v.transform_tokens(d),
                "{t}"
            );
            let under = with_stops.heading_features(tok, *h);
            assert_eq!(
                with_stops.transform_under(tok, t, &under),
                v.transform_tokens(d)
            );
        }
    }

    #[test]
    fn idf_is_from_training_and_vectors_are_unit_length() {
        let docs = vec![
            toks(&["脱贫", "攻坚", "脱贫"], &["扶贫"]),
            toks(&["脱贫", "产业"], &["扶贫"]),
            toks(&["产业", "项目"], &[]),
            toks(&["项目", "投资"], &[]),
        ];
        let settings = FeatureSettings {
            min_df: 1,
            max_df: 1.0,
            ..Default::default()
        };
        let v = Vectorizer::fit(&docs, &[0, 0, 1, 1], 2, &settings).unwrap();
        assert!(v.terms.contains(&"脱贫 攻坚".to_string()));
        assert!(v.terms.contains(&"^扶贫".to_string()));
        // A paragraph alone keeps the training IDF: a rare term outweighs a common one.
        let x = v.transform_tokens(&toks(&["脱贫", "投资"], &[]));
        let w = |t: &str| {
            let i = v.terms.iter().position(|s| s == t).unwrap() as u32;
            x.val[x.idx.iter().position(|&j| j == i).unwrap()]
        };
        // 投资 is in 1 of 4 training paragraphs, 脱贫 in 2: the rarer term weighs more, even
        // though the paragraph alone holds each once.
        assert!(w("投资") > w("脱贫") * 1.1);
        let norm: f32 = x.val.iter().map(|a| a * a).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        // Unknown words are ignored.
        assert!(v.transform_tokens(&toks(&["未知"], &[])).idx.is_empty());
    }

    #[test]
    fn vocabulary_is_deterministic_and_capped() {
        let docs: Vec<Tokens> = (0..50)
            .map(|i| {
                toks(
                    &["甲", &format!("词{}", i % 7), &format!("字{}", i % 5)],
                    &[],
                )
            })
            .collect();
        let settings = FeatureSettings {
            max_features: 10,
            max_df: 1.0,
            ..Default::default()
        };
        let labels: Vec<usize> = (0..50).map(|i| i % 2).collect();
        let a = Vectorizer::fit(&docs, &labels, 2, &settings).unwrap();
        let b = Vectorizer::fit(&docs, &labels, 2, &settings).unwrap();
        assert_eq!(a.terms, b.terms);
        assert_eq!(a.idf, b.idf);
        assert_eq!(a.len(), 10);
    }

    #[test]
    fn chi2_prefers_terms_tied_to_a_label() {
        // 甲 is in every paragraph (no information); 乙 only in label 0; 丙 in half of each.
        let docs: Vec<Tokens> = (0..20)
            .map(|i| {
                let mut b = vec!["甲"];
                if i % 2 == 0 {
                    b.push("乙");
                }
                if i % 4 < 2 {
                    b.push("丙");
                }
                toks(&b, &[])
            })
            .collect();
        let labels: Vec<usize> = (0..20).map(|i| i % 2).collect();
        let settings = FeatureSettings {
            max_features: 10,
            max_df: 1.0,
            min_df: 1,
            bigrams: false,
            ..Default::default()
        };
        let s1 = FeatureSettings {
            max_features: 10,
            ..settings.clone()
        };
        let all = Vectorizer::fit(&docs, &labels, 2, &s1).unwrap();
        assert_eq!(all.len(), 3);
        let one = Vectorizer::fit(
            &docs,
            &labels,
            2,
            &FeatureSettings {
                max_features: 10,
                selection: Selection::Chi2,
                ..settings
            },
        )
        .unwrap();
        assert!(one.terms.contains(&"乙".to_string()));
        assert!(chi2(20, &[10, 10], &[10, 10], 20) == 0.0);
        assert!(chi2(10, &[10, 0], &[10, 10], 20) > 19.9);
    }

    #[test]
    fn document_frequencies_merged_from_chunks_equal_one_count() {
        let docs: Vec<(Vec<&str>, usize)> = (0..40)
            .map(|i| {
                let terms = ["甲", "乙", "丙", "丁", "戊"]
                    .into_iter()
                    .enumerate()
                    .filter(|(k, _)| (i + k) % (k + 2) == 0)
                    .map(|(_, t)| t)
                    .collect();
                (terms, i % 3)
            })
            .collect();
        let count = |docs: &[(Vec<&'static str>, usize)]| {
            let mut df = DocFrequency::new(3, 0);
            for (terms, label) in docs {
                terms.iter().for_each(|t| df.add(t, *label));
            }
            df
        };
        let table = |df: &DocFrequency| {
            let mut rows: Vec<(String, Vec<u32>)> = df
                .terms
                .iter()
                .zip(df.counts.chunks_exact(4))
                .map(|(t, c)| (t.to_string(), c.to_vec()))
                .collect();
            rows.sort();
            rows
        };
        let whole = count(&docs);
        let merged = DocFrequency::merge(
            DocFrequency::merge(count(&docs[..7]), count(&docs[7..30])),
            count(&docs[30..]),
        );
        assert_eq!(table(&whole), table(&merged));
        let jia = table(&whole).into_iter().find(|r| r.0 == "甲").unwrap().1;
        assert_eq!(jia[0], 20);
        assert_eq!(jia[0], jia[1..].iter().sum::<u32>());
    }
}
