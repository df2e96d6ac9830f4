//! Storage for every ledger kind, written once over the declarations of `fazhi_domain::ledger`:
//! records with their state and values, steps taken in a write transaction with their audit
//! record, and the unified numbers drawn from a per-organization sequence.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_domain::ledger::{
    ActorFacts, Context, DeadlineStatus, FieldType, Keeper, LedgerKind, Linked, LinkedRecord, RefSpec, Refusal, Values,
    date, refs, split_refs, text,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set,
};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::{
    ledger_attachment, ledger_deadline, ledger_figure, ledger_figure_total, ledger_open_count, ledger_record,
    ledger_sequence, organization,
};
use crate::{Actor, Db, Page, Scope, StoreError, township_path};

/// A ledger record as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordView {
    pub id: i64,
    pub kind: String,
    pub org_id: i64,
    pub state: String,
    pub state_label: &'static str,
    pub title: String,
    /// Field values by field key: text, integers, booleans, dates as YYYY-MM-DD.
    #[schema(value_type = Object)]
    pub values: Values,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The organization's materialized path: its deadlines are counted by its settings.
    #[serde(skip)]
    #[schema(ignore)]
    pub org_path: String,
}

fn view(kind: &LedgerKind, m: ledger_record::Model) -> Result<RecordView, StoreError> {
    let values: Values = serde_json::from_str(&m.values_json)
        .map_err(|e| StoreError::Internal(format!("台账记录 {} 的内容已损坏：{e}", m.id)))?;
    Ok(RecordView {
        id: m.id,
        kind: m.kind,
        org_id: m.org_id,
        state_label: kind.state_label(&m.state),
        state: m.state,
        title: m.title,
        values,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        org_path: m.org_path,
    })
}

/// A record as the caller may see it: citizens' personal values masked unless the scope shows them
/// for the record's township (`Scope::sees_personal`). Every read and write that returns a record
/// to a caller returns it through here.
fn for_caller(scope: &Scope, kind: &LedgerKind, mut record: RecordView) -> RecordView {
    if !scope.sees_personal(&record.org_path) {
        record.values = kind.masked(&record.values);
    }
    record
}

fn refusal(r: Refusal) -> StoreError {
    match r {
        Refusal::Invalid(errors) => StoreError::Fields(errors),
        Refusal::NotAllowed { message } => StoreError::Forbidden(message),
        Refusal::NotNow { message } => StoreError::Refused { rule: None, message },
        Refusal::Rule { rule, article, message } => {
            StoreError::Refused { rule: Some(rule), message: format!("{message}（{article}）") }
        }
    }
}

/// Creates a record in an organization of the caller's scope, in the kind's first state.
pub async fn create(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    kind: &'static LedgerKind,
    org_id: i64,
    input: &BTreeMap<String, String>,
    ctx: &Context<'_>,
) -> Result<RecordView, StoreError> {
    let values = kind.parse_new(input).map_err(StoreError::Fields)?;
    let txn = db.begin_write().await?;
    let org = organization::Entity::find_by_id(org_id)
        .one(&txn)
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or_else(|| StoreError::invalid("org_id", "请选择本机构或下属机构"))?;
    // A record the district opens is a township's: the township sees it, and only its own.
    if kind.keeper == Keeper::District && !fazhi_domain::org::OrgKind::parse(&org.kind).is_ok_and(|k| k.is_township()) {
        return Err(StoreError::invalid("org_id", format!("请选择交办{}的乡镇（街道）", kind.label)));
    }
    check_links(&txn, kind, &org.path, &values).await?;
    let linked = linked(&txn, kind, &org.path, None, &Values::new(), input).await?;
    let ctx = &ctx.with_linked(&linked).at(&org.path).on(crate::beijing_today());
    kind.check_record(&Values::new(), &values, ctx).map_err(refusal)?;
    let saved = new_record(kind, &org, kind.initial, &values, crate::now()).insert(&txn).await?;
    let org_path = saved.org_path.clone();
    let record = view(kind, saved)?;
    write_deadlines(&txn, kind, &record, &org_path, ctx, true).await?;
    let change = Change::new("ledger.create", kind.code, record.id)
        .after(serde_json::json!({ "state": record.state, "values": record.values }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(for_caller(scope, kind, record))
}

/// A record's links (`FieldType::Link`) open a record or an annual report of its own township
/// only: a problem raised about one township cannot point at (or show the title of) another's.
async fn check_links<C: ConnectionTrait>(
    conn: &C,
    kind: &LedgerKind,
    org_path: &str,
    values: &Values,
) -> Result<(), StoreError> {
    use fazhi_domain::ledger::LinkTarget;
    let township = township_path(org_path);
    for f in kind.fields.iter().filter(|f| f.ty == FieldType::Link) {
        let Some(raw) = values.get(f.key).and_then(|v| v.as_str()) else { continue };
        let found = match LinkTarget::parse(raw) {
            Some(LinkTarget::Record { kind, id }) => ledger_record::Entity::find_by_id(id)
                .one(conn)
                .await?
                .filter(|r| r.kind == kind.code)
                .map(|r| r.org_path),
            Some(LinkTarget::Report { id, .. }) => {
                crate::entities::annual_report::Entity::find_by_id(id).one(conn).await?.map(|r| r.org_path)
            }
            None => None,
        };
        if !found.is_some_and(|p| p.starts_with(township)) {
            return Err(StoreError::invalid(f.key, format!("“{}”所指的记录或报告不属于所选乡镇（街道）", f.label)));
        }
    }
    Ok(())
}

/// A record about to be stored for the first time, created or imported.
pub(crate) fn new_record(
    kind: &LedgerKind,
    org: &organization::Model,
    state: &str,
    values: &Values,
    now: DateTime<Utc>,
) -> ledger_record::ActiveModel {
    ledger_record::ActiveModel {
        kind: Set(kind.code.to_owned()),
        org_id: Set(org.id),
        org_path: Set(org.path.clone()),
        state: Set(state.to_owned()),
        title: Set(text(values, kind.title_field).to_owned()),
        values_json: Set(serde_json::to_string(values).expect("values serialize")),
        search_text: Set(search_texts(kind, values).0),
        personal_text: Set(search_texts(kind, values).1),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

pub(crate) async fn find<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    kind: &LedgerKind,
    id: i64,
) -> Result<ledger_record::Model, StoreError> {
    ledger_record::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|r| r.kind == kind.code && scope.contains_path(&r.org_path))
        .ok_or(StoreError::NotFound)
}

pub async fn get(db: &Db, scope: &Scope, kind: &'static LedgerKind, id: i64) -> Result<RecordView, StoreError> {
    Ok(for_caller(scope, kind, view(kind, find(db.conn(), scope, kind, id).await?)?))
}

/// The titles of these records, those in the caller's scope, by id: one read for a list of
/// records named elsewhere (comments waiting to be read, drafts with comments from the public).
pub async fn titles(db: &Db, scope: &Scope, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, String)> = ledger_record::Entity::find()
        .select_only()
        .columns([ledger_record::Column::Id, ledger_record::Column::Title])
        .filter(ledger_record::Column::Id.is_in(ids.iter().copied()))
        .filter(ledger_record::Column::OrgPath.starts_with(&scope.org_path))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().collect())
}

