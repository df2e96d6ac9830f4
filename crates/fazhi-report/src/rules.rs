//! The checks, each with a stable rule id (the JSON output's `rule`), a severity, a Chinese message, an
//! exact span and a hint.

use std::collections::HashMap;

use serde_json::json;

use crate::indicators::Figure;
use crate::model::{Diagnostic, Indicator, Part, PartKind, Severity};
use crate::numerals::{Qualifier, to_chinese};
use crate::structure::{Heading, Structure, classify, years_in};

pub struct Ctx<'a> {
    /// The report's text as one string, for a word searched once over all of it: its lines are
    /// [`Ctx::raw`], split at `\n` with a trailing `\r` left off.
    pub text: &'a str,
    /// The lines as the report wrote them, for rules about the characters themselves (debris).
    pub raw: &'a [String],
    /// The lines with punctuation read as meant (crate::punctuation), for every other rule.
    pub lines: &'a [&'a str],
    /// Each line split into characters once, for every rule to share.
    pub chars: &'a [&'a [char]],
    pub out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// Where each match in the whole text stands, given as (byte offset, pattern) in ascending
    /// order: its line (from 1), the column of its first character (from 1) and the pattern. A rule
    /// searches the report once instead of once per line; a pattern never holds a line break.
    pub(crate) fn places(&self, matches: impl IntoIterator<Item = (usize, usize)>) -> Vec<(usize, usize, usize)> {
        let (mut line, mut line_start, mut counted) = (1usize, 0usize, 0usize);
        let mut out = Vec::new();
        for (start, pattern) in matches {
            for nl in memchr::memchr_iter(b'\n', &self.text.as_bytes()[counted..start]) {
                line += 1;
                line_start = counted + nl + 1;
            }
            counted = start;
            out.push((line, self.text[line_start..start].chars().count() + 1, pattern));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        line: usize,
        column: usize,
        end_column: usize,
        message: String,
        hint: &str,
        data: serde_json::Value,
    ) {
        self.out.push(Diagnostic {
            rule,
            severity,
            message,
            line,
            column,
            end_line: line,
            end_column,
            hint: hint.to_owned(),
            data,
            page: None,
        });
    }

    fn line_len(&self, line: usize) -> usize {
        self.lines.get(line.wrapping_sub(1)).map(|l| l.chars().count()).unwrap_or(0)
    }

    /// Column span of the line's text without leading and trailing blanks.
    pub(crate) fn text_span(&self, line: usize) -> (usize, usize) {
        let l = self.lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
        let lead = l.chars().take_while(|c| c.is_whitespace()).count();
        let len = l.trim_end().chars().count();
        (lead + 1, len.max(lead) + 1)
    }
}

fn han(n: u32) -> String {
    to_chinese(n as u64)
}

/// Words that give a shortcoming's cause. Many reports give causes without the word 原因:
/// 主要是人员少, 究其根本, 由于经费有限, 受制于编制.
const CAUSE_MARKERS: [&str; 27] = [
    "原因",
    "由于",
    "因为",
    "导致",
    "造成",
    "致使",
    "影响",
    "客观",
    "主观",
    "根源",
    "究其",
    "源于",
    "在于",
    "面对",
    "面临",
    "主要是",
    "主要因",
    "归根",
    "缘于",
    "囿于",
    "受制于",
    "受限于",
    "所致",
    "之所以",
    "归因",
    "根本上",
    "一方面",
];

