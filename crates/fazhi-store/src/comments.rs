//! Comments between the district and a township on what the township keeps: a ledger record, an
//! annual report (at a line, or whole), a 督察问题. A comment lives in the township of what it is
//! on, so whoever may see that sees its comments and nobody else; it is threaded (a reply names
//! the comment it answers), signed with the author's roles and organization, audited, and may be
//! corrected by its author for ten minutes only. Each user's read mark per record puts newer
//! comments from the other side in their 我的待办 until read.
//!
//! Whether the caller may see what a comment is on is the caller's business to check first (a
//! record through its scope, a report through who may read it): `add` is given what was found.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::audit::{self, Change};
use crate::entities::{comment, comment_read};
use crate::users::Principal;
use crate::{Actor, Db, Scope, StoreError, in_township};

/// How long after writing a comment its author may still correct it.
pub const EDITABLE_FOR_MINUTES: i64 = 10;
const MAX_CHARS: usize = 1000;

/// What a comment is on, as the caller found it: a ledger kind's code (or `report`), the id, and
/// the township it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct On<'a> {
    pub kind: &'a str,
    pub id: i64,
    pub org_id: i64,
    pub org_path: &'a str,
}

/// A comment as a thread shows it.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub line: Option<i32>,
    pub author_id: i64,
    pub author_name: String,
    pub author_role: String,
    pub author_org: String,
    pub from_district: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

impl CommentView {
    /// Whether its author may still correct it at `now`.
    pub fn editable_at(&self, now: DateTime<Utc>) -> bool {
        now - self.created_at <= Duration::minutes(EDITABLE_FOR_MINUTES)
    }
}

fn checked_body(raw: &str) -> Result<String, StoreError> {
    let body = raw.trim();
    if body.is_empty() {
        return Err(StoreError::invalid("body", "请填写评论内容"));
    }
    let n = body.chars().count();
    if n > MAX_CHARS {
        return Err(StoreError::invalid("body", format!("评论最多 {MAX_CHARS} 个字，现有 {n} 个")));
    }
    fazhi_domain::text::check("评论", body, true).map_err(|m| StoreError::invalid("body", m))?;
    Ok(body.to_owned())
}

/// What the audit trail keeps of a comment's words: their length and SM3 digest, which prove what
/// was written without putting a citizen's name a comment may carry before the auditor.
fn fingerprint(body: &str) -> serde_json::Value {
    serde_json::json!({ "chars": body.chars().count(), "sm3": fazhi_domain::attachment::digest(body.as_bytes()) })
}

/// What the audit trail names the thing commented on as: a report as the reports' own records do.
fn audited_as(kind: &str) -> &str {
    if kind == REPORT { "annual_report" } else { kind }
}

/// What a comment on an annual report names as its kind.
pub const REPORT: &str = "report";

/// Adds a comment, or a reply to one of the same thread; its number.
pub async fn add(
    db: &Db,
    actor: &Actor,
    author: &Principal,
    on: On<'_>,
    parent: Option<i64>,
    line: Option<i32>,
    body: &str,
) -> Result<i64, StoreError> {
    let body = checked_body(body)?;
    if line.is_some_and(|l| !(1..=100_000).contains(&l)) {
        return Err(StoreError::invalid("line", "行号应为报告中的行"));
    }
    let txn = db.begin_write().await?;
    if let Some(parent) = parent {
        let found = comment::Entity::find_by_id(parent)
            .one(&txn)
            .await?
            .filter(|c| c.target_kind == on.kind && c.target_id == on.id);
        if found.is_none() {
            return Err(StoreError::invalid("parent_id", "所回复的评论不存在"));
        }
    }
    let roles: Vec<&str> = author.roles.iter().map(|r| r.label()).collect();
    let now = crate::now();
    let saved = comment::ActiveModel {
        target_kind: Set(on.kind.to_owned()),
        target_id: Set(on.id),
        line: Set(line),
        parent_id: Set(parent),
        org_id: Set(on.org_id),
        org_path: Set(on.org_path.to_owned()),
        author_id: Set(author.user_id),
        author_name: Set(author.display_name.clone()),
        author_role: Set(roles.join("、")),
        author_org: Set(author.org_name.clone()),
        from_district: Set(!in_township(&author.org_path)),
        body: Set(body.clone()),
        created_at: Set(now),
        edited_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change::new("comment.create", audited_as(on.kind), on.id).after(serde_json::json!({
        "comment": saved.id, "parent": parent, "line": line, "text": fingerprint(&body)
    }));
    audit::append(&txn, actor, change).await?;
    read_up_to(&txn, author.user_id, on.kind, on.id, saved.id).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Corrects a comment's words, by its author within ten minutes of writing it. What it is on
/// comes back, to return to it.
pub async fn edit(
    db: &Db,
    actor: &Actor,
    author: &Principal,
    id: i64,
    body: &str,
) -> Result<(String, i64), StoreError> {
    let body = checked_body(body)?;
    let txn = db.begin_write().await?;
    let current = comment::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if current.author_id != author.user_id {
        return Err(StoreError::Forbidden("只能修改自己发表的评论".into()));
    }
    let now = crate::now();
    if now - current.created_at > Duration::minutes(EDITABLE_FOR_MINUTES) {
        return Err(StoreError::Refused {
            rule: None,
            message: format!("评论发表已超过{EDITABLE_FOR_MINUTES}分钟，不能再修改；如需更正，请再发表一条评论"),
        });
    }
    let target = (current.target_kind.clone(), current.target_id);
    let change = Change::new("comment.edit", audited_as(&target.0), target.1)
        .before(serde_json::json!({ "comment": id, "text": fingerprint(&current.body) }))
        .after(serde_json::json!({ "comment": id, "text": fingerprint(&body) }));
    let mut active: comment::ActiveModel = current.into();
    active.body = Set(body);
    active.edited_at = Set(Some(now));
    active.update(&txn).await?;
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(target)
}

/// The comments on a record or report, oldest first.
pub async fn thread(db: &Db, kind: &str, id: i64) -> Result<Vec<CommentView>, StoreError> {
    let rows = comment::Entity::find()
        .filter(comment::Column::TargetKind.eq(kind))
        .filter(comment::Column::TargetId.eq(id))
        .order_by_asc(comment::Column::Id)
        .all(db.conn())
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| CommentView {
            id: c.id,
            parent_id: c.parent_id,
            line: c.line,
            author_id: c.author_id,
            author_name: c.author_name,
            author_role: c.author_role,
            author_org: c.author_org,
            from_district: c.from_district,
            body: c.body,
            created_at: c.created_at,
            edited_at: c.edited_at,
        })
        .collect())
}

