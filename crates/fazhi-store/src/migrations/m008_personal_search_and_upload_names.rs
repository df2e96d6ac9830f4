//! Version 8: citizens' personal values searched apart from the rest (only by those who see
//! them), and the uploaded file's name for the history of each record it imports.

use sea_orm::sea_query::ColumnDef;
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{add_missing_column, migration_error};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut personal = ColumnDef::new(ledger_record::Column::PersonalText);
        personal.text().not_null().default("");
        if add_missing_column(m, ledger_record::Entity, ledger_record::Column::PersonalText, &mut personal).await? {
            // Every record's search texts written again, the personal part apart.
            crate::ledger::rewrite_search_texts(m.get_connection()).await.map_err(migration_error)?;
        }
        let mut file_name = ColumnDef::new(ledger_upload::Column::FileName);
        file_name.string().not_null().default("");
        add_missing_column(m, ledger_upload::Entity, ledger_upload::Column::FileName, &mut file_name).await?;
        Ok(())
    }
}
