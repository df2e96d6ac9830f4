//! Storage for Fazhi: the only crate that speaks SQL. One code path serves SQLite (embedded,
//! the default) and PostgreSQL; SeaORM builds each statement for the backend in use.
//!
//! Every write goes through a transaction opened by [`Db::begin_write`], and every change appends
//! its audit record inside that same transaction, so a change and its audit record are stored
//! together or not at all.

pub mod annual_reports;
pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod audit_key;
pub mod backup;
pub mod bulletins;
pub mod calendar;
pub mod comments;
mod db;
pub mod demo;
mod demo_history;
pub mod district;
mod entities;
mod error;
pub mod indicators;
pub mod ledger;
pub mod ledger_xlsx;
mod migrations;
pub mod orgs;
mod passwords;
pub mod public;
pub mod public_comments;
pub mod report_archive;
pub mod rules;
pub mod sessions;
pub mod two_factor;
pub mod users;

pub use db::{Db, SQLITE_SEARCH_INDEX_OBJECTS, sqlite_url_for_data_dir};
pub use error::StoreError;
pub use passwords::random_password;

/// Who makes a change, for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub ip: String,
}

impl Actor {
    /// An administrator at the command line of the server.
    pub fn command_line() -> Actor {
        let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Actor { user_id: None, name: format!("命令行({who})"), ip: "local".into() }
    }

    pub fn system() -> Actor {
        Actor { user_id: None, name: "系统".into(), ip: "local".into() }
    }
}

/// One page of a list, with the total for "共 N 条".
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// A short text a person types (a reason, a name): trimmed, required, at most `max` characters,
/// no hidden characters.
pub(crate) fn short_text(field: &'static str, label: &str, raw: &str, max: usize) -> Result<String, StoreError> {
    let text = raw.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(StoreError::invalid(field, format!("请填写{label}（不超过{max}个字符）")));
    }
    fazhi_domain::text::check(label, text, false).map_err(|m| StoreError::invalid(field, m))?;
    Ok(text.to_owned())
}

/// The deepest page a list serves. A person pages a few hundred at most; beyond this the offset
/// arithmetic and the database's work are no longer bounded.
pub const MAX_PAGE: u64 = 100_000;
/// The most rows one page holds.
pub const MAX_PAGE_SIZE: u64 = 200;

/// Refuses a page number or size out of range, in Chinese, naming the parameter. Every paged list
/// of the store passes through here, so no caller can forget it.
pub fn check_paging(page: u64, page_size: u64) -> Result<(), StoreError> {
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(StoreError::invalid("page", format!("页码须为1至{MAX_PAGE}之间的整数")));
    }
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(StoreError::invalid("page_size", format!("每页条数须为1至{MAX_PAGE_SIZE}之间的整数")));
    }
    Ok(())
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u64 {
        self.total.div_ceil(self.page_size.max(1)).max(1)
    }
}

/// One page of a filtered, ordered query and the number of all its matches. (Carrying the total
/// as a scalar subquery beside the rows saves a statement, but measured no faster under load.)
pub(crate) async fn fetch_page<E>(
    db: &Db,
    query: sea_orm::Select<E>,
    page: u64,
    page_size: u64,
) -> Result<(Vec<E::Model>, u64), StoreError>
where
    E: sea_orm::EntityTrait,
    E::Model: sea_orm::FromQueryResult + Send + Sync,
{
    use sea_orm::{PaginatorTrait, QuerySelect};
    let total = PaginatorTrait::count(query.clone(), db.conn()).await?;
    let rows = query.offset((page - 1) * page_size).limit(page_size).all(db.conn()).await?;
    Ok((rows, total))
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    fazhi_domain::audit::truncate_to_micros(chrono::Utc::now())
}

/// Today in Beijing: the day every write of a record is checked against (no act after it).
pub fn beijing_today() -> chrono::NaiveDate {
    now().with_timezone(&fazhi_domain::calendar::beijing()).date_naive()
}

/// Bytes from the operating system's random source: every secret the store makes (tokens, keys,
/// seeds, recovery codes, passwords) is drawn here.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes
}

/// 32 random bytes as hex: session ids, CSRF tokens, API tokens.
pub fn random_token() -> String {
    hex::encode(random_bytes::<32>())
}

/// Tokens are stored only as their SM3 digest, so a copy of the database opens no session.
pub(crate) fn token_digest(token: &str) -> String {
    use sm3::{Digest, Sm3};
    hex::encode(Sm3::digest(token.as_bytes()))
}

/// The part of the organization tree a caller may see: its own organization and everything below,
/// and whether the personal data of a township's citizens in it is shown to them.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Materialized path of the caller's organization, `/1/4/`; `/` is the whole installation.
    pub org_path: String,
    pub personal: PersonalData,
}

/// Whose eyes read through a scope, as far as citizens' personal data goes (the names, contacts
/// and addresses of petitioners, parties, applicants). Decided here once: every read of records
/// (a record, a list, an export, a search) takes a `Scope` and returns values already masked for
/// it, so no surface can forget to mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalData {
    /// Shown in the records of the caller's own township (the caller's organization is the
    /// township or inside it), masked elsewhere — the district sees them masked. The business
    /// roles.
    OwnTownship,
    /// Always masked: administrators and auditors, whose duties are not the townships' business
    /// (三员分立), and exports asked for without personal data.
    Masked,
    /// Always shown: the command line of the server's administrator, and the system itself.
    All,
}

impl Scope {
    /// The whole installation, personal data included: the command line run by the server's
    /// administrator, and the system's own work.
    pub fn everything() -> Scope {
        Scope { org_path: "/".into(), personal: PersonalData::All }
    }

    /// An organization's subtree read with personal data masked.
    pub fn masked(org_path: &str) -> Scope {
        Scope { org_path: org_path.to_owned(), personal: PersonalData::Masked }
    }

    pub fn contains_path(&self, path: &str) -> bool {
        path.starts_with(&self.org_path)
    }

    /// Whether the personal values of a record of the organization at `record_org_path` are
    /// shown through this scope.
    pub fn sees_personal(&self, record_org_path: &str) -> bool {
        match self.personal {
            PersonalData::All => true,
            PersonalData::Masked => false,
            PersonalData::OwnTownship => self.org_path.starts_with(township_path(record_org_path)),
        }
    }

    /// Whether every record this scope reaches shows its personal values: then a search may look
    /// in them. A district caller's search never finds a citizen by name.
    pub fn sees_personal_everywhere(&self) -> bool {
        match self.personal {
            PersonalData::All => true,
            PersonalData::Masked => false,
            // Inside a township, everything in scope is that township's.
            PersonalData::OwnTownship => in_township(&self.org_path),
        }
    }
}

/// Whether an organization is a township or inside one (`/1/4/` or deeper), not the district.
pub(crate) fn in_township(org_path: &str) -> bool {
    org_path.matches('/').count() >= 3
}

/// The township's part of an organization path: `/1/4/9/` → `/1/4/`. Townships stand right under
/// the district, and a township's offices and villages keep ledgers for it.
pub(crate) fn township_path(org_path: &str) -> &str {
    let mut slashes = org_path.match_indices('/').map(|(i, _)| i);
    match slashes.nth(2) {
        Some(end) => &org_path[..=end],
        None => org_path,
    }
}
