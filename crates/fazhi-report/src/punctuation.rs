//! Characters as a report means them. Text copied from web pages and PDFs carries half-width
//! commas, colons, semicolons and parentheses and full-width digits; the rules read them as the
//! full-width punctuation and the digits they stand for. Each character maps to one character, so
//! a finding's columns point at the report's own text.

use std::borrow::Cow;

/// The line with `,` `:` `;` `(` `)` as `，` `：` `；` `（` `）` and `０`–`９` as `0`–`9`. A comma or
/// colon between two digits stays (20,000份, 9:30), and so does punctuation after a Latin letter
/// (the `:` of Word's `[bookmark: _GoBack]`, of `http:`).
pub fn normalized(line: &str) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, ',' | ':' | ';' | '(' | ')' | '０'..='９');
    if !line.chars().any(needs) {
        return Cow::Borrowed(line);
    }
    let c: Vec<char> = line.chars().collect();
    let digit =
        |i: Option<usize>| i.and_then(|i| c.get(i)).is_some_and(|x| x.is_ascii_digit() || ('０'..='９').contains(x));
    let mut out = String::with_capacity(line.len() + 8);
    for (i, ch) in c.iter().enumerate() {
        let keep = (digit(i.checked_sub(1)) && digit(Some(i + 1)))
            || i.checked_sub(1).is_some_and(|p| c[p].is_ascii_alphabetic());
        out.push(match ch {
            ',' if !keep => '，',
            ':' if !keep => '：',
            ';' if !keep => '；',
            '(' => '（',
            ')' => '）',
            '０'..='９' => char::from_u32(*ch as u32 - '０' as u32 + '0' as u32).unwrap_or(*ch),
            other => *other,
        });
    }
    Cow::Owned(out)
}

/// A mark between the two ends of a range: 2021—2025, 1-9月, 3至5次, 1～2名.
pub fn is_range_mark(c: char) -> bool {
    matches!(c, '—' | '–' | '―' | '─' | '-' | '－' | '~' | '～' | '至')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_punctuation_reads_as_full_width_and_keeps_columns() {
        let line = "(一)受理纠纷40起,调处38起;发放资料20,000份:会议9:30召开，２０２３年[bookmark: _GoBack]";
        let n = normalized(line);
        assert_eq!(n, "（一）受理纠纷40起，调处38起；发放资料20,000份：会议9:30召开，2023年[bookmark: _GoBack]");
        assert_eq!(n.chars().count(), line.chars().count());
        assert!(matches!(normalized("全年受理纠纷40起。"), Cow::Borrowed(_)));
    }
}
