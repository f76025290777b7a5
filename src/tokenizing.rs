//! Tokenizing: normalised text → jieba-rs words, with the domain dictionary (`data/dict.txt`) and
//! stopwords (`data/stopwords.txt`). Numbers, percentages and template placeholders are folded
//! into class tokens; punctuation and whitespace are dropped; Latin letters are lower-cased.
//!
//! A tokenizer is built once and shared (jieba's dictionary takes ~0.2 s to load): models carry
//! the dictionary and stopwords they were trained with and build their tokenizer from them.

use crate::error::{Error, Result};
use crate::normalize::{for_matching, PLACEHOLDER};
use jieba_rs::Jieba;
use rustc_hash::FxHashSet as HashSet;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The dictionary shipped with baogao (jieba user-dictionary format: `词 频率 词性`).
pub const BUILTIN_DICT: &str = include_str!("../data/dict.txt");
/// The stopwords shipped with baogao (one per line).
pub const BUILTIN_STOPWORDS: &str = include_str!("../data/stopwords.txt");

/// Token that stands for any number.
pub const NUM: &str = "<num>";
/// Token that stands for a percent sign.
pub const PCT: &str = "<pct>";
/// Token that stands for an anonymised placeholder (`XX`, `2X18`, `**`).
pub const PH: &str = "<ph>";

/// One user-dictionary entry: word, frequency, part-of-speech tag.
pub type DictEntry<'a> = (&'a str, Option<usize>, Option<&'a str>);

/// The entries of a jieba user dictionary (`词 [频率] [词性]` per line; `#` comments), checked.
pub fn dictionary_entries(dict: &str) -> Result<Vec<DictEntry<'_>>> {
    let mut out = Vec::new();
    for (n, line) in dict.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq = match parts.next() {
            Some(f) => Some(f.parse::<usize>().map_err(|_| {
                Error::data(
                    "dictionary",
                    n + 1,
                    format!("`{f}` is not a frequency; write `词 频率 [词性]`"),
                )
            })?),
            None => None,
        };
        out.push((word, freq, parts.next()));
    }
    Ok(out)
}

/// jieba with its default dictionary, being built on a thread started by [`start_loading`].
static PREBUILT: std::sync::Mutex<Option<std::thread::JoinHandle<Jieba>>> =
    std::sync::Mutex::new(None);

/// Start building jieba's default dictionary (~0.2 s) on another thread, so that it overlaps
/// with loading the model and reading the reports; the next [`Tokenizer::new`] takes it.
/// Calling it again before then does nothing.
pub fn start_loading() {
    let mut slot = PREBUILT.lock().unwrap_or_else(|e| e.into_inner());
    if slot.is_none() {
        *slot = std::thread::Builder::new()
            .name("jieba-dictionary".into())
            .spawn(Jieba::new)
            .ok();
    }
}

/// The jieba built by [`start_loading`], if one was started (waiting for it to finish).
fn prebuilt_jieba() -> Option<Jieba> {
    let handle = PREBUILT.lock().unwrap_or_else(|e| e.into_inner()).take()?;
    handle.join().ok()
}

/// The entries of a stopword list (one per line; blank lines and `#` comments ignored).
pub fn stopword_entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// jieba plus a domain dictionary and stopwords.
pub struct Tokenizer {
    jieba: Jieba,
    stopwords: HashSet<String>,
    hmm: bool,
}

impl Tokenizer {
    /// Build a tokenizer from a user dictionary and a stopword list (their texts).
    /// `hmm` turns on jieba's HMM for words in neither dictionary.
    pub fn new(dict: &str, stopwords: &str, hmm: bool) -> Result<Self> {
        let entries = dictionary_entries(dict)?;
        let mut jieba = prebuilt_jieba().unwrap_or_default();
        for (word, freq, tag) in entries {
            jieba.add_word(word, freq, tag);
        }
        let stopwords = stopword_entries(stopwords).map(str::to_string).collect();
        Ok(Tokenizer {
            jieba,
            stopwords,
            hmm,
        })
    }