/// One step of a record's procedure, as the caller saw the record at `version`. The step's
/// inputs, its guards and, for the numbering step, the number drawn are stored with the audit
/// record in one transaction; a refusal stores nothing.
#[allow(clippy::too_many_arguments)]
pub async fn take(
    db: &Db,
    actor: &Actor,
    facts: ActorFacts<'_>,
    scope: &Scope,
    kind: &'static LedgerKind,
    id: i64,
    version: i64,
    transition: &str,
    input: &BTreeMap<String, String>,
    ctx: &Context<'_>,
) -> Result<RecordView, StoreError> {
    let txn = db.begin_write().await?;
    let Opened { current, before, linked, org_path } = open(&txn, scope, kind, id, version, input).await?;
    let ctx = &ctx.with_linked(&linked).at(&org_path).on(crate::beijing_today());
    let (mut values, state) =
        kind.take(transition, &before.state, &before.values, input, facts, ctx).map_err(refusal)?;
    if let Some(numbering) = kind.numbering.filter(|n| n.transition == transition) {
        let org = organization::Entity::find_by_id(current.org_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let year = number_year(numbering, &values);
        let sequence = next_number(&txn, kind.code, org.id, year).await?;
        let number = numbering.format(&numbering.prefix(&org.name), year, sequence);
        values.insert(numbering.field.to_owned(), number.into());
    }
    let saved = save(&txn, kind, current, state, &values, ctx).await?;
    let change = Change::new("ledger.transition", kind.code, id)
        .before(serde_json::json!({ "state": before.state, "values": before.values }))
        .after(serde_json::json!({ "step": transition, "state": saved.state, "values": saved.values }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(for_caller(scope, kind, saved))
}

/// A record opened for a step or a correction under the write lock: as stored, as the caller saw
/// it (the version checked: 409 otherwise), and what its rules consult.
struct Opened {
    current: ledger_record::Model,
    before: RecordView,
    linked: Linked,
    org_path: String,
}

async fn open(
    txn: &crate::db::WriteTxn,
    scope: &Scope,
    kind: &'static LedgerKind,
    id: i64,
    version: i64,
    input: &BTreeMap<String, String>,
) -> Result<Opened, StoreError> {
    let current = find(txn, scope, kind, id).await?;
    if current.version != version {
        return Err(StoreError::Conflict);
    }
    let before = view(kind, current.clone())?;
    let linked = linked(txn, kind, &current.org_path, Some(id), &before.values, input).await?;
    let org_path = current.org_path.clone();
    Ok(Opened { current, before, linked, org_path })
}

/// Corrects what a step recorded (更正), as the caller saw the record at `version`: the step's
/// fields entered again with a reason, the rules checked again (`LedgerKind::correct`). The
/// history keeps the values before and after and the reason; the state does not move.
#[allow(clippy::too_many_arguments)]
pub async fn correct(
    db: &Db,
    actor: &Actor,
    facts: ActorFacts<'_>,
    scope: &Scope,
    kind: &'static LedgerKind,
    id: i64,
    version: i64,
    transition: &str,
    input: &BTreeMap<String, String>,
    reason: &str,
    ctx: &Context<'_>,
) -> Result<RecordView, StoreError> {
    let txn = db.begin_write().await?;
    let Opened { current, before, linked, org_path } = open(&txn, scope, kind, id, version, input).await?;
    let ctx = &ctx.with_linked(&linked).at(&org_path).on(crate::beijing_today());
    let values = kind.correct(transition, &before.values, input, reason, facts, ctx).map_err(refusal)?;
    let state = kind.state(&before.state).map(|s| s.code).unwrap_or(kind.initial);
    let saved = save(&txn, kind, current, state, &values, ctx).await?;
    let changed = |from: &Values, to: &Values| -> Values {
        from.iter().filter(|(k, v)| to.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let change = Change::new("ledger.correct", kind.code, id)
        .before(serde_json::json!({ "values": changed(&before.values, &saved.values) }))
        .after(serde_json::json!({
            "step": transition, "values": changed(&saved.values, &before.values), "reason": reason.trim()
        }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(for_caller(scope, kind, saved))
}

/// The names of citizens an organization's records hold in their personal fields (petitioners,
/// parties, applicants, plaintiffs): what a published report must not show. Values are split at
/// the separators clerks use; what looks like a name (two to four Chinese characters) is kept.
pub async fn personal_names(db: &Db, scope: &Scope, org_id: i64) -> Result<Vec<String>, StoreError> {
    let org = organization::Entity::find_by_id(org_id)
        .one(db.conn())
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or(StoreError::NotFound)?;
    let kinds: Vec<&str> =
        fazhi_domain::ledgers::ALL.iter().filter(|k| k.fields.iter().any(|f| f.personal)).map(|k| k.code).collect();
    let rows: Vec<(String, String)> = ledger_record::Entity::find()
        .select_only()
        .columns([ledger_record::Column::Kind, ledger_record::Column::ValuesJson])
        .filter(ledger_record::Column::OrgPath.starts_with(&org.path))
        .filter(ledger_record::Column::Kind.is_in(kinds))
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut names = std::collections::BTreeSet::new();
    for (code, json) in rows {
        let (Some(kind), Ok(values)) = (fazhi_domain::ledgers::by_code(&code), serde_json::from_str::<Values>(&json))
        else {
            continue;
        };
        // A legal person's name is no citizen's (a party that is a company).
        for f in kind.fields.iter().filter(|f| f.is_personal_in(&values)) {
            for part in text(&values, f.key).split(['、', ',', '，', ';', '；', ' ', '/']) {
                let n = part.chars().count();
                if (2..=4).contains(&n) && part.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                    names.insert(part.to_owned());
                }
            }
        }
    }
    Ok(names.into_iter().collect())
}

/// The highest record id so far: under the write lock, every record after it is the caller's.
pub(crate) async fn last_record_id<C: ConnectionTrait>(conn: &C) -> Result<i64, StoreError> {
    Ok(ledger_record::Entity::find()
        .select_only()
        .column_as(ledger_record::Column::Id.max(), "m")
        .into_tuple::<Option<i64>>()
        .one(conn)
        .await?
        .flatten()
        .unwrap_or(0))
}

/// The records of a register another kind refers to (officers, mediators), as found in the
/// township of `org_path`, each under the key the references use. Registers are small: the
/// township's whole register is read.
async fn township_register<C: ConnectionTrait>(
    conn: &C,
    spec: &RefSpec,
    org_path: &str,
) -> Result<Vec<LinkedRecord>, StoreError> {
    let rows = ledger_record::Entity::find()
        .filter(ledger_record::Column::Kind.eq(spec.kind))
        .filter(ledger_record::Column::OrgPath.starts_with(township_path(org_path)))
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            let values: Values = serde_json::from_str(&row.values_json)
                .map_err(|e| StoreError::Internal(format!("台账记录 {} 的内容已损坏：{e}", row.id)))?;
            let key = if spec.by == fazhi_domain::ledger::RECORD_ID {
                row.id.to_string()
            } else {
                text(&values, spec.by).to_owned()
            };
            Ok(LinkedRecord { kind: row.kind, key, title: row.title, state: row.state, values })
        })
        .collect()
}

/// Every record an imported row of `kind` may refer to: the township's registers that its `Refs`
/// fields name.
pub(crate) async fn registers_for_import<C: ConnectionTrait>(
    conn: &C,
    kind: &LedgerKind,
    org_path: &str,
) -> Result<Linked, StoreError> {
    let mut linked = Linked::default();
    for field in kind.fields {
        if let FieldType::Refs(spec) = field.ty {
            linked.records.extend(township_register(conn, spec, org_path).await?);
        }
    }
    Ok(linked)
}

/// What a record's rules consult besides the record: the records its `Refs` fields name (as stored
/// and as entered now), found in its township, and the names of its attachments.
async fn linked<C: ConnectionTrait>(
    conn: &C,
    kind: &LedgerKind,
    org_path: &str,
    record_id: Option<i64>,
    before: &Values,
    input: &BTreeMap<String, String>,
) -> Result<Linked, StoreError> {
    let mut linked = Linked::default();
    for field in kind.fields {
        let FieldType::Refs(spec) = field.ty else { continue };
        let mut keys: Vec<&str> = refs(before, field.key).collect();
        keys.extend(input.get(field.key).map(|raw| split_refs(raw)).unwrap_or_default());
        if keys.is_empty() {
            continue;
        }
        let register = township_register(conn, spec, org_path).await?;
        linked.records.extend(register.into_iter().filter(|r| keys.contains(&r.key.as_str())));
    }
    if let Some(id) = record_id {
        linked.attachments = ledger_attachment::Entity::find()
            .filter(ledger_attachment::Column::RecordId.eq(id))
            .filter(ledger_attachment::Column::RemovedAt.is_null())
            .all(conn)
            .await?
            .into_iter()
            .map(|a| fazhi_domain::ledger::LinkedAttachment { name: a.file_name, stage: a.stage })
            .collect();
        if kind.publication(fazhi_domain::publication::PublicList::Consultations).is_some() {
            linked.public_comments = crate::public_comments::tally(conn, id).await?;
        }
    }
    Ok(linked)
}

/// Stores a record's new state and values, one version on, with its title, search text and
/// deadline rows: what a step and a correction both write.
pub(crate) async fn save<C: ConnectionTrait>(
    conn: &C,
    kind: &LedgerKind,
    current: ledger_record::Model,
    state: &str,
    values: &Values,
    ctx: &Context<'_>,
) -> Result<RecordView, StoreError> {
    let version = current.version;
    let mut active = current.into_active_model();
    active.state = Set(state.to_owned());
    active.title = Set(text(values, kind.title_field).to_owned());
    active.values_json = Set(serde_json::to_string(values).expect("values serialize"));
    let (open, personal) = search_texts(kind, values);
    active.search_text = Set(open);
    active.personal_text = Set(personal);
    active.version = Set(version + 1);
    active.updated_at = Set(crate::now());
    let saved = active.update(conn).await?;
    let org_path = saved.org_path.clone();
    let saved = view(kind, saved)?;
    write_deadlines(conn, kind, &saved, &org_path, ctx, false).await?;
    Ok(saved)
}

/// Corrects a record's own fields while it is in its first state (`LedgerKind::edit`), as the
/// caller saw it at `version`; audited with the values before and after.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    kind: &'static LedgerKind,
    id: i64,
    version: i64,
    input: &BTreeMap<String, String>,
    ctx: &Context<'_>,
) -> Result<RecordView, StoreError> {
    let txn = db.begin_write().await?;
    let current = find(&txn, scope, kind, id).await?;
    if current.version != version {
        return Err(StoreError::Conflict);
    }
    let before = view(kind, current.clone())?;
    let values = kind.edit(&before.state, &before.values, input).map_err(refusal)?;
    check_links(&txn, kind, &current.org_path, &values).await?;
    let linked = linked(&txn, kind, &current.org_path, Some(id), &before.values, input).await?;
    let org_path = current.org_path.clone();
    let ctx = &ctx.with_linked(&linked).at(&org_path).on(crate::beijing_today());
    kind.check_record(&before.values, &values, ctx).map_err(refusal)?;
    let saved = save(&txn, kind, current, &before.state, &values, ctx).await?;
    let change = Change::new("ledger.update", kind.code, id)
        .before(serde_json::json!({ "values": before.values }))
        .after(serde_json::json!({ "values": saved.values }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(for_caller(scope, kind, saved))
}

/// The year a unified number carries: its date field's, or this year's where that is not
/// recorded. A step and an imported row's replay draw by the same rule.
pub(crate) fn number_year(numbering: fazhi_domain::ledger::Numbering, values: &Values) -> i32 {
    date(values, numbering.year_from).map(|d| d.year()).unwrap_or_else(|| crate::beijing_today().year())
}

/// The next number of a kind for an organization and year. Every write transaction holds the
/// audit chain's lock from its start, so two of these never interleave, on one server or several
/// sharing a PostgreSQL: numbers are consecutive, and a rolled-back step returns its number.
async fn next_number<C: ConnectionTrait>(conn: &C, kind: &str, org_id: i64, year: i32) -> Result<i64, StoreError> {
    let key = (kind.to_owned(), org_id, year);
    match ledger_sequence::Entity::find_by_id(key).one(conn).await? {
        Some(row) => {
            let next = row.last + 1;
            let mut active = row.into_active_model();
            active.last = Set(next);
            active.update(conn).await?;
            Ok(next)
        }
        None => {
            ledger_sequence::ActiveModel {
                kind: Set(kind.to_owned()),
                org_id: Set(org_id),
                year: Set(year),
                last: Set(1),
            }
            .insert(conn)
            .await?;
            Ok(1)
        }
    }
}

/// Makes the next number of a kind, organization and year come after `top`: imported ledgers
/// carry numbers drawn before Fazhi, and a number is never given twice.
pub(crate) async fn raise_sequence<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    org_id: i64,
    year: i32,
    top: i64,
) -> Result<(), StoreError> {
    let key = (kind.to_owned(), org_id, year);
    match ledger_sequence::Entity::find_by_id(key).one(conn).await? {
        Some(row) if row.last >= top => {}
        Some(row) => {
            let mut active = row.into_active_model();
            active.last = Set(top);
            active.update(conn).await?;
        }
        None => {
            ledger_sequence::ActiveModel {
                kind: Set(kind.to_owned()),
                org_id: Set(org_id),
                year: Set(year),
                last: Set(top),
            }
            .insert(conn)
            .await?;
        }
    }
    Ok(())
}

/// The order of a ledger list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Records still in progress first (newest first), then those at rest: archived, in force,
    /// closed.
    #[default]
    OpenFirst,
    /// Newest record first.
    Newest,
    /// Last handled first.
    RecentlyHandled,
    Title,
}

impl Sort {
    pub fn parse(code: &str) -> Sort {
        match code {
            "updated" => Sort::RecentlyHandled,
            "title" => Sort::Title,
            "newest" => Sort::Newest,
            _ => Sort::OpenFirst,
        }
    }
}

/// What a ledger list is narrowed to.
#[derive(Debug, Clone)]
pub struct ListFilter {
    pub state: Option<String>,
    /// Only records in one of these states, when any are named: a public list's.
    pub states: Vec<&'static str>,
    /// Only records whose field holds this value (a public list's category).
    pub value: Option<(&'static str, String)>,
    /// Any part of any text of the record: its name, units, opinions, numbers.
    pub query: Option<fazhi_domain::search::SearchWords>,
    pub sort: Sort,
    /// Only the records of this organization and those below it: the district's choice of one
    /// township. An organization outside the caller's scope leaves nothing.
    pub org: Option<i64>,
    /// Only the records counted in this year (the kind's year: a petition's receipt, an officer's
    /// years of service), as the figures count them.
    pub year: Option<i32>,
    /// Only the records behind this figure of the kind (`petitions.total`, `handling.on_time`), in
    /// `year` when one is given: the drill-down from a figure to what it counts.
    pub figure: Option<String>,
    /// Only the records with an open time limit falling due in this span (from, to): passed,
    /// or due within days.
    pub due: Option<(Option<NaiveDate>, NaiveDate)>,
    pub page: u64,
    pub page_size: u64,
}

impl ListFilter {
    /// Whether the list asks nothing of the records but their scope and order (and the words):
    /// then it is read from an index alone.
    fn asks_only_scope_and_order(&self) -> bool {
        self.state.as_deref().is_none_or(str::is_empty)
            && self.states.is_empty()
            && self.value.is_none()
            && self.year.is_none()
            && self.figure.is_none()
            && self.due.is_none()
    }
}

/// The first page of 50, unfiltered.
impl Default for ListFilter {
    fn default() -> Self {
        ListFilter {
            state: Default::default(),
            states: Vec::new(),
            value: None,
            query: Default::default(),
            sort: Default::default(),
            org: None,
            year: None,
            figure: None,
            due: None,
            page: 1,
            page_size: 50,
        }
    }
}

/// The organizations a scope covers. When it covers every organization there is, lists need no
/// organization filter at all, and the planner walks the (kind, state, order) indexes directly.
pub(crate) struct ScopeOrgs {
    /// (id, path) of every organization in the scope.
    pub orgs: Vec<(i64, String)>,
    /// Their names, for the 乡镇（街道） column of the district's lists.
    names: std::collections::HashMap<i64, String>,
    pub everything: bool,
    /// A search may look in personal values: the caller sees them in every record of the scope.
    pub personal_search: bool,
    /// Which database: the search is the one query written for each (`db::text_match`).
    backend: sea_orm::DatabaseBackend,
}

impl ScopeOrgs {
    pub(crate) async fn of(db: &Db, scope: &Scope) -> Result<ScopeOrgs, StoreError> {
        let all = crate::orgs::tree(db).await?;
        let mut names = std::collections::HashMap::new();
        let mut orgs = Vec::new();
        for o in all.iter().filter(|o| scope.contains_path(&o.path)) {
            names.insert(o.id, o.name.clone());
            orgs.push((o.id, o.path.clone()));
        }
        let everything = orgs.len() == all.len();
        Ok(ScopeOrgs {
            orgs,
            names,
            everything,
            personal_search: scope.sees_personal_everywhere(),
            backend: db.conn().get_database_backend(),
        })
    }

    /// The organizations a list covers: the scope's, narrowed to the filter's organization and
    /// those below it when one is chosen.
    pub(crate) async fn listing(db: &Db, scope: &Scope, filter: &ListFilter) -> Result<ScopeOrgs, StoreError> {
        let mut orgs = ScopeOrgs::of(db, scope).await?;
        if let Some(chosen) = filter.org {
            let path = orgs.orgs.iter().find(|(id, _)| *id == chosen).map(|(_, p)| p.clone());
            orgs.orgs.retain(|(_, p)| path.as_deref().is_some_and(|chosen| p.starts_with(chosen)));
            orgs.everything = false;
        }
        Ok(orgs)
    }

    fn name_of(&self, id: i64) -> String {
        self.names.get(&id).cloned().unwrap_or_default()
    }

    /// The records of these organizations: no condition when they are every one.
    fn holds_record(&self) -> Condition {
        if self.everything {
            Condition::all()
        } else {
            Condition::all().add(ledger_record::Column::OrgId.is_in(self.ids()))
        }
    }

    fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.orgs.iter().map(|(id, _)| *id)
    }

    fn path_of(&self, id: i64) -> &str {
        self.orgs.iter().find(|(i, _)| *i == id).map(|(_, p)| p.as_str()).unwrap_or("")
    }
}

/// The records of a list, filtered and sorted, without paging: the list pages it, the export
/// reads it whole. Callers select the id alone first, so the walk stays inside an index.
pub(crate) fn list_query(
    orgs: &ScopeOrgs,
    kind: &LedgerKind,
    filter: &ListFilter,
    lookup: &Lookup,
) -> sea_orm::Select<ledger_record::Entity> {
    let query = filtered(orgs, kind, filter, lookup);
    if let (Some(words), Sort::OpenFirst) = (&filter.query, filter.sort) {
        // A search without a chosen order: records whose name holds the words first, then the
        // newest.
        let escaped = crate::db::like_escaped(words.as_str());
        use sea_orm::sea_query::{Expr, ExprTrait, Func};
        let title = Expr::expr(Func::lower(Expr::col((ledger_record::Entity, ledger_record::Column::Title))));
        let in_title = title.like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\'));
        return query.order_by(in_title, sea_orm::Order::Desc).order_by_desc(ledger_record::Column::Id);
    }
    match filter.sort {
        Sort::OpenFirst if !kind.resting.is_empty() => {
            let at_rest = ledger_record::Column::State.is_in(kind.resting.iter().copied());
            query
                .order_by(sea_orm::sea_query::SimpleExpr::from(at_rest), sea_orm::Order::Asc)
                .order_by_desc(ledger_record::Column::Id)
        }
        Sort::OpenFirst | Sort::Newest => query.order_by_desc(ledger_record::Column::Id),
        Sort::RecentlyHandled => {
            query.order_by_desc(ledger_record::Column::UpdatedAt).order_by_desc(ledger_record::Column::Id)
        }
        Sort::Title => query.order_by_asc(ledger_record::Column::Title).order_by_asc(ledger_record::Column::Id),
    }
}

/// What a search finds out before its list is queried: where the scan of short words starts, and
/// the scope an index confines the words to (`db::search_scope`).
#[derive(Default)]
pub(crate) struct Lookup {
    /// For words of one or two characters, the id of the kind's `SHORT_SCAN`-th newest record in
    /// the scope, when it has more: the scan for them starts there. Found apart, so that a list the
    /// bound does not narrow is planned as a list without it.
    floor: Option<i64>,
    scope: Option<crate::db::ScopeMarks>,
}

impl Lookup {
    pub(crate) async fn of(
        db: &Db,
        orgs: &ScopeOrgs,
        kind: &LedgerKind,
        filter: &ListFilter,
    ) -> Result<Lookup, StoreError> {
        match &filter.query {
            None => Ok(Lookup::default()),
            // Short words the pair index does not hold are scanned.
            Some(words) if words.is_short() && !crate::db::in_pair_index(orgs.backend, words) => {
                Ok(Lookup { floor: newest_floor(db.conn(), orgs, kind).await?, scope: None })
            }
            Some(_) => {
                let ids: Option<Vec<i64>> = (!orgs.everything).then(|| orgs.ids().collect());
                Ok(Lookup { floor: None, scope: crate::db::search_scope(db, kind.code, ids.as_deref()) })
            }
        }
    }
}

async fn newest_floor<C: ConnectionTrait>(
    conn: &C,
    orgs: &ScopeOrgs,
    kind: &LedgerKind,
) -> Result<Option<i64>, StoreError> {
    Ok(ledger_record::Entity::find()
        .select_only()
        .column(ledger_record::Column::Id)
        .filter(ledger_record::Column::Kind.eq(kind.code))
        .filter(orgs.holds_record())
        .order_by_desc(ledger_record::Column::Id)
        .offset(SHORT_SCAN - 1)
        .limit(1)
        .into_tuple::<i64>()
        .one(conn)
        .await?)
}

fn filtered(
    orgs: &ScopeOrgs,
    kind: &LedgerKind,
    filter: &ListFilter,
    lookup: &Lookup,
) -> sea_orm::Select<ledger_record::Entity> {
    let mut query =
        ledger_record::Entity::find().filter(ledger_record::Column::Kind.eq(kind.code)).filter(orgs.holds_record());
    if let Some(state) = filter.state.as_deref().filter(|s| !s.is_empty()) {
        query = query.filter(ledger_record::Column::State.eq(state));
    }
    if !filter.states.is_empty() {
        query = query.filter(ledger_record::Column::State.is_in(filter.states.iter().copied()));
    }
    if let Some((key, value)) = &filter.value {
        use sea_orm::sea_query::ExprTrait;
        query = query.filter(crate::db::value_text(orgs.backend, key).eq(value.clone()));
    }
    if filter.year.is_some() || filter.figure.is_some() {
        // The figure rows say which records a figure counts in which years.
        use ledger_figure::Column as F;
        let mut counted = sea_orm::sea_query::Query::select()
            .column(F::RecordId)
            .from(ledger_figure::Entity)
            .and_where(F::Kind.eq(kind.code))
            .and_where(F::Indicator.eq(filter.figure.as_deref().unwrap_or(fazhi_domain::ledger::RECORDS)))
            .to_owned();
        if let Some(year) = filter.year {
            counted
                .and_where(F::FromYear.lte(year))
                .cond_where(Condition::any().add(F::ToYear.is_null()).add(F::ToYear.gte(year)));
        }
        if !orgs.everything {
            counted.and_where(F::OrgId.is_in(orgs.ids()));
        }
        query = query.filter(ledger_record::Column::Id.in_subquery(counted));
    }
    if let Some((from, to)) = filter.due {
        use ledger_deadline::Column as D;
        let mut open = sea_orm::sea_query::Query::select()
            .column(D::RecordId)
            .from(ledger_deadline::Entity)
            .and_where(D::Kind.eq(kind.code))
            .and_where(D::Due.lte(to))
            .to_owned();
        if let Some(from) = from {
            open.and_where(D::Due.gte(from));
        }
        if !orgs.everything {
            open.and_where(D::OrgId.is_in(orgs.ids()));
        }
        query = query.filter(ledger_record::Column::Id.in_subquery(open));
    }
    if let Some(words) = &filter.query {
        query = query.filter(crate::db::text_match(orgs.backend, words, orgs.personal_search, lookup.scope.as_ref()));
        if let Some(floor) = lookup.floor {
            // One or two characters are below the index: only the kind's newest records in the
            // scope are read for them.
            query = query.filter(ledger_record::Column::Id.gte(floor));
        }
    }
    query
}

/// The ids of a list in its order, a window of them.
pub(crate) async fn list_ids(
    db: &Db,
    orgs: &ScopeOrgs,
    kind: &LedgerKind,
    filter: &ListFilter,
    offset: u64,
    limit: Option<u64>,
) -> Result<Vec<i64>, StoreError> {
    let lookup = Lookup::of(db, orgs, kind, filter).await?;
    list_ids_found(db.conn(), orgs, kind, filter, &lookup, offset, limit).await
}

async fn list_ids_found<C: ConnectionTrait>(
    conn: &C,
    orgs: &ScopeOrgs,
    kind: &LedgerKind,
    filter: &ListFilter,
    lookup: &Lookup,
    offset: u64,
    limit: Option<u64>,
) -> Result<Vec<i64>, StoreError> {
    let mut query = list_query(orgs, kind, filter, lookup).select_only().column(ledger_record::Column::Id);
    // SQLite takes OFFSET only after a LIMIT: the whole list (an export) has neither.
    if let Some(limit) = limit {
        query = query.offset(offset).limit(limit);
    }
    Ok(query.into_tuple().all(conn).await?)
}

/// The rows of these ids, in the order given.
pub(crate) async fn rows_by_id<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<Vec<ledger_record::Model>, StoreError> {
    let mut rows =
        ledger_record::Entity::find().filter(ledger_record::Column::Id.is_in(ids.iter().copied())).all(conn).await?;
    let position: std::collections::HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|m| position.get(&m.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

/// Which page of a list: the ids on it in order, and how many records the list holds (up to the
/// cap).
struct Window {
    ids: Vec<i64>,
    total: u64,
    page: u64,
    page_size: u64,
    more: bool,
    /// The organizations listed, with their names.
    orgs: ScopeOrgs,
    /// Short search words were looked for in the newest [`SHORT_SCAN`] records only, and there
    /// are more.
    newest_only: bool,
}

async fn window(db: &Db, scope: &Scope, kind: &LedgerKind, filter: &ListFilter) -> Result<Window, StoreError> {
    let orgs = ScopeOrgs::listing(db, scope, filter).await?;
    crate::check_paging(filter.page, filter.page_size)?;
    let (page, page_size) = (filter.page, filter.page_size);
    let offset = (page - 1) * page_size;
    if let Some(words) = &filter.query {
        // A search counts its matches up to SEARCH_COUNT_CAP: past that, more words narrow it
        // better than paging does, and every match counted is one more read from the index.
        let cap = (page * page_size).max(SEARCH_COUNT_CAP) + 1;
        // One walk of the matches finds both the count and the page: in the index alone when the
        // list asks nothing of the records but their scope and order.
        let lookup = Lookup::of(db, &orgs, kind, filter).await?;
        let by_index = filter.asks_only_scope_and_order();
        let from_index = match (&lookup.scope, filter.sort) {
            (Some(scope), Sort::OpenFirst | Sort::Newest) if by_index => {
                let names_first = filter.sort == Sort::OpenFirst;
                Some(
                    crate::db::indexed_search_ids(db.conn(), words, orgs.personal_search, scope, names_first, cap)
                        .await?,
                )
            }
            _ => None,
        };
        let all = match from_index {
            Some(ids) => ids,
            None => list_ids_found(db.conn(), &orgs, kind, filter, &lookup, 0, Some(cap)).await?,
        };
        let newest_only = lookup.floor.is_some();
        let total = all.len() as u64;
        let from = usize::try_from(offset).unwrap_or(usize::MAX).min(all.len());
        let to = usize::try_from(offset + page_size).unwrap_or(usize::MAX).min(all.len());
        return Ok(Window {
            ids: all[from..to].to_vec(),
            total: total.min(cap - 1),
            page,
            page_size,
            more: total == cap,
            orgs,
            newest_only,
        });
    }
    // Counting a township's whole ledger on every page view costs more than the page itself: the
    // count stops at COUNT_CAP past the page shown, and the list says "more than" beyond it. It
    // walks an index inside the database, cheaper than bringing the ids out.
    let cap = (page * page_size).max(COUNT_CAP) + 1;
    let total = count_up_to(db.conn(), filtered(&orgs, kind, filter, &Lookup::default()), cap).await?;
    let plain = filter.asks_only_scope_and_order();
    let ids = if filter.sort == Sort::OpenFirst && !kind.resting.is_empty() && plain {
        open_first_page(db.conn(), &orgs, kind, offset, page_size, cap).await?
    } else {
        list_ids(db, &orgs, kind, filter, offset, Some(page_size)).await?
    };
    Ok(Window { ids, total: total.min(cap - 1), page, page_size, more: total == cap, orgs, newest_only: false })
}

/// How many records a query finds, counting no further than `cap`.
async fn count_up_to<C: ConnectionTrait>(
    conn: &C,
    query: sea_orm::Select<ledger_record::Entity>,
    cap: u64,
) -> Result<u64, StoreError> {
    let counted = query.select_only().column(ledger_record::Column::Id).limit(cap).into_query();
    let count = sea_orm::sea_query::Query::select()
        .expr_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
        .from_subquery(counted, "counted")
        .to_owned();
    let total: i64 = match conn.query_one(&count).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(total).unwrap_or(0))
}

/// A record's kind and state as one value, `petitions/archived`: what the index of the records by
/// state, newest first, holds (migration 19). Written only by the walk that should use that index.
pub(crate) const KIND_AND_STATE: &str = "(kind || '/' || state)";

/// Walks of the records, each keeping its own order and limit inside a subquery of its own, as one
/// table `name` to merge them in: `SELECT * FROM (walk) UNION ALL SELECT * FROM (walk) …`. None
/// when there is no walk.
fn merged_walks(
    walks: impl IntoIterator<Item = sea_orm::sea_query::SelectStatement>,
    name: &str,
) -> Option<sea_orm::sea_query::SelectStatement> {
    use sea_orm::sea_query::{Alias, Asterisk, Query, UnionType};
    let mut parts = walks.into_iter().enumerate().map(|(n, walk)| {
        Query::select().column(Asterisk).from_subquery(walk, Alias::new(format!("{name}_{n}"))).to_owned()
    });
    let mut union = parts.next()?;
    for part in parts {
        union.union(UnionType::All, part);
    }
    Some(Query::select().column(Asterisk).from_subquery(union, Alias::new(name)).to_owned())
}

/// A page of a list in its usual order — open records first, then those at rest, each newest
/// first — read as two walks instead of one sort of the whole kind: sorting a district's 250,000
/// archived petitions by "at rest, then id" for every page view cost it a second under load.
async fn open_first_page<C: ConnectionTrait>(
    conn: &C,
    orgs: &ScopeOrgs,
    kind: &LedgerKind,
    offset: u64,
    page_size: u64,
    cap: u64,
) -> Result<Vec<i64>, StoreError> {
    let open: Vec<&str> = kind.states.iter().map(|s| s.code).filter(|c| !kind.resting.contains(c)).collect();
    let part = |states: &[&str]| {
        ledger_record::Entity::find()
            .filter(ledger_record::Column::Kind.eq(kind.code))
            .filter(ledger_record::Column::State.is_in(states.iter().copied()))
            .filter(orgs.holds_record())
            .order_by_desc(ledger_record::Column::Id)
    };
    // Open records are few beside those at rest: found by the state index and sorted.
    let open_count = count_up_to(conn, part(&open), cap).await?;
    let mut ids: Vec<i64> = Vec::new();
    if offset < open_count {
        ids = part(&open)
            .select_only()
            .column(ledger_record::Column::Id)
            .offset(offset)
            .limit(page_size)
            .into_tuple()
            .all(conn)
            .await?;
    }
    let left = page_size.saturating_sub(ids.len() as u64);
    if left > 0 {
        let offset = offset.saturating_sub(open_count);
        let rest: Vec<i64> = if orgs.everything {
            // Across a whole district those at rest are most of a kind: each state's walked newest
            // first down its index (`idx_ledger_by_state_newest`) until the page is full, and the
            // walks merged. Walking the records themselves newest first read every newer record
            // of the other kinds on the way (a millisecond a page, measured).
            use sea_orm::sea_query::{Alias, Expr, Order};
            let walks = kind.resting.iter().map(|state| {
                use sea_orm::sea_query::ExprTrait;
                ledger_record::Entity::find()
                    .select_only()
                    .column(ledger_record::Column::Id)
                    .filter(Expr::cust(KIND_AND_STATE).eq(format!("{}/{state}", kind.code)))
                    .order_by_desc(ledger_record::Column::Id)
                    .limit(offset + left)
                    .into_query()
            });
            let Some(mut query) = merged_walks(walks, "at_rest") else { return Ok(ids) };
            let query = query.order_by(Alias::new("id"), Order::Desc).limit(left).offset(offset).to_owned();
            conn.query_all(&query).await?.iter().map(|row| row.try_get::<i64>("", "id")).collect::<Result<_, _>>()?
        } else {
            // Inside a township, its share found by the index and sorted.
            part(kind.resting)
                .select_only()
                .column(ledger_record::Column::Id)
                .offset(offset)
                .limit(left)
                .into_tuple()
                .all(conn)
                .await?
        };
        ids.extend(rest);
    }
    Ok(ids)
}

/// A page of a kind's records in the caller's scope, with all their values.
pub async fn list(
    db: &Db,
    scope: &Scope,
    kind: &'static LedgerKind,
    filter: &ListFilter,
) -> Result<Listed<RecordView>, StoreError> {
    let w = window(db, scope, kind, filter).await?;
    let items = rows_by_id(db.conn(), &w.ids)
        .await?
        .into_iter()
        .map(|m| view(kind, m).map(|r| for_caller(scope, kind, r)))
        .collect::<Result<_, _>>()?;
    Ok(Listed {
        page: Page { items, total: w.total, page: w.page, page_size: w.page_size },
        more: w.more,
        newest_only: w.newest_only,
    })
}

/// The earliest open time limit of each of these records, for a list's 到期日 column.
pub async fn next_due(db: &Db, ids: &[i64]) -> Result<std::collections::HashMap<i64, NaiveDate>, StoreError> {
    let rows: Vec<(i64, NaiveDate)> = ledger_deadline::Entity::find()
        .select_only()
        .column(ledger_deadline::Column::RecordId)
        .column(ledger_deadline::Column::Due)
        .filter(ledger_deadline::Column::RecordId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut out = std::collections::HashMap::new();
    for (id, due) in rows {
        out.entry(id).and_modify(|d: &mut NaiveDate| *d = (*d).min(due)).or_insert(due);
    }
    Ok(out)
}

/// A record waiting for a step: what a 待我处理 queue lists.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub kind: String,
    pub id: i64,
    pub title: String,
    pub state: String,
    pub org_id: i64,
    pub org_name: String,
    pub updated_at: DateTime<Utc>,
}

/// The records in the caller's scope that are in the given states of the given kinds: those in
/// the `first` (kind, state) pairs first, then the rest, each oldest handled first, at most
/// `limit` in all. The records waiting for a step some role takes from those states. One query
/// for every kind: a UNION of each kind's own walk of its index, merged and cut in the database,
/// as 我的待办 asks it on every view and only its first hundred are shown.
pub async fn waiting(
    db: &Db,
    scope: &Scope,
    wanted: &[(&str, Vec<&str>)],
    first: &[(&str, &str)],
    limit: u64,
) -> Result<Vec<Waiting>, StoreError> {
    use sea_orm::sea_query::{Alias, Expr, Order};
    let orgs = ScopeOrgs::of(db, scope).await?;
    // Each kind's states in two walks, those listed first and the others, each in the order of the
    // merge, so the first `limit` of all are among the first `limit` of each walk.
    let walks: Vec<(&str, Vec<&str>, bool)> = wanted
        .iter()
        .flat_map(|(kind, states)| {
            let (early, late): (Vec<&str>, Vec<&str>) =
                states.iter().partition(|s| first.iter().any(|(k, f)| k == kind && f == *s));
            [(*kind, early, true), (*kind, late, false)]
        })
        .filter(|(_, states, _)| !states.is_empty())
        .collect();
    let walks = walks.iter().map(|(kind, states, early)| {
        ledger_record::Entity::find()
            .select_only()
            .columns([
                ledger_record::Column::Kind,
                ledger_record::Column::Id,
                ledger_record::Column::Title,
                ledger_record::Column::State,
                ledger_record::Column::OrgId,
                ledger_record::Column::UpdatedAt,
            ])
            .expr_as(Expr::val(if *early { 0 } else { 1 }), "later")
            .filter(ledger_record::Column::Kind.eq(*kind))
            .filter(orgs.holds_record())
            .filter(ledger_record::Column::State.is_in(states.iter().copied()))
            .order_by_asc(ledger_record::Column::UpdatedAt)
            .order_by_asc(ledger_record::Column::Id)
            .limit(limit)
            .into_query()
    });
    let Some(mut query) = merged_walks(walks, "waiting") else { return Ok(Vec::new()) };
    let query = query
        .order_by(Alias::new("later"), Order::Asc)
        .order_by(Alias::new("updated_at"), Order::Asc)
        .order_by(Alias::new("id"), Order::Asc)
        .limit(limit)
        .to_owned();
    let rows = db.conn().query_all(&query).await?;
    rows.into_iter()
        .map(|row| {
            let org_id: i64 = row.try_get("", "org_id")?;
            Ok(Waiting {
                kind: row.try_get("", "kind")?,
                id: row.try_get("", "id")?,
                title: row.try_get("", "title")?,
                state: row.try_get("", "state")?,
                org_id,
                org_name: orgs.name_of(org_id),
                updated_at: row.try_get("", "updated_at")?,
            })
        })
        .collect()
}

/// How many records in the caller's scope are in the given states of the given kinds, counted up
/// to `cap`: the menu's count of what waits on a person, one query whatever the kinds.
pub async fn count_waiting(db: &Db, scope: &Scope, wanted: &[(&str, Vec<&str>)], cap: u64) -> Result<u64, StoreError> {
    let mut any = Condition::any();
    for (kind, states) in wanted.iter().filter(|(_, s)| !s.is_empty()) {
        any = any.add(
            Condition::all()
                .add(ledger_record::Column::Kind.eq(*kind))
                .add(ledger_record::Column::State.is_in(states.iter().copied())),
        );
    }
    if any.is_empty() {
        return Ok(0);
    }
    let orgs = ScopeOrgs::of(db, scope).await?;
    let query = ledger_record::Entity::find().filter(any).filter(orgs.holds_record());
    let counted = query.select_only().column(ledger_record::Column::Id).limit(cap).into_query();
    let count = sea_orm::sea_query::Query::select()
        .expr_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
        .from_subquery(counted, "counted")
        .to_owned();
    let n: i64 = match db.conn().query_one(&count).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A record as a list page shows it: no values, so none are read or parsed.
#[derive(Debug, Clone)]
pub struct Summary {
    pub id: i64,
    pub title: String,
    pub state_label: &'static str,
    pub updated_at: DateTime<Utc>,
    /// The organization that keeps the record: the 乡镇（街道） of the district's lists.
    pub org_name: String,
}

/// A page of a kind's records in the caller's scope, as the list page shows them.
pub async fn list_summaries(
    db: &Db,
    scope: &Scope,
    kind: &'static LedgerKind,
    filter: &ListFilter,
) -> Result<Listed<Summary>, StoreError> {
    let w = window(db, scope, kind, filter).await?;
    let rows: Vec<(i64, String, String, DateTime<Utc>, i64)> = ledger_record::Entity::find()
        .select_only()
        .columns([
            ledger_record::Column::Id,
            ledger_record::Column::Title,
            ledger_record::Column::State,
            ledger_record::Column::UpdatedAt,
            ledger_record::Column::OrgId,
        ])
        .filter(ledger_record::Column::Id.is_in(w.ids.iter().copied()))
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut by_id: std::collections::HashMap<i64, Summary> = rows
        .into_iter()
        .map(|(id, title, state, updated_at, org_id)| {
            let org_name = w.orgs.name_of(org_id);
            (id, Summary { id, title, state_label: kind.state_label(&state), updated_at, org_name })
        })
        .collect();
    let items = w.ids.iter().filter_map(|id| by_id.remove(id)).collect();
    Ok(Listed {
        page: Page { items, total: w.total, page: w.page, page_size: w.page_size },
        more: w.more,
        newest_only: w.newest_only,
    })
}

/// The records of each watch list of a kind in the caller's scope, in the lists' order. Only
/// registers declare watch lists (officers, committees), so the kind's records are read whole.
pub async fn watched(
    db: &Db,
    scope: &Scope,
    kind: &'static LedgerKind,
    today: NaiveDate,
    ctx: &Context<'_>,
) -> Result<Vec<(&'static fazhi_domain::ledger::WatchList, Vec<Summary>)>, StoreError> {
    if kind.watch_lists.is_empty() {
        return Ok(Vec::new());
    }
    let rows = ledger_record::Entity::find()
        .filter(ledger_record::Column::Kind.eq(kind.code))
        .filter(ledger_record::Column::OrgPath.starts_with(&scope.org_path))
        .order_by_asc(ledger_record::Column::Id)
        .all(db.conn())
        .await?;
    let orgs = ScopeOrgs::of(db, scope).await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let path = row.org_path.clone();
        records.push((path, view(kind, row)?));
    }
    Ok(kind
        .watch_lists
        .iter()
        .map(|w| {
            let found = records
                .iter()
                .filter(|(path, r)| (w.holds)(&r.state, &r.values, &ctx.at(path), today))
                .map(|(_, r)| Summary {
                    id: r.id,
                    title: r.title.clone(),
                    state_label: r.state_label,
                    updated_at: r.updated_at,
                    org_name: orgs.name_of(r.org_id),
                })
                .collect();
            (w, found)
        })
        .collect())
}

/// Words of one or two characters are looked for in at most this many of a kind's newest records
/// in the caller's scope (a township's ledger of a kind rarely holds more).
pub const SHORT_SCAN: u64 = 10_000;

/// Lists count their records exactly up to this many (or up to the page shown, if deeper).
pub const COUNT_CAP: u64 = 1000;
/// A search's count stops here ("超过 200 条").
pub const SEARCH_COUNT_CAP: u64 = 200;

/// A page of a list, and whether there are more records than its total says.
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub page: Page<T>,
    /// The count stopped at `page.total`: there are more.
    pub more: bool,
    /// Words of one or two characters were looked for in the kind's newest [`SHORT_SCAN`]
    /// records only, and there are older ones.
    pub newest_only: bool,
}

/// Writes every record's search texts again, a thousand at a time: after the split of personal
/// values from the rest (schema 8).
pub(crate) async fn rewrite_search_texts<C: ConnectionTrait>(conn: &C) -> Result<u64, StoreError> {
    let mut after = 0i64;
    let mut written = 0u64;
    loop {
        let page: Vec<(i64, String, String)> = ledger_record::Entity::find()
            .select_only()
            .columns([ledger_record::Column::Id, ledger_record::Column::Kind, ledger_record::Column::ValuesJson])
            .filter(ledger_record::Column::Id.gt(after))
            .order_by_asc(ledger_record::Column::Id)
            .limit(1000)
            .into_tuple()
            .all(conn)
            .await?;
        let Some((last, _, _)) = page.last() else { return Ok(written) };
        after = *last;
        for (id, code, json) in page {
            let (Some(kind), Ok(values)) =
                (fazhi_domain::ledgers::by_code(&code), serde_json::from_str::<Values>(&json))
            else {
                continue;
            };
            let (open, personal) = search_texts(kind, &values);
            ledger_record::Entity::update_many()
                .col_expr(ledger_record::Column::SearchText, sea_orm::sea_query::Expr::value(open))
                .col_expr(ledger_record::Column::PersonalText, sea_orm::sea_query::Expr::value(personal))
                .filter(ledger_record::Column::Id.eq(id))
                .exec(conn)
                .await?;
            written += 1;
        }
    }
}

/// The texts of a record, lower-cased, one per line, what a search looks in: those that are not
/// personal, and those that are (kept apart so only their readers search them).
pub(crate) fn search_texts(kind: &LedgerKind, values: &Values) -> (String, String) {
    let (mut open, mut personal) = (String::new(), String::new());
    for (key, value) in values {
        let Some(s) = value.as_str().filter(|s| !s.is_empty()) else { continue };
        let out = if kind.field(key).is_some_and(|f| f.is_personal_in(values)) { &mut personal } else { &mut open };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&s.to_lowercase());
    }
    (open, personal)
}

/// How a deadline row keeps its period: the period with any extension, and the spans its clock
/// stood still, so a calendar load recounts it without reading the record. Rows written before
/// pauses existed hold the period alone, which reads the same.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredPeriod {
    #[serde(flatten)]
    period: fazhi_domain::calendar::Period,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pauses: Vec<fazhi_domain::calendar::PauseSpan>,
}

impl StoredPeriod {
    fn parse(json: &str, record_id: i64, code: &str) -> Result<StoredPeriod, StoreError> {
        serde_json::from_str(json)
            .map_err(|e| StoreError::Internal(format!("台账记录 {record_id} 的期限 {code} 已损坏：{e}")))
    }

    fn count(&self, ctx: &Context<'_>, start: NaiveDate) -> fazhi_domain::calendar::Counted {
        ctx.calendar.count_paused(start, self.period, &self.pauses)
    }
}

/// Where a record's deadline rows belong.
struct Owner<'a> {
    record_id: i64,
    org_id: i64,
    org_path: &'a str,
    title: &'a str,
}

