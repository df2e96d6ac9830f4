//! Any ledger list as an `.xlsx` file, and an `.xlsx` file as records: the columns come from the
//! kind's declaration (`fazhi_domain::ledger_table`), the cells from `fazhi_office`. An import is
//! all or nothing: every row is checked first, and one bad cell imports nothing.

use std::collections::{BTreeMap, HashSet};

use fazhi_domain::ledger::{Context, FieldType, LedgerKind, Refusal, Values, text};
use fazhi_domain::ledger_table::column_letter;
use fazhi_office::xlsx::{Cell, TableWriter, read_sheet};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, Change};
use crate::entities::{ledger_record, ledger_upload, organization};
use crate::ledger::ListFilter;
use crate::{Actor, Db, Scope, StoreError};

/// A filtered list as a spreadsheet, in the list's order. Personal fields are masked when
/// `mask_personal` (for those outside the township). The export is audited with its filter.
pub async fn export(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    kind: &'static LedgerKind,
    filter: &ListFilter,
    mask_personal: bool,
) -> Result<(Vec<u8>, u64), StoreError> {
    let headers = kind.table_headers();
    let mut writer = TableWriter::new(kind.label, &headers).map_err(office)?;
    // The ids in the list's order from the indexes, then the rows a thousand at a time.
    let orgs = crate::ledger::ScopeOrgs::of(db.conn(), scope).await?;
    let ids = crate::ledger::list_ids(db.conn(), &orgs, kind, filter, 0, None).await?;
    let mut rows = 0u64;
    for chunk in ids.chunks(1000) {
        for m in crate::ledger::rows_by_id(db.conn(), chunk).await? {
            let values: Values = serde_json::from_str(&m.values_json)
                .map_err(|e| StoreError::Internal(format!("台账记录 {} 的内容已损坏：{e}", m.id)))?;
            let cells: Vec<Cell> = kind
                .table_row(&m.state, &values, mask_personal)
                .into_iter()
                .zip(std::iter::once(None).chain(kind.fields.iter().map(Some)))
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

/// What an import found: the rows it read, the first of them as they will be stored, and every
/// error. When there is an error nothing was stored.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    /// The first rows: their state's label and title.
    pub preview: Vec<(String, String)>,
    pub errors: Vec<ImportError>,
    /// Whether the records were stored (false for a preview, or when there are errors).
    pub imported: bool,
}

/// Errors listed at most; the count says how many there were.
const MAX_ERRORS: usize = 200;

/// Reads a spreadsheet of a kind into the caller's organization. With `store` false it only
/// checks (the preview). With `store` true it checks and stores in one write transaction, a
/// thousand rows at a time so memory stays flat, and commits only if no cell was wrong: one bad
/// row and the transaction is dropped, nothing stored. The numbering continues after the imported
/// numbers, and the records' deadlines are counted.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    kind: &'static LedgerKind,
    org_id: i64,
    bytes: &[u8],
    ctx: &Context<'_>,
    store: bool,
) -> Result<ImportReport, StoreError> {
    let sheet = read_sheet(bytes).map_err(office)?;
    let headers = sheet.headers();
    let mut report = ImportReport::default();
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
            return Ok(report);
        }
    };
    let cell_error = |row: usize, column: usize, message: String| ImportError {
        row,
        column: column_letter(column),
        header: headers.get(column).cloned().unwrap_or_default(),
        message,
    };

    // Check-only runs read; a storing run holds the write lock from the start, so the numbers it
    // compares against and the ids it stores cannot change under it.
    let txn = if store { Some(db.begin_write().await?) } else { None };
    let org = match &txn {
        Some(t) => organization::Entity::find_by_id(org_id).one(t).await?,
        None => organization::Entity::find_by_id(org_id).one(db.conn()).await?,
    }
    .filter(|o| scope.contains_path(&o.path))
    .ok_or_else(|| StoreError::invalid("org_id", "请选择本机构或下属机构"))?;
    let numbering = kind.numbering;
    let number_column =
        numbering.and_then(|n| headers.iter().position(|h| Some(h.trim()) == kind.field(n.field).map(|f| f.label)));
    let taken: HashSet<String> = match (numbering, number_column) {
        (Some(n), Some(_)) => {
            let query = ledger_record::Entity::find()
                .select_only()
                .column(ledger_record::Column::ValuesJson)
                .filter(ledger_record::Column::Kind.eq(kind.code))
                .filter(ledger_record::Column::OrgId.eq(org.id));
            let stored: Vec<String> = match &txn {
                Some(t) => query.into_tuple().all(t).await?,
                None => query.into_tuple().all(db.conn()).await?,
            };
            stored
                .iter()
                .filter_map(|json| serde_json::from_str::<Values>(json).ok())
                .map(|v| text(&v, n.field).to_owned())
                .filter(|number| !number.is_empty())
                .collect()
        }
        _ => HashSet::new(),
    };
    let before: i64 = match &txn {
        Some(t) => ledger_record::Entity::find()
            .select_only()
            .column_as(ledger_record::Column::Id.max(), "m")
            .into_tuple::<Option<i64>>()
            .one(t)
            .await?
            .flatten()
            .unwrap_or(0),
        None => 0,
    };

    // A row that names officers or mediators is held to the same rules as a record entered by
    // hand: each named one registered in the township and valid on the days of the row's acts.
    let registers = match &txn {
        Some(t) => crate::ledger::registers_for_import(t, kind, &org.path).await?,
        None => crate::ledger::registers_for_import(db.conn(), kind, &org.path).await?,
    };
    let row_ctx = ctx.with_linked(&registers).at(&org.path);
    let refs_column = columns.first_of(|ty| matches!(ty, FieldType::Refs(_)));
    // A refusal points at the references' cell; where the sheet has no such column (mediators
    // are optional), at the row alone.
    let refs_error = |row: usize, column: Option<usize>, message: String| match column.or(refs_column) {
        Some(column) => cell_error(row, column, message),
        None => ImportError { row, column: String::new(), header: String::new(), message },
    };

    let mut seen: HashSet<String> = HashSet::new();
    let mut top_sequence: BTreeMap<i32, i64> = BTreeMap::new();
    let mut error_count = 0usize;
    let mut buffer: Vec<ledger_record::ActiveModel> = Vec::new();
    let now = crate::now();
    for (row, cells) in sheet.rows() {
        report.rows += 1;
        let mut errors = Vec::new();
        let parsed = match kind.parse_table_row(&columns, &cells) {
            Ok(parsed) => Some(parsed),
            Err(cells) => {
                errors.extend(cells.into_iter().map(|e| cell_error(row, e.column, e.message)));
                None
            }
        };
        if let (Some((_, values)), Some(n), Some(col)) = (&parsed, numbering, number_column) {
            let number = text(values, n.field);
            if !number.is_empty() {
                match n.parse(number) {
                    None => errors.push(cell_error(row, col, format!("文号“{number}”应形如 杉岭府规〔2022〕3号"))),
                    Some(_) if taken.contains(number) => {
                        errors.push(cell_error(row, col, format!("文号“{number}”已在本单位台账中")))
                    }
                    Some(_) if !seen.insert(number.to_owned()) => {
                        errors.push(cell_error(row, col, format!("文号“{number}”在文件中重复")))
                    }
                    Some((year, seq)) => {
                        let top = top_sequence.entry(year).or_default();
                        *top = (*top).max(seq);
                    }
                }
            }
        }
        if let Some((_, values)) = &parsed
            && let Err(refusal) = kind.check_refs(&Values::new(), values, &row_ctx)
        {
            errors.extend(match refusal {
                Refusal::Invalid(fields) => {
                    fields.into_iter().map(|e| refs_error(row, columns.of(e.field), e.message)).collect()
                }
                Refusal::Rule { article, message, .. } => {
                    vec![refs_error(row, None, format!("{message}（{article}）"))]
                }
                other => vec![refs_error(row, None, other.to_string())],
            });
        }
        if !errors.is_empty() {
            error_count += errors.len();
            let room = MAX_ERRORS.saturating_sub(report.errors.len());
            report.errors.extend(errors.into_iter().take(room));
            buffer.clear();
            continue;
        }
        let Some((state, values)) = parsed else { continue };
        if report.preview.len() < 20 {
            report.preview.push((kind.state_label(state).to_owned(), text(&values, kind.title_field).to_owned()));
        }
        if let (Some(t), 0) = (&txn, error_count) {
            buffer.push(crate::ledger::new_record(kind, &org, state, &values, now));
            // Eleven columns a row, well under the bind-parameter limits of both databases.
            if buffer.len() == 1000 {
                ledger_record::Entity::insert_many(std::mem::take(&mut buffer)).exec(t).await?;
            }
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
    // Errors, or only a check: the transaction, if any, is dropped and nothing stays.
    let Some(txn) = txn.filter(|_| report.errors.is_empty()) else { return Ok(report) };
    if !buffer.is_empty() {
        ledger_record::Entity::insert_many(buffer).exec(&txn).await?;
    }
    for (year, top) in &top_sequence {
        crate::ledger::raise_sequence(&txn, kind.code, org.id, *year, *top).await?;
    }
    // The write lock is held: every record after `before` is this import's.
    let (last_id, _) = crate::ledger::count_deadlines_after(&txn, before, ctx).await?;
    crate::ledger::count_figures_after(&txn, before).await?;
    let change = Change::new("ledger.import", kind.code, org.id).after(serde_json::json!({
        "rows": report.rows, "org": org.name, "after_id": before, "last_id": last_id, "file_bytes": bytes.len()
    }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    report.imported = true;
    Ok(report)
}

/// Keeps a checked file until its uploader confirms the import; files left unconfirmed for a day
/// are dropped. Returns the upload's id.
pub async fn stash(
    db: &Db,
    user_id: i64,
    kind: &LedgerKind,
    org_id: i64,
    rows: usize,
    bytes: Vec<u8>,
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
        bytes: Set(bytes),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Imports a file the same user checked and stashed, then drops it. Someone else's upload is not
/// found.
#[allow(clippy::too_many_arguments)]
pub async fn import_stashed(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    scope: &Scope,
    kind: &'static LedgerKind,
    upload_id: i64,
    ctx: &Context<'_>,
) -> Result<ImportReport, StoreError> {
    let upload = ledger_upload::Entity::find_by_id(upload_id)
        .one(db.conn())
        .await?
        .filter(|u| u.user_id == user_id && u.kind == kind.code)
        .ok_or(StoreError::NotFound)?;
    let report = import(db, actor, scope, kind, upload.org_id, &upload.bytes, ctx, true).await?;
    if report.imported {
        ledger_upload::Entity::delete_by_id(upload_id).exec(db.conn()).await?;
    }
    Ok(report)
}
