//! Text normalisation for matching (heading and year patterns, tokenizing). The original text is
//! kept for output; only matching sees the normalised form.
//!
//! - full-width ASCII forms (`１２３` `ＡＢＣ` `，` `（` `）`) become their ASCII twins, as NFKC does;
//! - whitespace between two CJK characters is removed (`政 府 工 作 报 告`), other whitespace runs
//!   become one space, and the ends are trimmed;
//! - anonymisation placeholders that report templates use (`XX`, `xx`, `**`, `××`, `2X18`,
//!   `1XXXX8`) become one [`PLACEHOLDER`] character, so `2X18年` is not read as a year and the
//!   tokenizer sees one symbol instead of noise.

/// The character a placeholder run becomes.
pub const PLACEHOLDER: char = '□';

/// Is `c` a CJK ideograph (the ranges reports use)?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
        || c == '〇'
}

/// Full-width ASCII variants to ASCII; the ideographic space to a space.
pub fn narrow(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// Whitespace as reports use it: ASCII, the ideographic space, no-break spaces, zero-width
/// characters and the BOM.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00A0}'
        )
}

/// Normalise a piece of text for matching (see the module docs). One pass over the text, with
/// no buffer but the output (and a few characters for a run of digits or placeholders); runs of
/// three-byte characters that normalisation never changes (see [`kept_as_is`]; most of a Chinese
/// report) are copied as bytes.
pub fn for_matching(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // The narrowed character at byte `i` and the byte after it.
    let at = |i: usize| s[i..].chars().next().map(|c| (narrow(c), i + c.len_utf8()));
    // The input character before the current one (after narrowing); for a copied run, a
    // stand-in from it (only "is it a Latin letter?" is ever asked of it).
    let mut before: Option<char> = None;
    let mut run: Vec<char> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Runs of three-byte characters that normalisation keeps as they are (Chinese
        // characters and most Chinese punctuation) are copied as bytes.
        if kept_as_is(b, i) {
            let start = i;
            while kept_as_is(b, i) {
                i += 3;
            }
            out.push_str(&s[start..i]);
            before = Some('中');
            continue;
        }
        // A full-width form of ASCII punctuation or a letter (，：；（）) becomes its ASCII twin.
        if let Some(c) = narrowed_mark(b, i) {
            out.push(c);
            before = Some(c);
            i += 3;
            continue;
        }
        let Some((c, next)) = at(i) else { break };
        if is_space(c) {
            let mut last = c;
            let mut j = next;
            while let Some((n, k)) = at(j).filter(|&(n, _)| is_space(n)) {
                last = n;
                j = k;
            }
            let prev = out.chars().next_back();
            let drop = match (prev, at(j).map(|x| x.0)) {
                (None, _) | (_, None) => true,
                (Some(p), Some(n)) => is_cjk(p) || is_cjk(n) || !p.is_alphanumeric(),
            };
            if !drop {
                out.push(' ');
            }
            before = Some(last);
            i = j;
            continue;
        }
        if is_placeholder_char(c) || c.is_ascii_digit() {
            run.clear();
            run.push(c);
            let mut j = next;
            while let Some((n, k)) =
                at(j).filter(|&(n, _)| is_placeholder_char(n) || n.is_ascii_digit())
            {
                run.push(n);
                j = k;
            }
            if is_placeholder_run(&run, before, at(j).map(|x| x.0)) {
                out.push(PLACEHOLDER);
            } else {
                out.extend(&run);
            }
            before = run.last().copied();
            i = j;
            continue;
        }
        out.push(c);
        before = Some(c);
        i = next;
    }
    out
}

/// Is the character at byte `i` of `b` (UTF-8, `i` at a character boundary) a three-byte
/// character that normalisation keeps as it is: not a space, a placeholder, a digit or a
/// full-width form? Decided from its bytes: U+4000–U+9FFF (lead bytes E4–E9), U+3000–U+3FFF but
/// the ideographic space, U+1000–U+1FFF but U+1680, U+2000–U+2FFF but the spaces U+2000–U+200D,
/// U+2028, U+2029, U+202F, U+205F and the placeholder ╳ (U+2573), and U+F000–U+FFFF but the
/// full-width forms U+FF01–U+FF5E and the BOM. Other characters take the general path.
#[inline]
fn kept_as_is(b: &[u8], i: usize) -> bool {
    let Some(&[b0, b1, b2]) = b.get(i..i + 3) else {
        return false;
    };
    match b0 {
        0xE4..=0xE9 => true,
        0xE3 => (b1, b2) != (0x80, 0x80),
        0xE1 => (b1, b2) != (0x9A, 0x80),
        0xE2 => match b1 {
            0x80 => !matches!(b2, 0x80..=0x8D | 0xA8 | 0xA9 | 0xAF),
            0x81 => b2 != 0x9F,
            0x95 => b2 != 0xB3,
            _ => true,
        },
        0xEF => {
            !((b1 == 0xBC && b2 >= 0x81) || (b1 == 0xBD && b2 <= 0x9E) || (b1, b2) == (0xBB, 0xBF))
        }
        _ => false,
    }
}

/// The ASCII twin of the full-width form (U+FF01–U+FF5E) at byte `i` of `b`, when it is neither
/// a digit nor a placeholder character (those take the general path, which looks at their
/// neighbours).
#[inline]
fn narrowed_mark(b: &[u8], i: usize) -> Option<char> {
    let &[0xEF, b1 @ (0xBC | 0xBD), b2] = b.get(i..i + 3)? else {
        return None;
    };
    let code = 0xFF00 + ((b1 as u32 - 0xBC) << 6) + (b2 as u32 - 0x80);
    if !(0xFF01..=0xFF5E).contains(&code) {
        return None;
    }
    let c = char::from_u32(code - 0xFEE0)?;
    (!c.is_ascii_digit() && !is_placeholder_char(c)).then_some(c)
}

