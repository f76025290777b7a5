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

/// Normalise a piece of text for matching (see the module docs).
pub fn for_matching(s: &str) -> String {
    let chars: Vec<char> = s.chars().map(narrow).collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_space(c) {
            let mut j = i;
            while j < chars.len() && is_space(chars[j]) {
                j += 1;
            }
            let prev = out.chars().next_back();
            let next = chars.get(j).copied();
            let drop = match (prev, next) {
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
            while j < chars.len() && (is_placeholder_char(chars[j]) || chars[j].is_ascii_digit()) {
                j += 1;
            }
            let run = &chars[i..j];
            if is_placeholder_run(
                run,
                chars.get(i.wrapping_sub(1)).copied(),
                chars.get(j).copied(),
            ) {
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

    #[test]
    fn trim_ideographic_space() {
        assert_eq!(trim("\u{3000}\u{3000}各位代表：\r"), "各位代表：");
    }
}
