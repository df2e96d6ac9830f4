//! The rules deadlines are counted by: the calendar in force and the locality's settings of the
//! rules the ledger kinds declare as settings. A setting changed here recounts, in the same
//! transaction, the open deadlines that setting governs.

use chrono::{DateTime, Utc};
use fazhi_domain::calendar::{Calendar, Period};
use fazhi_domain::ledger::{Context, LedgerKind, SettingDefault, SettingSpec, Settings};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, ModelTrait, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::setting;
use crate::{Actor, Db, StoreError};

/// The calendar and settings, loaded once per request that counts deadlines.
pub struct Rules {
    pub calendar: Calendar,
    pub settings: Settings,
}

impl Rules {
    pub fn ctx(&self) -> Context<'_> {
        Context::new(&self.calendar, &self.settings)
    }
}

pub async fn current(db: &Db) -> Result<Rules, StoreError> {
    Ok(Rules { calendar: crate::calendar::current_on(db.conn()).await?, settings: settings_on(db.conn()).await? })
}

fn spec(key: &str) -> Option<(&'static LedgerKind, &'static SettingSpec)> {
    fazhi_domain::ledgers::ALL.iter().find_map(|kind| kind.settings.iter().find(|s| s.key == key).map(|s| (*kind, s)))
}

/// A stored value the program no longer declares, or that no longer parses, is left out: the
/// default applies, and the settings page shows it.
pub(crate) async fn settings_on<C: ConnectionTrait>(conn: &C) -> Result<Settings, StoreError> {
    let mut settings = Settings::default();
    for row in setting::Entity::find().all(conn).await? {
        let Some((_, spec)) = spec(&row.key) else { continue };
        match spec.default {
            SettingDefault::Period(_) => {
                if let Ok(period) = serde_json::from_str::<Period>(&row.value_json) {
                    settings.set_period(spec.key, period);
                }
            }
            SettingDefault::Number { .. } => {
                if let Ok(n) = serde_json::from_str::<i64>(&row.value_json) {
                    settings.set_number(spec.key, n);
                }
            }
        }
    }
    Ok(settings)
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
    /// Whether the locality has set it; otherwise the default is in force.
    pub is_set: bool,
    /// For a period: its length and unit code (`working_days` or `calendar_days`).
    pub length: Option<u32>,
    pub unit: Option<&'static str>,
    pub number: Option<i64>,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

pub async fn list(db: &Db) -> Result<Vec<SettingView>, StoreError> {
    let rows = setting::Entity::find().all(db.conn()).await?;
    let settings = settings_on(db.conn()).await?;
    let mut out = Vec::new();
    for kind in fazhi_domain::ledgers::ALL {
        for spec in kind.settings {
            let row = rows.iter().find(|r| r.key == spec.key);
            let (current, length, unit, number) = match spec.default {
                SettingDefault::Period(default) => {
                    let p = settings.period(spec.key).unwrap_or(default);
                    (p.describe(), Some(p.length), Some(unit_code(p)), None)
                }
                SettingDefault::Number { default, .. } => {
                    let n = settings.number(spec.key, default);
                    (n.to_string(), None, None, Some(n))
                }
            };
            out.push(SettingView {
                key: spec.key,
                ledger: kind.label,
                label: spec.label,
                article: spec.article,
                default: spec.describe_default(),
                current,
                is_set: row.is_some(),
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

/// Sets one rule and recounts the open deadlines it counts. Returns how many those are.
pub async fn set(db: &Db, actor: &Actor, key: &str, value: NewValue<'_>) -> Result<usize, StoreError> {
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
    let previous = setting::Entity::find_by_id(spec.key.to_owned()).one(&txn).await?;
    let before = previous.as_ref().map(|p| p.value_json.clone());
    match (&json, previous) {
        (Some(json), Some(row)) => {
            let mut active: setting::ActiveModel = row.into();
            active.value_json = Set(json.clone());
            active.updated_at = Set(crate::now());
            active.updated_by = Set(actor.name.clone());
            active.update(&txn).await?;
        }
        (Some(json), None) => {
            setting::ActiveModel {
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
    let open = crate::ledger::recount_setting(&txn, spec.key, &Context::new(&calendar, &settings)).await?;
    let change = Change::new("settings.update", "setting", spec.key)
        .before(serde_json::json!({ "key": spec.key, "value": before }))
        .after(serde_json::json!({ "key": spec.key, "value": json, "deadlines_recounted": open }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(open)
}
