//! Ledger records, their steps, corrections, attachments, export and import (`pages/ledgers.rs`),
//! through the same ledger service as the pages.

use crate::extract::{Kind, Path, Query};
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fazhi_store::attachments::{self, AttachmentView};
use fazhi_store::ledger::{self, RecordView};
use fazhi_store::ledger_xlsx::{self, ImportReport};
use fazhi_store::{Page, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody};
use crate::ledger_service::{self as service, Posted, Upload};

use super::{ApiResult, body, text_fields, version_of};

#[derive(Deserialize, IntoParams)]
pub struct LedgerListParams {
    /// A state code of the kind, e.g. `in_force`.
    pub state: Option<String>,
    /// Words of the title.
    pub q: Option<String>,
    /// `updated` (last handled first), `title`, or newest first.
    pub sort: Option<String>,
    /// Only this organization's records and those below it (a township, for the district).
    pub org: Option<i64>,
    /// Only the records counted in this year (the kind's year).
    pub year: Option<i32>,
    /// Only the records behind this figure of the kind, e.g. `petitions.total` or
    /// `handling.on_time`.
    pub figure: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct RecordPage {
    pub items: Vec<RecordView>,
    /// The number of records, counted up to 1,000 or the page asked for if deeper; when the count
    /// stopped there, `total_is_exact` is false and there are more.
    pub total: u64,
    pub total_is_exact: bool,
    pub page: u64,
    pub page_size: u64,
}

#[utoipa::path(get, path = "/api/v1/ledgers/{kind}", tag = "台账", params(("kind" = String, Path, description = "decisions 或 normative_documents"), LedgerListParams), responses((status = 200, body = RecordPage)))]
pub async fn list_ledger(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Query(q): Query<LedgerListParams>,
) -> ApiResult<RecordPage> {
    let filter = ledger::ListFilter {
        state: q.state,
        query: search_words(q.q.as_deref().unwrap_or(""))?,
        sort: ledger::Sort::parse(q.sort.as_deref().unwrap_or("")),
        org: q.org,
        year: q.year,
        figure: match q.figure.filter(|f| !f.is_empty()) {
            Some(f) if fazhi_domain::key_indicators::figure_label(kind.code, &f).is_none() => {
                return Err(StoreError::invalid("figure", format!("{}台账没有这项数字", kind.label)).into());
            }
            other => other,
        },
        page: q.page.unwrap_or(1),
        page_size: q.page_size.unwrap_or(50),
        ..Default::default()
    };
    let listed = ledger::list(&state.db, &caller.scope(), kind, &filter).await?;
    // Personal values come masked for the caller from the store (`Scope::sees_personal`).
    let Page { items, total, page, page_size } = listed.page;
    Ok(Json(RecordPage { items, total, total_is_exact: !listed.more, page, page_size }))
}

/// Creates a record in the caller's organization (a 督察问题 in the township named by `org_id`): the
/// body is an object of field values.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}", tag = "台账", params(("kind" = String, Path)), request_body(content = Object, description = "字段值，如 {\"title\": \"…\"}"), responses((status = 200, body = RecordView), (status = 400, body = ApiErrorBody)))]
pub async fn create_ledger_record(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> ApiResult<RecordView> {
    let fields = text_fields(body(input)?);
    Ok(Json(crate::ledger_service::open(&state.db, &caller, kind, &fields).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct ExportParams {
    #[serde(default)]
    pub state: String,
    /// Any part of any text of the record.
    #[serde(default)]
    pub q: String,
    /// `updated`, `title`, or newest first.
    #[serde(default)]
    pub sort: String,
    /// Only this organization's records and those below it.
    #[serde(default)]
    pub org: Option<i64>,
}

/// The search text of a list or export, refused in words naming the parameter.
fn search_words(raw: &str) -> Result<Option<fazhi_domain::search::SearchWords>, StoreError> {
    fazhi_domain::search::SearchWords::parse(raw).map_err(|m| StoreError::invalid("q", m))
}

/// The filtered list as an `.xlsx` file: 状态, then every field by its Chinese label. Personal
/// data is masked for district roles.
#[utoipa::path(get, path = "/api/v1/ledgers/{kind}/export", tag = "台账", params(("kind" = String, Path), ExportParams), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn export_ledger(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Query(q): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let filter = ledger::ListFilter {
        state: Some(q.state).filter(|s| !s.is_empty()),
        query: search_words(&q.q)?,
        sort: ledger::Sort::parse(&q.sort),
        org: q.org,
        ..Default::default()
    };
    let (bytes, _) = ledger_xlsx::export(&state.db, &caller.actor(), &caller.scope(), kind, &filter).await?;
    Ok(crate::respond::xlsx_download(&format!("{}台账.xlsx", kind.label), bytes))
}

#[derive(Deserialize, IntoParams)]
pub struct ImportParams {
    /// Only check the file and report; store nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The file's name, as the history of each imported record will name it.
    #[serde(default)]
    pub name: Option<String>,
    /// Rows (by their row number) that look like records already held and are to be created
    /// all the same, separated by commas: 3,5.
    #[serde(default)]
    pub confirm_rows: Option<String>,
}

/// Imports an `.xlsx` file (the request body) into the caller's organization, all rows or none.
/// A file with errors gets a 400 with the report listing each row and column.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}/import", tag = "台账", params(("kind" = String, Path), ImportParams), request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), responses((status = 200, body = ImportReport), (status = 400, body = ImportReport)))]
pub async fn import_ledger(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Query(q): Query<ImportParams>,
    file: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let confirmed: Vec<usize> = q
        .confirm_rows
        .as_deref()
        .unwrap_or("")
        .split([',', '，', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| ApiError::invalid("confirm_rows", "“confirm_rows”应为以逗号分隔的行号"))
        })
        .collect::<Result<_, _>>()?;
    let file = ledger_xlsx::ImportFile {
        name: q.name.as_deref().unwrap_or("接口上传的文件"),
        bytes: &file,
        confirmed_rows: &confirmed,
    };
    let upload = if q.dry_run { Upload::Check(file) } else { Upload::Import(file) };
    let report = service::import(&state.db, &caller, kind, upload).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok((status, Json(report)).into_response())
}

#[utoipa::path(get, path = "/api/v1/ledgers/{kind}/{id}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path)), responses((status = 200, body = RecordView), (status = 404, body = ApiErrorBody)))]
pub async fn get_ledger_record(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<RecordView> {
    // The district sees the township's records with names and contacts masked, by the store.
    Ok(Json(ledger::get(&state.db, &caller.scope(), kind, id).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct AttachParams {
    /// The file's name, with its extension: 会议纪要.pdf.
    #[serde(default)]
    pub name: String,
    /// The stage of the procedure the file records, where the ledger names stages (行政执法案件:
    /// 立案, 告知, 听证, 法制审核, 决定, 送达).
    #[serde(default)]
    pub stage: Option<String>,
}

/// Corrects a record's own fields (those it is created with) while it is in its first state. The
/// body holds every such field, as on creation, and `version`, the record's version as read.
#[utoipa::path(put, path = "/api/v1/ledgers/{kind}/{id}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path)), request_body(content = Object), responses((status = 200, body = RecordView), (status = 400, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn update_ledger_record(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> ApiResult<RecordView> {
    crate::ledger_service::may_open(&caller, kind)?;
    let fields = text_fields(body(input)?);
    let version = version_of(&fields)?;
    Ok(Json(crate::ledger_service::update(&state.db, &caller, kind, id, version, &fields).await?))
}

/// The attachments of a record, oldest first.
#[utoipa::path(get, path = "/api/v1/ledgers/{kind}/{id}/attachments", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path)), responses((status = 200, body = Vec<AttachmentView>), (status = 404, body = ApiErrorBody)))]
pub async fn list_attachments(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Vec<AttachmentView>> {
    Ok(Json(attachments::list(&state.db, &caller.scope(), kind, id).await?))
}

/// Attaches a file (the request body) to a record. Accepted: PDF, OFD, Word, Excel, WPS, JPEG and
/// PNG, up to 20 MB, whose content matches the name's extension.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}/{id}/attachments", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), AttachParams), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 201, body = AttachmentView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<AttachParams>,
    file: axum::body::Bytes,
) -> Result<Response, ApiError> {
    if q.name.trim().is_empty() {
        return Err(ApiError::invalid("name", "请在查询参数 name 中给出附件的文件名（含扩展名），如 会议纪要.pdf"));
    }
    let saved = attachments::attach(
        &state.db,
        &state.files,
        &caller.actor(),
        &caller.scope(),
        kind,
        id,
        &q.name,
        q.stage.as_deref(),
        &file,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}

/// An attachment's content, as a download under its media type.
#[utoipa::path(get, path = "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), ("attachment" = i64, Path)), responses((status = 200, description = "The file as attached, under its type", content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/ofd"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (Vec<u8> = "application/msword"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/vnd.ms-excel"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))), (status = 404, body = ApiErrorBody)))]
pub async fn download_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, attachment)): Path<(String, i64, i64)>,
) -> Result<Response, ApiError> {
    let (a, chunks) = attachments::open(&state.db, &state.files, &caller.scope(), kind, id, attachment).await?;
    Ok(crate::respond::attachment_download(&a, chunks))
}

/// Removes an attachment from its record (the audit trail keeps what it was).
#[utoipa::path(delete, path = "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), ("attachment" = i64, Path)), responses((status = 204), (status = 404, body = ApiErrorBody)))]
pub async fn remove_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, attachment)): Path<(String, i64, i64)>,
) -> Result<StatusCode, ApiError> {
    attachments::remove(&state.db, &caller.actor(), &caller.scope(), kind, id, attachment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes one step of a record's procedure. The body holds the step's fields and `version`, the
/// record's version as the caller read it.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}/{id}/steps/{step}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), ("step" = String, Path)), request_body(content = Object), responses((status = 200, body = RecordView), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn take_ledger_step(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, step)): Path<(String, i64, String)>,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> ApiResult<RecordView> {
    ledger_step(&state, &caller, kind, id, &step, input, false).await
}

/// Corrects what a step recorded (更正). The body holds the step's fields, `reason` and
/// `version`; the step's conditions are checked again over the corrected record.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}/{id}/corrections/{step}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), ("step" = String, Path)), request_body(content = Object), responses((status = 200, body = RecordView), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn correct_ledger_step(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, step)): Path<(String, i64, String)>,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> ApiResult<RecordView> {
    ledger_step(&state, &caller, kind, id, &step, input, true).await
}

/// A step taken, or what it recorded corrected (with the body's `reason`), as the caller.
#[allow(clippy::too_many_arguments)]
async fn ledger_step(
    state: &AppState,
    caller: &Caller,
    kind: &'static fazhi_domain::ledger::LedgerKind,
    id: i64,
    step: &str,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
    correction: bool,
) -> ApiResult<RecordView> {
    let mut fields = text_fields(body(input)?);
    let version = version_of(&fields)?;
    fields.remove("version");
    // Only a correction has a reason; a step given one refuses it as a field it does not record.
    let reason = if correction { fields.remove("reason").unwrap_or_default() } else { String::new() };
    let posted = if correction { Posted::Correct { reason: &reason } } else { Posted::Take };
    Ok(Json(service::step(&state.db, caller, kind, id, version, step, &fields, posted).await?))
}
