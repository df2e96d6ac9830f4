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
    /// What changed, field by field in Chinese: (field, before, after).
    pub changes: Vec<(String, String, String)>,
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
            action: action_words(&r.action, &r.object_type, r.after.as_deref()),
            tone: if r.action.contains("failed") || r.action.contains("lock") || r.action.contains("revoke") {
                "orange"
            } else {
                "blue"
            },
            object: object_words(&r.object_type, r.object_id.as_deref(), r.after.as_deref()),
            changes: changes(&r.object_type, r.before.as_deref(), r.after.as_deref()),
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

/// What an audit record's object type is called: a ledger kind by its name, the rest by theirs.
fn type_words(object_type: &str) -> &'static str {
    if let Some(kind) = fazhi_domain::ledgers::by_code(object_type) {
        return kind.label;
    }
    match object_type {
        "annual_report" => "年度报告",
        "user" => "用户",
        "organization" => "组织机构",
        "api_token" => "接口令牌",
        "supervision_bulletin" => "督察通报",
        "setting" => "规则设置",
        "holiday_year" => "工作日历",
        "audit_chain" => "审计链",
        "backup" => "备份",
        "report" => "年度报告",
        "archived_report" => "往年报告归档",
        _ => "系统",
    }
}

/// The object of an audit record in words: 行政规范性文件“……”（第 6023 号）.
fn object_words(object_type: &str, id: Option<&str>, after: Option<&str>) -> String {
    let after: serde_json::Value = after.and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
    let title = after["values"]["title"]
        .as_str()
        .or_else(|| after["name"].as_str())
        .or_else(|| after["display_name"].as_str())
        .map(|t| format!("“{}”", t.chars().take(30).collect::<String>()))
        .unwrap_or_default();
    match id.filter(|i| !i.is_empty()) {
        Some(id) => format!("{}{title}（第 {id} 号）", type_words(object_type)),
        None => format!("{}{title}", type_words(object_type)),
    }
}

/// The action in words: a ledger step by its own name (签发, 公布), a report's step by its verb.
fn action_words(action: &str, object_type: &str, after: Option<&str>) -> String {
    if action == "ledger.transition" {
        let step = after.and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok());
        let label = step
            .as_ref()
            .and_then(|a| a["step"].as_str().map(str::to_owned))
            .and_then(|code| fazhi_domain::ledgers::by_code(object_type)?.transition(&code).map(|t| t.label));
        if let Some(label) = label {
            return label.to_owned();
        }
    }
    action_label(action).to_owned()
}

/// A field of an audit record's change in words.
fn key_words(object_type: &str, key: &str) -> String {
    if let Some(field) = fazhi_domain::ledgers::by_code(object_type).and_then(|k| k.field(key)) {
        return field.label.to_owned();
    }
    match key {
        "state" => "状态",
        "step" => "办理步骤",
        "version" => "版本",
        "comment" => "意见",
        "name" => "名称",
        "kind" | "kind_label" => "类别",
        "parent_id" => "上级机构",
        "path" => "机构路径",
        "sort_order" => "排序",
        "display_name" => "姓名",
        "username" => "登录名",
        "roles" => "角色",
        "org_id" | "org_name" | "org" => "所属机构",
        "locked" => "已锁定",
        "locked_until" => "锁定至",
        "must_change_password" => "须修改密码",
        "failed_logins" => "连续登录失败次数",
        "service_account" => "接口账号",
        "two_factor" => "两步验证",
        "created_at" => "创建时间",
        "last_login_at" => "最近登录",
        "principals" => "主要负责人",
        "year" => "年度",
        "line" => "所在行",
        "parent" => "回复的评论",
        "text" => "内容",
        "chars" => "字数",
        "sm3" => "SM3摘要",
        "id" => "编号",
        "title" => "标题",
        "file" | "file_name" => "文件",
        "figures" => "报告中的数字",
        "replaced" => "被替换的归档",
        "row" => "行",
        "rows" => "行数",
        "records" => "记录数",
        "reason" => "理由",
        "period" => "期间",
        "expires_at" => "有效期至",
        "read_only" => "只读",
        "imported" => "导入来源",
        "stage" => "办理环节",
        "size" => "大小",
        "sha256" | "digest" => "摘要",
        "value" => "设定值",
        "key" => "规则",
        _ => "其他信息",
    }
    .to_owned()
}

/// A value of an audit record in words.
fn value_words(object_type: &str, key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "（空）".to_owned(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Value::String(s) if key == "state" => fazhi_domain::ledgers::by_code(object_type)
            .map(|k| k.state_label(s).to_owned())
            .or_else(|| {
                (object_type == "annual_report").then(|| fazhi_store::annual_reports::state_label(s).to_owned())
            })
            .unwrap_or_else(|| s.clone()),
        Value::String(s) if key == "step" => fazhi_domain::ledgers::by_code(object_type)
            .and_then(|k| k.transition(s))
            .map(|t| t.label.to_owned())
            .unwrap_or_else(|| s.clone()),
        Value::String(s) => s.chars().take(200).collect(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if key == "roles" => items
            .iter()
            .filter_map(|r| r.as_str().and_then(|r| fazhi_domain::role::Role::parse(r).ok()).map(|r| r.label()))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Array(items) => items.iter().map(|i| value_words(object_type, "", i)).collect::<Vec<_>>().join("、"),
        // The figures a filed report states, by indicator: in the words reports use.
        Value::Object(map) if key == "figures" => map
            .iter()
            .map(|(k, v)| format!("{} {}", super::reports::figure_words(k), value_words(object_type, k, v)))
            .collect::<Vec<_>>()
            .join("；"),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{} {}", key_words(object_type, k), value_words(object_type, k, v)))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

/// Before and after, field by field: the record's values flattened beside its other keys.
fn changes(object_type: &str, before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    fn flat(json: Option<&str>) -> Vec<(String, serde_json::Value)> {
        let Some(serde_json::Value::Object(map)) = json.and_then(|j| serde_json::from_str(j).ok()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in map {
            match (k.as_str(), v) {
                ("values", serde_json::Value::Object(values)) => out.extend(values),
                (_, v) => out.push((k, v)),
            }
        }
        out
    }
    let (old, new) = (flat(before), flat(after));
    let mut keys: Vec<&String> = old.iter().map(|(k, _)| k).collect();
    keys.extend(new.iter().map(|(k, _)| k).filter(|k| !old.iter().any(|(o, _)| o == *k)));
    let find =
        |side: &[(String, serde_json::Value)], key: &str| side.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    keys.into_iter()
        .filter_map(|key| {
            let (b, a) = (find(&old, key), find(&new, key));
            if b == a {
                return None;
            }
            let words = |v: Option<serde_json::Value>| v.map(|v| value_words(object_type, key, &v)).unwrap_or_default();
            Some((key_words(object_type, key), words(b), words(a)))
        })
        .collect()
}
