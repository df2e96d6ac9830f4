//! 我的待办: every deadline of the ledgers in the user's scope that falls due within five working
//! days (yellow) or has passed (red), soonest first; for the district, a count per township.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use fazhi_domain::ledger::{Context, Settings, Urgency};
use fazhi_store::{calendar, ledger, orgs};

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

pub struct OrgCount {
    pub name: String,
    pub due_soon: usize,
    pub overdue: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "todo.html")]
struct TodoPage {
    nav: Nav,
    items: Vec<Item>,
    counts: Vec<OrgCount>,
}

pub async fn show(State(state): State<AppState>, Extension(identity): Extension<Identity>) -> Response {
    let scope = identity.principal.scope();
    let (calendar, records, org_list) = match (
        calendar::current(&state.db).await,
        ledger::all_in_scope(&state.db, &scope).await,
        orgs::list(&state.db, &scope).await,
    ) {
        (Ok(c), Ok(r), Ok(o)) => (c, r, o),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return store_error_page(&identity, e),
    };
    let settings = Settings::default();
    let ctx = Context { calendar: &calendar, settings: &settings };
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let mut items = Vec::new();
    let mut per_org: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (kind, record, path) in &records {
        for d in kind.deadlines(&record.values, &ctx) {
            let urgency = d.urgency(today, &calendar);
            if !matches!(urgency, Urgency::DueSoon | Urgency::Overdue) {
                continue;
            }
            let overdue = urgency == Urgency::Overdue;
            let entry = per_org.entry(path.clone()).or_default();
            if overdue {
                entry.1 += 1
            } else {
                entry.0 += 1
            }
            items.push(Item {
                href: format!("/ledgers/{}/{}", kind.code, record.id),
                kind: kind.label,
                title: record.title.clone(),
                deadline: d.deadline.label,
                due: d.counted.due.format("%Y-%m-%d").to_string(),
                overdue,
                how: d.counted.explain(),
            });
        }
    }
    items.sort_by(|a, b| (!a.overdue, &a.due).cmp(&(!b.overdue, &b.due)));
    // The district sees how each township stands; a township sees only its own list.
    let counts = if org_list.iter().any(|o| o.kind == "township" || o.kind == "street") && org_list.len() > 1 {
        org_list
            .iter()
            .filter(|o| o.kind == "township" || o.kind == "street")
            .map(|o| {
                let (due_soon, overdue) = per_org
                    .iter()
                    .filter(|(path, _)| path.starts_with(&o.path))
                    .fold((0, 0), |(a, b), (_, (s, d))| (a + s, b + d));
                OrgCount { name: o.name.clone(), due_soon, overdue }
            })
            .collect()
    } else {
        Vec::new()
    };
    TodoPage { nav: Nav::new(&identity, "/todo", &[("工作台", ""), ("我的待办", "")]), items, counts }.into_response()
}