/// Lines without a number that stand where a numbered heading belongs. Returns (part-level lines,
/// subsection-level lines).
pub fn unnumbered_headings(st: &Structure, lines: &[&str]) -> (Vec<usize>, Vec<usize>) {
    let mut parts = Vec::new();
    let mut subsections = Vec::new();
    let mut title_only_sub_seen = false;
    for line in st.body_start.max(1)..=st.body_end.min(lines.len()) {
        if let Some(h) = st.headings.iter().find(|h| h.line == line) {
            if h.level == 1 {
                title_only_sub_seen = false;
            } else if h.level == 2 {
                title_only_sub_seen = h.title_only;
            }
            continue;
        }
        let t = lines[line - 1].trim();
        let n = t.chars().count();
        if st.in_table(line)
            || n == 0
            || n > 40
            || t.contains(['。', '；', ';', '！', '？', '：', ':'])
            || t.chars().any(|c| c.is_ascii_digit())
        {
            continue;
        }
        let next_is_body = lines.get(line).is_some_and(|l| !l.trim().is_empty());
        let strong_part = [
            "第一责任人职责",
            "其他需要报告",
            "存在的不足",
            "存在的问题",
            "问题和不足",
            "下一步工作",
            "下步打算",
            "下一步打算",
            "主要举措和成效",
            "主要做法和成效",
            "工作开展情况",
        ]
        .iter()
        .any(|w| t.contains(w));
        if strong_part && classify(t) != PartKind::Nonstandard {
            parts.push(line);
        } else if title_only_sub_seen && next_is_body && (t.contains('，') || n <= 25) {
            subsections.push(line);
        }
    }
    (parts, subsections)
}

pub fn title_and_signature(ctx: &mut Ctx<'_>, st: &Structure) {
    if st.title.is_none() {
        let line = st.body_start.max(1);
        ctx.push(
            "missing-title",
            Severity::Error,
            line,
            1,
            1,
            "报告没有标题".into(),
            "在正文前加标题，如“××镇2023年法治政府建设年度报告”",
            serde_json::Value::Null,
        );
    }
    let last = st.body_end.max(1);
    let end_col = ctx.line_len(last) + 1;
    if st.signature.is_none() {
        ctx.push(
            "missing-signature",
            Severity::Error,
            last,
            end_col,
            end_col,
            "报告末尾没有落款（发文机关署名）".into(),
            "在正文后另起一行署发文机关全称，如“××区××镇人民政府”",
            serde_json::Value::Null,
        );
    }
    match (st.date, st.date_line) {
        (None, _) => ctx.push(
            "missing-date",
            Severity::Error,
            st.signature_line.unwrap_or(last),
            1,
            1,
            "报告末尾没有成文日期".into(),
            "在落款下一行写明日期，如“2024年1月15日”",
            serde_json::Value::Null,
        ),
        (Some(date), Some(line)) => {
            if let Some(year) = st.year {
                let (c, e) = ctx.text_span(line);
                let data = json!({"date": date.iso()});
                // A December date is how many townships date the year's report; an earlier one
                // leaves part of the year unreported.
                if date.year < year || (date.year == year && date.month < 12) {
                    ctx.push(
                        "late-date",
                        Severity::Warning,
                        line,
                        c,
                        e,
                        format!("成文日期{}早于所报告的{year}年度结束", date.written()),
                        "年度报告应在年度结束后总结全年情况；核对成文日期或报告年度",
                        data,
                    );
                } else if date.year > year + 1 || (date.year == year + 1 && date.month > 3) {
                    ctx.push(
                        "late-date",
                        Severity::Warning,
                        line,
                        c,
                        e,
                        format!("成文日期{}晚于法定报送期限（{}年3月31日）", date.written(), year + 1),
                        "年度报告应于次年第一季度报送并公开（《法治政府建设与责任落实督察工作规定》第二十五条）",
                        data,
                    );
                }
            }
        }
        _ => {}
    }
}

