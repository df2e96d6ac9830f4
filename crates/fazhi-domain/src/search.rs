//! What a person may search a ledger for, and how a match is shown. A search looks for the words
//! as typed, anywhere in a record's texts, ignoring the case of Latin letters. The store finds
//! matches of three characters or more through a trigram index, and two Chinese characters (or
//! two Latin letters and digits) through an index of the pairs of adjacent such characters
//! (`pairs`); one character, or two that are not both of that kind, are looked for in a bounded
//! scan instead.

/// Longer search text is refused: nothing a record holds is worth finding by a whole paragraph,
/// and the index's work grows with the length.
pub const MAX_CHARS: usize = 100;

/// The fewest characters the trigram index serves.
pub const INDEXED_CHARS: usize = 3;

/// Search words, trimmed, lower-cased, at most [`MAX_CHARS`] characters, not only punctuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchWords(String);

impl SearchWords {
    /// `Ok(None)` for nothing to search (an empty box); a Chinese message for text refused.
    pub fn parse(raw: &str) -> Result<Option<SearchWords>, String> {
        let words = raw.trim();
        if words.is_empty() {
            return Ok(None);
        }
        if words.chars().count() > MAX_CHARS {
            return Err(format!("检索词不能超过{MAX_CHARS}个字，请缩短后再检索"));
        }
        if words.chars().any(|c| crate::text::is_hidden(c, false)) {
            return Err("检索词含有不可见的控制字符，请删除后再检索".into());
        }
        if !words.chars().any(char::is_alphanumeric) {
            return Err("检索词不能只有标点符号，请输入要查找的文字".into());
        }
        Ok(Some(SearchWords(words.to_lowercase())))
    }

    /// The words as the stored search texts hold them (lower-cased).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Too short for the trigram index: one or two characters.
    pub fn is_short(&self) -> bool {
        self.0.chars().count() < INDEXED_CHARS
    }

    /// Two characters the pair index holds (`pairs`): found there rather than by a scan.
    pub fn is_pair(&self) -> bool {
        let mut chars = self.0.chars();
        matches!((chars.next(), chars.next(), chars.next()), (Some(a), Some(b), None) if is_paired(a) && is_paired(b))
    }

    /// `text` cut into pieces, each marked whether it is a match of the words, for a list to
    /// highlight. The pieces put together are `text` unchanged.
    pub fn highlight(&self, text: &str) -> Vec<(String, bool)> {
        let needle: Vec<char> = self.0.chars().collect();
        let chars: Vec<char> = text.chars().collect();
        let same = |a: char, b: char| a == b || a.to_lowercase().eq(b.to_lowercase());
        let mut pieces: Vec<(String, bool)> = Vec::new();
        let mut push = |piece: &[char], matched: bool| {
            if piece.is_empty() {
                return;
            }
            match pieces.last_mut() {
                Some((last, m)) if *m == matched => last.extend(piece),
                _ => pieces.push((piece.iter().collect(), matched)),
            }
        };
        let (mut from, mut i) = (0, 0);
        while i + needle.len() <= chars.len() {
            if chars[i..i + needle.len()].iter().zip(&needle).all(|(a, b)| same(*a, *b)) {
                push(&chars[from..i], false);
                push(&chars[i..i + needle.len()], true);
                i += needle.len();
                from = i;
            } else {
                i += 1;
            }
        }
        push(&chars[from..], false);
        pieces
    }
}