fn is_placeholder_char(c: char) -> bool {
    matches!(c, 'X' | 'x' | '×' | '*' | '＊' | '╳')
}

/// A run of digits and placeholder characters is a placeholder when it holds an `X`/`x` that is
/// not part of a Latin word, or at least two `*`/`×`.
fn is_placeholder_run(run: &[char], before: Option<char>, after: Option<char>) -> bool {
    let xs = run.iter().filter(|c| matches!(c, 'X' | 'x')).count();
    let stars = run
        .iter()
        .filter(|c| matches!(c, '×' | '*' | '＊' | '╳'))
        .count();
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
    (xs > 0 && !latin(before) && !latin(after)) || stars >= 2
}

/// Trim report whitespace (including the ideographic space) from both ends.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_spaces() {
        assert_eq!(for_matching("（一）１２３ＡＢ，"), "(一)123AB,");
        assert_eq!(for_matching("政 府 工 作 报 告"), "政府工作报告");
        assert_eq!(for_matching("国务院总理　李克强"), "国务院总理李克强");
        assert_eq!(for_matching("  GDP  growth 6.5% "), "GDP growth 6.5%");
    }

    #[test]
    fn placeholders() {
        assert_eq!(for_matching("2X18年"), "□年");
        assert_eq!(for_matching("XX镇完成1XXXX8户"), "□镇完成□户");
        assert_eq!(for_matching("**村"), "□村");
        assert_eq!(for_matching("××县"), "□县");
        // Latin words and ordinary numbers are left alone.
        assert_eq!(for_matching("Xinhua 2018年 3×4"), "Xinhua 2018年3×4");
        assert_eq!(for_matching("SXXX2升级"), "SXXX2升级");
    }

    /// The first, straightforward version (characters collected, then indexed): the one-pass
    /// version must agree with it everywhere.
    fn reference(s: &str) -> String {
        let chars: Vec<char> = s.chars().map(narrow).collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if is_space(c) {
                let mut j = i;
                while j < chars.len() && is_space(chars[j]) {
                    j += 1;
                }
                let prev = out.chars().next_back();
                let drop = match (prev, chars.get(j).copied()) {
                    (None, _) | (_, None) => true,
                    (Some(p), Some(n)) => is_cjk(p) || is_cjk(n) || !p.is_alphanumeric(),
                };
                if !drop {
                    out.push(' ');
                }
                i = j;
                continue;
            }
            if is_placeholder_char(c) || c.is_ascii_digit() {
                let mut j = i;
                while j < chars.len()
                    && (is_placeholder_char(chars[j]) || chars[j].is_ascii_digit())
                {
                    j += 1;
                }
                let run = &chars[i..j];
                let before = i.checked_sub(1).map(|k| chars[k]);
                if is_placeholder_run(run, before, chars.get(j).copied()) {
                    out.push(PLACEHOLDER);
                } else {
                    out.extend(run);
                }
                i = j;
                continue;
            }
            out.push(c);
            i += 1;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn one_pass_equals_reference(v in proptest::collection::vec(0usize..40, 0..40)) {
            const ALPHABET: [char; 40] = [
                ' ', '\u{3000}', '\t', 'X', 'x', '*', '×', '１', '2', '0', '政', '府', 'a',
                'B', '，', '%', '㐀', '䷀', '\u{a0}', '𠀀', '、', '。', '“', '—', '\u{200B}',
                '\u{2028}', '\u{202F}', '\u{205F}', '\u{1680}', '\u{2003}', '＊', '╳',
                '\u{FEFF}', '\u{FF00}', 'ａ', '～', '｡', '\u{2060}', '豈', '〇',
            ];
            let s: String = v.into_iter().map(|i| ALPHABET[i]).collect();
            proptest::prop_assert_eq!(for_matching(&s), reference(&s));
        }
    }

    #[test]
    fn kept_as_is_agrees_with_the_character_tests() {
        // Every three-byte character: kept as is exactly when it is not a space, a placeholder,
        // a digit or a form that narrowing changes (or it takes the general path, which keeps
        // it too).
        for c in ('\u{800}'..='\u{FFFF}').filter(|c| c.len_utf8() == 3) {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if kept_as_is(bytes, 0) {
                assert!(
                    narrow(c) == c
                        && !is_space(c)
                        && !is_placeholder_char(c)
                        && !c.is_ascii_digit(),
                    "{c:?} U+{:04X}",
                    c as u32
                );
            }
        }
        for c in ['政', '、', '。', '“', '—', '…', '《', '豈', '｡'] {
            let mut buf = [0; 4];
            assert!(kept_as_is(c.encode_utf8(&mut buf).as_bytes(), 0), "{c}");
        }
    }

    #[test]
    fn narrowed_marks_are_the_narrowed_characters() {
        for c in '\u{FF00}'..='\u{FFFF}' {
            let mut buf = [0; 4];
            let got = narrowed_mark(c.encode_utf8(&mut buf).as_bytes(), 0);
            let n = narrow(c);
            let general = n == c || n.is_ascii_digit() || is_placeholder_char(n);
            assert_eq!(got, (!general).then_some(n), "U+{:04X}", c as u32);
        }
        assert_eq!(narrowed_mark("，".as_bytes(), 0), Some(','));
        assert_eq!(narrowed_mark("１".as_bytes(), 0), None);
        assert_eq!(narrowed_mark("＊".as_bytes(), 0), None);
        assert_eq!(narrowed_mark("Ｘ".as_bytes(), 0), None);
    }

    #[test]
    fn trim_ideographic_space() {
        assert_eq!(trim("\u{3000}\u{3000}各位代表：\r"), "各位代表：");
    }
}
