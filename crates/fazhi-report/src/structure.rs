//! Reading a report's shape: title (one or two lines, maybe after the issuer), issuer, year,
//! preamble, numbered parts and their subsections at every level, headings that lost their number,
//! the signature and the date. Parts are classified by their wording, not their position.

use crate::model::{Part, PartKind, Signature};
use crate::numerals::parse_number;

pub const HAN_NUMERALS: &str = "一二三四五六七八九十";

#[derive(Debug, Clone)]
pub struct Heading {
    /// 1: 一、 part; 2: （一） subsection; 3: 1. item.
    pub level: u8,
    pub number: Option<u32>,
    pub numeral: String,
    /// The character after the numeral, `None` when it is missing.
    pub separator: Option<char>,
    pub line: usize,
    /// Character columns (from 1) of the numeral and separator.
    pub column: usize,
    pub end_column: usize,
    pub text: String,
    /// The heading is alone on its line (no sentence after it).
    pub title_only: bool,
}

#[derive(Debug, Default)]
pub struct Structure {
    pub title: Option<String>,
    pub title_line: Option<usize>,
    pub issuer: Option<String>,
    pub year: Option<i32>,
    /// First line of the body (after title and issuer lines), 1-based.
    pub body_start: usize,
    /// Last line of the body, before the signature and date.
    pub body_end: usize,
    pub headings: Vec<Heading>,
    pub parts: Vec<Part>,
    pub signature: Option<Signature>,
    pub signature_line: Option<usize>,
    pub date_line: Option<usize>,
    pub date: Option<ReportDate>,
    /// The tables (rows written as cells separated by `｜`), read as tables, not as text.
    pub tables: Vec<crate::tables::Table>,
}

impl Structure {
    /// The line is a row of a table.
    pub fn in_table(&self, line: usize) -> bool {
        self.tables.iter().any(|t| t.lines().contains(&line))
    }
}

/// The characters of a text, in a vector sized once (collecting `chars()` grows it several times).
pub fn chars(s: &str) -> Vec<char> {
    let mut c = Vec::with_capacity(s.chars().count());
    c.extend(s.chars());
    c
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// How the names of those who sign reports end: governments, streets, Party committees (党委,
/// 党工委) and departments (局, 办公室).
const ORG_SUFFIXES: [&str; 11] =
    ["人民政府", "街道办事处", "办事处", "街道", "乡", "镇", "委员会", "政府", "委", "局", "办公室"];

fn ends_like_org(s: &str) -> bool {
    let s = s.trim();
    ORG_SUFFIXES.iter().any(|x| s.ends_with(x)) && !s.contains('，') && !s.contains('。') && s.chars().count() <= 30
}

fn short_sentence_free(s: &str) -> bool {
    let n = s.chars().count();
    n > 0 && n <= 60 && !s.contains(['。', '；', ';', '！', '？']) && !s.ends_with(['：', ':'])
}

/// A 4-digit year followed by 年, anywhere in the text.
pub fn years_in(s: &str) -> Vec<i32> {
    // Four ASCII digits and 年 are found in the bytes: no other character holds an ASCII byte.
    let b = s.as_bytes();
    let mut out = Vec::new();
    for (at, _) in s.match_indices('年') {
        let Some(i) = at.checked_sub(4) else { continue };
        if b[i..at].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let y = b[i..at].iter().fold(0i32, |y, d| y * 10 + i32::from(d - b'0'));
            if (1990..=2100).contains(&y) {
                out.push(y);
            }
        }
    }
    out
}

/// A report's date: a day, or a month alone as many reports are dated (2022年1月).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportDate {
    pub year: i32,
    pub month: u32,
    pub day: Option<u32>,
}

impl ReportDate {
    /// `2024-01-15`, or `2024-01` for a month.
    pub fn iso(self) -> String {
        match self.day {
            Some(d) => format!("{:04}-{:02}-{d:02}", self.year, self.month),
            None => format!("{:04}-{:02}", self.year, self.month),
        }
    }

