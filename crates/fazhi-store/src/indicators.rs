//! A township's figures for a year, counted from its ledgers: every indicator its ledger kinds
//! feed, with its value and the records behind it, so each figure can be traced to them. Summed
//! over `ledger_figures`, which every write keeps beside its record (what each record adds to
//! which indicator, in which years), so a year of 100,000 records is one indexed read.

use std::collections::{BTreeMap, HashMap};

use fazhi_domain::ledgers;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::entities::{ledger_figure, ledger_record, organization};
use crate::{Db, Scope, StoreError};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figure {
    /// The indicator id of indicators.md (or a ledger's own, such as `leadership.meetings_chaired`).
    pub id: &'static str,
    /// The ledger kind that feeds it.
    pub kind: &'static str,
    pub value: i64,
    /// The records counted, by id, in id order.
    pub records: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Counted {
    pub id: i64,
    pub title: String,
}

/// The ids of an organization and of everything under it.
async fn subtree(db: &Db, scope: &Scope, org_id: i64) -> Result<Vec<i64>, StoreError> {
    let org = organization::Entity::find_by_id(org_id)
        .one(db.conn())
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or(StoreError::NotFound)?;
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Path.starts_with(&org.path))
        .into_tuple()
        .all(db.conn())
        .await?)
}

/// The figures of an organization's subtree (a township and its villages and offices) for a year,
/// one per indicator and kind, in the order the kinds and their feeds are declared; an indicator
/// without records is stated as 0.
pub async fn for_year(db: &Db, scope: &Scope, org_id: i64, year: i32) -> Result<Vec<Figure>, StoreError> {
    let orgs = subtree(db, scope, org_id).await?;
    let rows: Vec<(i64, String, String, i64)> = ledger_figure::Entity::find()
        .select_only()
        .columns([
            ledger_figure::Column::RecordId,
            ledger_figure::Column::Kind,
            ledger_figure::Column::Indicator,
            ledger_figure::Column::Amount,
        ])
        .filter(ledger_figure::Column::OrgId.is_in(orgs))
        .filter(ledger_figure::Column::FromYear.lte(year))
        .filter(
            Condition::any().add(ledger_figure::Column::ToYear.is_null()).add(ledger_figure::Column::ToYear.gte(year)),
        )
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut sums: HashMap<(String, String), (i64, Vec<i64>)> = HashMap::new();
    for (record, kind, indicator, amount) in rows {
        let entry = sums.entry((kind, indicator)).or_default();
        entry.0 += amount;
        entry.1.push(record);
    }
    let mut out = Vec::new();
    for kind in ledgers::ALL {
        for feed in kind.indicators {
            let (value, mut records) = sums.remove(&(kind.code.to_owned(), feed.id.to_owned())).unwrap_or_default();
            records.sort_unstable();
            out.push(Figure { id: feed.id, kind: kind.code, value, records });
        }
    }
    Ok(out)
}

/// The titles of records, for the few a page lists, in the order given.
pub async fn titles(db: &Db, ids: &[i64]) -> Result<Vec<Counted>, StoreError> {
    let mut found: BTreeMap<i64, String> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = ledger_record::Entity::find()
            .select_only()
            .columns([ledger_record::Column::Id, ledger_record::Column::Title])
            .filter(ledger_record::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db.conn())
            .await?;
        found.extend(rows);
    }
    Ok(ids.iter().filter_map(|id| found.remove(id).map(|title| Counted { id: *id, title })).collect())
}
