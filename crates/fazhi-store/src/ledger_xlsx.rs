//! Any ledger list as an `.xlsx` file, and an `.xlsx` file as records: the columns come from the
//! kind's declaration (`fazhi_domain::ledger_table`), the cells from `fazhi_office`. An import is
//! all or nothing: every row is checked first, and one bad cell imports nothing.
//!
//! A row is never stored as it stands: it becomes a record in its kind's first state and takes,
//! in order, each step whose fields it fills, through the same `LedgerKind::take` a person's click
//! goes through (actor, guards, dates, references, extension caps). What the system sets (signers,
//! approvers, unified numbers) is never read from a cell. A row that keeps the 编号 an export gave
//! it updates that record: unchanged, it changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use fazhi_domain::ledger::{ActorFacts, Context, FieldType, LedgerKind, Refusal, Values, as_input, text};
use fazhi_domain::ledger_table::{Columns, column_letter};
use fazhi_office::xlsx::{Cell, TableWriter, read_sheet};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, Change};
use crate::entities::{ledger_record, ledger_sequence, ledger_upload, organization};
use crate::ledger::ListFilter;
use crate::{Actor, Db, Scope, StoreError};

/// A filtered list as a spreadsheet, in the list's order. Personal fields are masked where the
/// scope does not show them (`Scope::sees_personal`: outside the caller's township). The export
/// is audited with its filter.
pub async fn export(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    kind: &'static LedgerKind,
    filter: &ListFilter,
) -> Result<(Vec<u8>, u64), StoreError> {
    let mask_personal = !scope.sees_personal_everywhere();
    let headers = kind.table_headers();
    let mut writer = TableWriter::new(kind.label, &headers).map_err(office)?;
    // The ids in the list's order from the indexes, then the rows a thousand at a time.
    let orgs = crate::ledger::ScopeOrgs::listing(db, scope, filter).await?;
    let ids = crate::ledger::list_ids(db, &orgs, kind, filter, 0, None).await?;
    let mut rows = 0u64;
    for chunk in ids.chunks(1000) {
        for m in crate::ledger::rows_by_id(db.conn(), chunk).await? {
            let values: Values = serde_json::from_str(&m.values_json)
                .map_err(|e| StoreError::Internal(format!("台账记录 {} 的内容已损坏：{e}", m.id)))?;
            let cells: Vec<Cell> = kind
                .table_row(m.id, m.version, &m.state, &values, !scope.sees_personal(&m.org_path))
                .into_iter()
                .zip([None, None, None].into_iter().chain(kind.fields.iter().map(Some)))
                .map(|(v, field)| cell(v, field.map(|f| f.ty)))
                .collect();
            writer.push(&cells).map_err(office)?;
            rows += 1;
        }
    }
    let bytes = writer.finish().map_err(office)?;
    let change = Change::new("ledger.export", kind.code, "").after(
        serde_json::json!({ "rows": rows, "state": filter.state, "query": filter.query, "masked": mask_personal }),
    );
    audit::record(db, actor, change).await?;
    Ok((bytes, rows))
}

fn cell(v: Value, ty: Option<FieldType>) -> Cell {
    match (v, ty) {
        (Value::Null, _) => Cell::Empty,
        (Value::Number(n), _) => n.as_i64().map(Cell::Integer).unwrap_or_else(|| Cell::Text(n.to_string())),
        (Value::String(s), Some(FieldType::Date)) => {
            fazhi_domain::ledger::parse_date(&s).map(Cell::Date).unwrap_or(Cell::Text(s))
        }
        (Value::String(s), _) => Cell::Text(s),
        (other, _) => Cell::Text(other.to_string()),
    }
}

fn office(e: fazhi_office::xlsx::OfficeError) -> StoreError {
    match e {
        fazhi_office::xlsx::OfficeError::Read(m) => StoreError::invalid("file", m),
        other => StoreError::Internal(other.to_string()),
    }
}

