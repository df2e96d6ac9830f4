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
pub(crate) const SCHEMA_VERSION: i64 = 19;

#[derive(Clone)]
pub struct Db {
    /// Read-only; writes take `conn.0` only in `begin_write` and the migrations.
    conn: Reader,
    /// The audit chain's key: every write transaction signs its audit records with it.
    audit_key: Arc<AuditKey>,
    /// SQLite with the search indexes kept in batches (`create_search_index`), which
    /// `index_pending_search` keeps.
    indexed_in_batches: bool,
    /// SQLite: the numbers of the declared kinds in the indexes' scope marks, read once at start
    /// (`search_scope`): a number, once given, never changes, and every kind this build declares
    /// is numbered before it serves.
    kind_numbers: Arc<std::collections::HashMap<String, i64>>,
    /// The calendar and settings last read (`rules::current`), shared by the clones of this handle.
    pub(crate) rules: Arc<crate::district::Kept<crate::rules::Rules>>,
    /// The organizations last read, likewise (`orgs::tree`).
    pub(crate) tree: Arc<crate::district::Kept<Vec<crate::orgs::OrgView>>>,
    /// SQLite: the writers of this process take turns here, in the order they came, before they
    /// open their transaction. SQLite lets one writer in at a time and makes the others retry
    /// after sleeping 1, 2, 5, 10, 25 … ms; a queue hands the turn over the moment the last writer
    /// is done, and a writer waiting for it holds no connection. PostgreSQL queues on the audit
    /// chain's row lock itself.
    writers: Option<Arc<tokio::sync::Mutex<()>>>,
}

/// How long a writer waits for its turn before the write is refused: as long as SQLite's own
/// wait for a writer of another process (sqlx's busy timeout).
const WRITER_WAIT: Duration = Duration::from_secs(5);

/// A write transaction that has taken the audit chain's lock: the only way to change data. It
/// carries the audit key, so the audit record of each change is signed in the same transaction.
pub(crate) struct WriteTxn {
    txn: DatabaseTransaction,
    key: Arc<AuditKey>,
    /// The writers' turn (SQLite), given back after the transaction ends: fields drop in order.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
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
        let mut db = Db {
            conn: Reader(conn),
            audit_key: Arc::new(audit_key),
            indexed_in_batches: false,
            kind_numbers: Arc::default(),
            rules: Arc::default(),
            tree: Arc::default(),
            writers: sqlite.then(Arc::default),
        };
        db.migrate().await?;
        db.indexed_in_batches = sqlite && has_batched_index(db.conn()).await?;
        if sqlite {
            db.kind_numbers = Arc::new(kind_numbers(db.conn()).await?);
        }
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
        let turn = match &self.writers {
            Some(writers) => Some(
                tokio::time::timeout(WRITER_WAIT, writers.clone().lock_owned())
                    .await
                    .map_err(|_| StoreError::refused("系统正忙，其他数据正在写入，请稍后再试"))?,
            ),
            None => None,
        };
        let txn = self.conn.0.begin().await?;
        audit_head::Entity::update_many()
            .col_expr(audit_head::Column::LastId, Expr::col(audit_head::Column::LastId))
            .filter(audit_head::Column::Id.eq(1))
            .exec(&txn)
            .await?;
        Ok(WriteTxn { txn, key: self.audit_key.clone(), _turn: turn })
    }

    /// A key for `purpose` derived from the audit key (`AuditKey::derive`): the same in every
    /// instance of the installation, so what one instance signs another can check.
    pub fn derived_key(&self, purpose: &str) -> AuditKey {
        self.audit_key.derive(purpose)
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
        // Before the server serves: no other writer of this process yet.
        let txn = WriteTxn { txn: self.conn.0.begin().await?, key: self.audit_key.clone(), _turn: None };
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
        register_new_search_kinds(&txn).await?;
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
        // Records a migration wrote are in the search indexes from the start.
        if backend == DatabaseBackend::Sqlite && has_batched_index(&txn).await? {
            index_pending_records(&txn, false).await?;
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

/// The search indexes, the one part of the schema the two backends build differently.
/// PostgreSQL: `pg_trgm` GIN indexes on the two texts, which `LIKE` uses, and GIN indexes on the
/// pairs of adjacent characters of each (`fazhi_pairs`). SQLite: two FTS5 tables, kept in batches
/// off the writers' path (below), built here from every stored record with the progress on the
/// console. An index of an earlier form (kept by triggers, or without scope marks) is built again.
pub(crate) async fn create_search_index<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    match conn.get_database_backend() {
        DatabaseBackend::Postgres => create_postgres_search_index(conn).await,
        DatabaseBackend::Sqlite if !has_batched_index(conn).await? => create_sqlite_search_index(conn).await,
        _ => Ok(()),
    }
}

async fn create_postgres_search_index<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
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
    conn.execute_unprepared(
        "CREATE OR REPLACE FUNCTION fazhi_pairs(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS \
         $$ SELECT COALESCE(array_agg(DISTINCT substr(t, i, 2)), '{}') \
         FROM generate_series(1, length(t) - 1) AS i $$",
    )
    .await?;
    for (name, column) in
        [("ledger_records_search_pairs", "search_text"), ("ledger_records_personal_pairs", "personal_text")]
    {
        conn.execute_unprepared(&format!(
            "CREATE INDEX IF NOT EXISTS {name} ON ledger_records USING gin (fazhi_pairs({column}))"
        ))
        .await?;
    }
    tracing::info!("检索索引已建立，用时 {:.1} 秒", started.elapsed().as_secs_f64());
    Ok(())
}

