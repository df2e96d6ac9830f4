//! The schema, one migration per change, applied in order at start by sea-orm-migration (which
//! notes each applied one in `seaql_migrations`). Tables are made from the current entities, so a
//! new database gets today's columns at once; a later migration therefore adds a column only where
//! it is missing, and a database of any earlier version is brought up the same way.
//!
//! To change the schema: change the entity, then add a migration here that brings an existing
//! database to it (add the column if missing, fill it), and list it in [`Migrator`].

mod m001_accounts_and_audit;
mod m002_holiday_calendar;
mod m003_ledgers;
mod m004_search_deadlines_settings;
mod m005_due_index_and_attachments;
mod m006_figures_reports_and_stages;
mod m007_tokens_two_factor_and_org_settings;
mod m008_personal_search_and_upload_names;
mod m009_figure_totals;
mod m010_open_counts;
mod m011_comments;
mod m012_report_revision;
mod m013_search_and_attachment_chunks;
mod m015_report_archive;
mod m016_public_comments;
mod m019_records_by_state;

use sea_orm::sea_query::{ColumnDef, Index, Table};
use sea_orm::{ConnectionTrait, EntityTrait, IdenStatic, Schema};
use sea_orm_migration::{DbErr, MigrationTrait, MigratorTrait, SchemaManager};

use crate::StoreError;

pub(crate) struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m001_accounts_and_audit::Migration),
            Box::new(m002_holiday_calendar::Migration),
            Box::new(m003_ledgers::Migration),
            Box::new(m004_search_deadlines_settings::Migration),
            Box::new(m005_due_index_and_attachments::Migration),
            Box::new(m006_figures_reports_and_stages::Migration),
            Box::new(m007_tokens_two_factor_and_org_settings::Migration),
            Box::new(m008_personal_search_and_upload_names::Migration),
            Box::new(m009_figure_totals::Migration),
            Box::new(m010_open_counts::Migration),
            Box::new(m011_comments::Migration),
            Box::new(m012_report_revision::Migration),
            Box::new(m013_search_and_attachment_chunks::Migration),
            // 14: SQLite's trigram index with each record's scope (kind, organization) and
            // lower-cased name beside its texts, so a township's search reads its own matches.
            Box::new(SearchIndexRebuilt("m014_scoped_search_index")),
            Box::new(m015_report_archive::Migration),
            Box::new(m016_public_comments::Migration),
            // 17: the pair index, where two characters are looked up instead of scanned (SQLite's
            // FTS5 table of pairs; PostgreSQL's GIN indexes of `fazhi_pairs`).
            Box::new(SearchIndexRebuilt("m017_pair_search_index")),
            // 18: SQLite's trigram index kept like the pair index, in batches off the writers' path;
            // the writers' triggers only note which records changed.
            Box::new(SearchIndexRebuilt("m018_search_index_in_batches")),
            Box::new(m019_records_by_state::Migration),
        ]
    }
}

/// A version that brought the search indexes to a new form. Each builds today's form
/// (`db::create_search_index`: every stored record indexed, with the progress on the console),
/// which drops the objects of the earlier forms and does nothing where today's form stands: a
/// database of any version reaches today's indexes, built once. Named as its module was when each
/// had one, as `seaql_migrations` records it.
struct SearchIndexRebuilt(&'static str);

impl sea_orm_migration::MigrationName for SearchIndexRebuilt {
    fn name(&self) -> &str {
        self.0
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for SearchIndexRebuilt {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::db::create_search_index(m.get_connection()).await.map_err(migration_error)
    }
}

/// Creates an entity's table as the entity now declares it, unless it exists.
async fn create_table<E: EntityTrait>(m: &SchemaManager<'_>, entity: E) -> Result<(), DbErr> {
    let schema = Schema::new(m.get_database_backend());
    m.get_connection().execute(schema.create_table_from_entity(entity).if_not_exists()).await?;
    Ok(())
}

/// Adds a column to an entity's table unless it is there (a table made from today's entity has
/// it already). Whether it was added.
async fn add_missing_column<E: EntityTrait>(
    m: &SchemaManager<'_>,
    entity: E,
    column: E::Column,
    def: &mut ColumnDef,
) -> Result<bool, DbErr> {
    if m.has_column(entity.table_name(), column.as_str()).await? {
        return Ok(false);
    }
    m.get_connection().execute(&Table::alter().table(entity).add_column(def).to_owned()).await?;
    Ok(true)
}

/// Creates an index over these columns of an entity's table unless it exists.
async fn create_index<E: EntityTrait>(
    m: &SchemaManager<'_>,
    name: &str,
    entity: E,
    columns: &[E::Column],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(entity).if_not_exists();
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    m.get_connection().execute(&index).await?;
    Ok(())
}

/// Drops an index if it exists.
async fn drop_index<E: EntityTrait>(m: &SchemaManager<'_>, name: &str, entity: E) -> Result<(), DbErr> {
    m.get_connection().execute(&Index::drop().name(name).table(entity).if_exists().to_owned()).await?;
    Ok(())
}

/// A store error met inside a migration, as the migration framework carries errors.
fn migration_error(e: StoreError) -> DbErr {
    DbErr::Migration(e.to_string())
}
