//! 报告检查: annual reports checked in the browser — a clerk's one file, a district supervisor's
//! folder of forty — with the same checker as `fazhi check`. Files (.docx, .txt, .md, .html, .pdf,
//! .ofd, or a .zip of them) are read in memory and dropped when the answer is sent; nothing is
//! kept. The answer is a page (a row per report, then each report's findings at their lines and
//! the reports side by side) or the same as an .xlsx file.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fazhi_office::xlsx::{Cell, TableWriter};
use fazhi_report::{PartKind, Report, Severity};

use super::reports::{SideRow, figure_words, side_rows};
use super::{Nav, PageError, PageResult};
use crate::auth::Caller;
use crate::respond;
use fazhi_store::StoreError;

/// A file larger than this is refused; no annual report comes near it.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Files in one batch, counting those inside a .zip.
pub const MAX_FILES: usize = 100;
/// The whole upload of one batch, with room for the multipart framing.
pub const MAX_BATCH_BYTES: usize = 64 * 1024 * 1024 + 64 * 1024;
/// All the files of a batch held at once, a .zip's entries unpacked: a zip of a hundred entries
/// each unpacking to 20 MB is refused past this, not held.
pub const MAX_UNPACKED_BYTES: usize = 128 * 1024 * 1024;

/// One file of the batch: its report, or why it could not be read.
struct Checked {
    name: String,
    outcome: Result<Report, String>,
}

/// A report's row in the summary table.
struct SummaryRow {
    anchor: String,
    name: String,
    issuer: String,
    year: String,
    parts: String,
    missing: Vec<&'static str>,
    errors: usize,
    warnings: usize,
    hints: usize,
    /// When the report is dated against the first quarter's deadline, and its tone.
    timing: (&'static str, String),
    figures: usize,
}

/// One finding as the page shows it: the line's text with the span marked.
struct Finding {
    tone: &'static str,
    label: &'static str,
    place: String,
    message: String,
    before: String,
    marked: String,
    after: String,
    hint: String,
}

struct ReportDetail {
    anchor: String,
    name: String,
    title: String,
    parts: Vec<(String, String)>,
    findings: Vec<Finding>,
    figures: Vec<(String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "report_check.html")]
struct CheckPage {
    nav: Nav,
    error: Option<String>,
    refused: Vec<(String, String)>,
    rows: Vec<SummaryRow>,
    details: Vec<ReportDetail>,
    compare_headers: Vec<String>,
    compare: Vec<SideRow>,
    max_files: usize,
}

fn page(caller: &Caller) -> CheckPage {
    CheckPage {
        nav: Nav::new(caller, "/reports/check", &[("年度报告", "/reports"), ("报告检查", "")]),
        error: None,
        refused: Vec::new(),
        rows: Vec::new(),
        details: Vec::new(),
        compare_headers: Vec::new(),
        compare: Vec::new(),
        max_files: MAX_FILES,
    }
}

pub async fn form(caller: Caller) -> Response {
    page(&caller).into_response()
}

/// The files of the upload, a .zip's entries each as a file of their own; what cannot be read is
/// named with the reason, and the others go on.
async fn files(mut form: Multipart) -> Result<(Vec<(String, Vec<u8>)>, Vec<(String, String)>, bool), String> {
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let mut export = false;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Err(format!("上传没有完成或超过了一次的上限（合计 {} MB）；请分批上传", MAX_BATCH_BYTES >> 20));
            }
        };
        match field.name() {
            Some("format") => export = field.text().await.is_ok_and(|v| v == "xlsx"),
            Some("files") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| "上传没有完成，请重新选择文件后再试".to_owned())?;
                if name.is_empty() && bytes.is_empty() {
                    continue;
                }
                if name.to_lowercase().ends_with(".zip") {
                    unzip(&name, &bytes, &mut files, &mut refused);
                } else if bytes.len() > MAX_FILE_BYTES {
                    refused.push((name, format!("文件超过 {} MB，未检查", MAX_FILE_BYTES >> 20)));
                } else {
                    files.push((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok((files, refused, export))
}

/// The entries of a .zip of reports. A zip inside it is not opened, and no entry is unpacked past
/// the size of a file.
fn unzip(name: &str, bytes: &[u8], files: &mut Vec<(String, Vec<u8>)>, refused: &mut Vec<(String, String)>) {
    use std::io::Read;
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        refused.push((name.to_owned(), "不是有效的 .zip 压缩包，未能打开".into()));
        return;
    };
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else {
            refused.push((format!("{name} 第{}项", i + 1), "压缩包中的这一项已损坏".into()));
            continue;
        };
        let path = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("第{}项", i + 1));
        let entry_name = path.rsplit('/').next().unwrap_or_default().to_owned();
        if entry.is_dir() || entry_name.is_empty() || entry_name.starts_with('.') || path.contains("__MACOSX") {
            continue;
        }
        let shown = format!("{name}/{entry_name}");
        if entry_name.to_lowercase().ends_with(".zip") {
            refused.push((shown, "压缩包中的压缩包不会展开，请解压后上传".into()));
            continue;
        }
        if files.len() >= MAX_FILES {
            refused.push((shown, format!("一次最多检查 {MAX_FILES} 个文件，其余未检查")));
            continue;
        }
        let held: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
        let room = MAX_UNPACKED_BYTES.saturating_sub(held);
        let mut out = Vec::new();
        let read = entry.by_ref().take(MAX_FILE_BYTES.min(room) as u64 + 1).read_to_end(&mut out);
        match read {
            Ok(n) if n > MAX_FILE_BYTES => {
                refused.push((shown, format!("解压后超过 {} MB，未检查", MAX_FILE_BYTES >> 20)))
            }
            Ok(n) if n > room => refused
                .push((shown, format!("这一批解压后合计超过 {} MB，其余未检查；请分批上传", MAX_UNPACKED_BYTES >> 20))),
            Ok(_) => files.push((shown, out)),
            Err(_) => refused.push((shown, "压缩包中的这一项无法解压".into())),
        }
    }
}

