//! The working-day calendar in use: the notices shipped with the program, overridden by those an
//! administrator has loaded since. Every server instance reads the loaded years from the database,
//! so a year loaded on one is in force on all.

use chrono::{DateTime, Utc};
use fazhi_domain::calendar::{Calendar, HolidayYear, SHIPPED_YEARS};
use fazhi_domain::ledger::Context;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use serde::Serialize;

use crate::audit::{self, Change};
use crate::entities::holiday_year;
use crate::{Actor, Db, StoreError};

/// The calendar the deadlines are counted on now.
pub async fn current(db: &Db) -> Result<Calendar, StoreError> {
    current_on(db.conn()).await
}

pub(crate) async fn current_on<C: ConnectionTrait>(conn: &C) -> Result<Calendar, StoreError> {
    let mut calendar = Calendar::shipped();
    for row in holiday_year::Entity::find().order_by_asc(holiday_year::Column::Year).all(conn).await? {
        // Stored rows were checked when loaded; a row that no longer parses is a damaged database.
        let year = HolidayYear::parse(&row.source_json)
            .map_err(|e| StoreError::Internal(format!("数据库中 {} 年的节假日安排已损坏：{e}", row.year)))?;
        calendar.load(year);
    }
    Ok(calendar)
}

/// One year of the calendar, as the administrator's list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearView {
    pub year: i32,
    /// Holidays and make-up workdays listed by the notice; 0 while the notice is not published.
    pub day_count: usize,
    /// 随程序发布 or 管理员载入.
    pub source: String,
    pub loaded_at: Option<DateTime<Utc>>,
    pub loaded_by: Option<String>,
}

/// Every year the calendar knows of, shipped or loaded, newest first.
pub async fn list(db: &Db) -> Result<Vec<YearView>, StoreError> {
    let mut years: std::collections::BTreeMap<i32, YearView> = SHIPPED_YEARS
        .iter()
        .filter_map(|json| HolidayYear::parse(json).ok())
        .map(|y| {
            let view = YearView {
                year: y.year,
                day_count: y.days.len(),
                source: "随程序发布".into(),
                loaded_at: None,
                loaded_by: None,
            };
            (y.year, view)
        })
        .collect();
    for row in holiday_year::Entity::find().all(db.conn()).await? {
        years.insert(
            row.year,
            YearView {
                year: row.year,
                day_count: usize::try_from(row.day_count).unwrap_or(0),
                source: "管理员载入".into(),
                loaded_at: Some(row.loaded_at),
                loaded_by: Some(row.loaded_by),
            },
        );
    }
    Ok(years.into_values().rev().collect())
}

/// Loads one year's notice (holiday-cn JSON), replacing any earlier load of that year, and
/// recounts every open deadline on the new calendar in the same transaction. A file that does not
/// parse is refused whole, and nothing is stored.
/// A signed-in administrator loads a holiday notice. The State Council's notice is the same for
/// every organization and changes every deadline counted, so only an administrator of the top of
/// the tree (the district) loads it, never a township's.
pub async fn load_year_by(db: &Db, by: &crate::users::Principal, ip: &str, json: &str) -> Result<YearView, StoreError> {
    if !by.at_top() {
        return Err(StoreError::Forbidden("节假日安排由区县系统管理员统一载入，乡镇（街道）不能自行载入".into()));
    }
    load_year(db, &by.actor(ip), json).await
}

pub async fn load_year(db: &Db, actor: &Actor, json: &str) -> Result<YearView, StoreError> {
    let year = HolidayYear::parse(json).map_err(|e| StoreError::invalid("file", e.0))?;
    if !year.is_published() {
        return Err(StoreError::invalid(
            "file",
            format!("{} 年的放假安排没有列出任何日期：国务院通知公布后再载入", year.year),
        ));
    }
    let txn = db.begin_write().await?;
    let previous = holiday_year::Entity::find_by_id(year.year).one(&txn).await?;
    let replacing = previous.is_some();
    let row = holiday_year::ActiveModel {
        year: Set(year.year),
        source_json: Set(json.to_owned()),
        day_count: Set(i32::try_from(year.days.len()).unwrap_or(i32::MAX)),
        loaded_at: Set(crate::now()),
        loaded_by: Set(actor.name.clone()),
    };
    let saved = if replacing { row.update(&txn).await? } else { row.insert(&txn).await? };
    let off = year.days.iter().filter(|d| d.off).count();
    let mut change = Change::new("calendar.load", "holiday_year", year.year)
        .after(serde_json::json!({ "year": year.year, "days_off": off, "make_up_workdays": year.days.len() - off }));
    if let Some(p) = previous {
        change =
            change.before(serde_json::json!({ "year": p.year, "day_count": p.day_count, "loaded_by": p.loaded_by }));
    }
    let settings = crate::rules::settings_on(&txn).await?;
    let calendar = current_on(&txn).await?;
    let recounted = crate::ledger::recount_due_days(&txn, &Context::new(&calendar, &settings)).await?;
    change = change.after(serde_json::json!({
        "year": year.year, "days_off": off, "make_up_workdays": year.days.len() - off, "deadlines_moved": recounted
    }));
    audit::append(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(YearView {
        year: saved.year,
        day_count: year.days.len(),
        source: "管理员载入".into(),
        loaded_at: Some(saved.loaded_at),
        loaded_by: Some(saved.loaded_by),
    })
}
