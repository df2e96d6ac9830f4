//! Version 3: ledger records, their numbering sequences, and each township's principal leader.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_index, create_table};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, ledger_record::Entity).await?;
        create_table(m, ledger_sequence::Entity).await?;
        create_table(m, org_principal::Entity).await?;
        // Replaced by the list indexes of version 4.
        let columns = [ledger_record::Column::Kind, ledger_record::Column::OrgPath];
        create_index(m, "idx_ledger_kind_path", ledger_record::Entity, &columns, false).await?;
        Ok(())
    }
}
