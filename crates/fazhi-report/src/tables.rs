//! Tables in a report. The readers write each table row as one line, its cells separated by
//! `｜` (see `input`); here those lines are found again, each row is read with its column
//! headers into phrases the indicator classifier understands (受理矛盾纠纷40起), and a total row or
//! column is checked against the cells it sums.

use serde_json::json;

use crate::indicators::UNITS;
use crate::model::Severity;
use crate::numerals::parse_number;
use crate::rules::Ctx;
use crate::structure::years_in;

/// What separates the cells of a table row in a report's text.
pub const CELL_SEPARATOR: char = '｜';

/// The largest table read as a table: a report's tables have tens of rows and a few columns.
/// A larger run of rows is read as text, so a crafted file cannot turn each of millions of cells
/// into a phrase with the caption copied into it.
pub const MAX_ROWS: usize = 500;
pub const MAX_COLUMNS: usize = 64;

/// One table: its rows' line numbers and each row's cells as character ranges of the line.
#[derive(Debug, Clone)]
pub struct Table {
    pub rows: Vec<Row>,
    /// The short line just above the table, often its caption (表1 2023年信访办理情况).
    pub caption: Option<String>,
    pub has_header: bool,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    /// Character columns of the cell's text in its line, from 0; `end` is one past.
    pub start: usize,
    pub end: usize,
}

impl Table {
    pub fn lines(&self) -> std::ops::RangeInclusive<usize> {
        self.rows[0].line..=self.rows[self.rows.len() - 1].line
    }

    fn header(&self, column: usize) -> &str {
        if self.has_header { self.rows[0].cells.get(column).map(|c| c.text.as_str()).unwrap_or("") } else { "" }
    }

    fn body(&self) -> &[Row] {
        &self.rows[usize::from(self.has_header)..]
    }
}

fn cells_of(line: &[char]) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut start = 0;
    for i in 0..=line.len() {
        if i == line.len() || line[i] == CELL_SEPARATOR {
            let raw: String = line[start..i].iter().collect();
            let lead = raw.chars().take_while(|c| c.is_whitespace()).count();
            let text = raw.trim().to_owned();
            let len = text.chars().count();
            cells.push(Cell { text, start: start + lead, end: start + lead + len });
            start = i + 1;
        }
    }
    cells
}

/// The tables of a report: runs of two or more lines with the same number (two or more) of cells.
pub fn find(lines: &[&str], chars: &[&[char]]) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].contains(CELL_SEPARATOR) {
            i += 1;
            continue;
        }
        let width = cells_of(chars[i]).len();
        let mut j = i;
        while j < lines.len() && lines[j].contains(CELL_SEPARATOR) && cells_of(chars[j]).len() == width {
            j += 1;
        }
        if j - i >= 2 && (2..=MAX_COLUMNS).contains(&width) && j - i <= MAX_ROWS {
            let rows: Vec<Row> = (i..j).map(|k| Row { line: k + 1, cells: cells_of(chars[k]) }).collect();
            let caption = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map(|l| l.trim().to_owned())
                .filter(|l| l.chars().count() <= 40 && !l.contains(CELL_SEPARATOR));
            let has_header = rows[0].cells.iter().all(|c| number_of(&c.text).is_none());
            tables.push(Table { rows, caption, has_header });
        }
        i = j.max(i + 1);
    }
    tables
}

/// A cell's number and the measure word written with it: `40`, `40起`, `1,200`, `—` (none, 0).
fn number_of(cell: &str) -> Option<(f64, Option<&'static str>)> {
    let t = cell.trim();
    if is_none_mark(t) {
        return Some((0.0, None));
    }
    let c: Vec<char> = t.chars().collect();
    let (value, used) = parse_number(&c)?;
    let rest: String = c[used..].iter().collect();
    let rest = rest.trim();
    if rest.is_empty() {
        return Some((value, None));
    }
    UNITS.iter().find(|u| rest == **u).map(|u| (value, Some(*u)))
}

/// A cell that says "none": it counts 0 in a sum and states no figure.
fn is_none_mark(cell: &str) -> bool {
    matches!(cell, "—" | "——" | "-" | "－" | "/" | "／" | "无")
}

