//! Version 11: comments between the district and the townships on records, reports and 督察问题,
//! each user's read marks, which put new comments from the other side in 我的待办, and the
//! district's 督察通报.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_index, create_table};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, comment::Entity).await?;
        create_table(m, comment_read::Entity).await?;
        // A record's thread, and the newest comments of a scope (the to-do list's unread ones).
        let (target, id, path) = (comment::Column::TargetKind, comment::Column::TargetId, comment::Column::OrgPath);
        create_index(m, "comments_target", comment::Entity, &[target, id], false).await?;
        create_index(m, "comments_scope", comment::Entity, &[path, comment::Column::Id], false).await?;
        create_table(m, supervision_bulletin::Entity).await?;
        let (org, period) = (supervision_bulletin::Column::OrgId, supervision_bulletin::Column::Period);
        create_index(m, "supervision_bulletins_period", supervision_bulletin::Entity, &[org, period], true).await?;
        Ok(())
    }
}