// SQLite's two indexes, neither of which keeps a copy of the texts (content=''); only record ids
// come out of them:
// - `ledger_search`, trigrams (three characters or more): each record's lower-cased name, its two
//   search texts, and the marks of its scope (`scope_marks_sql`). The texts are lower-cased
//   already, so the index compares them as they are (case_sensitive 1) and a match is exactly a
//   substring, as the scan of short words finds it.
// - `ledger_search_pairs`, two-character searches (`SearchWords::is_pair`), which trigrams cannot
//   serve, looked up as one token each: the record's scope marks, the pairs of adjacent Chinese
//   characters or ASCII letters and digits in its open texts (`fazhi_domain::search::pairs`), and
//   those of its personal texts behind PERSONAL_PAIR. No positions are kept (detail=none): a
//   query is one token. The tokens come cut in Rust and lower-cased, one space apart: the `ascii`
//   tokenizer only splits them there.
// Neither is written in the writers' transactions, where a write would pay for tokenizing its
// record's old texts again to take them out, and for an index segment of its own at each commit.
// Triggers only note there which records changed (`ledger_search_pending`, one row each), and
// `Db::index_pending_search` puts them in both indexes a moment later (`fazhi serve` every
// quarter second), in batches. Until then a search reads a noted record's texts directly
// (`indexed_search_ids`, `text_match`), so it finds exactly what the records hold at every
// moment. Both tables take records out by id (contentless_delete).
const PERSONAL_PAIR: char = '\u{F400}';

/// Whether any record waits to be put in the indexes.
const WAITING: &str = "SELECT 1 FROM ledger_search_pending LIMIT 1";

/// What the SQLite search index is made of, in the order they are dropped: a table its triggers
/// name cannot be dropped before them.
pub const SQLITE_SEARCH_INDEX_OBJECTS: [(&str, &str); 6] = [
    ("TRIGGER", "ledger_search_note_insert"),
    ("TRIGGER", "ledger_search_note_update"),
    ("TRIGGER", "ledger_search_note_delete"),
    ("TABLE", "ledger_search_pending"),
    ("TABLE", "ledger_search"),
    ("TABLE", "ledger_search_pairs"),
];

/// What earlier forms of the index were made of (schemas 13 to 17), dropped before it is built
/// again.
const EARLIER_SEARCH_INDEX_OBJECTS: [(&str, &str); 7] = [
    ("TRIGGER", "ledger_search_insert"),
    ("TRIGGER", "ledger_search_update"),
    ("TRIGGER", "ledger_search_delete"),
    ("TRIGGER", "ledger_search_pairs_insert"),
    ("TRIGGER", "ledger_search_pairs_update"),
    ("TRIGGER", "ledger_search_pairs_delete"),
    ("TABLE", "ledger_search_pairs_pending"),
];

async fn has_batched_index<C: ConnectionTrait>(conn: &C) -> Result<bool, StoreError> {
    let sql = "SELECT 1 FROM sqlite_master WHERE name = 'ledger_search_pending'";
    Ok(conn.query_one_raw(sea_orm::Statement::from_string(DatabaseBackend::Sqlite, sql)).await?.is_some())
}

