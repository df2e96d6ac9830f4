//! 公众意见 (docs/public.md): comments from the public on a draft open for comment, kept as
//! received; the township's moderation (publish, or withhold with a reason) and its answer to each
//! (采纳情况) once the window has closed. Every write is audited like any other, under the one
//! write lock; the audit trail holds the comment's SM3 digest, never the commenter's name or
//! telephone. Who sees those is decided by the scope, as for every personal value.

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain::ledger::{LedgerKind, Values};
use fazhi_domain::public_comment::{Adoption, CommentInput, Moderation, Tally};
use fazhi_domain::publication::PublicList;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::audit::{self, Change};
use crate::entities::{ledger_record, public_comment};
use crate::public::{Township, Window};
use crate::{Actor, Db, Scope, StoreError};

/// A comment as the township's moderator reads it.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub id: i64,
    /// 1, 2, 3…: its place among the draft's comments, as the summary numbers them.
    pub number: usize,
    pub body: String,
    /// Masked unless the caller sees the township's personal values.
    pub author_name: Option<String>,
    pub author_phone: Option<String>,
    pub received_at: DateTime<Utc>,
    pub moderation: Moderation,
    pub adoption: Option<Adoption>,
    pub adoption_reason: Option<String>,
}

fn view(number: usize, m: public_comment::Model, shows_personal: bool) -> CommentView {
    let personal = |v: Option<String>| v.map(|s| if shows_personal { s } else { fazhi_domain::ledger_table::mask(&s) });
    CommentView {
        id: m.id,
        number,
        body: m.body,
        author_name: personal(m.author_name),
        author_phone: personal(m.author_phone),
        received_at: m.received_at,
        moderation: Moderation::parse(&m.moderation).unwrap_or(Moderation::Pending),
        adoption: m.adoption.as_deref().and_then(Adoption::parse),
        adoption_reason: m.adoption_reason,
    }
}

async fn of_record<C: ConnectionTrait>(conn: &C, record_id: i64) -> Result<Vec<public_comment::Model>, StoreError> {
    Ok(public_comment::Entity::find()
        .filter(public_comment::Column::RecordId.eq(record_id))
        .order_by_asc(public_comment::Column::Id)
        .all(conn)
        .await?)
}

/// The comments' figures of a record, for the step that closes its consultation.
pub(crate) async fn tally<C: ConnectionTrait>(conn: &C, record_id: i64) -> Result<Tally, StoreError> {
    let mut t = Tally::default();
    for m in of_record(conn, record_id).await? {
        t.received += 1;
        match m.adoption.as_deref().and_then(Adoption::parse) {
            Some(a) if a.counts_as_adopted() => t.adopted += 1,
            Some(_) => {}
            None => t.unanswered += 1,
        }
    }
    Ok(t)
}

