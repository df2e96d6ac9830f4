//! Version 4: search texts, the table of open deadlines, rule settings, stashed uploads, and the
//! list indexes.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{ColumnDef, Expr, Query};
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{add_missing_column, create_index, create_table, drop_index, migration_error};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        let mut search_text = ColumnDef::new(ledger_record::Column::SearchText);
        search_text.text().not_null().default("");
        let records_before_search =
            add_missing_column(m, ledger_record::Entity, ledger_record::Column::SearchText, &mut search_text).await?;
        if records_before_search {
            // Records stored before search: their title is what they were found by.
            let fill = Query::update()
                .table(ledger_record::Entity)
                .value(ledger_record::Column::SearchText, Expr::col(ledger_record::Column::Title))
                .to_owned();
            conn.execute(&fill).await?;
        }
        create_table(m, ledger_deadline::Entity).await?;
        create_table(m, setting::Entity).await?;
        create_table(m, ledger_upload::Entity).await?;
        // Lists read ids from these indexes alone (filter and order), then fetch one page of
        // rows: a township's list and the whole district's both stay a bounded index walk.
        drop_index(m, "idx_ledger_kind_path", ledger_record::Entity).await?;
        use ledger_record::Column as R;
        for (name, columns) in [
            ("idx_ledger_org_updated", &[R::Kind, R::OrgId, R::State, R::UpdatedAt, R::Id][..]),
            ("idx_ledger_org_title", &[R::Kind, R::OrgId, R::State, R::Title, R::Id]),
            ("idx_ledger_state_updated", &[R::Kind, R::State, R::UpdatedAt, R::Id]),
            ("idx_ledger_state_title", &[R::Kind, R::State, R::Title, R::Id]),
        ] {
            create_index(m, name, ledger_record::Entity, columns, false).await?;
        }
        use ledger_deadline::Column as D;
        create_index(m, "idx_ledger_deadline_org_due", ledger_deadline::Entity, &[D::OrgId, D::Due], false).await?;
        create_index(m, "idx_ledger_deadline_due", ledger_deadline::Entity, &[D::Due], false).await?;
        if records_before_search {
            // Records stored before the deadlines were kept in a table: count theirs now.
            let calendar = crate::calendar::current_on(conn).await.map_err(migration_error)?;
            let settings = fazhi_domain::ledger::Settings::default();
            let ctx = fazhi_domain::ledger::Context::new(&calendar, &settings);
            crate::ledger::count_deadlines_before_open_counts(conn, &ctx).await.map_err(migration_error)?;
        }
        Ok(())
    }
}
