//! 我的待办: first 待我处理 — what waits on this person's act (`crate::work_queue`) — then every
//! deadline of the ledgers in the user's scope that falls due within five working days (yellow) or
//! has passed (red), soonest first; for the district, a count per township.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;

use super::{Nav, PageResult};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Query;
use crate::ledger_service::{Due, OrgCount, TodoFilter, due_for};

pub struct Item {
    pub href: String,
    /// The township it belongs to, shown to the district.
    pub org: String,
    pub kind: &'static str,
    pub title: String,
    pub deadline: &'static str,
    pub due: String,
    pub overdue: bool,
    pub how: Vec<String>,
    /// A district supervisor's link raising a 督察问题 about an overdue limit.
    pub raise: Option<String>,
}

/// What waits on the caller is listed longest waiting first, a hundred at most (where the menu's
/// count says "99+"): a township's clerk may have hundreds, and each kind's ledger lists its own.
const WAITING_SHOWN: usize = 100;

#[derive(Template, WebTemplate)]
#[template(path = "todo.html")]
struct TodoPage {
    nav: Nav,
    items: Vec<Item>,
    counts: Vec<OrgCount>,
    total: u64,
    /// Narrowed to the deadlines the user's own steps meet.
    mine_only: bool,
    /// The townships one may narrow the list to (the district's), and the ledgers with limits.
    townships: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    f_org: i64,
    f_status: &'static str,
    f_kind: &'static str,
    narrowed: bool,
    notice: Option<String>,
    /// What waits on the caller's act: steps, reports, rectifications; the longest waiting of
    /// them when there are more than `WAITING_SHOWN`.
    waiting: Vec<crate::work_queue::Waiting>,
    /// Their number as the menu shows it ("99+" from a hundred on).
    waiting_count: String,
    waiting_more: bool,
    /// How many deadlines the list shows at most.
    shown: u64,
    /// The township column is shown: the caller sees several.
    several: bool,
    /// Records and reports with comments from the other side not yet read.
    comments: Vec<UnreadComments>,
    /// Drafts with comments from the public waiting for the caller's moderation.
    public_comments: Vec<UnreadComments>,
}

pub struct UnreadComments {
    pub href: String,
    pub what: String,
    pub org: String,
    pub count: u64,
    pub at: String,
}

/// The comments from the other side the caller has not read, by what they are on.
async fn unread_comments(
    state: &AppState,
    caller: &Caller,
    org_list: &[fazhi_store::orgs::OrgView],
) -> Result<Vec<UnreadComments>, fazhi_store::StoreError> {
    let scope = caller.scope();
    let unread = fazhi_store::comments::unread(&state.db, &caller.principal, &scope).await?;
    if unread.is_empty() {
        return Ok(Vec::new());
    }
    let orgs: std::collections::HashMap<i64, &str> = org_list.iter().map(|o| (o.id, o.name.as_str())).collect();
    let record_ids: Vec<i64> =
        unread.iter().filter(|u| fazhi_domain::ledgers::by_code(&u.kind).is_some()).map(|u| u.id).collect();
    let titles = fazhi_store::ledger::titles(&state.db, &scope, &record_ids).await?;
    let mut out = Vec::new();
    for u in unread {
        // Named as its page names it: the record's title, the report's year.
        let (href, what) = match fazhi_domain::ledgers::by_code(&u.kind) {
            Some(kind) => {
                let title = titles.get(&u.id).map(String::as_str).unwrap_or_default();
                (format!("/ledgers/{}/{}#comments", kind.code, u.id), format!("{}：{title}", kind.label))
            }
            None => {
                let year =
                    fazhi_store::annual_reports::get(&state.db, &scope, u.id).await.map(|r| r.year).unwrap_or_default();
                (format!("/reports/{}#comments", u.id), format!("{year}年度法治政府建设年度报告"))
            }
        };
        let org = orgs.get(&u.org_id).map(|n| (*n).to_owned()).unwrap_or_default();
        out.push(UnreadComments { href, what, org, count: u.count, at: super::fmt_time(u.last_at) });
    }
    Ok(out)
}

