//! 我的待办: every deadline of the ledgers in the user's scope that falls due within five working
//! days (yellow) or has passed (red), soonest first; for the district, a count per township.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;

use super::{Nav, PageResult};
use crate::AppState;
use crate::auth::Caller;
use crate::ledger_service::{Due, OrgCount, due_for};

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
}

#[derive(Template, WebTemplate)]
#[template(path = "todo.html")]
struct TodoPage {
    nav: Nav,
    items: Vec<Item>,
    counts: Vec<OrgCount>,
    total: u64,
    /// Narrowed to the deadlines the user's own steps meet.
    mine_only: bool,
}

pub async fn show(State(state): State<AppState>, caller: Caller) -> PageResult {
    let Due { items: due, counts, total, mine_only } = due_for(&state.db, &caller).await?;
    let items = due
        .into_iter()
        .map(|d| Item {
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
    Ok(TodoPage {
        nav: Nav::new(&caller, "/todo", &[("工作台", ""), ("我的待办", "")]),
        items,
        counts,
        total,
        mine_only,
    }
    .into_response())
}
