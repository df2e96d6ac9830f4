//! Version 4: search texts, the table of open deadlines, rule settings, stashed uploads, and the
//! list indexes.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{ColumnDef, Expr, Index, Query};
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{add_missing_column, create_table, migration_error};
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
        conn.execute(&Index::drop().name("idx_ledger_kind_path").table(ledger_record::Entity).if_exists().to_owned())
            .await?;
        let ledger = |name: &str, cols: &[ledger_record::Column]| {
            let mut index = Index::create();
            index.name(name).table(ledger_record::Entity).if_not_exists();
            for c in cols {
                index.col(*c);
            }
            index
        };
        use ledger_record::Column as R;
        for index in [
            ledger("idx_ledger_org_updated", &[R::Kind, R::OrgId, R::State, R::UpdatedAt, R::Id]),
            ledger("idx_ledger_org_title", &[R::Kind, R::OrgId, R::State, R::Title, R::Id]),
            ledger("idx_ledger_state_updated", &[R::Kind, R::State, R::UpdatedAt, R::Id]),
            ledger("idx_ledger_state_title", &[R::Kind, R::State, R::Title, R::Id]),
        ] {
            conn.execute(&index).await?;
        }
        let by_org = Index::create()
            .name("idx_ledger_deadline_org_due")
            .table(ledger_deadline::Entity)
            .col(ledger_deadline::Column::OrgId)
            .col(ledger_deadline::Column::Due)
            .if_not_exists()
            .to_owned();
        conn.execute(&by_org).await?;
        let by_due = Index::create()
            .name("idx_ledger_deadline_due")
            .table(ledger_deadline::Entity)
            .col(ledger_deadline::Column::Due)
            .if_not_exists()
            .to_owned();
        conn.execute(&by_due).await?;
        if records_before_search {
            // Records stored before the deadlines were kept in a table: count theirs now.
            let calendar = crate::calendar::current_on(conn).await.map_err(migration_error)?;
            let settings = fazhi_domain::ledger::Settings::default();
            let ctx = fazhi_domain::ledger::Context::new(&calendar, &settings);
            crate::ledger::count_deadlines_after(conn, 0, &ctx).await.map_err(migration_error)?;
        }
        Ok(())
    }
}
