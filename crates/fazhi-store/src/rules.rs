use chrono::{DateTime, Utc};
use fazhi_domain::calendar::{Calendar, Period};
use fazhi_domain::ledger::{Context, SetBy, SettingDefault, SettingSpec, Settings};
use fazhi_domain::org::OrgKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::{org_setting, organization};
use crate::users::Principal;
use crate::{Db, StoreError};

/// The calendar and settings, loaded once per request that counts deadlines.
pub struct Rules {
    pub calendar: Calendar,
    pub settings: Settings,
}

impl Rules {
    /// The context for records: the store names each record's organization before counting, so
    /// every record is counted by its own organization's settings.
    pub fn ctx(&self) -> Context<'_> {
        Context::for_records(&self.calendar, &self.settings)
    }
}

/// The calendar and settings as they stand, kept in the `Db` handle while nothing is written
/// (`district::Kept`): a calendar load and a change of a setting each append to the audit chain in
/// their own transaction, so the same data version means the same rules. One small read instead
/// of two or three and the years' calendars parsed, on every page that counts a deadline.
pub async fn current(db: &Db) -> Result<std::sync::Arc<Rules>, StoreError> {
    db.rules
        .get(db, || async {
            Ok(Rules {
                calendar: crate::calendar::current_on(db.conn()).await?,
                settings: settings_on(db.conn()).await?,
            })
        })
        .await
}

fn spec(key: &str) -> Option<(&'static str, &'static SettingSpec)> {
    fazhi_domain::ledgers::setting(key)
}

/// Every organization's settings, by its path. A stored value the program no longer declares, or
/// that no longer parses, is left out: the default applies, and the settings page shows it.
pub(crate) async fn settings_on<C: ConnectionTrait>(conn: &C) -> Result<Settings, StoreError> {
    let mut settings = Settings::default();
    let rows = org_setting::Entity::find().all(conn).await?;
    if rows.is_empty() {
        return Ok(settings);
    }
    let paths: std::collections::HashMap<i64, String> =
        organization::Entity::find().all(conn).await?.into_iter().map(|o| (o.id, o.path)).collect();
    for row in rows {
        let (Some((_, spec)), Some(path)) = (spec(&row.key), paths.get(&row.org_id)) else { continue };
        match spec.default {
            SettingDefault::Period(_) => {
                if let Ok(period) = serde_json::from_str::<Period>(&row.value_json) {
                    settings.set_period_at(path, spec.key, period);
                }
            }
            SettingDefault::Number { .. } => {
                if let Ok(n) = serde_json::from_str::<i64>(&row.value_json) {
                    settings.set_number_at(path, spec.key, n);
                }
            }
        }
    }
    Ok(settings)
}

/// Whether an organization of this kind sets a rule declared to be set by `by`: the district
/// sets every rule for its townships; a township or street only those the law leaves to it.
fn may_set(kind: OrgKind, by: SetBy, is_top: bool) -> bool {
    match by {
        SetBy::District => kind == OrgKind::District || is_top,
        SetBy::Township => matches!(kind, OrgKind::District | OrgKind::Township | OrgKind::Street) || is_top,
    }
}

/// The organization a signed-in administrator sets rules for: their own.
async fn own_org<C: ConnectionTrait>(conn: &C, who: &Principal) -> Result<(organization::Model, OrgKind), StoreError> {
    let org = organization::Entity::find_by_id(who.org_id).one(conn).await?.ok_or(StoreError::NotFound)?;
    let kind = OrgKind::parse(&org.kind).map_err(|e| StoreError::Internal(e.message))?;
    Ok((org, kind))
}

/// One setting as the administrator's page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SettingView {
    pub key: &'static str,
    pub ledger: &'static str,
    pub label: &'static str,
    pub article: &'static str,
    /// 不少于7个工作日, 5.
    pub default: String,
    /// The value in force, described the same way.
    pub current: String,
    /// Whether the viewer's own organization has set it.
    pub is_set: bool,
    /// Where the value in force comes from: 默认, or the organization that set it.
    pub source: String,
    /// Who sets it: 区县 or 乡镇（街道）.
    pub set_by: &'static str,
    /// Whether the viewer, an administrator, may set it for their organization.
    pub may_change: bool,
    /// For a period: its length and unit code (`working_days` or `calendar_days`).
    pub length: Option<u32>,
    pub unit: Option<&'static str>,
    pub number: Option<i64>,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