pub fn parts_present(ctx: &mut Ctx<'_>, st: &Structure, parts: &[Part]) {
    let last = st.body_end.max(1);
    for kind in PartKind::STATUTORY {
        if !parts.iter().any(|p| p.covers(kind)) {
            ctx.push(
                "missing-part",
                Severity::Error,
                last,
                1,
                1,
                format!("缺少{}：{}", kind.ordinal(), kind.label()),
                "年度报告应包括五部分：主要举措和成效；存在的不足和原因；党政主要负责人履行第一责任人职责情况；下一年度主要安排；其他需要报告的情况（没有可写“无”）",
                json!({"kind": kind}),
            );
        }
    }
    for p in parts {
        let (c, e) = ctx.text_span(p.line);
        if !p.also.is_empty() {
            let named: Vec<String> = std::iter::once(p.kind)
                .chain(p.also.iter().copied())
                .map(|k| format!("{}（{}）", k.ordinal(), k.label()))
                .collect();
            ctx.push(
                "merged-parts",
                Severity::Warning,
                p.line,
                c,
                e,
                format!("“{}”把{}合在一个标题下", p.heading, named.join("和")),
                "按法定结构分列为各自的部分，每部分一个标题",
                json!({"kinds": std::iter::once(p.kind).chain(p.also.iter().copied()).collect::<Vec<_>>()}),
            );
        }
        if let Some(outer) = p.inside.and_then(|l| parts.iter().find(|o| o.line == l)) {
            ctx.push(
                "misplaced-part",
                Severity::Warning,
                p.line,
                c,
                e,
                format!(
                    "{}“{}”写在了{}“{}”（第{}行）之中",
                    p.kind.ordinal(),
                    p.kind.label(),
                    outer.kind.ordinal(),
                    outer.heading,
                    outer.line
                ),
                &format!("把这一节单列为{}，用一级标题", p.kind.ordinal()),
                json!({"kind": p.kind, "inside_line": outer.line}),
            );
        }
        let body: Vec<usize> = (p.line + 1..=p.end_line).filter(|l| !ctx.lines[l - 1].trim().is_empty()).collect();
        if body.is_empty() {
            ctx.push(
                "empty-part",
                Severity::Error,
                p.line,
                c,
                e,
                format!("“{}”部分没有内容", p.heading),
                "写明本部分的内容；确实没有的，写“无”",
                json!({"kind": p.kind}),
            );
        }
        if p.kind == PartKind::Nonstandard {
            ctx.push(
                "nonstandard-part",
                Severity::Info,
                p.line,
                c,
                e,
                format!("“{}”不属于法定的五个部分", p.heading),
                "可并入“主要举措和成效”部分，作为其中一节",
                serde_json::Value::Null,
            );
        }
        if p.covers(PartKind::Shortcomings) && p.also.is_empty() {
            let body_text: String = body.iter().map(|l| ctx.lines[l - 1]).collect();
            static CAUSES: std::sync::LazyLock<aho_corasick::AhoCorasick> =
                std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(CAUSE_MARKERS).expect("valid markers"));
            if !CAUSES.is_match(&body_text) {
                let message = if p.heading.contains("原因") {
                    "标题写明“不足和原因”，正文只列了不足，没有分析原因".to_owned()
                } else {
                    "只列了存在的不足，没有分析原因".to_owned()
                };
                ctx.push(
                    "missing-causes",
                    Severity::Warning,
                    p.line,
                    c,
                    e,
                    message,
                    "逐条说明不足产生的主客观原因",
                    serde_json::Value::Null,
                );
            }
        }
        if p.kind == PartKind::Plan
            && let Some(year) = st.year
        {
            // The plan's year is in its heading or opens its first paragraph (2024年，我镇将…);
            // a year later in that paragraph is a comparison (较2022年).
            let first_body = body.first().map(|l| ctx.lines[l - 1].trim_start()).unwrap_or("");
            let opening = years_in(first_body).first().copied().filter(|y| first_body.starts_with(&y.to_string()));
            let mut years = years_in(&p.heading);
            if years.is_empty() {
                years.extend(opening);
            }
            if !years.is_empty() && !years.contains(&(year + 1)) {
                ctx.push(
                    "plan-year",
                    Severity::Warning,
                    p.line,
                    c,
                    e,
                    format!("下一年度安排写的是{}年，报告年度为{year}年，应为{}年", years[0], year + 1),
                    "核对报告年度与计划年度",
                    json!({"expected": year + 1, "found": years[0]}),
                );
            }
        }
    }
}

fn separator_ok(h: &Heading) -> bool {
    match h.level {
        1 => h.separator == Some('、'),
        2 => matches!(h.separator, Some('）' | ')')),
        _ => matches!(h.separator, Some('.' | '．' | '、')),
    }
}