/// The open time limits of a record, as the to-do list reads them.
fn deadline_rows(
    kind: &LedgerKind,
    owner: &Owner<'_>,
    values: &Values,
    ctx: &Context<'_>,
) -> Vec<ledger_deadline::ActiveModel> {
    // Each record is counted by its own organization's settings.
    kind.deadlines(values, &ctx.at(owner.org_path))
        .into_iter()
        .filter(DeadlineStatus::is_open_limit)
        .map(|d| ledger_deadline::ActiveModel {
            record_id: Set(owner.record_id),
            code: Set(d.deadline.code.to_owned()),
            kind: Set(kind.code.to_owned()),
            org_id: Set(owner.org_id),
            org_path: Set(owner.org_path.to_owned()),
            title: Set(owner.title.to_owned()),
            start: Set(d.counted.start),
            period_json: Set(serde_json::to_string(&StoredPeriod {
                period: d.counted.period,
                pauses: d.counted.pauses.iter().map(|(span, _)| *span).collect(),
            })
            .expect("period serializes")),
            due: Set(d.counted.due),
            provisional: Set(d.counted.provisional),
        })
        .collect()
}

/// Rewrites one record's deadline rows after a change.
async fn write_deadlines<C: ConnectionTrait>(
    conn: &C,
    kind: &LedgerKind,
    record: &RecordView,
    org_path: &str,
    ctx: &Context<'_>,
    new_record: bool,
) -> Result<(), StoreError> {
    let mut counts = OpenCounts::default();
    if !new_record {
        counts.remove(stored_limits(conn, &[record.id]).await?);
        ledger_deadline::Entity::delete_many()
            .filter(ledger_deadline::Column::RecordId.eq(record.id))
            .exec(conn)
            .await?;
    }
    let owner = Owner { record_id: record.id, org_id: record.org_id, org_path, title: &record.title };
    let rows = deadline_rows(kind, &owner, &record.values, ctx);
    counts.add(&rows);
    if !rows.is_empty() {
        ledger_deadline::Entity::insert_many(rows).exec(conn).await?;
    }
    counts.write(conn).await?;
    write_figures(conn, kind, record, &ctx.at(org_path), new_record).await
}

