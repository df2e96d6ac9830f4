//! The audit trail: append inside the caller's write transaction, list with filters, verify.

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain::audit::{
    AuditContent, ChainBreak, ChainVerifier, Checkpoint, GENESIS_HASH, StoredRecord, chain_hash,
};
use sea_orm::sea_query::{Expr, ExprTrait, QueryStatementBuilder};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde::Serialize;

use crate::db::WriteTxn;
use crate::entities::{audit_head, audit_record, schema_meta, user};
use crate::{Actor, Db, Page, StoreError};

/// What changed, for one audit record.
pub struct Change<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    pub fn new(action: &'a str, object_type: &'a str, object_id: impl ToString) -> Change<'a> {
        Change { action, object_type, object_id: Some(object_id.to_string()), before: None, after: None }
    }

    pub fn before(mut self, value: impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

/// Appends one record to the chain. The transaction must come from [`Db::begin_write`], which
/// holds the chain's lock, so ids and hashes follow each other without gaps.
pub(crate) async fn append(txn: &WriteTxn, actor: &Actor, change: Change<'_>) -> Result<i64, StoreError> {
    let head =
        audit_head::Entity::find_by_id(1).one(txn).await?.ok_or_else(|| StoreError::Internal("审计链头缺失".into()))?;
    let (id, hash, row) = chained(txn, head.last_id + 1, &head.last_hash, actor, change);
    row.insert(txn).await?;
    audit_head::ActiveModel { id: Set(1), last_id: Set(id), last_hash: Set(hash) }.update(txn).await?;
    Ok(id)
}

/// The record that follows `prev_hash` in the chain as number `id`: its id, its hash and its row.
fn chained(
    txn: &WriteTxn,
    id: i64,
    prev_hash: &str,
    actor: &Actor,
    change: Change<'_>,
) -> (i64, String, audit_record::ActiveModel) {
    let content = AuditContent {
        id,
        at: crate::now(),
        actor_id: actor.user_id,
        actor_name: actor.name.clone(),
        ip: actor.ip.clone(),
        action: change.action.to_owned(),
        object_type: change.object_type.to_owned(),
        object_id: change.object_id,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
    };
    let hash = chain_hash(txn.audit_key(), prev_hash, &content);
    let row = audit_record::ActiveModel {
        id: Set(content.id),
        at: Set(content.at),
        actor_id: Set(content.actor_id),
        actor_name: Set(content.actor_name),
        ip: Set(content.ip),
        action: Set(content.action),
        object_type: Set(content.object_type),
        object_id: Set(content.object_id),
        before_json: Set(content.before),
        after_json: Set(content.after),
        prev_hash: Set(prev_hash.to_owned()),
        hash: Set(hash.clone()),
    };
    (id, hash, row)
}

/// Records an event that changes nothing else (an export, a refused login of an unknown name).
pub async fn record(db: &Db, actor: &Actor, change: Change<'_>) -> Result<i64, StoreError> {
    let txn = db.begin_write().await?;
    let id = append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(id)
}

/// Appends many records to the chain in one write transaction, a few hundred rows a statement: an
/// import's history. The chain's head is read once and written once; nothing else may append to
/// the same transaction meanwhile (the appender borrows it).
pub(crate) struct Appender<'t> {
    txn: &'t WriteTxn,
    last_id: i64,
    last_hash: String,
    buffer: Vec<audit_record::ActiveModel>,
}