/// The drafts whose comments from the public wait for the caller to publish or withhold them.
async fn public_comments_waiting(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<UnreadComments>, fazhi_store::StoreError> {
    if !caller.may_post("/ledgers/decisions/0/public-comments/0/moderate") {
        return Ok(Vec::new());
    }
    let scope = caller.scope();
    let waiting = fazhi_store::public_comments::waiting(&state.db, &scope).await?;
    let ids: Vec<i64> = waiting.iter().map(|w| w.record_id).collect();
    let titles = fazhi_store::ledger::titles(&state.db, &scope, &ids).await?;
    let mut out = Vec::new();
    for w in waiting {
        let Some(kind) = fazhi_domain::ledgers::by_code(&w.kind) else { continue };
        let title = titles.get(&w.record_id).map(String::as_str).unwrap_or_default();
        out.push(UnreadComments {
            href: format!("/ledgers/{}/{}#public-comments", kind.code, w.record_id),
            what: format!("{}：{title}", kind.label),
            org: String::new(),
            count: w.count,
            at: super::fmt_time(w.since),
        });
    }
    Ok(out)
}

#[derive(serde::Deserialize, Default)]
pub struct TodoQuery {
    #[serde(default)]
    org: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
}

pub async fn show(State(state): State<AppState>, caller: Caller, Query(q): Query<TodoQuery>) -> PageResult {
    let scope = caller.scope();
    let org_list = fazhi_store::orgs::list(&state.db, &scope).await?;
    let townships: Vec<(i64, String)> =
        org_list.iter().filter(|o| o.kind().is_township()).map(|o| (o.id, o.name.clone())).collect();
    let kinds: Vec<(&'static str, &'static str)> =
        fazhi_domain::ledgers::ALL.iter().filter(|k| !k.deadlines.is_empty()).map(|k| (k.code, k.label)).collect();
    // A condition that cannot be met is named and dropped; the rest still apply.
    let mut problems = Vec::new();
    let org = match q.org.trim() {
        "" => None,
        raw => match raw.parse::<i64>().ok().filter(|id| townships.len() > 1 && townships.iter().any(|(t, _)| t == id))
        {
            Some(id) => Some(id),
            None => {
                problems.push("所选的乡镇（街道）不在您的范围内");
                None
            }
        },
    };
    let (overdue, f_status) = match q.status.trim() {
        "" => (None, ""),
        "overdue" => (Some(true), "overdue"),
        "soon" => (Some(false), "soon"),
        _ => {
            problems.push("期限状态只能选“已逾期”或“即将到期”");
            (None, "")
        }
    };
    let kind = match q.kind.trim() {
        "" => None,
        code => match fazhi_domain::ledgers::by_code(code).filter(|k| !k.deadlines.is_empty()) {
            Some(k) => Some(k),
            None => {
                problems.push("所选的台账没有法定期限");
                None
            }
        },
    };
    let notice = (!problems.is_empty()).then(|| format!("{}，已忽略这一条件。", problems.join("；")));
    let filter = TodoFilter { org, overdue, kind };
    let narrowed = org.is_some() || overdue.is_some() || kind.is_some();
    let Due { items: due, counts, total, mine_only } = due_for(&state.db, &caller, filter, &org_list).await?;
    let org_ids: std::collections::HashMap<&str, i64> = townships.iter().map(|(id, n)| (n.as_str(), *id)).collect();
    let items = due
        .into_iter()
        .map(|d| Item {
            raise: match (d.overdue, org_ids.get(d.org_name.as_str())) {
                (true, Some(org_id)) => super::supervision::raise_from_record(
                    &caller,
                    &d.kind,
                    d.kind_label,
                    *org_id,
                    d.record_id,
                    &d.title,
                    true,
                ),
                _ => None,
            },
            href: format!("/ledgers/{}/{}", d.kind, d.record_id),
            org: d.org_name,
            kind: d.kind_label,
            title: d.title,
            deadline: d.label,
            due: d.due.format("%Y-%m-%d").to_string(),
            overdue: d.overdue,
            how: d.how,
        })
        .collect();
    let mut waiting = crate::work_queue::waiting_on(&state.db, &caller, WAITING_SHOWN as u64 + 1).await?;
    let waiting_total = waiting.len();
    waiting.truncate(WAITING_SHOWN);
    Ok(TodoPage {
        nav: Nav::new(&caller, "/todo", &[("工作台", ""), ("我的待办", "")]),
        items,
        counts,
        total,
        mine_only,
        several: townships.len() > 1,
        townships,
        kinds,
        f_org: org.unwrap_or(0),
        f_status,
        f_kind: kind.map(|k| k.code).unwrap_or(""),
        narrowed,
        notice,
        waiting_count: if waiting_total >= 100 { "99+".to_owned() } else { waiting_total.to_string() },
        waiting_more: waiting_total > waiting.len(),
        waiting,
        shown: crate::ledger_service::SHOWN,
        comments: unread_comments(&state, &caller, &org_list).await?,
        public_comments: public_comments_waiting(&state, &caller).await?,
    }
    .into_response())
}