    /// As a report writes it: 2024年1月15日, 2024年1月.
    pub fn written(self) -> String {
        match self.day {
            Some(d) => format!("{}年{}月{d}日", self.year, self.month),
            None => format!("{}年{}月", self.year, self.month),
        }
    }
}

/// A year's digit as reports write it: 2, 二, and for zero 〇, ○ (a circle typed for 〇), 零, O.
fn year_digit(c: char) -> Option<i32> {
    if c.is_ascii_digit() {
        return Some(c as i32 - '0' as i32);
    }
    if matches!(c, '〇' | '○' | '零' | 'O' | 'o' | 'Ｏ' | '◯') {
        return Some(0);
    }
    "〇一二三四五六七八九".chars().position(|x| x == c).map(|p| p as i32)
}

/// A whole line that is a date: 2021年12月28日, 二〇二一年十二月二十八日, 2022年1月, (2022年1月10日).
pub fn parse_date_line(s: &str) -> Option<ReportDate> {
    // The longest date, 二〇二一年十二月二十八日, is 36 bytes; leave room for spacing, spare paragraphs.
    if s.len() > 96 {
        return None;
    }
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_end_matches(['。', '.']).trim_start_matches(['（', '(']).trim_end_matches(['）', ')']);
    let (y, rest) = t.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = if rest.is_empty() { None } else { Some(rest.strip_suffix(['日', '号'])?) };
    let digits: Vec<i32> = y.chars().map(year_digit).collect::<Option<_>>()?;
    if digits.len() != 4 {
        return None;
    }
    let year = digits.iter().fold(0, |acc, d| acc * 10 + d);
    let small = |s: &str| -> Option<u32> {
        let c = chars(s);
        let (v, used) = parse_number(&c)?;
        (used == c.len()).then_some(v as u32)
    };
    let month = small(m)?;
    let day = match d {
        Some(d) => Some(small(d).filter(|d| (1..=31).contains(d))?),
        None => None,
    };
    ((1990..=2100).contains(&year) && (1..=12).contains(&month)).then_some(ReportDate { year, month, day })
}

/// Reads the numbered-heading prefix of a line, if it has one.
pub fn heading_of(line_no: usize, raw: &str) -> Option<Heading> {
    heading_of_chars(line_no, raw, &chars(raw))
}