impl<'t> Appender<'t> {
    pub(crate) async fn new(txn: &'t WriteTxn) -> Result<Appender<'t>, StoreError> {
        let head = audit_head::Entity::find_by_id(1)
            .one(txn)
            .await?
            .ok_or_else(|| StoreError::Internal("审计链头缺失".into()))?;
        Ok(Appender { txn, last_id: head.last_id, last_hash: head.last_hash, buffer: Vec::new() })
    }

    pub(crate) async fn push(&mut self, actor: &Actor, change: Change<'_>) -> Result<i64, StoreError> {
        let (id, hash, row) = chained(self.txn, self.last_id + 1, &self.last_hash, actor, change);
        self.buffer.push(row);
        (self.last_id, self.last_hash) = (id, hash);
        if self.buffer.len() >= 500 {
            self.flush().await?;
        }
        Ok(id)
    }

    async fn flush(&mut self) -> Result<(), StoreError> {
        if !self.buffer.is_empty() {
            audit_record::Entity::insert_many(std::mem::take(&mut self.buffer)).exec(self.txn).await?;
        }
        Ok(())
    }

    /// Writes what is buffered and moves the chain's head past it.
    pub(crate) async fn finish(mut self) -> Result<(), StoreError> {
        self.flush().await?;
        audit_head::ActiveModel { id: Set(1), last_id: Set(self.last_id), last_hash: Set(self.last_hash) }
            .update(self.txn)
            .await?;
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub ip: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub hash: String,
}

impl From<audit_record::Model> for AuditView {
    fn from(m: audit_record::Model) -> Self {
        AuditView {
            id: m.id,
            at: m.at,
            actor_id: m.actor_id,
            actor_name: m.actor_name,
            ip: m.ip,
            action: m.action,
            object_type: m.object_type,
            object_id: m.object_id,
            before: m.before_json,
            after: m.after_json,
            hash: m.hash,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    /// The actor's login name, matched inside the query itself.
    pub actor_username: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// First day included, Beijing time.
    pub from: Option<NaiveDate>,
    /// Last day included, Beijing time.
    pub to: Option<NaiveDate>,
    pub page: u64,
    pub page_size: u64,
}

/// The first page of 50, unfiltered.
impl Default for AuditFilter {
    fn default() -> Self {
        AuditFilter {
            actor_id: Default::default(),
            actor_username: Default::default(),
            action: Default::default(),
            object_type: Default::default(),
            object_id: Default::default(),
            from: Default::default(),
            to: Default::default(),
            page: 1,
            page_size: 50,
        }
    }
}

pub async fn list(db: &Db, filter: &AuditFilter) -> Result<Page<AuditView>, StoreError> {
    let mut query = audit_record::Entity::find();
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_record::Column::ActorId.eq(actor));
    }
    if let Some(name) = filter.actor_username.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        let actor = sea_orm::sea_query::Query::select()
            .column(user::Column::Id)
            .from(user::Entity)
            .and_where(user::Column::Username.eq(name))
            .to_owned();
        // `=` on a scalar subquery, not `IN`: login names are unique, and with a single actor
        // SQLite reads the (actor, at) index in page order instead of sorting every match.
        let actor = Expr::SubQuery(None, Box::new(actor.into_sub_query_statement()));
        query = query.filter(Expr::col(audit_record::Column::ActorId).eq(actor));
    }
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_record::Column::Action.eq(action));
    }
    if let Some(kind) = filter.object_type.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_record::Column::ObjectType.eq(kind));
    }
    if let Some(id) = filter.object_id.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_record::Column::ObjectId.eq(id));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_record::Column::At.gte(fazhi_domain::calendar::beijing_midnight(from)));
    }
    if let Some(to) = filter.to {
        let end = fazhi_domain::calendar::beijing_midnight(to) + chrono::Duration::days(1);
        query = query.filter(audit_record::Column::At.lt(end));
    }
    crate::check_paging(filter.page, filter.page_size)?;
    let (page, page_size) = (filter.page, filter.page_size);
    // Newest first in the order of the (actor, at) and (at) indexes, which end in the id: SQLite
    // walks the index backwards instead of sorting. (A window, COUNT(*) OVER (), would give the
    // total too, but makes SQLite materialize and sort every match: 600 ms on 100,000 records.)
    let query = query.order_by_desc(audit_record::Column::At).order_by_desc(audit_record::Column::Id);
    let unfiltered = filter.actor_id.is_none()
        && filter.actor_username.as_deref().is_none_or(|n| n.trim().is_empty())
        && filter.action.as_deref().is_none_or(str::is_empty)
        && filter.object_type.as_deref().is_none_or(str::is_empty)
        && filter.object_id.as_deref().is_none_or(str::is_empty)
        && filter.from.is_none()
        && filter.to.is_none();
    let (rows, total) = if unfiltered {
        // The chain numbers its records 1, 2, 3 … with no gap: the whole trail's count is its
        // head's number, read in one row instead of counting millions.
        use sea_orm::QuerySelect;
        let head = audit_head::Entity::find_by_id(1).one(db.conn()).await?.map(|h| h.last_id).unwrap_or(0);
        let rows = query.offset((page - 1) * page_size).limit(page_size).all(db.conn()).await?;
        (rows, u64::try_from(head).unwrap_or(0))
    } else {
        crate::fetch_page(db, query, page, page_size).await?
    };
    let items = rows.into_iter().map(AuditView::from).map(AuditView::masked).collect();
    Ok(Page { items, total, page, page_size })
}

