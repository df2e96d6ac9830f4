//! Fazhi's report engine: reads an annual rule-of-law report (法治政府建设年度报告) in any of the
//! forms townships publish it, finds its structure, points at its defects like a compiler and
//! extracts its indicators. Pure: the only I/O is reading the file named in [`read_path`].

pub mod bulletin;
pub mod compare;
pub mod draft;
pub mod indicators;
pub mod input;
pub mod model;
pub mod numerals;
pub mod privacy;
pub mod render;
pub mod rules;
pub mod structure;

use std::path::Path;

pub use input::ReadError;
pub use model::{Diagnostic, Indicator, Part, PartKind, Report, Severity, Signature};

/// Checks the text of one report.
pub fn check_text(file: &str, text: &str) -> Report {
    let lines: Vec<String> =
        text.trim_start_matches('\u{feff}').lines().map(|l| l.trim_end_matches('\r').to_owned()).collect();
    let line_chars: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
    let mut st = structure::parse(&lines, &line_chars);
    let (unnumbered_parts, unnumbered_subs) = rules::unnumbered_headings(&st, &lines);
    st.parts = structure::parts(&st, &lines, &unnumbered_parts);

    let part_of = |line: usize| st.parts.iter().rev().find(|p| p.line <= line).map(|p| p.kind);
    let mut figures = Vec::new();
    for line in st.body_start.max(1)..=st.body_end.min(lines.len()) {
        // The plan speaks of intentions, not results: its figures are not the year's indicators.
        if part_of(line) == Some(PartKind::Plan) {
            continue;
        }
        figures.extend(indicators::figures_in_chars(line, &lines[line - 1], &line_chars[line - 1]));
    }
    let found: Vec<Indicator> = figures.iter().filter_map(|f| indicators::to_indicator(f, part_of(f.line))).collect();

    let mut ctx = rules::Ctx { lines: &lines, chars: &line_chars, out: Vec::new() };
    rules::title_and_signature(&mut ctx, &st);
    rules::parts_present(&mut ctx, &st, &st.parts);
    rules::numbering(&mut ctx, &st, &unnumbered_parts, &unnumbered_subs);
    rules::enumerations(&mut ctx, &st);
    rules::empty_items(&mut ctx, &st);
    rules::debris(&mut ctx);
    rules::impossible_statements(&mut ctx);
    rules::repeated_words(&mut ctx, &st);
    rules::figures(&mut ctx, &found, &figures);
    let mut diagnostics = ctx.out;
    diagnostics.sort_by(|a, b| (a.line, a.column, a.rule).cmp(&(b.line, b.column, b.rule)));

    Report {
        file: file.to_owned(),
        title: st.title.clone(),
        issuer: st.issuer.clone(),
        year: st.year,
        signature: st.signature.clone(),
        parts: st.parts.clone(),
        diagnostics,
        indicators: found,
        lines,
    }
}

/// Reads and checks one file. The file is only read, never changed.
pub fn check_path(path: &Path) -> Result<Report, ReadError> {
    let text = input::read_path(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    Ok(check_text(&name, &text))
}
