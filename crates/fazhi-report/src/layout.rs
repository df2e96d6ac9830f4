//! Text placed on pages (OFD's text objects) back into the lines a report was written in. A page
//! holds runs of characters at positions; a paragraph wraps over several of them. The runs are
//! gathered into visual lines by their baseline, the page's running header and its page number
//! are left out, and a line that reaches the right margin runs on into the next unless the next
//! starts indented, as every paragraph of an official document does (GB/T 9704: two characters).

/// A run of characters on a page: its left edge and baseline (millimetres from the page's top
/// left), its width, its character size and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub size: f64,
    pub text: String,
}

#[derive(Debug, Clone)]
struct Line {
    left: f64,
    right: f64,
    size: f64,
    text: String,
}

/// The lines of each page, top to bottom, each line's runs left to right. Runs whose baselines
/// differ by less than half a character share a line; a gap of more than two characters between
/// runs is a table's column and becomes the cell separator the table reader knows.
fn page_lines(mut runs: Vec<Run>) -> Vec<Line> {
    runs.retain(|r| !r.text.is_empty() && r.x.is_finite() && r.y.is_finite());
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match rows.last_mut() {
            Some(row) if (run.y - row[0].y).abs() < row[0].size.max(run.size) * 0.5 => row.push(run),
            _ => rows.push(vec![run]),
        }
    }
    rows.into_iter()
        .filter_map(|mut row| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            // Spaces belong to a line's text between its characters, not at its edges.
            let blank = |r: &Run| r.text.trim().is_empty();
            let first = row.iter().position(|r| !blank(r))?;
            let last = row.iter().rposition(|r| !blank(r))?;
            let row = &row[first..=last];
            let size = row.iter().map(|r| r.size).fold(0.0, f64::max);
            let mut text = String::new();
            let mut right = row[0].x;
            for r in row {
                if !text.is_empty() && r.x - right > 2.0 * size {
                    text.push(crate::tables::CELL_SEPARATOR);
                }
                text.push_str(&r.text);
                right = right.max(r.x + r.width);
            }
            Some(Line { left: row[0].x, right, size, text })
        })
        .collect()
}

/// A page number as official documents print it: — 3 —, -3-, 3, 第3页, 第 3 页 共 9 页.
fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(|c| matches!(c, '—' | '-' | '－' | '–' | '―' | '─'));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if digits(t) {
        return true;
    }
    let Some(rest) = t.strip_prefix('第') else { return false };
    let Some((n, rest)) = rest.split_once('页') else { return false };
    digits(n) && (rest.is_empty() || rest.strip_prefix('共').and_then(|r| r.strip_suffix('页')).is_some_and(digits))
}

/// The report's text from its pages' runs, one paragraph a line, and the page (from 1) each line
/// starts on.
pub fn paragraphs(pages: Vec<Vec<Run>>) -> (String, Vec<u32>) {
    let mut pages: Vec<Vec<Line>> = pages.into_iter().map(page_lines).collect();
    // Page numbers at a page's foot or head, and a running title printed at the same edge of most
    // pages, are the page's furniture, not the report.
    for page in &mut pages {
        if page.last().is_some_and(|l| is_page_number(&l.text)) {
            page.pop();
        }
        if page.first().is_some_and(|l| is_page_number(&l.text)) {
            page.remove(0);
        }
    }
    if pages.len() >= 2 {
        let repeated = |text: Option<&str>| {
            text.is_some_and(|t| pages.iter().filter(|p| p.iter().any(|l| l.text == t)).count() * 2 > pages.len())
        };
        let heads: Vec<bool> = pages.iter().map(|p| repeated(p.first().map(|l| l.text.as_str()))).collect();
        let feet: Vec<bool> =
            pages.iter().map(|p| p.len() > 1 && repeated(p.last().map(|l| l.text.as_str()))).collect();
        for ((page, head), foot) in pages.iter_mut().zip(heads).zip(feet) {
            if foot {
                page.pop();
            }
            if head {
                page.remove(0);
            }
        }
    }
    let (lines, page_of): (Vec<Line>, Vec<u32>) =
        (1..).zip(pages).flat_map(|(n, page)| page.into_iter().map(move |line| (line, n))).unzip();
    // The text block's margins: the leftmost start and the rightmost end of its lines.
    let left = lines.iter().map(|l| l.left).fold(f64::INFINITY, f64::min);
    let right = lines.iter().map(|l| l.right).fold(f64::NEG_INFINITY, f64::max);
    let mut out = String::new();
    let mut starts = Vec::new();
    let mut new_paragraph = true;
    for (k, line) in lines.iter().enumerate() {
        if new_paragraph {
            starts.push(page_of[k]);
        }
        out.push_str(&line.text);
        let runs_on = lines.get(k + 1).is_some_and(|next| {
            line.right >= right - 1.5 * line.size
                && next.left <= left + 0.5 * next.size
                && !line.text.contains(crate::tables::CELL_SEPARATOR)
        });
        if !runs_on {
            out.push('\n');
        }
        new_paragraph = !runs_on;
    }
    (out, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: f64, y: f64, text: &str) -> Run {
        Run { x, y, width: text.chars().count() as f64 * 5.0, size: 5.0, text: text.to_owned() }
    }

    /// A run that ends at `right`, as a justified line does whatever its characters.
    fn ending(x: f64, y: f64, text: &str, right: f64) -> Run {
        Run { width: right - x, ..run(x, y, text) }
    }

    #[test]
    fn wrapped_paragraphs_join_and_indented_ones_start_anew() {
        // A text block from x = 10 to 110 (20 characters of 5 mm); paragraphs indented two.
        let page = vec![
            run(20.0, 10.0, "一、主要举措和成效"),
            ending(20.0, 20.0, "全年受理矛盾纠纷40起，", 110.0),
            ending(10.0, 30.0, "调处成功38起，成功率95%，", 110.0),
            run(10.0, 40.0, "均已履行。"),
            ending(20.0, 50.0, "本段恰好写满一行。", 110.0),
            run(20.0, 60.0, "（一）"),
            run(50.0, 60.0, "依法决策"),
            run(95.0, 290.0, "— 1 —"),
        ];
        let (text, pages) = paragraphs(vec![page]);
        assert_eq!(pages, [1, 1, 1, 1]);
        assert_eq!(
            text,
            "一、主要举措和成效\n全年受理矛盾纠纷40起，调处成功38起，成功率95%，均已履行。\n本段恰好写满一行。\n（一）｜依法决策\n"
        );
    }

    #[test]
    fn page_furniture_is_left_out() {
        let page = |n: usize, body: &str| {
            vec![
                run(40.0, 5.0, "杉岭乡2023年法治政府建设年度报告"),
                run(20.0, 20.0, body),
                run(10.0, 30.0, &format!("第{n}页的最后一行写满了整整一行。")),
                run(95.0, 290.0, &format!("-{n}-")),
            ]
        };
        let (text, pages) = paragraphs(vec![page(1, "第一页。"), page(2, "第二页。"), page(3, "第三页。")]);
        assert_eq!(pages, [1, 1, 2, 2, 3, 3]);
        let last = |n: usize| format!("第{n}页的最后一行写满了整整一行。");
        assert_eq!(text, format!("第一页。\n{}\n第二页。\n{}\n第三页。\n{}\n", last(1), last(2), last(3)));
        assert!(is_page_number("第 3 页 共 9 页") && is_page_number("— 12 —") && !is_page_number("第三部分"));
    }
}