/// The same, given the line's characters already split.
pub fn heading_of_chars(line_no: usize, raw: &str, c: &[char]) -> Option<Heading> {
    let mut lead = c.iter().take_while(|ch| ch.is_whitespace()).count();
    // Word's leftovers in front of a heading ([bookmark: _GoBack]（二）…) do not hide it.
    if c[lead..].starts_with(&['[', 'b', 'o', 'o', 'k', 'm', 'a', 'r', 'k', ':'])
        && let Some(close) = c[lead..].iter().position(|ch| *ch == ']')
    {
        lead += close + 1;
    }
    let s = &c[lead..];
    if s.is_empty() {
        return None;
    }
    let han_run = s.iter().take_while(|ch| HAN_NUMERALS.contains(**ch)).count();
    let make = |level: u8, numeral: String, sep: Option<char>, num_start: usize, num_end: usize, text_start: usize| {
        let number = parse_number(&chars(&numeral)).map(|(v, _)| v as u32);
        let text_byte: usize = c[..lead + text_start].iter().map(|ch| ch.len_utf8()).sum();
        let text = raw[text_byte..].trim().to_owned();
        let title_only = !text.trim_end_matches(['。', '.']).contains(['。', '；', ';']) && text.chars().count() <= 40;
        Heading {
            level,
            number,
            numeral,
            separator: sep,
            line: line_no,
            column: lead + num_start + 1,
            end_column: lead + num_end + 1,
            text,
            title_only,
        }
    };
    // 第一部分 (departments number parts so): a part heading in a form of its own.
    if s.len() > 4 && s[0] == '第' {
        let run = s[1..].iter().take_while(|ch| HAN_NUMERALS.contains(**ch)).count();
        if (1..=3).contains(&run) && s[1 + run..].starts_with(&['部', '分']) {
            let numeral: String = s[1..=run].iter().collect();
            let mut text_start = run + 3;
            while s.get(text_start).is_some_and(|ch| ch.is_whitespace() || matches!(ch, '：' | ':' | '、' | '　')) {
                text_start += 1;
            }
            return Some(make(1, numeral, Some('、'), 0, run + 3, text_start));
        }
    }
    // 一、 (or the wrong separators 一. 一， 一 )
    if (1..=3).contains(&han_run) && s.len() > han_run {
        let sep = s[han_run];
        let numeral: String = s[..han_run].iter().collect();
        if matches!(sep, '、' | '.' | '．' | '，' | ',')
            || (sep.is_whitespace() && s.len() > han_run + 1 && is_han(s[han_run + 1]))
        {
            return Some(make(1, numeral, Some(sep), 0, han_run + 1, han_run + 1));
        }
    }
    // （一） or (一)
    if matches!(s[0], '（' | '(') {
        let run = s[1..].iter().take_while(|ch| HAN_NUMERALS.contains(**ch)).count();
        if (1..=3).contains(&run) && s.len() > run + 1 && matches!(s[run + 1], '）' | ')') {
            let numeral: String = s[1..=run].iter().collect();
            let mut text_start = run + 2;
            // （一）、 carries a superfluous separator.
            let extra = s.get(text_start).copied().filter(|ch| matches!(ch, '、' | '.' | '．'));
            if extra.is_some() {
                text_start += 1;
            }
            let mut h = make(2, numeral, extra.or(Some(s[run + 1])), 0, text_start, text_start);
            if extra.is_some() {
                h.separator = extra;
            }
            return Some(h);
        }
    }
    // 1. 1、 1．(and 7完善, with the separator missing)
    let digit_run = s.iter().take_while(|ch| ch.is_ascii_digit()).count();
    if (1..=2).contains(&digit_run) && s.len() > digit_run {
        let sep = s[digit_run];
        let numeral: String = s[..digit_run].iter().collect();
        let next_is_digit = s.get(digit_run + 1).is_some_and(|ch| ch.is_ascii_digit());
        if matches!(sep, '.' | '．' | '、' | '，' | ',') && !next_is_digit {
            return Some(make(3, numeral, Some(sep), 0, digit_run + 1, digit_run + 1));
        }
        // A digit straight into words is an item without its separator only if no unit follows.
        const UNIT_LIKE: &str = "年月日号时分秒个名次件条份余多万千百亿元户人起场岁天项期届批周%％.．-－~～至—）)";
        if is_han(sep) && !UNIT_LIKE.contains(sep) {
            return Some(make(3, numeral, None, 0, digit_run, digit_run));
        }
    }
    None
}

/// The kind of part a heading names, by its words.
pub fn classify(heading: &str) -> PartKind {
    classify_all(heading)[0]
}

/// Words that name each statutory part in a heading, as townships, streets and departments write
/// them. Strong words name the part wherever they stand; weak ones (主要工作, 问题) only when no
/// other part is named, since 2024年主要工作安排 is a plan and 坚持问题导向 no shortcoming.
const PART_WORDS: [(PartKind, &[&str], &[&str]); 3] = [
    (
        PartKind::Shortcomings,
        &["不足", "存在问题", "存在的问题", "问题和差距", "差距", "短板", "困难和问题", "困难"],
        &["问题"],
    ),
    (PartKind::Plan, &["下一步", "下步", "计划", "安排", "思路", "打算", "工作目标", "努力方向", "展望"], &[]),
    (
        PartKind::Measures,
        &[
            "主要举措",
            "成效",
            "主要做法",
            "做法",
            "工作情况",
            "开展情况",
            "工作开展",
            "基本情况",
            "主要成绩",
            "工作成绩",
        ],
        &["主要工作", "工作回顾"],
    ),
];

/// Words that make a heading the leaders' part, or the part of other matters, wherever they stand.
const LEADERS_WORDS: [&str; 3] = ["第一责任人", "第一负责人", "履行推进法治建设"];
const OTHER_WORDS: [&str; 3] = ["其他需要报告", "其他事项", "需要报告的其他"];

