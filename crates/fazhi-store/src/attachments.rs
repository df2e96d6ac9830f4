//! Attachments of ledger records: the files under the data folder, named by their SM3 digest
//! (content-addressed: a file attached to many records is stored once, and a stored file is never
//! overwritten), and a row per attachment saying which record holds it under which name. The
//! checks of what may be attached are `fazhi_domain::attachment`'s.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use fazhi_domain::attachment::{self, CheckedFile};
use fazhi_domain::ledger::LedgerKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::ledger_attachment;
use crate::{Actor, Db, Scope, StoreError};

/// Where attachments' contents live: `<data folder>/attachments/<first two hex digits>/<digest>`.
/// Several server instances on one PostgreSQL share it (a network folder), as they share the
/// database.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn under(data_dir: &Path) -> FileStore {
        FileStore { root: data_dir.join("attachments") }
    }

    /// The folder the files are kept in.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn path(&self, digest: &str) -> Option<PathBuf> {
        attachment::is_digest(digest).then(|| self.root.join(&digest[..2]).join(digest))
    }

    /// Stores a checked file's content unless a file of that digest is there already. Written
    /// to a temporary name and renamed, so a reader never sees half a file.
    fn put(&self, file: &CheckedFile, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path(&file.digest).ok_or_else(|| StoreError::Internal("附件摘要无效".into()))?;
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().expect("digest path has a folder");
        let io = |e: std::io::Error| StoreError::Internal(format!("无法保存附件到 {}：{e}", dir.display()));
        std::fs::create_dir_all(dir).map_err(io)?;
        let temporary = dir.join(format!(".{}.{}", file.digest, crate::random_token()));
        let mut out = std::fs::File::create(&temporary).map_err(io)?;
        out.write_all(bytes).and_then(|()| out.sync_all()).map_err(io)?;
        std::fs::rename(&temporary, &path).map_err(io)
    }

    fn read(&self, digest: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.path(digest).ok_or(StoreError::NotFound)?;
        std::fs::read(&path).map_err(|e| StoreError::Internal(format!("附件文件 {} 无法读取：{e}", path.display())))
    }
}

/// An attachment as pages and the API list it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub record_id: i64,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    /// SM3 digest of the content, hex.
    pub digest: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// The stage of the procedure the file records, where the ledger names stages.
    pub stage: Option<String>,
}

impl From<ledger_attachment::Model> for AttachmentView {
    fn from(m: ledger_attachment::Model) -> Self {
        AttachmentView {
            id: m.id,
            record_id: m.record_id,
            file_name: m.file_name,
            media_type: m.media_type,
            size: m.size,
            digest: m.digest,
            uploaded_by: m.uploaded_by,
            uploaded_at: m.uploaded_at,
            stage: m.stage,
        }
    }
}

