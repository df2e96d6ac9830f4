//! 待我处理: everything waiting on this person's act. For the ledgers it is read off the
//! declarations — a record waits on the role a step from its state is first declared for (the
//! clerk for a step the leader may also take; the principal leader for a signature) — and for the
//! annual report off the route table: the step the report waits for, if this caller may take it.
//! The menu's count and the 我的待办 page both come from here.

use fazhi_domain::ledger::{Actors, Keeper, LedgerKind, Transition};
use fazhi_domain::ledgers::{self, supervision_problems};
use fazhi_domain::role::Role;
use fazhi_store::{Db, StoreError, annual_reports, ledger};

use crate::auth::Caller;

/// One thing waiting on the caller.
pub struct Waiting {
    pub href: String,
    /// The township it belongs to, shown to callers who see several.
    pub org: String,
    /// 行政规范性文件, 年度报告.
    pub what: &'static str,
    pub title: String,
    pub state: &'static str,
    /// What the caller does next: the steps' words (签发, 审核并报送).
    pub next: String,
    /// Under listed supervision (挂牌督办): listed first, marked on both sides.
    pub listed: bool,
    /// Since when it waits (its last handling), as a date.
    pub since: String,
}

/// For each state of a kind, the steps from it that wait on someone with these roles. A problem
/// the district raised waits on every township role its steps are declared for: the township as a
/// whole answers to the district, its leader as much as its clerk.
fn steps_waiting<'k>(kind: &'k LedgerKind, roles: &[Role], principal: bool) -> Vec<(&'k str, Vec<&'k Transition>)> {
    let waits = |t: &Transition| match (kind.keeper, t.actors) {
        (Keeper::District, Actors::Roles(declared)) => declared.iter().any(|r| roles.contains(r)),
        _ => t.waits_on(roles, principal),
    };
    kind.states
        .iter()
        .filter(|s| !kind.resting.contains(&s.code))
        .filter_map(|s| {
            let steps: Vec<&Transition> =
                kind.transitions.iter().filter(|t| t.awaited_from(s.code) && waits(t)).collect();
            (!steps.is_empty()).then_some((s.code, steps))
        })
        .collect()
}

/// 挂牌督办 is seen on both sides: the district's supervisors follow a listed problem until it is
/// rectified, though its next step is the township's.
fn watched_states(kind: &LedgerKind, roles: &[Role]) -> &'static [&'static str] {
    if kind.code == supervision_problems::KIND.code && roles.contains(&Role::Supervisor) { &["listed"] } else { &[] }
}

async fn roles_of(db: &Db, caller: &Caller) -> Result<(Vec<Role>, bool), StoreError> {
    fazhi_store::orgs::roles_for_steps(db, &caller.principal, caller.principal.org_id).await
}

/// The report's next step and its path, if the report waits for one.
fn report_step(r: &annual_reports::ReportRow) -> Option<(&'static str, &'static str)> {
    match r.state.as_str() {
        "draft" => Some(("submit", "提交审核")),
        "returned" => Some(("submit", "按退回意见修改后重新提交")),
        "reviewing" => Some(("approve", "审核")),
        "approved" if r.awaits_publication() => Some(("publish", "公开发布")),
        "approved" if r.reported_at.is_none() => Some(("report", "报送区县")),
        _ => None,
    }
}

/// How many things wait on the caller, up to 100: the menu's count.
pub async fn count(db: &Db, caller: &Caller) -> Result<u64, StoreError> {
    let (roles, principal) = roles_of(db, caller).await?;
    let wanted: Vec<(&str, Vec<&str>)> = ledgers::ALL
        .iter()
        .map(|k| {
            let mut states: Vec<&str> = steps_waiting(k, &roles, principal).into_iter().map(|(s, _)| s).collect();
            states.extend(watched_states(k, &roles).iter().filter(|w| !states.contains(w)).collect::<Vec<_>>());
            (k.code, states)
        })
        .collect();
    let scope = caller.scope();
    let records = ledger::count_waiting(db, &scope, &wanted, 100).await?;
    let reports = if roles.iter().any(|r| matches!(r, Role::Clerk | Role::Leader)) {
        annual_reports::list(db, &scope)
            .await?
            .iter()
            .filter(|r| report_step(r).is_some_and(|(step, _)| caller.may_post(&format!("/reports/{}/{step}", r.id))))
            .count() as u64
    } else {
        0
    };
    Ok((records + reports).min(100))
}

/// A kind, the steps waiting in each of its states, and the states a record waits in.
type WaitPlan<'k> = (&'k LedgerKind, Vec<(&'k str, Vec<&'k Transition>)>, Vec<&'k str>);

