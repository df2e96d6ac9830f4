//! Comments between the district and a township, shown under the record, report or 督察问题 they
//! are on (`comments.html`, included by those pages) and posted here. Who may comment on a thing is
//! who may see it: a record through the caller's scope, a report through `annual_report::may_read`;
//! anything else is 404. The district reads a comment's words masked as it reads the records
//! (the township's citizens' names), by the one masking of published reports.

use axum::extract::State;
use axum::response::Response;
use fazhi_store::comments::{self, On};
use fazhi_store::{StoreError, annual_reports, ledger};

use super::{PageError, PageResult, fmt_time, form_fields, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Path;

/// A comment as the thread shows it.
pub struct CommentRow {
    pub id: i64,
    /// 0 for a comment, 1 for a reply.
    pub reply: bool,
    pub author: String,
    pub role: String,
    pub org: String,
    pub at: String,
    pub line: Option<i32>,
    pub body: String,
    pub edited: bool,
    /// The caller wrote it less than ten minutes ago.
    pub editable: bool,
}

/// The comments of a record or report, ready for `comments.html`.
pub struct Thread {
    pub kind: String,
    pub id: i64,
    pub items: Vec<CommentRow>,
    /// A report: a comment may name the line it is on.
    pub on_report: bool,
}

/// What the caller may comment on, found through what they may see, or 404.
async fn found(state: &AppState, caller: &Caller, kind: &str, id: i64) -> Result<(i64, String), PageError> {
    let scope = caller.scope();
    if kind == "report" {
        let report = annual_reports::get(&state.db, &scope, id).await?;
        if !crate::annual_report::may_read(caller, &report) {
            return Err(PageError::not_found());
        }
        return Ok((report.org_id, report.org_path));
    }
    let Some(ledger_kind) = fazhi_domain::ledgers::by_code(kind) else { return Err(PageError::not_found()) };
    let record = ledger::get(&state.db, &scope, ledger_kind, id).await?;
    Ok((record.org_id, record.org_path))
}

/// The thread of what the page shows, read by the caller: it leaves their 我的待办.
pub async fn thread(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    id: i64,
    org_id: i64,
    org_path: &str,
) -> Result<Thread, StoreError> {
    let scope = caller.scope();
    let list = comments::thread(&state.db, kind, id).await?;
    let names = if scope.sees_personal(org_path) || list.is_empty() {
        Vec::new()
    } else {
        ledger::personal_names(&state.db, &scope, org_id).await?
    };
    if let Some(newest) = list.last() {
        comments::mark_read(&state.db, caller.principal.user_id, kind, id, newest.id).await?;
    }
    let now = fazhi_store::now();
    // Replies under what they answer, in the order written.
    let mut items = Vec::new();
    let row = |c: &comments::CommentView, reply: bool| CommentRow {
        id: c.id,
        reply,
        author: c.author_name.clone(),
        role: c.author_role.clone(),
        org: c.author_org.clone(),
        at: fmt_time(c.created_at),
        line: c.line,
        body: if names.is_empty() { c.body.clone() } else { fazhi_report::privacy::mask(&c.body, &names) },
        edited: c.edited_at.is_some(),
        editable: c.author_id == caller.principal.user_id && c.editable_at(now),
    };
    for c in list.iter().filter(|c| c.parent_id.is_none()) {
        items.push(row(c, false));
        items.extend(list.iter().filter(|r| r.parent_id == Some(c.id)).map(|r| row(r, true)));
    }
    Ok(Thread { kind: kind.to_owned(), id, items, on_report: kind == "report" })
}

/// Where a thing commented on is shown.
fn page_of(kind: &str, id: i64) -> String {
    if kind == "report" {
        format!("/reports/{id}?done=commented#comments")
    } else {
        format!("/ledgers/{kind}/{id}?done=commented#comments")
    }
}

/// A comment or a reply posted from a thread; back to the page it is on.
pub async fn post(State(state): State<AppState>, caller: Caller, body: axum::body::Bytes) -> PageResult {
    let form = form_fields(&body);
    let kind = form.get("target_kind").map(|s| s.trim()).unwrap_or("");
    let Some(id) = form.get("target_id").and_then(|v| v.trim().parse::<i64>().ok()) else {
        return Err(StoreError::invalid("target_id", "没有指明评论的对象").into());
    };
    let (org_id, org_path) = found(&state, &caller, kind, id).await?;
    let number = |key: &str| form.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()).map(|v| v.parse::<i64>());
    let parent = match number("parent_id") {
        Some(Ok(p)) => Some(p),
        Some(Err(_)) => return Err(StoreError::invalid("parent_id", "所回复的评论不存在").into()),
        None => None,
    };
    let line = match number("line") {
        Some(Ok(l)) if kind == "report" => Some(i32::try_from(l).unwrap_or(0)),
        Some(_) => return Err(StoreError::invalid("line", "行号应为报告中的行").into()),
        None => None,
    };
    let on = On { kind, id, org_id, org_path: &org_path };
    let text = form.get("body").map(String::as_str).unwrap_or("");
    comments::add(&state.db, &caller.actor(), &caller.principal, on, parent, line, text).await?;
    Ok(see_other(&page_of(kind, id)))
}

/// A comment corrected by its author within ten minutes.
pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_fields(&body);
    let text = form.get("body").map(String::as_str).unwrap_or("");
    let (kind, target) = comments::edit(&state.db, &caller.actor(), &caller.principal, id, text).await?;
    Ok(see_other(&page_of(&kind, target)))
}
