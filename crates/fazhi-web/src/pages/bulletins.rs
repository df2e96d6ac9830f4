//! 督察通报: the district's list of bulletins with the form drafting one for a period, a bulletin's
//! page (its figures linked to the problem records behind them, refreshed from the records while it
//! is a draft; the requirements and date editable; issued by the district), and its files. A
//! township's people read the issued bulletins of their district.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;
use fazhi_report::bulletin::{self, BulletinPeriod};
use fazhi_report::draft::{Draft, Segment, chinese_number};
use fazhi_store::StoreError;
use fazhi_store::bulletins::{self, BulletinRow};

use super::{Nav, PageResult, fmt_time, form_fields, see_other, version_of};
use crate::AppState;
use crate::auth::Caller;
use crate::bulletin as service;
use crate::extract::Path;

#[derive(Template, WebTemplate)]
#[template(path = "bulletins.html")]
struct ListPage {
    nav: Nav,
    bulletins: Vec<(BulletinRow, String)>,
    may_draft: bool,
    years: Vec<i32>,
}

fn period_label(row: &BulletinRow) -> String {
    BulletinPeriod::parse(&row.period).map(|p| p.label()).unwrap_or_else(|| row.period.clone())
}

pub async fn list(State(state): State<AppState>, caller: Caller) -> PageResult {
    let rows = bulletins::list(&state.db, &caller.principal).await?;
    let this = chrono::Datelike::year(&fazhi_store::beijing_today());
    Ok(ListPage {
        nav: Nav::new(&caller, "/supervision/bulletins", &[("工作台", ""), ("督察通报", "")]),
        bulletins: rows
            .into_iter()
            .map(|r| {
                let l = period_label(&r);
                (r, l)
            })
            .collect(),
        may_draft: caller.may(&axum::http::Method::POST, "/supervision/bulletins"),
        years: (this - 5..=this).rev().collect(),
    }
    .into_response())
}

/// Drafts the district's bulletin of the chosen period (or opens the one there is).
pub async fn create(State(state): State<AppState>, caller: Caller, body: axum::body::Bytes) -> PageResult {
    let form = form_fields(&body);
    let year = form.get("year").map(|s| s.trim()).unwrap_or("");
    let raw = match form.get("quarter").map(|s| s.trim()).unwrap_or("") {
        "" => year.to_owned(),
        q => format!("{year}-Q{q}"),
    };
    let Some(period) = BulletinPeriod::parse(&raw) else {
        return Err(StoreError::invalid("year", "请选择通报的年度和季度").into());
    };
    let p = &caller.principal;
    let facts = service::facts(&state.db, &caller.scope(), &p.org_name, period).await?;
    let draft = bulletin::draft(&facts);
    let json = serde_json::to_string(&draft).expect("a draft serializes");
    let row = bulletins::create(&state.db, &caller.actor(), &caller.scope(), p.org_id, &period.code(), &json).await?;
    Ok(see_other(&format!("/supervision/bulletins/{}", row.id)))
}

pub enum Seg {
    Text(String),
    Figure { value: i64, href: String },
}

pub struct PartView {
    pub heading: String,
    pub paragraphs: Vec<Vec<Seg>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    nav: Nav,
    row: BulletinRow,
    period: String,
    title: String,
    preamble: String,
    parts: Vec<PartView>,
    signature: String,
    date: String,
    requirements: String,
    may_edit: bool,
    issued_at: String,
}

/// Where a figure of the bulletin leads: the records it counts (the problems, or the ledger of a
/// key figure).
fn figure_href(id: &str, year: i32) -> String {
    let list = "/ledgers/supervision_problems";
    if let Some((indicator, org)) = bulletin::parse_township_figure(id) {
        return format!("{list}?org={org}&year={year}&figure={indicator}");
    }
    let kind = fazhi_domain::key_indicators::ALL
        .iter()
        .find(|k| k.figures().contains(&id))
        .map(|k| k.kind)
        .unwrap_or(fazhi_domain::ledgers::supervision_problems::KIND.code);
    format!("/ledgers/{kind}?year={year}&figure={id}")
}

