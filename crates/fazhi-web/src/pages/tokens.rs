use std::collections::HashMap;

use crate::extract::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fazhi_store::{StoreError, api_tokens, users};
use serde::Deserialize;

use super::{FormErrors, Nav, PageError, PageResult, fmt_opt_time, fmt_time};
use crate::AppState;
use crate::auth::Caller;

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub expires: String,
    pub read_only: bool,
    /// 有效, 已吊销 or 已过期.
    pub status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "tokens.html")]
struct TokensPage {
    nav: Nav,
    tokens: Vec<TokenRow>,
    issued: Option<String>,
    notice: Option<String>,
    general_error: Option<String>,
    errors: HashMap<String, String>,
    form_username: String,
    form_name: String,
    /// Administrators may issue for service accounts.
    for_service_accounts: bool,
}

async fn render(
    state: &AppState,
    caller: &Caller,
    issued: Option<String>,
    notice: Option<String>,
    errors: FormErrors,
    form: (String, String),
    status: StatusCode,
) -> PageResult {
    let tokens = api_tokens::list(&state.db, &caller.principal).await?;
    let page = TokensPage {
        nav: Nav::new(caller, "/tokens", &[("个人设置", ""), ("接口令牌", "")]),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                username: t.username,
                prefix: t.prefix,
                created: fmt_time(t.created_at),
                last_used: fmt_opt_time(t.last_used_at),
                expires: fmt_opt_time(t.expires_at),
                read_only: t.read_only,
                status: if t.revoked_at.is_some() {
                    "已吊销"
                } else if t.expires_at.is_some_and(|e| e <= chrono::Utc::now()) {
                    "已过期"
                } else {
                    "有效"
                },
            })
            .collect(),
        issued,
        notice,
        general_error: errors.general,
        errors: errors.fields,
        form_username: form.0,
        form_name: form.1,
        for_service_accounts: caller.principal.roles.contains(fazhi_domain::role::Role::Admin),
    };
    Ok((status, page).into_response())
}

pub async fn list(State(state): State<AppState>, caller: Caller) -> PageResult {
    render(&state, &caller, None, None, FormErrors::default(), Default::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct IssueForm {
    /// A service account's login name; empty issues for oneself.
    #[serde(default)]
    username: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    read_only: Option<String>,
}

pub async fn issue(State(state): State<AppState>, caller: Caller, Form(form): Form<IssueForm>) -> PageResult {
    let p = &caller.principal;
    let result = async {
        let user_id = match form.username.trim() {
            "" => None,
            name => Some(
                users::id_by_username(&state.db, name)
                    .await?
                    .ok_or_else(|| StoreError::invalid("user_id", format!("找不到登录名为“{name}”的接口账号")))?,
            ),
        };
        let days = match form.days.trim() {
            "" => None,
            d => Some(d.parse().map_err(|_| StoreError::invalid("days", "有效期请填写天数（整数）"))?),
        };
        let request =
            api_tokens::TokenRequest { user_id, name: form.name.clone(), days, read_only: form.read_only.is_some() };
        api_tokens::issue(&state.db, p, &caller.ip, request).await
    }
    .await;
    match result {
        // The page that shows the token is the answer to the POST itself, so the token is never in a URL.
        Ok((token, _)) => {
            render(&state, &caller, Some(token), None, FormErrors::default(), Default::default(), StatusCode::OK).await
        }
        Err(e) => {
            render(
                &state,
                &caller,
                None,
                None,
                FormErrors::from_store(e),
                (form.username, form.name),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    reason: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(form): Form<RevokeForm>,
) -> PageResult {
    let p = &caller.principal;
    match api_tokens::revoke(&state.db, p, &caller.ip, id, &form.reason).await {
        Ok(t) => {
            render(
                &state,
                &caller,
                None,
                Some(format!("令牌“{}”已吊销。", t.name)),
                FormErrors::default(),
                Default::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(StoreError::NotFound) => Err(PageError::not_found()),
        Err(e) => {
            render(
                &state,
                &caller,
                None,
                None,
                FormErrors::from_store(e).into_general(),
                Default::default(),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    }
}