async fn create_sqlite_search_index<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    for (kind, name) in EARLIER_SEARCH_INDEX_OBJECTS.iter().chain(&SQLITE_SEARCH_INDEX_OBJECTS) {
        conn.execute_unprepared(&format!("DROP {kind} IF EXISTS {name}")).await?;
    }
    register_search_kinds(conn).await?;
    conn.execute_unprepared(
        "CREATE VIRTUAL TABLE ledger_search USING fts5(title, search_text, personal_text, scope, \
         content='', contentless_delete=1, tokenize='trigram case_sensitive 1')",
    )
    .await?;
    conn.execute_unprepared(
        "CREATE VIRTUAL TABLE ledger_search_pairs USING fts5(pairs, content='', contentless_delete=1, \
         detail=none, tokenize='ascii')",
    )
    .await?;
    // `unindexed`: noted when the record was inserted, so it has no row in the indexes to take out
    // (the first note of a record in a transaction stands).
    conn.execute_unprepared("CREATE TABLE ledger_search_pending (id INTEGER PRIMARY KEY, unindexed INTEGER NOT NULL)")
        .await?;
    let note = |row: &str, unindexed: u8| {
        format!("INSERT OR IGNORE INTO ledger_search_pending (id, unindexed) VALUES ({row}.id, {unindexed});")
    };
    conn.execute_unprepared(&format!(
        "CREATE TRIGGER ledger_search_note_insert AFTER INSERT ON ledger_records BEGIN {} END",
        note("new", 1)
    ))
    .await?;
    conn.execute_unprepared(&format!(
        "CREATE TRIGGER ledger_search_note_delete AFTER DELETE ON ledger_records BEGIN {} END",
        note("old", 0)
    ))
    .await?;
    conn.execute_unprepared(&format!(
        "CREATE TRIGGER ledger_search_note_update AFTER UPDATE OF title, search_text, personal_text, org_id, kind \
         ON ledger_records WHEN old.title IS NOT new.title OR old.search_text IS NOT new.search_text \
         OR old.personal_text IS NOT new.personal_text OR old.org_id IS NOT new.org_id \
         OR old.kind IS NOT new.kind BEGIN {} END",
        note("new", 0)
    ))
    .await?;
    conn.execute_unprepared("INSERT INTO ledger_search_pending (id, unindexed) SELECT id, 1 FROM ledger_records")
        .await?;
    let started = std::time::Instant::now();
    let total = index_pending_records(conn, false).await?;
    if total > 0 {
        // Batch by batch the indexes grew in many segments; merged into one, a lookup reads one
        // list per token (measured: a township's search ten times faster at 1,000,000 records).
        for table in ["ledger_search", "ledger_search_pairs"] {
            conn.execute_unprepared(&format!("INSERT INTO {table}({table}) VALUES ('optimize')")).await?;
        }
        tracing::info!("检索索引已建立：{total} 条记录，用时 {:.1} 秒", started.elapsed().as_secs_f64());
    }
    Ok(())
}

// A record's scope in the SQLite index: two marks of three private-use characters, so that each is
// one trigram, one list of records in FTS5. The kind's mark is (K, F300, F300); the kind within an
// organization's is (K, E300 + high bits of the id, EB00 + low bits), K being E200 + the kind's
// number. A clerk's search then intersects the words' list with the township's, and never reads
// the other townships' matches; a district's, with the kind's. Search words are looked up in the
// text columns only, so they never meet a mark, whatever characters they hold.
const KIND_MARK: u32 = 0xE200;
const KIND_ONLY: u32 = 0xF300;
const ORG_HIGH: u32 = 0xE300;
const ORG_LOW: u32 = 0xEB00;
/// Kinds and organizations the marks tell apart: 256 kinds, 2048 × 2048 organization ids.
const MARKED_KINDS: i64 = 256;
const ORG_SPLIT: i64 = 2048;

/// The marks of a record of kind number `kind` in organization `org`, as the triggers write them.
fn scope_marks_sql(row: &str) -> String {
    format!(
        "(SELECT char({KIND_MARK} + number, {KIND_ONLY}, {KIND_ONLY}) || ' ' || \
         char({KIND_MARK} + number, {ORG_HIGH} + ({row}.org_id / {ORG_SPLIT}) % {ORG_SPLIT}, \
         {ORG_LOW} + {row}.org_id % {ORG_SPLIT}) FROM ledger_kind_numbers WHERE kind = {row}.kind)"
    )
}

fn mark(chars: [u32; 3]) -> String {
    chars.into_iter().filter_map(char::from_u32).collect()
}

/// The marks of a search's scope in the SQLite indexes: a kind, or a kind within some of its
/// organizations (`search_scope`).
#[derive(Debug, Clone)]
pub(crate) struct ScopeMarks {
    marks: Vec<String>,
    /// The same scope as the records' columns hold it, for the records not yet indexed.
    kind: String,
    orgs: Option<Vec<i64>>,
}

