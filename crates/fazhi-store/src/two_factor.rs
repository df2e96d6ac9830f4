//! Two-factor sign-in: a time-based one-time code (TOTP, RFC 6238: six digits, 30-second steps,
//! one step of clock drift accepted, each step accepted once) from an authenticator app, or one of
//! ten recovery codes shown once at enrolment and stored only as SM3 digests. The seed is stored
//! sealed under the installation's key, never in the audit values. Which roles must use it is a
//! setting of the district (by default 系统管理员 and 安全审计员).

use fazhi_domain::role::{Role, RoleSet};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use totp_rs::{Builder, Secret, Totp};

use crate::audit::{self, Change};
use crate::db::WriteTxn;
use crate::entities::{session, setting, user};
use crate::users::Principal;
use crate::{Actor, Db, StoreError, random_bytes, token_digest};

/// The setting that names the roles that must sign in with two factors.
pub const REQUIRED_ROLES_KEY: &str = "security.two_factor_roles";
const DEFAULT_REQUIRED: [Role; 2] = [Role::Admin, Role::Auditor];
const SEAL_PURPOSE: &str = "totp-seed";
const ISSUER: &str = "法治政府建设管理平台";
const RECOVERY_CODES: usize = 10;

/// Where a sign-in stands after the password was right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// Signed in.
    None,
    /// Waits for the code from the authenticator (or a recovery code).
    Code,
    /// The role requires two factors and the account has none yet: enrolment comes first.
    Enrol,
}

impl Pending {
    pub(crate) fn from_column(value: &str) -> Pending {
        match value {
            "totp" => Pending::Code,
            "enrol" => Pending::Enrol,
            _ => Pending::None,
        }
    }

    pub(crate) fn column(self) -> &'static str {
        match self {
            Pending::None => "",
            Pending::Code => "totp",
            Pending::Enrol => "enrol",
        }
    }
}

/// The roles that must use two factors.
pub async fn required_roles(db: &Db) -> Result<Vec<Role>, StoreError> {
    required_roles_on(db.conn()).await
}

pub(crate) async fn required_roles_on<C: ConnectionTrait>(conn: &C) -> Result<Vec<Role>, StoreError> {
    let row = setting::Entity::find_by_id(REQUIRED_ROLES_KEY.to_owned()).one(conn).await?;
    Ok(match row.and_then(|r| serde_json::from_str::<Vec<String>>(&r.value_json).ok()) {
        Some(codes) => codes.iter().filter_map(|c| Role::parse(c).ok()).collect(),
        None => DEFAULT_REQUIRED.to_vec(),
    })
}

/// Sets the roles that must use two factors. Only an administrator of the top of the tree (the
/// district) decides it, for every organization below; the change is on the audit trail.
pub async fn set_required_roles(db: &Db, by: &Principal, ip: &str, roles: &[Role]) -> Result<Vec<Role>, StoreError> {
    if !by.roles.contains(Role::Admin) || !by.at_top() {
        return Err(StoreError::Forbidden("两步验证的要求由区县系统管理员设定".into()));
    }
    let mut roles: Vec<Role> = roles.to_vec();
    roles.sort();
    roles.dedup();
    let codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    let json = serde_json::to_string(&codes).map_err(|e| StoreError::Internal(e.to_string()))?;
    let txn = db.begin_write().await?;
    let before = required_roles_on(&txn).await?.iter().map(|r| r.code()).collect::<Vec<_>>();
    let row = setting::ActiveModel {
        key: Set(REQUIRED_ROLES_KEY.into()),
        value_json: Set(json),
        updated_at: Set(crate::now()),
        updated_by: Set(by.actor(ip).name),
    };
    if setting::Entity::find_by_id(REQUIRED_ROLES_KEY.to_owned()).one(&txn).await?.is_some() {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    let change = Change::new("settings.update", "setting", REQUIRED_ROLES_KEY)
        .before(serde_json::json!({ "roles": before }))
        .after(serde_json::json!({ "roles": codes }));
    audit::append(&txn, &by.actor(ip), change).await?;
    txn.commit().await?;
    Ok(roles)
}

pub(crate) fn requires(roles: &RoleSet, required: &[Role]) -> bool {
    roles.any_of(required)
}

fn totp(seed: Vec<u8>, account: &str) -> Result<Totp, StoreError> {
    Builder::new()
        .with_secret(Secret::from(seed))
        .with_skew(1)
        .with_account_name(account)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| StoreError::Internal(format!("两步验证参数无效：{e}")))
}

