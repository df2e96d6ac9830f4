//! 年度报告: the township drafts its annual report from its ledgers, edits it (every figure a link
//! to its records, following the ledgers unless typed over by hand, which is marked), submits it
//! past the checker, the leader approves it into a numbered version or returns it, the clerk
//! publishes it and reports it to the district, which may return it. Exports as .docx (GB/T
//! 9704), .md and .html. The district sees a township's report once reported, and each
//! township's status against the first quarter's deadline.

use std::collections::BTreeMap;

use crate::extract::{Path, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use fazhi_report::Severity;
use fazhi_report::draft::{Draft, Place, Segment, chinese_number};
use fazhi_store::annual_reports::{self, ReportRow, Step};
use fazhi_store::{StoreError, indicators, orgs};
use serde::Deserialize;

use super::{Nav, PageError, PageResult, fmt_opt_time, form_fields, see_other, version_of};
use crate::AppState;
use crate::annual_report as service;
use crate::auth::Caller;
use crate::export;

/// Where a year's report stands against the first quarter: published (and when), or a warning
/// from 1 March, or late after 31 March of the following year.
/// The last day of the first quarter after the year: a year's report is published and reported
/// to the district by then.
pub fn due_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year + 1, 3, 31).expect("a date")
}

pub fn deadline_status(year: i32, published: Option<NaiveDate>, today: NaiveDate) -> (&'static str, String) {
    let due = due_day(year);
    let warn = NaiveDate::from_ymd_opt(year + 1, 3, 1).expect("a date");
    match published {
        Some(on) if on <= due => ("green", format!("{}公开", on.format("%Y-%m-%d"))),
        Some(on) => ("orange", format!("{}公开（逾期）", on.format("%Y-%m-%d"))),
        None if today > due => ("red", format!("逾期未公开（应于{}年3月31日前）", year + 1)),
        None if today >= warn => ("orange", format!("请于{}年3月31日前公开", year + 1)),
        None => ("grey", format!("应于{}年第一季度公开", year + 1)),
    }
}

pub struct ListRow {
    pub org_name: String,
    pub year: i32,
    pub href: Option<String>,
    pub state: String,
    pub state_tone: &'static str,
    pub reported: String,
    pub deadline_tone: &'static str,
    pub deadline: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<ListRow>,
    may_start: bool,
    years: Vec<i32>,
    /// The year shown ("" for every year), and the years one may choose.
    f_year: String,
    shown_years: Vec<i32>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    /// A year; anything else shows every year.
    year: String,
}

fn tone(state: &str) -> &'static str {
    match state {
        "draft" => "grey",
        "reviewing" => "blue",
        "returned" => "orange",
        "approved" => "green",
        _ => "grey",
    }
}

/// Where a report stands, for the overview and the side-by-side page: its state in the words the
/// reports list uses, and once approved, whether it is public and reported to the district.
pub fn standing(state: &str, comment: Option<&str>, published: bool, reported: bool) -> (String, &'static str) {
    let label = annual_reports::state_label(state);
    match (state, published, reported) {
        ("returned", ..) => match comment {
            Some(c) if !c.is_empty() => (format!("{label}：{}", c.chars().take(30).collect::<String>()), "orange"),
            _ => (label.to_owned(), "orange"),
        },
        ("approved", _, true) => ("已报送区县".into(), "green"),
        ("approved", true, false) => ("已公开，未报送".into(), "blue"),
        ("approved", false, false) => (format!("{label}，未公开"), "blue"),
        ("reviewing", ..) => (label.to_owned(), "blue"),
        _ => (label.to_owned(), "grey"),
    }
}