async fn current(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(BulletinRow, Draft, BulletinPeriod), StoreError> {
    let row = bulletins::get(&state.db, &caller.principal, id).await?;
    let period = BulletinPeriod::parse(&row.period).ok_or_else(|| StoreError::Internal("通报期间已损坏".into()))?;
    let mut draft = service::parse_body(&row.body_json)?;
    if !row.issued() {
        let facts = service::facts(&state.db, &caller.scope(), &row.org_name, period).await?;
        draft.set_figures(&bulletin::figures(&facts));
    }
    Ok((row, draft, period))
}

pub async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> PageResult {
    let (row, draft, period) = current(&state, &caller, id).await?;
    let parts = draft
        .parts
        .iter()
        .enumerate()
        .map(|(i, part)| PartView {
            heading: format!("{}、{}", chinese_number(i + 1), part.heading),
            paragraphs: part
                .sections
                .iter()
                .flat_map(|s| &s.paragraphs)
                .map(|p| {
                    p.segments
                        .iter()
                        .flat_map(|s| match s {
                            Segment::Text { text } => vec![Seg::Text(text.clone())],
                            Segment::Figure { id, value, unit, .. } => {
                                vec![
                                    Seg::Figure { value: *value, href: figure_href(id, period.year) },
                                    Seg::Text(unit.clone()),
                                ]
                            }
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let requirements = draft
        .parts
        .last()
        .and_then(|p| p.sections.first())
        .and_then(|s| s.paragraphs.first())
        .map(|p| p.plain())
        .unwrap_or_default();
    let may_edit = !row.issued() && caller.may(&axum::http::Method::POST, &format!("/supervision/bulletins/{id}/save"));
    Ok(BulletinPage {
        nav: Nav::new(
            &caller,
            "/supervision/bulletins",
            &[("督察通报", "/supervision/bulletins"), (&period.label(), "")],
        ),
        period: period.label(),
        title: draft.title.clone(),
        preamble: draft.preamble.plain(),
        parts,
        signature: draft.signature.clone(),
        date: draft.date.clone(),
        requirements,
        may_edit,
        issued_at: row.issued_at.map(fmt_time).unwrap_or_default(),
        row,
    }
    .into_response())
}

/// Saves the requirements and the date of a draft, or issues it (印发) with them.
async fn store(state: &AppState, caller: &Caller, id: i64, body: &[u8], issue: bool) -> PageResult {
    let form = form_fields(body);
    let version = version_of(&form);
    let (_, mut draft, _) = current(state, caller, id).await?;
    if let Some(text) = form.get("requirements") {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::invalid("requirements", "请填写下一步工作要求").into());
        }
        fazhi_domain::text::check("下一步工作要求", text, true).map_err(|m| StoreError::invalid("requirements", m))?;
        if let Some(section) = draft.parts.last_mut().and_then(|p| p.sections.first_mut()) {
            section.paragraphs =
                vec![fazhi_report::draft::Paragraph { segments: vec![Segment::Text { text: text.to_owned() }] }];
        }
    }
    if let Some(date) = form.get("date").map(|d| d.trim()).filter(|d| !d.is_empty()) {
        if date.chars().count() > 20 {
            return Err(StoreError::invalid("date", "成文日期如 2024年1月19日").into());
        }
        draft.date = date.to_owned();
    }
    let json = serde_json::to_string(&draft).expect("a draft serializes");
    bulletins::save(&state.db, &caller.actor(), &caller.scope(), id, version, &json, issue).await?;
    Ok(see_other(&format!("/supervision/bulletins/{id}?done={}", if issue { "issued" } else { "saved" })))
}

pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    store(&state, &caller, id, &body, false).await
}

pub async fn issue(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    store(&state, &caller, id, &body, true).await
}

/// The bulletin as a GB/T 9704 .docx, or its table as .xlsx.
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, format)): Path<(i64, String)>,
) -> PageResult {
    let (row, draft, period) = current(&state, &caller, id).await?;
    let name = format!("{}{}法治政府建设督察情况通报", row.org_name, period.label());
    match format.as_str() {
        "xlsx" => {
            let townships: Vec<(i64, String)> = fazhi_store::orgs::list(&state.db, &caller.scope())
                .await?
                .into_iter()
                .filter(|o| o.kind().is_township())
                .map(|o| (o.id, o.name))
                .collect();
            Ok(crate::respond::xlsx_download(&format!("{name}.xlsx"), service::xlsx(&draft, &townships)?))
        }
        _ => Ok(super::reports::file_response(&draft, &format, &name)),
    }
}