/// A cell that does not fit: the row and column the spreadsheet shows, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportError {
    /// 0 for the header row's problems that concern no data row.
    pub row: usize,
    /// A, B, … ; empty when the problem is a missing column.
    pub column: String,
    pub header: String,
    pub message: String,
}

impl ImportError {
    /// 第 5 行 C 列（承办单位）：“承办单位”必填.
    pub fn describe(&self) -> String {
        let at = match (self.row, self.column.is_empty()) {
            (0, true) => "列名".to_owned(),
            (0, false) => format!("第 1 行 {} 列", self.column),
            (r, true) => format!("第 {r} 行"),
            (r, false) => format!("第 {r} 行 {} 列", self.column),
        };
        if self.header.is_empty() {
            format!("{at}：{}", self.message)
        } else {
            format!("{at}（{}）：{}", self.header, self.message)
        }
    }
}

/// What one row will do: 新建, 更新 or 无变化, with the state it ends in and its title.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PreviewRow {
    pub row: usize,
    pub action: String,
    pub state: String,
    pub title: String,
}

/// What an import found: the rows it read, the first of them as they will be stored, and every
/// error. When there is an error nothing was stored.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    /// New records, records updated, rows that change nothing.
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The first rows that create or update a record.
    pub preview: Vec<PreviewRow>,
    /// New rows that look like records already held, not created unless confirmed; the first 200.
    pub duplicates: Vec<DuplicateRow>,
    /// How many such rows there are.
    pub duplicate_count: usize,
    pub errors: Vec<ImportError>,
    /// Whether the records were stored (false for a preview, or when there are errors).
    pub imported: bool,
}

/// Errors listed at most; the count says how many there were.
const MAX_ERRORS: usize = 200;

/// Who imports: the steps a row replays are theirs, held to the same actor rules as their clicks.
#[derive(Clone, Copy)]
pub struct Importer<'a> {
    pub actor: &'a Actor,
    pub facts: ActorFacts<'a>,
    pub scope: &'a Scope,
}

/// The file imported, by the name its uploader gave it (the history of each record names it), and
/// the rows its uploader confirmed are new though they look like records already held.
#[derive(Clone, Copy)]
pub struct ImportFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    pub confirmed_rows: &'a [usize],
}

/// A new row that looks like a record already held (same kind, township, title and first date):
/// not created unless its uploader confirms it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DuplicateRow {
    pub row: usize,
    pub title: String,
    /// The 编号 of the record it looks like.
    pub existing: i64,
}

/// What makes two records of a kind look like the same one: the title and the first date recorded.
fn likeness(kind: &LedgerKind, values: &Values) -> Option<(String, String)> {
    let first = kind.create_fields().find(|f| f.ty == FieldType::Date && values.contains_key(f.key))?;
    Some((text(values, kind.title_field).to_owned(), text(values, first.key).to_owned()))
}

/// The likeness of every record of a kind in an organization and below, read a page at a time so
/// memory holds the keys only.
async fn held_records<C: ConnectionTrait>(
    conn: &C,
    kind: &LedgerKind,
    org_path: &str,
) -> Result<HashMap<(String, String), i64>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let mut held = HashMap::new();
    let mut after = 0i64;
    loop {
        let page: Vec<(i64, String)> = ledger_record::Entity::find()
            .select_only()
            .columns([ledger_record::Column::Id, ledger_record::Column::ValuesJson])
            .filter(ledger_record::Column::Kind.eq(kind.code))
            .filter(ledger_record::Column::OrgPath.starts_with(org_path))
            .filter(ledger_record::Column::Id.gt(after))
            .order_by_asc(ledger_record::Column::Id)
            .limit(2000)
            .into_tuple()
            .all(conn)
            .await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        for (id, json) in page {
            let values: Values = serde_json::from_str(&json).unwrap_or_default();
            if let Some(key) = likeness(kind, &values) {
                held.entry(key).or_insert(id);
            }
        }
    }
    Ok(held)
}

