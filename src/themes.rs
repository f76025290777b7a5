//! The six themes of the codebook (`THEMES.md`): their ids, Chinese display names, order and
//! colours. Label sets come from the training data, so other labels are allowed everywhere; they
//! are shown as written and get colours from a fixed palette.

/// The codebook's label ids, in display order.
pub const THEME_IDS: [&str; 6] = [
    "sanitation",
    "poverty",
    "industry",
    "party",
    "stability",
    "other",
];

/// The Chinese display name of a label (the label itself when it is not one of the six).
pub fn display_name(label: &str) -> &str {
    match label {
        "sanitation" => "卫生与环境",
        "poverty" => "脱贫攻坚",
        "industry" => "产业发展",
        "party" => "党的建设",
        "stability" => "社会稳定",
        "other" => "其他",
        "uncertain" => "不确定",
        other => other,
    }
}

/// Sort labels: the codebook's themes in codebook order first, then any others by name.
pub fn sort_labels(labels: &mut [String]) {
    labels.sort_by_key(|l| {
        (
            THEME_IDS
                .iter()
                .position(|t| t == l)
                .unwrap_or(THEME_IDS.len()),
            l.clone(),
        )
    });
}

/// Colours of the other labels, in the order a label's name prefers them.
const PALETTE: [(u8, u8, u8); 12] = [
    (0x1f, 0x77, 0xb4),
    (0xff, 0x7f, 0x0e),
    (0x2c, 0xa0, 0x2c),
    (0xd6, 0x27, 0x28),
    (0x94, 0x67, 0xbd),
    (0x8c, 0x56, 0x4b),
    (0xe3, 0x77, 0xc2),
    (0xbc, 0xbd, 0x22),
    (0x17, 0xbe, 0xcf),
    (0x39, 0x3b, 0x79),
    (0x63, 0x79, 0x39),
    (0x84, 0x3c, 0x39),
];

/// The codebook's own colour for a label, if it has one.
fn fixed_colour(label: &str) -> Option<(u8, u8, u8)> {
    Some(match label {
        "sanitation" => (0x2a, 0x9d, 0x8f),
        "poverty" => (0xe7, 0x6f, 0x51),
        "industry" => (0x26, 0x70, 0xb8),
        "party" => (0xc1, 0x12, 0x1f),
        "stability" => (0x8e, 0x5e, 0xa2),
        "other" => (0x9e, 0x9e, 0x9e),
        "uncertain" => (0xdd, 0xdd, 0xdd),
        _ => return None,
    })
}

/// A colour (RGB) per label, in the order given. The codebook's themes have their own; any
/// other label takes the palette colour its name hashes to (FNV-1a), or the next one free in
/// this list, so a label such as `环保` keeps its colour across runs, models and label sets
/// unless two names of one set want the same colour.
pub fn colours(labels: &[String]) -> Vec<(u8, u8, u8)> {
    let mut used = [false; PALETTE.len()];
    labels
        .iter()
        .map(|l| {
            if let Some(c) = fixed_colour(l) {
                return c;
            }
            let hash = l.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
            let start = (hash % PALETTE.len() as u64) as usize;
            let slot = (0..PALETTE.len())
                .map(|k| (start + k) % PALETTE.len())
                .find(|&k| !used[k])
                .unwrap_or(start);
            used[slot] = true;
            PALETTE[slot]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_order() {
        assert_eq!(display_name("poverty"), "脱贫攻坚");
        assert_eq!(display_name("环保"), "环保");
        let mut l: Vec<String> = ["other", "zeta", "party", "alpha", "sanitation"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort_labels(&mut l);
        assert_eq!(l, ["sanitation", "party", "other", "alpha", "zeta"]);
    }

    #[test]
    fn colours_are_stable_and_distinct() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let four = colours(&s(&["乡村振兴", "教育", "环保", "营商环境"]));
        let set: std::collections::HashSet<_> = four.iter().collect();
        assert_eq!(set.len(), 4);
        // A label keeps its colour in another label set (unless two names collide).
        let other = colours(&s(&["环保", "other"]));
        assert_eq!(other[0], four[2]);
        assert_eq!(other[1], (0x9e, 0x9e, 0x9e));
        let many: Vec<String> = (0..20).map(|i| format!("l{i}")).collect();
        let c = colours(&many);
        let distinct: std::collections::HashSet<_> = c.iter().take(PALETTE.len()).collect();
        assert_eq!(distinct.len(), PALETTE.len());
    }
}
