//! Characters as a report means them. Text copied from web pages and PDFs carries half-width
//! commas, colons, semicolons and parentheses and full-width digits; the rules read them as the
//! full-width punctuation and the digits they stand for. Each character maps to one character, so
//! a finding's columns point at the report's own text.

use std::borrow::Cow;

/// Reads `,` `:` `;` `(` `)` as `，` `：` `；` `（` `）` and `０`–`９` as `0`–`9` in a line's
/// characters, in place, and says whether any changed. A comma or colon between two digits stays
/// (20,000份, 9:30), and so does punctuation after a Latin letter (the `:` of Word's
/// `[bookmark: _GoBack]`, of `http:`).
pub fn read_as_meant(c: &mut [char]) -> bool {
    // Most lines hold none of these.
    if !c.iter().any(|ch| matches!(ch, ',' | ':' | ';' | '(' | ')' | '０'..='９')) {
        return false;
    }
    // Changing a character in place leaves what its neighbour asks of it (a digit, a letter) true.
    let digit = |x: Option<&char>| x.is_some_and(|x| x.is_ascii_digit() || ('０'..='９').contains(x));
    for i in 0..c.len() {
        let before = i.checked_sub(1).map(|p| c[p]);
        let keep = (digit(before.as_ref()) && digit(c.get(i + 1))) || before.is_some_and(|p| p.is_ascii_alphabetic());
        c[i] = match c[i] {
            ',' if !keep => '，',
            ':' if !keep => '：',
            ';' if !keep => '；',
            '(' => '（',
            ')' => '）',
            d @ '０'..='９' => char::from_u32(d as u32 - '０' as u32 + '0' as u32).unwrap_or(d),
            other => other,
        };
    }
    true
}

/// The lines of a text as the rules read them ([`read_as_meant`]), each with its characters: a
/// line is borrowed from `lines` unless a character changed. The characters of all lines share one
/// buffer, split once for every rule to share.
pub struct MeantLines<'a> {
    pub lines: Vec<std::borrow::Cow<'a, str>>,
    chars: Vec<char>,
    ends: Vec<usize>,
}

impl<'a> MeantLines<'a> {
    pub fn of(lines: &'a [String]) -> MeantLines<'a> {
        let ends: Vec<usize> = lines
            .iter()
            .scan(0, |end, l| {
                *end += l.chars().count();
                Some(*end)
            })
            .collect();
        // Filled in place: cheaper than pushing a character at a time.
        let mut chars = vec!['\0'; ends.last().copied().unwrap_or(0)];
        let mut meant = Vec::with_capacity(lines.len());
        let mut start = 0;
        for (line, &end) in lines.iter().zip(&ends) {
            let c = &mut chars[start..end];
            start = end;
            for (slot, ch) in c.iter_mut().zip(line.chars()) {
                *slot = ch;
            }
            meant.push(if read_as_meant(c) { Cow::Owned(c.iter().collect()) } else { Cow::Borrowed(line.as_str()) });
        }
        MeantLines { lines: meant, chars, ends }
    }

    /// Each line's characters.
    pub fn chars(&self) -> Vec<&[char]> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let c = &self.chars[start..end];
                start = end;
                c
            })
            .collect()
    }
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
        let lines = vec![line.to_owned(), "全年受理纠纷40起。".to_owned(), "（１）".to_owned()];
        let meant = MeantLines::of(&lines);
        assert_eq!(
            meant.lines[0],
            "（一）受理纠纷40起，调处38起；发放资料20,000份：会议9:30召开，2023年[bookmark: _GoBack]"
        );
        assert_eq!(meant.chars()[0].iter().collect::<String>(), meant.lines[0]);
        assert_eq!(meant.lines[0].chars().count(), line.chars().count());
        assert!(matches!(meant.lines[1], Cow::Borrowed(_)));
        assert_eq!(meant.lines[2], "（1）");
        assert_eq!(meant.chars()[2], ['（', '1', '）']);
    }
}
