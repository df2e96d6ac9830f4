use chrono::{DateTime, Utc};
use fazhi_domain::password::NewPassword;
use fazhi_domain::role::{Role, RoleSet};
use fazhi_domain::user::{DisplayName, LoginName};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::{organization, session, user};
use crate::{Actor, Db, Page, Scope, StoreError, passwords};

pub(crate) fn parse_roles(codes: &str) -> Vec<Role> {
    codes.split(',').filter_map(|c| Role::parse(c).ok()).collect()
}

fn role_codes(roles: &RoleSet) -> String {
    roles.iter().map(Role::code).collect::<Vec<_>>().join(",")
}

/// A user as lists and forms show it. Never carries the password hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    /// Role codes: `admin`, `auditor`, `supervisor`, `leader`, `clerk`, `adviser`.
    pub roles: Vec<String>,
    pub must_change_password: bool,
    pub locked: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub failed_logins: i32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// 接口账号: acts only through API tokens, never signs in with a password.
    pub service_account: bool,
    /// Signs in with a second factor (TOTP).
    pub two_factor: bool,
}

impl UserView {
    fn new(m: user::Model, org_name: String) -> UserView {
        UserView {
            id: m.id,
            username: m.username,
            display_name: m.display_name,
            org_id: m.org_id,
            org_name,
            roles: parse_roles(&m.roles).into_iter().map(|r| r.code().to_owned()).collect(),
            must_change_password: m.must_change_password,
            locked: m.locked,
            locked_until: m.locked_until,
            failed_logins: m.failed_logins,
            version: m.version,
            created_at: m.created_at,
            last_login_at: m.last_login_at,
            service_account: m.service_account,
            two_factor: m.totp_enabled,
        }
    }

    pub fn role_labels(&self) -> String {
        self.roles.iter().filter_map(|c| Role::parse(c).ok()).map(|r| r.label()).collect::<Vec<_>>().join("、")
    }

    pub fn has_role(&self, code: &str) -> bool {
        self.roles.iter().any(|r| r == code)
    }

    /// Locked now, by an administrator or by the lockout.
    pub fn is_locked(&self) -> bool {
        self.locked || self.locked_until.is_some_and(|t| t > Utc::now())
    }
}

/// The signed-in user, as every request sees it.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub roles: RoleSet,
    pub must_change_password: bool,
    pub service_account: bool,
}

impl Principal {
    /// Whether the user's organization is at the top of the tree (the district): what holds for
    /// every organization (the holiday notice, who must use two factors) is decided there.
    pub fn at_top(&self) -> bool {
        self.org_path.matches('/').count() <= 2
    }

    /// The user's organization and everything below; citizens' personal data shown in their own
    /// township to the business roles only.
    pub fn scope(&self) -> Scope {
        let business = self.roles.iter().any(|r| r.duty() == fazhi_domain::role::Duty::Business);
        let personal = if business { crate::PersonalData::OwnTownship } else { crate::PersonalData::Masked };
        Scope { org_path: self.org_path.clone(), personal }
    }

    pub fn actor(&self, ip: &str) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            name: format!("{}({})", self.display_name, self.username),
            ip: ip.to_owned(),
        }
    }
}

/// The columns of a user and their organization that every request needs, read in one query.
#[derive(Debug, sea_orm::FromQueryResult)]
pub(crate) struct PrincipalRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: String,
    pub must_change_password: bool,
    pub locked: bool,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub service_account: bool,
}

impl PrincipalRow {
    /// The signed-in user, unless an administrator has locked the account. The lockout after
    /// failed sign-ins (`locked_until`) stops new sign-ins only: a stranger typing wrong passwords
    /// must not be able to end the owner's session or stop their tokens.
    pub(crate) fn into_principal(self) -> Result<Option<Principal>, StoreError> {
        if self.locked {
            return Ok(None);
        }
        // Roles stored before the separation of duties was enforced may break it: such an
        // account acts as nobody until an administrator gives it one duty.
        let Ok(roles) = RoleSet::parse(parse_roles(&self.roles)) else {
            tracing::warn!(user = self.username, "stored roles break the separation of duties; access refused");
            return Ok(None);
        };
        Ok(Some(Principal {
            user_id: self.user_id,
            username: self.username,
            display_name: self.display_name,
            org_id: self.org_id,
            org_name: self.org_name,
            org_path: self.org_path,
            roles,
            must_change_password: self.must_change_password,
            service_account: self.service_account,
        }))
    }
}