async fn list_page(state: &AppState, caller: &Caller, year: &str, error: Option<String>) -> PageResult {
    let scope = caller.scope();
    let (reports, org_list) = (annual_reports::list(&state.db, &scope).await?, orgs::list(&state.db, &scope).await?);
    let today = fazhi_store::beijing_today();
    // The years one may choose: the last five and any a report was written for.
    let mut shown_years: Vec<i32> = (today.year() - 5..=today.year()).chain(reports.iter().map(|r| r.year)).collect();
    shown_years.sort_unstable_by(|a, b| b.cmp(a));
    shown_years.dedup();
    let chosen: Option<i32> = year.trim().parse().ok().filter(|y| shown_years.contains(y));
    let mut error = error;
    if chosen.is_none() && !year.trim().is_empty() {
        error = Some(format!("没有{}年度的报告可选，已显示全部年度", year.trim().chars().take(8).collect::<String>()));
    }
    // Without a choice, last year's: what the district watches in the first quarter.
    let watched_year = chosen.unwrap_or(today.year() - 1);
    let townships: Vec<&orgs::OrgView> = org_list.iter().filter(|o| o.kind().is_township()).collect();
    let mut rows = Vec::new();
    // That year's report of every township, started or not.
    for t in &townships {
        if !reports.iter().any(|r| r.org_id == t.id && r.year == watched_year) {
            let (deadline_tone, deadline) = deadline_status(watched_year, None, today);
            rows.push(ListRow {
                org_name: t.name.clone(),
                year: watched_year,
                href: None,
                state: "未起草".into(),
                state_tone: "grey",
                reported: "—".into(),
                deadline_tone,
                deadline,
            });
        }
    }
    for r in reports.iter().filter(|r| chosen.is_none_or(|y| r.year == y)) {
        let published = r.published_at.map(fazhi_domain::calendar::beijing_day);
        let (deadline_tone, deadline) = deadline_status(r.year, published, today);
        rows.push(ListRow {
            org_name: r.org_name.clone(),
            year: r.year,
            href: service::may_read(caller, r).then(|| format!("/reports/{}", r.id)),
            state: r.state_label.to_owned(),
            state_tone: tone(&r.state),
            reported: fmt_opt_time(r.reported_at),
            deadline_tone,
            deadline,
        });
    }
    rows.sort_by(|a, b| b.year.cmp(&a.year).then(a.org_name.cmp(&b.org_name)));
    Ok(ListPage {
        nav: Nav::new(caller, "/reports", &[("年度报告", "")]),
        rows,
        may_start: caller.may(&axum::http::Method::POST, "/reports"),
        years: (today.year() - 5..today.year()).rev().collect(),
        f_year: chosen.map(|y| y.to_string()).unwrap_or_default(),
        shown_years,
        error,
    }
    .into_response())
}

