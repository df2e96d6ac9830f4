use crate::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use fazhi_store::audit::{self, ACTIONS, AuditFilter, action_label};
use fazhi_store::users;
use serde::Deserialize;

use super::{Nav, PageResult, fmt_time};
use crate::AppState;
use crate::auth::{Caller, url_encode};

pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub tone: &'static str,
    pub object: String,
    pub before: String,
    pub after: String,
    pub hash: String,
    pub hash_short: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    rows: Vec<AuditRow>,
    actions: Vec<(&'static str, &'static str)>,
    f_user: String,
    f_action: String,
    f_from: String,
    f_to: String,
    filter_error: Option<String>,
    total: u64,
    page: u64,
    page_count: u64,
    prev_href: String,
    next_href: String,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    user: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<u64>,
}

fn parse_day(s: &str, label: &str) -> Result<Option<NaiveDate>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| format!("{label}格式应为 2026-11-23"))
}

pub async fn list(State(state): State<AppState>, caller: Caller, Query(q): Query<AuditQuery>) -> PageResult {
    let mut filter_error = None;
    let mut filter = AuditFilter { page: q.page.unwrap_or(1), page_size: 50, ..Default::default() };
    match (parse_day(&q.from, "开始日期"), parse_day(&q.to, "结束日期")) {
        (Ok(from), Ok(to)) => {
            filter.from = from;
            filter.to = to;
        }
        (Err(e), _) | (_, Err(e)) => filter_error = Some(e),
    }
    if !q.action.is_empty() {
        filter.action = Some(q.action.clone());
    }
    if !q.user.trim().is_empty() {
        filter.actor_username = Some(q.user.clone());
    }
    let page = audit::list(&state.db, &filter).await?;
    // An empty result may mean the login name is wrong: say so, rather than show a bare empty list.
    if page.total == 0 && filter.actor_username.is_some() {
        match users::id_by_username(&state.db, &q.user).await {
            Ok(Some(_)) => {}
            Ok(None) => filter_error = Some(format!("找不到登录名为“{}”的用户", q.user.trim())),
            Err(e) => return Err(e.into()),
        }
    }
    let href = |n: u64| {
        format!(
            "/audit?user={}&action={}&from={}&to={}&page={n}",
            url_encode(&q.user),
            url_encode(&q.action),
            url_encode(&q.from),
            url_encode(&q.to)
        )
    };
    let rows = page
        .items
        .iter()
        .map(|r| AuditRow {
            id: r.id,
            at: fmt_time(r.at),
            actor: r.actor_name.clone(),
            ip: r.ip.clone(),
            action: action_label(&r.action).to_owned(),
            tone: if r.action.contains("failed") || r.action.contains("lock") || r.action.contains("revoke") {
                "orange"
            } else {
                "blue"
            },
            object: match &r.object_id {
                Some(id) => format!("{} #{id}", r.object_type),
                None => r.object_type.clone(),
            },
            before: r.before.clone().unwrap_or_default(),
            after: r.after.clone().unwrap_or_default(),
            hash_short: r.hash.chars().take(12).collect(),
            hash: r.hash.clone(),
        })
        .collect();
    Ok(AuditPage {
        nav: Nav::new(&caller, "/audit", &[("系统管理", ""), ("审计日志", "")]),
        rows,
        actions: ACTIONS.iter().map(|a| (*a, action_label(a))).collect(),
        prev_href: href(page.page.saturating_sub(1)),
        next_href: href(page.page + 1),
        page_count: page.page_count(),
        total: page.total,
        page: page.page,
        f_user: q.user,
        f_action: q.action,
        f_from: q.from,
        f_to: q.to,
        filter_error,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VerifyForm {
    /// A checkpoint printed by `fazhi audit checkpoint`, pasted as it was printed.
    checkpoint: String,
}

/// The auditor verifies the chain from the page: every digest under the key and, with a
/// checkpoint kept outside the system, that nothing up to it was cut or rolled back.
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    axum::Form(form): axum::Form<VerifyForm>,
) -> PageResult {
    use axum::http::StatusCode;
    let checkpoint = match form.checkpoint.trim() {
        "" => None,
        text => match serde_json::from_str::<fazhi_domain::audit::Checkpoint>(text) {
            Ok(c) => Some(c),
            Err(_) => {
                let message = "检查点格式不正确：请粘贴 fazhi audit checkpoint 输出的完整内容";
                return Ok(super::message_page(&caller, StatusCode::BAD_REQUEST, "审计链校验", message));
            }
        },
    };
    let report = audit::verify(&state.db).await?;
    let failed = |message: String| (StatusCode::CONFLICT, "审计链校验未通过", message);
    let (status, heading, message) = match (report.result, checkpoint) {
        (Err(broken), _) => failed(format!("审计链已被破坏：{broken}（此前 {} 条记录核验无误）。", report.checked)),
        (Ok(()), None) => (
            StatusCode::OK,
            "审计链校验通过",
            format!("审计链完整：共核验 {} 条记录，HMAC-SM3 摘要链首尾相接。", report.checked),
        ),
        (Ok(()), Some(cp)) => match audit::check_against(&state.db, &cp).await {
            Ok(None) => (
                StatusCode::OK,
                "审计链校验通过",
                format!(
                    "审计链完整：共核验 {} 条记录；与检查点（#{}，{}）相符，此前的记录未被截去或回滚。",
                    report.checked,
                    cp.sequence,
                    fmt_time(cp.at)
                ),
            ),
            Ok(Some(problem)) => failed(format!("审计链各条摘要无误，但与检查点不符：{problem}。")),
            Err(e) => return Err(e.into()),
        },
    };
    // A failed verification is shown in the error tone (409: the chain conflicts with its digests).
    Ok(super::message_page(&caller, status, heading, &message))
}
