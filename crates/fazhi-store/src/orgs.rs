use fazhi_domain::org::{OrgKind, OrgName};
use fazhi_domain::role::Role;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::{org_principal, organization, user};
use crate::{Actor, Db, Scope, StoreError};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// `district`, `township`, `street`, `village`, `community` or `office`.
    pub kind: String,
    pub kind_label: String,
    pub path: String,
    pub sort_order: i32,
    pub version: i64,
}

impl OrgView {
    pub fn kind(&self) -> OrgKind {
        OrgKind::parse(&self.kind).unwrap_or(OrgKind::Office)
    }

    /// Depth in the tree, the root being 0.
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(2)
    }
}

impl From<organization::Model> for OrgView {
    fn from(m: organization::Model) -> Self {
        let kind_label = OrgKind::parse(&m.kind).map(|k| k.label()).unwrap_or("未知").to_owned();
        OrgView {
            id: m.id,
            parent_id: m.parent_id,
            name: m.name,
            kind: m.kind,
            kind_label,
            path: m.path,
            sort_order: m.sort_order,
            version: m.version,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewOrg {
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sort_order: i32,
}

#[derive(Debug, Clone)]
pub struct OrgUpdate {
    pub name: String,
    pub sort_order: i32,
    pub version: i64,
}

/// The caller's subtree, parents before children, siblings by sort order then id.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<OrgView>, StoreError> {
    // A subtree of the whole tree read in this order is read in the same order.
    Ok(tree(db).await?.iter().filter(|o| scope.contains_path(&o.path)).cloned().collect())
}

/// Every organization, parents before children, kept in the `Db` handle while nothing is written
/// (`district::Kept`): every change of the tree appends to the audit chain in its own transaction.
/// Every page reads the caller's organizations two or three times (the menu's count, the list and
/// its scope); read from the database, each was a row handed from SQLite's thread per organization.
pub(crate) async fn tree(db: &Db) -> Result<std::sync::Arc<Vec<OrgView>>, StoreError> {
    db.tree
        .get(db, || async {
            let rows = organization::Entity::find()
                .order_by_asc(organization::Column::SortOrder)
                .order_by_asc(organization::Column::Id)
                .all(db.conn())
                .await?;
            Ok(preorder(rows.into_iter().map(OrgView::from).collect()))
        })
        .await
}

/// Orders a flat list (siblings in order) as a tree is read: each node followed by its children.
fn preorder(all: Vec<OrgView>) -> Vec<OrgView> {
    let ids: std::collections::HashSet<i64> = all.iter().map(|o| o.id).collect();
    let mut children: std::collections::HashMap<i64, Vec<&OrgView>> = std::collections::HashMap::new();
    let mut roots = Vec::new();
    for o in &all {
        match o.parent_id.filter(|p| ids.contains(p)) {
            Some(parent) => children.entry(parent).or_default().push(o),
            None => roots.push(o),
        }
    }
    let mut out = Vec::with_capacity(all.len());
    // Depth first, without recursion: the next node to read is on top.
    let mut stack: Vec<&OrgView> = roots.into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        out.push(node.clone());
        if let Some(below) = children.get(&node.id) {
            stack.extend(below.iter().rev());
        }
    }
    out
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<OrgView, StoreError> {
    let org = organization::Entity::find_by_id(id)
        .one(db.conn())
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or(StoreError::NotFound)?;
    Ok(org.into())
}

/// Finds an organization by id or by its unique name, for the command line.
pub async fn resolve(db: &Db, name_or_id: &str) -> Result<OrgView, StoreError> {
    if let Ok(id) = name_or_id.parse::<i64>() {
        return get(db, &Scope::everything(), id).await;
    }
    let found =
        organization::Entity::find().filter(organization::Column::Name.eq(name_or_id.trim())).all(db.conn()).await?;
    match found.len() {
        0 => Err(StoreError::invalid("org", format!("找不到名为“{name_or_id}”的机构"))),
        1 => Ok(found.into_iter().next().expect("one").into()),
        _ => {
            let ids: Vec<String> = found.iter().map(|o| o.id.to_string()).collect();
            Err(StoreError::invalid(
                "org",
                format!("有多个名为“{name_or_id}”的机构（编号 {}），请改用编号", ids.join("、")),
            ))
        }
    }
}

pub async fn create(db: &Db, actor: &Actor, scope: &Scope, input: NewOrg) -> Result<OrgView, StoreError> {
    let name = OrgName::parse(&input.name)?;
    let kind = OrgKind::parse(&input.kind)?;
    let txn = db.begin_write().await?;
    let parent = match input.parent_id {
        Some(pid) => Some(
            organization::Entity::find_by_id(pid)
                .one(&txn)
                .await?
                .filter(|p| scope.contains_path(&p.path))
                .ok_or_else(|| StoreError::invalid("parent_id", "上级机构不存在或不在您的管辖范围内"))?,
        ),
        None if scope.org_path == "/" => None,
        None => return Err(StoreError::invalid("parent_id", "请选择上级机构")),
    };
    let parent_kind = parent.as_ref().map(|p| OrgKind::parse(&p.kind)).transpose()?;
    kind.check_parent(parent_kind)?;
    let sibling = organization::Entity::find()
        .filter(match input.parent_id {
            Some(pid) => organization::Column::ParentId.eq(pid),
            None => organization::Column::ParentId.is_null(),
        })
        .filter(organization::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?;
    if sibling.is_some() {
        return Err(StoreError::invalid("name", "同一上级下已有同名机构"));
    }
    let now = crate::now();
    let inserted = organization::ActiveModel {
        parent_id: Set(input.parent_id),
        name: Set(name.as_str().to_owned()),
        kind: Set(kind.code().to_owned()),
        path: Set(String::new()),
        sort_order: Set(input.sort_order),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let path = format!("{}{}/", parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/"), inserted.id);
    let mut active = inserted.into_active_model();
    active.path = Set(path);
    let saved: OrgView = active.update(&txn).await?.into();
    audit::append(&txn, actor, Change::new("org.create", "organization", saved.id).after(&saved)).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn update(db: &Db, actor: &Actor, scope: &Scope, id: i64, input: OrgUpdate) -> Result<OrgView, StoreError> {
    let name = OrgName::parse(&input.name)?;
    let txn = db.begin_write().await?;
    let current = organization::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or(StoreError::NotFound)?;
    if current.version != input.version {
        return Err(StoreError::Conflict);
    }
    let sibling = organization::Entity::find()
        .filter(match current.parent_id {
            Some(pid) => organization::Column::ParentId.eq(pid),
            None => organization::Column::ParentId.is_null(),
        })
        .filter(organization::Column::Name.eq(name.as_str()))
        .filter(organization::Column::Id.ne(id))
        .one(&txn)
        .await?;
    if sibling.is_some() {
        return Err(StoreError::invalid("name", "同一上级下已有同名机构"));
    }
    let before = OrgView::from(current.clone());
    let mut active = current.into_active_model();
    active.name = Set(name.as_str().to_owned());
    active.sort_order = Set(input.sort_order);
    active.version = Set(input.version + 1);
    active.updated_at = Set(crate::now());
    let saved: OrgView = active.update(&txn).await?.into();
    audit::append(&txn, actor, Change::new("org.update", "organization", id).before(&before).after(&saved)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The principal leaders of an organization, by user id.
pub async fn principals(db: &Db, org_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(org_principal::Entity::find()
        .filter(org_principal::Column::OrgId.eq(org_id))
        .all(db.conn())
        .await?
        .into_iter()
        .map(|p| p.user_id)
        .collect())
}

pub async fn is_principal(db: &Db, org_id: i64, user_id: i64) -> Result<bool, StoreError> {
    Ok(org_principal::Entity::find_by_id((org_id, user_id)).one(db.conn()).await?.is_some())
}

/// What a ledger step asks of its taker, for a record of `org_id`: their roles, and whether they
/// are a 乡镇负责人 named principal leader of that organization. Decided here once for every
/// surface (pages, API, import).
pub async fn roles_for_steps(
    db: &Db,
    principal: &crate::users::Principal,
    org_id: i64,
) -> Result<(Vec<fazhi_domain::role::Role>, bool), StoreError> {
    let roles: Vec<fazhi_domain::role::Role> = principal.roles.iter().collect();
    let leader =
        roles.contains(&fazhi_domain::role::Role::Leader) && is_principal(db, org_id, principal.user_id).await?;
    Ok((roles, leader))
}

/// Names an organization's principal leaders: users of that organization holding 乡镇负责人.
pub async fn set_principals(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    org_id: i64,
    user_ids: &[i64],
) -> Result<Vec<i64>, StoreError> {
    let txn = db.begin_write().await?;
    let org = organization::Entity::find_by_id(org_id)
        .one(&txn)
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or(StoreError::NotFound)?;
    for id in user_ids {
        let eligible = user::Entity::find_by_id(*id)
            .one(&txn)
            .await?
            .filter(|u| u.org_id == org.id && u.roles.split(',').any(|r| r == Role::Leader.code()));
        if eligible.is_none() {
            return Err(StoreError::invalid(
                "principals",
                format!("用户 {id} 不是{}的乡镇负责人，不能设为主要负责人", org.name),
            ));
        }
    }
    let before: Vec<i64> = org_principal::Entity::find()
        .filter(org_principal::Column::OrgId.eq(org.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.user_id)
        .collect();
    org_principal::Entity::delete_many().filter(org_principal::Column::OrgId.eq(org.id)).exec(&txn).await?;
    let mut after: Vec<i64> = user_ids.to_vec();
    after.sort_unstable();
    after.dedup();
    for id in &after {
        org_principal::ActiveModel { org_id: Set(org.id), user_id: Set(*id) }.insert(&txn).await?;
    }
    let change = Change::new("org.principals", "organization", org.id)
        .before(serde_json::json!({ "principals": before }))
        .after(serde_json::json!({ "principals": after }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(after)
}
