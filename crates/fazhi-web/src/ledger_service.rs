//! The ledger work the pages and the API both do as the caller: a step taken or corrected, a
//! spreadsheet checked, stashed and imported, and 我的待办 (what falls due). Who acts — their roles at the record's township and
//! whether they are its principal leader — is read here once, from the store, so the two surfaces
//! cannot come to differ on it.

use std::collections::BTreeMap;

use fazhi_domain::ledger::{ActorFacts, Keeper, LedgerKind};
use fazhi_domain::role::Role;
use fazhi_store::ledger::{self, RecordView};
use fazhi_store::ledger_xlsx::{self, ImportFile, ImportReport, Importer};
use fazhi_store::{Db, StoreError, orgs, rules};

use crate::auth::Caller;

/// The caller's roles at a township and whether they are its principal leader, as the steps
/// there see them (a record's page shows only the steps they may take).
pub async fn roles_at(db: &Db, caller: &Caller, org_id: i64) -> Result<(Vec<Role>, bool), StoreError> {
    orgs::roles_for_steps(db, &caller.principal, org_id).await
}

/// Whether the caller opens records of the kind and corrects their own fields: the township's
/// people for its ledgers, the district's supervisors for the problems they raise.
pub fn may_open(caller: &Caller, kind: &LedgerKind) -> Result<(), StoreError> {
    let roles: Vec<Role> = caller.principal.roles.iter().collect();
    if kind.keeper.may_open(&roles) { Ok(()) } else { Err(StoreError::Forbidden(kind.keeper.refusal(kind.label))) }
}

/// A new record opened as the caller: in the caller's own organization for a ledger the township
/// keeps, or for the township the form names (`org_id`) for one the district keeps (督察问题). Only
/// the kind's openers may (`Keeper::openers`); the pages and the API both come here.
pub async fn open(
    db: &Db,
    caller: &Caller,
    kind: &'static LedgerKind,
    input: &BTreeMap<String, String>,
) -> Result<RecordView, StoreError> {
    may_open(caller, kind)?;
    let org_id = match kind.keeper {
        Keeper::Township => caller.principal.org_id,
        Keeper::District => input
            .get("org_id")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .ok_or_else(|| StoreError::invalid("org_id", format!("请选择交办{}的乡镇（街道）", kind.label)))?,
    };
    let rules = rules::current(db).await?;
    ledger::create(db, &caller.actor(), &caller.scope(), kind, org_id, input, &rules.ctx()).await
}

/// A record's own fields corrected while it is in its first state, by those who open such records.
pub async fn update(
    db: &Db,
    caller: &Caller,
    kind: &'static LedgerKind,
    id: i64,
    version: i64,
    input: &BTreeMap<String, String>,
) -> Result<RecordView, StoreError> {
    may_open(caller, kind)?;
    let rules = rules::current(db).await?;
    ledger::update(db, &caller.actor(), &caller.scope(), kind, id, version, input, &rules.ctx()).await
}

/// What a posted step does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Posted<'a> {
    /// Takes the step.
    Take,
    /// Enters again what the step recorded (更正), for this reason.
    Correct { reason: &'a str },
}

/// A step of a record's procedure taken, or what it recorded corrected, as the caller.
#[allow(clippy::too_many_arguments)]
pub async fn step(
    db: &Db,
    caller: &Caller,
    kind: &'static LedgerKind,
    id: i64,
    version: i64,
    step: &str,
    fields: &BTreeMap<String, String>,
    posted: Posted<'_>,
) -> Result<RecordView, StoreError> {
    let scope = caller.scope();
    let record = ledger::get(db, &scope, kind, id).await?;
    let (roles, principal_leader) = roles_at(db, caller, record.org_id).await?;
    let facts = ActorFacts { name: &caller.principal.display_name, roles: &roles, principal_leader };
    let rules = rules::current(db).await?;
    let (actor, ctx) = (caller.actor(), rules.ctx());
    match posted {
        Posted::Take => ledger::take(db, &actor, facts, &scope, kind, id, version, step, fields, &ctx).await,
        Posted::Correct { reason } => {
            ledger::correct(db, &actor, facts, &scope, kind, id, version, step, fields, reason, &ctx).await
        }
    }
}

