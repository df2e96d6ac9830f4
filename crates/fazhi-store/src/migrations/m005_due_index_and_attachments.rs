//! Version 5: the to-do's index over open deadlines in due order, and record attachments.

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
        let conn = m.get_connection();
        // The district's to-do walks the open limits in due order and counts them per
        // organization: an index on (due, record_id, org_id) gives both from the index alone.
        conn.execute(
            &Index::drop().name("idx_ledger_deadline_due").table(ledger_deadline::Entity).if_exists().to_owned(),
        )
        .await?;
        let due = Index::create()
            .name("idx_ledger_deadline_due_record_org")
            .table(ledger_deadline::Entity)
            .col(ledger_deadline::Column::Due)
            .col(ledger_deadline::Column::RecordId)
            .col(ledger_deadline::Column::OrgId)
            .if_not_exists()
            .to_owned();
        conn.execute(&due).await?;
        create_table(m, ledger_attachment::Entity).await?;
        let by_record = Index::create()
            .name("idx_ledger_attachments_record")
            .table(ledger_attachment::Entity)
            .col(ledger_attachment::Column::RecordId)
            .if_not_exists()
            .to_owned();
        conn.execute(&by_record).await?;
        Ok(())
    }
}
