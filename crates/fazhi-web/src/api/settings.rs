//! Local rule settings (`pages/settings.rs`).

use crate::extract::Path;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use fazhi_store::rules::{self, NewValue, SettingView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody};

use super::{ApiResult, body};

#[utoipa::path(get, path = "/api/v1/settings", tag = "规则设置", responses((status = 200, body = Vec<SettingView>)))]
pub async fn list_settings(State(state): State<AppState>, caller: Caller) -> ApiResult<Vec<SettingView>> {
    Ok(Json(rules::list(&state.db, &caller.principal).await?))
}

/// A new value of one setting: `length` and `unit` for a period, `number` for a number, or
/// `reset: true` for the default.
#[derive(Deserialize, ToSchema)]
pub struct SettingBody {
    pub length: Option<u32>,
    /// `working_days` or `calendar_days`.
    pub unit: Option<String>,
    pub number: Option<i64>,
    #[serde(default)]
    pub reset: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SettingChanged {
    /// Open time limits counted by this setting, recounted.
    pub open_deadlines: usize,
}

/// Changes one setting; every open deadline is recounted in the same transaction.
#[utoipa::path(post, path = "/api/v1/settings/{key}", tag = "规则设置", params(("key" = String, Path)), request_body = SettingBody, responses((status = 200, body = SettingChanged), (status = 400, body = ApiErrorBody)))]
pub async fn change_setting(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    input: Result<Json<SettingBody>, JsonRejection>,
) -> ApiResult<SettingChanged> {
    let b = body(input)?;
    let (length, number) = (b.length.map(|n| n.to_string()), b.number.map(|n| n.to_string()));
    let value = match (b.reset, &number, &length) {
        (true, _, _) => NewValue::Default,
        (false, Some(n), _) => NewValue::Number(n),
        (false, None, Some(length)) => NewValue::Period { length, unit: b.unit.as_deref().unwrap_or("") },
        (false, None, None) => return Err(ApiError::invalid("length", "请提供 length 和 unit、number，或 reset")),
    };
    let open = rules::set(&state.db, &caller.principal, &caller.ip, &key, value).await?;
    Ok(Json(SettingChanged { open_deadlines: open }))
}
