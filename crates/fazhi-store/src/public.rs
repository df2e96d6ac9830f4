//! What the public reads of a township's ledgers (`fazhi_domain::publication`): read through the
//! same list and record reads as every caller, with a scope of the township that sees no personal
//! value, and only the records each list's declaration says are public now.

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain::ledger::{LedgerKind, date};
use fazhi_domain::publication::{PublicField, PublicList, Publication, kinds_on};
use fazhi_domain::search::SearchWords;
use sea_orm::{EntityTrait, QuerySelect};

use crate::entities::{ledger_record, organization};
use crate::ledger::{self, ListFilter, RecordView, Sort};
use crate::{Db, Scope, StoreError};

/// A township as its public page names it.
#[derive(Debug, Clone)]
pub struct Township {
    pub id: i64,
    pub name: String,
    /// The district or county above it.
    pub district: String,
    path: String,
}

impl Township {
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The public reads the township's records with every personal value masked.
    fn scope(&self) -> Scope {
        Scope::masked(&self.path)
    }
}

/// The township of this id, if it is one (a village committee or the district has no public
/// page of its own here).
pub async fn township(db: &Db, id: i64) -> Result<Option<Township>, StoreError> {
    let Some(org) = organization::Entity::find_by_id(id).one(db.conn()).await? else { return Ok(None) };
    if !fazhi_domain::org::OrgKind::parse(&org.kind).is_ok_and(|k| k.is_township()) {
        return Ok(None);
    }
    let district = match org.parent_id {
        Some(parent) => organization::Entity::find_by_id(parent).one(db.conn()).await?.map(|p| p.name),
        None => None,
    };
    Ok(Some(Township { id: org.id, name: org.name, district: district.unwrap_or_default(), path: org.path }))
}

