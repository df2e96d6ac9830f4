//! 规则设置: the periods and numbers the law leaves to the locality (docs/ledgers.md lists them; or
//! local). Everyone who works with ledgers sees the values in force and their defaults; the
//! administrator changes them, and every open deadline is recounted at once.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fazhi_domain::role::Role;
use fazhi_store::rules::{self, NewValue, SettingView};

use super::{FormErrors, Nav, PageResult, fmt_opt_time};
use crate::AppState;
use crate::auth::Caller;

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
struct SettingsPage {
    nav: Nav,
    settings: Vec<SettingView>,
    may_change: bool,
    notice: Option<String>,
    /// The key of the setting whose change was refused, and why.
    error: Option<(String, String)>,
    /// Each role, and whether it must sign in with two factors.
    two_factor_roles: Vec<(&'static str, &'static str, bool)>,
    /// An administrator of the district decides that.
    may_change_security: bool,
}

impl SettingsPage {
    fn updated(&self, s: &SettingView) -> String {
        match &s.updated_by {
            Some(by) => format!("{} {by}", fmt_opt_time(s.updated_at)),
            None => "默认值".into(),
        }
    }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    notice: Option<String>,
    error: Option<(String, String)>,
    status: StatusCode,
) -> PageResult {
    let required = fazhi_store::two_factor::required_roles(&state.db).await?;
    let p = &caller.principal;
    match rules::list(&state.db, &caller.principal).await {
        Ok(settings) => {
            let page = SettingsPage {
                nav: Nav::new(caller, "/settings", &[("系统管理", ""), ("规则设置", "")]),
                may_change: settings.iter().any(|s| s.may_change),
                settings,
                notice,
                error,
                two_factor_roles: Role::ALL.iter().map(|r| (r.code(), r.label(), required.contains(r))).collect(),
                may_change_security: p.roles.contains(Role::Admin) && p.at_top(),
            };
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn show(State(state): State<AppState>, caller: Caller) -> PageResult {
    render(&state, &caller, None, None, StatusCode::OK).await
}

pub async fn change(State(state): State<AppState>, caller: Caller, body: axum::body::Bytes) -> PageResult {
    let form: std::collections::HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let key = get("key");
    let value = if form.contains_key("reset") {
        NewValue::Default
    } else if form.contains_key("number") {
        NewValue::Number(get("number"))
    } else {
        NewValue::Period { length: get("length"), unit: get("unit") }
    };
    match rules::set(&state.db, &caller.principal, &caller.ip, key, value).await {
        Ok(open) => {
            let notice = format!("已保存；按新设置重算了受影响的未完成期限（{open} 项）。");
            render(&state, &caller, Some(notice), None, StatusCode::OK).await
        }
        Err(e) => {
            let message = FormErrors::from_store(e).into_general().general.unwrap_or_default();
            render(&state, &caller, None, Some((key.to_owned(), message)), StatusCode::BAD_REQUEST).await
        }
    }
}

/// The district's administrator names the roles that must sign in with two factors.
pub async fn two_factor_roles(State(state): State<AppState>, caller: Caller, body: axum::body::Bytes) -> PageResult {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let roles: Vec<Role> =
        pairs.iter().filter(|(k, _)| k == "roles").filter_map(|(_, v)| Role::parse(v).ok()).collect();
    match fazhi_store::two_factor::set_required_roles(&state.db, &caller.principal, &caller.ip, &roles).await {
        Ok(set) => {
            let labels: Vec<&str> = set.iter().map(|r| r.label()).collect();
            let notice = format!("已保存：{}须使用两步验证登录。", labels.join("、"));
            render(&state, &caller, Some(notice), None, StatusCode::OK).await
        }
        Err(e) => Err(e.into()),
    }
}
