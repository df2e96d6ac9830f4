//! API tokens: issued by an administrator to act as one user, stored only as a digest.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::{api_token, organization, user};
use crate::users::{Principal, principal};
use crate::{Actor, Db, Scope, StoreError, random_token, token_digest};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub user_id: i64,
    pub username: String,
    /// The first characters of the token.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const TOKEN_PREFIX: &str = "fzt_";

/// Issues a token that acts as `user_id`. The plain token is returned once and never stored.
pub async fn issue(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    user_id: i64,
    name: &str,
) -> Result<(String, TokenView), StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(StoreError::invalid("name", "请填写令牌用途（不超过50个字符）"));
    }
    let txn = db.begin_write().await?;
    let owner = user::Entity::find_by_id(user_id).one(&txn).await?;
    let owner_org = match &owner {
        Some(u) => organization::Entity::find_by_id(u.org_id).one(&txn).await?,
        None => None,
    };
    let owner = match (owner, owner_org) {
        (Some(u), Some(o)) if scope.contains_path(&o.path) => u,
        _ => return Err(StoreError::invalid("user_id", "所选用户不存在或不在您的管辖范围内")),
    };
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let saved = api_token::ActiveModel {
        user_id: Set(owner.id),
        name: Set(name.to_owned()),
        token_hash: Set(token_digest(&token)),
        prefix: Set(token.chars().take(12).collect()),
        created_by: Set(actor.user_id),
        created_at: Set(crate::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let view = TokenView::new(saved, owner.username);
    audit::append(&txn, actor, Change::new("token.issue", "api_token", view.id).after(&view)).await?;
    txn.commit().await?;
    Ok((token, view))
}

impl TokenView {
    fn new(m: api_token::Model, username: String) -> TokenView {
        TokenView {
            id: m.id,
            name: m.name,
            user_id: m.user_id,
            username,
            prefix: m.prefix,
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        }
    }
}

pub async fn revoke(db: &Db, actor: &Actor, scope: &Scope, id: i64, reason: &str) -> Result<TokenView, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::invalid("reason", "请填写吊销原因"));
    }
    let txn = db.begin_write().await?;
    let found = api_token::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let owner = user::Entity::find_by_id(found.user_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let org = organization::Entity::find_by_id(owner.org_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if !scope.contains_path(&org.path) {
        return Err(StoreError::NotFound);
    }
    if found.revoked_at.is_some() {
        return Err(StoreError::invalid("id", "该令牌已被吊销"));
    }
    let version = found.version;
    let mut active = found.into_active_model();
    active.revoked_at = Set(Some(crate::now()));
    active.version = Set(version + 1);
    let view = TokenView::new(active.update(&txn).await?, owner.username);
    audit::append(
        &txn,
        actor,
        Change::new("token.revoke", "api_token", id).after(serde_json::json!({"token": &view, "reason": reason})),
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<TokenView>, StoreError> {
    let tokens = api_token::Entity::find().order_by_desc(api_token::Column::Id).all(db.conn()).await?;
    let mut out = Vec::new();
    for t in tokens {
        let Some(owner) = user::Entity::find_by_id(t.user_id).one(db.conn()).await? else { continue };
        let Some(org) = organization::Entity::find_by_id(owner.org_id).one(db.conn()).await? else { continue };
        if scope.contains_path(&org.path) {
            out.push(TokenView::new(t, owner.username));
        }
    }
    Ok(out)
}

/// The user a presented token acts as, if the token is live.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<Principal>, StoreError> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let Some(found) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_digest(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db.conn())
        .await?
    else {
        return Ok(None);
    };
    let user_id = found.user_id;
    let now = crate::now();
    if found.last_used_at.is_none_or(|t| now - t > Duration::seconds(60)) {
        let mut active = found.into_active_model();
        active.last_used_at = Set(Some(now));
        active.update(db.conn()).await?;
    }
    principal(db.conn(), user_id).await
}