/// Selects [`PrincipalRow`]'s columns from `users` joined to `organizations`; callers add the filter
/// (and may join further tables before it, as the session lookup does).
pub(crate) fn principal_columns<E: EntityTrait>(select: sea_orm::Select<E>) -> sea_orm::Select<E> {
    select
        .select_only()
        .column_as(user::Column::Id, "user_id")
        .column(user::Column::Username)
        .column(user::Column::DisplayName)
        .column(user::Column::Roles)
        .column(user::Column::MustChangePassword)
        .column(user::Column::Locked)
        .column_as(organization::Column::Id, "org_id")
        .column_as(organization::Column::Name, "org_name")
        .column_as(organization::Column::Path, "org_path")
        .column(user::Column::ServiceAccount)
}

pub(crate) async fn principal<C: ConnectionTrait>(conn: &C, user_id: i64) -> Result<Option<Principal>, StoreError> {
    let row = principal_columns(user::Entity::find_by_id(user_id))
        .join(sea_orm::JoinType::InnerJoin, user::Relation::Organization.def())
        .into_model::<PrincipalRow>()
        .one(conn)
        .await?;
    match row {
        Some(row) => row.into_principal(),
        None => Ok(None),
    }
}

/// The user as a request would see them (for the command line and tests, which act as a user
/// without signing in); `None` for an unknown or locked account.
pub async fn principal_by_id(db: &Db, user_id: i64) -> Result<Option<Principal>, StoreError> {
    principal(db.conn(), user_id).await
}

async fn org_in_scope<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    org_id: i64,
) -> Result<organization::Model, StoreError> {
    organization::Entity::find_by_id(org_id)
        .one(conn)
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or_else(|| StoreError::invalid("org_id", "所选机构不存在或不在您的管辖范围内"))
}

async fn view<C: ConnectionTrait>(conn: &C, m: user::Model) -> Result<UserView, StoreError> {
    let org_name = organization::Entity::find_by_id(m.org_id).one(conn).await?.map(|o| o.name).unwrap_or_default();
    Ok(UserView::new(m, org_name))
}

/// Finds a user the caller may see; anything else is NotFound, whether it exists or not.
async fn find_in_scope<C: ConnectionTrait>(conn: &C, scope: &Scope, id: i64) -> Result<user::Model, StoreError> {
    let u = user::Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound)?;
    let org = organization::Entity::find_by_id(u.org_id).one(conn).await?;
    match org {
        Some(o) if scope.contains_path(&o.path) => Ok(u),
        _ => Err(StoreError::NotFound),
    }
}

pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<Role>,
    pub password: String,
    /// Honoured only at the server's command line: an account an administrator creates in the
    /// system always changes its password at first sign-in.
    pub must_change_password: bool,
    /// 接口账号: no password sign-in; the password given is ignored.
    pub service_account: bool,
}

/// Whether the change is made by a person signed in to the system, as opposed to the server's
/// own command line or demo loader (`Actor::command_line`, `Actor::system`).
fn by_signed_in_user(actor: &Actor) -> bool {
    actor.user_id.is_some()
}

