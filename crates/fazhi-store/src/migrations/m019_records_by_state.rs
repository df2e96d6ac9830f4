//! Version 19: an index of the records by kind and state, newest first, so a district's list
//! walks the records at rest of one kind newest first down the index instead of down the records.
//! It indexes an expression (`ledger::KIND_AND_STATE`) that only that walk writes: an index of the
//! plain columns was chosen by SQLite for a township's list of one state too, which then passed
//! every other township's records to fill its page.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The same statement on both databases: each indexes an expression in parentheses.
        let sql = format!(
            "CREATE INDEX IF NOT EXISTS idx_ledger_by_state_newest ON ledger_records ({}, id)",
            crate::ledger::KIND_AND_STATE
        );
        m.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }
}
