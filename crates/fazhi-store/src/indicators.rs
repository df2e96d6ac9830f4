//! A township's figures for a year, counted from its ledgers: every indicator its ledger kinds
//! feed, with its value and the records behind it, so each figure can be traced to them.

use std::collections::BTreeMap;

use fazhi_domain::ledger::Values;
use fazhi_domain::ledgers;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::entities::{ledger_record, organization};
use crate::{Db, Scope, StoreError};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figure {
    /// The indicator id of indicators.md (or a ledger's own, such as `leadership.meetings_chaired`).
    pub id: &'static str,
    /// The ledger kind that feeds it.
    pub kind: &'static str,
    pub value: i64,
    /// The records counted.
    pub records: Vec<Counted>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Counted {
    pub id: i64,
    pub title: String,
}

/// The figures of an organization's subtree (a township and its villages and offices) for a year,
/// one per indicator and kind, in the order the kinds and their feeds are declared.
pub async fn for_year(db: &Db, scope: &Scope, org_id: i64, year: i32) -> Result<Vec<Figure>, StoreError> {
    let org = organization::Entity::find_by_id(org_id)
        .one(db.conn())
        .await?
        .filter(|o| scope.contains_path(&o.path))
        .ok_or(StoreError::NotFound)?;
    let kinds: Vec<&str> = ledgers::ALL.iter().filter(|k| !k.indicators.is_empty()).map(|k| k.code).collect();
    let rows: Vec<(i64, String, String, String, String)> = ledger_record::Entity::find()
        .select_only()
        .columns([
            ledger_record::Column::Id,
            ledger_record::Column::Kind,
            ledger_record::Column::Title,
            ledger_record::Column::State,
            ledger_record::Column::ValuesJson,
        ])
        .filter(ledger_record::Column::OrgPath.starts_with(&org.path))
        .filter(ledger_record::Column::Kind.is_in(kinds))
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut sums: BTreeMap<(usize, usize), Figure> = BTreeMap::new();
    for (id, code, title, state, json) in rows {
        let Some((k, kind)) = ledgers::ALL.iter().enumerate().find(|(_, k)| k.code == code) else { continue };
        let values: Values = serde_json::from_str(&json)
            .map_err(|e| StoreError::Internal(format!("台账记录 {id} 的内容已损坏：{e}")))?;
        for (f, feed) in kind.indicators.iter().enumerate() {
            if let Some(amount) = feed.adds(kind, &state, &values, year) {
                let figure = sums.entry((k, f)).or_insert_with(|| Figure {
                    id: feed.id,
                    kind: kind.code,
                    value: 0,
                    records: Vec::new(),
                });
                figure.value += amount;
                figure.records.push(Counted { id, title: title.clone() });
            }
        }
    }
    // Every indicator is stated, those without records as 0: an empty ledger is a finding too.
    let mut out = Vec::new();
    for (k, kind) in ledgers::ALL.iter().enumerate() {
        for (f, feed) in kind.indicators.iter().enumerate() {
            out.push(sums.remove(&(k, f)).unwrap_or(Figure {
                id: feed.id,
                kind: kind.code,
                value: 0,
                records: Vec::new(),
            }));
        }
    }
    for figure in &mut out {
        figure.records.sort_unstable_by_key(|r| r.id);
    }
    Ok(out)
}
