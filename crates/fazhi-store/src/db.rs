use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fazhi_domain::audit::AuditKey;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, Schema, Set, TransactionTrait,
};

use crate::StoreError;
use crate::entities::*;

/// The schema version this build writes: the number of its migrations (`migrations::Migrator`),
/// kept in `schema_meta` too so a build older than the database refuses to start on it.
pub(crate) const SCHEMA_VERSION: i64 = 13;

#[derive(Clone)]
pub struct Db {
    /// Read-only; writes take `conn.0` only in `begin_write` and the migrations.
    conn: Reader,
    /// The audit chain's key: every write transaction signs its audit records with it.
    audit_key: Arc<AuditKey>,
}

/// A write transaction that has taken the audit chain's lock: the only way to change data. It
/// carries the audit key, so the audit record of each change is signed in the same transaction.
pub(crate) struct WriteTxn {
    txn: DatabaseTransaction,
    key: Arc<AuditKey>,
}

impl WriteTxn {
    pub(crate) fn audit_key(&self) -> &AuditKey {
        &self.key
    }

    pub(crate) async fn commit(self) -> Result<(), sea_orm::DbErr> {
        self.txn.commit().await
    }

    pub(crate) async fn rollback(self) -> Result<(), sea_orm::DbErr> {
        self.txn.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DatabaseBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: sea_orm::Statement) -> Result<Option<sea_orm::QueryResult>, sea_orm::DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> Result<Vec<sea_orm::QueryResult>, sea_orm::DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// The connection seen as read-only: the type every read outside a transaction goes through.
/// Statements that change data are refused with an internal error, so a write that skips the
/// audited write path fails in the tests instead of landing unrecorded.
#[derive(Clone)]
pub(crate) struct Reader(DatabaseConnection);

impl Reader {
    fn check(sql: &str) -> Result<(), sea_orm::DbErr> {
        let first = sql.trim_start().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        if ["SELECT", "WITH", "EXPLAIN", "SHOW", "VALUES"].iter().any(|w| first.eq_ignore_ascii_case(w)) {
            Ok(())
        } else {
            Err(sea_orm::DbErr::Custom(format!("a write outside a write transaction: {}", first.to_uppercase())))
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Reader {
    fn get_database_backend(&self) -> DatabaseBackend {
        self.0.get_database_backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
        Reader::check(&stmt.sql)?;
        self.0.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
        Reader::check(sql)?;
        self.0.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: sea_orm::Statement) -> Result<Option<sea_orm::QueryResult>, sea_orm::DbErr> {
        Reader::check(&stmt.sql)?;
        self.0.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> Result<Vec<sea_orm::QueryResult>, sea_orm::DbErr> {
        Reader::check(&stmt.sql)?;
        self.0.query_all_raw(stmt).await
    }
}

/// The URL of the embedded database inside a data folder, created if absent.
pub fn sqlite_url_for_data_dir(dir: &Path) -> Result<String, StoreError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| StoreError::Internal(format!("无法创建数据目录 {}：{e}", dir.display())))?;
    Ok(format!("sqlite://{}?mode=rwc", dir.join("fazhi.db").display()))
}

/// Turns on SQLite's query planner stability guarantee for a new connection. Without it, every
/// statement whose plan could depend on a bound value, as `LIMIT ?` and `OFFSET ?` can, is parsed
/// and planned again on each execution: a sixth of the server's time under load went to that.
/// Our queries are planned on their indexes, not on the values bound to them.
async fn fix_query_plans(conn: &mut sea_orm::sqlx::SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is the live connection held locked by `handle` for this call; the option takes
    // an int and an optional out-pointer, which may be null.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        )
    };
    if rc == libsqlite3_sys::SQLITE_OK {
        Ok(())
    } else {
        Err(sea_orm::sqlx::Error::Protocol(format!("SQLite 不接受查询计划稳定设置（错误码 {rc}）")))
    }
}

impl Db {
    /// Connects and brings the schema up to date. The backend follows the URL's scheme. The audit
    /// key must be the one the database's chain was written under (`audit_key::load_or_create`).
    pub async fn connect(url: &str, audit_key: AuditKey) -> Result<Db, StoreError> {
        Db::connect_pooled(url, audit_key, None).await
    }

