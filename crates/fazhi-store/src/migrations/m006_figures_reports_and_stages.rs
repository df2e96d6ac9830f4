//! Version 6: attachments filed under a stage of the procedure, the counted figures of the
//! indicators, and annual reports with their versions.

use sea_orm::sea_query::ColumnDef;
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{add_missing_column, create_index, create_table};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut stage = ColumnDef::new(ledger_attachment::Column::Stage);
        stage.string().null();
        add_missing_column(m, ledger_attachment::Entity, ledger_attachment::Column::Stage, &mut stage).await?;
        create_table(m, ledger_figure::Entity).await?;
        use ledger_figure::Column as F;
        create_index(m, "idx_ledger_figures_org_year", ledger_figure::Entity, &[F::OrgId, F::FromYear], false).await?;
        create_index(m, "idx_ledger_figures_record", ledger_figure::Entity, &[F::RecordId], false).await?;
        create_table(m, annual_report::Entity).await?;
        use annual_report::Column as R;
        create_index(m, "idx_annual_reports_org_year", annual_report::Entity, &[R::OrgId, R::Year], true).await?;
        create_table(m, annual_report_version::Entity).await?;
        use annual_report_version::Column as V;
        let numbered = [V::ReportId, V::Number];
        create_index(m, "idx_annual_report_versions_report", annual_report_version::Entity, &numbered, true).await?;
        Ok(())
    }
}