/// Attaches a file to a record of the caller's scope. The file is checked first (name, size,
/// type, content) and refused with the reason; the row and its audit record are written in one
/// transaction. A file stored but whose row failed is harmless: nothing points at it.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    db: &Db,
    files: &FileStore,
    actor: &Actor,
    scope: &Scope,
    kind: &'static LedgerKind,
    record_id: i64,
    file_name: &str,
    stage: Option<&str>,
    bytes: &[u8],
) -> Result<AttachmentView, StoreError> {
    let stage = stage.map(str::trim).filter(|s| !s.is_empty());
    if let Some(stage) = stage {
        let known = kind.record_stages.is_some_and(|rs| rs.stages.iter().any(|(s, _)| *s == stage));
        if !known {
            let choices = kind
                .record_stages
                .map(|rs| rs.stages.iter().map(|(s, _)| *s).collect::<Vec<_>>().join("、"))
                .unwrap_or_default();
            let message = if choices.is_empty() {
                format!("{}的附件不分办理环节，“{stage}”无效", kind.label)
            } else {
                format!("办理环节应为以下之一：{choices}")
            };
            return Err(StoreError::invalid("stage", message));
        }
    }
    let checked = attachment::check(file_name, bytes).map_err(|m| StoreError::invalid("file", m))?;
    // Refuse before writing anything for a record the caller cannot see.
    crate::ledger::find(db.conn(), scope, kind, record_id).await?;
    let (store, content) = (files.clone(), bytes.to_vec());
    let to_store = checked.clone();
    tokio::task::spawn_blocking(move || store.put(&to_store, &content))
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))??;
    let txn = db.begin_write().await?;
    let record = crate::ledger::find(&txn, scope, kind, record_id).await?;
    let saved = ledger_attachment::ActiveModel {
        record_id: Set(record.id),
        kind: Set(kind.code.to_owned()),
        org_id: Set(record.org_id),
        file_name: Set(checked.name.clone()),
        media_type: Set(checked.file_type.media_type.to_owned()),
        size: Set(i64::try_from(checked.size).unwrap_or(i64::MAX)),
        digest: Set(checked.digest.clone()),
        uploaded_by: Set(actor.name.clone()),
        uploaded_at: Set(crate::now()),
        stage: Set(stage.map(str::to_owned)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change::new("ledger.attach", kind.code, record.id).after(serde_json::json!({
        "attachment": saved.id, "file_name": saved.file_name, "size": saved.size, "sm3": saved.digest,
        "stage": saved.stage,
    }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// The attachments of a record the caller may see, oldest first.
pub async fn list(
    db: &Db,
    scope: &Scope,
    kind: &'static LedgerKind,
    record_id: i64,
) -> Result<Vec<AttachmentView>, StoreError> {
    crate::ledger::find(db.conn(), scope, kind, record_id).await?;
    let rows = ledger_attachment::Entity::find()
        .filter(ledger_attachment::Column::RecordId.eq(record_id))
        .filter(ledger_attachment::Column::RemovedAt.is_null())
        .order_by_asc(ledger_attachment::Column::Id)
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(AttachmentView::from).collect())
}

async fn find_live(
    db: &Db,
    scope: &Scope,
    kind: &'static LedgerKind,
    record_id: i64,
    id: i64,
) -> Result<ledger_attachment::Model, StoreError> {
    crate::ledger::find(db.conn(), scope, kind, record_id).await?;
    ledger_attachment::Entity::find_by_id(id)
        .one(db.conn())
        .await?
        .filter(|a| a.record_id == record_id && a.kind == kind.code && a.removed_at.is_none())
        .ok_or(StoreError::NotFound)
}

/// An attachment's content, for download.
pub async fn open(
    db: &Db,
    files: &FileStore,
    scope: &Scope,
    kind: &'static LedgerKind,
    record_id: i64,
    id: i64,
) -> Result<(AttachmentView, Vec<u8>), StoreError> {
    let row = find_live(db, scope, kind, record_id, id).await?;
    let (store, digest) = (files.clone(), row.digest.clone());
    let bytes = tokio::task::spawn_blocking(move || store.read(&digest))
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))??;
    Ok((row.into(), bytes))
}

/// Removes an attachment from its record. The row stays, marked, and so does the file: the audit
/// trail still says what was attached and removed.
pub async fn remove(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    kind: &'static LedgerKind,
    record_id: i64,
    id: i64,
) -> Result<(), StoreError> {
    let row = find_live(db, scope, kind, record_id, id).await?;
    let txn = db.begin_write().await?;
    let updated = ledger_attachment::Entity::update_many()
        .col_expr(ledger_attachment::Column::RemovedAt, sea_orm::sea_query::Expr::value(Some(crate::now())))
        .filter(ledger_attachment::Column::Id.eq(id))
        .filter(ledger_attachment::Column::RemovedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    let change = Change::new("ledger.detach", kind.code, record_id).before(serde_json::json!({
        "attachment": row.id, "file_name": row.file_name, "size": row.size, "sm3": row.digest,
    }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(())
}