    /// As `connect`, keeping at most `pool` connections open (the default when none is given).
    pub async fn connect_pooled(url: &str, audit_key: AuditKey, pool: Option<u32>) -> Result<Db, StoreError> {
        let sqlite = url.starts_with("sqlite:");
        let mut options = ConnectOptions::new(url.to_owned());
        // Measured on 2 cores: SQLite runs each connection on a thread of its own, and beyond four
        // the switching costs more than the parallelism gives (crates/fazhi/benches/audit_load.rs).
        let default_pool = if sqlite { 4 } else { 16 };
        let pool = pool.unwrap_or(default_pool);
        options.max_connections(pool).min_connections(1).acquire_timeout(Duration::from_secs(10)).sqlx_logging(false);
        // A ping before each use is a round trip to the connection's thread: for an embedded file
        // it finds nothing (the connection cannot go stale) and it cost a third of the hops of a
        // page. A PostgreSQL connection is pinged only after a quiet spell, when a restart or a
        // firewall may have cut it.
        if sqlite {
            options.test_before_acquire(false);
        } else {
            options.test_before_acquire_if_idle_for(Duration::from_secs(30));
        }
        options.map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_connect(|conn, _| Box::pin(async move { fix_query_plans(conn).await }))
        });
        let conn = Database::connect(options).await?;
        if sqlite {
            // WAL lets readers go on while one writer writes; it is a property of the file.
            conn.execute_unprepared("PRAGMA journal_mode=WAL").await?;
        }
        let db = Db { conn: Reader(conn), audit_key: Arc::new(audit_key) };
        db.migrate().await?;
        Ok(db)
    }

    /// The connection for reads outside a transaction. It refuses any statement that would change
    /// data: a write goes through [`Db::begin_write`], where the audit chain records it.
    pub(crate) fn conn(&self) -> &Reader {
        &self.conn
    }

    /// The raw connection, for tests that tamper with stored rows behind the store's back (to show
    /// that the audit chain or a migration notices). Not in a production build.
    #[cfg(feature = "test-support")]
    pub fn raw_for_tests(&self) -> &DatabaseConnection {
        &self.conn.0
    }

    /// Closes the pool's connections (benchmarks, between backends).
    pub async fn close(&self) {
        self.conn.0.clone().close().await.ok();
    }

