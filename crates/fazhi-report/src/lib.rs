//! Fazhi's report engine: reads an annual rule-of-law report (法治政府建设年度报告) in any of the
//! forms townships publish it, finds its structure, points at its defects like a compiler and
//! extracts its indicators. Pure: the only I/O is reading the file named in [`read_path`].

pub mod archive;
pub mod bulletin;
pub mod compare;
pub mod draft;
pub mod indicators;
pub mod input;
pub mod layout;
pub mod model;
pub mod names;
pub mod numerals;
mod ofd;
#[doc(hidden)]
pub mod pdf;
pub mod periods;
pub mod privacy;
pub mod punctuation;
pub mod render;
pub mod rules;
pub mod structure;
pub mod tables;

use std::path::Path;

pub use input::ReadError;
pub use model::{Diagnostic, Indicator, Part, PartKind, Report, Severity, Signature};

/// Checks the text of one report.
pub fn check_text(file: &str, text: &str) -> Report {
    let text = text.trim_start_matches('\u{feff}');
    let original: Vec<String> = text.lines().map(|l| l.trim_end_matches('\r').to_owned()).collect();
    // The rules read half-width punctuation and full-width digits as the report means them; the
    // report keeps its own lines, and columns stay the same (one character for one).
    let meant = punctuation::MeantLines::of(&original);
    let lines: Vec<&str> = meant.lines.iter().map(|l| l.as_ref()).collect();
    let line_chars = meant.chars();
    let mut st = structure::parse(&lines, &line_chars);
    let (unnumbered_parts, unnumbered_subs) = rules::unnumbered_headings(&st, &lines);
    st.parts = structure::parts(&st, &lines, &unnumbered_parts);

    let part_of = |line: usize| structure::part_at(&st.parts, line).map(|p| p.kind);
    let mut figures = Vec::new();
    for line in st.body_start.max(1)..=st.body_end.min(lines.len()) {
        // The plan speaks of intentions, not results: its figures are not the year's indicators.
        if part_of(line) == Some(PartKind::Plan) || st.in_table(line) {
            continue;
        }
        figures.extend(indicators::figures_in_chars(line, lines[line - 1], line_chars[line - 1]));
    }
    // A table's counts, each read as the phrase its row and column make, pointing at its cell.
    let phrases: Vec<tables::Phrase> =
        tables::phrases(&st.tables, st.year).into_iter().filter(|p| part_of(p.line) != Some(PartKind::Plan)).collect();
    let mut totals = Vec::new();
    for p in &phrases {
        if let Some(mut f) = indicators::figures_in_line(p.line, &p.text).pop() {
            (f.start, f.end, f.column, f.end_column) = (p.start, p.end, p.start + 1, p.end + 1);
            totals.push(p.total);
            figures.push(f);
        }
    }
    let table_figures = figures.len() - totals.len();
    let mut found: Vec<Indicator> = figures
        .iter()
        .enumerate()
        .filter_map(|(k, f)| {
            // Another year's figure (2022年受理30起) is a comparison, not this year's (上年同期 is
            // left out by the classifier).
            f.id?;
            if structure::years_in(f.local()).iter().any(|y| Some(*y) != st.year) {
                return None;
            }
            let mut i = indicators::to_indicator(f, part_of(f.line))?;
            i.table_total = k >= table_figures && totals[k - table_figures];
            Some(i)
        })
        .collect();
    found.sort_by_key(|i| (i.line, i.column));

    let mut ctx = rules::Ctx { text, raw: &original, lines: &lines, chars: &line_chars, out: Vec::new() };
    rules::title_and_signature(&mut ctx, &st);
    rules::parts_present(&mut ctx, &st, &st.parts);
    rules::numbering(&mut ctx, &st, &unnumbered_parts, &unnumbered_subs);
    rules::enumerations(&mut ctx, &st);
    rules::empty_items(&mut ctx, &st);
    rules::debris(&mut ctx);
    rules::impossible_statements(&mut ctx);
    rules::repeated_words(&mut ctx, &st);
    rules::figures(&mut ctx, &found, &figures);
    tables::totals(&mut ctx, &st.tables, st.year);
    periods::heading_years(&mut ctx, &st, &st.parts);
    periods::outline_period(&mut ctx, &st);
    periods::partial_period(&mut ctx, &st, &st.parts);
    names::fixed_names(&mut ctx);
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
        lines: original,
    }
}

/// Reads and checks one file. The file is only read, never changed. A finding in a PDF or OFD
/// names its page too.
pub fn check_path(path: &Path) -> Result<Report, ReadError> {
    let read = input::read_path_paged(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    Ok(check_read(&name, &read))
}

/// Reads and checks one uploaded file, by its content first and its name's extension second.
pub fn check_bytes(name: &str, bytes: &[u8]) -> Result<Report, ReadError> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    input::decode_paged(name, &ext, bytes).map(|read| check_read(name, &read))
}

/// Checks a report's text as read, each finding naming the page its line starts on (PDF, OFD).
fn check_read(name: &str, read: &input::ReadText) -> Report {
    let mut report = check_text(name, &read.text);
    for d in &mut report.diagnostics {
        d.page = read.pages.get(d.line.wrapping_sub(1)).copied();
    }
    report
}