/// What the enrolment page shows: the seed as text and as an `otpauth://` address for the QR code.
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
}

/// Starts (or restarts) enrolment: a new seed, stored sealed, not in force until a code from it is
/// confirmed. An account with two factors in force must turn them off first.
pub async fn begin_enrolment(db: &Db, user_id: i64) -> Result<Enrolment, StoreError> {
    let txn = db.begin_write().await?;
    let found = user::Entity::find_by_id(user_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if found.totp_enabled {
        return Err(StoreError::invalid("code", "两步验证已启用"));
    }
    let seed = random_bytes::<20>().to_vec();
    let sealed = txn.audit_key().seal(SEAL_PURPOSE, random_bytes::<16>(), &seed);
    let account = found.username.clone();
    let mut active = found.into_active_model();
    active.totp_secret = Set(Some(sealed));
    active.update(&txn).await?;
    txn.commit().await?;
    let totp = totp(seed, &account)?;
    let otpauth_url = totp.to_url().map_err(|e| StoreError::Internal(e.to_string()))?;
    Ok(Enrolment { secret_base32: totp.secret().to_base32(), otpauth_url })
}

/// The step a code matches, if it is the account's current code and that step was not used yet.
fn check_code(txn: &WriteTxn, found: &user::Model, code: &str) -> Result<Option<u64>, StoreError> {
    let Some(seed) = found.totp_secret.as_deref().and_then(|s| txn.audit_key().open(SEAL_PURPOSE, s)) else {
        return Ok(None);
    };
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = totp(seed, &found.username)?.check_current(&code);
    Ok(step.filter(|s| found.totp_last_step.is_none_or(|last| (*s as i64) > last)))
}

fn recovery_digest(code: &str) -> String {
    let normalized: String =
        code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    token_digest(&format!("fazhi-recovery:{normalized}"))
}

/// Ten codes like `k7m2-x9q4`, readable aloud (no 0/o, 1/l).
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<char> =
                random_bytes::<8>().iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
            format!("{}-{}", chars[..4].iter().collect::<String>(), chars[4..].iter().collect::<String>())
        })
        .collect()
}