/// Every declared setting as it stands for the viewer's organization: the value in force (its
/// own, inherited from above, or the default), where it comes from, and whether the viewer may set
/// it.
pub async fn list(db: &Db, viewer: &Principal) -> Result<Vec<SettingView>, StoreError> {
    let (org, kind) = own_org(db.conn(), viewer).await?;
    let is_top = org.parent_id.is_none();
    let own: Vec<org_setting::Model> =
        org_setting::Entity::find().filter(org_setting::Column::OrgId.eq(org.id)).all(db.conn()).await?;
    let settings = settings_on(db.conn()).await?;
    let names: std::collections::HashMap<String, String> =
        organization::Entity::find().all(db.conn()).await?.into_iter().map(|o| (o.path, o.name)).collect();
    let at = org.path.as_str();
    let mut out = Vec::new();
    for (group, specs) in fazhi_domain::ledgers::setting_groups() {
        for spec in specs {
            let row = own.iter().find(|r| r.key == spec.key);
            let (current, length, unit, number) = match spec.default {
                SettingDefault::Period(default) => {
                    let p = settings.period_at(at, spec.key).unwrap_or(default);
                    (p.describe(), Some(p.length), Some(unit_code(p)), None)
                }
                SettingDefault::Number { default, .. } => {
                    let n = settings.number_at(at, spec.key).unwrap_or(default);
                    (n.to_string(), None, None, Some(n))
                }
            };
            let source = match settings.source_of(at, spec.key) {
                Some(path) => format!("{}设定", names.get(path).cloned().unwrap_or_default()),
                None => "默认".to_owned(),
            };
            out.push(SettingView {
                key: spec.key,
                ledger: group,
                label: spec.label,
                article: spec.article,
                default: spec.describe_default(),
                current,
                is_set: row.is_some(),
                source,
                set_by: match spec.set_by {
                    SetBy::District => "区县",
                    SetBy::Township => "乡镇（街道）",
                },
                may_change: viewer.roles.contains(fazhi_domain::role::Role::Admin)
                    && may_set(kind, spec.set_by, is_top),
                length,
                unit,
                number,
                updated_at: row.map(|r| r.updated_at),
                updated_by: row.map(|r| r.updated_by.clone()),
            });
        }
    }
    Ok(out)
}

fn unit_code(p: Period) -> &'static str {
    match p.unit {
        fazhi_domain::calendar::Unit::WorkingDays => "working_days",
        fazhi_domain::calendar::Unit::CalendarDays => "calendar_days",
    }
}

/// What an administrator sets a rule to.
#[derive(Debug, Clone)]
pub enum NewValue<'a> {
    Period {
        length: &'a str,
        unit: &'a str,
    },
    Number(&'a str),
    /// Back to the declared default.
    Default,
}

/// Sets one rule for the administrator's own organization (in force there and below, unless a
/// lower organization that may set it sets its own) and recounts the open deadlines it counts.
/// Returns how many those are.
pub async fn set(db: &Db, by: &Principal, ip: &str, key: &str, value: NewValue<'_>) -> Result<usize, StoreError> {
    let actor = &by.actor(ip);
    let (_, spec) = spec(key).ok_or_else(|| StoreError::invalid("key", format!("没有名为 {key} 的设置项")))?;
    let json = match value {
        NewValue::Period { length, unit } => {
            Some(serde_json::to_string(&spec.parse_period(length, unit).map_err(|e| StoreError::Fields(vec![e]))?))
        }
        NewValue::Number(raw) => {
            Some(serde_json::to_string(&spec.parse_number(raw).map_err(|e| StoreError::Fields(vec![e]))?))
        }
        NewValue::Default => None,
    }
    .transpose()
    .map_err(|e| StoreError::Internal(e.to_string()))?;
    let txn = db.begin_write().await?;
    let (org, kind) = own_org(&txn, by).await?;
    if !may_set(kind, spec.set_by, org.parent_id.is_none()) {
        return Err(StoreError::Forbidden(format!("“{}”由区县统一设定，乡镇（街道）不能自行修改", spec.label)));
    }
    let previous = org_setting::Entity::find_by_id((org.id, spec.key.to_owned())).one(&txn).await?;
    let before = previous.as_ref().map(|p| p.value_json.clone());
    match (&json, previous) {
        (Some(json), Some(row)) => {
            let mut active: org_setting::ActiveModel = row.into();
            active.value_json = Set(json.clone());
            active.updated_at = Set(crate::now());
            active.updated_by = Set(actor.name.clone());
            active.update(&txn).await?;
        }
        (Some(json), None) => {
            org_setting::ActiveModel {
                org_id: Set(org.id),
                key: Set(spec.key.to_owned()),
                value_json: Set(json.clone()),
                updated_at: Set(crate::now()),
                updated_by: Set(actor.name.clone()),
            }
            .insert(&txn)
            .await?;
        }
        (None, Some(row)) => {
            row.delete(&txn).await?;
        }
        (None, None) => {}
    }
    let settings = settings_on(&txn).await?;
    let calendar = crate::calendar::current_on(&txn).await?;
    let open = crate::ledger::recount_setting(&txn, spec.key, &Context::for_records(&calendar, &settings)).await?;
    let change = Change::new("settings.update", "setting", spec.key)
        .before(serde_json::json!({ "key": spec.key, "org": org.name, "value": before }))
        .after(serde_json::json!({ "key": spec.key, "org": org.name, "value": json, "deadlines_recounted": open }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(open)
}

/// Each time limit of a kind with its period as counted for this organization (its settings or
/// those it inherits, else the law's).
pub async fn periods_in_force(
    db: &Db,
    org_id: i64,
    kind: &'static fazhi_domain::ledger::LedgerKind,
) -> Result<Vec<(&'static fazhi_domain::ledger::Deadline, fazhi_domain::calendar::Period)>, StoreError> {
    use sea_orm::EntityTrait;
    let org =
        crate::entities::organization::Entity::find_by_id(org_id).one(db.conn()).await?.ok_or(StoreError::NotFound)?;
    let rules = current(db).await?;
    let ctx = rules.ctx().at(&org.path);
    Ok(kind.deadlines.iter().map(|d| (d, kind.period_in_force(d, &ctx))).collect())
}
