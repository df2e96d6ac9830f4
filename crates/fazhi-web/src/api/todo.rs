//! 我的待办: the caller's deadlines (`pages/todo.rs`).

use axum::Json;
use axum::extract::State;
use fazhi_store::ledger::{self};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;

use super::ApiResult;

#[derive(Serialize, ToSchema)]
pub struct TodoView {
    /// Due within five working days or overdue, soonest first (at most 200), each with how its
    /// due day was counted.
    pub items: Vec<ledger::DueItem>,
    /// For the district: per township, how many are due soon and how many overdue.
    pub counts: Vec<crate::ledger_service::OrgCount>,
    pub total: u64,
}

/// 我的待办: the caller's deadlines due within five working days and the overdue ones. A township
/// leader and the district see all of their scope's; clerks and advisers those they may meet.
#[utoipa::path(get, path = "/api/v1/todo", tag = "台账", responses((status = 200, body = TodoView)))]
pub async fn todo(State(state): State<AppState>, caller: Caller) -> ApiResult<TodoView> {
    let orgs = fazhi_store::orgs::list(&state.db, &caller.scope()).await?;
    let due = crate::ledger_service::due_for(&state.db, &caller, Default::default(), &orgs).await?;
    Ok(Json(TodoView { items: due.items, counts: due.counts, total: due.total }))
}
