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