/// Checks each file as `fazhi check` does, on a blocking thread: a PDF's fonts take a while.
async fn check_all(files: Vec<(String, Vec<u8>)>) -> Vec<Checked> {
    tokio::task::spawn_blocking(move || {
        // The files are checked side by side, one thread a core (a PDF takes far longer than a
        // .docx), each thread taking the next file; the answer keeps the upload's order.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let files: Vec<(String, Vec<u8>)> = files;
        let mut done: Vec<(usize, Checked)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((name, bytes)) = files.get(k) else { break };
                            mine.push((k, check_one(name, bytes)));
                        }
                        mine
                    })
                })
                .collect();
            workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
        });
        // A file whose thread failed is named as not checked, never dropped.
        let mut answers: Vec<Option<Checked>> = files.iter().map(|_| None).collect();
        for (k, c) in done.drain(..) {
            answers[k] = Some(c);
        }
        answers
            .into_iter()
            .zip(&files)
            .map(|(c, (name, _))| {
                c.unwrap_or_else(|| Checked {
                    name: name.clone(), outcome: Err("检查时出错，未能检查".into())
                })
            })
            .collect()
    })
    .await
    .unwrap_or_default()
}

/// One file read and checked, or why it could not be read.
fn check_one(name: &str, bytes: &[u8]) -> Checked {
    Checked { name: name.to_owned(), outcome: fazhi_report::check_bytes(name, bytes).map_err(|e| e.reason(name)) }
}

fn timing(r: &Report) -> (&'static str, String) {
    let (Some(year), Some(date)) = (r.year, r.signature.as_ref().and_then(|s| s.date.as_deref())) else {
        return ("grey", "未写日期".into());
    };
    // Dated after 31 March of the next year is late; a month-only date counts as its last day.
    let late = date > format!("{}-03-31", year + 1).as_str() && !date.starts_with(&format!("{}-03", year + 1));
    if late { ("red", format!("{date}（逾期）")) } else { ("green", date.to_owned()) }
}