async fn read_up_to<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i64,
    kind: &str,
    id: i64,
    last: i64,
) -> Result<(), StoreError> {
    let key = (user_id, kind.to_owned(), id);
    match comment_read::Entity::find_by_id(key).one(conn).await? {
        Some(mark) if mark.last_read_id >= last => {}
        Some(mark) => {
            let mut active: comment_read::ActiveModel = mark.into();
            active.last_read_id = Set(last);
            active.update(conn).await?;
        }
        None => {
            comment_read::ActiveModel {
                user_id: Set(user_id),
                target_kind: Set(kind.to_owned()),
                target_id: Set(id),
                last_read_id: Set(last),
            }
            .insert(conn)
            .await?;
        }
    }
    Ok(())
}

/// Marks a thread read by a user up to its newest comment: it leaves their 我的待办. A read mark is
/// not business data and is not audited.
pub async fn mark_read(db: &Db, user_id: i64, kind: &str, id: i64, newest: i64) -> Result<(), StoreError> {
    // Most views change nothing: only a newer comment takes the write lock.
    let mark = comment_read::Entity::find_by_id((user_id, kind.to_owned(), id)).one(db.conn()).await?;
    if mark.is_some_and(|m| m.last_read_id >= newest) {
        return Ok(());
    }
    let txn = db.begin_write().await?;
    read_up_to(&txn, user_id, kind, id, newest).await?;
    txn.commit().await?;
    Ok(())
}

/// A record or report with comments from the other side the user has not read.
#[derive(Debug, Clone)]
pub struct Unread {
    pub kind: String,
    pub id: i64,
    pub org_id: i64,
    pub count: u64,
    pub last_at: DateTime<Utc>,
}

/// The records and reports in the user's scope with comments from the other side (the district's
/// for a township's people, the townships' for the district) newer than the user's read mark,
/// newest first: at most 50, looked for among the newest 500 such comments.
pub async fn unread(db: &Db, user: &Principal, scope: &Scope) -> Result<Vec<Unread>, StoreError> {
    let reader_in_township = in_township(&user.org_path);
    let rows: Vec<(i64, String, i64, i64, DateTime<Utc>)> = comment::Entity::find()
        .select_only()
        .columns([
            comment::Column::Id,
            comment::Column::TargetKind,
            comment::Column::TargetId,
            comment::Column::OrgId,
            comment::Column::CreatedAt,
        ])
        .filter(comment::Column::OrgPath.starts_with(&scope.org_path))
        .filter(comment::Column::FromDistrict.eq(reader_in_township))
        .order_by_desc(comment::Column::Id)
        .limit(500)
        .into_tuple()
        .all(db.conn())
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let marks: std::collections::HashMap<(String, i64), i64> = comment_read::Entity::find()
        .filter(comment_read::Column::UserId.eq(user.user_id))
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| ((m.target_kind, m.target_id), m.last_read_id))
        .collect();
    let mut out: Vec<Unread> = Vec::new();
    for (id, kind, target, org_id, at) in rows {
        if marks.get(&(kind.clone(), target)).is_some_and(|last| *last >= id) {
            continue;
        }
        if let Some(u) = out.iter_mut().find(|u| u.kind == kind && u.id == target) {
            u.count += 1;
        } else if out.len() < 50 {
            out.push(Unread { kind, id: target, org_id, count: 1, last_at: at });
        }
    }
    Ok(out)
}
