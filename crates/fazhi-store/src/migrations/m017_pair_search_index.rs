//! Version 17: SQLite's pair index, where searches of two Chinese characters (or two Latin
//! letters and digits) are looked up instead of scanning the newest records; PostgreSQL's GIN
//! indexes of pairs. Every stored record is indexed, with the progress on the console. Today's
//! form of the indexes is built by `db::create_search_index`, which version 18 calls too.

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