/// Where the rows of an import come from, and whether they are stored.
pub enum Upload<'a> {
    /// Checked and reported only.
    Check(ImportFile<'a>),
    /// Imported now (the API and the command line).
    Import(ImportFile<'a>),
    /// The caller's file stashed at its check, with the probable duplicates they ticked as new.
    Stashed { id: i64, confirmed_rows: &'a [usize] },
}

/// A spreadsheet imported into the caller's organization as the caller, all rows or none.
pub async fn import(
    db: &Db,
    caller: &Caller,
    kind: &'static LedgerKind,
    upload: Upload<'_>,
) -> Result<ImportReport, StoreError> {
    let p = &caller.principal;
    let (roles, principal_leader) = roles_at(db, caller, p.org_id).await?;
    let facts = ActorFacts { name: &p.display_name, roles: &roles, principal_leader };
    let rules = rules::current(db).await?;
    let (actor, scope, ctx) = (caller.actor(), caller.scope(), rules.ctx());
    let who = Importer { actor: &actor, facts, scope: &scope };
    match upload {
        Upload::Check(file) => ledger_xlsx::import(db, who, kind, p.org_id, file, &ctx, false).await,
        Upload::Import(file) => ledger_xlsx::import(db, who, kind, p.org_id, file, &ctx, true).await,
        Upload::Stashed { id, confirmed_rows } => {
            ledger_xlsx::import_stashed(db, who, p.user_id, kind, id, confirmed_rows, &ctx).await
        }
    }
}

/// A checked file kept for the caller's confirmation; its number.
pub async fn stash(
    db: &Db,
    caller: &Caller,
    kind: &'static LedgerKind,
    rows: usize,
    file: ImportFile<'_>,
) -> Result<i64, StoreError> {
    let p = &caller.principal;
    ledger_xlsx::stash(db, p.user_id, kind, p.org_id, rows, file).await
}

/// For the district: per township, how many deadlines are due soon and how many overdue.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrgCount {
    /// The township's organization id, to narrow the list to it.
    pub org_id: i64,
    pub name: String,
    pub due_soon: u64,
    pub overdue: u64,
}

/// The list shows the soonest items; the counts cover all of them. Fifty fill a screen or two,
/// each with how its limit was counted; the filters narrow to the rest (a district's page of 200
/// was 350 KB and most of the page's cost).
pub const SHOWN: u64 = 50;

/// What is due for this user: the items shown (soonest first, at most `SHOWN`), the count per
/// township (for the district; empty for a township), and the total. The page and the API share it.
pub struct Due {
    pub items: Vec<ledger::DueItem>,
    pub counts: Vec<OrgCount>,
    pub total: u64,
    pub mine_only: bool,
}

/// Which items 我的待办 lists, as chosen on the page: one township's (for the district), only the
/// overdue or only those due soon, one ledger's. The counts are never narrowed.
#[derive(Debug, Clone, Copy, Default)]
pub struct TodoFilter {
    pub org: Option<i64>,
    pub overdue: Option<bool>,
    pub kind: Option<&'static LedgerKind>,
}

/// The caller's deadlines due soon and overdue; `org_list` is the caller's organizations
/// (`orgs::list` of the caller's scope), which the page has read already.
pub async fn due_for(
    db: &Db,
    caller: &Caller,
    filter: TodoFilter,
    org_list: &[orgs::OrgView],
) -> Result<Due, fazhi_store::StoreError> {
    let scope = caller.scope();
    let today = fazhi_store::beijing_today();
    let rules = rules::current(db).await?;
    let until = fazhi_domain::ledger::due_soon_until(&rules.calendar, today);
    // A township's leader and the district see everything due; the others what they may meet.
    let roles: Vec<Role> = caller.principal.roles.iter().collect();
    // A filter that keeps every deadline is left out: the counts then come from the index alone.
    let only = (!roles.iter().any(|r| matches!(r, Role::Leader | Role::Supervisor)))
        .then(|| fazhi_domain::ledgers::deadlines_for(&roles))
        .filter(|mine| mine.len() < fazhi_domain::ledgers::ALL.iter().map(|k| k.deadlines.len()).sum());
    let org_path = filter.org.and_then(|id| org_list.iter().find(|o| o.id == id)).map(|o| o.path.as_str());
    let shown = ledger::DueItems { org_path, overdue: filter.overdue, kind: filter.kind.map(|k| k.code) };
    let (items, per_path) =
        ledger::due_by(db, &scope, today, until, SHOWN, only.as_deref(), &shown, &rules.ctx()).await?;
    let total: u64 = per_path.iter().map(|(_, soon, overdue)| soon + overdue).sum();
    // The district sees how each township stands; a township sees only its own list.
    let townships: Vec<_> = org_list.iter().filter(|o| o.kind().is_township()).collect();
    let counts = if townships.len() > 1 {
        townships
            .iter()
            .map(|o| {
                let (due_soon, overdue) = per_path
                    .iter()
                    .filter(|(path, _, _)| path.starts_with(&o.path))
                    .fold((0, 0), |(a, b), (_, s, d)| (a + s, b + d));
                OrgCount { org_id: o.id, name: o.name.clone(), due_soon, overdue }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Due { items, counts, total, mine_only: only.is_some() })
}
