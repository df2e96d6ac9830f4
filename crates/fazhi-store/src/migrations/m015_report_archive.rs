//! Version 15: the townships' archive of earlier annual reports filed as files
//! (`archived_reports`), found by township and year.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_index, create_table};
use crate::entities::archived_report;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, archived_report::Entity).await?;
        let (org, year) = (archived_report::Column::OrgId, archived_report::Column::Year);
        create_index(m, "archived_reports_org_year", archived_report::Entity, &[org, year], false).await?;
        let path = archived_report::Column::OrgPath;
        create_index(m, "archived_reports_scope", archived_report::Entity, &[path, year], false).await?;
        Ok(())
    }
}
