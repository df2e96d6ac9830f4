//! Signing in and out over the API, and who the caller is (`pages/auth.rs`).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use fazhi_store::sessions::{self, LoginOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Caller, ClientIp, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, ApiErrorBody};

use super::body;

#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub roles: Vec<String>,
    pub must_change_password: bool,
}

fn me_view(p: &fazhi_store::users::Principal) -> MeView {
    MeView {
        id: p.user_id,
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        org_id: p.org_id,
        org_name: p.org_name.clone(),
        roles: p.roles.iter().map(|r| r.code().to_owned()).collect(),
        must_change_password: p.must_change_password,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
    /// The six-digit code of the authenticator app (or a recovery code), for an account with
    /// two-factor sign-in.
    pub totp_code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LoginReply {
    /// Send it back as `X-CSRF-Token` on every change made with this session.
    pub csrf_token: String,
    pub user: MeView,
}

#[utoipa::path(post, path = "/api/v1/session", tag = "会话", request_body = LoginBody,
    responses((status = 200, body = LoginReply, description = "已登录，会话 Cookie 已设置"), (status = 401, body = ApiErrorBody, description = "登录名或密码不正确（含被锁定账号输错密码，答复相同）"), (status = 403, body = ApiErrorBody, description = "密码正确但账号已锁定"), (status = 429, body = ApiErrorBody, description = "登录尝试过于频繁")))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    input: Result<Json<LoginBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(input)?;
    if !state.sign_in_limits.allow(&ip, &input.username) {
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", crate::sign_in_limits::TOO_MANY));
    }
    let via = sessions::Via::Program { code: input.totp_code.as_deref() };
    match sessions::login(&state.db, &ip, &input.username, &input.password, via).await? {
        LoginOutcome::CodeRequired => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "second_factor_required",
            "该账号已启用两步验证：请同时提供验证器应用中的动态口令（totp_code）",
        )),
        LoginOutcome::EnrolmentRequired => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "two_factor_enrolment_required",
            "您的角色须使用两步验证：请先在网页上登录并启用",
        )),
        LoginOutcome::Success { token, csrf_token, principal, .. } => {
            let cookie = set_cookie(SESSION_COOKIE, &token, state.config.secure_cookies, false);
            Ok(([(header::SET_COOKIE, cookie)], Json(LoginReply { csrf_token, user: me_view(&principal) }))
                .into_response())
        }
        LoginOutcome::BadCredentials => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "登录名或密码不正确"))
        }
        LoginOutcome::Locked { until } => {
            Err(ApiError::new(StatusCode::FORBIDDEN, "locked", crate::auth::locked_message(until)))
        }
    }
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "会话", responses((status = 204, description = "已退出")))]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    if let Some(token) = &caller.session_token {
        sessions::logout(&state.db, &caller.actor(), token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, true))],
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/me", tag = "会话", responses((status = 200, body = MeView), (status = 401, body = ApiErrorBody)))]
pub async fn me(caller: Caller) -> Json<MeView> {
    Json(me_view(&caller.principal))
}
