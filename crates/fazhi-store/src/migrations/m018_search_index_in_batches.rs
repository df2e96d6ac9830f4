//! Version 18: SQLite's trigram index kept like the pair index, in batches off the writers' path
//! (`db::create_search_index`): both indexes are built again from every stored record, with the
//! progress on the console, and the writers' triggers only note which records changed.
//! PostgreSQL is unchanged.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::migration_error;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::db::create_search_index(m.get_connection()).await.map_err(migration_error)
    }
}
