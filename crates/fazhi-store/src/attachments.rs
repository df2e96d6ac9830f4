//! Attachments of ledger records: the contents, named by their SM3 digest (content-addressed: a
//! file attached to many records is stored once, and a stored content is never overwritten), in
//! the database on PostgreSQL and under the data folder on SQLite, and a row per attachment saying which record holds it under which name. The
//! checks of what may be attached are `fazhi_domain::attachment`'s.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use fazhi_domain::attachment;
use fazhi_domain::ledger::LedgerKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::{attachment_chunk, ledger_attachment};
use crate::{Actor, Db, Scope, StoreError};

/// The most of an attachment's content held in memory at once while it is stored or read back.
pub const CHUNK: usize = 1 << 20;

/// Where attachments' contents live, named by their SM3 digest. On PostgreSQL, in the database
/// (`attachment_chunks`, chunks of at most [`CHUNK`] bytes), so several server instances share
/// nothing but the database; on SQLite, in the data folder:
/// `<data folder>/attachments/<first two hex digits>/<digest>`.
#[derive(Debug, Clone)]
pub struct FileStore {
    place: Place,
}

#[derive(Debug, Clone)]
enum Place {
    Folder(PathBuf),
    Database,
}

/// An attachment's content as it is read: its chunks one after another, never the whole.
pub type Chunks = futures_util::stream::BoxStream<'static, Result<Vec<u8>, StoreError>>;

impl FileStore {
    /// This installation's place for attachments: the database on PostgreSQL, the data folder's
    /// `attachments` on SQLite.
    pub fn of(db: &Db, data_dir: &Path) -> FileStore {
        let place = match db.conn().get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => Place::Database,
            _ => Place::Folder(data_dir.join("attachments")),
        };
        FileStore { place }
    }

    fn path(root: &Path, digest: &str) -> Option<PathBuf> {
        attachment::is_digest(digest).then(|| root.join(&digest[..2]).join(digest))
    }

    /// Stores a content under its digest unless it is stored already: in the folder before the
    /// transaction (written to a temporary name and renamed, so a reader never sees half a file;
    /// a file whose row then fails is harmless, nothing points at it), or in the database inside
    /// it, a chunk at a time, so the content and the row that names it commit together.
    pub(crate) async fn put(&self, txn: &crate::db::WriteTxn, digest: &str, bytes: &[u8]) -> Result<(), StoreError> {
        if !attachment::is_digest(digest) {
            return Err(StoreError::Internal("附件摘要无效".into()));
        }
        match &self.place {
            Place::Folder(root) => {
                let (root, digest, content) = (root.clone(), digest.to_owned(), bytes.to_vec());
                tokio::task::spawn_blocking(move || write_file(&root, &digest, &content))
                    .await
                    .map_err(|e| StoreError::Internal(e.to_string()))?
            }
            Place::Database => {
                let stored = attachment_chunk::Entity::find_by_id((digest.to_owned(), 0)).one(txn).await?;
                if stored.is_some() {
                    return Ok(());
                }
                let mut pieces: Vec<&[u8]> = bytes.chunks(CHUNK).collect();
                if pieces.is_empty() {
                    pieces.push(&[]);
                }
                for (seq, piece) in pieces.into_iter().enumerate() {
                    attachment_chunk::ActiveModel {
                        digest: Set(digest.to_owned()),
                        seq: Set(i32::try_from(seq).unwrap_or(i32::MAX)),
                        data: Set(piece.to_vec()),
                    }
                    .insert(txn)
                    .await?;
                }
                Ok(())
            }
        }
    }

    /// A stored content, chunk by chunk.
    pub(crate) async fn read(&self, db: &Db, digest: &str) -> Result<Chunks, StoreError> {
        use futures_util::StreamExt;
        if !attachment::is_digest(digest) {
            return Err(StoreError::NotFound);
        }
        match &self.place {
            Place::Folder(root) => {
                let path = FileStore::path(root, digest).ok_or(StoreError::NotFound)?;
                let unreadable =
                    move |e: std::io::Error| StoreError::Internal(format!("附件文件 {} 无法读取：{e}", path.display()));
                let file = tokio::fs::File::open(FileStore::path(root, digest).ok_or(StoreError::NotFound)?)
                    .await
                    .map_err(unreadable.clone())?;
                Ok(futures_util::stream::try_unfold(file, move |mut file| {
                    let unreadable = unreadable.clone();
                    async move {
                        use tokio::io::AsyncReadExt;
                        let mut buf = Vec::with_capacity(CHUNK);
                        (&mut file).take(CHUNK as u64).read_to_end(&mut buf).await.map_err(unreadable)?;
                        Ok((!buf.is_empty()).then_some((buf, file)))
                    }
                })
                .boxed())
            }
            Place::Database => {
                let (db, digest) = (db.clone(), digest.to_owned());
                if attachment_chunk::Entity::find_by_id((digest.clone(), 0)).one(db.conn()).await?.is_none() {
                    return Err(StoreError::Internal(format!("附件内容 {digest} 不在数据库中")));
                }
                Ok(futures_util::stream::try_unfold(0i32, move |seq| {
                    let (db, digest) = (db.clone(), digest.clone());
                    async move {
                        let chunk = attachment_chunk::Entity::find_by_id((digest, seq)).one(db.conn()).await?;
                        Ok(chunk.map(|c| (c.data, seq + 1)))
                    }
                })
                .boxed())
            }
        }
    }

    /// Whether nothing is stored yet: a restore goes only into an empty installation.
    pub(crate) async fn is_empty<C: sea_orm::ConnectionTrait>(&self, conn: &C) -> Result<bool, StoreError> {
        Ok(match &self.place {
            Place::Folder(root) => std::fs::read_dir(root).map(|mut d| d.next().is_none()).unwrap_or(true),
            Place::Database => attachment_chunk::Entity::find().one(conn).await?.is_none(),
        })
    }
}