/// Reads a spreadsheet of a kind into an organization of the importer's scope. With `store` false
/// it only checks (the preview), on a snapshot. With `store` true it checks and stores in one
/// write transaction and commits only if no row was refused: one bad row and nothing is stored.
pub async fn import(
    db: &Db,
    who: Importer<'_>,
    kind: &'static LedgerKind,
    org_id: i64,
    file: ImportFile<'_>,
    ctx: &Context<'_>,
    store: bool,
) -> Result<ImportReport, StoreError> {
    may_import(kind, &who)?;
    if store {
        import_with(db, who, kind, org_id, file, ctx, None).await
    } else {
        let snapshot = db.begin_snapshot().await?;
        let report = run(&snapshot, None, who, kind, org_id, file, ctx).await?.0;
        drop(snapshot);
        record_refusal(db, who, kind, org_id, file, &report).await?;
        Ok(report)
    }
}

/// Who may fill a ledger from a spreadsheet: those who open its records, and only for a ledger the
/// township keeps (a record the district opens names its township, which a row cannot).
fn may_import(kind: &LedgerKind, who: &Importer<'_>) -> Result<(), StoreError> {
    if kind.keeper != fazhi_domain::ledger::Keeper::Township {
        return Err(StoreError::Refused {
            rule: None,
            message: format!("“{}”由区县督察员在系统中逐条交办，不能从表格导入", kind.label),
        });
    }
    if !kind.keeper.may_open(who.facts.roles) {
        return Err(StoreError::Forbidden(kind.keeper.refusal(kind.label)));
    }
    Ok(())
}

/// A refused file is on the audit trail: who, which file, how many rows and where the refusals
/// are (row and column only: a message may quote a citizen's name).
async fn record_refusal(
    db: &Db,
    who: Importer<'_>,
    kind: &LedgerKind,
    org_id: i64,
    file: ImportFile<'_>,
    report: &ImportReport,
) -> Result<(), StoreError> {
    if report.errors.is_empty() {
        return Ok(());
    }
    let at: Vec<String> = report.errors.iter().take(20).map(|e| format!("{}{}", e.row, e.column)).collect();
    let change = Change::new("ledger.import_refused", kind.code, org_id).after(serde_json::json!({
        "file": file.name, "rows": report.rows, "errors": report.errors.len(), "at": at,
    }));
    audit::record(db, who.actor, change).await?;
    Ok(())
}

/// Checks and stores in one write transaction; the stashed upload, if any, is taken in it.
async fn import_with(
    db: &Db,
    who: Importer<'_>,
    kind: &'static LedgerKind,
    org_id: i64,
    file: ImportFile<'_>,
    ctx: &Context<'_>,
    upload: Option<i64>,
) -> Result<ImportReport, StoreError> {
    let txn = db.begin_write().await?;
    // The upload is taken first, under the write lock: a second confirmation of the same upload
    // finds it gone. A refused import drops the transaction, and the upload stays for a retry.
    if let Some(id) = upload
        && ledger_upload::Entity::delete_by_id(id).exec(&txn).await?.rows_affected == 0
    {
        return Err(StoreError::NotFound);
    }
    let mut appender = audit::Appender::new(&txn).await?;
    let (mut report, org) = run(&txn, Some(&mut appender), who, kind, org_id, file, ctx).await?;
    if !report.errors.is_empty() {
        // Nothing of the file is kept: the transaction goes, the refusal is recorded.
        drop(appender);
        txn.rollback().await?;
        record_refusal(db, who, kind, org_id, file, &report).await?;
        return Ok(report);
    }
    let change = Change::new("ledger.import", kind.code, org_id).after(serde_json::json!({
        "rows": report.rows, "org": org, "file": file.name, "file_bytes": file.bytes.len(),
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
    }));
    appender.push(who.actor, change).await?;
    appender.finish().await?;
    crate::db::reset_id_sequences(&txn).await?;
    txn.commit().await?;
    report.imported = true;
    Ok(report)
}