fn summary(index: usize, name: &str, r: &Report) -> SummaryRow {
    let present = |kind: PartKind| r.parts.iter().any(|p| p.covers(kind));
    let missing: Vec<&'static str> = PartKind::STATUTORY.iter().filter(|k| !present(**k)).map(|k| k.label()).collect();
    SummaryRow {
        anchor: format!("report-{}", index + 1),
        name: name.to_owned(),
        issuer: r
            .issuer
            .clone()
            .or_else(|| r.signature.as_ref().map(|s| s.issuer.clone()))
            .unwrap_or_else(|| "—".into()),
        year: r.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into()),
        parts: format!("{}/5", 5 - missing.len()),
        missing,
        errors: r.count(Severity::Error),
        warnings: r.count(Severity::Warning),
        hints: r.count(Severity::Info),
        timing: timing(r),
        figures: r.indicators.len(),
    }
}

fn tone(s: Severity) -> &'static str {
    match s {
        Severity::Error => "red",
        Severity::Warning => "orange",
        Severity::Info => "blue",
    }
}

fn place(d: &fazhi_report::Diagnostic) -> String {
    let page = d.page.map(|p| format!("第{p}页，")).unwrap_or_default();
    format!("{page}第{}行第{}列", d.line, d.column)
}

fn detail(index: usize, name: &str, r: &Report) -> ReportDetail {
    let findings = r
        .diagnostics
        .iter()
        .map(|d| {
            let chars: Vec<char> = r.lines.get(d.line.wrapping_sub(1)).map(|l| l.chars().collect()).unwrap_or_default();
            let start = d.column.saturating_sub(1).min(chars.len());
            let end = d.end_column.saturating_sub(1).clamp(start, chars.len());
            // A long paragraph is shown around its finding.
            let from = start.saturating_sub(40);
            let to = (end + 40).min(chars.len());
            let ellipsis = |cut: bool| if cut { "……" } else { "" };
            Finding {
                tone: tone(d.severity),
                label: d.severity.label(),
                place: place(d),
                message: d.message.clone(),
                before: format!("{}{}", ellipsis(from > 0), chars[from..start].iter().collect::<String>()),
                marked: chars[start..end].iter().collect(),
                after: format!("{}{}", chars[end..to].iter().collect::<String>(), ellipsis(to < chars.len())),
                hint: d.hint.clone(),
            }
        })
        .collect();
    ReportDetail {
        anchor: format!("report-{}", index + 1),
        name: name.to_owned(),
        title: r.title.clone().unwrap_or_else(|| "（未识别出标题）".into()),
        parts: r.parts.iter().map(|p| (p.kinds_label(), p.heading_as_written())).collect(),
        findings,
        figures: r
            .indicators
            .iter()
            .map(|i| {
                (
                    figure_words(i.id).to_owned(),
                    format!("{}{}", fazhi_report::compare::qualified(i), i.unit),
                    i.text.clone(),
                )
            })
            .collect(),
    }
}

/// The reports side by side, a column each, headed by the file's name: two files of one issuer
/// (two years, or a report and its excerpt) are told apart so.
fn compare(reports: &[(&str, &Report)]) -> (Vec<String>, Vec<SideRow>) {
    let columns: Vec<fazhi_report::compare::Column> =
        reports.iter().map(|(_, r)| fazhi_report::compare::Column::of(r)).collect();
    (reports.iter().map(|(name, _)| (*name).to_owned()).collect(), side_rows(&columns))
}

/// A summary row for a file that could not be read: its name and why, the other columns empty.
fn unreadable(name: &str, why: &str) -> Vec<Cell> {
    let mut row = vec![Cell::Text(name.to_owned())];
    row.extend((0..9).map(|_| Cell::Empty));
    row.push(Cell::Text(why.to_owned()));
    row
}

