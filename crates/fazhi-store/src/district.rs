//! What the district reads of its townships (docs/cockpit.md): each township's figures by year,
//! summed from `ledger_figure_totals` (kept with every write), the open time limits by township
//! and kind, and where each township's annual report stands. The cost of a read depends on the
//! number of townships, indicators and years, never on the number of records.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain::ledger::RECORDS;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{annual_report, ledger_figure_total};
use crate::ledger::ScopeOrgs;
use crate::orgs::{self, OrgView};
use crate::{Db, Scope, StoreError};

/// A township (or street) in the caller's scope, in the organization tree's order.
#[derive(Debug, Clone)]
pub struct Township {
    pub id: i64,
    pub name: String,
    pub path: String,
}

/// The townships of a scope, and which township each organization in it belongs to.
pub struct Townships {
    pub list: Vec<Township>,
    of_org: HashMap<i64, i64>,
}

impl Townships {
    pub async fn of(db: &Db, scope: &Scope) -> Result<Townships, StoreError> {
        let all: Vec<OrgView> = orgs::list(db, scope).await?;
        let list: Vec<Township> = all
            .iter()
            .filter(|o| o.kind().is_township())
            .map(|o| Township { id: o.id, name: o.name.clone(), path: o.path.clone() })
            .collect();
        let of_org = all
            .iter()
            .filter_map(|o| list.iter().find(|t| o.path.starts_with(&t.path)).map(|t| (o.id, t.id)))
            .collect();
        Ok(Townships { list, of_org })
    }

    pub fn get(&self, id: i64) -> Option<&Township> {
        self.list.iter().find(|t| t.id == id)
    }
}

/// A version of everything stored: the audit chain's last record. Every write (a record, a step,
/// an import, a calendar or a setting) appends to the chain in its own transaction, so while this
/// stays the same, so do the figures and the open limits: a page may keep what it read.
pub async fn data_version(db: &Db) -> Result<i64, StoreError> {
    crate::audit::last_id(db).await
}

/// A value read from the database and kept, shared by the clones of a `Db` handle, while the data
/// version stays the same (`data_version`): read again only when something was written since, on
/// any instance. The version is read first, so a value kept under it is never older than it.
pub(crate) struct Kept<T>(std::sync::Mutex<Option<(i64, std::sync::Arc<T>)>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(std::sync::Mutex::new(None))
    }
}

impl<T> Kept<T> {
    /// The value kept under the data version now, or `read` anew and kept.
    pub(crate) async fn get<F: Future<Output = Result<T, StoreError>>>(
        &self,
        db: &Db,
        read: impl FnOnce() -> F,
    ) -> Result<std::sync::Arc<T>, StoreError> {
        let version = data_version(db).await?;
        if let Some((at, kept)) = self.0.lock().expect("a kept value's lock is never poisoned").as_ref()
            && *at == version
        {
            return Ok(kept.clone());
        }
        let value = std::sync::Arc::new(read().await?);
        *self.0.lock().expect("a kept value's lock is never poisoned") = Some((version, value.clone()));
        Ok(value)
    }
}

/// Figures by township, kind, indicator and year.
pub struct Figures {
    sums: HashMap<(i64, String, String, i32), i64>,
    /// (township, kind, year) of which records are kept: a figure of a kind without any record
    /// that year is missing, not zero.
    kept: HashSet<(i64, String, i32)>,
    /// What filed old reports state, by (township, indicator, year): read only where the
    /// township's ledgers keep no record of the kind that year (docs/archive.md).
    reported: HashMap<(i64, String, i32), i64>,
    /// The filed report of a township's year, by id.
    filed: HashMap<(i64, i32), i64>,
    /// The years any record in the scope counts in, or a filed report reports on.
    pub years_held: Vec<i32>,
}

impl Figures {
    /// A township's figure: counted from its ledgers where it keeps records of the kind that year,
    /// else as its filed report states it (see [`Figures::from_report`]), else none.
    pub fn value(&self, township: i64, kind: &str, id: &str, year: i32) -> Option<i64> {
        if self.kept.contains(&(township, kind.to_owned(), year)) {
            return Some(self.sums.get(&(township, kind.to_owned(), id.to_owned(), year)).copied().unwrap_or(0));
        }
        self.reported.get(&(township, id.to_owned(), year)).copied()
    }

    /// The filed report a township's figure of a kind and year is taken from, where it is: the
    /// ledgers keep no record of the kind that year and a report of the year is filed.
    pub fn from_report(&self, township: i64, kind: &str, year: i32) -> Option<i64> {
        if self.kept.contains(&(township, kind.to_owned(), year)) {
            return None;
        }
        self.filed.get(&(township, year)).copied()
    }
}

