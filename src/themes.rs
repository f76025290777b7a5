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

/// A fixed colour (RGB) per label: the six themes have their own; other labels take palette
/// colours in the order of the model's label list, so a label keeps its colour across runs.
pub fn colour(label: &str, position: usize) -> (u8, u8, u8) {
    match label {
        "sanitation" => (0x2a, 0x9d, 0x8f),
        "poverty" => (0xe7, 0x6f, 0x51),
        "industry" => (0x26, 0x70, 0xb8),
        "party" => (0xc1, 0x12, 0x1f),
        "stability" => (0x8e, 0x5e, 0xa2),
        "other" => (0x9e, 0x9e, 0x9e),
        "uncertain" => (0xdd, 0xdd, 0xdd),
        _ => {
            const PALETTE: [(u8, u8, u8); 10] = [
                (0x1f, 0x77, 0xb4),
                (0xff, 0x7f, 0x0e),
                (0x2c, 0xa0, 0x2c),
                (0xd6, 0x27, 0x28),
                (0x94, 0x67, 0xbd),
                (0x8c, 0x56, 0x4b),
                (0xe3, 0x77, 0xc2),
                (0x7f, 0x7f, 0x7f),
                (0xbc, 0xbd, 0x22),
                (0x17, 0xbe, 0xcf),
            ];
            PALETTE[position % PALETTE.len()]
        }
    }
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
}
