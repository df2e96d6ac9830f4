//! Backup and restore: one archive (.zip) of a consistent snapshot of every table, as JSON lines
//! per table, with the attachments and a manifest of SM3 digests signed with HMAC-SM3 under the
//! installation's key. The same logical format serves both databases, so a SQLite backup restored
//! into PostgreSQL is how an installation moves from one machine to several. A damaged or altered
//! archive is refused before anything is written; a restore goes only into an empty installation,
//! and ends by verifying the audit chain.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use futures_util::StreamExt;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Iterable, PaginatorTrait, PrimaryKeyToColumn,
    QueryOrder,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::attachments::FileStore;
use crate::audit::{self, Change};
use crate::entities::*;
use crate::{Actor, Db, StoreError};

const FORMAT: &str = "fazhi-backup";
const MANIFEST: &str = "manifest.json";
const SIGNATURE: &str = "manifest.sig";

/// What the archive holds, with the SM3 digest of every other entry in it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub schema_version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The database the snapshot was taken from: SQLite or PostgreSQL.
    pub source: String,
    /// The audit key's fingerprint: restore needs the same key.
    pub key: String,
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// Entry name → SM3 digest (hex) of its bytes.
    pub entries: BTreeMap<String, String>,
}

fn internal(what: &str) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Internal(format!("{what}：{e}"))
}

fn zip_error(e: zip::result::ZipError) -> StoreError {
    StoreError::Internal(format!("备份文件无法读写：{e}"))
}

/// A writer that keeps the SM3 digest of what passes through it.
struct Digesting<W: Write> {
    inner: W,
    hasher: Sm3,
}

impl<W: Write> Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

type Archive = zip::ZipWriter<std::fs::File>;

fn options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true)
}

/// Writes one table as JSON lines, streaming the rows in key order: memory stays flat.
async fn dump<E, C>(conn: &C, archive: &mut Archive, name: &str, manifest: &mut Manifest) -> Result<(), StoreError>
where
    E: EntityTrait,
    E::Model: Serialize + Send + Sync,
    C: ConnectionTrait + sea_orm::StreamTrait,
{
    let entry = format!("db/{name}.jsonl");
    archive.start_file(entry.as_str(), options()).map_err(zip_error)?;
    let mut out = Digesting { inner: &mut *archive, hasher: Sm3::new() };
    let mut query = E::find();
    for key in E::PrimaryKey::iter() {
        query = query.order_by_asc(key.into_column());
    }
    let mut rows = query.stream(conn).await?;
    let mut count = 0u64;
    while let Some(row) = rows.next().await {
        serde_json::to_writer(&mut out, &row?).map_err(|e| StoreError::Internal(e.to_string()))?;
        out.write_all(b"\n").map_err(internal("写入备份失败"))?;
        count += 1;
    }
    manifest.entries.insert(entry, hex::encode(out.hasher.finalize()));
    manifest.tables.insert(name.to_owned(), count);
    Ok(())
}