/// The figures of every township in the scope for these indicators (kind, id) over these years.
pub async fn figures(
    db: &Db,
    scope: &Scope,
    townships: &Townships,
    wanted: &[(&str, &str)],
    years: RangeInclusive<i32>,
) -> Result<Figures, StoreError> {
    use ledger_figure_total::Column as T;
    let orgs = ScopeOrgs::of(db, scope).await?;
    let mut ids: BTreeSet<&str> = wanted.iter().map(|(_, id)| *id).collect();
    ids.insert(RECORDS);
    let mut query = ledger_figure_total::Entity::find()
        .select_only()
        .columns([T::OrgId, T::Kind, T::Indicator, T::FromYear, T::ToYear, T::Amount])
        .filter(T::Indicator.is_in(ids.iter().copied()))
        .filter(T::FromYear.lte(*years.end()))
        .filter(T::ToYear.gte(*years.start()))
        .filter(T::Records.ne(0));
    if !orgs.everything {
        query = query.filter(T::OrgId.is_in(orgs.orgs.iter().map(|(id, _)| *id)));
    }
    let rows: Vec<(i64, String, String, i32, i32, i64)> = query.into_tuple().all(db.conn()).await?;
    let wanted: HashSet<(&str, &str)> = wanted.iter().copied().collect();
    let mut sums = HashMap::new();
    let mut kept = HashSet::new();
    for (org, kind, indicator, from, to, amount) in rows {
        let Some(&township) = townships.of_org.get(&org) else { continue };
        let first = Ord::max(from, *years.start());
        let last = Ord::min(to, *years.end());
        for year in first..=last {
            if indicator == RECORDS {
                kept.insert((township, kind.clone(), year));
            }
            if wanted.contains(&(kind.as_str(), indicator.as_str())) {
                *sums.entry((township, kind.clone(), indicator.clone(), year)).or_insert(0) += amount;
            }
        }
    }
    let mut held_query = ledger_figure_total::Entity::find()
        .select_only()
        .column(T::FromYear)
        .distinct()
        .filter(T::Indicator.eq(RECORDS))
        .filter(T::Records.ne(0));
    if !orgs.everything {
        held_query = held_query.filter(T::OrgId.is_in(orgs.orgs.iter().map(|(id, _)| *id)));
    }
    let mut years_held: Vec<i32> = held_query.into_tuple().all(db.conn()).await?;
    let mut reported = HashMap::new();
    let mut filed = HashMap::new();
    for (org, year, report, stated) in crate::report_archive::figures_in(db.conn(), scope, years.clone()).await? {
        let Some(&township) = townships.of_org.get(&org) else { continue };
        filed.insert((township, year), report);
        years_held.push(year);
        for f in stated {
            reported.insert((township, f.id, year), f.value);
        }
    }
    years_held.sort_unstable();
    years_held.dedup();
    Ok(Figures { sums, kept, reported, filed, years_held })
}

pub use crate::ledger::OpenLimits;

/// The open limits due by `soon`, by township and kind (`ledger::open_limit_counts`).
pub async fn open_limits(
    db: &Db,
    scope: &Scope,
    townships: &Townships,
    today: NaiveDate,
    soon: NaiveDate,
) -> Result<HashMap<(i64, String), OpenLimits>, StoreError> {
    let orgs = ScopeOrgs::of(db, scope).await?;
    let mut out: HashMap<(i64, String), OpenLimits> = HashMap::new();
    for (org, kind, counted) in crate::ledger::open_limit_counts(db.conn(), &orgs, today, soon, None).await? {
        let Some(&township) = townships.of_org.get(&org) else { continue };
        let entry = out.entry((township, kind)).or_default();
        entry.overdue += counted.overdue;
        entry.due_soon += counted.due_soon;
    }
    out.retain(|_, limits| limits.overdue != 0 || limits.due_soon != 0);
    Ok(out)
}

/// Where a township's annual report of a year stands, without its text.
#[derive(Debug, Clone)]
pub struct ReportStanding {
    pub id: i64,
    pub org_id: i64,
    pub state: String,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub reported_at: Option<DateTime<Utc>>,
}

/// The reports of a year in the scope.
pub async fn reports_of_year(db: &Db, scope: &Scope, year: i32) -> Result<Vec<ReportStanding>, StoreError> {
    use annual_report::Column as R;
    type Row =
        (i64, i64, String, Option<String>, DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let rows: Vec<Row> = annual_report::Entity::find()
        .select_only()
        .columns([R::Id, R::OrgId, R::State, R::Comment, R::CreatedAt, R::UpdatedAt, R::PublishedAt, R::ReportedAt])
        .filter(R::OrgPath.starts_with(&scope.org_path))
        .filter(R::Year.eq(year))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, org_id, state, comment, created_at, updated_at, published_at, reported_at)| ReportStanding {
            id,
            org_id,
            state,
            comment,
            created_at,
            updated_at,
            published_at,
            reported_at,
        })
        .collect())
}
