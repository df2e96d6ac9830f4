//! The audit trail, for the auditor (`pages/audit.rs`).

use crate::extract::Query;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use fazhi_store::Page;
use fazhi_store::audit::{self, AuditFilter, AuditView};
use fazhi_store::users::{self};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};

use super::ApiResult;

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Login name of the actor.
    pub user: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    /// First day, `YYYY-MM-DD`, Beijing time.
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD`, Beijing time.
    pub to: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

fn day(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError::invalid(field, "日期格式应为 YYYY-MM-DD")),
    }
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "审计", params(AuditQuery), responses((status = 200, body = AuditPage), (status = 400, body = ApiErrorBody)))]
pub async fn list_audit(State(state): State<AppState>, Query(q): Query<AuditQuery>) -> ApiResult<AuditPage> {
    let user = q.user.filter(|u| !u.trim().is_empty());
    let filter = AuditFilter {
        actor_username: user.clone(),
        action: q.action,
        object_type: q.object_type,
        from: day("from", q.from.as_deref())?,
        to: day("to", q.to.as_deref())?,
        page: q.page.unwrap_or(1),
        page_size: q.page_size.unwrap_or(50),
        ..Default::default()
    };
    let Page { items, total, page, page_size } = audit::list(&state.db, &filter).await?;
    // Only an empty answer needs telling apart from a login name that does not exist.
    if total == 0
        && let Some(u) = &user
        && users::id_by_username(&state.db, u).await?.is_none()
    {
        return Err(ApiError::invalid("user", "找不到该登录名的用户"));
    }
    Ok(Json(AuditPage { items, total, page, page_size }))
}
