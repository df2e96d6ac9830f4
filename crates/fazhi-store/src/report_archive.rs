//! A township's archive of earlier annual reports (docs/archive.md): the file, kept like an
//! attachment (content-addressed by SM3), what the checker found in it, and the figures it states.
//! Those figures are the township's for that year **taken from the report**: the district's
//! figures (`district::figures`) read them only where the township's ledgers keep no record of a
//! kind that year, and always say so; a draft's comparison with the year before names them as its
//! source. Reading the file is the report engine's business: `file` is given what was read.

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::attachments::{Chunks, FileStore};
use crate::audit::{self, Change};
use crate::entities::archived_report;
use crate::{Actor, Db, Scope, StoreError};

/// The file types an old report is filed as: those the checker reads and the attachment policy
/// admits.
pub const FILE_TYPES: &[&str] = &["docx", "pdf", "ofd"];

/// The earliest year a report can be filed for: the first 法治政府建设实施纲要 (2015—2020).
pub const FIRST_YEAR: i32 = 2015;

/// A figure the report states, as the archive keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchivedFigure {
    /// The indicator id, the same the ledgers count under (`petitions.total`).
    pub id: String,
    pub value: i64,
    pub unit: String,
    pub line: usize,
    /// The report's words around it.
    pub text: String,
}

/// A finding of the checker in the filed report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchivedFinding {
    /// 错误, 警告 or 提示.
    pub severity: String,
    pub line: usize,
    pub page: Option<u32>,
    pub message: String,
    pub hint: String,
}

/// What the checker read in a file to be filed (`fazhi_web::report_archive` reads it; the store
/// cannot call the report engine, which stands above it).
#[derive(Debug, Clone)]
pub struct Reading {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub signed_on: Option<String>,
    pub parts_found: usize,
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
    pub figures: Vec<ArchivedFigure>,
    pub findings: Vec<ArchivedFinding>,
}

/// A filed report as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArchivedView {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub digest: String,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub signed_on: Option<String>,
    pub parts_found: i32,
    pub errors: i32,
    pub warnings: i32,
    pub hints: i32,
    pub figures: Vec<ArchivedFigure>,
    pub findings: Vec<ArchivedFinding>,
    pub filed_by: String,
    pub filed_at: DateTime<Utc>,
}

fn view(m: archived_report::Model, org_name: String) -> ArchivedView {
    ArchivedView {
        id: m.id,
        org_id: m.org_id,
        org_name,
        year: m.year,
        file_name: m.file_name,
        media_type: m.media_type,
        size: m.size,
        digest: m.digest,
        title: m.title,
        issuer: m.issuer,
        signed_on: m.signed_on,
        parts_found: m.parts_found,
        errors: m.errors,
        warnings: m.warnings,
        hints: m.hints,
        figures: serde_json::from_str(&m.figures_json).unwrap_or_default(),
        findings: serde_json::from_str(&m.findings_json).unwrap_or_default(),
        filed_by: m.filed_by,
        filed_at: m.filed_at,
    }
}

/// The years a report may be filed for: from the first outline's to last year (this year's report
/// is drafted in Fazhi, not filed).
pub fn years_open(today: chrono::NaiveDate) -> std::ops::RangeInclusive<i32> {
    FIRST_YEAR..=today.year() - 1
}

/// Checks the year a report is filed for.
pub fn check_year(year: i32) -> Result<(), StoreError> {
    let open = years_open(crate::beijing_today());
    if open.contains(&year) {
        return Ok(());
    }
    Err(StoreError::invalid(
        "year",
        format!("年度应在 {} 至 {} 年之间（本年度报告请在系统中起草）", open.start(), open.end()),
    ))
}

/// Checks a file's name and content against the archive's types and the attachment policy (size,
/// content matching its extension); the cleaned name, type and digest.
pub fn check_file(file_name: &str, bytes: &[u8]) -> Result<fazhi_domain::attachment::CheckedFile, StoreError> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if !FILE_TYPES.contains(&ext.as_str()) {
        return Err(StoreError::invalid("file", "往年报告请以 .docx、.pdf 或 .ofd 文件归档"));
    }
    fazhi_domain::attachment::check(file_name, bytes).map_err(|m| StoreError::invalid("file", m))
}

