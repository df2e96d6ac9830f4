//! Sessions live in the database, so any server instance can serve any signed-in user.

use chrono::{DateTime, Duration, Utc};
use fazhi_domain::auth_policy::{LOCK_MINUTES, MAX_FAILED_LOGINS, SESSION_IDLE_MINUTES};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, JoinType, QueryFilter, QuerySelect, RelationTrait, Set,
};

use crate::audit::{self, Change};
use crate::entities::{session, user};
use crate::users::{Principal, PrincipalRow, principal, principal_columns};
use crate::{Actor, Db, StoreError, passwords, random_token, token_digest};

pub enum LoginOutcome {
    /// Signed in: the cookie's token and the session's CSRF token.
    Success { token: String, csrf_token: String, principal: Box<Principal> },
    /// Wrong name or password, an unknown name, a service account, or a wrong password on a
    /// locked account: one answer for all, so the answer never tells which names exist.
    BadCredentials,
    /// The right password for an account that is locked (by the lockout until the time given, or
    /// by an administrator: `None`). Only someone who knows the password learns of the lock.
    Locked { until: Option<DateTime<Utc>> },
}

pub async fn login(db: &Db, ip: &str, username: &str, password: &str) -> Result<LoginOutcome, StoreError> {
    // A name with characters no login name has (NUL, which PostgreSQL refuses) is nobody's.
    let tried = fazhi_domain::text::without_hidden(username.trim());
    let username = if tried == username.trim() { tried.as_str() } else { "" };
    let found = match username {
        "" => None,
        name => user::Entity::find().filter(user::Column::Username.eq(name)).one(db.conn()).await?,
    };
    // Service accounts hold a password nobody knows; checking it keeps the timing of a real one.
    let password_ok = passwords::verify(found.as_ref().map(|u| u.password_hash.clone()), password).await
        && found.as_ref().is_some_and(|u| !u.service_account);
    let anonymous = Actor { user_id: None, name: tried.chars().take(40).collect(), ip: ip.to_owned() };

    let Some(found) = found else {
        audit::record(
            db,
            &anonymous,
            Change {
                action: "auth.login_failed",
                object_type: "user",
                object_id: None,
                before: None,
                after: Some(serde_json::json!({"username": anonymous.name, "reason": "unknown_user"})),
            },
        )
        .await?;
        return Ok(LoginOutcome::BadCredentials);
    };
    let txn = db.begin_write().await?;
    // Read again under the lock, so concurrent failures are all counted.
    let current = user::Entity::find_by_id(found.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let actor = Actor {
        user_id: Some(current.id),
        name: format!("{}({})", current.display_name, current.username),
        ip: ip.to_owned(),
    };
    let now = crate::now();
    let lock = if current.locked {
        Some(("locked_by_admin", None))
    } else {
        current.locked_until.filter(|t| *t > now).map(|until| ("locked_out", Some(until)))
    };
    if let Some((reason, until)) = lock {
        audit::append(
            &txn,
            &actor,
            Change::new("auth.login_failed", "user", current.id)
                .after(serde_json::json!({"reason": reason, "password_ok": password_ok})),
        )
        .await?;
        txn.commit().await?;
        return Ok(if password_ok { LoginOutcome::Locked { until } } else { LoginOutcome::BadCredentials });
    }
    let user_id = current.id;
    let failed = current.failed_logins;
    let version = current.version;
    let mut active = current.into_active_model();
    if !password_ok {
        let failed = if found.locked_until.is_some() { 1 } else { failed + 1 };
        active.failed_logins = Set(failed);
        active.version = Set(version + 1);
        let lock_now = failed >= MAX_FAILED_LOGINS;
        let until = now + Duration::minutes(LOCK_MINUTES);
        if lock_now {
            active.locked_until = Set(Some(until));
            active.failed_logins = Set(0);
        } else {
            active.locked_until = Set(None);
        }
        active.update(&txn).await?;
        audit::append(
            &txn,
            &actor,
            Change::new("auth.login_failed", "user", user_id)
                .after(serde_json::json!({"reason": "bad_password", "failed_logins": failed})),
        )
        .await?;
        if lock_now {
            audit::append(
                &txn,
                &actor,
                Change::new("auth.locked_out", "user", user_id).after(serde_json::json!({"locked_until": until})),
            )
            .await?;
        }
        txn.commit().await?;
        // The attempt that locks the account answers as any wrong password does.
        return Ok(LoginOutcome::BadCredentials);
    }
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    active.last_login_at = Set(Some(now));
    active.update(&txn).await?;
    let token = random_token();
    let csrf_token = random_token();
    session::ActiveModel {
        id: Set(token_digest(&token)),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.clone()),
        ip: Set(ip.to_owned()),
        created_at: Set(now),
        last_seen_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::append(&txn, &actor, Change::new("auth.login", "user", user_id)).await?;
    let principal = principal(&txn, user_id).await?.ok_or(StoreError::NotFound)?;
    txn.commit().await?;
    Ok(LoginOutcome::Success { token, csrf_token, principal: Box::new(principal) })
}

/// A live session and who it belongs to.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub principal: Principal,
    pub csrf_token: String,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct SessionRow {
    csrf_token: String,
    last_seen_at: DateTime<Utc>,
    #[sea_orm(nested)]
    user: PrincipalRow,
}

/// Finds the session of a cookie token, with its user and organization, in one query. A session
/// idle for longer than the limit is ended here.
pub async fn lookup(db: &Db, token: &str) -> Result<Option<LiveSession>, StoreError> {
    let id = token_digest(token);
    let row = principal_columns(session::Entity::find_by_id(id.clone()))
        .column(session::Column::CsrfToken)
        .column(session::Column::LastSeenAt)
        .join(JoinType::InnerJoin, session::Relation::User.def())
        .join(JoinType::InnerJoin, user::Relation::Organization.def())
        .into_model::<SessionRow>()
        .one(db.conn())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let now = crate::now();
    let idle = now - row.last_seen_at;
    let principal = match row.user.into_principal()? {
        Some(p) if idle <= Duration::minutes(SESSION_IDLE_MINUTES) => p,
        _ => {
            session::Entity::delete_by_id(id).exec(db.conn()).await?;
            return Ok(None);
        }
    };
    // Touch at most once a minute: idle time needs no finer grain, and it spares the writes.
    if idle > Duration::seconds(60) {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(id))
            .exec(db.conn())
            .await?;
    }
    Ok(Some(LiveSession { principal, csrf_token: row.csrf_token }))
}

pub async fn logout(db: &Db, actor: &Actor, token: &str) -> Result<(), StoreError> {
    let txn = db.begin_write().await?;
    let deleted = session::Entity::delete_by_id(token_digest(token)).exec(&txn).await?;
    if deleted.rows_affected > 0 {
        let id = actor.user_id.map(|i| i.to_string());
        audit::append(
            &txn,
            actor,
            Change { action: "auth.logout", object_type: "user", object_id: id, before: None, after: None },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Deletes sessions idle past the limit. Safe to run on every instance at once.
pub async fn purge_expired(db: &Db) -> Result<u64, StoreError> {
    let cutoff = crate::now() - Duration::minutes(SESSION_IDLE_MINUTES);
    let res = session::Entity::delete_many().filter(session::Column::LastSeenAt.lt(cutoff)).exec(db.conn()).await?;
    Ok(res.rows_affected)
}
