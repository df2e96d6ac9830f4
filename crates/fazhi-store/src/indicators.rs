//! A township's figures for a year, counted from its ledgers: every indicator its ledger kinds
//! feed, with its value and the records behind it, so each figure can be traced to them. Summed
//! over `ledger_figures`, which every write keeps beside its record (what each record adds to
//! which indicator, in which years), so a year of 100,000 records is one indexed read.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use fazhi_domain::ledger::{Values, split_refs, text};
use fazhi_domain::ledgers;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::entities::{ledger_figure, ledger_record, organization};
use crate::{Db, Scope, StoreError};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figure {
    /// The indicator id a ledger declares (docs/ledgers.md), such as `leadership.meetings_chaired`.
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

/// The ids of an organization and of everything under it, and how many villages and communities
/// are under it.
async fn subtree(db: &Db, scope: &Scope, org_id: i64) -> Result<(Vec<i64>, usize), StoreError> {
    let org = organization::Entity::find_by_id(org_id)
        .one(db.conn())
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or(StoreError::NotFound)?;
    let all: Vec<(i64, String)> = organization::Entity::find()
        .select_only()
        .columns([organization::Column::Id, organization::Column::Kind])
        .filter(organization::Column::Path.starts_with(&org.path))
        .into_tuple()
        .all(db.conn())
        .await?;
    let villages = all.iter().filter(|(_, kind)| kind == "village" || kind == "community").count();
    Ok((all.into_iter().map(|(id, _)| id).collect(), villages))
}

/// The distinct names a field lists over some records (the villages their lawyers served).
async fn distinct_names(db: &Db, ids: &[i64], key: &str) -> Result<BTreeSet<String>, StoreError> {
    let mut names = BTreeSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<String> = ledger_record::Entity::find()
            .select_only()
            .column(ledger_record::Column::ValuesJson)
            .filter(ledger_record::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db.conn())
            .await?;
        for json in rows {
            let values: Values = serde_json::from_str(&json).unwrap_or_default();
            names.extend(split_refs(text(&values, key)).into_iter().map(str::to_owned));
        }
    }
    Ok(names)
}

/// The figures of an organization's subtree (a township and its villages and offices) for a year,
/// one per indicator and kind, in the order the kinds and their feeds are declared; an indicator
/// without records is stated as 0.
pub async fn for_year(db: &Db, scope: &Scope, org_id: i64, year: i32) -> Result<Vec<Figure>, StoreError> {
    let (orgs, villages) = subtree(db, scope, org_id).await?;
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
            let (mut value, mut records) = sums.remove(&(kind.code.to_owned(), feed.id.to_owned())).unwrap_or_default();
            records.sort_unstable();
            if let Some(key) = feed.distinct {
                // Each village once, however many lawyers served it; never more than the
                // township has, where its villages and communities are registered.
                let names = distinct_names(db, &records, key).await?.len();
                value = if villages > 0 { names.min(villages) } else { names } as i64;
            }
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