/// Every word [`classify_all`] looks for, in one automaton: a heading is read once, not once per
/// word. Pattern ids run through `LEADERS_WORDS`, `OTHER_WORDS`, 主要负责人, 履行, then each of
/// `PART_WORDS`' strong and weak lists in order.
static HEADING_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    let mut words: Vec<&str> = LEADERS_WORDS.iter().chain(&OTHER_WORDS).copied().collect();
    words.extend(["主要负责人", "履行"]);
    for (_, strong, weak) in PART_WORDS {
        words.extend(strong.iter().chain(weak.iter()));
    }
    assert!(words.len() <= 64, "classify_all keeps a word's place in 64 slots");
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(words)
        .expect("valid heading words")
});

/// Every statutory part a heading names, the first-named first; `[Nonstandard]` when it names
/// none. Most headings name one part; a merged heading (工作开展情况及存在的问题) names two.
pub fn classify_all(heading: &str) -> Vec<PartKind> {
    // Where each word first stands in the heading.
    let mut first = [usize::MAX; 64];
    for m in HEADING_WORDS.find_overlapping_iter(heading) {
        let at = &mut first[m.pattern().as_usize()];
        *at = (*at).min(m.start());
    }
    let found_at = |id: usize| first[id] != usize::MAX;
    let (leaders_end, other_end) = (LEADERS_WORDS.len(), LEADERS_WORDS.len() + OTHER_WORDS.len());
    // 主要负责人 and 履行 name the leaders' part together.
    if (0..leaders_end).any(found_at) || (found_at(other_end) && found_at(other_end + 1)) {
        return vec![PartKind::Leaders];
    }
    if (leaders_end..other_end).any(found_at) {
        return vec![PartKind::Other];
    }
    let mut strong_found = Vec::new();
    let mut weak_found = Vec::new();
    let mut id = other_end + 2;
    for (kind, strong, weak) in PART_WORDS {
        let first_at = |ids: std::ops::Range<usize>| ids.map(|i| first[i]).min().filter(|at| *at != usize::MAX);
        if let Some(at) = first_at(id..id + strong.len()) {
            strong_found.push((at, kind));
        }
        id += strong.len();
        if let Some(at) = first_at(id..id + weak.len()) {
            weak_found.push((at, kind));
        }
        id += weak.len();
    }
    let mut found = if strong_found.is_empty() { weak_found } else { strong_found };
    found.sort();
    let kinds: Vec<PartKind> = found.into_iter().map(|(_, k)| k).collect();
    if kinds.is_empty() { vec![PartKind::Nonstandard] } else { kinds }
}

/// The statutory part a subsection heading names only by its part's own words (党政主要负责人履行
/// 第一责任人职责情况, 其他需要报告的情况, 存在的不足, 下一步工作打算): a part written inside another.
pub fn subsection_as_part(heading: &str) -> Option<PartKind> {
    let kinds = classify_all(heading);
    let strong = match kinds[0] {
        PartKind::Leaders | PartKind::Other => true,
        PartKind::Shortcomings => {
            ["存在的不足", "存在的问题", "存在问题", "问题和不足", "不足和原因"].iter().any(|w| heading.contains(w))
        }
        PartKind::Plan => {
            ["下一步工作", "下步工作", "下一年度", "下一步打算", "下步打算"].iter().any(|w| heading.contains(w))
        }
        _ => false,
    };
    (strong && kinds.len() == 1).then_some(kinds[0])
}

/// A line after the date of an official document: its publication note, copies, contact, annex.
fn is_trailer(line: &str) -> bool {
    let t = line.trim().trim_start_matches(['（', '(']);
    (["此件", "抄送", "联系人", "印发", "公开方式", "公开属性"].iter().any(|w| t.starts_with(w)) || t.ends_with("印发"))
        && t.chars().count() <= 80
}

