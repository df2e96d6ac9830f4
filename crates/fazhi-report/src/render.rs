//! Showing reports: compiler-style text for the terminal, the JSON contract, and a self-contained
//! HTML page a reviewer can open and print.

use std::fmt::Write as _;

use crate::model::{Diagnostic, Report, Severity};

/// Terminal columns a string takes: Chinese characters take two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn expand_tabs(s: &str) -> String {
    s.replace('\t', "    ")
}

/// One diagnostic as a compiler shows it: the place, the source line, the span underlined, the hint.
pub fn diagnostic_text(report: &Report, d: &Diagnostic, color: bool) -> String {
    let (on, off) = match (color, d.severity) {
        (false, _) => ("", ""),
        (true, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
        (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
        (true, Severity::Info) => ("\x1b[1;36m", "\x1b[0m"),
    };
    let mut out = String::new();
    let _ = writeln!(out, "{on}{}[{}]{off}: {}", d.severity.label(), d.rule, d.message);
    let gutter = d.line.to_string().len();
    let page = d.page.map(|p| format!("（第{p}页）")).unwrap_or_default();
    let _ = writeln!(out, "{:gutter$}--> {}:{}:{}{page}", "", report.file, d.line, d.column);
    if let Some(source) = report.lines.get(d.line.wrapping_sub(1)) {
        let chars: Vec<char> = source.chars().collect();
        let start = d.column.saturating_sub(1).min(chars.len());
        let end = d.end_column.saturating_sub(1).clamp(start, chars.len());
        let pad = width(&expand_tabs(&chars[..start].iter().collect::<String>()));
        let marks = width(&chars[start..end].iter().collect::<String>()).max(1);
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{} | {}", d.line, expand_tabs(source));
        let _ = writeln!(out, "{:gutter$} | {}{on}{}{off}", "", " ".repeat(pad), "^".repeat(marks));
    }
    if !d.hint.is_empty() {
        let _ = writeln!(out, "{:gutter$} = 建议：{}", "", d.hint);
    }
    out
}

pub fn summary(report: &Report) -> String {
    let (e, w, i) = (report.count(Severity::Error), report.count(Severity::Warning), report.count(Severity::Info));
    format!(
        "{}：{} 个错误，{} 个警告，{} 个提示；{} 个部分，{} 项指标",
        report.file,
        e,
        w,
        i,
        report.parts.len(),
        report.indicators.len()
    )
}

pub fn report_text(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&diagnostic_text(report, d, color));
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// Text as HTML text or an attribute value: one escaper for the crate (quick-xml's).
pub fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// A self-contained, printable page for one or more reports.
pub fn html_page(reports: &[Report], failures: &[String]) -> String {
    let mut body = String::new();
    for f in failures {
        let _ = write!(body, "<section class=\"file\"><h2>无法读取</h2><p class=\"error\">{}</p></section>", esc(f));
    }
    for r in reports {
        let _ = write!(
            body,
            "<section class=\"file\"><h2>{}</h2><p class=\"meta\">标题：{} · 发文机关：{} · 年度：{}</p><p class=\"summary\">{}</p>",
            esc(&r.file),
            esc(r.title.as_deref().unwrap_or("（无）")),
            esc(r.issuer.as_deref().unwrap_or("（无）")),
            r.year.map(|y| y.to_string()).unwrap_or_else(|| "（无）".into()),
            esc(&summary(r))
        );
        body.push_str("<table><thead><tr><th>部分</th><th>编号</th><th>标题</th><th>行</th></tr></thead><tbody>");
        for p in &r.parts {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                p.kinds_label(),
                esc(p.number_as_written().as_deref().unwrap_or("—")),
                esc(&p.heading),
                p.line
            );
        }
        body.push_str("</tbody></table>");
        for d in &r.diagnostics {
            let source = r.lines.get(d.line.wrapping_sub(1)).cloned().unwrap_or_default();
            let chars: Vec<char> = source.chars().collect();
            let start = d.column.saturating_sub(1).min(chars.len());
            let end = d.end_column.saturating_sub(1).clamp(start, chars.len());
            let (a, b, c): (String, String, String) =
                (chars[..start].iter().collect(), chars[start..end].iter().collect(), chars[end..].iter().collect());
            let _ = write!(
                body,
                "<div class=\"diag {sev:?}\"><div><b>{label}</b> [{rule}] 第{line}行第{col}列：{msg}</div><pre>{a}<mark>{b}</mark>{c}</pre><div class=\"hint\">建议：{hint}</div></div>",
                sev = d.severity,
                label = d.severity.label(),
                rule = d.rule,
                line = d.line,
                col = d.column,
                msg = esc(&d.message),
                a = esc(&a),
                b = esc(&b),
                c = esc(&c),
                hint = esc(&d.hint)
            );
        }
        body.push_str("</section>");
    }
    format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>法治政府建设年度报告检查结果</title><style>
body{{font:15px/1.6 "Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2329;margin:24px;max-width:1100px}}
h1{{font-size:22px}} h2{{font-size:18px;border-bottom:2px solid #1456c2;padding-bottom:4px}}
table{{border-collapse:collapse;width:100%;margin:8px 0 16px}} th,td{{border:1px solid #c9cdd4;padding:4px 8px;text-align:left}} th{{background:#f2f3f5}}
.diag{{border-left:4px solid #c9cdd4;padding:4px 12px;margin:10px 0;page-break-inside:avoid}} .diag.Error{{border-color:#c4161c}} .diag.Warning{{border-color:#d48806}} .diag.Info{{border-color:#1456c2}}
pre{{white-space:pre-wrap;background:#f7f8fa;padding:6px;margin:4px 0}} mark{{background:#ffd666}} .hint,.meta{{color:#4e5969}} .error{{color:#a8071a}}
@media print{{body{{margin:0}} .file{{page-break-after:always}}}}
</style></head><body><h1>法治政府建设年度报告检查结果</h1>{body}</body></html>"#
    )
}
