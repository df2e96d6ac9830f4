//! 往年报告归档 for programs: the filed reports of the caller's scope, filing one (the file as the
//! request body), one report with its figures and findings, and its file. The same reading and
//! filing as the page (`crate::report_archive`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fazhi_store::report_archive::{self, ArchivedView};
use serde::Deserialize;
use utoipa::IntoParams;

use super::ApiResult;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{Path, Query};

/// The reports filed in the caller's scope, by township, the latest year first.
#[utoipa::path(get, path = "/api/v1/archive", tag = "往年报告归档", responses((status = 200, body = Vec<ArchivedView>)))]
pub async fn list_archive(State(state): State<AppState>, caller: Caller) -> ApiResult<Vec<ArchivedView>> {
    Ok(Json(report_archive::list(&state.db, &caller.scope()).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct FileParams {
    /// The township (or street) whose report it is.
    #[serde(default)]
    pub org: i64,
    /// The year it reports on.
    #[serde(default)]
    pub year: i32,
    /// The file's name, with its extension: 杉岭乡2023年法治政府建设年度报告.pdf.
    #[serde(default)]
    pub name: String,
}

/// Files a township's report of a year (.docx, .pdf or .ofd, up to 20 MB, the request body): it is
/// checked, kept, and the figures it states stand for that year where the ledgers keep nothing,
/// marked as taken from the report. Filing a year again replaces its report.
#[utoipa::path(post, path = "/api/v1/archive", tag = "往年报告归档", params(FileParams), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 201, body = ArchivedView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn file_report(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<FileParams>,
    file: axum::body::Bytes,
) -> Result<Response, ApiError> {
    if q.name.trim().is_empty() {
        return Err(ApiError::invalid("name", "请在查询参数 name 中给出报告的文件名（含扩展名），如 2023年报告.pdf"));
    }
    let filed = crate::report_archive::file(
        &state.db,
        &state.files,
        &caller.actor(),
        &caller.scope(),
        q.org,
        q.year,
        &q.name,
        file.to_vec(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(filed)).into_response())
}

/// A filed report: what was read in it, its figures and the checker's findings.
#[utoipa::path(get, path = "/api/v1/archive/{id}", tag = "往年报告归档", params(("id" = i64, Path)), responses((status = 200, body = ArchivedView), (status = 404, body = ApiErrorBody)))]
pub async fn get_archived(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<ArchivedView> {
    Ok(Json(report_archive::get(&state.db, &caller.scope(), id).await?))
}

/// A filed report's file, as a download under its media type.
#[utoipa::path(get, path = "/api/v1/archive/{id}/file", tag = "往年报告归档", params(("id" = i64, Path)), responses((status = 200, description = "The file as filed, under its type", content((Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (Vec<u8> = "application/pdf"), (Vec<u8> = "application/ofd"))), (status = 404, body = ApiErrorBody)))]
pub async fn download_archived(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (a, chunks) = report_archive::open(&state.db, &state.files, &caller.scope(), id).await?;
    Ok(crate::respond::file_download(&a.file_name, &a.media_type, a.size, chunks))
}