/// The measure word a header or label gives in brackets or as 件数: 数量（件）, 受理(起), 单位：件, 人数.
fn unit_named(words: &str) -> Option<&'static str> {
    let inner = words
        .split_once(['（', '('])
        .map(|(_, rest)| rest.trim_end_matches(['）', ')']))
        .or_else(|| words.split_once("单位").map(|(_, u)| u.trim_start_matches(['：', ':'])));
    if let Some(u) = inner.and_then(|u| UNITS.iter().find(|x| u.trim() == **x)) {
        return Some(u);
    }
    let w = words.trim();
    ["件数", "人数", "次数", "场次", "起数", "份数", "个数", "项数"].iter().find(|x| w.ends_with(**x)).and_then(|x| {
        let unit = x.trim_end_matches('数');
        UNITS.iter().find(|u| **u == unit).copied()
    })
}

/// A header's or a label's words without their unit in brackets.
fn words_of(text: &str) -> &str {
    text.split(['（', '(']).next().unwrap_or(text).trim()
}

/// Headers that say only "the figure" (数量, 件数, 2023年): the row's label says what is counted.
fn generic(header: &str, year: Option<i32>) -> bool {
    let w = words_of(header);
    let w = year.map(|y| w.trim_start_matches(&format!("{y}年度")).trim_start_matches(&format!("{y}年"))).unwrap_or(w);
    w.is_empty()
        || [
            "数量",
            "数目",
            "数值",
            "件数",
            "人数",
            "次数",
            "场次",
            "起数",
            "份数",
            "个数",
            "项数",
            "本年",
            "本期",
            "今年",
            "全年",
            "情况",
            "完成情况",
            "合计",
            "总数",
            "小计",
        ]
        .contains(&w)
}

/// Columns that are not counts: numbers in order, dates, phone numbers.
fn not_a_count(header: &str) -> bool {
    ["序号", "编号", "排名", "日期", "时间", "电话", "文号", "代码", "年份", "年度", "月份"]
        .iter()
        .any(|w| header.contains(w))
}

fn is_total(label: &str) -> bool {
    let l: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    ["合计", "总计", "共计", "总数", "小计"].iter().any(|w| l.starts_with(w))
}

/// A figure a table states, as a phrase the classifier reads, with the cell it comes from.
#[derive(Debug, Clone)]
pub struct Phrase {
    pub line: usize,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub total: bool,
}

/// Each count of each table as a phrase: the caption for context, then the column header and the
/// row label (the shorter first: 受理 + 矛盾纠纷), the number and its measure word. Columns of
/// other years than the report's are comparisons, not the year's figures, and give none.
pub fn phrases(tables: &[Table], year: Option<i32>) -> Vec<Phrase> {
    let mut out = Vec::new();
    for t in tables {
        let width = t.rows[0].cells.len();
        let unit_column = (0..width).find(|k| words_of(t.header(*k)) == "单位");
        for row in t.body() {
            let Some(label_at) = row.cells.iter().position(|c| number_of(&c.text).is_none() && !c.text.is_empty())
            else {
                continue;
            };
            let label = &row.cells[label_at].text;
            for (k, cell) in row.cells.iter().enumerate().skip(label_at + 1) {
                let header = t.header(k);
                if Some(k) == unit_column || not_a_count(header) {
                    continue;
                }
                let other_year = years_in(header).first().is_some_and(|y| Some(*y) != year);
                let Some((value, own_unit)) = number_of(&cell.text) else { continue };
                if other_year || is_none_mark(cell.text.trim()) {
                    continue;
                }
                let unit = own_unit
                    .or_else(|| unit_named(header))
                    .or_else(|| unit_named(label))
                    .or_else(|| {
                        unit_column.and_then(|u| UNITS.iter().find(|x| row.cells[u].text.trim() == **x).copied())
                    })
                    .or_else(|| t.caption.as_deref().and_then(unit_named));
                let Some(unit) = unit else { continue };
                let (h, l) = (if generic(header, year) { "" } else { words_of(header) }, words_of(label));
                // The shorter words first, a header's first when as long: 受理 + 矛盾纠纷, 受理 + 来信.
                let (first, second) = if h.chars().count() <= l.chars().count() { (h, l) } else { (l, h) };
                let caption = t.caption.as_deref().unwrap_or("");
                out.push(Phrase {
                    line: row.line,
                    text: format!("{caption}，{first}{second}{}{unit}。", show(value)),
                    start: cell.start,
                    end: cell.end,
                    total: is_total(label),
                });
            }
        }
    }
    out
}

