//! Version 14: SQLite's search index built again with each record's scope (its kind, its
//! organization) and lower-cased name beside its texts (`db::create_search_index`), so that a
//! township's search reads its own matches only and ranks names first inside the index.
//! PostgreSQL's trigram indexes stay as they are.

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