impl AuditView {
    /// The auditor reads who did what, not citizens' particulars: the personal fields of ledger
    /// values in the before and after images are masked as the district sees them.
    fn masked(mut self) -> AuditView {
        if let Some(kind) = fazhi_domain::ledgers::by_code(&self.object_type) {
            let mask = |json: &mut Option<String>| {
                let Some(mut value) = json.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
                else {
                    return;
                };
                if let Some(serde_json::Value::Object(values)) = value.get_mut("values") {
                    let masked = kind.masked(&std::mem::take(values).into_iter().collect());
                    *values = masked.into_iter().collect();
                    *json = Some(value.to_string());
                }
            };
            mask(&mut self.before);
            mask(&mut self.after);
        }
        self
    }
}

/// The outcome of walking the chain.
#[derive(Debug)]
pub struct VerifyReport {
    pub checked: u64,
    pub head_id: i64,
    pub result: Result<(), ChainBreak>,
}

fn stored(m: audit_record::Model) -> StoredRecord {
    StoredRecord {
        prev_hash: m.prev_hash,
        hash: m.hash,
        content: AuditContent {
            id: m.id,
            at: m.at,
            actor_id: m.actor_id,
            actor_name: m.actor_name,
            ip: m.ip,
            action: m.action,
            object_type: m.object_type,
            object_id: m.object_id,
            before: m.before_json,
            after: m.after_json,
        },
    }
}

async fn head<C: ConnectionTrait>(conn: &C) -> Result<audit_head::Model, StoreError> {
    audit_head::Entity::find_by_id(1).one(conn).await?.ok_or_else(|| StoreError::Internal("审计链头缺失".into()))
}

/// Calls `each` on every record in id order, a thousand at a time so memory stays flat; stops at
/// the first error `each` returns.
async fn walk<C: ConnectionTrait, E>(
    conn: &C,
    mut each: impl FnMut(StoredRecord) -> Result<(), E>,
) -> Result<Result<(), E>, StoreError> {
    let mut after_id = 0i64;
    loop {
        let batch = audit_record::Entity::find()
            .filter(audit_record::Column::Id.gt(after_id))
            .order_by_asc(audit_record::Column::Id)
            .limit(1000)
            .all(conn)
            .await?;
        let Some(last) = batch.last() else { return Ok(Ok(())) };
        after_id = last.id;
        for m in batch {
            if let Err(e) = each(stored(m)) {
                return Ok(Err(e));
            }
        }
    }
}

/// The number of the newest audit record. Every change of what the records say appends one under
/// the write lock, so the same number read again means nothing was written in between, on any
/// instance: what the public pages' cache keys on.
pub async fn last_id(db: &Db) -> Result<i64, StoreError> {
    Ok(audit_head::Entity::find_by_id(1).one(db.conn()).await?.map(|h| h.last_id).unwrap_or(0))
}

/// Walks the whole chain in id order and checks every digest under the key.
pub async fn verify(db: &Db) -> Result<VerifyReport, StoreError> {
    let head = head(db.conn()).await?;
    let mut verifier = ChainVerifier::new(db.audit_key());
    let walked = walk(db.conn(), |record| verifier.push(&record)).await?;
    let result = walked.and_then(|()| verifier.finish(head.last_id, &head.last_hash));
    Ok(VerifyReport { checked: verifier.checked, head_id: head.last_id, result })
}

/// A signed statement of the chain's head now, for the auditor to keep outside the system.
pub async fn checkpoint(db: &Db) -> Result<Checkpoint, StoreError> {
    let head = head(db.conn()).await?;
    Ok(Checkpoint::sign(db.audit_key(), head.last_id, &head.last_hash, crate::now()))
}