pub async fn create(db: &Db, actor: &Actor, scope: &Scope, input: NewUser) -> Result<UserView, StoreError> {
    let username = LoginName::parse(&input.username)?;
    let display_name = DisplayName::parse(&input.display_name)?;
    let roles = RoleSet::parse(input.roles)?;
    // A service account never signs in: it gets a random password nobody learns.
    let password = if input.service_account { passwords::random_password() } else { input.password };
    let password = NewPassword::parse(&password)?;
    let must_change = !input.service_account && (input.must_change_password || by_signed_in_user(actor));
    let hash = passwords::hash(&password).await?;
    let txn = db.begin_write().await?;
    org_in_scope(&txn, scope, input.org_id).await?;
    let taken = user::Entity::find().filter(user::Column::Username.eq(username.as_str())).one(&txn).await?;
    if taken.is_some() {
        return Err(StoreError::invalid("username", "该登录名已被使用"));
    }
    let now = crate::now();
    let saved = user::ActiveModel {
        username: Set(username.as_str().to_owned()),
        display_name: Set(display_name.as_str().to_owned()),
        org_id: Set(input.org_id),
        roles: Set(role_codes(&roles)),
        password_hash: Set(hash),
        must_change_password: Set(must_change),
        failed_logins: Set(0),
        locked_until: Set(None),
        locked: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
        service_account: Set(input.service_account),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let saved = view(&txn, saved).await?;
    audit::append(&txn, actor, Change::new("user.create", "user", saved.id).after(&saved)).await?;
    txn.commit().await?;
    Ok(saved)
}

pub struct UserUpdate {
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    pub version: i64,
}

pub async fn update(db: &Db, actor: &Actor, scope: &Scope, id: i64, input: UserUpdate) -> Result<UserView, StoreError> {
    let display_name = DisplayName::parse(&input.display_name)?;
    let roles = RoleSet::parse(input.roles)?;
    let txn = db.begin_write().await?;
    let current = find_in_scope(&txn, scope, id).await?;
    if current.version != input.version {
        return Err(StoreError::Conflict);
    }
    org_in_scope(&txn, scope, input.org_id).await?;
    if actor.user_id == Some(id)
        && (RoleSet::parse(parse_roles(&current.roles)).ok().as_ref() != Some(&roles) || current.org_id != input.org_id)
    {
        return Err(StoreError::invalid("roles", "不能修改自己的角色或所属机构，请由另一名系统管理员办理"));
    }
    let before = view(&txn, current.clone()).await?;
    let mut active = current.into_active_model();
    active.display_name = Set(display_name.as_str().to_owned());
    active.org_id = Set(input.org_id);
    active.roles = Set(role_codes(&roles));
    active.must_change_password = Set(input.must_change_password);
    active.version = Set(input.version + 1);
    active.updated_at = Set(crate::now());
    let saved = view(&txn, active.update(&txn).await?).await?;
    audit::append(&txn, actor, Change::new("user.update", "user", id).before(&before).after(&saved)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Locks (administrator's lock, until unlocked) or unlocks an account. Locking ends its sessions;
/// unlocking also clears the automatic lockout.
pub async fn set_locked(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    locked: bool,
    reason: &str,
) -> Result<UserView, StoreError> {
    let reason = if locked { crate::short_text("reason", "锁定原因", reason, 200)? } else { String::new() };
    let txn = db.begin_write().await?;
    let current = find_in_scope(&txn, scope, id).await?;
    if locked && actor.user_id == Some(id) {
        return Err(StoreError::invalid("id", "不能锁定自己的账号"));
    }
    let before = view(&txn, current.clone()).await?;
    let mut active = current.into_active_model();
    active.locked = Set(locked);
    if !locked {
        active.locked_until = Set(None);
        active.failed_logins = Set(0);
    }
    active.version = Set(before.version + 1);
    active.updated_at = Set(crate::now());
    let saved = view(&txn, active.update(&txn).await?).await?;
    if locked {
        session::Entity::delete_many().filter(session::Column::UserId.eq(id)).exec(&txn).await?;
    }
    let action = if locked { "user.lock" } else { "user.unlock" };
    let change =
        Change::new(action, "user", id).before(&before).after(serde_json::json!({ "user": &saved, "reason": reason }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(saved)
}

/// An administrator sets a new password; `must_change` makes the user choose their own at next
/// login. Existing sessions of the user end.
pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    password: &str,
    must_change: bool,
) -> Result<UserView, StoreError> {
    let password = NewPassword::parse(password)?;
    if actor.user_id == Some(id) {
        return Err(StoreError::invalid("password", "不能重置自己的密码，请在“修改密码”中凭当前密码修改"));
    }
    let must_change = must_change || by_signed_in_user(actor);
    let hash = passwords::hash(&password).await?;
    let txn = db.begin_write().await?;
    let current = find_in_scope(&txn, scope, id).await?;
    if current.service_account {
        return Err(StoreError::invalid("password", "接口账号不使用密码登录，无需重置密码"));
    }
    let version = current.version;
    let mut active = current.into_active_model();
    active.password_hash = Set(hash);
    active.must_change_password = Set(must_change);
    active.version = Set(version + 1);
    active.updated_at = Set(crate::now());
    let saved = view(&txn, active.update(&txn).await?).await?;
    session::Entity::delete_many().filter(session::Column::UserId.eq(id)).exec(&txn).await?;
    audit::append(
        &txn,
        actor,
        Change::new("user.password_reset", "user", id)
            .after(serde_json::json!({ "must_change_password": must_change })),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// A user changes their own password, proving the current one. Their other sessions end (one
/// opened with the old password elsewhere should not outlive it); `keep_session` is the session
/// the change was made from.
pub async fn change_own_password(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    current_password: &str,
    new_password: &str,
    keep_session: Option<&str>,
) -> Result<(), StoreError> {
    let new_password = NewPassword::parse(new_password)?;
    if current_password == new_password.expose() {
        return Err(StoreError::invalid("password", "新密码不能与当前密码相同"));
    }
    let stored = user::Entity::find_by_id(user_id).one(db.conn()).await?.ok_or(StoreError::NotFound)?;
    if !passwords::verify(Some(stored.password_hash.clone()), current_password).await {
        return Err(StoreError::invalid("current_password", "当前密码不正确"));
    }
    let hash = passwords::hash(&new_password).await?;
    let txn = db.begin_write().await?;
    let current = user::Entity::find_by_id(user_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let version = current.version;
    let mut active = current.into_active_model();
    active.password_hash = Set(hash);
    active.must_change_password = Set(false);
    active.version = Set(version + 1);
    active.updated_at = Set(crate::now());
    active.update(&txn).await?;
    let mut others = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep_session {
        others = others.filter(session::Column::Id.ne(crate::token_digest(keep)));
    }
    others.exec(&txn).await?;
    audit::append(&txn, actor, Change::new("user.password_change", "user", user_id)).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<UserView, StoreError> {
    let u = find_in_scope(db.conn(), scope, id).await?;
    view(db.conn(), u).await
}

/// The id of the user with this login name, in one indexed lookup.
pub async fn id_by_username(db: &Db, username: &str) -> Result<Option<i64>, StoreError> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Username.eq(username.trim()))
        .into_tuple::<i64>()
        .one(db.conn())
        .await?)
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<UserView, StoreError> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(username.trim()))
        .one(db.conn())
        .await?
        .ok_or_else(|| StoreError::invalid("username", format!("找不到用户“{username}”")))?;
    view(db.conn(), u).await
}

#[derive(Debug, Clone)]
pub struct UserFilter {
    /// Matches the login name or the display name.
    pub keyword: Option<String>,
    pub role: Option<Role>,
    pub org_id: Option<i64>,
    pub page: u64,
    pub page_size: u64,
}

/// The first page of 50, unfiltered.
impl Default for UserFilter {
    fn default() -> Self {
        UserFilter {
            keyword: Default::default(),
            role: Default::default(),
            org_id: Default::default(),
            page: 1,
            page_size: 50,
        }
    }
}

pub async fn list(db: &Db, scope: &Scope, filter: &UserFilter) -> Result<Page<UserView>, StoreError> {
    let orgs_in_scope = Query::select()
        .column(organization::Column::Id)
        .from(organization::Entity)
        .and_where(organization::Column::Path.starts_with(&scope.org_path))
        .to_owned();
    let mut query = user::Entity::find().filter(user::Column::OrgId.in_subquery(orgs_in_scope));
    if let Some(k) = filter.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        query = query.filter(user::Column::Username.contains(k).or(user::Column::DisplayName.contains(k)));
    }
    if let Some(role) = filter.role {
        query = query.filter(user::Column::Roles.contains(role.code()));
    }
    if let Some(org) = filter.org_id {
        query = query.filter(user::Column::OrgId.eq(org));
    }
    crate::check_paging(filter.page, filter.page_size)?;
    let (page, page_size) = (filter.page, filter.page_size);
    let (rows, total) = crate::fetch_page(db, query.order_by_asc(user::Column::Id), page, page_size).await?;
    let org_ids: Vec<i64> = rows.iter().map(|u| u.org_id).collect();
    let names: std::collections::HashMap<i64, String> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(org_ids))
        .all(db.conn())
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|u| {
            let name = names.get(&u.org_id).cloned().unwrap_or_default();
            UserView::new(u, name)
        })
        .collect();
    Ok(Page { items, total, page, page_size })
}

pub struct UserStats {
    pub total: u64,
    pub locked: u64,
    pub must_change: u64,
}

fn in_scope(scope: &Scope) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(organization::Column::Id)
        .from(organization::Entity)
        .and_where(organization::Column::Path.starts_with(&scope.org_path))
        .to_owned()
}

pub async fn stats(db: &Db, scope: &Scope) -> Result<UserStats, StoreError> {
    let base = || user::Entity::find().filter(user::Column::OrgId.in_subquery(in_scope(scope)));
    let now = crate::now();
    Ok(UserStats {
        total: base().count(db.conn()).await?,
        locked: base()
            .filter(user::Column::Locked.eq(true).or(user::Column::LockedUntil.gt(now)))
            .count(db.conn())
            .await?,
        must_change: base().filter(user::Column::MustChangePassword.eq(true)).count(db.conn()).await?,
    })
}

/// Users per organization within the scope.
pub async fn count_by_org(db: &Db, scope: &Scope) -> Result<std::collections::HashMap<i64, u64>, StoreError> {
    let rows: Vec<(i64, i64)> = user::Entity::find()
        .select_only()
        .column(user::Column::OrgId)
        .column_as(user::Column::Id.count(), "n")
        .filter(user::Column::OrgId.in_subquery(in_scope(scope)))
        .group_by(user::Column::OrgId)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(|(org, n)| (org, n as u64)).collect())
}
