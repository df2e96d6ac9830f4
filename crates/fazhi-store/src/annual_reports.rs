//! Storage of the annual reports: one per township and year, its draft (the report engine's JSON,
//! kept opaque here), its procedure — submitted for review, approved into a numbered version or
//! returned with comments, published, reported to the district, returned by the district — and
//! the approved versions. Every change is one write transaction with its audit record.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::{annual_report, annual_report_version, organization};
use crate::{Actor, Db, Scope, StoreError};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    /// The township's place in the tree: whose personal data the report's readers see.
    #[serde(skip)]
    pub org_path: String,
    pub year: i32,
    pub state: String,
    pub state_label: &'static str,
    /// The draft as the report engine wrote it (JSON).
    #[serde(skip)]
    pub body_json: String,
    pub version: i64,
    pub comment: Option<String>,
    pub approved_number: Option<i32>,
    pub published_at: Option<DateTime<Utc>>,
    pub published_number: Option<i32>,
    pub reported_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl ReportRow {
    /// The approved version is not the one on the public page yet.
    pub fn awaits_publication(&self) -> bool {
        self.state == "approved" && self.published_number != self.approved_number
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionRow {
    pub number: i32,
    #[serde(skip)]
    pub body_json: String,
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
}

pub fn state_label(state: &str) -> &'static str {
    match state {
        "draft" => "草稿",
        "reviewing" => "审核中",
        "returned" => "已退回",
        "approved" => "已通过",
        _ => "未知状态",
    }
}

/// A step of a report's procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The clerk submits a draft the checker passed.
    Submit,
    /// The leader approves: the text becomes the next numbered version.
    Approve,
    /// The leader sends it back with comments.
    Return,
    /// The approved version goes on the public page.
    Publish,
    /// The approved version is reported to the district.
    Report,
    /// The district sends the reported version back with comments.
    DistrictReturn,
}

impl Step {
    fn action(self) -> &'static str {
        match self {
            Step::Submit => "report.submit",
            Step::Approve => "report.approve",
            Step::Return => "report.return",
            Step::Publish => "report.publish",
            Step::Report => "report.report",
            Step::DistrictReturn => "report.district_return",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Step::Submit => "提交审核",
            Step::Approve => "审核通过",
            Step::Return => "退回修改",
            Step::Publish => "公开发布",
            Step::Report => "报送区县",
            Step::DistrictReturn => "退回乡镇",
        }
    }
}

async fn org_name(db: &impl sea_orm::ConnectionTrait, id: i64) -> Result<String, StoreError> {
    Ok(organization::Entity::find_by_id(id).one(db).await?.map(|o| o.name).unwrap_or_default())
}

async fn row(db: &impl sea_orm::ConnectionTrait, m: annual_report::Model) -> Result<ReportRow, StoreError> {
    let org_name = org_name(db, m.org_id).await?;
    Ok(row_named(m, org_name))
}

fn row_named(m: annual_report::Model, org_name: String) -> ReportRow {
    ReportRow {
        org_name,
        state_label: state_label(&m.state),
        id: m.id,
        org_id: m.org_id,
        org_path: m.org_path,
        year: m.year,
        state: m.state,
        body_json: m.body_json,
        version: m.version,
        comment: m.comment,
        approved_number: m.approved_number,
        published_at: m.published_at,
        published_number: m.published_number,
        reported_at: m.reported_at,
        updated_at: m.updated_at,
    }
}

async fn find_model(
    conn: &impl sea_orm::ConnectionTrait,
    scope: &Scope,
    id: i64,
) -> Result<annual_report::Model, StoreError> {
    annual_report::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|r| scope.contains_path(&r.org_path))
        .ok_or(StoreError::NotFound)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<ReportRow, StoreError> {
    row(db.conn(), find_model(db.conn(), scope, id).await?).await
}

/// The report of an organization and year, if one was started.
pub async fn find(db: &Db, scope: &Scope, org_id: i64, year: i32) -> Result<Option<ReportRow>, StoreError> {
    let found = annual_report::Entity::find()
        .filter(annual_report::Column::OrgId.eq(org_id))
        .filter(annual_report::Column::Year.eq(year))
        .one(db.conn())
        .await?
        .filter(|r| scope.contains_path(&r.org_path));
    match found {
        Some(m) => Ok(Some(row(db.conn(), m).await?)),
        None => Ok(None),
    }
}

