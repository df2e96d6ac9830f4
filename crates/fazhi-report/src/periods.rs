//! Years and periods that contradict the report: a part reporting on the year whose heading names
//! another year, the national outline cited with a period it never had or one that does not cover
//! the report's year, and a half-year or quarter written where the year is the period reported on.

use serde_json::json;

use crate::model::{Part, PartKind, Severity};
use crate::punctuation::is_range_mark;
use crate::rules::Ctx;
use crate::structure::{Structure, years_in};

/// The periods of 法治政府建设实施纲要 (the national outline): 2015—2020 and 2021—2025.
pub const OUTLINE_NAME: &str = "法治政府建设实施纲要";
pub const OUTLINE_PERIODS: [(i32, i32); 2] = [(2015, 2020), (2021, 2025)];

/// Headings of the parts that report on the year (measures, shortcomings, the leaders' duties,
/// other matters) name the report's year or none.
pub fn heading_years(ctx: &mut Ctx<'_>, st: &Structure, parts: &[Part]) {
    let Some(year) = st.year else { return };
    for p in parts
        .iter()
        .filter(|p| p.kind != PartKind::Plan && p.kind != PartKind::Nonstandard && !p.covers(PartKind::Plan))
    {
        let heading_years = years_in(&p.heading);
        // 2021年以来, 2019—2023年: a span that reaches the report's year is no other year.
        if heading_years.is_empty() || heading_years.contains(&year) || p.heading.contains("以来") {
            continue;
        }
        let (c, e) = ctx.text_span(p.line);
        ctx.push(
            "heading-year",
            Severity::Warning,
            p.line,
            c,
            e,
            format!("{}标题写的是{}年，报告年度为{year}年", p.kind.ordinal(), heading_years[0]),
            &format!("核对标题年份，应为{year}年"),
            json!({"expected": year, "found": heading_years[0]}),
        );
    }
}

/// A period written right after the outline's name: (2021—2025年), （2021-2025年）, 2021~2025.
fn period_after(c: &[char], from: usize) -> Option<(i32, i32, usize)> {
    let mut i = from;
    while i < c.len() && matches!(c[i], '》' | '（' | '〈' | '<' | ' ') {
        i += 1;
    }
    let digits = |at: usize| -> Option<i32> {
        let s: String = c.get(at..at + 4)?.iter().collect();
        s.chars().all(|d| d.is_ascii_digit()).then(|| s.parse().ok()).flatten()
    };
    let start = digits(i)?;
    let mut j = i + 4;
    if c.get(j) == Some(&'年') {
        j += 1;
    }
    let dashes = c[j..].iter().take_while(|x| is_range_mark(**x)).count();
    if dashes == 0 {
        return None;
    }
    let end = digits(j + dashes)?;
    // The span covers the period as written, 年 and the closing bracket with it.
    let mut after = j + dashes + 4;
    for closing in ['年', '）', '〉', '>'] {
        if c.get(after) == Some(&closing) {
            after += 1;
        }
    }
    Some((start, end, after))
}

/// 法治政府建设实施纲要 with a period it never had (2022—2025), or the outline of other years than
/// the report's (a 2023 report implementing the 2015—2020 outline).
pub fn outline_period(ctx: &mut Ctx<'_>, st: &Structure) {
    static OUTLINE: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new([OUTLINE_NAME]).expect("valid name"));
    let name_len = OUTLINE_NAME.chars().count();
    for (line, column, _) in ctx.places(OUTLINE.find_iter(ctx.text).map(|m| (m.start(), 0))) {
        {
            let (text, c, at) = (&ctx.lines[line - 1], &ctx.chars[line - 1], column - 1);
            let Some((from, to, end)) = period_after(c, at + name_len) else { continue };
            let known = OUTLINE_PERIODS.contains(&(from, to));
            let message = if !known {
                format!("《{OUTLINE_NAME}》的期间写成了{from}—{to}年；纲要只有2015—2020年和2021—2025年两期")
            } else if let Some(year) = st.year.filter(|y| (2016..=2025).contains(y) && !(from..=to).contains(y))
                && OUTLINE_PERIODS.iter().any(|(a, b)| (*a..=*b).contains(&year))
                && !comparison(text)
            {
                let right = OUTLINE_PERIODS.iter().find(|(a, b)| (*a..=*b).contains(&year)).expect("checked");
                format!("{year}年度报告引用的是{from}—{to}年的纲要，{year}年适用的是{}—{}年的纲要", right.0, right.1)
            } else {
                continue;
            };
            ctx.push(
                "outline-period",
                Severity::Warning,
                line,
                at + 1,
                end + 1,
                message,
                "写作《法治政府建设实施纲要（2021—2025年）》（2021年起）或《法治政府建设实施纲要（2015—2020年）》（2015至2020年）",
                json!({"found": format!("{from}—{to}")}),
            );
        }
    }
}