pub fn numbering(ctx: &mut Ctx<'_>, st: &Structure, unnumbered_parts: &[usize], unnumbered_subs: &[usize]) {
    enum Entry<'a> {
        Numbered(&'a Heading),
        Bare(usize, u8),
    }
    let mut entries: Vec<(usize, Entry<'_>)> = st.headings.iter().map(|h| (h.line, Entry::Numbered(h))).collect();
    entries.extend(unnumbered_parts.iter().map(|l| (*l, Entry::Bare(*l, 1))));
    entries.extend(unnumbered_subs.iter().map(|l| (*l, Entry::Bare(*l, 2))));
    entries.sort_by_key(|e| e.0);
    let mut expected = [1u32; 4];
    let mut item_continues = 1u32;
    let label = |level: u8, n: u32| match level {
        1 => format!("{}、", han(n)),
        2 => format!("（{}）", han(n)),
        _ => format!("{n}."),
    };
    for (_, entry) in &entries {
        match entry {
            Entry::Bare(line, level) => {
                let level = *level as usize;
                let want = label(level as u8, expected[level]);
                let (c, e) = ctx.text_span(*line);
                ctx.push(
                    "unnumbered-heading",
                    Severity::Warning,
                    *line,
                    c,
                    e,
                    format!("标题缺少编号，按位置应为“{want}”"),
                    &format!("在标题前加上“{want}”"),
                    json!({"expected": want}),
                );
                expected[level] += 1;
                for deeper in expected.iter_mut().skip(level + 1) {
                    *deeper = 1;
                }
                if level <= 2 {
                    item_continues = 1;
                }
            }
            Entry::Numbered(h) => {
                let level = h.level as usize;
                let Some(n) = h.number else { continue };
                if !separator_ok(h) {
                    let want = label(h.level, n);
                    let sep_col = h.end_column.saturating_sub(if h.separator.is_some() { 1 } else { 0 });
                    ctx.push(
                        "numbering-separator",
                        Severity::Warning,
                        h.line,
                        h.column,
                        sep_col.max(h.column + 1),
                        match h.separator {
                            None => format!("编号“{}”后缺少分隔符号，应为“{want}”", h.numeral),
                            Some(s) => format!("编号“{}”后用了“{s}”，应为“{want}”", h.numeral),
                        },
                        "一级标题用“一、”，二级标题用“（一）”，三级标题用“1.”",
                        json!({"expected": want}),
                    );
                }
                let want = expected[level];
                // Items may number on across subsections (1–4, then 5–9 under the next one).
                let ok = n == want || (level == 3 && n == item_continues);
                if !ok {
                    let (rule, message) = if n > want {
                        let missing: Vec<String> = (want..n).map(|m| label(h.level, m)).collect();
                        (
                            "numbering-gap",
                            format!(
                                "编号从“{}”跳到“{}”，缺少{}",
                                label(h.level, want.saturating_sub(1).max(1)),
                                label(h.level, n),
                                missing.join("")
                            ),
                        )
                    } else {
                        (
                            "numbering-duplicate",
                            format!("编号“{}”重复或倒退，按顺序应为“{}”", label(h.level, n), label(h.level, want)),
                        )
                    };
                    if !(n < want && n == 1 && level == 3) {
                        ctx.push(
                            rule,
                            Severity::Warning,
                            h.line,
                            h.column,
                            h.end_column.max(h.column + 1),
                            message,
                            "按顺序连续编号",
                            json!({"expected": label(h.level, want)}),
                        );
                    }
                }
                expected[level] = n + 1;
                for deeper in expected.iter_mut().skip(level + 1) {
                    *deeper = 1;
                }
                if level == 1 {
                    item_continues = 1;
                }
                if level == 3 {
                    item_continues = n + 1;
                }
            }
        }
    }
}

/// 一是……二是……三是: in sequence within each section.
pub fn enumerations(ctx: &mut Ctx<'_>, st: &Structure) {
    let heading_lines: Vec<usize> = st.headings.iter().map(|h| h.line).collect();
    let (lines, chars) = (ctx.lines, ctx.chars);
    let mut expected = 1u32;
    for line in st.body_start.max(1)..=st.body_end.min(lines.len()) {
        let (text, c) = (&lines[line - 1], &chars[line - 1]);
        if heading_lines.contains(&line) && !text.contains("是") {
            expected = 1;
        }
        // Each 是 of the line, found by a byte search, with the numerals just before it.
        let (mut byte_at, mut char_at) = (0, 0);
        for b in memchr::memmem::find_iter(text.as_bytes(), "是".as_bytes()) {
            char_at += text[byte_at..b].chars().count();
            byte_at = b;
            let run = c[..char_at].iter().rev().take(3).take_while(|x| is_han_numeral(**x)).count();
            if run == 0 || run > 2 {
                continue;
            }
            let i = char_at - run;
            let at_start = i == 0
                || matches!(c[i - 1], '：' | ':' | '；' | ';' | '。' | '，' | ',' | '）' | ')' | ' ' | '\u{3000}')
                || c[..i].iter().all(|x| x.is_whitespace());
            if !at_start {
                continue;
            }
            let n = crate::numerals::parse_number(&c[i..i + run]).map(|v| v.0 as u32).unwrap_or(0);
            if n == 1 {
                expected = 2;
            } else if n == expected {
                expected += 1;
            } else if n > expected {
                ctx.push(
                    "numbering-gap",
                    Severity::Warning,
                    line,
                    i + 1,
                    i + run + 2,
                    format!("“{}是”之前缺少“{}是”", han(n), han(expected)),
                    "按“一是、二是、三是”顺序连续列举",
                    json!({"expected": format!("{}是", han(expected))}),
                );
                expected = n + 1;
            } else {
                ctx.push(
                    "numbering-duplicate",
                    Severity::Warning,
                    line,
                    i + 1,
                    i + run + 2,
                    format!("“{}是”重复或倒退", han(n)),
                    "按“一是、二是、三是”顺序连续列举",
                    serde_json::Value::Null,
                );
            }
        }
    }
}

fn is_han_numeral(c: char) -> bool {
    matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
}

pub fn empty_items(ctx: &mut Ctx<'_>, st: &Structure) {
    let heading_lines: Vec<usize> = st.headings.iter().map(|h| h.line).collect();
    for line in st.body_start.max(1)..=st.body_end.min(ctx.lines.len()) {
        let t = ctx.lines[line - 1].trim_end();
        if !(t.ends_with('：') || t.ends_with(':')) || t.trim().chars().count() < 4 {
            continue;
        }
        let next = (line + 1..=st.body_end.min(ctx.lines.len())).find(|l| !ctx.lines[l - 1].trim().is_empty());
        let next_starts_sibling = match next {
            None => true,
            Some(l) => {
                let n = ctx.lines[l - 1].trim_start();
                heading_lines.contains(&l)
                    || (n.chars().take(3).collect::<String>().contains('是')
                        && n.starts_with(|c: char| "一二三四五六七八九十".contains(c)))
            }
        };
        let own_enumeration = t.trim_start().starts_with(|c: char| "一二三四五六七八九十".contains(c))
            && t.contains('是')
            || heading_lines.contains(&line);
        if own_enumeration && next_starts_sibling {
            let len = t.chars().count();
            ctx.push(
                "empty-item",
                Severity::Warning,
                line,
                len,
                len + 1,
                "此项以冒号结尾，但后面没有具体内容".into(),
                "补写该项的具体内容，或把冒号改为句号",
                serde_json::Value::Null,
            );
        }
    }
}

const DEBRIS: [(&str, &str); 11] = [
    ("[bookmark:", "Word 书签"),
    ("_GoBack", "Word 书签"),
    ("MERGEFORMAT", "Word 域代码"),
    ("HYPERLINK", "Word 域代码"),
    ("PAGEREF", "Word 域代码"),
    ("&nbsp;", "HTML 转义字符"),
    ("&amp;", "HTML 转义字符"),
    ("<br", "HTML 标签"),
    ("</", "HTML 标签"),
    ("\u{FFFD}", "乱码（无法解码的字符）"),
    ("{\\", "RTF 控制字"),
];

static DEBRIS_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(DEBRIS.map(|(pattern, _)| pattern))
        .expect("valid debris patterns")
});