/// A total row (合计) that is not the sum of the rows above it, in each column of counts; and a
/// total column that is not the sum of the row's other counts.
pub fn totals(ctx: &mut Ctx<'_>, tables: &[Table], year: Option<i32>) {
    for t in tables {
        let width = t.rows[0].cells.len();
        let body = t.body();
        let label = |row: &Row| {
            row.cells
                .iter()
                .find(|c| !c.text.is_empty() && number_of(&c.text).is_none())
                .map(|c| c.text.clone())
                .unwrap_or_default()
        };
        let counts = |k: usize| {
            let header = t.header(k);
            !not_a_count(header)
                && !header.contains('%')
                && !header.contains("率")
                && body
                    .iter()
                    .all(|r| number_of(&r.cells[k].text).is_some() || r.cells[k].text.is_empty() || is_total(&label(r)))
                && body.iter().any(|r| {
                    number_of(&r.cells[k].text).is_some_and(|(_, u)| u != Some("%")) && !r.cells[k].text.is_empty()
                })
        };
        let value = |row: &Row, k: usize| number_of(&row.cells[k].text).map(|(v, _)| v).unwrap_or(0.0);
        let numeric: Vec<usize> = (0..width).filter(|k| counts(*k)).collect();
        // Rows: a 合计 row sums the rows since the previous total (a 小计 closes a group; a 总计
        // after 小计 rows sums those).
        let mut group_start = 0;
        let mut subtotals: Vec<usize> = Vec::new();
        for (r, row) in body.iter().enumerate() {
            let name = label(row);
            if !is_total(&name) {
                continue;
            }
            let summed: Vec<&Row> = if !subtotals.is_empty() && !name.starts_with("小计") {
                subtotals.iter().map(|i| &body[*i]).collect()
            } else {
                body[group_start..r].iter().filter(|x| !is_total(&label(x))).collect()
            };
            if name.starts_with("小计") {
                subtotals.push(r);
            }
            group_start = r + 1;
            if summed.len() < 2 {
                continue;
            }
            for &k in &numeric {
                let Some((total, _)) = number_of(&row.cells[k].text).filter(|_| row.cells[k].text != name) else {
                    continue;
                };
                let sum = summed.iter().map(|x| value(x, k)).sum::<f64>();
                if (sum - total).abs() > 1e-9 {
                    let cell = &row.cells[k];
                    let column = if t.has_header {
                        format!("“{}”列", words_of(t.header(k)))
                    } else {
                        format!("第{}列", k + 1)
                    };
                    let message = format!("表格{column}的“{}”为{}，各行之和为{}", name, show(total), show(sum));
                    sum_mismatch(ctx, t, row.line, cell, message, "核对表格的合计数和各行数字", (total, sum));
                }
            }
        }
        // A total column: 合计 after the counts it sums, in the same measure word.
        if !t.has_header {
            continue;
        }
        for &k in &numeric {
            if !is_total(words_of(t.header(k))) {
                continue;
            }
            let parts: Vec<usize> =
                numeric.iter().copied().filter(|j| *j < k && !is_total(words_of(t.header(*j)))).collect();
            if parts.len() < 2 || parts.iter().any(|j| years_in(t.header(*j)).iter().any(|y| Some(*y) != year)) {
                continue;
            }
            for row in body {
                let Some((total, _)) = number_of(&row.cells[k].text) else { continue };
                let sum = parts.iter().map(|j| value(row, *j)).sum::<f64>();
                if (sum - total).abs() > 1e-9 {
                    let cell = &row.cells[k];
                    let message = format!("表格“{}”行的合计为{}，各列之和为{}", label(row), show(total), show(sum));
                    sum_mismatch(ctx, t, row.line, cell, message, "核对表格的合计数和各列数字", (total, sum));
                }
            }
        }
    }
}

/// A total cell that is not the sum it stands for.
fn sum_mismatch(
    ctx: &mut Ctx<'_>,
    t: &Table,
    line: usize,
    cell: &Cell,
    message: String,
    hint: &str,
    (total, sum): (f64, f64),
) {
    let data = json!({"total": total, "sum": sum, "table_line": t.rows[0].line});
    ctx.push("sum-mismatch", Severity::Error, line, cell.start + 1, cell.end + 1, message, hint, data);
}

fn show(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v}") }
}