/// Words that cite an earlier outline as past (its goals met), not as the one the year follows.
fn comparison(text: &str) -> bool {
    ["圆满完成", "全面完成", "收官", "确定的目标", "以来"].iter().any(|w| text.contains(w))
}

/// Words of a half-year or a quarter.
const PARTIAL: [&str; 9] =
    ["上半年", "下半年", "前三季度", "第一季度", "第二季度", "第三季度", "一季度", "二季度", "三季度"];

/// The half-year or a quarter as the period reported on: in the title, the opening paragraph or a
/// part's heading; and a partial span stated for the year's figures in the body (前三季度, 1—9月).
pub fn partial_period(ctx: &mut Ctx<'_>, st: &Structure, parts: &[Part]) {
    let first_part = parts.iter().map(|p| p.line).min().unwrap_or(st.body_end + 1);
    let opening = st.body_start.max(1)..first_part.min(st.body_end + 1);
    let framing =
        |line: usize| st.title_line == Some(line) || opening.contains(&line) || parts.iter().any(|p| p.line == line);
    let (lines, chars) = (ctx.lines, ctx.chars);
    for line in 1..=lines.len() {
        let text = &lines[line - 1];
        // Most lines hold no 季 or 半 and no 月: a search for one character rules them out.
        let (quarter, month) = (text.contains('季') || text.contains('半'), text.contains('月'));
        if !quarter && !month {
            continue;
        }
        let in_framing = framing(line);
        // The plan speaks of next year's quarters.
        if !in_framing && crate::structure::part_at(parts, line).is_some_and(|p| p.covers(PartKind::Plan)) {
            continue;
        }
        let words: &[&str] = if in_framing { &PARTIAL } else { &["前三季度"] };
        let word = if quarter {
            words.iter().filter_map(|w| text.find(w).map(|b| (text[..b].chars().count(), w.chars().count()))).min()
        } else {
            None
        };
        let span = || if month { months_span(chars[line - 1]) } else { None };
        let Some((at, len)) = word.or_else(span) else { continue };
        let span: String = chars[line - 1][at..at + len].iter().collect();
        ctx.push(
            "partial-period",
            Severity::Warning,
            line,
            at + 1,
            at + len + 1,
            format!("年度报告写的是“{span}”的情况"),
            "年度报告应总结全年情况；把期间改为全年，数字统计到年底",
            json!({"period": span}),
        );
    }
}

/// 1—9月, 1至11月, 1-6月: a span from January that ends before December.
fn months_span(c: &[char]) -> Option<(usize, usize)> {
    for i in 0..c.len() {
        if c[i] != '1' || (i > 0 && c[i - 1].is_ascii_digit()) {
            continue;
        }
        let dashes = c[i + 1..].iter().take_while(|x| is_range_mark(**x)).count();
        if dashes == 0 {
            continue;
        }
        let from = i + 1 + dashes;
        let digits = c[from..].iter().take_while(|x| x.is_ascii_digit()).count();
        if digits == 0 || digits > 2 || c.get(from + digits) != Some(&'月') {
            continue;
        }
        let month: u32 = c[from..from + digits].iter().collect::<String>().parse().ok()?;
        if (2..=11).contains(&month) {
            return Some((i, from + digits + 1 - i));
        }
    }
    None
}