/// The month a limit falls due in, as `ledger_open_counts` keys it (`202612`).
pub(crate) fn due_month(due: NaiveDate) -> i32 {
    due.year() * 100 + due.month() as i32
}

/// The first day of the month `today` is in: the limits due before it are counted by month.
pub(crate) fn month_start(today: NaiveDate) -> NaiveDate {
    today.with_day(1).expect("every month has a first day")
}

/// A limit as the counts key it: organization, kind, deadline code, month due.
type CountKey = (i64, String, String, i32);

/// The open limits a write adds and removes, by (organization, kind, deadline code, month due):
/// what it moves `ledger_open_counts` by.
#[derive(Default)]
struct OpenCounts(BTreeMap<CountKey, i64>);

impl OpenCounts {
    fn add(&mut self, rows: &[ledger_deadline::ActiveModel]) {
        for row in rows {
            let key = (
                *row.org_id.as_ref(),
                row.kind.as_ref().clone(),
                row.code.as_ref().clone(),
                due_month(*row.due.as_ref()),
            );
            *self.0.entry(key).or_default() += 1;
        }
    }

    fn remove(&mut self, stored: Vec<(i64, String, String, NaiveDate)>) {
        for (org_id, kind, code, due) in stored {
            *self.0.entry((org_id, kind, code, due_month(due))).or_default() -= 1;
        }
    }