/// Confirms enrolment with a code from the new seed: two factors are in force from now on, and
/// the ten recovery codes are returned, to be shown this once. `session` is the sign-in this was
/// done in: one waiting for enrolment is then signed in.
pub async fn confirm_enrolment(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    code: &str,
    session: Option<&str>,
) -> Result<Vec<String>, StoreError> {
    let txn = db.begin_write().await?;
    let found = user::Entity::find_by_id(user_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if found.totp_enabled {
        return Err(StoreError::invalid("code", "两步验证已启用"));
    }
    let Some(step) = check_code(&txn, &found, code)? else {
        return Err(StoreError::invalid("code", "动态口令不正确：请输入验证器应用中当前显示的6位数字"));
    };
    let codes = new_recovery_codes();
    let digests: Vec<String> = codes.iter().map(|c| recovery_digest(c)).collect();
    let mut active = found.into_active_model();
    active.totp_enabled = Set(true);
    active.totp_last_step = Set(Some(step as i64));
    active.recovery_codes = Set(Some(serde_json::to_string(&digests).expect("strings serialize")));
    active.update(&txn).await?;
    if let Some(token) = session {
        session::Entity::update_many()
            .col_expr(session::Column::Pending, sea_orm::sea_query::Expr::value(""))
            .filter(session::Column::Id.eq(token_digest(token)))
            .exec(&txn)
            .await?;
    }
    audit::append(&txn, actor, Change::new("auth.two_factor_enabled", "user", user_id)).await?;
    txn.commit().await?;
    Ok(codes)
}

/// Checks a code (or a recovery code, used up by this) for a sign-in inside the caller's
/// transaction, recording the step so the same code is not accepted twice.
pub(crate) async fn accept_code(txn: &WriteTxn, found: user::Model, code: &str) -> Result<bool, StoreError> {
    if !found.totp_enabled {
        return Ok(false);
    }
    if let Some(step) = check_code(txn, &found, code)? {
        let mut active = found.into_active_model();
        active.totp_last_step = Set(Some(step as i64));
        active.update(txn).await?;
        return Ok(true);
    }
    let digest = recovery_digest(code);
    let mut left: Vec<String> =
        found.recovery_codes.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
    let Some(i) = left.iter().position(|d| *d == digest) else { return Ok(false) };
    left.remove(i);
    let mut active = found.into_active_model();
    active.recovery_codes = Set(Some(serde_json::to_string(&left).expect("strings serialize")));
    active.update(txn).await?;
    Ok(true)
}

/// Turns two factors off, on proof of the password; refused where the role requires them.
pub async fn disable(db: &Db, me: &Principal, ip: &str, password: &str) -> Result<(), StoreError> {
    let stored = user::Entity::find_by_id(me.user_id).one(db.conn()).await?.ok_or(StoreError::NotFound)?;
    if !crate::passwords::verify(Some(stored.password_hash.clone()), password).await {
        return Err(StoreError::invalid("password", "密码不正确"));
    }
    let txn = db.begin_write().await?;
    if requires(&me.roles, &required_roles_on(&txn).await?) {
        return Err(StoreError::invalid("password", "您的角色须使用两步验证，不能关闭"));
    }
    clear(&txn, &me.actor(ip), me.user_id, "auth.two_factor_disabled").await?;
    txn.commit().await?;
    Ok(())
}

/// An administrator clears a user's two factors (a lost phone); a role that requires them enrols
/// again at the next sign-in.
pub async fn reset(db: &Db, actor: &Actor, scope: &crate::Scope, user_id: i64) -> Result<(), StoreError> {
    crate::users::get(db, scope, user_id).await?;
    if actor.user_id == Some(user_id) {
        return Err(StoreError::invalid("id", "不能重置自己的两步验证，请由另一名系统管理员办理"));
    }
    let txn = db.begin_write().await?;
    clear(&txn, actor, user_id, "auth.two_factor_reset").await?;
    txn.commit().await?;
    Ok(())
}

async fn clear(txn: &WriteTxn, actor: &Actor, user_id: i64, action: &'static str) -> Result<(), StoreError> {
    let found = user::Entity::find_by_id(user_id).one(txn).await?.ok_or(StoreError::NotFound)?;
    let mut active = found.into_active_model();
    active.totp_enabled = Set(false);
    active.totp_secret = Set(None);
    active.totp_last_step = Set(None);
    active.recovery_codes = Set(None);
    active.update(txn).await?;
    audit::append(txn, actor, Change::new(action, "user", user_id)).await?;
    Ok(())
}

/// Whether the user has two factors in force, and how many recovery codes are left.
pub async fn status(db: &Db, user_id: i64) -> Result<(bool, usize), StoreError> {
    let found = user::Entity::find_by_id(user_id).one(db.conn()).await?.ok_or(StoreError::NotFound)?;
    let left = found
        .recovery_codes
        .as_deref()
        .and_then(|j| serde_json::from_str::<Vec<String>>(j).ok())
        .map(|v| v.len())
        .unwrap_or(0);
    Ok((found.totp_enabled, left))
}
