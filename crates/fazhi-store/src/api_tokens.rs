//! API tokens, stored only as a digest. A token acts as the user who issued it, for themselves;
//! the one exception is a 接口账号 (service account), whose tokens its administrator issues and
//! every use of which is audited. So an administrator can never act as a township leader or as
//! the auditor through a token (三员分立).

use chrono::{DateTime, Duration, Utc};
use fazhi_domain::auth_policy::{TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS};
use fazhi_domain::role::Role;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::{api_token, organization, user};
use crate::users::{Principal, principal};
use crate::{Db, StoreError, random_token, token_digest};

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
    pub expires_at: Option<DateTime<Utc>>,
    /// Only reads (GET) are allowed with it.
    pub read_only: bool,
}

const TOKEN_PREFIX: &str = "fzt_";

/// What a token is asked for.
pub struct TokenRequest {
    /// A service account to issue for (administrators only); `None` issues for oneself.
    pub user_id: Option<i64>,
    pub name: String,
    /// Days until it expires: 90 when not given, at most 365.
    pub days: Option<i64>,
    pub read_only: bool,
}

fn is_admin(issuer: &Principal) -> bool {
    issuer.roles.contains(Role::Admin)
}

/// Issues a token. The plain token is returned once and never stored.
pub async fn issue(
    db: &Db,
    issuer: &Principal,
    ip: &str,
    request: TokenRequest,
) -> Result<(String, TokenView), StoreError> {
    let name = &crate::short_text("name", "令牌用途", &request.name, 50)?;
    let days = request.days.unwrap_or(TOKEN_DEFAULT_DAYS);
    if !(1..=TOKEN_MAX_DAYS).contains(&days) {
        return Err(StoreError::invalid("days", format!("有效期须为1至{TOKEN_MAX_DAYS}天")));
    }
    let actor = issuer.actor(ip);
    let txn = db.begin_write().await?;
    let owner = match request.user_id.filter(|id| *id != issuer.user_id) {
        None => user::Entity::find_by_id(issuer.user_id).one(&txn).await?.ok_or(StoreError::NotFound)?,
        Some(other) => {
            let refused =
                || StoreError::invalid("user_id", "只能为本人，或由系统管理员为本机构范围内的接口账号签发令牌");
            if !is_admin(issuer) {
                return Err(refused());
            }
            let found = user::Entity::find_by_id(other).one(&txn).await?.ok_or_else(refused)?;
            let org = organization::Entity::find_by_id(found.org_id).one(&txn).await?.ok_or_else(refused)?;
            if !found.service_account || !issuer.scope().contains_path(&org.path) {
                return Err(refused());
            }
            found
        }
    };
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let now = crate::now();
    let saved = api_token::ActiveModel {
        user_id: Set(owner.id),
        name: Set(name.to_owned()),
        token_hash: Set(token_digest(&token)),
        prefix: Set(token.chars().take(12).collect()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        version: Set(1),
        expires_at: Set(Some(now + Duration::days(days))),
        read_only: Set(request.read_only),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let view = TokenView::new(saved, owner.username);
    audit::append(&txn, &actor, Change::new("token.issue", "api_token", view.id).after(&view)).await?;
    txn.commit().await?;
    Ok((token, view))
}

/// Whether `viewer` may see and revoke a token of `owner` (in the organization at `owner_path`):
/// one's own, or, for an administrator, any in their subtree.
fn may_manage(viewer: &Principal, owner_id: i64, owner_path: &str) -> bool {
    owner_id == viewer.user_id || (is_admin(viewer) && viewer.scope().contains_path(owner_path))
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
            expires_at: m.expires_at,
            read_only: m.read_only,
        }
    }
}

pub async fn revoke(db: &Db, viewer: &Principal, ip: &str, id: i64, reason: &str) -> Result<TokenView, StoreError> {
    let actor = &viewer.actor(ip);
    let reason = &crate::short_text("reason", "吊销原因", reason, 200)?;
    let txn = db.begin_write().await?;
    let found = api_token::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let owner = user::Entity::find_by_id(found.user_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let org = organization::Entity::find_by_id(owner.org_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if !may_manage(viewer, owner.id, &org.path) {
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

/// The tokens `viewer` may manage: their own, and for an administrator every token in their subtree.
pub async fn list(db: &Db, viewer: &Principal) -> Result<Vec<TokenView>, StoreError> {
    let mut query = api_token::Entity::find().order_by_desc(api_token::Column::Id);
    if !is_admin(viewer) {
        query = query.filter(api_token::Column::UserId.eq(viewer.user_id));
    }
    let tokens = query.all(db.conn()).await?;
    let mut out = Vec::new();
    for t in tokens {
        let Some(owner) = user::Entity::find_by_id(t.user_id).one(db.conn()).await? else { continue };
        let Some(org) = organization::Entity::find_by_id(owner.org_id).one(db.conn()).await? else { continue };
        if may_manage(viewer, owner.id, &org.path) {
            out.push(TokenView::new(t, owner.username));
        }
    }
    Ok(out)
}

/// A live token and what it allows.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub principal: Principal,
    pub read_only: bool,
}

/// The user a presented token acts as, if the token is live (not revoked, not expired, the
/// account not locked). A service account's every use is audited (`request` names it).
pub async fn authenticate(db: &Db, token: &str, ip: &str, request: &str) -> Result<Option<TokenGrant>, StoreError> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let now = crate::now();
    let Some(found) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_digest(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(now))
        .one(db.conn())
        .await?
    else {
        return Ok(None);
    };
    let (user_id, token_id, read_only) = (found.user_id, found.id, found.read_only);
    let Some(principal) = principal(db.conn(), user_id).await? else { return Ok(None) };
    // The last use is noted at most once a minute (bookkeeping, unrecorded); a service account's
    // every use is recorded. Both through the one write path.
    let touch = found.last_used_at.is_none_or(|t| now - t > Duration::seconds(60));
    if touch || principal.service_account {
        let txn = db.begin_write().await?;
        if touch {
            let mut active = found.into_active_model();
            active.last_used_at = Set(Some(now));
            active.update(&txn).await?;
        }
        if principal.service_account {
            let change =
                Change::new("token.use", "api_token", token_id).after(serde_json::json!({ "request": request }));
            audit::append(&txn, &principal.actor(ip), change).await?;
        }
        txn.commit().await?;
    }
    Ok(Some(TokenGrant { principal, read_only }))
}