/// Files a township's report of a year, replacing one filed before for that year (which stays,
/// marked). The township must be in the caller's scope; the file is stored and the row and its
/// audit record are written in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn file(
    db: &Db,
    files: &FileStore,
    actor: &Actor,
    scope: &Scope,
    org_id: i64,
    year: i32,
    file_name: &str,
    bytes: &[u8],
    reading: &Reading,
) -> Result<ArchivedView, StoreError> {
    let org = crate::orgs::get(db, scope, org_id).await?;
    if !org.kind().is_township() {
        return Err(StoreError::invalid("org", "往年报告归档到乡镇（街道）"));
    }
    check_year(year)?;
    let checked = check_file(file_name, bytes)?;
    let txn = db.begin_write().await?;
    let earlier = archived_report::Entity::find()
        .filter(archived_report::Column::OrgId.eq(org_id))
        .filter(archived_report::Column::Year.eq(year))
        .filter(archived_report::Column::ReplacedAt.is_null())
        .all(&txn)
        .await?;
    let now = crate::now();
    for e in &earlier {
        let mut replaced: archived_report::ActiveModel = e.clone().into();
        replaced.replaced_at = Set(Some(now));
        replaced.update(&txn).await?;
    }
    files.put(&txn, &checked.digest, bytes).await?;
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let saved = archived_report::ActiveModel {
        org_id: Set(org.id),
        org_path: Set(org.path.clone()),
        year: Set(year),
        file_name: Set(checked.name.clone()),
        media_type: Set(checked.file_type.media_type.to_owned()),
        size: Set(i64::try_from(checked.size).unwrap_or(i64::MAX)),
        digest: Set(checked.digest.clone()),
        title: Set(reading.title.clone()),
        issuer: Set(reading.issuer.clone()),
        signed_on: Set(reading.signed_on.clone()),
        parts_found: Set(count(reading.parts_found)),
        errors: Set(count(reading.errors)),
        warnings: Set(count(reading.warnings)),
        hints: Set(count(reading.hints)),
        figures_json: Set(to_json(&reading.figures)),
        findings_json: Set(to_json(&reading.findings)),
        filed_by: Set(actor.name.clone()),
        filed_at: Set(now),
        replaced_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut change = Change::new("report_archive.file", "archived_report", saved.id).after(serde_json::json!({
        "org": org.id, "year": year, "file_name": saved.file_name, "size": saved.size, "sm3": saved.digest,
        "figures": reading.figures.iter().map(|f| (f.id.as_str(), f.value)).collect::<std::collections::BTreeMap<_, _>>(),
    }));
    if !earlier.is_empty() {
        change = change.before(serde_json::json!({ "replaced": earlier.iter().map(|e| e.id).collect::<Vec<_>>() }));
    }
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(view(saved, org.name))
}

/// The archive's JSON columns: plain structs, which always serialise.
fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// The reports filed in the caller's scope (not those replaced), by township then year.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<ArchivedView>, StoreError> {
    let rows = archived_report::Entity::find()
        .filter(archived_report::Column::OrgPath.starts_with(&scope.org_path))
        .filter(archived_report::Column::ReplacedAt.is_null())
        .order_by_asc(archived_report::Column::OrgPath)
        .order_by_desc(archived_report::Column::Year)
        .all(db.conn())
        .await?;
    let names: std::collections::HashMap<i64, String> =
        crate::orgs::list(db, scope).await?.into_iter().map(|o| (o.id, o.name)).collect();
    Ok(rows
        .into_iter()
        .map(|m| {
            let name = names.get(&m.org_id).cloned().unwrap_or_default();
            view(m, name)
        })
        .collect())
}

/// A filed report the caller may see.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<ArchivedView, StoreError> {
    let m = archived_report::Entity::find_by_id(id)
        .one(db.conn())
        .await?
        .filter(|m| scope.contains_path(&m.org_path) && m.replaced_at.is_none())
        .ok_or(StoreError::NotFound)?;
    let org = crate::orgs::get(db, &Scope::everything(), m.org_id).await?;
    Ok(view(m, org.name))
}

/// A filed report's file, for download, chunk by chunk.
pub async fn open(db: &Db, files: &FileStore, scope: &Scope, id: i64) -> Result<(ArchivedView, Chunks), StoreError> {
    let found = get(db, scope, id).await?;
    let chunks = files.read(db, &found.digest).await?;
    Ok((found, chunks))
}

/// The report a township filed for a year, if any (a draft compares with it).
pub async fn of_year(db: &Db, scope: &Scope, org_id: i64, year: i32) -> Result<Option<ArchivedView>, StoreError> {
    let found = archived_report::Entity::find()
        .filter(archived_report::Column::OrgId.eq(org_id))
        .filter(archived_report::Column::Year.eq(year))
        .filter(archived_report::Column::ReplacedAt.is_null())
        .one(db.conn())
        .await?
        .filter(|m| scope.contains_path(&m.org_path));
    Ok(match found {
        Some(m) => {
            let org = crate::orgs::get(db, &Scope::everything(), m.org_id).await?;
            Some(view(m, org.name))
        }
        None => None,
    })
}

/// The filed reports under some organization paths over some years, for the district's figures:
/// (organization, year, report id, figures).
pub(crate) async fn figures_in<C: sea_orm::ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    years: std::ops::RangeInclusive<i32>,
) -> Result<Vec<(i64, i32, i64, Vec<ArchivedFigure>)>, StoreError> {
    let rows = archived_report::Entity::find()
        .filter(archived_report::Column::OrgPath.starts_with(&scope.org_path))
        .filter(archived_report::Column::ReplacedAt.is_null())
        .filter(archived_report::Column::Year.between(*years.start(), *years.end()))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| (m.org_id, m.year, m.id, serde_json::from_str(&m.figures_json).unwrap_or_default()))
        .collect())
}
