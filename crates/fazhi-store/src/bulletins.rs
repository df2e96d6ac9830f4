//! The district's 督察通报: one per district and period, drafted from the supervision records (the
//! body is opaque JSON, as an annual report's), saved while a draft, issued by the district (the
//! text frozen). The district's people see its bulletins; a township's people see the issued ones
//! of the district above them. Every change is audited.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::audit::{self, Change};
use crate::entities::{organization, supervision_bulletin};
use crate::users::Principal;
use crate::{Actor, Db, Scope, StoreError};

#[derive(Debug, Clone)]
pub struct BulletinRow {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub period: String,
    pub state: String,
    pub state_label: &'static str,
    pub body_json: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub issued_at: Option<DateTime<Utc>>,
    pub issued_by: Option<String>,
}

impl BulletinRow {
    pub fn issued(&self) -> bool {
        self.state == "issued"
    }
}

fn state_label(state: &str) -> &'static str {
    match state {
        "issued" => "已印发",
        _ => "草稿",
    }
}

async fn row(db: &Db, m: supervision_bulletin::Model) -> Result<BulletinRow, StoreError> {
    let org_name = organization::Entity::find_by_id(m.org_id).one(db.conn()).await?.map(|o| o.name).unwrap_or_default();
    Ok(BulletinRow {
        id: m.id,
        org_id: m.org_id,
        org_name,
        state_label: state_label(&m.state),
        period: m.period,
        state: m.state,
        body_json: m.body_json,
        version: m.version,
        updated_at: m.updated_at,
        issued_at: m.issued_at,
        issued_by: m.issued_by,
    })
}

/// Whether the viewer sees a bulletin: the district's own people always, a township's people once
/// it is issued by the district above them.
fn visible(m: &supervision_bulletin::Model, viewer: &Principal) -> bool {
    viewer.scope().contains_path(&m.org_path) || (m.state == "issued" && viewer.org_path.starts_with(&m.org_path))
}

/// The bulletins the viewer sees, newest period first.
pub async fn list(db: &Db, viewer: &Principal) -> Result<Vec<BulletinRow>, StoreError> {
    let rows =
        supervision_bulletin::Entity::find().order_by_desc(supervision_bulletin::Column::Period).all(db.conn()).await?;
    let mut out = Vec::new();
    for m in rows.into_iter().filter(|m| visible(m, viewer)) {
        out.push(row(db, m).await?);
    }
    Ok(out)
}

pub async fn get(db: &Db, viewer: &Principal, id: i64) -> Result<BulletinRow, StoreError> {
    let m = supervision_bulletin::Entity::find_by_id(id)
        .one(db.conn())
        .await?
        .filter(|m| visible(m, viewer))
        .ok_or(StoreError::NotFound)?;
    row(db, m).await
}

/// The district's bulletin of a period, drafted now if there is none yet.
pub async fn create(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    org_id: i64,
    period: &str,
    body_json: &str,
) -> Result<BulletinRow, StoreError> {
    let txn = db.begin_write().await?;
    let org = organization::Entity::find_by_id(org_id)
        .one(&txn)
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or(StoreError::NotFound)?;
    let existing = supervision_bulletin::Entity::find()
        .filter(supervision_bulletin::Column::OrgId.eq(org.id))
        .filter(supervision_bulletin::Column::Period.eq(period))
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(m) => m,
        None => {
            let now = crate::now();
            let saved = supervision_bulletin::ActiveModel {
                org_id: Set(org.id),
                org_path: Set(org.path.clone()),
                period: Set(period.to_owned()),
                state: Set("draft".into()),
                body_json: Set(body_json.to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                issued_at: Set(None),
                issued_by: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let change = Change::new("bulletin.create", "supervision_bulletin", saved.id)
                .after(serde_json::json!({ "period": period }));
            audit::append(&txn, actor, change).await?;
            saved
        }
    };
    txn.commit().await?;
    row(db, saved).await
}

/// Saves a draft's text as the caller saw it at `version`, or issues it (印发): the text is then
/// frozen and its townships read it.
pub async fn save(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    version: i64,
    body_json: &str,
    issue: bool,
) -> Result<BulletinRow, StoreError> {
    let txn = db.begin_write().await?;
    let current = supervision_bulletin::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|m| scope.contains_path(&m.org_path))
        .ok_or(StoreError::NotFound)?;
    if current.version != version {
        return Err(StoreError::Conflict);
    }
    if current.state == "issued" {
        return Err(StoreError::Refused { rule: None, message: "通报已印发，不能再修改".into() });
    }
    let now = crate::now();
    let action = if issue { "bulletin.issue" } else { "bulletin.update" };
    let mut active: supervision_bulletin::ActiveModel = current.into();
    active.body_json = Set(body_json.to_owned());
    active.version = Set(version + 1);
    active.updated_at = Set(now);
    if issue {
        active.state = Set("issued".into());
        active.issued_at = Set(Some(now));
        active.issued_by = Set(Some(actor.name.clone()));
    }
    let saved = active.update(&txn).await?;
    let change = Change::new(action, "supervision_bulletin", id)
        .after(serde_json::json!({ "version": saved.version, "state": saved.state }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    row(db, saved).await
}
