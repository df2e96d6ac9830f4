//! The caller's API tokens (`pages/tokens.rs`).

use crate::extract::Path;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use fazhi_store::api_tokens::{self, TokenView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody};

use super::{ApiResult, ReasonBody, body};

#[utoipa::path(get, path = "/api/v1/tokens", tag = "接口令牌", responses((status = 200, body = Vec<TokenView>)))]
pub async fn list_tokens(State(state): State<AppState>, caller: Caller) -> ApiResult<Vec<TokenView>> {
    Ok(Json(api_tokens::list(&state.db, &caller.principal).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct IssueTokenBody {
    /// Leave out to issue for yourself. An administrator may name a service account (接口账号) in
    /// their organization's subtree; no other user.
    pub user_id: Option<i64>,
    /// What the token is for.
    pub name: String,
    /// Days until it expires: 90 when left out, at most 365.
    pub days: Option<i64>,
    /// Only reads (GET) are allowed with it.
    #[serde(default)]
    pub read_only: bool,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    /// Shown once; only its digest is stored.
    pub token: String,
    pub info: TokenView,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "接口令牌", request_body = IssueTokenBody,
    responses((status = 201, body = IssuedToken), (status = 400, body = ApiErrorBody)))]
pub async fn issue_token(
    State(state): State<AppState>,
    caller: Caller,
    input: Result<Json<IssueTokenBody>, JsonRejection>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    let input = body(input)?;
    let p = &caller.principal;
    let request = api_tokens::TokenRequest {
        user_id: input.user_id,
        name: input.name,
        days: input.days,
        read_only: input.read_only,
    };
    let (token, info) = api_tokens::issue(&state.db, p, &caller.ip, request).await?;
    Ok((StatusCode::CREATED, Json(IssuedToken { token, info })))
}

#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "接口令牌", params(("id" = i64, Path, description = "令牌编号")), request_body = ReasonBody,
    responses((status = 200, body = TokenView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    input: Result<Json<ReasonBody>, JsonRejection>,
) -> ApiResult<TokenView> {
    let input = body(input)?;
    let p = &caller.principal;
    Ok(Json(api_tokens::revoke(&state.db, p, &caller.ip, id, &input.reason).await?))
}