pub fn debris(ctx: &mut Ctx<'_>) {
    let (lines, chars) = (ctx.raw, ctx.chars);
    for (line, text) in (1..).zip(lines) {
        let c = &chars[line - 1];
        let mut reported_until = 0;
        for m in DEBRIS_FINDER.find_iter(text.as_str()) {
            let (pattern, what) = DEBRIS[m.pattern().as_usize()];
            let col = text[..m.start()].chars().count();
            if col < reported_until {
                continue;
            }
            // A whole [bookmark: …] is one piece of debris.
            let end = if pattern == "[bookmark:" {
                c[col..].iter().position(|x| *x == ']').map(|p| col + p + 1).unwrap_or(col + pattern.chars().count())
            } else {
                col + pattern.chars().count()
            };
            ctx.push(
                "conversion-debris",
                Severity::Warning,
                line,
                col + 1,
                end + 1,
                format!("转换残留的{what}：“{}”", c[col..end].iter().collect::<String>()),
                "删除这段残留内容；它是从 Word 或网页转换时带入的",
                serde_json::Value::Null,
            );
            reported_until = end;
        }
    }
}

/// Units a count is written with.
const COUNT_UNITS: [&str; 10] = ["场次", "人次", "件次", "件", "个", "名", "次", "起", "份", "项"];

