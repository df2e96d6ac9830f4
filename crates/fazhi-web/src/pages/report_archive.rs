//! 往年报告归档: a township's earlier annual reports, filed as files (.docx, .pdf, .ofd) by the
//! township or by the district on its behalf, each read by the checker once when filed: its
//! findings and the figures it states are kept with the file. Those figures stand as the
//! township's figures of that year, marked 据报告, where its ledgers keep none (docs/archive.md).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fazhi_store::StoreError;
use fazhi_store::district::Townships;
use fazhi_store::report_archive::{self, ArchivedView};

use super::reports::figure_words;
use super::{Nav, PageResult, fmt_time, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Path;
use crate::respond;

#[derive(Template, WebTemplate)]
#[template(path = "report_archive.html")]
struct ListPage {
    nav: Nav,
    filed: Vec<ArchivedView>,
    may_file: bool,
    townships: Vec<(i64, String)>,
    years: Vec<i32>,
    chosen_org: i64,
    chosen_year: i32,
    error: Option<String>,
}

/// What the form had chosen, kept when it is shown again with an error.
#[derive(Default, Clone, Copy)]
struct Chosen {
    org: i64,
    year: i32,
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    chosen: Chosen,
    error: Option<String>,
) -> Result<ListPage, StoreError> {
    let townships = Townships::of(&state.db, &caller.scope()).await?;
    let today = fazhi_store::beijing_today();
    let years: Vec<i32> = report_archive::years_open(today).rev().collect();
    Ok(ListPage {
        nav: Nav::new(caller, "/reports/archive", &[("年度报告", "/reports"), ("往年报告归档", "")]),
        filed: report_archive::list(&state.db, &caller.scope()).await?,
        may_file: caller.may(&axum::http::Method::POST, "/reports/archive"),
        townships: townships.list.iter().map(|t| (t.id, t.name.clone())).collect(),
        chosen_org: chosen.org,
        // Last year's report is the one a township that joined this year most often has as a file.
        chosen_year: if chosen.year == 0 { years.first().copied().unwrap_or_default() } else { chosen.year },
        years,
        error,
    })
}

pub async fn list(State(state): State<AppState>, caller: Caller) -> PageResult {
    Ok(list_page(&state, &caller, Chosen::default(), None).await?.into_response())
}

/// Files the chosen report and opens its page; a refusal is said above the form, which keeps
/// the township and year chosen.
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let (fields, file) = super::ledgers::uploaded_form(form).await;
    let chosen = Chosen {
        org: fields.get("org").and_then(|v| v.trim().parse().ok()).unwrap_or(0),
        year: fields.get("year").and_then(|v| v.trim().parse().ok()).unwrap_or(0),
    };
    let (name, bytes) = file.unwrap_or_default();
    let refused = |message: String| async {
        let page = list_page(&state, &caller, chosen, Some(message)).await?;
        Ok::<_, StoreError>((StatusCode::BAD_REQUEST, page).into_response())
    };
    if chosen.org == 0 {
        return Ok(refused("请选择乡镇（街道）".into()).await?);
    }
    if name.is_empty() || bytes.is_empty() {
        return Ok(refused("请选择要归档的报告文件（.docx、.pdf 或 .ofd）".into()).await?);
    }
    let filed = crate::report_archive::file(
        &state.db,
        &state.files,
        &caller.actor(),
        &caller.scope(),
        chosen.org,
        chosen.year,
        &name,
        bytes,
    )
    .await;
    match filed {
        Ok(a) => Ok(see_other(&format!("/reports/archive/{}?done=filed", a.id))),
        Err(StoreError::Invalid(e)) => Ok(refused(e.message).await?),
        Err(e) => Err(e.into()),
    }
}

/// A figure of a filed report as its page lists it.
struct FigureRow {
    words: &'static str,
    value: String,
    line: usize,
    text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "report_archive_detail.html")]
struct DetailPage {
    nav: Nav,
    a: ArchivedView,
    filed_at: String,
    size: String,
    figures: Vec<FigureRow>,
}

pub async fn detail(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> PageResult {
    let a = report_archive::get(&state.db, &caller.scope(), id).await?;
    let figures = a
        .figures
        .iter()
        .map(|f| FigureRow {
            words: figure_words(&f.id),
            value: format!("{}{}", f.value, f.unit),
            line: f.line,
            text: f.text.clone(),
        })
        .collect();
    Ok(DetailPage {
        nav: Nav::new(
            &caller,
            "/reports/archive",
            &[("年度报告", "/reports"), ("往年报告归档", "/reports/archive"), ("报告详情", "")],
        ),
        filed_at: fmt_time(a.filed_at),
        size: format!("{:.1} KB", a.size as f64 / 1024.0),
        figures,
        a,
    }
    .into_response())
}

pub async fn download(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> PageResult {
    let (a, chunks) = report_archive::open(&state.db, &state.files, &caller.scope(), id).await?;
    Ok(respond::file_download(&a.file_name, &a.media_type, a.size, chunks))
}
