//! The district's supervision as the pages show it besides the 督察问题 ledger itself (which is a
//! ledger kind like any other, `fazhi_domain::ledgers::supervision_problems`): the one-click link
//! that raises a problem from where it was found — a record, a checker finding on a report, a late
//! report, an overdue limit — and the problems waiting on each side, shown in 我的待办.

use axum::http::Method;
use fazhi_domain::ledgers::supervision_problems::{self, KIND};
use fazhi_domain::role::Role;

use crate::auth::{Caller, url_encode};

/// Where a problem was found, as the raising form is filled from it.
pub struct Found<'a> {
    pub org_id: i64,
    /// The address of the record or report (line) it points to.
    pub target: &'a str,
    pub source: &'a str,
    pub category: &'a str,
    pub title: &'a str,
    pub description: &'a str,
}

/// The address of the form raising a problem about what was found, if the caller may raise one
/// (a district supervisor): one click from the record, finding or late report.
pub fn raise_href(caller: &Caller, found: &Found<'_>) -> Option<String> {
    let may = caller.principal.roles.contains(Role::Supervisor)
        && caller.may(&Method::POST, &format!("/ledgers/{}", KIND.code));
    may.then(|| {
        let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        format!(
            "/ledgers/{}/new?org_id={}&target={}&source={}&category={}&title={}&description={}",
            KIND.code,
            found.org_id,
            url_encode(found.target),
            url_encode(found.source),
            url_encode(found.category),
            url_encode(&clip(found.title, 100)),
            url_encode(&clip(found.description, 500)),
        )
    })
}

/// The raising link of a ledger record: its category follows the record's ledger.
pub fn raise_from_record(
    caller: &Caller,
    kind: &str,
    kind_label: &str,
    org_id: i64,
    id: i64,
    title: &str,
    overdue: bool,
) -> Option<String> {
    if kind == KIND.code {
        return None;
    }
    let target = format!("/ledgers/{kind}/{id}");
    let (source, description) = if overdue {
        ("期限逾期", format!("{kind_label}“{title}”超过法定期限未办结。"))
    } else {
        ("台账检查", format!("{kind_label}“{title}”："))
    };
    raise_href(
        caller,
        &Found {
            org_id,
            target: &target,
            source,
            category: supervision_problems::category_for(kind),
            title: &format!("{kind_label}：{title}"),
            description: &description,
        },
    )
}

/// A problem waiting on the caller, as 我的待办 lists it.
pub struct Waiting {
    pub href: String,
    pub org: String,
    pub title: String,
    pub state: &'static str,
    /// Under listed supervision (挂牌督办): shown on both sides.
    pub listed: bool,
    /// What the caller does next.
    pub next: &'static str,
}

/// The problems waiting on the caller: for the district, the rectifications to accept or return
/// and the problems listed; for a township's leader, those to rectify or submit; for its clerk,
/// those to rectify. At most 50 of each state, newest first.
pub async fn waiting(db: &fazhi_store::Db, caller: &Caller) -> Result<Vec<Waiting>, fazhi_store::StoreError> {
    use fazhi_store::ledger::{self, ListFilter};
    let roles = &caller.principal.roles;
    let mut states: Vec<(&str, &'static str)> = Vec::new();
    if roles.contains(Role::Supervisor) {
        states.extend([("answered", "验收或退回"), ("listed", "督促整改")]);
    }
    if roles.contains(Role::Leader) {
        states.extend([("prepared", "审核并报送")]);
    }
    if roles.contains(Role::Leader) || roles.contains(Role::Clerk) {
        states.extend([("listed", "整改（挂牌督办）"), ("returned", "重新整改"), ("assigned", "整改")]);
    }
    // One row per problem: a state two roles wait on is listed with the first one's next step.
    let mut seen = std::collections::HashSet::new();
    states.retain(|(s, _)| seen.insert(*s));
    let scope = caller.scope();
    let orgs: std::collections::HashMap<i64, String> =
        fazhi_store::orgs::list(db, &scope).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let mut out = Vec::new();
    for (state, next) in states {
        let filter = ListFilter { state: Some(state.to_owned()), page_size: 50, ..Default::default() };
        for r in ledger::list(db, &scope, &KIND, &filter).await?.page.items {
            out.push(Waiting {
                href: format!("/ledgers/{}/{}", KIND.code, r.id),
                org: orgs.get(&r.org_id).cloned().unwrap_or_default(),
                listed: r.values.contains_key("listed_on"),
                title: r.title,
                state: r.state_label,
                next,
            });
        }
    }
    // Listed problems first: the escalation is what both sides must see.
    out.sort_by_key(|w| !w.listed);
    Ok(out)
}
