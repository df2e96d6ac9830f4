//! Version 3: ledger records, their numbering sequences, and each township's principal leader.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::Index;
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::create_table;
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
        let index = Index::create()
            .name("idx_ledger_kind_path")
            .table(ledger_record::Entity)
            .col(ledger_record::Column::Kind)
            .col(ledger_record::Column::OrgPath)
            .if_not_exists()
            .to_owned();
        m.get_connection().execute(&index).await?;
        Ok(())
    }
}