fn xlsx(checked: &[Checked], refused: &[(String, String)]) -> Result<Vec<u8>, fazhi_office::xlsx::OfficeError> {
    let text = |s: &str| Cell::Text(s.to_owned());
    let mut w = TableWriter::new(
        "检查汇总",
        &[
            "文件",
            "发文机关",
            "年度",
            "法定部分",
            "缺少的部分",
            "错误",
            "警告",
            "提示",
            "落款日期",
            "提取的数字",
            "无法读取的原因",
        ],
    )?;
    for (k, c) in checked.iter().enumerate() {
        match &c.outcome {
            Ok(r) => {
                let s = summary(k, &c.name, r);
                w.push(&[
                    text(&s.name),
                    text(&s.issuer),
                    text(&s.year),
                    text(&s.parts),
                    text(&s.missing.join("、")),
                    Cell::Integer(s.errors as i64),
                    Cell::Integer(s.warnings as i64),
                    Cell::Integer(s.hints as i64),
                    text(&s.timing.1),
                    Cell::Integer(s.figures as i64),
                    Cell::Empty,
                ])?;
            }
            Err(why) => w.push(&unreadable(&c.name, why))?,
        }
    }
    for (name, why) in refused {
        w.push(&unreadable(name, why))?;
    }
    w.add_sheet("问题清单", &["文件", "严重程度", "页", "行", "列", "问题", "建议", "规则"])?;
    for c in checked {
        let Ok(r) = &c.outcome else { continue };
        for d in &r.diagnostics {
            w.push(&[
                text(&c.name),
                text(d.severity.label()),
                d.page.map(|p| Cell::Integer(p.into())).unwrap_or(Cell::Empty),
                Cell::Integer(d.line as i64),
                Cell::Integer(d.column as i64),
                text(&d.message),
                text(&d.hint),
                text(d.rule),
            ])?;
        }
    }
    w.add_sheet("提取的数字", &["文件", "数字", "数值", "行", "原文"])?;
    for c in checked {
        let Ok(r) = &c.outcome else { continue };
        for i in &r.indicators {
            w.push(&[
                text(&c.name),
                text(figure_words(i.id)),
                text(&format!("{}{}", fazhi_report::compare::qualified(i), i.unit)),
                Cell::Integer(i.line as i64),
                text(&i.text),
            ])?;
        }
    }
    w.finish()
}

/// Checks the uploaded reports and shows them, or sends the same as .xlsx.
pub async fn check(caller: Caller, form: Result<Multipart, MultipartRejection>) -> PageResult {
    let mut page = page(&caller);
    let refuse = |mut page: CheckPage, message: String| {
        page.error = Some(message);
        Ok((StatusCode::BAD_REQUEST, page).into_response())
    };
    let Ok(form) = form else { return refuse(page, "请选择要检查的报告文件".into()) };
    let (mut uploaded, mut refused, export) = match files(form).await {
        Ok(read) => read,
        Err(message) => return refuse(page, message),
    };
    if uploaded.is_empty() && refused.is_empty() {
        return refuse(page, "请选择要检查的报告文件".into());
    }
    if uploaded.len() > MAX_FILES {
        for (name, _) in uploaded.drain(MAX_FILES..) {
            refused.push((name, format!("一次最多检查 {MAX_FILES} 个文件，其余未检查")));
        }
    }
    let checked = check_all(uploaded).await;
    if export {
        let bytes = xlsx(&checked, &refused).map_err(|e| PageError::from(StoreError::Internal(e.to_string())))?;
        let day = fazhi_store::beijing_today();
        return Ok(respond::xlsx_download(&format!("报告检查结果-{day}.xlsx"), bytes));
    }
    let mut readable = Vec::new();
    for (k, c) in checked.iter().enumerate() {
        match &c.outcome {
            Ok(r) => {
                page.rows.push(summary(k, &c.name, r));
                page.details.push(detail(k, &c.name, r));
                readable.push((c.name.as_str(), r));
            }
            Err(why) => page.refused.push((c.name.clone(), why.clone())),
        }
    }
    page.refused.extend(refused);
    if readable.len() >= 2 {
        (page.compare_headers, page.compare) = compare(&readable);
    }
    Ok(page.into_response())
}