    /// A limit whose due day moved (a calendar loaded) moves between months.
    fn moved(&mut self, org_id: i64, kind: &str, code: &str, from: NaiveDate, to: NaiveDate) {
        if due_month(from) != due_month(to) {
            *self.0.entry((org_id, kind.to_owned(), code.to_owned(), due_month(from))).or_default() -= 1;
            *self.0.entry((org_id, kind.to_owned(), code.to_owned(), due_month(to))).or_default() += 1;
        }
    }

    /// Adds the differences to the stored counts, in key order (two writers on PostgreSQL lock
    /// the rows they share in the same order). A write that changes no limit writes nothing.
    async fn write<C: ConnectionTrait>(self, conn: &C) -> Result<(), StoreError> {
        use ledger_open_count::Column as O;
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
        let rows: Vec<ledger_open_count::ActiveModel> = self
            .0
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((org_id, kind, code, month), open)| ledger_open_count::ActiveModel {
                org_id: Set(org_id),
                kind: Set(kind),
                code: Set(code),
                month: Set(month),
                open: Set(open),
            })
            .collect();
        for chunk in rows.chunks(2000) {
            let on_conflict = OnConflict::columns([O::OrgId, O::Kind, O::Code, O::Month])
                .value(
                    O::Open,
                    Expr::col((ledger_open_count::Entity, O::Open)).add(Expr::col((Alias::new("excluded"), O::Open))),
                )
                .to_owned();
            ledger_open_count::Entity::insert_many(chunk.to_vec()).on_conflict(on_conflict).exec(conn).await?;
        }
        Ok(())
    }
}