/// The tables in an order that keeps every reference to a row after the row (organizations by id,
/// so a parent comes before its children). Sessions and checked uploads waiting for confirmation
/// are not kept: after a restore everyone signs in again.
macro_rules! tables {
    ($apply:ident, $($args:expr),*) => {{
        $apply!(organization, "organizations", $($args),*);
        $apply!(user, "users", $($args),*);
        $apply!(api_token, "api_tokens", $($args),*);
        $apply!(org_principal, "org_principals", $($args),*);
        $apply!(audit_record, "audit_records", $($args),*);
        $apply!(holiday_year, "holiday_years", $($args),*);
        $apply!(setting, "settings", $($args),*);
        $apply!(ledger_record, "ledger_records", $($args),*);
        $apply!(ledger_sequence, "ledger_sequences", $($args),*);
        $apply!(ledger_deadline, "ledger_deadlines", $($args),*);
        $apply!(ledger_open_count, "ledger_open_counts", $($args),*);
        $apply!(ledger_attachment, "ledger_attachments", $($args),*);
        $apply!(ledger_figure, "ledger_figures", $($args),*);
        $apply!(ledger_figure_total, "ledger_figure_totals", $($args),*);
        $apply!(annual_report, "annual_reports", $($args),*);
        $apply!(annual_report_version, "annual_report_versions", $($args),*);
        $apply!(comment, "comments", $($args),*);
        $apply!(comment_read, "comment_reads", $($args),*);
        $apply!(supervision_bulletin, "supervision_bulletins", $($args),*);
        $apply!(archived_report, "archived_reports", $($args),*);
        $apply!(public_comment, "public_comments", $($args),*);
    }};
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupSummary {
    pub rows: u64,
    pub attachments: u64,
    pub audit_head: i64,
}

/// Writes the archive of a consistent snapshot: one read transaction (repeatable read on
/// PostgreSQL; on SQLite a read transaction sees one state of the file while writers go on), so a
/// backup of a running server is whole.
pub async fn write(db: &Db, files: &FileStore, out: &Path) -> Result<BackupSummary, StoreError> {
    let file = std::fs::File::create(out).map_err(internal("无法创建备份文件"))?;
    let mut archive = zip::ZipWriter::new(file);
    let mut manifest = Manifest {
        format: FORMAT.into(),
        schema_version: crate::db::SCHEMA_VERSION,
        created_at: crate::now(),
        source: db.backend_name().into(),
        key: db.audit_key().fingerprint(),
        tables: BTreeMap::new(),
        entries: BTreeMap::new(),
    };
    let snapshot = db.begin_snapshot().await?;
    macro_rules! dump_one {
        ($module:ident, $name:expr, $conn:expr, $archive:expr, $manifest:expr) => {
            dump::<$module::Entity, _>($conn, $archive, $name, $manifest).await?
        };
    }
    tables!(dump_one, &snapshot, &mut archive, &mut manifest);
    let head = audit_head::Entity::find_by_id(1).one(&snapshot).await?.ok_or(StoreError::NotFound)?;
    let head_entry = "db/audit_head.json";
    let head_json = serde_json::to_vec(&head).map_err(|e| StoreError::Internal(e.to_string()))?;
    archive.start_file(head_entry, options()).map_err(zip_error)?;
    archive.write_all(&head_json).map_err(internal("写入备份失败"))?;
    manifest.entries.insert(head_entry.into(), hex::encode(Sm3::digest(&head_json)));
    // The attachments the snapshot's rows name, each once.
    let mut digests: std::collections::BTreeSet<String> =
        ledger_attachment::Entity::find().all(&snapshot).await?.into_iter().map(|a| a.digest).collect();
    // The archive's filed reports are stored the same way.
    digests.extend(archived_report::Entity::find().all(&snapshot).await?.into_iter().map(|a| a.digest));
    snapshot.commit().await?;
    for digest in &digests {
        let mut chunks = files.read(db, digest).await?;
        let entry = format!("attachments/{digest}");
        archive.start_file(entry.as_str(), options()).map_err(zip_error)?;
        let mut out = Digesting { inner: &mut archive, hasher: Sm3::new() };
        while let Some(chunk) = chunks.next().await {
            out.write_all(&chunk?).map_err(internal("写入备份失败"))?;
        }
        manifest.entries.insert(entry, hex::encode(out.hasher.finalize()));
    }
    let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(|e| StoreError::Internal(e.to_string()))?;
    archive.start_file(MANIFEST, options()).map_err(zip_error)?;
    archive.write_all(&manifest_json).map_err(internal("写入备份失败"))?;
    archive.start_file(SIGNATURE, options()).map_err(zip_error)?;
    archive.write_all(db.audit_key().sign(&manifest_json).as_bytes()).map_err(internal("写入备份失败"))?;
    let file = archive.finish().map_err(zip_error)?;
    file.sync_all().map_err(internal("写入备份失败"))?;
    Ok(BackupSummary {
        rows: manifest.tables.values().sum(),
        attachments: digests.len() as u64,
        audit_head: head.last_id,
    })
}

fn refused(message: impl Into<String>) -> StoreError {
    StoreError::invalid("archive", message.into())
}

type Reading = zip::ZipArchive<std::fs::File>;

/// Reads the manifest, proves it was signed under this installation's key, and checks every entry
/// against its digest: nothing is written before the whole archive is known to be intact.
fn check_archive(db: &Db, archive: &mut Reading) -> Result<Manifest, StoreError> {
    let mut read_entry = |name: &str, limit: u64| -> Result<Vec<u8>, StoreError> {
        let entry = archive.by_name(name).map_err(|_| refused(format!("备份文件不完整：缺少 {name}")))?;
        let mut bytes = Vec::new();
        entry.take(limit).read_to_end(&mut bytes).map_err(|_| refused(format!("备份文件已损坏：{name} 无法解压")))?;
        Ok(bytes)
    };
    let manifest_json = read_entry(MANIFEST, 16 * 1024 * 1024)?;
    let signature = read_entry(SIGNATURE, 1024)?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_json).map_err(|_| refused("不是 fazhi backup 生成的备份文件"))?;
    if manifest.format != FORMAT {
        return Err(refused("不是 fazhi backup 生成的备份文件"));
    }
    if manifest.key != db.audit_key().fingerprint() {
        return Err(refused(
            "备份所用的审计密钥与本系统不同：请把原系统的 audit.key 复制到数据目录（或设置 FAZHI_AUDIT_KEY）后再恢复",
        ));
    }
    if db.audit_key().sign(&manifest_json).as_bytes() != signature.as_slice() {
        return Err(refused("备份文件的清单被改动过（签名不符），拒绝恢复"));
    }
    if manifest.schema_version != crate::db::SCHEMA_VERSION {
        return Err(refused(format!(
            "备份来自数据库结构版本 {} 的程序，本程序为 {}：请用同一版本的 fazhi 恢复",
            manifest.schema_version,
            crate::db::SCHEMA_VERSION
        )));
    }
    for (name, expected) in &manifest.entries {
        let mut entry = archive.by_name(name).map_err(|_| refused(format!("备份文件不完整：缺少 {name}")))?;
        let mut hasher = Sm3::new();
        let mut buffer = [0u8; 64 * 1024];
        loop {
            let n = entry.read(&mut buffer).map_err(|_| refused(format!("备份文件已损坏：{name} 无法解压")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
        }
        if hex::encode(hasher.finalize()) != *expected {
            return Err(refused(format!("备份文件已损坏或被改动：{name} 的 SM3 摘要不符")));
        }
    }
    Ok(manifest)
}

/// Inserts one table's rows from its JSON lines, five hundred at a time.
async fn load<E, A, C>(conn: &C, archive: &mut Reading, name: &str) -> Result<u64, StoreError>
where
    E: EntityTrait<ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + Send,
    E::Model: DeserializeOwned + IntoActiveModel<A>,
    C: ConnectionTrait,
{
    let entry = archive.by_name(&format!("db/{name}.jsonl")).map_err(zip_error)?;
    let mut batch: Vec<A> = Vec::new();
    let mut count = 0u64;
    for line in BufReader::new(entry).lines() {
        let line = line.map_err(internal("读取备份失败"))?;
        let model: E::Model =
            serde_json::from_str(&line).map_err(|e| refused(format!("备份中 {name} 的一行无法读取：{e}")))?;
        batch.push(model.into_active_model().reset_all());
        count += 1;
        if batch.len() == 500 {
            E::insert_many(std::mem::take(&mut batch)).exec_without_returning(conn).await?;
        }
    }
    if !batch.is_empty() {
        E::insert_many(batch).exec_without_returning(conn).await?;
    }
    Ok(count)
}

/// What a restore put back.
#[derive(Debug)]
pub struct RestoreSummary {
    pub rows: u64,
    pub attachments: u64,
    pub audit: audit::VerifyReport,
}

/// Restores an archive into this installation, which must be empty (a database just created and
/// an attachments folder without files). Everything is checked first; the rows go in within one
/// transaction; the restore is recorded at the end of the audit chain, which is then verified.
pub async fn restore(db: &Db, files: &FileStore, from: &Path) -> Result<RestoreSummary, StoreError> {
    let file = std::fs::File::open(from).map_err(|e| refused(format!("无法打开备份文件 {}：{e}", from.display())))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|_| refused("不是 fazhi backup 生成的备份文件（无法作为 .zip 打开）"))?;
    let manifest = check_archive(db, &mut archive)?;
    let empty_db = organization::Entity::find().count(db.conn()).await? == 0
        && audit_record::Entity::find().count(db.conn()).await? == 0;
    if !empty_db || !files.is_empty(db.conn()).await? {
        return Err(refused("只能恢复到空的系统：请使用新的数据目录或新建的空 PostgreSQL 数据库"));
    }
    let txn = db.begin_write().await?;
    let mut rows = 0u64;
    macro_rules! load_one {
        ($module:ident, $name:expr, $conn:expr, $archive:expr) => {
            rows += load::<$module::Entity, _, _>($conn, $archive, $name).await?
        };
    }
    tables!(load_one, &txn, &mut archive);
    let mut head_bytes = Vec::new();
    archive
        .by_name("db/audit_head.json")
        .map_err(zip_error)?
        .read_to_end(&mut head_bytes)
        .map_err(internal("读取备份失败"))?;
    let head: audit_head::Model =
        serde_json::from_slice(&head_bytes).map_err(|_| refused("备份中的审计链头无法读取"))?;
    head.into_active_model().reset_all().update(&txn).await?;
    crate::db::reset_id_sequences(&txn).await?;
    let change = Change::new("system.restore", "backup", manifest.created_at.to_rfc3339()).after(serde_json::json!({
        "source": manifest.source,
        "created_at": manifest.created_at,
        "rows": rows,
        "attachments": manifest.entries.keys().filter(|k| k.starts_with("attachments/")).count(),
    }));
    audit::append(&txn, &Actor::command_line(), change).await?;
    // The files, each to its digest's place, before the rows that name them are committed.
    let mut attachments = 0u64;
    for name in manifest.entries.keys().filter(|k| k.starts_with("attachments/")) {
        let digest = &name["attachments/".len()..];
        if !fazhi_domain::attachment::is_digest(digest) {
            return Err(refused(format!("备份中的附件名无效：{digest}")));
        }
        // An attachment is at most the upload limit: read whole, then stored where this
        // installation keeps contents (a SQLite backup's files go into PostgreSQL's table).
        let mut content = Vec::new();
        archive
            .by_name(name)
            .map_err(zip_error)?
            .read_to_end(&mut content)
            .map_err(internal("无法读取备份中的附件"))?;
        files.put(&txn, digest, &content).await?;
        attachments += 1;
    }
    txn.commit().await?;
    let audit = audit::verify(db).await?;
    Ok(RestoreSummary { rows, attachments, audit })
}