    pub fn backend_name(&self) -> &'static str {
        match self.conn.get_database_backend() {
            DatabaseBackend::Postgres => "PostgreSQL",
            DatabaseBackend::Sqlite => "SQLite",
            _ => "other",
        }
    }

    /// Opens a write transaction and takes the audit chain's lock first. On PostgreSQL that is a
    /// row lock held to commit; on SQLite the first write takes the database's write lock. Taking
    /// it before any read means two writers never deadlock on upgrading a read lock.
    pub(crate) async fn begin_write(&self) -> Result<WriteTxn, StoreError> {
        let txn = self.conn.0.begin().await?;
        audit_head::Entity::update_many()
            .col_expr(audit_head::Column::LastId, Expr::col(audit_head::Column::LastId))
            .filter(audit_head::Column::Id.eq(1))
            .exec(&txn)
            .await?;
        Ok(WriteTxn { txn, key: self.audit_key.clone() })
    }

    pub(crate) fn audit_key(&self) -> &AuditKey {
        &self.audit_key
    }

    /// A read transaction that sees one state of the whole database while writers go on: repeatable
    /// read on PostgreSQL; on SQLite (WAL) every read transaction already does.
    pub(crate) async fn begin_snapshot(&self) -> Result<DatabaseTransaction, StoreError> {
        Ok(match self.conn.get_database_backend() {
            DatabaseBackend::Postgres => {
                self.conn
                    .0
                    .begin_with_config(
                        Some(sea_orm::IsolationLevel::RepeatableRead),
                        Some(sea_orm::AccessMode::ReadOnly),
                    )
                    .await?
            }
            _ => self.conn.0.begin().await?,
        })
    }

    /// Brings the schema up to date (`migrations`), then the audit key and the counted figures.
    async fn migrate(&self) -> Result<(), StoreError> {
        use sea_orm_migration::{MigratorTrait, SchemaManager};

        use crate::migrations::Migrator;
        let backend = self.conn.get_database_backend();
        let txn = WriteTxn { txn: self.conn.0.begin().await?, key: self.audit_key.clone() };
        if backend == DatabaseBackend::Postgres {
            // Several servers may start at once on one PostgreSQL: one migrates, the others wait.
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(774411)").await?;
            // Checked before any migration, so a server that cannot have it says so plainly.
            enable_pg_trgm(&txn).await?;
        }
        let schema = Schema::new(backend);
        txn.execute(schema.create_table_from_entity(schema_meta::Entity).if_not_exists()).await?;
        let stored = schema_meta::Entity::find_by_id("schema_version".to_owned()).one(&txn).await?;
        let current: i64 = stored.as_ref().and_then(|m| m.value.parse().ok()).unwrap_or(0);
        if current > SCHEMA_VERSION {
            return Err(StoreError::Internal(format!(
                "数据库结构版本为 {current}，高于本程序支持的 {SCHEMA_VERSION}：请升级 fazhi"
            )));
        }
        // A database migrated before sea-orm-migration kept the record: the versions it has are
        // noted as applied, so only the later ones run.
        if current > 0 && !SchemaManager::new(&txn.txn).has_table("seaql_migrations").await? {
            Migrator::install(&txn.txn).await?;
            for migration in Migrator::migrations().iter().take(current as usize) {
                sea_orm_migration::seaql_migrations::ActiveModel {
                    version: Set(migration.name().to_owned()),
                    applied_at: Set(crate::now().timestamp()),
                }
                .insert(&txn.txn)
                .await?;
            }
        }
        Migrator::install(&txn.txn).await?;
        let pending = Migrator::get_pending_migrations(&txn.txn).await?.len();
        Migrator::up(&txn.txn, None).await?;
        if pending > 0 && current > 0 {
            tracing::info!("数据库结构已从第 {current} 版更新到第 {SCHEMA_VERSION} 版（{pending} 项迁移）");
        }
        if current < SCHEMA_VERSION {
            let version =
                schema_meta::ActiveModel { key: Set("schema_version".into()), value: Set(SCHEMA_VERSION.to_string()) };
            if stored.is_some() {
                version.update(&txn).await?;
            } else {
                version.insert(&txn).await?;
            }
        }
        crate::audit::adopt_key(&txn, current).await?;
        // The figure rows follow the kinds' indicator declarations: when those changed (a feed
        // added, a year counted differently) since the rows were written, or the rows were never
        // written (a database from before them), they are written again from the records.
        let signature = fazhi_domain::ledgers::figures_signature();
        let written = schema_meta::Entity::find_by_id("figures_signature".to_owned()).one(&txn).await?;
        if written.as_ref().map(|m| m.value.as_str()) != Some(signature.as_str()) {
            ledger_figure::Entity::delete_many().exec(&txn).await?;
            ledger_figure_total::Entity::delete_many().exec(&txn).await?;
            // The time limits' outcomes are counted on the calendar and settings in force.
            let calendar = crate::calendar::current_on(&txn).await?;
            let settings = crate::rules::settings_on(&txn).await?;
            let ctx = fazhi_domain::ledger::Context::for_records(&calendar, &settings);
            crate::ledger::count_figures_after(&txn, 0, &ctx).await?;
            let row = schema_meta::ActiveModel { key: Set("figures_signature".into()), value: Set(signature) };
            if written.is_some() {
                row.update(&txn).await?;
            } else {
                row.insert(&txn).await?;
            }
        }
        txn.commit().await?;
        Ok(())
    }
}