/// The (organization, kind, deadline code, due day) of the stored limits of these records: what
/// deleting them takes off the counts.
async fn stored_limits<C: ConnectionTrait>(
    conn: &C,
    record_ids: &[i64],
) -> Result<Vec<(i64, String, String, NaiveDate)>, StoreError> {
    use ledger_deadline::Column as D;
    Ok(ledger_deadline::Entity::find()
        .select_only()
        .columns([D::OrgId, D::Kind, D::Code, D::Due])
        .filter(D::RecordId.is_in(record_ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Counts `ledger_open_counts` again from the limits stored: when the table is made, and after a
/// restore. One grouped read by due day, summed by month here.
pub(crate) async fn recount_open_counts<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    use ledger_deadline::Column as D;
    ledger_open_count::Entity::delete_many().exec(conn).await?;
    let by_day: Vec<(i64, String, String, NaiveDate, i64)> = ledger_deadline::Entity::find()
        .select_only()
        .columns([D::OrgId, D::Kind, D::Code, D::Due])
        .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
        .group_by(D::OrgId)
        .group_by(D::Kind)
        .group_by(D::Code)
        .group_by(D::Due)
        .into_tuple()
        .all(conn)
        .await?;
    let mut counts = OpenCounts::default();
    for (org_id, kind, code, due, n) in by_day {
        *counts.0.entry((org_id, kind, code, due_month(due))).or_default() += n;
    }
    counts.write(conn).await
}

/// A record's figure rows, each added to `totals` as it is made.
fn figure_rows(
    kind: &LedgerKind,
    record_id: i64,
    org_id: i64,
    state: &str,
    values: &Values,
    ctx: &Context<'_>,
    totals: &mut Totals,
) -> Vec<ledger_figure::ActiveModel> {
    kind.stored_figures(state, values, ctx)
        .into_iter()
        .map(|f| {
            totals.add((org_id, kind.code.to_owned(), f.indicator.clone(), f.from_year, f.to_year), f.amount, 1);
            ledger_figure::ActiveModel {
                record_id: Set(record_id),
                org_id: Set(org_id),
                kind: Set(kind.code.to_owned()),
                indicator: Set(f.indicator),
                from_year: Set(f.from_year),
                to_year: Set(f.to_year),
                amount: Set(f.amount),
                ..Default::default()
            }
        })
        .collect()
}

/// A record's figure rows, written again with the record, and the totals moved by the difference.
async fn write_figures<C: ConnectionTrait>(
    conn: &C,
    kind: &LedgerKind,
    record: &RecordView,
    ctx: &Context<'_>,
    new_record: bool,
) -> Result<(), StoreError> {
    let mut totals = Totals::default();
    if !new_record {
        let old: Vec<(i64, String, String, i32, Option<i32>, i64)> = ledger_figure::Entity::find()
            .select_only()
            .columns([
                ledger_figure::Column::OrgId,
                ledger_figure::Column::Kind,
                ledger_figure::Column::Indicator,
                ledger_figure::Column::FromYear,
                ledger_figure::Column::ToYear,
                ledger_figure::Column::Amount,
            ])
            .filter(ledger_figure::Column::RecordId.eq(record.id))
            .into_tuple()
            .all(conn)
            .await?;
        for (org_id, kind, indicator, from, to, amount) in old {
            totals.add((org_id, kind, indicator, from, to), -amount, -1);
        }
        ledger_figure::Entity::delete_many().filter(ledger_figure::Column::RecordId.eq(record.id)).exec(conn).await?;
    }
    let rows = figure_rows(kind, record.id, record.org_id, &record.state, &record.values, ctx, &mut totals);
    if !rows.is_empty() {
        ledger_figure::Entity::insert_many(rows).exec(conn).await?;
    }
    totals.write(conn).await
}

/// What some figure rows add to the totals, by (organization, kind, indicator, from, to).
#[derive(Default)]
struct Totals(BTreeMap<TotalKey, (i64, i64)>);

/// Organization, kind, indicator, first year, last year (none while open).
type TotalKey = (i64, String, String, i32, Option<i32>);

impl Totals {
    fn add(&mut self, key: TotalKey, amount: i64, records: i64) {
        let entry = self.0.entry(key).or_default();
        entry.0 += amount;
        entry.1 += records;
    }

    /// Adds the differences to the stored totals, in key order (two writers on PostgreSQL lock
    /// the rows they share in the same order). A step that changes no figure writes nothing.
    async fn write<C: ConnectionTrait>(self, conn: &C) -> Result<(), StoreError> {
        use ledger_figure_total::Column as T;
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
        let rows: Vec<ledger_figure_total::ActiveModel> = self
            .0
            .into_iter()
            .filter(|(_, (amount, records))| *amount != 0 || *records != 0)
            .map(|((org_id, kind, indicator, from_year, to_year), (amount, records))| {
                ledger_figure_total::ActiveModel {
                    org_id: Set(org_id),
                    kind: Set(kind),
                    indicator: Set(indicator),
                    from_year: Set(from_year),
                    to_year: Set(to_year.unwrap_or(ledger_figure_total::OPEN)),
                    amount: Set(amount),
                    records: Set(records),
                    ..Default::default()
                }
            })
            .collect();
        let excluded = Alias::new("excluded");
        // Eight columns a row: well under the bind-parameter limits of both databases.
        for chunk in rows.chunks(2000) {
            let on_conflict = OnConflict::columns([T::OrgId, T::Kind, T::Indicator, T::FromYear, T::ToYear])
                .value(
                    T::Amount,
                    Expr::col((ledger_figure_total::Entity, T::Amount)).add(Expr::col((excluded.clone(), T::Amount))),
                )
                .value(
                    T::Records,
                    Expr::col((ledger_figure_total::Entity, T::Records)).add(Expr::col((excluded.clone(), T::Records))),
                )
                .to_owned();
            ledger_figure_total::Entity::insert_many(chunk.to_vec()).on_conflict(on_conflict).exec(conn).await?;
        }
        Ok(())
    }
}

/// A record as the batched walks read it: id, kind, organization and its path, title, state,
/// values as stored.
type Stored = (i64, String, i64, String, String, String, String);

/// The next records after `after`, in id order, up to 5,000: the walks below read the table in its
/// own order, a batch at a time, whatever its size.
async fn batch_after<C: ConnectionTrait>(conn: &C, after: i64) -> Result<Vec<Stored>, StoreError> {
    Ok(ledger_record::Entity::find()
        .select_only()
        .columns([
            ledger_record::Column::Id,
            ledger_record::Column::Kind,
            ledger_record::Column::OrgId,
            ledger_record::Column::OrgPath,
            ledger_record::Column::Title,
            ledger_record::Column::State,
            ledger_record::Column::ValuesJson,
        ])
        .filter(ledger_record::Column::Id.gt(after))
        .order_by_asc(ledger_record::Column::Id)
        .limit(5000)
        .into_tuple()
        .all(conn)
        .await?)
}

fn parse_stored(id: i64, json: &str) -> Result<Values, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Internal(format!("台账记录 {id} 的内容已损坏：{e}")))
}

/// Writes the figure rows of every record stored after `after_id`, and adds them to the totals:
/// an import's, the demo's, or all of them when the rows are written again (both tables emptied
/// first).
pub(crate) async fn count_figures_after<C: ConnectionTrait>(
    conn: &C,
    after_id: i64,
    ctx: &Context<'_>,
) -> Result<usize, StoreError> {
    let mut after = after_id;
    let mut written = 0;
    let mut totals = Totals::default();
    loop {
        let batch = batch_after(conn, after).await?;
        let Some(last) = batch.last() else { break };
        after = last.0;
        let mut rows = Vec::new();
        for (id, kind, org_id, org_path, _, state, json) in &batch {
            let Some(kind) = fazhi_domain::ledgers::by_code(kind) else { continue };
            let values = parse_stored(*id, json)?;
            rows.extend(figure_rows(kind, *id, *org_id, state, &values, &ctx.at(org_path), &mut totals));
        }
        written += rows.len();
        // Eight columns a row: well under the bind-parameter limits of both databases.
        for chunk in rows.chunks(2000) {
            ledger_figure::Entity::insert_many(chunk.to_vec()).exec(conn).await?;
        }
    }
    totals.write(conn).await?;
    Ok(written)
}

/// Counts the deadline rows of every record stored after `after_id`: all of them after a calendar
/// or settings change (from 0, the table emptied first), an import's rows after an import. Kinds
/// without deadlines are skipped before their values are parsed. Returns the last id read and the
/// number of open limits.
pub(crate) async fn count_deadlines_after<C: ConnectionTrait>(
    conn: &C,
    after_id: i64,
    ctx: &Context<'_>,
) -> Result<(i64, usize), StoreError> {
    let mut counts = OpenCounts::default();
    let counted = deadlines_after(conn, after_id, ctx, Some(&mut counts)).await?;
    counts.write(conn).await?;
    Ok(counted)
}

/// [`count_deadlines_after`] for the migration of a database older than `ledger_open_counts`,
/// which counts them when it makes the table.
pub(crate) async fn count_deadlines_before_open_counts<C: ConnectionTrait>(
    conn: &C,
    ctx: &Context<'_>,
) -> Result<(i64, usize), StoreError> {
    deadlines_after(conn, 0, ctx, None).await
}

async fn deadlines_after<C: ConnectionTrait>(
    conn: &C,
    after_id: i64,
    ctx: &Context<'_>,
    mut counts: Option<&mut OpenCounts>,
) -> Result<(i64, usize), StoreError> {
    let mut after = after_id;
    let mut open = 0;
    loop {
        let batch = batch_after(conn, after).await?;
        let Some(last) = batch.last() else { break };
        after = last.0;
        let mut rows = Vec::new();
        for (id, kind, org_id, org_path, title, _, json) in &batch {
            let Some(kind) = fazhi_domain::ledgers::by_code(kind).filter(|k| !k.deadlines.is_empty()) else { continue };
            let owner = Owner { record_id: *id, org_id: *org_id, org_path, title };
            rows.extend(deadline_rows(kind, &owner, &parse_stored(*id, json)?, ctx));
        }
        open += rows.len();
        if let Some(counts) = counts.as_deref_mut() {
            counts.add(&rows);
        }
        // Ten columns a row: well under the bind-parameter limits of both databases.
        for chunk in rows.chunks(1000) {
            ledger_deadline::Entity::insert_many(chunk.to_vec()).exec(conn).await?;
        }
    }
    Ok((after, open))
}

/// After a calendar year is loaded, inside that transaction: the open limits are the same ones
/// (whether a limit is open depends on the record, never on the calendar), so each row's due day
/// is counted again from its own start and period, and only the rows whose day or provisional
/// mark changed are written. No record is read. Returns how many rows changed.
pub(crate) async fn recount_due_days<C: ConnectionTrait>(conn: &C, ctx: &Context<'_>) -> Result<usize, StoreError> {
    type Row = (i64, String, String, i64, NaiveDate, String, NaiveDate, bool);
    let rows: Vec<Row> = ledger_deadline::Entity::find()
        .select_only()
        .columns([
            ledger_deadline::Column::RecordId,
            ledger_deadline::Column::Code,
            ledger_deadline::Column::Kind,
            ledger_deadline::Column::OrgId,
            ledger_deadline::Column::Start,
            ledger_deadline::Column::PeriodJson,
            ledger_deadline::Column::Due,
            ledger_deadline::Column::Provisional,
        ])
        .into_tuple()
        .all(conn)
        .await?;
    let mut changed = 0;
    let mut counts = OpenCounts::default();
    for (record_id, code, kind, org_id, start, period_json, due, provisional) in rows {
        let counted = StoredPeriod::parse(&period_json, record_id, &code)?.count(ctx, start);
        if (counted.due, counted.provisional) == (due, provisional) {
            continue;
        }
        counts.moved(org_id, &kind, &code, due, counted.due);
        ledger_deadline::Entity::update_many()
            .col_expr(ledger_deadline::Column::Due, sea_orm::sea_query::Expr::value(counted.due))
            .col_expr(ledger_deadline::Column::Provisional, sea_orm::sea_query::Expr::value(counted.provisional))
            .filter(ledger_deadline::Column::RecordId.eq(record_id))
            .filter(ledger_deadline::Column::Code.eq(code))
            .exec(conn)
            .await?;
        changed += 1;
    }
    counts.write(conn).await?;
    Ok(changed)
}

/// After a setting changed, inside that transaction: the records with an open limit counted by
/// that setting get their rows counted again from their values. Returns how many rows that was.
pub(crate) async fn recount_setting<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    ctx: &Context<'_>,
) -> Result<usize, StoreError> {
    let mut recounted = 0;
    for kind in fazhi_domain::ledgers::ALL {
        let codes: Vec<&str> = kind.deadlines.iter().filter(|d| d.setting == Some(key)).map(|d| d.code).collect();
        if codes.is_empty() {
            continue;
        }
        let ids: Vec<i64> = ledger_deadline::Entity::find()
            .select_only()
            .column(ledger_deadline::Column::RecordId)
            .distinct()
            .filter(ledger_deadline::Column::Kind.eq(kind.code))
            .filter(ledger_deadline::Column::Code.is_in(codes))
            .into_tuple()
            .all(conn)
            .await?;
        for chunk in ids.chunks(1000) {
            let mut counts = OpenCounts::default();
            counts.remove(stored_limits(conn, chunk).await?);
            ledger_deadline::Entity::delete_many()
                .filter(ledger_deadline::Column::RecordId.is_in(chunk.iter().copied()))
                .exec(conn)
                .await?;
            let mut rows = Vec::new();
            for m in rows_by_id(conn, chunk).await? {
                let record = view(kind, m.clone())?;
                let owner = Owner { record_id: m.id, org_id: m.org_id, org_path: &m.org_path, title: &m.title };
                rows.extend(deadline_rows(kind, &owner, &record.values, ctx));
            }
            recounted += rows.len();
            counts.add(&rows);
            for rows in rows.chunks(1000) {
                ledger_deadline::Entity::insert_many(rows.to_vec()).exec(conn).await?;
            }
            counts.write(conn).await?;
        }
    }
    Ok(recounted)
}