/// On PostgreSQL, moves into the database the contents an earlier version kept in the data
/// folder (which several instances had to share), so downloads find them there. The files stay
/// where they were; one audit record says how many were moved. How many.
pub async fn move_folder_into_database(db: &Db, files: &FileStore, data_dir: &Path) -> Result<u64, StoreError> {
    if !matches!(files.place, Place::Database) {
        return Ok(0);
    }
    let root = data_dir.join("attachments");
    let mut found = Vec::new();
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            if attachment::is_digest(&name) {
                found.push((name, file.path()));
            }
        }
    }
    let mut missing = Vec::new();
    for (digest, path) in found {
        if attachment_chunk::Entity::find_by_id((digest.clone(), 0)).one(db.conn()).await?.is_none() {
            missing.push((digest, path));
        }
    }
    if missing.is_empty() {
        return Ok(0);
    }
    let txn = db.begin_write().await?;
    for (digest, path) in &missing {
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| StoreError::Internal(format!("附件文件 {} 无法读取：{e}", path.display())))?;
        files.put(&txn, digest, &bytes).await?;
    }
    let change = Change::new("system.attachments_moved", "attachments", "database")
        .after(serde_json::json!({ "files": missing.len(), "from": root.display().to_string() }));
    audit::append(&txn, &Actor::command_line(), change).await?;
    txn.commit().await?;
    Ok(missing.len() as u64)
}

fn write_file(root: &Path, digest: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let path = FileStore::path(root, digest).ok_or_else(|| StoreError::Internal("附件摘要无效".into()))?;
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().expect("digest path has a folder");
    let io = |e: std::io::Error| StoreError::Internal(format!("无法保存附件到 {}：{e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let temporary = dir.join(format!(".{digest}.{}", crate::random_token()));
    let mut out = std::fs::File::create(&temporary).map_err(io)?;
    out.write_all(bytes).and_then(|()| out.sync_all()).map_err(io)?;
    std::fs::rename(&temporary, &path).map_err(io)
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
    let txn = db.begin_write().await?;
    let record = crate::ledger::find(&txn, scope, kind, record_id).await?;
    files.put(&txn, &checked.digest, bytes).await?;
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

/// An attachment's content, for download, as it is read: chunk by chunk.
pub async fn open(
    db: &Db,
    files: &FileStore,
    scope: &Scope,
    kind: &'static LedgerKind,
    record_id: i64,
    id: i64,
) -> Result<(AttachmentView, Chunks), StoreError> {
    let row = find_live(db, scope, kind, record_id, id).await?;
    let chunks = files.read(db, &row.digest).await?;
    Ok((row.into(), chunks))
}

/// An attachment's whole content, for the tests that compare it.
#[cfg(feature = "test-support")]
pub async fn read_whole(chunks: Chunks) -> Result<Vec<u8>, StoreError> {
    use futures_util::TryStreamExt;
    chunks.try_concat().await
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