/// The number written right before `end` (a character index), in Arabic digits, if any.
fn number_before(c: &[char], end: usize) -> Option<(usize, u64)> {
    let start = (0..end).rev().take_while(|i| c[*i].is_ascii_digit()).last()?;
    let n = c[start..end].iter().try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(d.to_digit(10)? as u64))?;
    Some((start, n))
}

/// Statements no ledger can make true: “0件，均经…” says something of every one of nothing, and a
/// township cannot serve more villages and communities than it has (when the report says how many
/// it has: 辖12个村、社区).
pub fn impossible_statements(ctx: &mut Ctx<'_>) {
    let (lines, chars) = (ctx.lines, ctx.chars);
    let starts = |c: &[char], word: &str| crate::indicators::starts_with(c, word);
    // Most lines hold no 辖: a byte search rules them out.
    let mut villages: Option<u64> = None;
    for (_, c) in lines.iter().zip(chars).filter(|(text, _)| text.contains('辖')) {
        for i in (0..c.len()).filter(|i| c[*i] == '辖') {
            let mut at = i + 1;
            while c.get(at).is_some_and(|ch| ['区', '内', '有', '共'].contains(ch)) {
                at += 1;
            }
            let digits = c[at..].iter().take_while(|ch| ch.is_ascii_digit()).count();
            if let Some((_, n)) = number_before(c, at + digits)
                && digits > 0
                && (starts(&c[at + digits..], "个村") || starts(&c[at + digits..], "个行政村"))
            {
                villages = villages.or(Some(n));
            }
        }
    }
    for (line, c) in (1..).zip(chars) {
        for col in 1..c.len() {
            // A count's unit follows a digit; most characters follow none.
            if !c[col - 1].is_ascii_digit() {
                continue;
            }
            let Some(unit) = COUNT_UNITS.iter().find(|u| starts(&c[col..], u)) else {
                continue;
            };
            let Some((start, n)) = number_before(c, col) else { continue };
            if crate::indicators::is_ordinal(c, start, col, unit) {
                continue;
            }
            let after = col + unit.chars().count();
            let tail = &c[after..(after + 3).min(c.len())];
            let tail = &tail[tail.iter().take_while(|x| matches!(x, '，' | ',')).count()..];
            if n == 0 && ["均", "全部", "都"].iter().any(|w| starts(tail, w)) {
                ctx.push(
                    "zero-then-all",
                    Severity::Error,
                    line,
                    start + 1,
                    after + 2,
                    format!(
                        "“{}”：数量为0，后面却说“均……”",
                        c[start..(after + 2).min(c.len())].iter().collect::<String>()
                    ),
                    "数量为0时改写为“全年未……”，或删去这一句",
                    serde_json::Value::Null,
                );
            }
            if *unit == "个"
                && starts(&c[after..], "村（社区）")
                && let Some(has) = villages.filter(|has| n > *has)
            {
                ctx.push(
                    "villages-exceed-township",
                    Severity::Error,
                    line,
                    start + 1,
                    after + 6,
                    format!("为{n}个村（社区）提供服务，但报告称全乡（镇）辖{has}个村（社区）"),
                    "核对法律顾问服务的村（社区）数：同一村（社区）只计一次，不能超过辖区村（社区）总数",
                    json!({ "stated": n, "villages": has }),
                );
            }
        }
    }
}

/// Words so common in these reports that a pair of characters straddling them is no word of its own.
const COMMON_WORDS: [&str; 32] = [
    "落实", "推进", "建设", "工作", "法治", "政府", "行政", "依法", "管理", "服务", "发展", "加强", "完善", "开展",
    "组织", "学习", "宣传", "执法", "监督", "制度", "群众", "干部", "社会", "经济", "安全", "决策", "审查", "问题",
    "矛盾", "纠纷", "普法", "治理",
];

