//! Version 16: comments from the public on drafts open for comment (`public_comments`), found by
//! the draft they are on.

use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_index, create_table};
use crate::entities::public_comment;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, public_comment::Entity).await?;
        let (record, id) = (public_comment::Column::RecordId, public_comment::Column::Id);
        create_index(m, "public_comments_record", public_comment::Entity, &[record, id], false).await?;
        let (path, moderation) = (public_comment::Column::OrgPath, public_comment::Column::Moderation);
        create_index(m, "public_comments_queue", public_comment::Entity, &[path, moderation], false).await?;
        Ok(())
    }
}
