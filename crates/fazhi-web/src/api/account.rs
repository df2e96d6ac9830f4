//! The caller's own password (`pages/account.rs`).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use fazhi_store::users::{self};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody};

use super::body;

#[derive(Deserialize, ToSchema)]
pub struct PasswordChangeBody {
    pub current_password: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/api/v1/account/password", tag = "会话", request_body = PasswordChangeBody,
    responses((status = 204, description = "密码已修改"), (status = 400, body = ApiErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    input: Result<Json<PasswordChangeBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let input = body(input)?;
    let p = &caller.principal;
    users::change_own_password(
        &state.db,
        &caller.actor(),
        p.user_id,
        &input.current_password,
        &input.new_password,
        caller.session_token.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
