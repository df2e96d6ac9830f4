//! Version 10: the open time limits counted by organization, kind, deadline and month due, kept
//! with each write, so the district's 我的待办 and overview count overdue limits without walking
//! them. Filled here from the limits already stored.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_table, migration_error};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, ledger_open_count::Entity).await?;
        crate::ledger::recount_open_counts(m.get_connection()).await.map_err(migration_error)?;
        Ok(())
    }
}