/// The unified numbers a replay draws, kept in memory for the import and written once at its end.
struct Numbers {
    last: BTreeMap<i32, i64>,
    touched: HashSet<i32>,
}

impl Numbers {
    async fn of<C: ConnectionTrait>(conn: &C, kind: &LedgerKind, org_id: i64) -> Result<Numbers, StoreError> {
        let rows = ledger_sequence::Entity::find()
            .filter(ledger_sequence::Column::Kind.eq(kind.code))
            .filter(ledger_sequence::Column::OrgId.eq(org_id))
            .all(conn)
            .await?;
        Ok(Numbers { last: rows.into_iter().map(|r| (r.year, r.last)).collect(), touched: HashSet::new() })
    }

    fn next(&mut self, year: i32) -> i64 {
        self.touched.insert(year);
        let last = self.last.entry(year).or_default();
        *last += 1;
        *last
    }
}

/// A row's refusal, at the cells it concerns: a field's own column, a reference rule at the
/// references' column, else the row.
fn row_errors(
    kind: &LedgerKind,
    row: usize,
    columns: &Columns,
    headers: &[String],
    refusal: Refusal,
) -> Vec<ImportError> {
    let at = |column: Option<usize>, message: String| match column {
        Some(c) => {
            ImportError { row, column: column_letter(c), header: headers.get(c).cloned().unwrap_or_default(), message }
        }
        None => ImportError { row, column: String::new(), header: String::new(), message },
    };
    match refusal {
        Refusal::Invalid(fields) => fields.into_iter().map(|e| at(columns.of(e.field), e.message)).collect(),
        Refusal::Rule { rule, .. } => {
            let refs = kind.fields.iter().find(|f| matches!(f.ty, FieldType::Refs(spec) if spec.rule == rule));
            vec![at(refs.and_then(|f| columns.of(f.key)), refusal.to_string())]
        }
        other => vec![at(None, other.to_string())],
    }
}