/// Takes a comment from the public on a draft open for comment today. `challenge` is the
/// self-checked challenge it was sent with: a challenge is good for one comment.
pub async fn receive(
    db: &Db,
    actor: &Actor,
    township: &Township,
    record_id: i64,
    input: &CommentInput,
    challenge: &str,
    today: NaiveDate,
) -> Result<i64, StoreError> {
    let Some(draft) = crate::public::one(db, township, PublicList::Consultations, record_id, today).await? else {
        return Err(StoreError::NotFound);
    };
    match &draft.window {
        Some(w) if w.is_open_on(today) => {}
        Some(w) if today < w.opens => return Err(StoreError::refused("征求意见尚未开始，暂不能提交意见")),
        _ => return Err(StoreError::refused("征求意见已截止，不再接收意见")),
    }
    let txn = db.begin_write().await?;
    // Under the write lock: the draft is still out for comment, and the challenge unused.
    let state: Option<String> = ledger_record::Entity::find_by_id(record_id)
        .select_only()
        .column(ledger_record::Column::State)
        .into_tuple()
        .one(&txn)
        .await?;
    if state.as_deref() != Some("consulting") {
        return Err(StoreError::refused("征求意见已结束，不再接收意见"));
    }
    let used = public_comment::Entity::find()
        .filter(public_comment::Column::Challenge.eq(challenge))
        .one(&txn)
        .await?
        .is_some();
    if used {
        return Err(StoreError::invalid("challenge", "验证码已使用过，请重新输入新的验证码"));
    }
    let saved = public_comment::ActiveModel {
        record_id: Set(record_id),
        kind: Set(draft.kind.code.to_owned()),
        org_id: Set(township.id),
        org_path: Set(township.path().to_owned()),
        body: Set(input.body.clone()),
        author_name: Set(input.name.clone()),
        author_phone: Set(input.phone.clone()),
        received_at: Set(crate::now()),
        challenge: Set(challenge.to_owned()),
        moderation: Set(Moderation::Pending.code().to_owned()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    use sm3::Digest;
    let digest = hex::encode(sm3::Sm3::digest(input.body.as_bytes()));
    let change = Change::new("public_comment.receive", draft.kind.code, record_id).after(serde_json::json!({
        "comment": saved.id,
        "chars": input.body.chars().count(),
        "sm3": digest,
        "name_given": input.name.is_some(),
        "phone_given": input.phone.is_some(),
    }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// The comments on a record the caller may see, in the order received.
pub async fn for_record(
    db: &Db,
    scope: &Scope,
    kind: &'static LedgerKind,
    record_id: i64,
) -> Result<Vec<CommentView>, StoreError> {
    let record = crate::ledger::get(db, scope, kind, record_id).await?;
    let shows = scope.sees_personal(&record.org_path);
    Ok(of_record(db.conn(), record_id).await?.into_iter().enumerate().map(|(i, m)| view(i + 1, m, shows)).collect())
}

/// What the public reads under a draft: the comments published, each with the township's answer
/// once given, and how many others were received but not published.
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub comments: Vec<CommentView>,
    pub withheld: usize,
    pub pending: usize,
    /// When any of them was last moderated or answered: the page changed then.
    pub changed_at: Option<DateTime<Utc>>,
}

pub async fn published(db: &Db, record_id: i64) -> Result<Published, StoreError> {
    let mut out = Published::default();
    for (i, m) in of_record(db.conn(), record_id).await?.into_iter().enumerate() {
        out.changed_at = out.changed_at.max(m.moderated_at).max(m.answered_at);
        let mut v = view(i + 1, m, false);
        match v.moderation {
            Moderation::Published => {
                // Never the commenter's name or telephone.
                v.author_name = None;
                v.author_phone = None;
                out.comments.push(v);
            }
            Moderation::Pending => out.pending += 1,
            Moderation::Withheld(_) => out.withheld += 1,
        }
    }
    Ok(out)
}

async fn comment_in_scope(
    txn: &crate::db::WriteTxn,
    scope: &Scope,
    id: i64,
) -> Result<public_comment::Model, StoreError> {
    public_comment::Entity::find_by_id(id)
        .one(txn)
        .await?
        .filter(|c| scope.contains_path(&c.org_path) && scope.sees_personal(&c.org_path))
        .ok_or(StoreError::NotFound)
}

/// The moderator's decision: publish the comment, or withhold it with a reason. It may be
/// changed (a name found in a published comment).
pub async fn moderate(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    moderation: Moderation,
) -> Result<(), StoreError> {
    if moderation == Moderation::Pending {
        return Err(StoreError::invalid("moderation", "请选择公开或不予公开的理由"));
    }
    let txn = db.begin_write().await?;
    let c = comment_in_scope(&txn, scope, id).await?;
    let before = c.moderation.clone();
    let (kind, record) = (c.kind.clone(), c.record_id);
    let mut active: public_comment::ActiveModel = c.into();
    active.moderation = Set(moderation.code().to_owned());
    active.moderated_by = Set(Some(actor.name.clone()));
    active.moderated_at = Set(Some(crate::now()));
    active.update(&txn).await?;
    let change = Change::new("public_comment.moderate", &kind, record)
        .before(serde_json::json!({ "comment": id, "moderation": before }))
        .after(serde_json::json!({ "comment": id, "moderation": moderation.code() }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(())
}

/// A draft with comments waiting for the moderator.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub kind: String,
    pub record_id: i64,
    pub org_id: i64,
    pub count: u64,
    pub since: DateTime<Utc>,
}

/// The drafts in the caller's scope with comments not yet moderated, the longest waiting first:
/// the moderator's queue on 我的待办. Only for a scope that reads the comments whole.
pub async fn waiting(db: &Db, scope: &Scope) -> Result<Vec<Waiting>, StoreError> {
    let pending: Vec<public_comment::Model> = public_comment::Entity::find()
        .filter(public_comment::Column::OrgPath.starts_with(&scope.org_path))
        .filter(public_comment::Column::Moderation.eq(Moderation::Pending.code()))
        .order_by_asc(public_comment::Column::Id)
        .limit(1000)
        .all(db.conn())
        .await?;
    let mut out: Vec<Waiting> = Vec::new();
    for c in pending.into_iter().filter(|c| scope.sees_personal(&c.org_path)) {
        match out.iter_mut().find(|w| w.record_id == c.record_id) {
            Some(w) => w.count += 1,
            None => out.push(Waiting {
                kind: c.kind,
                record_id: c.record_id,
                org_id: c.org_id,
                count: 1,
                since: c.received_at,
            }),
        }
    }
    Ok(out)
}

/// Whether a draft still takes comments on `today`, so that none may be answered yet.
pub async fn window_still_open(
    db: &Db,
    kind: &LedgerKind,
    state: &str,
    org_path: &str,
    values: &Values,
    today: NaiveDate,
) -> Result<bool, StoreError> {
    Ok(state == "consulting"
        && crate::public::window_of(db, kind, org_path, values).await?.is_some_and(|w: Window| today <= w.closes))
}

/// The township's answer to a comment, once the window has closed (or the consultation is over).
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    adoption: Adoption,
    reason: &str,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let window_open = {
        let c = public_comment::Entity::find_by_id(id)
            .one(db.conn())
            .await?
            .filter(|c| scope.contains_path(&c.org_path) && scope.sees_personal(&c.org_path))
            .ok_or(StoreError::NotFound)?;
        let record =
            ledger_record::Entity::find_by_id(c.record_id).one(db.conn()).await?.ok_or(StoreError::NotFound)?;
        let kind = fazhi_domain::ledgers::by_code(&record.kind).ok_or(StoreError::NotFound)?;
        let values: Values = serde_json::from_str(&record.values_json).unwrap_or_default();
        window_still_open(db, kind, &record.state, &record.org_path, &values, today).await?
    };
    if window_open {
        return Err(StoreError::refused("征求意见期限届满后才能答复采纳情况"));
    }
    let txn = db.begin_write().await?;
    let c = comment_in_scope(&txn, scope, id).await?;
    let before = (c.adoption.clone(), c.adoption_reason.clone());
    let (kind, record) = (c.kind.clone(), c.record_id);
    let mut active: public_comment::ActiveModel = c.into();
    active.adoption = Set(Some(adoption.code().to_owned()));
    active.adoption_reason = Set(Some(reason.to_owned()).filter(|r| !r.is_empty()));
    active.answered_by = Set(Some(actor.name.clone()));
    active.answered_at = Set(Some(crate::now()));
    active.update(&txn).await?;
    let change = Change::new("public_comment.answer", &kind, record)
        .before(serde_json::json!({ "comment": id, "adoption": before.0, "reason": before.1 }))
        .after(serde_json::json!({ "comment": id, "adoption": adoption.code(), "reason": reason }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(())
}

/// The ledger's 意见采纳情况 as the answers give it, for the form that closes the consultation.
pub async fn adoption_summary(
    db: &Db,
    scope: &Scope,
    kind: &'static LedgerKind,
    record_id: i64,
) -> Result<String, StoreError> {
    let answers: Vec<(Option<Adoption>, String)> = for_record(db, scope, kind, record_id)
        .await?
        .into_iter()
        .map(|c| (c.adoption, c.adoption_reason.unwrap_or_default()))
        .collect();
    Ok(fazhi_domain::public_comment::adoption_summary(&answers))
}
