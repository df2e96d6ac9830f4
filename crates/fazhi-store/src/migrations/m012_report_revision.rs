//! Version 12: when the district returned a published report, so the public page withdraws it
//! until a new version is approved and published, saying since when it is being revised.

use sea_orm::sea_query::ColumnDef;
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::add_missing_column;
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut since = ColumnDef::new(annual_report::Column::RevisingSince);
        since.timestamp_with_time_zone().null();
        add_missing_column(m, annual_report::Entity, annual_report::Column::RevisingSince, &mut since).await?;
        Ok(())
    }
}