pub async fn list(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> PageResult {
    list_page(&state, &caller, &q.year, None).await
}

/// Starts (or opens) the user's township's report for a year, drafted from its ledgers.
pub async fn start(State(state): State<AppState>, caller: Caller, body: axum::body::Bytes) -> PageResult {
    let form = form_fields(&body);
    let p = &caller.principal;
    let scope = caller.scope();
    let Some(year) = form
        .get("year")
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=fazhi_store::beijing_today().year()).contains(y))
    else {
        return Ok((StatusCode::BAD_REQUEST, list_page(&state, &caller, "", Some("请选择报告年度".into())).await?)
            .into_response());
    };
    match service::start(&state.db, &caller.actor(), &scope, p.org_id, year).await {
        Ok(r) => Ok(see_other(&format!("/reports/{}", r.id))),
        Err(e @ StoreError::Invalid(_)) => {
            // The words alone, as the error table gives them: never the field's code.
            let message = crate::error::answer(&e).message;
            Ok((StatusCode::BAD_REQUEST, list_page(&state, &caller, "", Some(message)).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub struct FigureView {
    pub id: String,
    pub value: i64,
    pub unit: String,
    pub edited: bool,
}

pub enum SegView {
    Text(String),
    Figure(FigureView),
}

/// A finding of the checker beside what it concerns, with the district's link raising a 督察问题
/// about it (on a report submitted to the district).
pub struct Finding {
    pub tone: &'static str,
    pub message: String,
    pub raise: Option<String>,
}

pub struct ParaView {
    pub key: String,
    /// The line of the report's text it is, the anchor a problem points to (`#L12`).
    pub line: usize,
    pub segments: Vec<SegView>,
    pub findings: Vec<Finding>,
}

pub struct SectionView {
    pub number: String,
    pub heading: Option<String>,
    pub key: String,
    pub paragraphs: Vec<ParaView>,
}

pub struct PartView {
    pub number: String,
    pub kind: String,
    pub heading: String,
    pub findings: Vec<Finding>,
    pub sections: Vec<SectionView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "report.html")]
struct ReportPage {
    nav: Nav,
    report: ReportRow,
    title: String,
    preamble: ParaView,
    parts: Vec<PartView>,
    signature: String,
    date: String,
    other_findings: Vec<Finding>,
    errors: usize,
    warnings: usize,
    updated_figures: usize,
    hand_edited: usize,
    versions: Vec<annual_reports::VersionRow>,
    may_edit: bool,
    may_submit: bool,
    may_approve: bool,
    may_publish: bool,
    may_report: bool,
    may_district_return: bool,
    refusal: Option<String>,
    thread: super::comments::Thread,
}

fn para_view(key: String, line: usize, p: &fazhi_report::draft::Paragraph, findings: Vec<Finding>) -> ParaView {
    ParaView {
        key,
        line,
        segments: p
            .segments
            .iter()
            .map(|s| match s {
                Segment::Text { text } => SegView::Text(text.clone()),
                Segment::Figure { id, value, unit, edited } => {
                    SegView::Figure(FigureView { id: id.clone(), value: *value, unit: unit.clone(), edited: *edited })
                }
            })
            .collect(),
        findings,
    }
}

fn severity_tone(s: Severity) -> &'static str {
    match s {
        Severity::Error => "red",
        Severity::Warning => "orange",
        Severity::Info => "grey",
    }
}

/// The report as the page shows it: the saved draft with today's ledger figures, the checker's
/// findings beside the paragraphs they concern.
async fn report_page(state: &AppState, caller: &Caller, id: i64, refusal: Option<String>) -> PageResult {
    let scope = caller.scope();
    let report = match annual_reports::get(&state.db, &scope, id).await {
        Ok(r) if service::may_read(caller, &r) => r,
        Ok(_) => return Err(PageError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let mut draft = service::parse_body(&report.body_json)?;
    let editable = matches!(report.state.as_str(), "draft" | "returned");
    let mut updated_figures = 0;
    if editable {
        match service::facts(&state.db, &scope, report.org_id, report.year).await {
            Ok((facts, _)) => updated_figures = draft.refresh(&facts),
            Err(e) => return Err(e.into()),
        }
    }
    let checked = service::check(&draft);
    let places = draft.places();
    let mut by_place: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    let (mut errors, mut warnings) = (0, 0);
    let mut other_findings = Vec::new();
    for d in &checked.diagnostics {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            Severity::Info => {}
        }
        // On a report submitted to the district, a supervisor raises a problem from a finding.
        let raise = (report.reported_at.is_some() && d.severity != Severity::Info)
            .then(|| {
                let target = format!("/reports/{}#L{}", report.id, d.line);
                super::supervision::raise_href(
                    caller,
                    &super::supervision::Found {
                        org_id: report.org_id,
                        target: &target,
                        source: "年度报告审查",
                        category: "其他",
                        title: &format!("{}年度报告：{}", report.year, d.message),
                        description: &format!("{}年度法治政府建设年度报告第{}行：{}", report.year, d.line, d.message),
                    },
                )
            })
            .flatten();
        let finding = Finding { tone: severity_tone(d.severity), message: d.message.clone(), raise };
        match places.get(d.line.saturating_sub(1)) {
            Some(place @ (Place::Paragraph(..) | Place::Preamble | Place::PartHeading(_))) => {
                let key = places.iter().position(|p| p == place).unwrap_or(0);
                by_place.entry(key).or_default().push(finding);
            }
            _ => other_findings.push(finding),
        }
    }
    let mut take_findings =
        |place: Place| places.iter().position(|p| *p == place).and_then(|i| by_place.remove(&i)).unwrap_or_default();
    let line_of = |place: Place| places.iter().position(|p| *p == place).map(|i| i + 1).unwrap_or(0);
    let preamble =
        para_view("preamble".into(), line_of(Place::Preamble), &draft.preamble, take_findings(Place::Preamble));
    let parts = draft
        .parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let mut sub = 0;
            PartView {
                number: chinese_number(i + 1),
                kind: serde_json::to_value(part.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                heading: part.heading.clone(),
                findings: take_findings(Place::PartHeading(i)),
                sections: part
                    .sections
                    .iter()
                    .enumerate()
                    .map(|(j, s)| {
                        let number = if s.heading.is_some() {
                            sub += 1;
                            chinese_number(sub)
                        } else {
                            String::new()
                        };
                        SectionView {
                            number,
                            heading: s.heading.clone(),
                            key: format!("{i}-{j}"),
                            paragraphs: s
                                .paragraphs
                                .iter()
                                .enumerate()
                                .map(|(k, p)| {
                                    let place = Place::Paragraph(i, j, k);
                                    para_view(format!("{i}-{j}-{k}"), line_of(place), p, take_findings(place))
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let versions = annual_reports::versions(&state.db, &scope, id).await.unwrap_or_default();
    let thread = super::comments::thread(state, caller, "report", id, report.org_id, &report.org_path).await?;
    let may = |path: &str| caller.may(&axum::http::Method::POST, &format!("/reports/{id}/{path}"));
    let hand_edited = draft.figures().filter(|f| f.2).count();
    Ok(ReportPage {
        nav: Nav::new(
            caller,
            "/reports",
            &[("年度报告", "/reports"), (&format!("{}{}年", report.org_name, report.year), "")],
        ),
        title: draft.title.clone(),
        signature: draft.signature.clone(),
        date: draft.date.clone(),
        preamble,
        parts,
        other_findings,
        errors,
        warnings,
        updated_figures,
        hand_edited,
        versions,
        may_edit: editable && may("save"),
        may_submit: editable && may("submit"),
        may_approve: report.state == "reviewing" && may("approve"),
        may_publish: report.awaits_publication() && may("publish"),
        may_report: report.state == "approved" && report.reported_at.is_none() && may("report"),
        may_district_return: report.reported_at.is_some() && may("district-return"),
        refusal,
        thread,
        report,
    }
    .into_response())
}

pub async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> PageResult {
    report_page(&state, &caller, id, None).await
}

/// Saves the editor's draft: its figures not marked as typed by hand take the ledgers' values.
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    let form = form_fields(&body);
    let scope = caller.scope();
    let report = annual_reports::get(&state.db, &scope, id).await?;
    let json = form.get("body").map(String::as_str).unwrap_or("");
    match service::save(&state.db, &caller.actor(), &scope, &report, version_of(&form), json).await {
        Ok(_) => Ok(see_other(&format!("/reports/{id}?done=saved"))),
        Err(e) => refused(&state, &caller, id, e).await,
    }
}

async fn step(state: &AppState, caller: &Caller, id: i64, form: &BTreeMap<String, String>, step: Step) -> PageResult {
    let scope = caller.scope();
    let report = match annual_reports::get(&state.db, &scope, id).await {
        Ok(r) if service::may_read(caller, &r) => r,
        Ok(_) => return Err(PageError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let comment = form.get("comment").map(String::as_str);
    let done = match step {
        Step::Submit => "submitted",
        Step::Approve => "approved",
        Step::Return => "returned",
        Step::Publish => "published",
        Step::Report => "reported",
        Step::DistrictReturn => "district_returned",
    };
    match service::take_step(&state.db, &caller.actor(), &scope, &report, version_of(form), step, comment).await {
        Ok(_) => Ok(see_other(&format!("/reports/{id}?done={done}"))),
        Err(e) => refused(state, caller, id, e).await,
    }
}

async fn refused(state: &AppState, caller: &Caller, id: i64, e: StoreError) -> PageResult {
    match e {
        StoreError::Refused { .. } | StoreError::Invalid(_) | StoreError::Conflict => {
            let answer = crate::error::answer(&e);
            let message = if matches!(e, StoreError::Conflict) {
                "报告已被他人修改，请查看最新内容后重新操作".to_owned()
            } else {
                answer.message
            };
            Ok((answer.status, report_page(state, caller, id, Some(message)).await?).into_response())
        }
        e => Err(e.into()),
    }
}

macro_rules! step_handler {
    ($name:ident, $step:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            caller: Caller,
            Path(id): Path<i64>,
            body: axum::body::Bytes,
        ) -> PageResult {
            step(&state, &caller, id, &form_fields(&body), $step).await
        }
    };
}

step_handler!(submit, Step::Submit);
step_handler!(approve, Step::Approve);
step_handler!(return_for_changes, Step::Return);
step_handler!(publish, Step::Publish);
step_handler!(report_to_district, Step::Report);
step_handler!(district_return, Step::DistrictReturn);

#[derive(Template, WebTemplate)]
#[template(path = "report_figure.html")]
struct FigurePage {
    nav: Nav,
    report_href: String,
    label: String,
    value: i64,
    records: Vec<(String, String)>,
    /// Records counted but not listed.
    more: usize,
}

const FIGURE_RECORDS_SHOWN: usize = 500;

/// The records behind one figure of a report.
pub async fn figure(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, figure)): Path<(i64, String)>,
) -> PageResult {
    let scope = caller.scope();
    let report = match annual_reports::get(&state.db, &scope, id).await {
        Ok(r) if service::may_read(&caller, &r) => r,
        Ok(_) => return Err(PageError::not_found()),
        Err(e) => return Err(e.into()),
    };
    // The year before's figure of a comparison: its records, or the filed report it is taken from.
    let (figure, year) = match fazhi_report::draft::previous_of(&figure) {
        Some(id) => (id.to_owned(), report.year - 1),
        None => (figure, report.year),
    };
    let figures = indicators::for_year(&state.db, &scope, report.org_id, year).await?;
    let found: Vec<&indicators::Figure> = figures.iter().filter(|f| f.id == figure).collect();
    if year != report.year && found.iter().all(|f| f.records.is_empty()) {
        return match fazhi_store::report_archive::of_year(&state.db, &scope, report.org_id, year).await? {
            Some(filed) => Ok(see_other(&format!("/reports/archive/{}", filed.id))),
            None => Err(PageError::not_found()),
        };
    }
    if found.is_empty() {
        return Err(PageError::not_found());
    }
    let label = found
        .iter()
        .map(|f| fazhi_domain::ledgers::by_code(f.kind).map(|k| k.label).unwrap_or(f.kind))
        .collect::<Vec<_>>()
        .join("、");
    // The first records of each kind: a figure of thousands is summed, not read through.
    let mut records = Vec::new();
    let total: usize = found.iter().map(|f| f.records.len()).sum();
    for f in &found {
        let shown: Vec<i64> = f.records.iter().copied().take(FIGURE_RECORDS_SHOWN).collect();
        match indicators::titles(&state.db, &shown).await {
            Ok(titles) => {
                records.extend(titles.into_iter().map(|r| (format!("/ledgers/{}/{}", f.kind, r.id), r.title)))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(FigurePage {
        nav: Nav::new(&caller, "/reports", &[("年度报告", "/reports"), ("数字来源", "")]),
        report_href: format!("/reports/{id}"),
        label: format!("{}{year}年 {}（{}台账）", report.org_name, figure_words(&figure), label),
        value: found.iter().map(|f| f.value).sum(),
        more: total.saturating_sub(records.len()),
        records,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    version: Option<i32>,
}

/// The report, or one of its approved versions, as .docx, .md or .html.
pub async fn export_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, format)): Path<(i64, String)>,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let scope = caller.scope();
    let report = match annual_reports::get(&state.db, &scope, id).await {
        Ok(r) if service::may_read(&caller, &r) => r,
        Ok(_) => return Err(PageError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let body = match q.version {
        Some(n) => match annual_reports::versions(&state.db, &scope, id).await {
            Ok(v) => match v.into_iter().find(|v| v.number == n) {
                Some(v) => v.body_json,
                None => return Err(PageError::not_found()),
            },
            Err(e) => return Err(e.into()),
        },
        None => report.body_json.clone(),
    };
    let draft = service::parse_body(&body)?;
    // Outside the township, the report leaves with personal data removed.
    let draft = if service::is_township_user(&caller) {
        draft
    } else {
        match fazhi_store::ledger::personal_names(&state.db, &scope, report.org_id).await {
            Ok(names) => export::masked_with(&draft, &names),
            Err(e) => return Err(e.into()),
        }
    };
    Ok(file_response(&draft, &format, &format!("{}{}年法治政府建设年度报告", report.org_name, report.year)))
}

pub fn file_response(draft: &Draft, format: &str, name: &str) -> Response {
    let (bytes, media, ext) = match format {
        "docx" => {
            (export::docx(draft), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
        }
        "md" => (export::markdown(draft).into_bytes(), "text/markdown; charset=utf-8", "md"),
        "html" => (export::html(draft).into_bytes(), "text/html; charset=utf-8", "html"),
        _ => return (StatusCode::NOT_FOUND, "不支持的格式：可导出 docx、md、html").into_response(),
    };
    let file = format!("{name}.{ext}");
    (
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", crate::auth::url_encode(&file))),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "report_compare.html")]
struct ComparePage {
    nav: Nav,
    report_href: String,
    a: i32,
    b: i32,
    rows: Vec<(String, String, bool)>,
}

/// Which approved versions to compare: by default the latest and the one before it.
#[derive(Deserialize, Default)]
pub struct CompareQuery {
    a: Option<i32>,
    b: Option<i32>,
}

/// Two approved versions side by side, line by line, the changed lines marked.
pub async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> PageResult {
    let scope = caller.scope();
    match annual_reports::get(&state.db, &scope, id).await {
        Ok(r) if service::may_read(&caller, &r) => {}
        Ok(_) => return Err(PageError::not_found()),
        Err(e) => return Err(e.into()),
    }
    let versions = annual_reports::versions(&state.db, &scope, id).await?;
    let text = |n: i32| {
        versions
            .iter()
            .find(|v| v.number == n)
            .and_then(|v| service::parse_body(&v.body_json).ok())
            .map(|d| d.to_text())
    };
    let latest = versions.iter().map(|v| v.number).max().unwrap_or(0);
    let (na, nb) = match (q.a, q.b) {
        (Some(a), Some(b)) => (a, b),
        (a, b) => {
            let b = b.unwrap_or(latest);
            (a.unwrap_or(b - 1), b)
        }
    };
    if latest < 2 && q.a.is_none() {
        let message = "本报告只有一个已通过的版本，再次审核通过后可在此对比前后两版。";
        return Ok(super::message_page(&caller, axum::http::StatusCode::OK, "版本对比", message));
    }
    let (Some(a), Some(b)) = (text(na), text(nb)) else {
        return Err(PageError::not_found());
    };
    let (left, right): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let rows = (0..left.len().max(right.len()))
        .map(|i| {
            let (l, r) = (left.get(i).copied().unwrap_or(""), right.get(i).copied().unwrap_or(""));
            (l.to_owned(), r.to_owned(), l != r)
        })
        .collect();
    Ok(ComparePage {
        nav: Nav::new(&caller, "/reports", &[("年度报告", "/reports"), ("版本对比", "")]),
        report_href: format!("/reports/{id}"),
        a: na,
        b: nb,
        rows,
    }
    .into_response())
}

/// One report of a side-by-side comparison, with the checker's findings on it.
pub struct SideReport {
    pub title: String,
    pub href: String,
    pub state: String,
    pub state_tone: &'static str,
    pub errors: usize,
    pub warnings: usize,
    /// Errors and warnings, each with its tone and line; notes are left to the report's page.
    pub findings: Vec<(&'static str, String)>,
}

pub struct SideRow {
    pub label: String,
    pub cells: Vec<String>,
    pub differs: bool,
    /// Parts are the report's skeleton; figures come after them.
    pub is_part: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "report_side_by_side.html")]
struct SideBySidePage {
    nav: Nav,
    choices: Vec<(i64, String)>,
    a: i64,
    b: i64,
    reports: Vec<SideReport>,
    rows: Vec<SideRow>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SideBySideQuery {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

/// Two annual reports side by side — two townships of a year, or two years of one — with the
/// figures the checker extracts from each and each one's findings: what a supervisor did with two
/// Word files open.
pub async fn side_by_side(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SideBySideQuery>,
) -> PageResult {
    let scope = caller.scope();
    let mut readable: Vec<ReportRow> =
        annual_reports::list(&state.db, &scope).await?.into_iter().filter(|r| service::may_read(&caller, r)).collect();
    readable.sort_by(|x, y| y.year.cmp(&x.year).then(x.org_name.cmp(&y.org_name)));
    let choices: Vec<(i64, String)> =
        readable.iter().map(|r| (r.id, format!("{} {}年度（{}）", r.org_name, r.year, r.state_label))).collect();
    let nav = Nav::new(&caller, "/reports", &[("年度报告", "/reports"), ("报告并排对比", "")]);
    if readable.len() < 2 {
        return Ok(SideBySidePage {
            nav,
            choices,
            a: 0,
            b: 0,
            reports: Vec::new(),
            rows: Vec::new(),
            notice: Some("至少需要两份可查看的年度报告才能并排对比。".into()),
        }
        .into_response());
    }
    let find = |raw: &str| raw.trim().parse::<i64>().ok().and_then(|id| readable.iter().position(|r| r.id == id));
    let asked = !q.a.is_empty() || !q.b.is_empty();
    let (mut notice, picked) = match (find(&q.a), find(&q.b)) {
        (Some(x), Some(y)) if x != y => (None, (x, y)),
        (Some(_), Some(_)) => (Some("请选择两份不同的报告；已显示默认的对比。".to_owned()), (0, 1)),
        _ if asked => (Some("所选的报告不存在或无权查看；已显示默认的对比。".to_owned()), (0, 1)),
        _ => (None, (0, 1)),
    };
    let pair = [&readable[picked.0], &readable[picked.1]];
    let mut columns = Vec::new();
    let mut reports = Vec::new();
    for r in pair {
        let checked = service::check(&service::parse_body(&r.body_json)?);
        columns.push(fazhi_report::compare::Column::of(&checked));
        let (state, state_tone) =
            standing(&r.state, r.comment.as_deref(), r.published_at.is_some(), r.reported_at.is_some());
        let shown = checked.diagnostics.iter().filter(|d| d.severity != Severity::Info);
        reports.push(SideReport {
            title: format!("{} {}年度", r.org_name, r.year),
            href: format!("/reports/{}", r.id),
            state,
            state_tone,
            errors: checked.count(Severity::Error),
            warnings: checked.count(Severity::Warning),
            findings: shown.map(|d| (severity_tone(d.severity), format!("第{}行：{}", d.line, d.message))).collect(),
        });
    }
    if pair[0].org_id != pair[1].org_id && pair[0].year != pair[1].year && notice.is_none() {
        notice = Some("两份报告的乡镇和年度都不同，数字的差别未必说明问题。".into());
    }
    let rows = side_rows(&columns);
    Ok(SideBySidePage { nav, choices, a: pair[0].id, b: pair[1].id, reports, rows, notice }.into_response())
}

/// Reports side by side in people's words: each statutory part, then every figure any of them
/// states (`fazhi compare` lays out the same rows).
pub fn side_rows(columns: &[fazhi_report::compare::Column]) -> Vec<SideRow> {
    use fazhi_report::compare::Item;
    fazhi_report::compare::rows(columns)
        .into_iter()
        .map(|row| {
            let label = match row.item {
                Item::Part(kind) => format!("{}：{}", kind.ordinal(), kind.label()),
                Item::Nonstandard => "法定部分以外的部分".into(),
                Item::Figure(id) => figure_words(id).to_owned(),
            };
            SideRow { differs: row.differs(), is_part: !matches!(row.item, Item::Figure(_)), label, cells: row.cells }
        })
        .collect()
}

/// The words for a figure the checker extracts: a ledger's indicator or one a report states that
/// no ledger counts (every id the checker knows has words: tests/figures.rs).
pub fn figure_words(id: &str) -> &'static str {
    fazhi_domain::key_indicators::indicator_label(id)
        .or_else(|| {
            fazhi_report::indicators::REPORT_ONLY.iter().find(|(known, _)| *known == id).map(|(_, words)| *words)
        })
        .unwrap_or("其他数字")
}

pub async fn editor_script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/report-editor.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_report_is_due_in_the_first_quarter_warned_from_march_and_late_after_it() {
        assert_eq!(deadline_status(2026, None, d("2027-02-28")).0, "grey");
        assert_eq!(deadline_status(2026, None, d("2027-03-01")).0, "orange");
        let (tone, text) = deadline_status(2026, None, d("2027-04-01"));
        assert_eq!((tone, text.as_str()), ("red", "逾期未公开（应于2027年3月31日前）"));
        assert_eq!(deadline_status(2026, Some(d("2027-03-31")), d("2027-04-01")).0, "green");
        assert_eq!(deadline_status(2026, Some(d("2027-04-02")), d("2027-05-01")).1, "2027-04-02公开（逾期）");
    }
}