/// Two identical words in a row (政府政府): 2 to 4 Chinese characters repeated at once. "切实落实落细"
/// repeats 实落 only across word boundaries: a pair is taken for a doubled word only when it is
/// more common in the report than the pair that straddles it (落实).
pub fn repeated_words(ctx: &mut Ctx<'_>, st: &Structure) {
    // Joined only when a doubled pair needs weighing, which few reports have.
    let whole = std::cell::OnceCell::new();
    let count = |w: &str| whole.get_or_init(|| ctx.lines.join("\n")).matches(w).count();
    const ALLOWED: [&str; 6] = ["研究研究", "讨论讨论", "看看", "试试", "谢谢", "哈哈"];
    for line in st.body_start.max(1).min(st.title_line.unwrap_or(usize::MAX))..=st.body_end.min(ctx.lines.len()) {
        let c = &ctx.chars[line - 1];
        let han = |x: char| ('\u{4e00}'..='\u{9fff}').contains(&x);
        let mut i = 0;
        while i < c.len() {
            // A doubled word repeats its first character 2 to 4 places on. Most characters do not,
            // and eight at a time are passed over in a test the compiler can vectorize.
            if let Some(w) = c.get(i..i + 12) {
                let recurs =
                    (0..8).fold(false, |hit, d| hit | (w[d] == w[d + 2]) | (w[d] == w[d + 3]) | (w[d] == w[d + 4]));
                if !recurs {
                    i += 8;
                    continue;
                }
            }
            if !han(c[i]) {
                i += 1;
                continue;
            }
            if !(2..=4).any(|k| c.get(i + k) == Some(&c[i])) {
                i += 1;
                continue;
            }
            let mut found = false;
            for k in (2..=4).rev() {
                if i + 2 * k <= c.len()
                    && c[i] == c[i + k]
                    && c[i..i + k] == c[i + k..i + 2 * k]
                    && c[i..i + k].iter().all(|x| han(*x))
                {
                    let word: String = c[i..i + k].iter().collect();
                    let doubled = format!("{word}{word}");
                    let straddle: String = c[i + 1..i + k + 1].iter().collect();
                    let common = |w: &str| COMMON_WORDS.contains(&w);
                    let is_word = k > 2
                        || ((common(&word) || !common(&straddle)) && count(&word) > count(&straddle))
                        || (common(&word) && !common(&straddle));
                    if is_word && !ALLOWED.iter().any(|a| *a == doubled) {
                        ctx.push(
                            "repeated-word",
                            Severity::Warning,
                            line,
                            i + k + 1,
                            i + 2 * k + 1,
                            format!("“{word}”重复了一次"),
                            &format!("删除多余的“{word}”"),
                            json!({"word": word}),
                        );
                        i += 2 * k;
                        found = true;
                        break;
                    }
                }
            }
            if !found {
                i += 1;
            }
        }
    }
}

fn conflicts(a: &Indicator, b: &Indicator) -> bool {
    if a.unit != b.unit {
        return false;
    }
    match (a.qualifier, b.qualifier) {
        (Qualifier::Exact, Qualifier::Exact) => a.number != b.number,
        (Qualifier::AtLeast, Qualifier::Exact) => b.number < a.number,
        (Qualifier::Exact, Qualifier::AtLeast) => a.number < b.number,
        _ => false,
    }
}

