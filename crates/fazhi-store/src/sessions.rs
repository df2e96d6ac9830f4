//! Sessions live in the database, so any server instance can serve any signed-in user.

use chrono::{DateTime, Duration, Utc};
use fazhi_domain::auth_policy::{LOCK_MINUTES, MAX_FAILED_LOGINS, SESSION_IDLE_MINUTES};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, JoinType, QueryFilter, QuerySelect, RelationTrait, Set,
};

use crate::audit::{self, Change};
use crate::entities::{session, user};
use crate::two_factor::{self, Pending};
use crate::users::{Principal, PrincipalRow, principal, principal_columns};
use crate::{Actor, Db, StoreError, passwords, random_token, token_digest};

pub enum LoginOutcome {
    /// The password was right: the cookie's token and the session's CSRF token. With `pending`
    /// other than `None` the sign-in waits for the second factor, or for enrolment in it.
    Success {
        token: String,
        csrf_token: String,
        principal: Box<Principal>,
        pending: Pending,
    },
    /// Wrong name or password, an unknown name, a service account, or a wrong password on a
    /// locked account: one answer for all, so the answer never tells which names exist.
    BadCredentials,
    /// The right password, for a program's sign-in (no pages to finish it on): the account has two
    /// factors and no code was given, or its role requires two factors and it has none yet.
    CodeRequired,
    EnrolmentRequired,
    /// The right password for an account that is locked (by the lockout until the time given, or
    /// by an administrator: `None`). Only someone who knows the password learns of the lock.
    Locked {
        until: Option<DateTime<Utc>>,
    },
}

/// How a sign-in is made: through the pages, which can ask for the second factor (and lead to
/// enrolment) after the password, or by a program, which gives the code with the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via<'a> {
    Pages,
    Program { code: Option<&'a str> },
}

/// Signs in with a password. Through the pages an account with two factors gets a sign-in that
/// waits for the code; a program gives the code with the password, and a wrong one counts as a
/// wrong password.
pub async fn login(
    db: &Db,
    ip: &str,
    username: &str,
    password: &str,
    via: Via<'_>,
) -> Result<LoginOutcome, StoreError> {
    let code = match via {
        Via::Pages => None,
        Via::Program { code } => code,
    };
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
    let found_now = current.clone();
    // A code given with the password is checked here; a wrong one counts as a wrong password.
    let code_ok = match (password_ok && found_now.totp_enabled, code) {
        (true, Some(code)) => Some(two_factor::accept_code(&txn, found_now.clone(), code).await?),
        _ => None,
    };
    let password_ok = password_ok && code_ok != Some(false);
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
        let reason = if code_ok == Some(false) { "bad_second_factor" } else { "bad_password" };
        audit::append(
            &txn,
            &actor,
            Change::new("auth.login_failed", "user", user_id)
                .after(serde_json::json!({"reason": reason, "failed_logins": failed})),
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
    let principal = principal(&txn, user_id).await?.ok_or(StoreError::NotFound)?;
    let required = two_factor::requires(&principal.roles, &two_factor::required_roles_on(&txn).await?);
    if let Via::Program { .. } = via {
        // A program cannot finish a sign-in on a page: it gives the code now, or signs in not at all.
        let missing = if found_now.totp_enabled && code_ok.is_none() {
            Some((LoginOutcome::CodeRequired, "second_factor_missing"))
        } else if !found_now.totp_enabled && required {
            Some((LoginOutcome::EnrolmentRequired, "second_factor_not_enrolled"))
        } else {
            None
        };
        if let Some((outcome, reason)) = missing {
            // Not signed in: the sign-in time and counter reset above are rolled back with the
            // transaction; only the refusal is recorded.
            txn.rollback().await?;
            let change =
                Change::new("auth.login_failed", "user", user_id).after(serde_json::json!({ "reason": reason }));
            audit::record(db, &actor, change).await?;
            return Ok(outcome);
        }
    }
    let pending = if found_now.totp_enabled {
        if code_ok == Some(true) { Pending::None } else { Pending::Code }
    } else if required {
        Pending::Enrol
    } else {
        Pending::None
    };
    let token = random_token();
    let csrf_token = random_token();
    session::ActiveModel {
        id: Set(token_digest(&token)),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.clone()),
        ip: Set(ip.to_owned()),
        created_at: Set(now),
        last_seen_at: Set(now),
        pending: Set(pending.column().to_owned()),
        failed_codes: Set(0),
    }
    .insert(&txn)
    .await?;
    let change = Change::new("auth.login", "user", user_id);
    let change = match pending {
        Pending::None => change,
        _ => change.after(serde_json::json!({ "second_factor": pending.column() })),
    };
    audit::append(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(LoginOutcome::Success { token, csrf_token, principal: Box::new(principal), pending })
}

/// What the second step of a sign-in came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOutcome {
    SignedIn,
    /// A wrong code: this many tries are left.
    Wrong {
        left: i32,
    },
    /// Too many wrong codes: the sign-in ended.
    Ended,
}

