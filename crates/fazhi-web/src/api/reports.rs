//! The annual report over the API: the same procedure as the pages (`annual_report.rs`,
//! `pages/reports.rs`).

use crate::extract::Path;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use fazhi_store::annual_reports::{self, ReportRow, Step};
use fazhi_store::{StoreError, indicators};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::annual_report as service;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody, json_rejection};

use super::ApiResult;

async fn readable(state: &AppState, caller: &Caller, id: i64) -> Result<ReportRow, ApiError> {
    let r = annual_reports::get(&state.db, &caller.scope(), id).await?;
    if service::may_read(caller, &r) { Ok(r) } else { Err(StoreError::NotFound.into()) }
}

/// The reports of the caller's scope the caller may read, newest year first.
#[utoipa::path(get, path = "/api/v1/reports", tag = "年度报告", responses((status = 200, body = Vec<ReportRow>)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Vec<ReportRow>> {
    let all = annual_reports::list(&state.db, &caller.scope()).await?;
    Ok(Json(all.into_iter().filter(|r| service::may_read(&caller, r)).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct Finding {
    pub rule: &'static str,
    /// error, warning or info
    pub severity: String,
    pub message: String,
    /// The line of the report's text (`text`), from 1.
    pub line: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ReportDetail {
    pub report: ReportRow,
    /// The draft: title, preamble, the five parts (figures as {type: figure, id, value, unit, edited}),
    /// signature, date.
    #[schema(value_type = Object)]
    pub draft: serde_json::Value,
    /// The report as text.
    pub text: String,
    /// The checker's findings on the text.
    pub findings: Vec<Finding>,
    /// The year's figures from the ledgers, each with its records' ids.
    pub figures: Vec<indicators::Figure>,
}

/// A report with its draft (figures as they stand in the ledgers now, unless typed over), its text,
/// the checker's findings and the year's figures.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "年度报告", params(("id" = i64, Path)), responses((status = 200, body = ReportDetail), (status = 404, body = ApiErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<ReportDetail> {
    let report = readable(&state, &caller, id).await?;
    let scope = caller.scope();
    let mut draft = service::parse_body(&report.body_json)?;
    let (facts, figures) = service::facts(&state.db, &scope, report.org_id, report.year).await?;
    if matches!(report.state.as_str(), "draft" | "returned") {
        draft.refresh(&facts);
    }
    let checked = service::check(&draft);
    Ok(Json(ReportDetail {
        findings: checked
            .diagnostics
            .iter()
            .map(|d| Finding {
                rule: d.rule,
                severity: serde_json::to_value(d.severity)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                message: d.message.clone(),
                line: d.line,
            })
            .collect(),
        text: draft.to_text(),
        draft: serde_json::to_value(&draft).unwrap_or_default(),
        figures,
        report,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct StartReport {
    pub year: i32,
}

/// Starts (or returns) the caller's township's report for a year, drafted from its ledgers.
#[utoipa::path(post, path = "/api/v1/reports", tag = "年度报告", request_body = StartReport, responses((status = 200, body = ReportRow), (status = 400, body = ApiErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    input: Result<Json<StartReport>, JsonRejection>,
) -> ApiResult<ReportRow> {
    let Json(input) = input.map_err(json_rejection)?;
    let this_year = chrono::Datelike::year(&fazhi_store::beijing_today());
    if !(2000..=this_year).contains(&input.year) {
        return Err(ApiError::invalid("year", format!("报告年度应在 2000 到 {this_year} 之间")));
    }
    let p = &caller.principal;
    Ok(Json(service::start(&state.db, &caller.actor(), &caller.scope(), p.org_id, input.year).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SaveReport {
    /// The version the draft was read at.
    pub version: i64,
    /// The edited draft, in the shape `GET /api/v1/reports/{id}` gives it.
    #[schema(value_type = Object)]
    pub draft: serde_json::Value,
}

/// Saves an edited draft: a figure not marked `edited` takes the ledgers' value.
#[utoipa::path(put, path = "/api/v1/reports/{id}", tag = "年度报告", params(("id" = i64, Path)), request_body = SaveReport, responses((status = 200, body = ReportRow), (status = 400, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    input: Result<Json<SaveReport>, JsonRejection>,
) -> ApiResult<ReportRow> {
    let Json(input) = input.map_err(json_rejection)?;
    let report = readable(&state, &caller, id).await?;
    let json = serde_json::to_string(&input.draft).unwrap_or_default();
    Ok(Json(service::save(&state.db, &caller.actor(), &caller.scope(), &report, input.version, &json).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportStep {
    pub version: i64,
    /// Required to return a report: what to change.
    #[serde(default)]
    pub comment: Option<String>,
}

async fn step(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: Result<Json<ReportStep>, JsonRejection>,
    step: Step,
) -> ApiResult<ReportRow> {
    let Json(input) = input.map_err(json_rejection)?;
    let report = readable(state, caller, id).await?;
    Ok(Json(
        service::take_step(
            &state.db,
            &caller.actor(),
            &caller.scope(),
            &report,
            input.version,
            step,
            input.comment.as_deref(),
        )
        .await?,
    ))
}

macro_rules! step_endpoint {
    ($name:ident, $path:literal, $step:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "年度报告", params(("id" = i64, Path)), request_body = ReportStep, responses((status = 200, body = ReportRow), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
        pub async fn $name(
            State(state): State<AppState>,
            caller: Caller,
            Path(id): Path<i64>,
            input: Result<Json<ReportStep>, JsonRejection>,
        ) -> ApiResult<ReportRow> {
            step(&state, &caller, id, input, $step).await
        }
    };
}

step_endpoint!(
    submit,
    "/api/v1/reports/{id}/submit",
    Step::Submit,
    "提交审核: refused while the checker finds an error."
);
step_endpoint!(
    approve,
    "/api/v1/reports/{id}/approve",
    Step::Approve,
    "审核通过 (a township leader): the next numbered version."
);
step_endpoint!(
    return_for_changes,
    "/api/v1/reports/{id}/return",
    Step::Return,
    "退回修改 (a township leader), with a comment."
);
step_endpoint!(
    publish,
    "/api/v1/reports/{id}/publish",
    Step::Publish,
    "公开发布: the approved version, masked, on /gongkai."
);
step_endpoint!(report, "/api/v1/reports/{id}/report", Step::Report, "报送区县.");
step_endpoint!(
    district_return,
    "/api/v1/reports/{id}/district-return",
    Step::DistrictReturn,
    "区县退回 (the district), with a comment."
);