impl ScopeMarks {
    /// The FTS5 expression of a record bearing any of the marks.
    fn any(&self) -> String {
        self.marks.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(" OR ")
    }
}

/// The marks that confine a search to a kind, and to some of its organizations (None: all of
/// them), or None where the index cannot (PostgreSQL; a kind or an organization beyond the marks'
/// range; more organizations than a query should name), and the list's own conditions do.
pub(crate) fn search_scope(db: &Db, kind: &str, orgs: Option<&[i64]>) -> Option<ScopeMarks> {
    if orgs.is_some_and(|o| o.is_empty() || o.len() > 64 || o.iter().any(|id| !(0..ORG_SPLIT * ORG_SPLIT).contains(id)))
    {
        return None;
    }
    // Empty on PostgreSQL.
    let number = db.kind_numbers.get(kind).copied().filter(|n| *n < MARKED_KINDS)?;
    let k = KIND_MARK + number as u32;
    let marks = match orgs {
        None => vec![mark([k, KIND_ONLY, KIND_ONLY])],
        Some(orgs) => orgs
            .iter()
            .map(|id| mark([k, ORG_HIGH + (id / ORG_SPLIT) as u32, ORG_LOW + (id % ORG_SPLIT) as u32]))
            .collect(),
    };
    Some(ScopeMarks { marks, kind: kind.to_owned(), orgs: orgs.map(<[i64]>::to_vec) })
}

/// The kinds' numbers in the scope marks, as stored.
async fn kind_numbers<C: ConnectionTrait>(conn: &C) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let sql = "SELECT kind, number FROM ledger_kind_numbers";
    conn.query_all_raw(sea_orm::Statement::from_string(DatabaseBackend::Sqlite, sql))
        .await?
        .iter()
        .map(|row| Ok((row.try_get_by_index::<String>(0)?, row.try_get_by_index::<i64>(1)?)))
        .collect()
}

/// Numbers the declared kinds for the scope marks, once each: a number, once given, stays, as the
/// index holds it.
async fn register_search_kinds<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    conn.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS ledger_kind_numbers (kind TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE)",
    )
    .await?;
    for kind in fazhi_domain::ledgers::ALL {
        let sql = "INSERT OR IGNORE INTO ledger_kind_numbers (kind, number) \
                   SELECT ?, COALESCE(MAX(number) + 1, 0) FROM ledger_kind_numbers";
        conn.execute_raw(sea_orm::Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, [kind.code.into()]))
            .await?;
    }
    Ok(())
}

/// The kinds' numbers for the index's marks, for kinds a newer build declared: checked on every
/// start (one insert per kind, a no-op for those numbered), whatever kinds came and went.
pub(crate) async fn register_new_search_kinds<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    if conn.get_database_backend() == DatabaseBackend::Sqlite {
        register_search_kinds(conn).await?;
    }
    Ok(())
}

