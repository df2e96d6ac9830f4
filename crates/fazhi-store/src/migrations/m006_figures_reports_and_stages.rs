//! Version 6: attachments filed under a stage of the procedure, the counted figures of the
//! indicators, and annual reports with their versions.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{ColumnDef, Index};
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{add_missing_column, create_table};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        let mut stage = ColumnDef::new(ledger_attachment::Column::Stage);
        stage.string().null();
        add_missing_column(m, ledger_attachment::Entity, ledger_attachment::Column::Stage, &mut stage).await?;
        create_table(m, ledger_figure::Entity).await?;
        let by_org_year = Index::create()
            .name("idx_ledger_figures_org_year")
            .table(ledger_figure::Entity)
            .col(ledger_figure::Column::OrgId)
            .col(ledger_figure::Column::FromYear)
            .if_not_exists()
            .to_owned();
        conn.execute(&by_org_year).await?;
        let by_record = Index::create()
            .name("idx_ledger_figures_record")
            .table(ledger_figure::Entity)
            .col(ledger_figure::Column::RecordId)
            .if_not_exists()
            .to_owned();
        conn.execute(&by_record).await?;
        create_table(m, annual_report::Entity).await?;
        let one_per_year = Index::create()
            .name("idx_annual_reports_org_year")
            .table(annual_report::Entity)
            .col(annual_report::Column::OrgId)
            .col(annual_report::Column::Year)
            .unique()
            .if_not_exists()
            .to_owned();
        conn.execute(&one_per_year).await?;
        create_table(m, annual_report_version::Entity).await?;
        let numbered = Index::create()
            .name("idx_annual_report_versions_report")
            .table(annual_report_version::Entity)
            .col(annual_report_version::Column::ReportId)
            .col(annual_report_version::Column::Number)
            .unique()
            .if_not_exists()
            .to_owned();
        conn.execute(&numbered).await?;
        Ok(())
    }
}