/// An open time limit as the to-do list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DueItem {
    pub record_id: i64,
    pub kind: String,
    pub kind_label: &'static str,
    pub title: String,
    pub org_path: String,
    /// The organization that keeps the record (乡镇、街道).
    pub org_name: String,
    pub code: String,
    pub label: &'static str,
    pub start: NaiveDate,
    pub due: NaiveDate,
    pub overdue: bool,
    pub provisional: bool,
    /// How the due day was counted: start, rule, unit, holidays skipped.
    pub how: Vec<String>,
}

/// How many open limits have passed and how many fall due from today to a day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenLimits {
    pub overdue: i64,
    pub due_soon: i64,
}

/// The open limits of the organizations in `orgs`, by organization and kind: how many have passed
/// and how many fall due from today to `until`, only of the (kind, code) pairs in `only` if given.
/// Those due in months past are counted already (`ledger_open_counts`); only this month's are
/// read, a range of the due index, so the cost grows neither with the years of overdue limits nor
/// with those due years ahead. The district's 我的待办 and overview both count here.
pub(crate) async fn open_limit_counts<C: ConnectionTrait>(
    conn: &C,
    orgs: &ScopeOrgs,
    today: NaiveDate,
    until: NaiveDate,
    only: Option<&[(&str, &str)]>,
) -> Result<Vec<(i64, String, OpenLimits)>, StoreError> {
    use ledger_deadline::Column as D;
    use ledger_open_count::Column as O;
    use sea_orm::sea_query::{Expr, Func};
    fn pairs<Col: ColumnTrait>(only: &[(&str, &str)], kind_col: Col, code_col: Col) -> Condition {
        let mut any = Condition::any();
        for (kind, code) in only {
            any = any.add(Condition::all().add(kind_col.eq(*kind)).add(code_col.eq(*code)));
        }
        any
    }
    let mut past_months = ledger_open_count::Entity::find()
        .select_only()
        .columns([O::OrgId, O::Kind])
        // SUM of a 64-bit column is NUMERIC on PostgreSQL: cast back.
        .column_as(Expr::cust("CAST(SUM(open) AS BIGINT)"), "open")
        .filter(O::Month.lt(due_month(today)))
        .group_by(O::OrgId)
        .group_by(O::Kind);
    let side = |overdue: bool| -> Expr {
        let cond = if overdue { D::Due.lt(today) } else { D::Due.gte(today) };
        // SUM of 32-bit integers is a 64-bit integer on PostgreSQL.
        Func::sum(Expr::case(cond, 1i32).finally(0i32)).into()
    };
    let mut this_month = ledger_deadline::Entity::find()
        .select_only()
        .columns([D::OrgId, D::Kind])
        .column_as(side(true), "overdue")
        .column_as(side(false), "due_soon")
        .filter(D::Due.gte(month_start(today)))
        .filter(D::Due.lte(Ord::max(until, today)))
        .group_by(D::OrgId)
        .group_by(D::Kind);
    if !orgs.everything {
        past_months = past_months.filter(O::OrgId.is_in(orgs.ids()));
        this_month = this_month.filter(D::OrgId.is_in(orgs.ids()));
    }
    if let Some(only) = only {
        past_months = past_months.filter(pairs(only, O::Kind, O::Code));
        this_month = this_month.filter(pairs(only, D::Kind, D::Code));
    }
    let past_months: Vec<(i64, String, i64)> = past_months.into_tuple().all(conn).await?;
    let this_month: Vec<(i64, String, Option<i64>, Option<i64>)> = this_month.into_tuple().all(conn).await?;
    let mut out: BTreeMap<(i64, String), OpenLimits> = BTreeMap::new();
    for (org_id, kind, open) in past_months {
        out.entry((org_id, kind)).or_default().overdue += open;
    }
    for (org_id, kind, overdue, due_soon) in this_month {
        let entry = out.entry((org_id, kind)).or_default();
        entry.overdue += overdue.unwrap_or(0);
        entry.due_soon += due_soon.unwrap_or(0);
    }
    Ok(out.into_iter().map(|((org_id, kind), counted)| (org_id, kind, counted)).collect())
}