/// Characters the pair index holds: Chinese characters and ASCII letters and digits, which every
/// full-text tokenizer keeps as they are (no folding, no splitting).
pub fn is_paired(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// The distinct pairs of adjacent paired characters in `text`, in order: a text holds the two
/// characters `ab` side by side exactly when `[a, b]` is among them. (Pairs of chars, not strings:
/// the pair index cuts every record written, and a string per pair was most of its time.)
pub fn pairs(text: &str) -> Vec<[char; 2]> {
    let mut pairs: Vec<[char; 2]> = Vec::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        match previous {
            Some(p) if is_paired(p) && is_paired(c) => pairs.push([p, c]),
            _ => {}
        }
        previous = Some(c);
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

impl std::fmt::Display for SearchWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for SearchWords {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_is_no_search_and_bad_text_is_refused_in_chinese() {
        assert_eq!(SearchWords::parse("  ").unwrap(), None);
        assert_eq!(SearchWords::parse(" LED 路灯 ").unwrap().unwrap().as_str(), "led 路灯");
        let long = "法".repeat(MAX_CHARS + 1);
        assert!(SearchWords::parse(&long).unwrap_err().contains("不能超过100个字"));
        assert!(SearchWords::parse(&"法".repeat(MAX_CHARS)).is_ok());
        for punctuation in ["，。、", "%%", "_", "“”（）", "-- ;"] {
            assert!(SearchWords::parse(punctuation).unwrap_err().contains("只有标点符号"), "{punctuation}");
        }
        assert!(SearchWords::parse("a\u{202e}b").is_err());
    }

    #[test]
    fn one_or_two_characters_are_below_the_index() {
        let short = |s: &str| SearchWords::parse(s).unwrap().unwrap().is_short();
        assert!(short("王"));
        assert!(short("管网"));
        assert!(!short("工资款"));
    }

    #[test]
    fn two_chinese_characters_or_latin_letters_and_digits_are_a_pair() {
        let pair = |s: &str| SearchWords::parse(s).unwrap().unwrap().is_pair();
        assert!(pair("管网"));
        assert!(pair("a1"));
        assert!(!pair("王"), "one character is scanned");
        assert!(!pair("王-"), "punctuation is scanned");
        assert!(!pair("工资款"), "three go to the trigram index");
        let cut: Vec<String> = pairs("拖欠工资，工资a1\n王某").iter().map(|p| p.iter().collect()).collect();
        assert_eq!(cut, ["a1", "工资", "拖欠", "欠工", "王某", "资a"]);
    }

    proptest! {
        /// A text holds a pair of paired characters side by side exactly when `pairs` lists it:
        /// what the pair index finds is what a scan finds.
        #[test]
        fn pairs_find_what_a_scan_finds(text in "[a-c工资，\n]{0,30}", words in "[a-c工资，]{2}") {
            let words = SearchWords::parse(&words);
            if let Ok(Some(words)) = words && words.is_pair() {
                let pair: Vec<char> = words.as_str().chars().collect();
                prop_assert_eq!(pairs(&text).contains(&[pair[0], pair[1]]), text.contains(words.as_str()));
            }
        }
    }

    #[test]
    fn a_highlight_marks_every_match_in_any_case() {
        let words = SearchWords::parse("led").unwrap().unwrap();
        assert_eq!(
            words.highlight("更换LED路灯与led屏"),
            vec![
                ("更换".to_owned(), false),
                ("LED".to_owned(), true),
                ("路灯与".to_owned(), false),
                ("led".to_owned(), true),
                ("屏".to_owned(), false)
            ]
        );
        let words = SearchWords::parse("工资").unwrap().unwrap();
        assert_eq!(words.highlight("拖欠工资工资"), vec![("拖欠".to_owned(), false), ("工资工资".to_owned(), true)]);
        assert_eq!(words.highlight("无关"), vec![("无关".to_owned(), false)]);
    }

    proptest! {
        #[test]
        fn a_highlight_puts_the_text_back_together(text in "[a-cA-C工资，]{0,20}", words in "[a-c工资]{1,3}") {
            let words = SearchWords::parse(&words).unwrap().unwrap();
            let pieces = words.highlight(&text);
            let joined: String = pieces.iter().map(|(p, _)| p.as_str()).collect();
            prop_assert_eq!(joined, text.clone());
            let matched = pieces.iter().filter(|(_, m)| *m).count() > 0;
            prop_assert_eq!(matched, text.to_lowercase().contains(words.as_str()));
        }
    }
}