/// What a checkpoint kept outside the system says of the chain now: `None` when the record it
/// names is still there with the same digest (nothing up to it cut or rolled back), else why not.
pub async fn check_against(db: &Db, checkpoint: &Checkpoint) -> Result<Option<String>, StoreError> {
    if !checkpoint.is_signed_by(db.audit_key()) {
        return Ok(Some("检查点的签名与本系统的审计密钥不符：检查点被改动，或来自其他系统".into()));
    }
    let head = head(db.conn()).await?;
    if head.last_id < checkpoint.sequence {
        return Ok(Some(format!(
            "审计链现只到 #{}，而检查点时已有 #{}：其后的记录被截去，或数据库被恢复为更早的副本",
            head.last_id, checkpoint.sequence
        )));
    }
    let record = audit_record::Entity::find_by_id(checkpoint.sequence).one(db.conn()).await?;
    Ok(match record {
        Some(r) if r.hash == checkpoint.digest => None,
        Some(_) => Some(format!("审计记录 #{} 的摘要与检查点不符：审计链在检查点之前被改写", checkpoint.sequence)),
        None => Some(format!("检查点所记的审计记录 #{} 已不存在", checkpoint.sequence)),
    })
}

/// Binds the chain to the key. A new database records the key's fingerprint. A chain written
/// before the key (schema 6 and earlier, unkeyed SM3) is verified as it stands, signed anew record
/// by record under the key, and the re-keying recorded at its end with what the verification
/// found, so a break found then stays on the record. A database bound to another key is refused.
pub(crate) async fn adopt_key(txn: &WriteTxn, schema_before: i64) -> Result<(), StoreError> {
    let fingerprint = txn.audit_key().fingerprint();
    let bound = schema_meta::Entity::find_by_id("audit_key".to_owned()).one(txn).await?;
    match bound {
        Some(m) if m.value == fingerprint => return Ok(()),
        Some(_) => {
            return Err(StoreError::Internal(
                "审计密钥与本数据库的审计链不符：请使用写入该链时的密钥（数据目录下的 audit.key 文件，或环境变量 FAZHI_AUDIT_KEY）".into(),
            ));
        }
        None => {}
    }
    schema_meta::ActiveModel { key: Set("audit_key".into()), value: Set(fingerprint.clone()) }.insert(txn).await?;
    let old_head = head(txn).await?;
    if schema_before >= 7 || old_head.last_id == 0 {
        return Ok(());
    }
    let mut verifier = ChainVerifier::unkeyed();
    let mut records = Vec::new();
    walk(txn, |record| {
        records.push(record);
        Ok::<(), ()>(())
    })
    .await?
    .ok();
    let mut prev = GENESIS_HASH.to_owned();
    let mut found = None;
    for record in &records {
        if found.is_none()
            && let Err(e) = verifier.push(record)
        {
            found = Some(e.to_string());
        }
        let hash = chain_hash(txn.audit_key(), &prev, &record.content);
        audit_record::Entity::update_many()
            .col_expr(audit_record::Column::PrevHash, Expr::value(prev.clone()))
            .col_expr(audit_record::Column::Hash, Expr::value(hash.clone()))
            .filter(audit_record::Column::Id.eq(record.content.id))
            .exec(txn)
            .await?;
        prev = hash;
    }
    if found.is_none() {
        found = verifier.finish(old_head.last_id, &old_head.last_hash).err().map(|e| e.to_string());
    }
    let last_id = records.last().map(|r| r.content.id).unwrap_or(0);
    audit_head::ActiveModel { id: Set(1), last_id: Set(last_id), last_hash: Set(prev) }.update(txn).await?;
    let change = Change::new("audit.rekey", "audit_chain", 1).after(serde_json::json!({
        "records": records.len(),
        "unkeyed_head": old_head.last_hash,
        "unkeyed_chain": found.unwrap_or_else(|| "完整".into()),
        "key": fingerprint,
    }));
    append(txn, &Actor::system(), change).await?;
    Ok(())
}