pub fn figures(ctx: &mut Ctx<'_>, indicators: &[Indicator], all: &[Figure]) {
    // The same figure given twice with two values.
    let mut seen: HashMap<(&str, &str), &Indicator> = HashMap::new();
    for ind in indicators {
        let key = (ind.id, ind.scope.as_str());
        match seen.get(&key) {
            Some(first) if conflicts(first, ind) => {
                ctx.push(
                    "inconsistent-figure",
                    Severity::Error,
                    ind.line,
                    ind.column,
                    ind.end_column,
                    format!(
                        "同一数字前后不一致：第{}行为{}{}，此处为{}{}",
                        first.line, first.value, first.unit, ind.value, ind.unit
                    ),
                    "核对台账，统一为正确的数字",
                    json!({"id": ind.id, "first_line": first.line, "first": first.value, "value": ind.value}),
                );
            }
            Some(_) => {}
            None => {
                seen.insert(key, ind);
            }
        }
    }
    // A table's total against the text's one figure of the same kind (全年受理纠纷40起 above a
    // table whose 合计 row says 45).
    for total in indicators.iter().filter(|i| i.table_total) {
        let in_text: Vec<&Indicator> = indicators
            .iter()
            .filter(|i| i.id == total.id && i.unit == total.unit && i.line != total.line && !i.table_total)
            .collect();
        if let [text] = in_text[..]
            && conflicts(text, total)
            && seen.get(&(total.id, total.scope.as_str())).is_none_or(|first| !conflicts(first, total))
        {
            ctx.push(
                "inconsistent-figure",
                Severity::Error,
                total.line,
                total.column,
                total.end_column,
                format!("表格合计为{}{}，正文第{}行为{}{}", total.value, total.unit, text.line, text.value, text.unit),
                "核对台账，统一表格和正文的数字",
                json!({"id": total.id, "first_line": text.line, "first": text.value, "value": total.value}),
            );
        }
    }
    // Parts that do not add up to their stated total: 共N件，其中a件、b件、c件.
    for (k, total) in all.iter().enumerate() {
        let local = total.local().trim_end();
        if !(local.ends_with('共') || local.ends_with("合计") || local.ends_with("总计") || local.ends_with("累计"))
            || total.unit == "%"
        {
            continue;
        }
        let c = ctx.chars[total.line - 1];
        let sentence_end =
            c[total.end..].iter().position(|x| "。；;".contains(*x)).map(|p| p + total.end).unwrap_or(c.len());
        let between: String = c[total.end..sentence_end].iter().collect();
        if !between.contains("其中") {
            continue;
        }
        let parts: Vec<&Figure> = all[k + 1..]
            .iter()
            .filter(|f| f.line == total.line && f.start >= total.end && f.end <= sentence_end && f.unit != "%")
            .collect();
        if parts.len() < 2 {
            continue;
        }
        let sum: f64 = parts.iter().map(|f| f.value).sum();
        let exact = total.qualifier == Qualifier::Exact && parts.iter().all(|f| f.qualifier == Qualifier::Exact);
        if exact && (sum - total.value).abs() > 1e-9 {
            let last = parts.last().expect("two or more");
            let shown: Vec<String> = parts.iter().map(|f| format!("{}", f.value)).collect();
            ctx.push(
                "sum-mismatch",
                Severity::Error,
                total.line,
                total.column,
                last.end_column,
                format!("分项之和与总数不符：{} = {}，但总数为{}", shown.join(" + "), sum, total.value),
                "核对总数和各分项",
                json!({"total": total.value, "sum": sum}),
            );
        }
    }
    // Rates above 100 %, and resolved above received.
    for f in all.iter().filter(|f| f.unit == "%" && f.value > 100.0) {
        let explained = ["含", "包括", "超额", "外来", "流动人口", "非户籍"].iter().any(|w| f.sentence().contains(w));
        let severity = if f.id.is_some() && !explained { Severity::Error } else { Severity::Warning };
        ctx.push(
            "impossible-figure",
            severity,
            f.line,
            f.column,
            f.end_column,
            format!("比率为{}%，超过100%", f.value),
            "核对分子分母；确因统计口径超过100%的，在文中说明口径",
            json!({"value": f.value}),
        );
    }
    let first = |id: &str| indicators.iter().find(|i| i.id == id);
    for (done, total, what) in [
        ("disputes.resolved", "disputes.received", "调处矛盾纠纷数多于受理数"),
        ("litigation.won", "litigation.cases", "胜诉案件数多于受理的行政诉讼案件数"),
    ] {
        if let (Some(d), Some(t)) = (first(done), first(total))
            && d.number > t.number
            && t.qualifier == Qualifier::Exact
        {
            ctx.push(
                "impossible-figure",
                Severity::Error,
                d.line,
                d.column,
                d.end_column,
                format!("{what}（{} > {}）", d.value, t.value),
                "核对台账；含上年结转的，请在文中说明",
                json!({"id": done}),
            );
        }
    }
}