/// The steps a row replays, each with what it recorded: the history of the record.
type Replayed = Vec<(&'static str, Values)>;

/// Takes the steps from `state` to the row's state with the row's values, as the importer.
#[allow(clippy::too_many_arguments)]
fn replay(
    kind: &'static LedgerKind,
    mut state: &'static str,
    mut values: Values,
    target: &str,
    row: &Values,
    facts: ActorFacts<'_>,
    ctx: &Context<'_>,
    numbers: &mut Numbers,
    prefix: &str,
) -> Result<(&'static str, Values, Replayed), Refusal> {
    let mut replayed = Vec::new();
    for t in kind.replay_path(state, target, row)? {
        let input = as_input(row, t.inputs);
        let (mut after, to) = kind.take(t.code, state, &values, &input, facts, ctx)?;
        if let Some(n) = kind.numbering.filter(|n| n.transition == t.code) {
            let year = crate::ledger::number_year(n, &after);
            after.insert(n.field.to_owned(), n.format(prefix, year, numbers.next(year)).into());
        }
        let recorded: Values =
            after.iter().filter(|(k, v)| values.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect();
        replayed.push((t.code, recorded));
        values = after;
        state = to;
    }
    Ok((state, values, replayed))
}

/// Whatever the row fills that the record does not hold after the replay: a field of a step the
/// row's state does not reach, or a recorded value the row would change.
fn left_over(
    kind: &LedgerKind,
    row: &Values,
    stored: &Values,
    after: &Values,
    state: &str,
) -> Vec<fazhi_domain::FieldError> {
    let mut out = Vec::new();
    for (key, value) in row {
        if value == &Value::Bool(false) || after.get(key) == Some(value) {
            continue;
        }
        let Some(f) = kind.field(key) else { continue };
        let message = match stored.get(key) {
            Some(old) if old != &Value::Null => format!(
                "已登记的“{}”为“{}”，表中为“{}”：已登记的内容不能通过导入修改",
                f.label,
                shown(old),
                shown(value)
            ),
            _ => match kind.transitions.iter().find(|t| t.inputs.contains(&f.key)) {
                Some(step) => format!(
                    "状态为“{}”的记录还没有“{}”（该栏由“{}”这一步登记）",
                    kind.state_label(state),
                    f.label,
                    step.label
                ),
                None => format!("“{}”不能通过导入填写", f.label),
            },
        };
        out.push(fazhi_domain::FieldError::new(f.key, message));
    }
    out
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => fazhi_domain::text::clip(s, 30),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        other => other.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn run<C: ConnectionTrait>(
    conn: &C,
    mut sink: Option<&mut audit::Appender<'_>>,
    who: Importer<'_>,
    kind: &'static LedgerKind,
    org_id: i64,
    file: ImportFile<'_>,
    ctx: &Context<'_>,
) -> Result<(ImportReport, String), StoreError> {
    let sheet = read_sheet(file.bytes).map_err(office)?;
    let headers = sheet.headers();
    let mut report = ImportReport::default();
    let org = organization::Entity::find_by_id(org_id)
        .one(conn)
        .await?
        .filter(|o| who.scope.contains_path(&o.path))
        .ok_or_else(|| StoreError::invalid("org_id", "请选择本机构或下属机构"))?;
    let columns = match kind.table_columns(&headers) {
        Ok(c) => c,
        Err(errors) => {
            report.errors = errors
                .into_iter()
                .map(|e| ImportError {
                    row: 0,
                    column: if e.column < headers.len() { column_letter(e.column) } else { String::new() },
                    header: headers.get(e.column).cloned().unwrap_or_default(),
                    message: e.message,
                })
                .collect();
            return Ok((report, org.name));
        }
    };
    let cell_error = |row: usize, column: usize, message: String| ImportError {
        row,
        column: column_letter(column),
        header: headers.get(column).cloned().unwrap_or_default(),
        message,
    };
    // A row is held to the same rules as a record entered by hand: the officers or mediators it
    // names registered in the township and valid on the days of its acts; no act after today.
    let registers = crate::ledger::registers_for_import(conn, kind, &org.path).await?;
    let today = crate::beijing_today();
    let row_ctx = ctx.with_linked(&registers).at(&org.path).on(today);
    let mut numbers = Numbers::of(conn, kind, org.id).await?;
    let prefix = kind.numbering.map(|n| n.prefix(&org.name)).unwrap_or_default();
    let mut next_id = crate::ledger::last_record_id(conn).await? + 1;
    let first_new_id = next_id;
    let mut error_count = 0usize;
    let mut buffer: Vec<ledger_record::ActiveModel> = Vec::new();
    let mut seen_ids: HashSet<i64> = HashSet::new();
    let now = crate::now();
    let imported = |row: usize| serde_json::json!({ "file": file.name, "row": row });
    let held = held_records(conn, kind, &org.path).await?;
    for (row, cells) in sheet.rows() {
        report.rows += 1;
        let cell = |c: Option<usize>| c.and_then(|c| cells.get(c)).map(|s| s.trim()).unwrap_or("");
        let (target, mut row_values) = match kind.parse_table_row(&columns, &cells) {
            Ok(parsed) => parsed,
            Err(cells) => {
                let errors: Vec<ImportError> =
                    cells.into_iter().map(|e| cell_error(row, e.column, e.message)).collect();
                error_count += errors.len();
                let room = MAX_ERRORS.saturating_sub(report.errors.len());
                report.errors.extend(errors.into_iter().take(room));
                continue;
            }
        };
        // What the system sets is never read from a cell.
        row_values.retain(|k, _| kind.field(k).is_some_and(|f| !f.system));
        let id_cell = cell(columns.id);
        let outcome: Result<Option<PreviewRow>, Vec<ImportError>> = if id_cell.is_empty() {
            // A new record: created in the first state, then the row's steps replayed.
            let created = (|| {
                let keys: Vec<&str> = kind.create_fields().map(|f| f.key).collect();
                let values = kind.parse_new(&as_input(&row_values, &keys)).map_err(Refusal::Invalid)?;
                kind.check_record(&Values::new(), &values, &row_ctx)?;
                let (state, after, steps) = replay(
                    kind,
                    kind.initial,
                    values.clone(),
                    target,
                    &row_values,
                    who.facts,
                    &row_ctx,
                    &mut numbers,
                    &prefix,
                )?;
                let extra = left_over(kind, &row_values, &Values::new(), &after, state);
                if !extra.is_empty() {
                    return Err(Refusal::Invalid(extra));
                }
                Ok((values, state, after, steps))
            })();
            let existing = match &created {
                Ok((first, ..)) if !file.confirmed_rows.contains(&row) => {
                    likeness(kind, first).and_then(|key| held.get(&key).copied())
                }
                _ => None,
            };
            match created {
                Err(refusal) => Err(row_errors(kind, row, &columns, &headers, refusal)),
                Ok((first, ..)) if existing.is_some() => {
                    // Looks like a record already held: shown, not created, until confirmed.
                    report.duplicate_count += 1;
                    if report.duplicates.len() < MAX_ERRORS {
                        report.duplicates.push(DuplicateRow {
                            row,
                            title: text(&first, kind.title_field).to_owned(),
                            existing: existing.unwrap_or_default(),
                        });
                    }
                    Ok(None)
                }
                Ok((first, state, values, steps)) => {
                    report.created += 1;
                    if let Some(sink) = sink.as_deref_mut() {
                        let id = next_id;
                        next_id += 1;
                        let mut model = crate::ledger::new_record(kind, &org, state, &values, now);
                        model.id = Set(id);
                        model.version = Set(1 + steps.len() as i64);
                        buffer.push(model);
                        let change = Change::new("ledger.create", kind.code, id).after(serde_json::json!({
                            "state": kind.initial, "values": first, "imported": imported(row)
                        }));
                        sink.push(who.actor, change).await?;
                        for (step, recorded) in steps {
                            let change = Change::new("ledger.transition", kind.code, id).after(serde_json::json!({
                                "step": step, "values": recorded, "imported": imported(row)
                            }));
                            sink.push(who.actor, change).await?;
                        }
                        if buffer.len() == 1000 {
                            ledger_record::Entity::insert_many(std::mem::take(&mut buffer)).exec(conn).await?;
                        }
                    }
                    Ok(Some(PreviewRow {
                        row,
                        action: "新建".into(),
                        state: kind.state_label(state).into(),
                        title: text(&values, kind.title_field).into(),
                    }))
                }
            }
        } else {
            update_row(
                conn,
                sink.as_deref_mut(),
                who,
                kind,
                &org,
                row,
                id_cell,
                cell(columns.version),
                target,
                &row_values,
                &row_ctx,
                &mut numbers,
                &prefix,
                &mut seen_ids,
                file.name,
            )
            .await?
            .map_err(|refused| match refused {
                UpdateRefused::Id(message) => vec![cell_error(row, columns.id.unwrap_or(0), message)],
                UpdateRefused::Rules(refusal) => row_errors(kind, row, &columns, &headers, refusal),
            })
            .inspect(|p| match p {
                Some(_) => report.updated += 1,
                None => report.unchanged += 1,
            })
        };
        match outcome {
            Ok(Some(p)) if report.preview.len() < 20 => report.preview.push(p),
            Ok(_) => {}
            Err(errors) => {
                error_count += errors.len();
                let room = MAX_ERRORS.saturating_sub(report.errors.len());
                report.errors.extend(errors.into_iter().take(room));
            }
        }
        if error_count > 0 {
            // Nothing will be stored: stop writing, keep checking.
            sink = None;
            buffer.clear();
        }
    }
    if report.rows == 0 {
        error_count += 1;
        report.errors.push(ImportError {
            row: 0,
            column: String::new(),
            header: String::new(),
            message: "文件中没有数据行：第 1 行为列名，从第 2 行起每行一条记录".into(),
        });
    }
    if error_count > report.errors.len() {
        let more = error_count - report.errors.len();
        report.errors.push(ImportError {
            row: 0,
            column: String::new(),
            header: String::new(),
            message: format!("另有 {more} 处错误未列出"),
        });
    }
    if sink.is_none() || !report.errors.is_empty() {
        return Ok((report, org.name));
    }
    if !buffer.is_empty() {
        ledger_record::Entity::insert_many(buffer).exec(conn).await?;
    }
    for year in &numbers.touched {
        crate::ledger::raise_sequence(conn, kind.code, org.id, *year, numbers.last[year]).await?;
    }
    // The write lock is held: every record from `first_new_id` on is this import's.
    crate::ledger::count_deadlines_after(conn, first_new_id - 1, ctx).await?;
    crate::ledger::count_figures_after(conn, first_new_id - 1, ctx).await?;
    Ok((report, org.name))
}

/// Why a row naming a record by its 编号 updates nothing: its 编号 or 版本 cell (said of that
/// cell), or the rules (said where the refusal points).
enum UpdateRefused {
    Id(String),
    Rules(Refusal),
}

/// A row that names a record by its 编号: the record of this kind in the organization, at the
/// version exported. Unchanged, nothing happens (`Ok(Ok(None))`); fields of its first state may
/// be edited while it is there; steps the row adds are replayed; what is recorded stays.
/// The inner error is a message about the 编号 cell, or a refusal of the rules.
#[allow(clippy::too_many_arguments)]
async fn update_row<C: ConnectionTrait>(
    conn: &C,
    sink: Option<&mut audit::Appender<'_>>,
    who: Importer<'_>,
    kind: &'static LedgerKind,
    org: &organization::Model,
    row: usize,
    id_cell: &str,
    version_cell: &str,
    target: &'static str,
    row_values: &Values,
    ctx: &Context<'_>,
    numbers: &mut Numbers,
    prefix: &str,
    seen: &mut HashSet<i64>,
    file_name: &str,
) -> Result<Result<Option<PreviewRow>, UpdateRefused>, StoreError> {
    let Some(id) = id_cell.parse::<i64>().ok().filter(|id| *id > 0) else {
        return Ok(Err(UpdateRefused::Id(format!(
            "“编号”应为导出文件中的记录编号（正整数），现为“{}”",
            fazhi_domain::text::clip(id_cell, 20)
        ))));
    };
    if !seen.insert(id) {
        return Ok(Err(UpdateRefused::Id(format!("编号 {id} 在文件中出现了不止一次"))));
    }
    let found = ledger_record::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|r| r.kind == kind.code && r.org_path.starts_with(&org.path) && who.scope.contains_path(&r.org_path));
    let Some(current) = found else {
        return Ok(Err(UpdateRefused::Id(format!(
            "编号 {id} 不是{}的{}记录；新增记录请将“编号”留空",
            org.name, kind.label
        ))));
    };
    if !version_cell.is_empty() && version_cell != current.version.to_string() {
        return Ok(Err(UpdateRefused::Id(format!(
            "编号 {id} 的记录在导出后已被修改（导出时为第 {version_cell} 版，现为第 {} 版）：请重新导出后再修改",
            current.version
        ))));
    }
    let stored: Values = serde_json::from_str(&current.values_json)
        .map_err(|e| StoreError::Internal(format!("台账记录 {id} 的内容已损坏：{e}")))?;
    let state: &'static str = kind.state(&current.state).map(|s| s.code).unwrap_or(kind.initial);
    let outcome = (|| {
        // Fields of the first state, while the record is in it, are edited as a person would.
        let keys: Vec<&str> = kind.create_fields().map(|f| f.key).collect();
        let edits = keys.iter().any(|k| {
            let v = row_values.get(*k).filter(|v| **v != Value::Bool(false));
            v != stored.get(*k).filter(|v| **v != Value::Bool(false))
        });
        let edited = if edits && state == kind.initial {
            let after = kind.edit(state, &stored, &as_input(row_values, &keys))?;
            kind.check_record(&stored, &after, ctx)?;
            Some(after)
        } else {
            None
        };
        let start = edited.clone().unwrap_or_else(|| stored.clone());
        let (to, after, steps) = replay(kind, state, start, target, row_values, who.facts, ctx, numbers, prefix)?;
        let extra = left_over(kind, row_values, &stored, &after, to);
        if !extra.is_empty() {
            return Err(Refusal::Invalid(extra));
        }
        Ok((edited, to, after, steps))
    })();
    let (edited, to, after, steps) = match outcome {
        Ok(o) => o,
        Err(refusal) => return Ok(Err(UpdateRefused::Rules(refusal))),
    };
    if edited.is_none() && steps.is_empty() {
        return Ok(Ok(None));
    }
    let title = text(&after, kind.title_field).to_owned();
    if let Some(sink) = sink {
        let imported = serde_json::json!({ "file": file_name, "row": row });
        let mut model = current.clone();
        model.version += steps.len() as i64 + i64::from(edited.is_some()) - 1;
        crate::ledger::save(conn, kind, model, to, &after, ctx).await?;
        if let Some(edited) = &edited {
            let change = Change::new("ledger.update", kind.code, id)
                .before(serde_json::json!({ "values": stored }))
                .after(serde_json::json!({ "values": edited, "imported": imported }));
            sink.push(who.actor, change).await?;
        }
        for (step, recorded) in steps {
            let change = Change::new("ledger.transition", kind.code, id)
                .after(serde_json::json!({ "step": step, "values": recorded, "imported": imported }));
            sink.push(who.actor, change).await?;
        }
    }
    Ok(Ok(Some(PreviewRow { row, action: "更新".into(), state: kind.state_label(to).into(), title })))
}

/// Keeps a checked file until its uploader confirms the import; files left unconfirmed for a day
/// are dropped. Returns the upload's id.
pub async fn stash(
    db: &Db,
    user_id: i64,
    kind: &LedgerKind,
    org_id: i64,
    rows: usize,
    file: ImportFile<'_>,
) -> Result<i64, StoreError> {
    let txn = db.begin_write().await?;
    ledger_upload::Entity::delete_many()
        .filter(ledger_upload::Column::CreatedAt.lt(crate::now() - chrono::Duration::days(1)))
        .exec(&txn)
        .await?;
    let saved = ledger_upload::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.code.to_owned()),
        org_id: Set(org_id),
        rows: Set(i64::try_from(rows).unwrap_or(i64::MAX)),
        file_name: Set(fazhi_domain::text::clip(file.name, 200)),
        bytes: Set(file.bytes.to_vec()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Imports a file the same user checked and stashed, then drops it in the same transaction, so
/// one upload is never imported twice. Someone else's upload is not found.
pub async fn import_stashed(
    db: &Db,
    who: Importer<'_>,
    user_id: i64,
    kind: &'static LedgerKind,
    upload_id: i64,
    confirmed_rows: &[usize],
    ctx: &Context<'_>,
) -> Result<ImportReport, StoreError> {
    may_import(kind, &who)?;
    let upload = ledger_upload::Entity::find_by_id(upload_id)
        .one(db.conn())
        .await?
        .filter(|u| u.user_id == user_id && u.kind == kind.code)
        .ok_or(StoreError::NotFound)?;
    let file = ImportFile { name: &upload.file_name, bytes: &upload.bytes, confirmed_rows };
    import_with(db, who, kind, upload.org_id, file, ctx, Some(upload_id)).await
}
