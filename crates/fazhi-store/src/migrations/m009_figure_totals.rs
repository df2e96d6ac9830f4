//! Version 9: the figures' totals by organization, kind, indicator and years, kept with each
//! write, so the district's overview reads sums instead of rows. They are filled when the figure
//! rows are written again, which the new figures of this version (the records of each year, the
//! time limits' outcomes) bring about at start.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_index, create_table};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, ledger_figure_total::Entity).await?;
        use ledger_figure_total::Column as T;
        let key = [T::OrgId, T::Kind, T::Indicator, T::FromYear, T::ToYear];
        create_index(m, "idx_ledger_figure_totals_key", ledger_figure_total::Entity, &key, true).await?;
        // A year filter and a drill-down find a kind's records of a year by their figure rows.
        use ledger_figure::Column as F;
        let by_kind = [F::Kind, F::Indicator, F::FromYear];
        create_index(m, "idx_ledger_figures_kind_year", ledger_figure::Entity, &by_kind, false).await?;
        Ok(())
    }
}