/// Indexes the records the triggers noted, five thousand at a time (only the first five thousand
/// when `one_batch`), and forgets the notes: a record changed is indexed anew, a record gone
/// leaves the indexes. How many it indexed.
async fn index_pending_records<C: ConnectionTrait>(conn: &C, one_batch: bool) -> Result<u64, StoreError> {
    const BATCH: usize = 5_000;
    // How many wait, for the progress of a long filling.
    let total: i64 = if one_batch {
        0
    } else {
        let sql = "SELECT COUNT(*) FROM ledger_search_pending";
        let row = conn.query_one_raw(sea_orm::Statement::from_string(DatabaseBackend::Sqlite, sql)).await?;
        row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0)
    };
    let mut done = 0u64;
    let mut told = 0u64;
    let started = std::time::Instant::now();
    loop {
        let sql = format!(
            "SELECT p.id, p.unindexed, r.search_text, r.personal_text, {} FROM ledger_search_pending p \
             LEFT JOIN ledger_records r ON r.id = p.id ORDER BY p.id LIMIT {BATCH}",
            scope_marks_sql("r")
        );
        let rows = conn.query_all_raw(sea_orm::Statement::from_string(DatabaseBackend::Sqlite, sql)).await?;
        let Some(last) = rows.last().map(|r| r.try_get_by_index::<i64>(0)).transpose()? else { break };
        let mut indexed_before = Vec::new();
        let mut paired: Vec<(i64, String)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get_by_index(0)?;
            if row.try_get_by_index::<i64>(1)? == 0 {
                indexed_before.push(id);
            }
            let (open, personal, scope): (Option<String>, Option<String>, Option<String>) =
                (row.try_get_by_index(2)?, row.try_get_by_index(3)?, row.try_get_by_index(4)?);
            // A record no longer stored is only taken out.
            let (Some(open), Some(mut tokens)) = (open, scope) else { continue };
            for [a, b] in fazhi_domain::search::pairs(&open) {
                tokens.extend([' ', a, b]);
            }
            for [a, b] in fazhi_domain::search::pairs(personal.as_deref().unwrap_or("")) {
                tokens.extend([' ', PERSONAL_PAIR, a, b]);
            }
            paired.push((id, tokens));
        }
        // Each statement is given its rows as one JSON value: a batch is a few hand-offs to
        // SQLite's thread, and SQLite reads JSON faster than it parses as many literal rows.
        let bound = |sql: &str, json: String| {
            sea_orm::Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, [json.into()])
        };
        if !indexed_before.is_empty() {
            let ids = serde_json::to_string(&indexed_before).expect("ids serialize");
            for table in ["ledger_search", "ledger_search_pairs"] {
                let sql = format!("DELETE FROM {table} WHERE rowid IN (SELECT value FROM json_each(?))");
                conn.execute_raw(bound(&sql, ids.clone())).await?;
            }
        }
        if !paired.is_empty() {
            let sql = "INSERT INTO ledger_search_pairs (rowid, pairs) SELECT json_extract(value, '$[0]'), \
                       json_extract(value, '$[1]') FROM json_each(?)";
            conn.execute_raw(bound(sql, serde_json::to_string(&paired).expect("rows serialize"))).await?;
            // The trigrams are cut by SQLite itself: the texts need not come out and back. (CROSS
            // JOIN keeps the waiting records first, as in `matching_ids`.)
            let sql = format!(
                "INSERT INTO ledger_search (rowid, title, search_text, personal_text, scope) \
                 SELECT r.id, lower(r.title), r.search_text, r.personal_text, {} \
                 FROM ledger_search_pending p CROSS JOIN ledger_records r ON r.id = p.id WHERE p.id <= ?",
                scope_marks_sql("r")
            );
            conn.execute_raw(sea_orm::Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, [last.into()]))
                .await?;
        }
        let sql = "DELETE FROM ledger_search_pending WHERE id <= ?";
        conn.execute_raw(sea_orm::Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, [last.into()])).await?;
        done += rows.len() as u64;
        if one_batch {
            break;
        }
        // A long filling (a migration) says how far it is, every ten seconds.
        if started.elapsed().as_secs() >= 10 * (told + 1) {
            told += 1;
            let percent = done * 100 / u64::try_from(total).unwrap_or(1).max(1);
            tracing::info!("正在建立检索索引：{percent}%（{done}/{total} 条记录）");
        }
    }
    Ok(done)
}

/// Whether the words are looked up in the pair index: on SQLite two Chinese characters (or Latin
/// letters and digits, `SearchWords::is_pair`); on PostgreSQL any two characters, whose index
/// holds every pair of a text.
pub(crate) fn in_pair_index(backend: DatabaseBackend, words: &fazhi_domain::search::SearchWords) -> bool {
    match backend {
        DatabaseBackend::Sqlite => words.is_pair(),
        DatabaseBackend::Postgres => words.as_str().chars().count() == 2,
        _ => false,
    }
}

/// SQLite: the FTS5 expression of records in the pair index holding the two characters (in their
/// personal texts too when `personal`), within `scope` when there is one.
fn pair_words(words: &fazhi_domain::search::SearchWords, personal: bool, scope: Option<&ScopeMarks>) -> String {
    let pair = words.as_str();
    let mut expression =
        if personal { format!("(\"{pair}\" OR \"{PERSONAL_PAIR}{pair}\")") } else { format!("\"{pair}\"") };
    if let Some(scope) = scope {
        expression = format!("{expression} AND ({})", scope.any());
    }
    expression
}

/// SQLite's count of rows changed on this connection since it opened.
async fn total_changes(txn: &WriteTxn) -> Result<i64, StoreError> {
    let sql = sea_orm::Statement::from_string(DatabaseBackend::Sqlite, "SELECT total_changes()");
    Ok(txn.query_one_raw(sql).await?.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0))
}

impl Db {
    /// SQLite: puts up to five thousand of the records written since the last time in the search
    /// indexes, in one short write transaction (writers wait for no more); how many. A no-op
    /// elsewhere.
    pub async fn index_pending_search(&self) -> Result<u64, StoreError> {
        // Looked at first with a read: most of the time nothing waits, and a write transaction
        // would take the writers' lock for nothing.
        if !self.indexed_in_batches
            || self
                .conn
                .query_one_raw(sea_orm::Statement::from_string(DatabaseBackend::Sqlite, WAITING))
                .await?
                .is_none()
        {
            return Ok(0);
        }
        let txn = self.begin_write().await?;
        let indexed = index_pending_records(&txn, true).await?;
        txn.commit().await?;
        Ok(indexed)
    }

