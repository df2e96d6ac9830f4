//! The Chinese web UI. Handlers call the same store functions as the API; each page shows the
//! menu items its user may open, read off the route table.

pub mod account;
pub mod audit;
pub mod auth;
pub mod bulletins;
pub mod calendar;
pub mod cockpit;
pub mod comments;
pub mod duties;
pub mod home;
pub mod ledgers;
pub mod orgs;
pub mod reports;
pub mod settings;
pub mod supervision;
pub mod todo;
pub mod tokens;
pub mod users;

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use fazhi_domain::role::Role;
use fazhi_store::StoreError;

use crate::auth::Caller;

pub struct MenuItem {
    pub label: &'static str,
    pub href: String,
    pub active: bool,
}

pub struct MenuGroup {
    pub label: &'static str,
    pub items: Vec<MenuItem>,
}

/// What every signed-in page shows around its content.
pub struct Nav {
    pub display_name: String,
    pub role_labels: String,
    pub org_name: String,
    pub csrf: String,
    pub menu: Vec<MenuGroup>,
    pub breadcrumb: Vec<(String, String)>,
}

const MENU: &[(&str, &[(&str, &str)])] = &[
    (
        "工作台",
        &[
            ("首页", "/"),
            ("法治建设总览", "/cockpit"),
            ("我的待办", "/todo"),
            ("年度报告", "/reports"),
            ("第一责任人履职", "/duties"),
            ("督察通报", "/supervision/bulletins"),
        ],
    ),
    // Filled with every ledger kind, in the order of `ledgers::ALL`.
    ("台账", &[]),
    (
        "系统管理",
        &[
            ("组织机构", "/orgs"),
            ("用户管理", "/users"),
            ("工作日历", "/calendar"),
            ("规则设置", "/settings"),
            ("审计日志", "/audit"),
        ],
    ),
    ("个人设置", &[("修改密码", "/account/password"), ("两步验证", "/account/two-factor"), ("接口令牌", "/tokens")]),
];

impl Nav {
    pub fn new(caller: &Caller, active: &str, breadcrumb: &[(&str, &str)]) -> Nav {
        let p = &caller.principal;
        let ledgers: Vec<(&'static str, String)> =
            fazhi_domain::ledgers::ALL.iter().map(|k| (k.label, format!("/ledgers/{}", k.code))).collect();
        let menu = MENU
            .iter()
            .map(|(label, items)| {
                let items: Vec<(&'static str, String)> = if *label == "台账" {
                    ledgers.clone()
                } else {
                    items.iter().map(|(l, h)| (*l, (*h).to_owned())).collect()
                };
                MenuGroup {
                    label,
                    items: items
                        .into_iter()
                        .filter(|(_, href)| caller.may_get(href))
                        .map(|(label, href)| MenuItem { label, active: href == active, href })
                        .collect(),
                }
            })
            .filter(|g| !g.items.is_empty())
            .collect();
        Nav {
            display_name: p.display_name.clone(),
            role_labels: p.roles.labels(),
            org_name: p.org_name.clone(),
            csrf: caller.csrf_token.clone().unwrap_or_default(),
            menu,
            breadcrumb: breadcrumb.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        }
    }
}

/// Field errors by field name, and a message for what belongs to no field.
#[derive(Default)]
pub struct FormErrors {
    pub fields: HashMap<String, String>,
    pub general: Option<String>,
}

impl FormErrors {
    pub fn from_store(e: StoreError) -> FormErrors {
        let mut out = FormErrors::default();
        match e {
            StoreError::Invalid(f) => {
                out.fields.insert(f.field.to_owned(), f.message);
            }
            StoreError::Fields(errors) => {
                for f in errors {
                    out.fields.insert(f.field.to_owned(), f.message);
                }
            }
            // Everything else as the one error table words it (internal details logged only).
            other => out.general = Some(crate::error::answer(&other).message),
        }
        out
    }

    /// Shows every message at the top, for forms whose fields are not on the page.
    pub fn into_general(self) -> FormErrors {
        let mut messages: Vec<String> = self.fields.into_values().collect();
        messages.extend(self.general);
        FormErrors { fields: HashMap::new(), general: Some(messages.join("；")) }
    }

    pub fn field(field: &str, message: impl Into<String>) -> FormErrors {
        let mut out = FormErrors::default();
        out.fields.insert(field.to_owned(), message.into());
        out
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
struct MessagePage {
    nav: Nav,
    heading: String,
    message: String,
    tone: &'static str,
}

pub fn message_page(caller: &Caller, status: StatusCode, heading: &str, message: &str) -> Response {
    let page = MessagePage {
        nav: Nav::new(caller, "", &[(heading, "")]),
        heading: heading.to_owned(),
        message: message.to_owned(),
        tone: if status.is_success() { "ok" } else { "error" },
    };
    (status, page).into_response()
}

use crate::error::Unframed;
pub use crate::error::{PageError, PageResult};

/// Draws a [`PageError`] inside the page frame: with the caller's menu when someone is signed in,
/// on a bare page otherwise. Called by the route layer on every page route's answer.
pub(crate) fn framed(caller: Option<&Caller>, response: Response) -> Response {
    let Some(Unframed { heading, message }) = response.extensions().get::<Unframed>().cloned() else {
        return response;
    };
    let status = response.status();
    match caller {
        Some(caller) => message_page(caller, status, heading, &message),
        None => crate::error::bare_page(status, heading, &message, crate::error::HOME),
    }
}

pub async fn not_found(caller: Option<Caller>, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::new(StatusCode::NOT_FOUND, "not_found", "接口不存在").into_response();
    }
    framed(caller.as_ref(), PageError::not_found().into_response())
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// Beijing time, as tables show it: 2026-11-23 15:04.
/// A urlencoded form as field → value; a checkbox sends its field only when ticked.
pub(crate) fn form_fields(body: &[u8]) -> std::collections::BTreeMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default().into_iter().collect()
}

/// The version a form was read at (0, which no record has, when it is missing: a conflict).
pub(crate) fn version_of(form: &std::collections::BTreeMap<String, String>) -> i64 {
    form.get("version").and_then(|v| v.parse().ok()).unwrap_or(0)
}

pub fn fmt_time(t: DateTime<Utc>) -> String {
    fazhi_domain::calendar::beijing_minute(t)
}

pub fn fmt_opt_time(t: Option<DateTime<Utc>>) -> String {
    t.map(fmt_time).unwrap_or_else(|| "—".into())
}

/// Role options for forms: code, label, description.
pub fn role_options() -> Vec<(&'static str, &'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), r.label(), r.description())).collect()
}

pub use crate::respond::see_other;
