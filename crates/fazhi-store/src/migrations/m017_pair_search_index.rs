//! Version 17: SQLite's pair index (`db::create_pair_index`), where searches of two Chinese
//! characters (or two Latin letters and digits) are looked up instead of scanning the newest
//! records. Every stored record is indexed, with the progress on the console. PostgreSQL is
//! unchanged.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::migration_error;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::db::create_pair_index(m.get_connection()).await.map_err(migration_error)
    }
}
