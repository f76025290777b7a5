//! CSV that opens safely in Excel and WPS: fields quoted where needed, and cells that a
//! spreadsheet would run as formulas neutralised as OWASP recommends.

use std::borrow::Cow;

/// Neutralise a cell a spreadsheet would run as a formula: a leading `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading apostrophe.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Undo [`safe_cell`]: drop the apostrophe before a leading `=`, `+`, `-`, `@`, tab or carriage
/// return.
pub fn unsafe_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if matches!(
                rest.chars().next(),
                Some('=' | '+' | '-' | '@' | '\t' | '\r')
            ) =>
        {
            rest
        }
        _ => cell,
    }
}

/// One CSV line (without the line end): fields quoted where needed and made formula-safe.
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(fields.iter().map(|f| safe_cell(f.as_ref()).into_owned()))
        .expect("writing to memory");
    let mut s = String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 in, UTF-8 out");
    s.pop();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_kept() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("——经济"), "——经济");
        assert_eq!(safe_cell("0.5"), "0.5");
        for c in ["=1+1", "-3", "'x", "普通"] {
            assert_eq!(unsafe_cell(&safe_cell(c)), c);
        }
        assert_eq!(
            csv_line(&["a,b", "=1+1", "说\"明\""]),
            "\"a,b\",'=1+1,\"说\"\"明\"\"\""
        );
        assert_eq!(csv_line(&["多\n行"]), "\"多\n行\"");
    }
}