pub fn parse(lines: &[&str], line_chars: &[&[char]]) -> Structure {
    let mut st = Structure::default();
    let n = lines.len();
    let non_empty: Vec<usize> = (0..n).filter(|i| !lines[*i].trim().is_empty()).collect();
    if non_empty.is_empty() {
        st.body_start = 1;
        st.body_end = 0;
        return st;
    }

    // The end: a date line and the issuer just before (or after) it.
    // Notes an official document ends with after its date (（此件公开发布）, 抄送：…) are no body.
    let trailers = non_empty.iter().rev().take(4).take_while(|i| is_trailer(lines[**i])).count();
    let ending = &non_empty[..non_empty.len() - trailers.min(non_empty.len() - 1)];
    let mut body_end = *ending.last().expect("non-empty") + 1;
    let tail: Vec<usize> = ending.iter().rev().take(3).copied().collect();
    for &i in &tail {
        if let Some(d) = parse_date_line(lines[i]) {
            st.date = Some(d);
            st.date_line = Some(i + 1);
            break;
        }
    }
    // The issuer: the line or two lines (a Party committee and the government signing together)
    // just before the date, or after it when the date comes first.
    let is_org_line = |i: usize| ends_like_org(lines[i]) && heading_of(i + 1, lines[i]).is_none();
    let signers: Vec<usize> = match st.date_line {
        Some(dl) => {
            let before: Vec<usize> = non_empty
                .iter()
                .rev()
                .copied()
                .filter(|i| *i + 1 < dl)
                .take(2)
                .take_while(|i| is_org_line(*i))
                .collect();
            if before.is_empty() {
                non_empty.iter().copied().filter(|i| *i + 1 > dl).take(2).take_while(|i| is_org_line(*i)).collect()
            } else {
                before.into_iter().rev().collect()
            }
        }
        None => tail.iter().copied().take(1).filter(|i| is_org_line(*i)).collect(),
    };
    st.signature_line = signers.first().map(|i| i + 1);
    for l in [st.date_line, st.signature_line].into_iter().flatten() {
        body_end = body_end.min(l - 1);
    }
    st.body_end = body_end;
    if let Some(sl) = st.signature_line {
        st.signature = Some(Signature {
            issuer: signers.iter().map(|i| lines[*i].trim()).collect::<Vec<_>>().join("、"),
            date: st.date.map(ReportDate::iso),
            line: sl,
        });
    }

    // The beginning: issuer line, title (maybe over two lines), then the preamble.
    let first_heading = non_empty.iter().copied().find(|i| heading_of(i + 1, lines[*i]).is_some_and(|h| h.level == 1));
    let front: Vec<usize> = non_empty.iter().copied().take_while(|i| Some(*i) != first_heading).take(4).collect();
    let mut idx = 0;
    let mut issuer_line = None;
    if let Some(&i) = front.first()
        && ends_like_org(lines[i])
        && !lines[i].contains("法治")
    {
        issuer_line = Some(i);
        idx = 1;
    }
    if let Some(&i) = front.get(idx) {
        let t = lines[i].trim();
        let looks_title = short_sentence_free(t)
            && (t.contains("法治") || t.contains("报告"))
            && !t.starts_with("根据")
            && !t.starts_with("按照")
            && !t.starts_with("现将");
        if looks_title {
            let mut title = t.to_owned();
            st.title_line = Some(i + 1);
            idx += 1;
            // A title broken over two lines: the second is short and has no sentence in it.
            if let Some(&j) = front.get(idx) {
                let u = lines[j].trim();
                let continues = short_sentence_free(u)
                    && u.chars().count() <= 16
                    && (u.contains("报告") || u.contains("建设") || !title.contains("报告"))
                    && !title.ends_with("报告");
                if continues {
                    title.push_str(u);
                    idx += 1;
                }
            }
            // An issuer on its own line above is the first part of an official document's title.
            if let Some(il) = issuer_line {
                title = format!("{}{title}", lines[il].trim());
            }
            st.title = Some(title);
        }
    }
    let front_end = front.get(idx).copied().unwrap_or(first_heading.unwrap_or(n));
    st.body_start = front.get(idx).or(first_heading.as_ref()).map(|i| i + 1).unwrap_or(1).min(front_end + 1);
    if issuer_line.is_some() && st.title.is_none() {
        // An issuer line alone, no title after it: the line is the start of the body after all.
        st.body_start = issuer_line.map(|i| i + 1).unwrap_or(1);
    }

    // Issuer: its own line, else the words of the title before the year, else the signature.
    st.issuer = issuer_line.map(|i| lines[i].trim().to_owned()).or_else(|| {
        let t = st.title.as_deref()?;
        let cut = t.find("关于").or_else(|| t.find(|c: char| c.is_ascii_digit()))?;
        let issuer = t[..cut].trim();
        (!issuer.is_empty()).then(|| issuer.to_owned())
    });
    if st.issuer.is_none() {
        st.issuer = st.signature.as_ref().map(|s| s.issuer.clone());
    }
    // Year: the title's, else the first year the report names before its first part.
    st.year = st.title.as_deref().and_then(|t| years_in(t).first().copied()).or_else(|| {
        let upto = first_heading.unwrap_or(n);
        (0..upto.min(n)).find_map(|i| years_in(lines[i]).first().copied())
    });

    // Headings of the body; a table's cells are none.
    st.tables = crate::tables::find(lines, line_chars);
    let (from, to) = (st.body_start.max(1) - 1, st.body_end.min(n));
    for (i, line) in line_chars.iter().enumerate().take(to).skip(from) {
        if st.in_table(i + 1) {
            continue;
        }
        if let Some(h) = heading_of_chars(i + 1, lines[i], line) {
            st.headings.push(h);
        }
    }
    st
}