/// A problem under listed supervision (挂牌督办): listed first, marked on both sides.
const LISTED: (&str, &str) = (supervision_problems::KIND.code, "listed");

/// Everything waiting on the caller: reports first, then problems under listed supervision, then
/// the records, longest waiting first; at most `limit` records.
pub async fn waiting_on(db: &Db, caller: &Caller, limit: u64) -> Result<Vec<Waiting>, StoreError> {
    let (roles, principal) = roles_of(db, caller).await?;
    let scope = caller.scope();
    let mut out = Vec::new();
    if roles.iter().any(|r| matches!(r, Role::Clerk | Role::Leader)) {
        for r in annual_reports::list(db, &scope).await? {
            let Some((step, words)) = report_step(&r) else { continue };
            if !caller.may_post(&format!("/reports/{}/{step}", r.id)) {
                continue;
            }
            out.push(Waiting {
                href: format!("/reports/{}", r.id),
                org: r.org_name.clone(),
                what: "年度报告",
                title: format!("{}年法治政府建设年度报告", r.year),
                state: r.state_label,
                next: words.to_owned(),
                listed: false,
                since: crate::pages::fmt_day(r.updated_at),
            });
        }
    }
    let plans: Vec<WaitPlan> = ledgers::ALL
        .iter()
        .map(|kind| {
            let by_state = steps_waiting(kind, &roles, principal);
            let mut states: Vec<&str> = by_state.iter().map(|(s, _)| *s).collect();
            states.extend(watched_states(kind, &roles).iter().filter(|w| !states.contains(w)).collect::<Vec<_>>());
            (*kind, by_state, states)
        })
        .collect();
    let wanted: Vec<(&str, Vec<&str>)> = plans.iter().map(|(k, _, states)| (k.code, states.clone())).collect();
    for w in ledger::waiting(db, &scope, &wanted, &[LISTED], limit).await? {
        let Some((kind, by_state, _)) = plans.iter().find(|(k, _, _)| k.code == w.kind) else { continue };
        let steps = by_state.iter().find(|(s, _)| *s == w.state).map(|(_, t)| t.as_slice()).unwrap_or(&[]);
        let next = if steps.is_empty() {
            "督促整改".to_owned()
        } else {
            steps.iter().map(|t| t.label).collect::<Vec<_>>().join("、")
        };
        let listed = (kind.code, w.state.as_str()) == LISTED;
        // In the store's order: listed problems first, then the longest waiting.
        out.push(Waiting {
            href: format!("/ledgers/{}/{}", kind.code, w.id),
            org: w.org_name,
            what: kind.label,
            title: w.title,
            state: kind.state_label(&w.state),
            next,
            listed,
            since: crate::pages::fmt_day(w.updated_at),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clerk_waits_on_registering_a_signed_document_and_the_principal_leader_on_signing_it() {
        let kind = &ledgers::normative_documents::KIND;
        let clerk = steps_waiting(kind, &[Role::Clerk], false);
        assert!(clerk.iter().any(|(s, _)| *s == "signed"));
        assert!(!clerk.iter().any(|(s, _)| *s == "deliberated"));
        let principal = steps_waiting(kind, &[Role::Leader], true);
        assert_eq!(principal.iter().map(|(s, _)| *s).collect::<Vec<_>>(), ["deliberated"]);
        // A document in force waits on no one: its repeal is occasional.
        assert!(!clerk.iter().any(|(s, _)| *s == "in_force"));
    }

    #[test]
    fn a_problem_the_district_raised_waits_on_the_townships_leader_and_clerk_alike() {
        let kind = &supervision_problems::KIND;
        let states = |roles: &[Role]| steps_waiting(kind, roles, false).into_iter().map(|(s, _)| s).collect::<Vec<_>>();
        assert_eq!(states(&[Role::Clerk]), ["assigned", "returned", "listed"]);
        assert_eq!(states(&[Role::Leader]), ["assigned", "prepared", "returned", "listed"]);
        assert_eq!(watched_states(kind, &[Role::Supervisor]), ["listed"]);
    }

    #[test]
    fn the_supervisor_waits_only_on_answered_rectifications() {
        let waiting = steps_waiting(&supervision_problems::KIND, &[Role::Supervisor], false);
        assert_eq!(waiting.iter().map(|(s, _)| *s).collect::<Vec<_>>(), ["answered"]);
        for kind in ledgers::ALL.iter().filter(|k| k.code != supervision_problems::KIND.code) {
            assert!(steps_waiting(kind, &[Role::Supervisor], false).is_empty(), "{}", kind.code);
        }
    }
}