    /// Keeps the search indexes current for as long as it runs (spawn it): every quarter second,
    /// the records written since are put in them (`index_pending_search`). What `fazhi serve`
    /// runs beside the server; a failed batch is logged, and the next tick tries again.
    pub async fn keep_search_indexed(self) {
        let mut every = tokio::time::interval(Duration::from_millis(250));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = self.index_pending_search().await {
                tracing::warn!("检索索引未能更新：{e}");
            }
        }
    }

    /// SQLite: merges the search indexes' segments a little at a time, as records written one by
    /// one leave it in many (FTS5 merges only when segments pile up on one level), until there is
    /// nothing left to merge. Each step is a short write transaction, so writers wait at most one
    /// step. A lookup in a merged index reads one list per trigram instead of one per segment.
    /// How many steps it took.
    pub async fn tidy_search_index(&self) -> Result<u64, StoreError> {
        if !self.indexed_in_batches {
            return Ok(0);
        }
        let tables = ["ledger_search", "ledger_search_pairs"];
        let mut steps = 0;
        loop {
            let txn = self.begin_write().await?;
            let mut merged = false;
            for table in &tables {
                let before = total_changes(&txn).await?;
                txn.execute_unprepared(&format!("INSERT INTO {table}({table}, rank) VALUES ('merge', -256)")).await?;
                // FTS5 counts fewer than two changes when the step found nothing to merge.
                merged |= total_changes(&txn).await? - before >= 2;
            }
            txn.commit().await?;
            steps += 1;
            if !merged {
                return Ok(steps);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
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

/// A record's value of one field, as text, for narrowing a list by it (a public list by its
/// category). The key is a field a declaration names, never a caller's text.
pub(crate) fn value_text(backend: DatabaseBackend, key: &'static str) -> sea_orm::sea_query::SimpleExpr {
    debug_assert!(key.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "a declared field: {key}");
    match backend {
        DatabaseBackend::Postgres => Expr::cust(format!("(CAST(ledger_records.values_json AS jsonb) ->> '{key}')")),
        _ => Expr::cust(format!("json_extract(ledger_records.values_json, '$.{key}')")),
    }
}

/// Text for a `LIKE … ESCAPE '\\'` pattern that matches it literally.
pub(crate) fn like_escaped(text: &str) -> String {
    text.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect()
}

/// The FTS5 phrase of the words, quoted so that no character of theirs is read as syntax.
fn fts_phrase(words: &fazhi_domain::search::SearchWords) -> String {
    format!("\"{}\"", words.as_str().replace('"', "\"\""))
}

/// SQLite: the FTS5 expression of records whose texts hold the words (their personal texts too
/// when `personal`), within `scope` (`search_scope`) when there is one.
fn fts_words(words: &fazhi_domain::search::SearchWords, personal: bool, scope: Option<&ScopeMarks>) -> String {
    let columns = if personal { "{search_text personal_text}" } else { "search_text" };
    let phrase = fts_phrase(words);
    match scope {
        Some(scope) => format!("({columns} : {phrase}) AND (scope : ({}))", scope.any()),
        None => format!("{columns} : {phrase}"),
    }
}

/// SQLite: the ids of the records in scope whose texts hold the words, newest first, read from the
/// indexes (the records' rows are not touched) and, for the few records written since the last
/// batch, from their rows: those whose name holds the words first when `names_first`. At most
/// `limit`.
pub(crate) async fn indexed_search_ids<C: ConnectionTrait>(
    conn: &C,
    words: &fazhi_domain::search::SearchWords,
    personal: bool,
    scope: &ScopeMarks,
    names_first: bool,
    limit: u64,
) -> Result<Vec<i64>, StoreError> {
    let newest_first = |mut ids: Vec<i64>| {
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        ids
    };
    let waiting = Waiting { words, personal, scope };
    if words.is_pair() {
        let expression = pair_words(words, personal, Some(scope));
        let (found, waiting) = matching_ids(conn, "ledger_search_pairs", expression, limit, Some(waiting)).await?;
        let mut ids = newest_first(found.into_iter().chain(waiting.iter().map(|(id, _)| *id)).collect());
        if names_first && !ids.is_empty() {
            // The pair index holds no names: which of the records found are named by the words is
            // read from them.
            let marks = vec!["?"; ids.len()].join(", ");
            let sql = format!("SELECT id, 1 FROM ledger_records WHERE id IN ({marks}) AND instr(lower(title), ?) > 0");
            let values = ids.iter().map(|id| sea_orm::Value::from(*id)).chain([words.as_str().into()]).collect();
            let named: std::collections::HashSet<i64> =
                pairs_in_one_row(conn, sql, values).await?.into_iter().map(|(id, _)| id).collect();
            // Stable: each part stays newest first.
            ids.sort_by_key(|id| !named.contains(id));
        }
        return Ok(ids);
    }
    let matching = fts_words(words, personal, Some(scope));
    if !names_first {
        let (found, waiting) = matching_ids(conn, "ledger_search", matching, limit, Some(waiting)).await?;
        return Ok(newest_first(found.into_iter().chain(waiting.iter().map(|(id, _)| *id)).collect()));
    }
    // Names holding the words, then the rest: the records waiting are read with the first.
    let in_name = format!("title : {}", fts_phrase(words));
    let (named, waiting) =
        matching_ids(conn, "ledger_search", format!("({matching}) AND ({in_name})"), limit, Some(waiting)).await?;
    let part = |found: Vec<i64>, named: bool| {
        newest_first(found.into_iter().chain(waiting.iter().filter(|(_, n)| *n == named).map(|(id, _)| *id)).collect())
    };
    let mut ids = part(named, true);
    let left = limit.saturating_sub(ids.len() as u64);
    if left > 0 {
        let (rest, _) =
            matching_ids(conn, "ledger_search", format!("({matching}) NOT ({in_name})"), left, None).await?;
        ids.extend(part(rest, false));
        ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    Ok(ids)
}

/// A search's words and scope, for the records waiting to be indexed.
#[derive(Clone, Copy)]
struct Waiting<'a> {
    words: &'a fazhi_domain::search::SearchWords,
    personal: bool,
    scope: &'a ScopeMarks,
}

/// SQLite: the newest `limit` record ids an FTS5 table of the search matches to `expression`,
/// leaving out the records waiting to be indexed again (their entries may be out of date); and,
/// in the same query (one hand-off to SQLite's thread), with `waiting`, the records in its scope
/// waiting to be indexed whose texts hold its words, read from their rows, each with whether its
/// name holds them. Those are few: `fazhi serve` indexes them every quarter second.
async fn matching_ids<C: ConnectionTrait>(
    conn: &C,
    table: &str,
    expression: String,
    limit: u64,
    waiting: Option<Waiting<'_>>,
) -> Result<(Vec<i64>, Vec<(i64, bool)>), StoreError> {
    // The second column: -1 for the index's matches, 0 or 1 (named) for the records waiting.
    let mut sql = format!(
        "SELECT id, -1 FROM (SELECT rowid AS id FROM {table} WHERE {table} MATCH ? \
         AND rowid NOT IN (SELECT id FROM ledger_search_pending) ORDER BY rowid DESC LIMIT ?)"
    );
    let mut values: Vec<sea_orm::Value> = vec![expression.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()];
    if let Some(Waiting { words, personal, scope }) = waiting {
        // CROSS JOIN: SQLite keeps the order written, the few records waiting first. Left to
        // choose, it walked every record of the kind to look each up among the waiting (1.5 s
        // for a district's search of 1,000,000 records, measured).
        sql.push_str(
            " UNION ALL SELECT r.id, instr(lower(r.title), ?) > 0 FROM ledger_search_pending p \
             CROSS JOIN ledger_records r ON r.id = p.id WHERE r.kind = ?",
        );
        values.extend([words.as_str().into(), scope.kind.clone().into()]);
        if let Some(orgs) = &scope.orgs {
            sql.push_str(&format!(" AND r.org_id IN ({})", vec!["?"; orgs.len()].join(", ")));
            values.extend(orgs.iter().map(|id| sea_orm::Value::from(*id)));
        }
        sql.push_str(" AND (instr(r.search_text, ?) > 0");
        values.push(words.as_str().into());
        if personal {
            sql.push_str(" OR instr(r.personal_text, ?) > 0");
            values.push(words.as_str().into());
        }
        sql.push(')');
    }
    let (mut found, mut waiting) = (Vec::new(), Vec::new());
    for (id, named) in pairs_in_one_row(conn, sql, values).await? {
        if named < 0 { found.push(id) } else { waiting.push((id, named > 0)) }
    }
    Ok((found, waiting))
}

/// SQLite: the rows of a query of two integer columns, brought out as one row. sqlx hands each
/// row from SQLite's thread to the request's task on its own, waking it each time; a search's
/// 200 ids cost more in those hand-offs than in the index (measured). The caller sorts them: the
/// order of `group_concat` is not promised.
async fn pairs_in_one_row<C: ConnectionTrait>(
    conn: &C,
    sql: String,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let sql = format!("WITH found(a, b) AS ({sql}) SELECT group_concat(a || ' ' || b, ',') FROM found");
    let row = conn.query_one_raw(sea_orm::Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, values)).await?;
    let joined: Option<String> = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => None,
    };
    let bad = || StoreError::Internal("检索结果的编号无法读取".into());
    joined
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (a, b) = p.split_once(' ').ok_or_else(bad)?;
            Ok((a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?))
        })
        .collect()
}

