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
pub mod gongkai;
pub mod guide;
pub mod home;
pub mod ledgers;
pub mod orgs;
pub mod public_comments;
pub mod report_archive;
pub mod report_check;
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
use fazhi_domain::ledger::Group;
use fazhi_domain::role::Role;
use fazhi_store::StoreError;

use crate::auth::Caller;

pub struct MenuItem {
    pub label: &'static str,
    pub href: String,
    pub active: bool,
    /// A count shown beside the item (what waits on the person).
    pub badge: Option<String>,
}

pub struct MenuGroup {
    pub label: &'static str,
    pub items: Vec<MenuItem>,
    /// Shown unfolded: the workbench, and the group of the page shown.
    pub open: bool,
}

/// What every signed-in page shows around its content.
pub struct Nav {
    pub display_name: String,
    pub role_labels: String,
    pub org_name: String,
    pub csrf: String,
    pub menu: Vec<MenuGroup>,
    pub breadcrumb: Vec<(String, String)>,
    /// What the action just taken did, said at the top of the page it led to.
    pub done: Option<String>,
}

/// The menu: the workbench, then every institution with its ledgers (from each kind's declared
/// group), then the district's supervision, then administration. Each page is listed only to
/// those the route table lets open it.
fn menu_items() -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let owned = |items: &[(&'static str, &str)]| items.iter().map(|(l, h)| (*l, (*h).to_owned())).collect::<Vec<_>>();
    let mut menu = vec![(
        "工作台",
        owned(&[
            ("首页", "/"),
            ("我的待办", "/todo"),
            ("法治建设总览", "/cockpit"),
            ("年度报告", "/reports"),
            ("报告检查", "/reports/check"),
            ("往年报告归档", "/reports/archive"),
            ("第一责任人履职", "/duties"),
            ("办事指南", "/guide"),
        ]),
    )];
    for group in Group::ALL {
        let mut items: Vec<(&'static str, String)> = fazhi_domain::ledgers::ALL
            .iter()
            .filter(|k| k.group == *group)
            .map(|k| (k.label, format!("/ledgers/{}", k.code)))
            .collect();
        if *group == Group::Supervision {
            items.push(("督察通报", "/supervision/bulletins".to_owned()));
        }
        menu.push((group.label(), items));
    }
    menu.push((
        "系统管理",
        owned(&[
            ("组织机构", "/orgs"),
            ("用户管理", "/users"),
            ("工作日历", "/calendar"),
            ("规则设置", "/settings"),
            ("审计日志", "/audit"),
        ]),
    ));
    menu.push((
        "个人设置",
        owned(&[("修改密码", "/account/password"), ("两步验证", "/account/two-factor"), ("接口令牌", "/tokens")]),
    ));
    menu
}

/// The sentence for an action a page was reached after (`?done=…`); steps of a record are said
/// by the record's page, which knows the step's words.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "已保存。",
        "created" => "已登记。",
        "submitted" => "已提交审核，等待负责人审核。",
        "approved" => "已审核通过，形成新的版本。下一步：由经办人公开发布并报送区县。",
        "returned" => "已退回，退回意见已告知经办人。",
        "published" => "已公开发布，公众可在政务公开页面查看。",
        "reported" => "已报送区县。",
        "district_returned" => "已退回乡镇（街道），该报告在公开页面标为修订中。",
        "uploaded" => "附件已上传。",
        "removed" => "附件已删除。",
        "commented" => "评论已发表。",
        "password" => "密码已修改。",
        "imported" => "已导入。",
        "issued" => "通报已印发，各乡镇（街道）可以查看。",
        "moderated" => "已处理该条公众意见：公开的意见在征求意见稿页面显示。",
        "answered" => "采纳情况已记录，将在征求意见稿页面公布；结束征求意见时据此填写意见采纳情况。",
        "filed" => "往年报告已归档；报告中的数字作为该年度“据报告”的数字，在法治建设总览和年度报告中注明来源。",
        _ => return None,
    })
}

impl Nav {
    /// The count on the phone's menu button: what waits on the person.
    pub fn waiting_badge(&self) -> Option<&str> {
        self.menu.iter().flat_map(|g| &g.items).find_map(|i| i.badge.as_deref())
    }

    pub fn new(caller: &Caller, active: &str, breadcrumb: &[(&str, &str)]) -> Nav {
        let p = &caller.principal;
        let menu = menu_items()
            .into_iter()
            .map(|(label, items)| {
                let items: Vec<MenuItem> = items
                    .into_iter()
                    .filter(|(_, href)| caller.may_get(href))
                    .map(|(label, href)| MenuItem {
                        label,
                        active: href == active,
                        badge: match (href.as_str(), caller.waiting) {
                            ("/todo", Some(n)) if n >= 100 => Some("99+".to_owned()),
                            ("/todo", Some(n)) if n > 0 => Some(n.to_string()),
                            _ => None,
                        },
                        href,
                    })
                    .collect();
                let open = label == "工作台" || items.iter().any(|i| i.active);
                MenuGroup { label, items, open }
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
            done: caller.done.as_deref().and_then(done_message).map(str::to_owned),
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

/// The site's own files, compiled into the binary: styles, scripts and the icon (the CSP allows
/// only the site's own).
fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

pub async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", include_str!("../../static/app.css"))
}

pub async fn portal_stylesheet() -> Response {
    asset("text/css; charset=utf-8", include_str!("../../static/portal.css"))
}

pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("../../static/app.js"))
}

pub async fn favicon() -> Response {
    asset("image/svg+xml", include_str!("../../static/favicon.svg"))
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

/// Who acted, as a page names them: the display name the audit trail records, without the login
/// name it adds for the auditor (杉岭乡负责人(shanling_leader) → 杉岭乡负责人).
pub fn person(actor: &str) -> &str {
    match actor.rsplit_once('(') {
        Some((name, login)) if login.ends_with(')') && !name.is_empty() => name,
        _ => actor,
    }
}

/// 2026-12-04, in Beijing time.
pub fn fmt_day(t: DateTime<Utc>) -> String {
    fazhi_domain::calendar::beijing_day(t).format("%Y-%m-%d").to_string()
}

pub fn fmt_opt_time(t: Option<DateTime<Utc>>) -> String {
    t.map(fmt_time).unwrap_or_else(|| "—".into())
}

/// Role options for forms: code, label, description.
pub fn role_options() -> Vec<(&'static str, &'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), r.label(), r.description())).collect()
}

pub use crate::respond::see_other;
