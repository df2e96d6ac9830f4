//! What text Fazhi accepts anywhere a person types: no NUL or other control characters (line
//! breaks and tabs only in paragraphs), and no bidirectional controls, which make text display
//! in another order than it is stored (a file name stored as `gpj.exe` shown as `exe.jpg`).
//! PostgreSQL refuses NUL in text while SQLite stores it; refusing it here keeps both alike.

/// Paragraph fields hold at most this many characters unless a field declares more.
pub const LONG_TEXT_MAX: usize = 2000;
/// No text may exceed what one spreadsheet cell holds (Excel's limit), or every later export of
/// its ledger would fail.
pub const CELL_MAX: usize = 32_767;

/// A character no stored text may hold. `multiline` allows line breaks and tabs.
pub fn is_hidden(c: char, multiline: bool) -> bool {
    let bidi = matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let allowed_control = multiline && matches!(c, '\n' | '\r' | '\t');
    bidi || (c.is_control() && !allowed_control)
}

/// Refuses text with a hidden character, naming the field and the character's code point.
pub fn check(label: &str, raw: &str, multiline: bool) -> Result<(), String> {
    match raw.chars().find(|c| is_hidden(*c, multiline)) {
        None => Ok(()),
        Some(c) => Err(format!("“{label}”含有不可见的控制字符（U+{:04X}），请删除后重新输入", c as u32)),
    }
}

/// The text with hidden characters removed, for what is shown or kept but not typed by a person
/// (an uploaded file's name, a login name tried).
/// At most `max` characters of what someone sent, for quoting it back in a message of bounded size.
pub fn clip(raw: &str, max: usize) -> String {
    let mut out: String = without_hidden(raw).chars().take(max).collect();
    if raw.chars().count() > max {
        out.push('…');
    }
    out
}

pub fn without_hidden(raw: &str) -> String {
    raw.chars().filter(|c| !is_hidden(*c, false)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_bidirectional_controls_are_refused() {
        assert!(check("标题", "关于\u{0}印发", false).unwrap_err().contains("U+0000"));
        assert!(check("标题", "报告\u{202E}fdp.exe", false).unwrap_err().contains("U+202E"));
        assert!(check("意见", "第一段\n第二段\t完", true).is_ok());
        assert!(check("标题", "第一行\n第二行", false).is_err());
        assert_eq!(without_hidden("a\u{202E}b\u{0}c"), "abc");
    }
}