/// After rows were inserted with their ids (a restore), PostgreSQL's id sequences must continue
/// past them; SQLite continues from the largest id by itself.
pub(crate) async fn reset_id_sequences(txn: &WriteTxn) -> Result<(), StoreError> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for table in [
        "organizations",
        "users",
        "api_tokens",
        "ledger_records",
        "ledger_uploads",
        "ledger_attachments",
        "ledger_figures",
        "ledger_figure_totals",
        "annual_reports",
        "annual_report_versions",
    ] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
        );
        txn.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// The search index, the one part of the schema the two backends build differently. SQLite: an
/// FTS5 table of trigrams over the records' two search texts, kept by triggers in the write
/// transaction that writes the record. PostgreSQL: `pg_trgm` GIN indexes on the two columns,
/// which `LIKE` uses. Built in batches on SQLite, so the console shows how far it has come.
pub(crate) async fn create_search_index<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    match conn.get_database_backend() {
        DatabaseBackend::Postgres => {
            enable_pg_trgm(conn).await?;
            let started = std::time::Instant::now();
            tracing::info!("正在为台账记录建立检索索引（pg_trgm）…");
            for (name, column) in
                [("ledger_records_search_trgm", "search_text"), ("ledger_records_personal_trgm", "personal_text")]
            {
                conn.execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS {name} ON ledger_records USING gin ({column} gin_trgm_ops)"
                ))
                .await?;
            }
            tracing::info!("检索索引已建立，用时 {:.1} 秒", started.elapsed().as_secs_f64());
        }
        _ => {
            let exists = "SELECT 1 FROM sqlite_master WHERE name = 'ledger_search'";
            if conn.query_one_raw(sea_orm::Statement::from_string(DatabaseBackend::Sqlite, exists)).await?.is_some() {
                return Ok(());
            }
            // The stored texts are lower-cased already: the index compares them as they are, so a
            // match is exactly a substring, as the scan of short words finds it.
            conn.execute_unprepared(
                "CREATE VIRTUAL TABLE ledger_search USING fts5(search_text, personal_text, \
                 content='ledger_records', content_rowid='id', tokenize='trigram case_sensitive 1')",
            )
            .await?;
            const INSERT: &str = "INSERT INTO ledger_search(rowid, search_text, personal_text) \
                                  VALUES (new.id, new.search_text, new.personal_text);";
            const DELETE: &str = "INSERT INTO ledger_search(ledger_search, rowid, search_text, personal_text) \
                                  VALUES ('delete', old.id, old.search_text, old.personal_text);";
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS ledger_search_insert AFTER INSERT ON ledger_records BEGIN {INSERT} END"
            ))
            .await?;
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS ledger_search_delete AFTER DELETE ON ledger_records BEGIN {DELETE} END"
            ))
            .await?;
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS ledger_search_update AFTER UPDATE OF search_text, personal_text \
                 ON ledger_records WHEN old.search_text IS NOT new.search_text \
                 OR old.personal_text IS NOT new.personal_text BEGIN {DELETE} {INSERT} END"
            ))
            .await?;
            fill_sqlite_search_index(conn).await?;
        }
    }
    Ok(())
}

