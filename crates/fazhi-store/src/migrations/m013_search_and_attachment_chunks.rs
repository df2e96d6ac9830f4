//! Version 13: the trigram index the ledgers' search looks words up in (`db::create_search_index`:
//! FTS5 on SQLite, `pg_trgm` on PostgreSQL), built over the records already stored; and the table
//! of attachments' contents, which PostgreSQL installations keep in the database.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_table, migration_error};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, attachment_chunk::Entity).await?;
        crate::db::create_search_index(m.get_connection()).await.map_err(migration_error)
    }
}