/// SQLite: the condition that a record is among those an FTS5 table of the search matches to
/// `expression`, or, while it waits to be indexed again, that its own texts hold the words.
fn indexed_or_waiting(
    table: &str,
    expression: String,
    words: &fazhi_domain::search::SearchWords,
    personal: bool,
) -> sea_orm::sea_query::SimpleExpr {
    let read = if personal {
        "(instr(ledger_records.search_text, ?) > 0 OR instr(ledger_records.personal_text, ?) > 0)"
    } else {
        "instr(ledger_records.search_text, ?) > 0"
    };
    let sql = format!(
        "((ledger_records.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?) \
         AND ledger_records.id NOT IN (SELECT id FROM ledger_search_pending)) \
         OR (ledger_records.id IN (SELECT id FROM ledger_search_pending) AND {read}))"
    );
    let mut values = vec![expression, words.as_str().to_owned()];
    if personal {
        values.push(words.as_str().to_owned());
    }
    Expr::cust_with_values(sql, values)
}

/// The condition that a record's texts hold the words: its open texts, and its personal ones
/// when `personal`. On SQLite three characters or more are looked up in the trigram table, and
/// two Chinese characters (or Latin letters and digits) in the pair table, within `scope` when the
/// caller has one; on PostgreSQL `LIKE` is served by the trigram indexes and two characters by
/// the pair indexes. Other short words are a `LIKE` on both, which the caller bounds.
pub(crate) fn text_match(
    backend: DatabaseBackend,
    words: &fazhi_domain::search::SearchWords,
    personal: bool,
    scope: Option<&ScopeMarks>,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Condition, ExprTrait, LikeExpr};
    if in_pair_index(backend, words) {
        if backend == DatabaseBackend::Postgres {
            // The pair as an array literal of one element, quoted so no character of it is syntax.
            let quoted: String = words
                .as_str()
                .chars()
                .flat_map(|c| if matches!(c, '"' | '\\') { vec!['\\', c] } else { vec![c] })
                .collect();
            let pair = format!("{{\"{quoted}\"}}");
            // (PostgreSQL's custom SQL numbers its values: `$1`.)
            let held = |column: &str| format!("fazhi_pairs(ledger_records.{column}) @> CAST($1 AS text[])");
            let sql = if personal {
                format!("({} OR {})", held("search_text"), held("personal_text"))
            } else {
                held("search_text")
            };
            return Expr::cust_with_values(sql, [pair]);
        }
        return indexed_or_waiting("ledger_search_pairs", pair_words(words, personal, scope), words, personal);
    }
    if backend == DatabaseBackend::Sqlite && !words.is_short() {
        return indexed_or_waiting("ledger_search", fts_words(words, personal, scope), words, personal);
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

    /// The names the migrations are recorded under in `seaql_migrations`: a database of an earlier
    /// release knows them by these, and a renamed one would run again there.
    #[test]
    fn the_migrations_keep_the_names_earlier_releases_recorded() {
        use sea_orm_migration::MigratorTrait;
        let names: Vec<String> =
            crate::migrations::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
        assert_eq!(
            names,
            [
                "m001_accounts_and_audit",
                "m002_holiday_calendar",
                "m003_ledgers",
                "m004_search_deadlines_settings",
                "m005_due_index_and_attachments",
                "m006_figures_reports_and_stages",
                "m007_tokens_two_factor_and_org_settings",
                "m008_personal_search_and_upload_names",
                "m009_figure_totals",
                "m010_open_counts",
                "m011_comments",
                "m012_report_revision",
                "m013_search_and_attachment_chunks",
                "m014_scoped_search_index",
                "m015_report_archive",
                "m016_public_comments",
                "m017_pair_search_index",
                "m018_search_index_in_batches",
                "m019_records_by_state",
            ]
        );
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