/// Which of the limits due the list shows (the counts always cover all of them).
#[derive(Debug, Clone, Default)]
pub struct DueItems<'a> {
    /// Only one township's (its organization path).
    pub org_path: Option<&'a str>,
    /// Only the passed ones (`Some(true)`) or only those not yet due (`Some(false)`).
    pub overdue: Option<bool>,
    /// Only one ledger kind's.
    pub kind: Option<&'a str>,
}

/// The limits in the caller's scope that fall due by `until` (overdue ones included), soonest
/// first, at most `limit` of them, only of the (kind, code) pairs in `only` if given, narrowed by
/// `shown`; and, per organization path, how many fall due from today to `until` and how many have
/// passed (all of them, whatever `until`).
#[allow(clippy::too_many_arguments)]
pub async fn due_by(
    db: &Db,
    scope: &Scope,
    today: NaiveDate,
    until: NaiveDate,
    limit: u64,
    only: Option<&[(&str, &str)]>,
    shown: &DueItems<'_>,
    ctx: &Context<'_>,
) -> Result<(Vec<DueItem>, Vec<(String, u64, u64)>), StoreError> {
    let orgs = ScopeOrgs::of(db, scope).await?;
    let in_scope = || {
        let mut query = ledger_deadline::Entity::find().filter(ledger_deadline::Column::Due.lte(until));
        if !orgs.everything {
            query = query.filter(ledger_deadline::Column::OrgId.is_in(orgs.ids()));
        }
        if let Some(only) = only {
            let mut any = sea_orm::Condition::any();
            for (kind, code) in only {
                any = any.add(
                    sea_orm::Condition::all()
                        .add(ledger_deadline::Column::Kind.eq(*kind))
                        .add(ledger_deadline::Column::Code.eq(*code)),
                );
            }
            query = query.filter(any);
        }
        query
    };
    let mut listed = in_scope();
    if let Some(path) = shown.org_path {
        listed = listed.filter(ledger_deadline::Column::OrgPath.starts_with(path));
    }
    match shown.overdue {
        Some(true) => listed = listed.filter(ledger_deadline::Column::Due.lt(today)),
        Some(false) => listed = listed.filter(ledger_deadline::Column::Due.gte(today)),
        None => {}
    }
    if let Some(kind) = shown.kind {
        listed = listed.filter(ledger_deadline::Column::Kind.eq(kind));
    }
    let rows = listed
        .order_by_asc(ledger_deadline::Column::Due)
        .order_by_asc(ledger_deadline::Column::RecordId)
        .limit(limit)
        .all(db.conn())
        .await?;
    let items = rows
        .into_iter()
        .filter_map(|row| {
            let kind = fazhi_domain::ledgers::by_code(&row.kind)?;
            let deadline = kind.deadlines.iter().find(|d| d.code == row.code)?;
            let counted = StoredPeriod::parse(&row.period_json, row.record_id, &row.code).ok()?.count(ctx, row.start);
            let mut how = vec![format!("依据：{}", deadline.article)];
            how.extend(counted.explain());
            Some(DueItem {
                record_id: row.record_id,
                kind: row.kind,
                kind_label: kind.label,
                title: row.title,
                org_name: orgs.name_of(row.org_id),
                org_path: row.org_path,
                code: row.code,
                label: deadline.label,
                start: row.start,
                due: row.due,
                overdue: row.due < today,
                provisional: row.provisional,
                how,
            })
        })
        .collect();
    let mut per_path: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (org_id, _, counted) in open_limit_counts(db.conn(), &orgs, today, until, only).await? {
        let entry = per_path.entry(orgs.path_of(org_id).to_owned()).or_default();
        entry.0 += counted.due_soon;
        entry.1 += counted.overdue;
    }
    let per_path: BTreeMap<String, (u64, u64)> = per_path
        .into_iter()
        .filter(|(_, (soon, overdue))| *soon != 0 || *overdue != 0)
        .map(|(path, (soon, overdue))| (path, (u64::try_from(soon).unwrap_or(0), u64::try_from(overdue).unwrap_or(0))))
        .collect();
    Ok((items, per_path.into_iter().map(|(p, (soon, overdue))| (p, soon, overdue)).collect()))
}
