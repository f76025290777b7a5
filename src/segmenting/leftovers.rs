//! Web-page leftovers and appendices that are not part of a report's body: share buttons,
//! navigation, source lines, photo captions, licence footers, "further reading" link lists and
//! glossaries of terms.

/// What to do with a line that is not report text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leftover {
    /// Drop this line.
    Line(&'static str),
    /// Drop this line and everything after it until the next `###` part heading.
    UntilNextPart(&'static str),
    /// Drop this line and the rest of the file.
    Rest(&'static str),
}

const CHROME_PREFIXES: &[&str] = &[
    "分享到",
    "来源:",
    "来源 :",
    "稿源:",
    "责任编辑",
    "编辑:",
    "责编:",
    "作者:",
    "打印本页",
    "关闭窗口",
    "返回顶部",
    "【字体",
    "[字体",
    "字号:",
    "扫一扫",
    "浏览次数",
    "阅读次数",
    "点击数",
    "访问量",
    "发布时间:",
    "发布日期:",
    "标签:",
    "上一篇",
    "下一篇",
    "相关链接",
    "相关阅读",
    "相关新闻",
    "当前位置",
    "您现在的位置",
    "版权所有",
    "Copyright",
    "copyright",
];

const CHROME_LINES: &[&str] = &[
    "分享",
    "打印",
    "关闭",
    "收藏",
    "首页",
    "返回",
    "标签",
    "Public domain",
    "false",
    "true",
    "微信",
    "微博",
    "【打印】",
    "【关闭】",
];

/// Check a normalised, trimmed line.
pub fn check(norm: &str) -> Option<Leftover> {
    if !norm
        .chars()
        .any(|c| c.is_alphanumeric() || crate::normalize::is_cjk(c))
    {
        return Some(Leftover::Line("no text (punctuation only)"));
    }
    // The short markers, compared without brackets, colons, spaces and stars (only short lines
    // can be one, so long lines skip building the bare form).
    if norm.len() <= 64 {
        let bare: String = norm
            .chars()
            .filter(|c| !matches!(c, '※' | '[' | ']' | '【' | '】' | ':' | ' ' | '*'))
            .collect();
        if matches!(
            bare.as_str(),
            "名词解释" | "附名词解释" | "注释" | "名词注释" | "附注释"
        ) {
            return Some(Leftover::Rest("glossary of terms"));
        }
        if bare == "延伸阅读" || bare == "相关阅读" || bare == "推荐阅读" {
            return Some(Leftover::UntilNextPart("further-reading links"));
        }
    }
    if norm.starts_with("本作品是中华人民共和国的")
        || norm.starts_with("本作品在全世界都属于公有领域")
        || norm.starts_with("本作品来自中华人民共和国")
    {
        return Some(Leftover::Rest("licence footer"));
    }
    if CHROME_LINES.contains(&norm) || CHROME_PREFIXES.iter().any(|p| norm.starts_with(p)) {
        return Some(Leftover::Line("web-page leftover"));
    }
    // 60 and 40 characters: at most 3 bytes each.
    if norm.len() > 180 {
        return None;
    }
    let n = norm.chars().count();
    if n <= 60
        && (norm.ends_with('摄') || norm.ends_with("摄。"))
        && (norm.contains("记者") || norm.contains("摄影") || norm.contains("图为"))
    {
        return Some(Leftover::Line("photo caption"));
    }
    if n <= 40 && (norm.contains("ICP备") || norm.contains("公网安备")) {
        return Some(Leftover::Line("web-page leftover"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::for_matching;

    fn c(s: &str) -> Option<Leftover> {
        check(&for_matching(s))
    }

    #[test]
    fn recognisable_leftovers() {
        assert!(matches!(c("分享到：微信 微博"), Some(Leftover::Line(_))));
        assert!(matches!(c("来源：县政府办公室"), Some(Leftover::Line(_))));
        assert!(matches!(c("↑"), Some(Leftover::Line(_))));
        assert!(matches!(c("”“"), Some(Leftover::Line(_))));
        assert!(matches!(c("Public domain"), Some(Leftover::Line(_))));
        assert!(matches!(
            c("省长在大会上作报告。本报记者王某摄"),
            Some(Leftover::Line("photo caption"))
        ));
        assert!(matches!(c("※名词解释※"), Some(Leftover::Rest(_))));
        assert!(matches!(c("[名词解释]"), Some(Leftover::Rest(_))));
        assert!(matches!(c("延伸阅读："), Some(Leftover::UntilNextPart(_))));
    }

    #[test]
    fn report_text_is_kept() {
        for s in [
            "各位代表：",
            "来源广泛的资金投入农村基础设施建设。",
            "分享经济、平台经济加快发展。",
            "标签化管理覆盖全部重点人群。",
            "一、2019年工作回顾",
        ] {
            assert_eq!(c(s), None, "{s}");
        }
    }
}
