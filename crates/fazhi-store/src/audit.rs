//! The audit trail: append inside the caller's write transaction, list with filters, verify.

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain::audit::{AuditContent, ChainBreak, ChainVerifier, StoredRecord, chain_hash};
use sea_orm::sea_query::{Expr, ExprTrait, QueryStatementBuilder};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

use crate::entities::{audit_head, audit_record, user};
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
pub(crate) async fn append(txn: &DatabaseTransaction, actor: &Actor, change: Change<'_>) -> Result<i64, StoreError> {
    let head =
        audit_head::Entity::find_by_id(1).one(txn).await?.ok_or_else(|| StoreError::Internal("审计链头缺失".into()))?;
    let content = AuditContent {
        id: head.last_id + 1,
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
    let hash = chain_hash(&head.last_hash, &content);
    audit_record::ActiveModel {
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
        prev_hash: Set(head.last_hash.clone()),
        hash: Set(hash.clone()),
    }
    .insert(txn)
    .await?;
    audit_head::ActiveModel { id: Set(1), last_id: Set(content.id), last_hash: Set(hash) }.update(txn).await?;
    Ok(content.id)
}

/// Records an event that changes nothing else (an export, a refused login of an unknown name).
pub async fn record(db: &Db, actor: &Actor, change: Change<'_>) -> Result<i64, StoreError> {
    let txn = db.begin_write().await?;
    let id = append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(id)
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

#[derive(Debug, Clone, Default)]
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

/// The start of a Beijing-time day as a UTC instant.
pub fn beijing_day_start(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    DateTime::from_naive_utc_and_offset(local - chrono::Duration::hours(8), Utc)
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
        query = query.filter(audit_record::Column::At.gte(beijing_day_start(from)));
    }
    if let Some(to) = filter.to {
        let end = beijing_day_start(to) + chrono::Duration::days(1);
        query = query.filter(audit_record::Column::At.lt(end));
    }
    let page_size = filter.page_size.clamp(1, 200);
    let page = std::cmp::max(filter.page, 1);
    // Newest first in the order of the (actor, at) and (at) indexes, which end in the id: SQLite
    // walks the index backwards instead of sorting. (A window, COUNT(*) OVER (), would give the
    // total too, but makes SQLite materialize and sort every match: 600 ms on 100,000 records.)
    let query = query.order_by_desc(audit_record::Column::At).order_by_desc(audit_record::Column::Id);
    let (rows, total) = crate::fetch_page(db, query, page, page_size).await?;
    let items = rows.into_iter().map(AuditView::from).collect();
    Ok(Page { items, total, page, page_size })
}

/// The outcome of walking the chain.
#[derive(Debug)]
pub struct VerifyReport {
    pub checked: u64,
    pub head_id: i64,
    pub result: Result<(), ChainBreak>,
}

/// Walks the whole chain in id order, a thousand records at a time so memory stays flat.
pub async fn verify(db: &Db) -> Result<VerifyReport, StoreError> {
    let head = audit_head::Entity::find_by_id(1)
        .one(db.conn())
        .await?
        .ok_or_else(|| StoreError::Internal("审计链头缺失".into()))?;
    let mut verifier = ChainVerifier::default();
    let mut after_id = 0i64;
    loop {
        let batch = audit_record::Entity::find()
            .filter(audit_record::Column::Id.gt(after_id))
            .order_by_asc(audit_record::Column::Id)
            .limit(1000)
            .all(db.conn())
            .await?;
        let Some(last) = batch.last() else { break };
        after_id = last.id;
        for m in batch {
            let record = StoredRecord {
                prev_hash: m.prev_hash.clone(),
                hash: m.hash.clone(),
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
            };
            if let Err(e) = verifier.push(&record) {
                return Ok(VerifyReport { checked: verifier.checked, head_id: head.last_id, result: Err(e) });
            }
        }
    }
    let result = verifier.finish(head.last_id, &head.last_hash);
    Ok(VerifyReport { checked: verifier.checked, head_id: head.last_id, result })
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
        "ledger.export" => "导出台账",
        "ledger.update" => "修改基本信息",
        "ledger.attach" => "上传附件",
        "ledger.detach" => "删除附件",
        "audit.export" => "导出审计日志",
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
];

/// Records since midnight, Beijing time, optionally of one action.
pub async fn count_today(db: &Db, action: Option<&str>) -> Result<u64, StoreError> {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    let today = Utc::now().with_timezone(&beijing).date_naive();
    let mut query = audit_record::Entity::find().filter(audit_record::Column::At.gte(beijing_day_start(today)));
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
