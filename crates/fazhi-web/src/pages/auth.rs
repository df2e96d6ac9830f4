use crate::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Form, http::StatusCode};
use fazhi_store::sessions::{self, CodeOutcome, LoginOutcome};
use fazhi_store::two_factor::Pending;
use serde::Deserialize;

use super::PageResult;
use crate::AppState;
use crate::auth::{Caller, ClientIp, LOGIN_CSRF_COOKIE, SESSION_COOKIE, set_cookie};

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    logged_out: Option<String>,
}

/// Only same-site paths: an open redirect after login would hand a phishing page a real session.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    next: &str,
    username: &str,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let csrf = fazhi_store::random_token();
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, state.config.secure_cookies, false);
    let page = LoginPage { csrf, next: safe_next(next), username: username.to_owned(), error, notice };
    (status, [(header::SET_COOKIE, cookie)], page).into_response()
}

pub async fn login_form(
    State(state): State<AppState>,
    caller: Option<Caller>,
    Query(q): Query<LoginQuery>,
) -> Response {
    if caller.is_some() {
        return super::see_other("/");
    }
    let notice = q.logged_out.map(|_| "您已安全退出。".to_owned());
    login_page(&state, StatusCode::OK, q.next.as_deref().unwrap_or("/"), "", None, notice)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let next = safe_next(form.next.as_deref().unwrap_or("/"));
    if form.username.trim().is_empty() || form.password.is_empty() {
        return Ok(login_page(
            &state,
            StatusCode::BAD_REQUEST,
            &next,
            &form.username,
            Some("请输入登录名和密码".into()),
            None,
        ));
    }
    if !state.sign_in_limits.allow(&ip, &form.username) {
        let message = crate::sign_in_limits::TOO_MANY.to_owned();
        return Ok(login_page(&state, StatusCode::TOO_MANY_REQUESTS, &next, &form.username, Some(message), None));
    }
    match sessions::login(&state.db, &ip, &form.username, &form.password, sessions::Via::Pages).await {
        Ok(LoginOutcome::Success { token, pending, .. }) => {
            let cookie = set_cookie(SESSION_COOKIE, &token, state.config.secure_cookies, false);
            let clear = set_cookie(LOGIN_CSRF_COOKIE, "", state.config.secure_cookies, true);
            let target = match pending {
                Pending::None => next,
                Pending::Code => format!("/login/code?next={}", crate::auth::url_encode(&next)),
                Pending::Enrol => "/account/two-factor".to_owned(),
            };
            let mut response = super::see_other(&target);
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response.headers_mut().append(header::SET_COOKIE, clear);
            Ok(response)
        }
        // Only a program's sign-in ends so; the pages go on to the code or to enrolment.
        Ok(LoginOutcome::BadCredentials | LoginOutcome::CodeRequired | LoginOutcome::EnrolmentRequired) => {
            Ok(login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                &next,
                &form.username,
                Some("登录名或密码不正确".into()),
                None,
            ))
        }
        Ok(LoginOutcome::Locked { until }) => {
            let message = crate::auth::locked_message(until);
            Ok(login_page(&state, StatusCode::FORBIDDEN, &next, &form.username, Some(message), None))
        }
        Err(e) => {
            tracing::error!("login failed: {e}");
            Ok(login_page(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                &next,
                &form.username,
                Some("服务器内部错误，请稍后重试".into()),
                None,
            ))
        }
    }
}

pub async fn logout(State(state): State<AppState>, caller: Caller) -> Response {
    if let Some(token) = &caller.session_token
        && let Err(e) = sessions::logout(&state.db, &caller.actor(), token).await
    {
        tracing::error!("logout failed: {e}");
    }
    let mut response = super::see_other("/login?logged_out=1");
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, true));
    response
}

#[derive(Template, WebTemplate)]
#[template(path = "login_code.html")]
struct CodePage {
    csrf: String,
    next: String,
    display_name: String,
    error: Option<String>,
}

fn code_page(caller: &Caller, status: StatusCode, next: &str, error: Option<String>) -> Response {
    let page = CodePage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        next: safe_next(next),
        display_name: caller.principal.display_name.clone(),
        error,
    };
    (status, page).into_response()
}

/// The second step of a sign-in with two factors: the authenticator's code, or a recovery code.
pub async fn code_form(caller: Caller, Query(q): Query<LoginQuery>) -> Response {
    if caller.pending != Pending::Code {
        return super::see_other("/");
    }
    code_page(&caller, StatusCode::OK, q.next.as_deref().unwrap_or("/"), None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    next: Option<String>,
}

pub async fn code_submit(State(state): State<AppState>, caller: Caller, Form(form): Form<CodeForm>) -> PageResult {
    let next = safe_next(form.next.as_deref().unwrap_or("/"));
    let Some(token) = caller.session_token.as_deref() else { return Ok(super::see_other("/login")) };
    if form.code.trim().is_empty() {
        return Ok(code_page(&caller, StatusCode::BAD_REQUEST, &next, Some("请输入动态口令".into())));
    }
    match sessions::verify_code(&state.db, &caller.actor(), token, &form.code).await {
        Ok(CodeOutcome::SignedIn) => Ok(super::see_other(&next)),
        Ok(CodeOutcome::Wrong { left }) => {
            let message =
                format!("动态口令不正确，还可尝试 {left} 次：请输入验证器应用中当前显示的6位数字，或一个恢复码");
            Ok(code_page(&caller, StatusCode::UNAUTHORIZED, &next, Some(message)))
        }
        Ok(CodeOutcome::Ended) => {
            let message = "动态口令连续错误，本次登录已结束，请重新登录".to_owned();
            let mut response = login_page(&state, StatusCode::UNAUTHORIZED, &next, "", Some(message), None);
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, true));
            Ok(response)
        }
        Err(e) => Ok(code_page(
            &caller,
            StatusCode::BAD_REQUEST,
            &next,
            Some(super::FormErrors::from_store(e).into_general().general.unwrap_or_default()),
        )),
    }
}
