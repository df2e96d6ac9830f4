//! Accounts and their roles (`pages/users.rs`).

use crate::extract::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use fazhi_domain::role::Role;
use fazhi_store::Page;
use fazhi_store::users::{self, NewUser, UserFilter, UserUpdate, UserView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody};

use super::{ApiResult, ReasonBody, body, roles};

#[derive(Serialize, ToSchema)]
pub struct RoleView {
    pub code: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

#[utoipa::path(get, path = "/api/v1/roles", tag = "用户", responses((status = 200, body = Vec<RoleView>)))]
pub async fn roles_list() -> Json<Vec<RoleView>> {
    Json(
        Role::ALL.iter().map(|r| RoleView { code: r.code(), label: r.label(), description: r.description() }).collect(),
    )
}

#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    /// Matches the login name or the display name.
    pub keyword: Option<String>,
    pub role: Option<String>,
    pub org_id: Option<i64>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "用户", params(UserQuery), responses((status = 200, body = UserPage)))]
pub async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<UserQuery>,
) -> ApiResult<UserPage> {
    let role = match q.role.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(Role::parse(r).map_err(|e| ApiError::invalid("role", e.message))?),
        None => None,
    };
    let filter = UserFilter {
        keyword: q.keyword,
        role,
        org_id: q.org_id,
        page: q.page.unwrap_or(1),
        page_size: q.page_size.unwrap_or(20),
    };
    let Page { items, total, page, page_size } = users::list(&state.db, &caller.scope(), &filter).await?;
    Ok(Json(UserPage { items, total, page, page_size }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserBody {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<String>,
    /// Not needed for a service account.
    #[serde(default)]
    pub password: String,
    /// 接口账号: acts only through API tokens its administrator issues; never signs in.
    #[serde(default)]
    pub service_account: bool,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "用户", request_body = NewUserBody,
    responses((status = 201, body = UserView), (status = 400, body = ApiErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    input: Result<Json<NewUserBody>, JsonRejection>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let input = body(input)?;
    let new = NewUser {
        username: input.username,
        display_name: input.display_name,
        org_id: input.org_id,
        roles: roles(&input.roles)?,
        password: input.password,
        // Every account an administrator creates changes its password at first sign-in.
        must_change_password: true,
        service_account: input.service_account,
    };
    Ok((StatusCode::CREATED, Json(users::create(&state.db, &caller.actor(), &caller.scope(), new).await?)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "用户", params(("id" = i64, Path, description = "用户编号")),
    responses((status = 200, body = UserView), (status = 404, body = ApiErrorBody)))]
pub async fn get_user(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<UserView> {
    Ok(Json(users::get(&state.db, &caller.scope(), id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct UserUpdateBody {
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<String>,
    #[serde(default)]
    pub must_change_password: bool,
    pub version: i64,
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "用户", params(("id" = i64, Path, description = "用户编号")), request_body = UserUpdateBody,
    responses((status = 200, body = UserView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    input: Result<Json<UserUpdateBody>, JsonRejection>,
) -> ApiResult<UserView> {
    let input = body(input)?;
    let update = UserUpdate {
        display_name: input.display_name,
        org_id: input.org_id,
        roles: roles(&input.roles)?,
        must_change_password: input.must_change_password,
        version: input.version,
    };
    Ok(Json(users::update(&state.db, &caller.actor(), &caller.scope(), id, update).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/lock", tag = "用户", params(("id" = i64, Path, description = "用户编号")), request_body = ReasonBody,
    responses((status = 200, body = UserView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn lock_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    input: Result<Json<ReasonBody>, JsonRejection>,
) -> ApiResult<UserView> {
    let input = body(input)?;
    Ok(Json(users::set_locked(&state.db, &caller.actor(), &caller.scope(), id, true, &input.reason).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "用户", params(("id" = i64, Path, description = "用户编号")),
    responses((status = 200, body = UserView), (status = 404, body = ApiErrorBody)))]
pub async fn unlock_user(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<UserView> {
    Ok(Json(users::set_locked(&state.db, &caller.actor(), &caller.scope(), id, false, "").await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordResetBody {
    /// A one-time password: the user must change it at the next sign-in.
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "用户", params(("id" = i64, Path, description = "用户编号")), request_body = PasswordResetBody,
    responses((status = 200, body = UserView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    input: Result<Json<PasswordResetBody>, JsonRejection>,
) -> ApiResult<UserView> {
    let input = body(input)?;
    Ok(Json(users::reset_password(&state.db, &caller.actor(), &caller.scope(), id, &input.password, true).await?))
}
