//! `fazhi check`, `fazhi extract` and `fazhi compare`: the report engine at the command line.
//! Reports are read one at a time and their output written at once, so memory stays flat over a
//! folder of thousands.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use fazhi_report::{Report, Severity, check_path, check_text, render};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Html,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum TableFormat {
    Table,
    Csv,
    Json,
}

/// The files named: folders are walked (sorted, hidden files left out); none or `-` is stdin.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            out.push(dir.to_owned());
            return;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
                continue;
            }
            if p.is_dir() { walk(&p, out) } else { out.push(p) }
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() { walk(p, &mut out) } else { out.push(p.clone()) }
    }
    out
}

fn read_stdin() -> Result<Report, String> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("标准输入：无法读取（{e}）"))?;
    let text = fazhi_report::input::decode("标准输入", "txt", &bytes).map_err(|e| e.0)?;
    Ok(check_text("标准输入", &text))
}

/// Each report in turn, or the reason it could not be read.
fn each(paths: &[PathBuf], mut f: impl FnMut(Result<Report, String>) -> Result<()>) -> Result<()> {
    if paths.is_empty() || (paths.len() == 1 && paths[0].as_os_str() == "-") {
        return f(read_stdin());
    }
    let files = expand(paths);
    let progress =
        (files.len() > 1 && paths.iter().any(|p| p.is_dir()) && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(files.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}").expect("valid template"),
            );
            bar
        });
    for file in &files {
        if let Some(bar) = &progress {
            bar.set_message(file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        }
        f(check_path(file).map_err(|e| e.0))?;
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(())
}

pub fn check(paths: &[PathBuf], format: CheckFormat, output: Option<&Path>) -> Result<ExitCode> {
    let mut sink: Box<dyn Write> = match output {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let color = output.is_none() && std::io::stdout().is_terminal();
    let several = paths.len() > 1 || paths.iter().any(|p| p.is_dir());
    let (mut errors, mut unreadable, mut files, mut warnings) = (0usize, 0usize, 0usize, 0usize);
    let mut html_reports = Vec::new();
    let mut html_failures = Vec::new();
    let mut first = true;
    if matches!(format, CheckFormat::Json) && several {
        sink.write_all(b"[\n")?;
    }
    each(paths, |result| {
        files += 1;
        match result {
            Ok(report) => {
                errors += report.count(Severity::Error);
                warnings += report.count(Severity::Warning);
                match format {
                    CheckFormat::Text => sink.write_all(render::report_text(&report, color).as_bytes())?,
                    CheckFormat::Json => {
                        if !first {
                            sink.write_all(b",\n")?;
                        }
                        serde_json::to_writer_pretty(&mut sink, &report)?;
                    }
                    CheckFormat::Html => html_reports.push(report),
                }
            }
            Err(message) => {
                unreadable += 1;
                eprintln!("无法读取：{message}");
                html_failures.push(message);
            }
        }
        first = false;
        Ok(())
    })?;
    match format {
        CheckFormat::Json if several => sink.write_all(b"\n]\n")?,
        CheckFormat::Json => sink.write_all(b"\n")?,
        CheckFormat::Html => sink.write_all(render::html_page(&html_reports, &html_failures).as_bytes())?,
        CheckFormat::Text => {
            if several {
                writeln!(
                    sink,
                    "共检查 {files} 个文件：{errors} 个错误，{warnings} 个警告，{unreadable} 个文件无法读取"
                )?;
            }
        }
    }
    sink.flush()?;
    Ok(if unreadable > 0 {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

pub fn extract(paths: &[PathBuf], format: TableFormat) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut unreadable = 0;
    let mut first = true;
    match format {
        TableFormat::Csv => writeln!(out, "file,id,value,unit,qualifier,line,text")?,
        TableFormat::Json => writeln!(out, "[")?,
        TableFormat::Table => {}
    }
    each(paths, |result| {
        let report = match result {
            Ok(r) => r,
            Err(message) => {
                unreadable += 1;
                eprintln!("无法读取：{message}");
                return Ok(());
            }
        };
        match format {
            TableFormat::Table => {
                writeln!(
                    out,
                    "{}（{}，{}年）",
                    report.file,
                    report.issuer.as_deref().unwrap_or("发文机关不详"),
                    report.year.map(|y| y.to_string()).unwrap_or("?".into())
                )?;
                for i in &report.indicators {
                    writeln!(
                        out,
                        "  {:<36} {:>10} {:<4} 第{:<4}行 {}",
                        i.id,
                        fazhi_report::compare::qualified(i),
                        i.unit,
                        i.line,
                        i.text
                    )?;
                }
            }
            TableFormat::Csv => {
                for i in &report.indicators {
                    let q = serde_json::to_value(i.qualifier)?.as_str().unwrap_or("").to_owned();
                    writeln!(
                        out,
                        "{},{},{},{},{},{},{}",
                        csv_field(&report.file),
                        i.id,
                        i.value,
                        csv_field(&i.unit),
                        q,
                        i.line,
                        csv_field(&i.text)
                    )?;
                }
            }
            TableFormat::Json => {
                if !first {
                    writeln!(out, ",")?;
                }
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({"file": report.file, "issuer": report.issuer, "year": report.year, "indicators": report.indicators}),
                )?;
                first = false;
            }
        }
        Ok(())
    })?;
    if let TableFormat::Json = format {
        writeln!(out, "\n]")?;
    }
    out.flush()?;
    Ok(if unreadable > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

pub fn compare(paths: &[PathBuf], format: TableFormat) -> Result<ExitCode> {
    use fazhi_report::compare::{Column, rows as comparison_rows};
    let mut columns = Vec::new();
    let mut unreadable = 0;
    each(paths, |result| {
        match result {
            Ok(r) => columns.push(Column::of(&r)),
            Err(message) => {
                unreadable += 1;
                eprintln!("无法读取：{message}");
            }
        }
        Ok(())
    })?;
    let rows: Vec<(String, Vec<String>)> = comparison_rows(&columns).into_iter().map(|r| (r.name(), r.cells)).collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        TableFormat::Json => {
            let reports: Vec<serde_json::Value> = columns
                .iter()
                .map(|c| serde_json::json!({"report": c.header, "parts": c.parts().iter().map(|(k, v)| (serde_json::to_value(k).unwrap_or_default().as_str().unwrap_or("").to_owned(), v.clone())).collect::<BTreeMap<_, _>>(), "nonstandard_parts": c.nonstandard(), "indicators": c.indicators()}))
                .collect();
            serde_json::to_writer_pretty(&mut out, &reports)?;
            writeln!(out)?;
        }
        TableFormat::Csv => {
            let header: Vec<String> =
                std::iter::once("项目".to_owned()).chain(columns.iter().map(|c| csv_field(&c.header))).collect();
            writeln!(out, "{}", header.join(","))?;
            for (name, cells) in &rows {
                let line: Vec<String> =
                    std::iter::once(csv_field(name)).chain(cells.iter().map(|c| csv_field(c))).collect();
                writeln!(out, "{}", line.join(","))?;
            }
        }
        TableFormat::Table => {
            let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
            let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
            let first_w = rows.iter().map(|r| width(&r.0)).max().unwrap_or(4).min(40) + 2;
            let col_w: Vec<usize> = (0..columns.len())
                .map(|i| rows.iter().map(|r| width(&r.1[i])).chain([width(&columns[i].header)]).max().unwrap_or(4) + 2)
                .collect();
            let mut header = pad("项目", first_w);
            for (i, c) in columns.iter().enumerate() {
                header.push_str(&pad(&c.header, col_w[i]));
            }
            writeln!(out, "{}", header.trim_end())?;
            for (name, cells) in &rows {
                let mut line = pad(name, first_w);
                for (i, cell) in cells.iter().enumerate() {
                    line.push_str(&pad(cell, col_w[i]));
                }
                writeln!(out, "{}", line.trim_end())?;
            }
        }
    }
    out.flush()?;
    Ok(if unreadable > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