/// The township an organization is or lies in (a village's township), for a link to its public
/// page.
pub async fn township_of(db: &Db, org_id: i64) -> Result<Option<i64>, StoreError> {
    let Some(org) = organization::Entity::find_by_id(org_id).one(db.conn()).await? else { return Ok(None) };
    let ids: Vec<i64> = org.path.split('/').filter_map(|p| p.parse().ok()).collect();
    for id in ids.into_iter().rev() {
        if township(db, id).await?.is_some() {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Every township, for the portal's index.
pub async fn townships(db: &Db) -> Result<Vec<Township>, StoreError> {
    let all = organization::Entity::find().all(db.conn()).await?;
    let names: std::collections::HashMap<i64, String> = all.iter().map(|o| (o.id, o.name.clone())).collect();
    let mut out: Vec<(i32, Township)> = all
        .into_iter()
        .filter(|o| fazhi_domain::org::OrgKind::parse(&o.kind).is_ok_and(|k| k.is_township()))
        .map(|o| {
            let district = o.parent_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default();
            (o.sort_order, Township { id: o.id, name: o.name, district, path: o.path })
        })
        .collect();
    out.sort_by(|a, b| (&a.1.district, a.0, a.1.id).cmp(&(&b.1.district, b.0, b.1.id)));
    Ok(out.into_iter().map(|(_, t)| t).collect())
}

/// The comment window of a draft open for comment, as its ledger counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub opens: NaiveDate,
    /// The last day a comment is taken.
    pub closes: NaiveDate,
}

impl Window {
    pub fn is_open_on(&self, day: NaiveDate) -> bool {
        self.opens <= day && day <= self.closes
    }

    /// Days left after `day`, the closing day counted: 0 on the closing day itself.
    pub fn days_left(&self, day: NaiveDate) -> i64 {
        (self.closes - day).num_days()
    }
}

/// One published record as the public reads it.
#[derive(Debug, Clone)]
pub struct PublicItem {
    pub id: i64,
    pub kind: &'static LedgerKind,
    pub title: String,
    pub number: Option<String>,
    pub state_label: &'static str,
    /// 已废止, 已中止执行, 已超过有效期: what changed since it was published.
    pub mark: Option<&'static str>,
    pub published_on: Option<NaiveDate>,
    pub fields: Vec<PublicField>,
    pub window: Option<Window>,
    pub updated_at: DateTime<Utc>,
}

fn item(
    publication: &Publication,
    kind: &'static LedgerKind,
    r: RecordView,
    today: NaiveDate,
    window: Option<Window>,
) -> Option<PublicItem> {
    let mark = publication.shows(&r.state, &r.values, today)?;
    Some(PublicItem {
        id: r.id,
        kind,
        number: publication.number.and_then(|key| r.values.get(key)).and_then(|v| v.as_str()).map(str::to_owned),
        state_label: kind.state_label(&r.state),
        mark,
        published_on: date(&r.values, publication.published_on),
        fields: kind.public_fields(publication, &r.values),
        window,
        title: r.title,
        updated_at: r.updated_at,
    })
}

/// A record's comment window as its ledger counts it: from the draft's publication to the end of
/// the period that applies to it (the township's setting, the record's own, or the law's; working
/// days on the calendar), the latest if several apply. None for a kind not put out for comment.
pub(crate) fn window_in(
    kind: &LedgerKind,
    ctx: &fazhi_domain::ledger::Context<'_>,
    values: &fazhi_domain::ledger::Values,
) -> Option<Window> {
    let publication = kind.publication(PublicList::Consultations)?;
    kind.deadlines(values, ctx)
        .into_iter()
        .filter(|d| publication.window.contains(&d.deadline.code))
        .map(|d| Window { opens: d.counted.start, closes: d.counted.due })
        .max_by_key(|w| w.closes)
}

pub async fn window_of(
    db: &Db,
    kind: &LedgerKind,
    org_path: &str,
    values: &fazhi_domain::ledger::Values,
) -> Result<Option<Window>, StoreError> {
    let rules = crate::rules::current(db).await?;
    Ok(window_in(kind, &rules.ctx().at(org_path), values))
}

async fn windows(
    db: &Db,
    publication: &Publication,
    kind: &LedgerKind,
    township: &Township,
    records: &[RecordView],
) -> Result<std::collections::HashMap<i64, Window>, StoreError> {
    if publication.window.is_empty() || records.is_empty() {
        return Ok(Default::default());
    }
    let rules = crate::rules::current(db).await?;
    let ctx = rules.ctx().at(&township.path);
    Ok(records.iter().filter_map(|r| Some((r.id, window_in(kind, &ctx, &r.values)?))).collect())
}

/// What a public list is asked for: a year (the kinds' own year: the catalogue's, a decision's,
/// a case's) and words in the titles and public texts, and a page.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    pub year: Option<i32>,
    /// One of the list's categories (主动公开's 第二十一条 categories), where it has them.
    pub category: Option<String>,
    pub words: Option<SearchWords>,
    pub page: u64,
}

pub const PAGE_SIZE: u64 = 20;

/// A page of a township's public list, newest first: for a list of several kinds (drafts of
/// decisions and of documents), their pages merged.
pub async fn list(
    db: &Db,
    township: &Township,
    list: PublicList,
    asked: &Asked,
    today: NaiveDate,
) -> Result<ledger::Listed<PublicItem>, StoreError> {
    let kinds: Vec<&'static LedgerKind> = kinds_on(list).collect();
    // A list of several kinds is merged from the first pages of each, read at most one largest
    // page deep: its pages past that are its last.
    let deepest = if kinds.len() > 1 { crate::MAX_PAGE_SIZE / PAGE_SIZE } else { u64::MAX };
    let page = asked.page.clamp(1, deepest);
    // One kind: its own page. Several: the first `page` pages of each, merged and cut.
    let (fetch_page, fetch_size) = if kinds.len() == 1 { (page, PAGE_SIZE) } else { (1, page * PAGE_SIZE) };
    let mut items = Vec::new();
    let (mut total, mut more, mut newest_only) = (0, false, false);
    for kind in kinds {
        let Some(publication) = kind.publication(list) else { continue };
        let filter = ListFilter {
            states: publication.states(),
            value: publication.category.zip(asked.category.clone()),
            query: asked.words.clone(),
            year: asked.year,
            // The order records were entered, newest first: a walk of the index, whatever the
            // list's length (ordering by a date inside the values read every record of it).
            sort: Sort::Newest,
            page: fetch_page,
            page_size: fetch_size,
            ..Default::default()
        };
        let listed = ledger::list(db, &township.scope(), kind, &filter).await?;
        total += listed.page.total;
        more |= listed.more;
        newest_only |= listed.newest_only;
        let windows = windows(db, publication, kind, township, &listed.page.items).await?;
        items.extend(listed.page.items.into_iter().filter_map(|r| {
            let window = windows.get(&r.id).cloned();
            item(publication, kind, r, today, window)
        }));
    }
    if fetch_page != page || items.len() as u64 > PAGE_SIZE {
        items.sort_by_key(|i| std::cmp::Reverse((i.published_on, i.updated_at)));
        items = items.into_iter().skip(((page - 1) * PAGE_SIZE) as usize).take(PAGE_SIZE as usize).collect();
    }
    Ok(ledger::Listed { page: crate::Page { items, total, page, page_size: PAGE_SIZE }, more, newest_only })
}

/// One published record of a township's list, if it is public now.
pub async fn one(
    db: &Db,
    township: &Township,
    list: PublicList,
    id: i64,
    today: NaiveDate,
) -> Result<Option<PublicItem>, StoreError> {
    let code: Option<String> = ledger_record::Entity::find_by_id(id)
        .select_only()
        .column(ledger_record::Column::Kind)
        .into_tuple()
        .one(db.conn())
        .await?;
    let Some(kind) = code.as_deref().and_then(fazhi_domain::ledgers::by_code) else { return Ok(None) };
    let Some(publication) = kind.publication(list) else { return Ok(None) };
    let record = match ledger::get(db, &township.scope(), kind, id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let windows = windows(db, publication, kind, township, std::slice::from_ref(&record)).await?;
    let window = windows.get(&record.id).cloned();
    Ok(item(publication, kind, record, today, window))
}
