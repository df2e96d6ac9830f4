//! Version 5: the to-do's index over open deadlines in due order, and record attachments.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_index, create_table, drop_index};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The district's to-do walks the open limits in due order and counts them per
        // organization: an index on (due, record_id, org_id) gives both from the index alone.
        drop_index(m, "idx_ledger_deadline_due", ledger_deadline::Entity).await?;
        use ledger_deadline::Column as D;
        let columns = [D::Due, D::RecordId, D::OrgId];
        create_index(m, "idx_ledger_deadline_due_record_org", ledger_deadline::Entity, &columns, false).await?;
        create_table(m, ledger_attachment::Entity).await?;
        let by_record = [ledger_attachment::Column::RecordId];
        create_index(m, "idx_ledger_attachments_record", ledger_attachment::Entity, &by_record, false).await?;
        Ok(())
    }
}