/// Wrong codes one sign-in may give before it ends.
const MAX_WRONG_CODES: i32 = 5;

/// The second step of a sign-in that waits for the code: the authenticator's code or a recovery
/// code finishes it; five wrong codes end it.
pub async fn verify_code(db: &Db, actor: &Actor, token: &str, code: &str) -> Result<CodeOutcome, StoreError> {
    let txn = db.begin_write().await?;
    let found = session::Entity::find_by_id(token_digest(token)).one(&txn).await?;
    let Some(found) = found.filter(|s| Pending::from_column(&s.pending) == Pending::Code) else {
        return Err(StoreError::invalid("code", "没有等待动态口令的登录，请重新登录"));
    };
    let user = user::Entity::find_by_id(found.user_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let user_id = user.id;
    if two_factor::accept_code(&txn, user, code).await? {
        let mut active = found.into_active_model();
        active.pending = Set(String::new());
        active.update(&txn).await?;
        audit::append(&txn, actor, Change::new("auth.second_factor", "user", user_id)).await?;
        txn.commit().await?;
        return Ok(CodeOutcome::SignedIn);
    }
    let wrong = found.failed_codes + 1;
    let outcome = if wrong >= MAX_WRONG_CODES {
        session::Entity::delete_by_id(found.id).exec(&txn).await?;
        CodeOutcome::Ended
    } else {
        let mut active = found.into_active_model();
        active.failed_codes = Set(wrong);
        active.update(&txn).await?;
        CodeOutcome::Wrong { left: MAX_WRONG_CODES - wrong }
    };
    let change =
        Change::new("auth.second_factor_failed", "user", user_id).after(serde_json::json!({ "wrong_codes": wrong }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// A live session and who it belongs to.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub principal: Principal,
    pub csrf_token: String,
    /// The sign-in waits for the second factor or for enrolment in it.
    pub pending: Pending,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct SessionRow {
    csrf_token: String,
    last_seen_at: DateTime<Utc>,
    pending: String,
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
        .column(session::Column::Pending)
        .join(JoinType::InnerJoin, session::Relation::User.def())
        .join(JoinType::InnerJoin, user::Relation::Organization.def())
        .into_model::<SessionRow>()
        .one(db.conn())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let now = crate::now();
    let idle = now - row.last_seen_at;
    let user_id = row.user.user_id;
    let principal = match row.user.into_principal()? {
        Some(p) if idle <= Duration::minutes(SESSION_IDLE_MINUTES) => p,
        _ => {
            // Ended for idleness or a locked account: on the trail, as every session's end is.
            let txn = db.begin_write().await?;
            let deleted = session::Entity::delete_by_id(id).exec(&txn).await?;
            if deleted.rows_affected > 0 {
                let change = Change::new("auth.session_ended", "user", user_id)
                    .after(serde_json::json!({ "reason": "idle_or_locked" }));
                audit::append(&txn, &Actor::system(), change).await?;
            }
            txn.commit().await?;
            return Ok(None);
        }
    };
    // Touch at most once a minute: idle time needs no finer grain, and it spares the writes. The
    // touch is bookkeeping, not an act: it takes the write path but leaves no audit record.
    if idle > Duration::seconds(60) {
        let txn = db.begin_write().await?;
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
    }
    Ok(Some(LiveSession { principal, csrf_token: row.csrf_token, pending: Pending::from_column(&row.pending) }))
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
    let txn = db.begin_write().await?;
    let res = session::Entity::delete_many().filter(session::Column::LastSeenAt.lt(cutoff)).exec(&txn).await?;
    if res.rows_affected > 0 {
        let change = Change {
            action: "auth.sessions_purged",
            object_type: "session",
            object_id: None,
            before: None,
            after: Some(serde_json::json!({ "count": res.rows_affected })),
        };
        audit::append(&txn, &Actor::system(), change).await?;
    }
    txn.commit().await?;
    Ok(res.rows_affected)
}