    /// The tokenizer with baogao's own dictionary and stopwords, built once.
    pub fn builtin() -> &'static Tokenizer {
        static T: OnceLock<Tokenizer> = OnceLock::new();
        T.get_or_init(|| {
            Tokenizer::new(BUILTIN_DICT, BUILTIN_STOPWORDS, false).expect("built-in data is valid")
        })
    }

    /// Call `f` with every token of `text`, in order.
    pub fn each_token(&self, text: &str, f: impl FnMut(&str)) {
        self.each::<true>(text, f)
    }

    /// [`each_token`](Self::each_token) without removing stopwords (for a caller that looks
    /// every token up anyway and knows the stopwords).
    pub fn each_token_unfiltered(&self, text: &str, f: impl FnMut(&str)) {
        self.each::<false>(text, f)
    }

    fn each<const FILTER: bool>(&self, text: &str, mut f: impl FnMut(&str)) {
        let norm = for_matching(text);
        for tok in self.jieba.cut(&norm, self.hmm) {
            let w = tok.word;
            match classify(w) {
                Kind::Skip => {}
                Kind::Num => f(NUM),
                Kind::Pct => f(PCT),
                Kind::Placeholder => f(PH),
                Kind::Latin => {
                    let lower = w.to_ascii_lowercase();
                    if !FILTER || !self.stopwords.contains(&lower) {
                        f(&lower)
                    }
                }
                Kind::Word => {
                    if !FILTER || !self.stopwords.contains(w) {
                        f(w)
                    }
                }
            }
        }
    }

    /// The tokens of `text` as owned strings.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.each_token(text, |t| out.push(t.to_string()));
        out
    }

    /// Is `w` a stopword?
    pub fn is_stopword(&self, w: &str) -> bool {
        self.stopwords.contains(w)
    }
}

enum Kind {
    Skip,
    Num,
    Pct,
    Placeholder,
    Latin,
    Word,
}

fn classify(w: &str) -> Kind {
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return Kind::Skip;
    };
    // Most tokens are Chinese words: decide them without scanning.
    if ('\u{4e00}'..='\u{9fff}').contains(&first) {
        return Kind::Word;
    }
    if w == "%" || w == "‰" || w == "％" {
        return Kind::Pct;
    }
    if first == PLACEHOLDER {
        return Kind::Placeholder;
    }
    // Punctuation comes one character at a time: skip the common marks without a Unicode table
    // lookup.
    if w.len() == first.len_utf8()
        && (first.is_ascii_punctuation()
            || first.is_ascii_whitespace()
            || matches!(
                first,
                '、' | '。'
                    | '《'
                    | '》'
                    | '「'
                    | '」'
                    | '『'
                    | '』'
                    | '【'
                    | '】'
                    | '〔'
                    | '〕'
                    | '“'
                    | '”'
                    | '‘'
                    | '’'
                    | '…'
                    | '—'
                    | '·'
            ))
    {
        return Kind::Skip;
    }
    if first.is_ascii_digit()
        && w.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Kind::Num;
    }
    if !w.chars().any(char::is_alphanumeric) {
        return Kind::Skip;
    }
    if w.is_ascii() {
        return Kind::Latin;
    }
    Kind::Word
}

/// A short hex SHA-256 of a text, to record which dictionary or stopwords a model used.
pub fn hash_text(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_numbers_drops_punctuation_and_stopwords() {
        let t = Tokenizer::new("脱贫攻坚 20000 n\n", "的\n", false).unwrap();
        let toks = t.tokens("全县脱贫攻坚的成效：贫困发生率降至0.5%，GDP增长6.5%，XX镇2X18年");
        assert!(toks.contains(&"脱贫攻坚".to_string()), "{toks:?}");
        assert!(!toks.contains(&"的".to_string()));
        assert!(toks.contains(&NUM.to_string()));
        assert!(toks.contains(&PCT.to_string()));
        assert!(toks.contains(&PH.to_string()));
        assert!(toks.contains(&"gdp".to_string()));
        assert!(toks.iter().all(|w| !w.contains('，') && !w.contains(',')));
    }

    #[test]
    fn punctuation_fast_path_agrees_with_the_unicode_test() {
        for c in "、。《》「」『』【】〔〕“”‘’…—·,.;:!?()[]-+\"'/ \n".chars()
        {
            let w = c.to_string();
            assert!(!w.chars().any(char::is_alphanumeric), "{c}");
            assert!(matches!(classify(&w), Kind::Skip), "{c}");
        }
        assert!(matches!(classify("%"), Kind::Pct));
        assert!(matches!(classify("〇"), Kind::Word));
    }

    #[test]
    fn bad_dictionary_line_is_an_error() {
        let e = Tokenizer::new("词语 many\n", "", false).err().unwrap();
        assert!(e.to_string().contains(":1:"), "{e}");
    }
}