/// Indexes the records already stored, 50,000 at a time, saying on the console how far it is.
async fn fill_sqlite_search_index<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    let sql = "SELECT MAX(id) FROM ledger_records";
    let row = conn.query_one_raw(sea_orm::Statement::from_string(DatabaseBackend::Sqlite, sql)).await?;
    let last: i64 = row.map(|r| r.try_get_by_index::<Option<i64>>(0)).transpose()?.flatten().unwrap_or(0);
    let started = std::time::Instant::now();
    const BATCH: i64 = 50_000;
    let mut from = 0;
    while from < last {
        let to = (from + BATCH).min(last);
        conn.execute_unprepared(&format!(
            "INSERT INTO ledger_search(rowid, search_text, personal_text) \
             SELECT id, search_text, personal_text FROM ledger_records WHERE id > {from} AND id <= {to}"
        ))
        .await?;
        from = to;
        if last > BATCH {
            tracing::info!("正在建立检索索引：{}%（记录编号 {from}/{last}）", from * 100 / last);
        }
    }
    if last > BATCH {
        tracing::info!("检索索引已建立，用时 {:.1} 秒", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Enables `pg_trgm`, or stops with what to ask the database's administrator for.
pub(crate) async fn enable_pg_trgm<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    let present = "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'";
    if conn.query_one_raw(sea_orm::Statement::from_string(DatabaseBackend::Postgres, present)).await?.is_some() {
        return Ok(());
    }
    // A refused CREATE must not abort the migration's transaction: it is tried under a savepoint.
    conn.execute_unprepared("SAVEPOINT enable_pg_trgm").await?;
    match conn.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await {
        Ok(_) => {
            conn.execute_unprepared("RELEASE SAVEPOINT enable_pg_trgm").await?;
            Ok(())
        }
        Err(e) => {
            conn.execute_unprepared("ROLLBACK TO SAVEPOINT enable_pg_trgm").await?;
            tracing::warn!("启用 pg_trgm 被数据库拒绝：{e}");
            Err(StoreError::Setup(
                "PostgreSQL 数据库缺少扩展 pg_trgm（台账检索的索引需要它），本程序的数据库账号也无权启用它。\
                 请数据库管理员在本数据库中执行：CREATE EXTENSION pg_trgm; 然后重新启动"
                    .into(),
            ))
        }
    }
}

/// Text for a `LIKE … ESCAPE '\\'` pattern that matches it literally.
pub(crate) fn like_escaped(text: &str) -> String {
    text.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect()
}

/// The condition that a record's texts hold the words: its open texts, and its personal ones
/// when `personal`. On SQLite three characters or more are looked up in the trigram table; on
/// PostgreSQL `LIKE` is served by the trigram indexes. Shorter words are a `LIKE` on both, which
/// the caller bounds.
pub(crate) fn text_match(
    backend: DatabaseBackend,
    words: &fazhi_domain::search::SearchWords,
    personal: bool,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Condition, ExprTrait, LikeExpr};
    if backend == DatabaseBackend::Sqlite && !words.is_short() {
        let phrase = format!("\"{}\"", words.as_str().replace('"', "\"\""));
        let columns = if personal { "{search_text personal_text}" } else { "search_text" };
        return Expr::cust_with_values(
            "ledger_records.id IN (SELECT rowid FROM ledger_search WHERE ledger_search MATCH ?)",
            [format!("{columns} : {phrase}")],
        );
    }
    let escaped = like_escaped(words.as_str());
    let like = || LikeExpr::new(format!("%{escaped}%")).escape('\\');
    let mut any = Condition::any().add(Expr::col(ledger_record::Column::SearchText).like(like()));
    if personal {
        any = any.add(Expr::col(ledger_record::Column::PersonalText).like(like()));
    }
    any.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_version_counts_the_migrations() {
        use sea_orm_migration::MigratorTrait;
        assert_eq!(SCHEMA_VERSION as usize, crate::migrations::Migrator::migrations().len());
    }

    #[tokio::test]
    async fn the_read_connection_refuses_every_write() {
        let db = Db::connect("sqlite::memory:", AuditKey::from_bytes([7; 32])).await.unwrap();
        for sql in ["DELETE FROM sessions", "UPDATE users SET locked = 1", "insert into settings VALUES ('a', '1')"] {
            let refused = db.conn().execute_unprepared(sql).await.unwrap_err();
            assert!(refused.to_string().contains("a write outside a write transaction"), "{sql}: {refused}");
        }
        assert!(db.conn().execute_unprepared("SELECT 1").await.is_ok());
        // The audited write path writes.
        let txn = db.begin_write().await.unwrap();
        txn.execute_unprepared("DELETE FROM sessions").await.unwrap();
        txn.commit().await.unwrap();
    }
}
