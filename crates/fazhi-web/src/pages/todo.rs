//! 我的待办: every deadline of the ledgers in the user's scope that falls due within five working
//! days (yellow) or has passed (red), soonest first; for the district, a count per township.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use fazhi_domain::calendar::{Period, Unit};
use fazhi_domain::role::Role;
use fazhi_store::{ledger, orgs, rules};

use super::{Nav, store_error_page};
use crate::AppState;
use crate::auth::Identity;

pub struct Item {
    pub href: String,
    pub kind: &'static str,
    pub title: String,
    pub deadline: &'static str,
    pub due: String,
    pub overdue: bool,
    pub how: Vec<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrgCount {
    pub name: String,
    pub due_soon: u64,
    pub overdue: u64,
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

/// The list shows the soonest items; the counts cover all of them.
const SHOWN: u64 = 200;

/// What is due for this user: the items shown (soonest first, at most `SHOWN`), the count per
/// township (for the district; empty for a township), and the total. The page and the API share it.
pub(crate) struct Due {
    pub items: Vec<ledger::DueItem>,
    pub counts: Vec<OrgCount>,
    pub total: u64,
    pub mine_only: bool,
}

pub(crate) async fn due_for(state: &AppState, identity: &Identity) -> Result<Due, fazhi_store::StoreError> {
    let scope = identity.principal.scope();
    let today = fazhi_store::beijing_today();
    let rules = rules::current(&state.db).await?;
    let org_list = orgs::list(&state.db, &scope).await?;
    let until = rules.calendar.count(today, Period::within(5, Unit::WorkingDays)).due;
    // A township's leader and the district see everything due; the others what they may meet.
    let roles: Vec<Role> = identity.principal.roles.iter().collect();
    // A filter that keeps every deadline is left out: the counts then come from the index alone.
    let only = (!roles.iter().any(|r| matches!(r, Role::Leader | Role::Supervisor)))
        .then(|| fazhi_domain::ledgers::deadlines_for(&roles))
        .filter(|mine| mine.len() < fazhi_domain::ledgers::ALL.iter().map(|k| k.deadlines.len()).sum());
    let (items, per_path) =
        ledger::due_by(&state.db, &scope, today, until, SHOWN, only.as_deref(), &rules.ctx()).await?;
    let total: u64 = per_path.iter().map(|(_, soon, overdue)| soon + overdue).sum();
    // The district sees how each township stands; a township sees only its own list.
    let townships: Vec<_> = org_list.iter().filter(|o| o.kind == "township" || o.kind == "street").collect();
    let counts = if townships.len() > 1 {
        townships
            .iter()
            .map(|o| {
                let (due_soon, overdue) = per_path
                    .iter()
                    .filter(|(path, _, _)| path.starts_with(&o.path))
                    .fold((0, 0), |(a, b), (_, s, d)| (a + s, b + d));
                OrgCount { name: o.name.clone(), due_soon, overdue }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Due { items, counts, total, mine_only: only.is_some() })
}

pub async fn show(State(state): State<AppState>, Extension(identity): Extension<Identity>) -> Response {
    let Due { items: due, counts, total, mine_only } = match due_for(&state, &identity).await {
        Ok(d) => d,
        Err(e) => return store_error_page(&identity, e),
    };
    let items = due
        .into_iter()
        .map(|d| Item {
            href: format!("/ledgers/{}/{}", d.kind, d.record_id),
            kind: d.kind_label,
            title: d.title,
            deadline: d.label,
            due: d.due.format("%Y-%m-%d").to_string(),
            overdue: d.overdue,
            how: d.how,
        })
        .collect();
    TodoPage {
        nav: Nav::new(&identity, "/todo", &[("工作台", ""), ("我的待办", "")]), items, counts, total, mine_only
    }
    .into_response()
}