/// Builds the parts from the level-1 headings (and headings without a number that name a part).
pub fn parts(st: &Structure, lines: &[&str], unnumbered_parts: &[usize]) -> Vec<Part> {
    let mut starts: Vec<(usize, Option<String>, String)> = st
        .headings
        .iter()
        .filter(|h| h.level == 1)
        .map(|h| (h.line, Some(h.numeral.clone()), h.text.clone()))
        .collect();
    for &l in unnumbered_parts {
        starts.push((l, None, lines[l - 1].trim().to_owned()));
    }
    starts.sort_by_key(|s| s.0);
    let mut out = Vec::new();
    for (k, (line, number, heading)) in starts.iter().enumerate() {
        let end_line = starts.get(k + 1).map(|s| s.0 - 1).unwrap_or(st.body_end);
        let kinds = classify_all(heading);
        out.push(Part {
            kind: kinds[0],
            number: number.clone(),
            heading: heading.clone(),
            line: *line,
            end_line,
            also: kinds[1..].to_vec(),
            inside: None,
        });
    }
    // A statutory part written as a subsection of another (（三）党政主要负责人履行第一责任人职责
    // under part one) is there, in the wrong place.
    let mut nested = Vec::new();
    // Only a heading alone on its line can be a part's heading; an item's paragraph is not read.
    for (k, h) in st.headings.iter().enumerate().filter(|(_, h)| h.level >= 2 && h.title_only) {
        let Some(kind) = subsection_as_part(&h.text) else { continue };
        let Some(outer) = out.iter().rev().find(|p| p.line < h.line && h.line <= p.end_line) else { continue };
        if out.iter().chain(&nested).any(|p: &Part| p.covers(kind)) {
            continue;
        }
        let next = st.headings[k + 1..].iter().find(|n| n.level <= h.level).map(|n| n.line - 1);
        nested.push(Part {
            kind,
            number: Some(h.numeral.clone()),
            heading: h.text.clone(),
            line: h.line,
            end_line: next.unwrap_or(outer.end_line).min(outer.end_line),
            also: Vec::new(),
            inside: Some(outer.line),
        });
    }
    out.extend(nested);
    out.sort_by_key(|p| p.line);
    out
}

/// The part a body line belongs to: the innermost one whose lines hold it.
pub fn part_at(parts: &[Part], line: usize) -> Option<&Part> {
    parts.iter().rev().find(|p| p.line <= line && line <= p.end_line)
}