/// The Chinese label of an action code, for the audit page.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "auth.login" => "登录",
        "auth.login_failed" => "登录失败",
        "auth.logout" => "退出",
        "auth.locked_out" => "连续失败锁定",
        "org.create" => "新增机构",
        "org.update" => "修改机构",
        "org.principals" => "设定主要负责人",
        "ledger.create" => "新建台账记录",
        "ledger.transition" => "台账办理",
        "ledger.correct" => "更正",
        "user.create" => "新增用户",
        "user.update" => "修改用户",
        "user.lock" => "锁定用户",
        "user.unlock" => "解锁用户",
        "user.password_reset" => "重置密码",
        "user.password_change" => "修改密码",
        "token.issue" => "签发令牌",
        "token.revoke" => "吊销令牌",
        "demo.load" => "载入演示数据",
        "calendar.load" => "载入节假日安排",
        "settings.update" => "修改规则设置",
        "ledger.import" => "导入台账",
        "ledger.import_refused" => "导入被拒绝（未导入）",
        "ledger.export" => "导出台账",
        "ledger.update" => "修改基本信息",
        "ledger.attach" => "上传附件",
        "ledger.detach" => "删除附件",
        "audit.export" => "导出审计日志",
        "audit.rekey" => "审计链启用密钥",
        "security.refused" => "拒绝访问",
        "auth.second_factor" => "动态口令验证通过",
        "auth.second_factor_failed" => "动态口令错误",
        "auth.two_factor_enabled" => "启用两步验证",
        "auth.two_factor_disabled" => "关闭两步验证",
        "auth.two_factor_reset" => "重置两步验证",
        "system.restore" => "从备份恢复",
        "system.attachments_moved" => "附件移入数据库",
        "bulletin.create" => "起草督察通报",
        "bulletin.update" => "修改督察通报",
        "bulletin.issue" => "印发督察通报",
        "comment.create" => "发表评论",
        "comment.edit" => "修改评论",
        "report_archive.file" => "归档往年报告",
        "report.create" => "新建年度报告",
        "report.update" => "修改年度报告",
        "report.submit" => "提交审核",
        "report.approve" => "审核通过",
        "report.return" => "退回修改",
        "report.publish" => "公开发布",
        "report.report" => "报送区县",
        "report.district_return" => "区县退回",
        "auth.session_ended" => "会话结束",
        "audit.key" => "审计链启用密钥",
        "demo.history" => "载入演示历史数据",
        "token.use" => "接口账号调用",
        _ => "其他",
    }
}

/// The action codes in the order the audit filter lists them.
pub const ACTIONS: &[&str] = &[
    "auth.login",
    "auth.login_failed",
    "auth.logout",
    "auth.locked_out",
    "org.create",
    "org.update",
    "org.principals",
    "user.create",
    "user.update",
    "user.lock",
    "user.unlock",
    "user.password_reset",
    "user.password_change",
    "token.issue",
    "token.revoke",
    "token.use",
    "security.refused",
    "audit.rekey",
    "auth.second_factor",
    "auth.second_factor_failed",
    "auth.two_factor_enabled",
    "auth.two_factor_disabled",
    "auth.two_factor_reset",
    "system.restore",
    "system.attachments_moved",
    "demo.load",
    "calendar.load",
    "settings.update",
    "ledger.create",
    "ledger.transition",
    "ledger.update",
    "ledger.import",
    "ledger.export",
    "ledger.attach",
    "ledger.detach",
    "report.create",
    "report.update",
    "report.submit",
    "report.approve",
    "report.return",
    "report.publish",
    "report.report",
    "report.district_return",
    "comment.create",
    "bulletin.issue",
    "report_archive.file",
];

/// Records since midnight, Beijing time, optionally of one action.
pub async fn count_today(db: &Db, action: Option<&str>) -> Result<u64, StoreError> {
    let today = crate::beijing_today();
    let mut query = audit_record::Entity::find()
        .filter(audit_record::Column::At.gte(fazhi_domain::calendar::beijing_midnight(today)));
    if let Some(action) = action {
        query = query.filter(audit_record::Column::Action.eq(action));
    }
    Ok(query.count(db.conn()).await?)
}

/// Records many events in one transaction, one chained record each: for imports, where one action
/// of a person's is many records.
pub async fn record_batch<'a>(
    db: &Db,
    entries: impl IntoIterator<Item = (Actor, Change<'a>)>,
) -> Result<u64, StoreError> {
    let txn = db.begin_write().await?;
    let mut n = 0;
    for (actor, change) in entries {
        append(&txn, &actor, change).await?;
        n += 1;
    }
    txn.commit().await?;
    Ok(n)
}