/// The reports in the caller's scope, newest year first.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<ReportRow>, StoreError> {
    let models = annual_report::Entity::find()
        .filter(annual_report::Column::OrgPath.starts_with(&scope.org_path))
        .order_by_desc(annual_report::Column::Year)
        .order_by_asc(annual_report::Column::OrgId)
        .all(db.conn())
        .await?;
    // The townships' names as the organizations are kept, not one read per report.
    let tree = crate::orgs::tree(db).await?;
    let names: std::collections::HashMap<i64, &str> = tree.iter().map(|o| (o.id, o.name.as_str())).collect();
    Ok(models
        .into_iter()
        .map(|m| {
            let org_name = names.get(&m.org_id).map(|n| (*n).to_owned()).unwrap_or_default();
            row_named(m, org_name)
        })
        .collect())
}

/// Starts the report of a township for a year with its first draft.
pub async fn create(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    org_id: i64,
    year: i32,
    body_json: &str,
) -> Result<ReportRow, StoreError> {
    let txn = db.begin_write().await?;
    let org = organization::Entity::find_by_id(org_id)
        .one(&txn)
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or_else(|| StoreError::invalid("org_id", "请选择本乡镇"))?;
    if !matches!(org.kind.as_str(), "township" | "street") {
        return Err(StoreError::invalid("org_id", "年度报告由乡镇（街道）起草，请选择乡镇"));
    }
    let exists = annual_report::Entity::find()
        .filter(annual_report::Column::OrgId.eq(org_id))
        .filter(annual_report::Column::Year.eq(year))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(StoreError::invalid("year", format!("{}{year}年度报告已经起草，请打开继续编辑", org.name)));
    }
    let now = crate::now();
    let saved = annual_report::ActiveModel {
        org_id: Set(org.id),
        org_path: Set(org.path.clone()),
        year: Set(year),
        state: Set("draft".into()),
        body_json: Set(body_json.to_owned()),
        version: Set(1),
        comment: Set(None),
        approved_number: Set(None),
        published_at: Set(None),
        published_number: Set(None),
        public_json: Set(None),
        reported_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let change = Change::new("report.create", "annual_report", saved.id)
        .after(serde_json::json!({ "org": org.name, "year": year }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    row(db.conn(), saved).await
}

/// Saves an edited draft, as the caller saw it at `version`. An approved report edited again is a
/// draft again; its approved versions stay as they were.
pub async fn save(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    version: i64,
    body_json: &str,
) -> Result<ReportRow, StoreError> {
    let txn = db.begin_write().await?;
    let current = find_model(&txn, scope, id).await?;
    if current.version != version {
        return Err(StoreError::Conflict);
    }
    if current.state == "reviewing" {
        return Err(StoreError::Refused {
            rule: None,
            message: "报告正在审核中，不能修改；如需修改请负责人退回".into(),
        });
    }
    let before = current.body_json.clone();
    let mut active = current.into_active_model();
    active.body_json = Set(body_json.to_owned());
    active.state = Set("draft".into());
    active.version = Set(version + 1);
    active.updated_at = Set(crate::now());
    let saved = active.update(&txn).await?;
    let change = Change::new("report.update", "annual_report", id)
        .before(serde_json::json!({ "body": serde_json::from_str::<serde_json::Value>(&before).unwrap_or_default() }))
        .after(serde_json::json!({ "body": serde_json::from_str::<serde_json::Value>(body_json).unwrap_or_default() }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    row(db.conn(), saved).await
}

/// Takes a step of the report's procedure, as the caller saw it at `version`; who may take which
/// step is the route table's (clerks submit, publish and report; leaders approve and return; the
/// district returns). The step must fit the report's state. Publishing stores `public_json`, the
/// approved text with personal data masked.
#[allow(clippy::too_many_arguments)]
pub async fn take(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    version: i64,
    step: Step,
    comment: Option<&str>,
    public_json: Option<&str>,
) -> Result<ReportRow, StoreError> {
    let txn = db.begin_write().await?;
    let current = find_model(&txn, scope, id).await?;
    if current.version != version {
        return Err(StoreError::Conflict);
    }
    let refused =
        |why: &str| Err(StoreError::Refused { rule: None, message: format!("不能{}：{why}", step.label()) });
    let state = current.state.as_str();
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let now = crate::now();
    let mut active = current.clone().into_active_model();
    let mut created_version = None;
    match step {
        Step::Submit if matches!(state, "draft" | "returned") => active.state = Set("reviewing".into()),
        Step::Submit => return refused("只有草稿或已退回的报告可以提交审核"),
        Step::Approve if state == "reviewing" => {
            let number = current.approved_number.unwrap_or(0) + 1;
            annual_report_version::ActiveModel {
                report_id: Set(id),
                number: Set(number),
                body_json: Set(current.body_json.clone()),
                approved_by: Set(actor.name.clone()),
                approved_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            active.state = Set("approved".into());
            active.approved_number = Set(Some(number));
            active.comment = Set(None);
            // A new version is reported and published anew; the public page keeps the last
            // published text until then.
            active.reported_at = Set(None);
            created_version = Some(number);
        }
        Step::Approve => return refused("报告不在审核中"),
        Step::Return if state == "reviewing" => {
            let Some(c) = comment else {
                return Err(StoreError::invalid("comment", "请填写退回意见，说明需要修改的地方"));
            };
            active.state = Set("returned".into());
            active.comment = Set(Some(c.to_owned()));
        }
        Step::Return => return refused("报告不在审核中"),
        Step::Publish if state == "approved" && current.published_number != current.approved_number => {
            let Some(public) = public_json else {
                return Err(StoreError::Internal("公开的报告须先去除个人信息".into()));
            };
            active.published_at = Set(Some(now));
            active.published_number = Set(current.approved_number);
            active.revising_since = Set(None);
            active.public_json = Set(Some(public.to_owned()));
        }
        Step::Publish => return refused("只有审核通过且尚未公开的版本可以公开发布"),
        Step::Report if state == "approved" && current.reported_at.is_none() => active.reported_at = Set(Some(now)),
        Step::Report => return refused("只有审核通过且尚未报送的报告可以报送区县"),
        Step::DistrictReturn if current.reported_at.is_some() => {
            let Some(c) = comment else {
                return Err(StoreError::invalid("comment", "请填写退回意见，说明需要修改的地方"));
            };
            active.state = Set("returned".into());
            active.comment = Set(Some(format!("区县退回：{c}")));
            active.reported_at = Set(None);
            // A published report the district returned leaves the public list until a new
            // version is approved and published.
            if current.published_at.is_some() {
                active.revising_since = Set(Some(now));
            }
        }
        Step::DistrictReturn => return refused("报告尚未报送区县"),
    }
    active.version = Set(version + 1);
    active.updated_at = Set(now);
    let saved = active.update(&txn).await?;
    let change = Change::new(step.action(), "annual_report", id)
        .before(serde_json::json!({ "state": current.state }))
        .after(serde_json::json!({ "state": saved.state, "version": created_version, "comment": comment }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    row(db.conn(), saved).await
}

pub async fn versions(db: &Db, scope: &Scope, id: i64) -> Result<Vec<VersionRow>, StoreError> {
    find_model(db.conn(), scope, id).await?;
    let rows = annual_report_version::Entity::find()
        .filter(annual_report_version::Column::ReportId.eq(id))
        .order_by_asc(annual_report_version::Column::Number)
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(version_row).collect())
}

fn version_row(v: annual_report_version::Model) -> VersionRow {
    VersionRow { number: v.number, body_json: v.body_json, approved_by: v.approved_by, approved_at: v.approved_at }
}

/// A published report as the public page shows it: the township, the year, the text as published
/// (masked when it was published), and when. No scope: the public page needs no login.
pub struct Published {
    pub report_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub district_name: String,
    pub year: i32,
    pub published_at: DateTime<Utc>,
    /// The report with personal data masked, as published.
    pub public_json: String,
    /// The version published.
    pub number: Option<i32>,
    /// Since when it is being revised after the district returned it: withdrawn from the list,
    /// its page says so instead of showing the text.
    pub revising_since: Option<DateTime<Utc>>,
}

async fn published_of(db: &Db, m: annual_report::Model) -> Result<Option<Published>, StoreError> {
    let (Some(published_at), Some(public_json)) = (m.published_at, m.public_json) else { return Ok(None) };
    let org = organization::Entity::find_by_id(m.org_id).one(db.conn()).await?.ok_or(StoreError::NotFound)?;
    let district = match org.parent_id {
        Some(p) => org_name(db.conn(), p).await?,
        None => String::new(),
    };
    Ok(Some(Published {
        report_id: m.id,
        org_id: m.org_id,
        org_name: org.name,
        district_name: district,
        year: m.year,
        published_at,
        public_json,
        number: m.published_number,
        revising_since: m.revising_since,
    }))
}

/// Every published report not withdrawn for revision, newest year first.
pub async fn published(db: &Db) -> Result<Vec<Published>, StoreError> {
    let models = annual_report::Entity::find()
        .filter(annual_report::Column::PublishedAt.is_not_null())
        .order_by_desc(annual_report::Column::Year)
        .order_by_asc(annual_report::Column::OrgId)
        .all(db.conn())
        .await?;
    let mut out = Vec::new();
    for m in models {
        if let Some(p) = published_of(db, m).await?.filter(|p| p.revising_since.is_none()) {
            out.push(p);
        }
    }
    Ok(out)
}

pub async fn published_one(db: &Db, org_id: i64, year: i32) -> Result<Option<Published>, StoreError> {
    let m = annual_report::Entity::find()
        .filter(annual_report::Column::OrgId.eq(org_id))
        .filter(annual_report::Column::Year.eq(year))
        .one(db.conn())
        .await?;
    match m {
        Some(m) => published_of(db, m).await,
        None => Ok(None),
    }
}
