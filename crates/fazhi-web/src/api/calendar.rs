//! The working-day calendar (`pages/calendar.rs`).

use crate::extract::Query;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use fazhi_store::calendar::{self, YearView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody};

use super::ApiResult;

#[utoipa::path(get, path = "/api/v1/calendar", tag = "工作日历", responses((status = 200, body = Vec<YearView>)))]
pub async fn list_calendar(State(state): State<AppState>) -> ApiResult<Vec<YearView>> {
    Ok(Json(calendar::list(&state.db).await?))
}

/// Loads a year's holiday notice: the body is the holiday-cn JSON file itself.
#[utoipa::path(post, path = "/api/v1/calendar", tag = "工作日历", request_body(content = String, content_type = "application/json", description = "holiday-cn 格式的放假安排"), responses((status = 200, body = YearView), (status = 400, body = ApiErrorBody)))]
pub async fn load_calendar(
    State(state): State<AppState>,
    caller: Caller,
    file: axum::body::Bytes,
) -> ApiResult<YearView> {
    let json = std::str::from_utf8(&file).map_err(|_| ApiError::invalid("file", "放假安排应为 UTF-8 编码的 JSON"))?;
    Ok(Json(calendar::load_year_by(&state.db, &caller.principal, &caller.ip, json).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct CountParams {
    /// The day of the start event, YYYY-MM-DD; it is not itself counted.
    pub start: String,
    /// Length of the period.
    pub days: String,
    /// `working` (default) or `calendar`.
    #[serde(default)]
    pub unit: String,
}

#[derive(Serialize, ToSchema)]
pub struct CountedPeriod {
    pub due: NaiveDate,
    /// The count ran into a year whose holiday notice is not loaded yet.
    pub provisional: bool,
    /// How the due date was counted, line by line.
    pub explanation: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/calendar/count", tag = "工作日历", params(CountParams), responses((status = 200, body = CountedPeriod), (status = 400, body = ApiErrorBody)))]
pub async fn count_period(State(state): State<AppState>, Query(q): Query<CountParams>) -> ApiResult<CountedPeriod> {
    let (start, period) = fazhi_domain::calendar::parse_count(&q.start, &q.days, &q.unit)
        .map_err(|e| ApiError::invalid(e.field, e.message))?;
    let counted = calendar::current(&state.db).await?.count(start, period);
    Ok(Json(CountedPeriod { due: counted.due, provisional: counted.provisional, explanation: counted.explain() }))
}
