//! Version 1: organizations, accounts, sessions, API tokens and the audit chain with its head.

use fazhi_domain::audit::GENESIS_HASH;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{create_index, create_table};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_table(m, organization::Entity).await?;
        create_table(m, user::Entity).await?;
        create_table(m, session::Entity).await?;
        create_table(m, api_token::Entity).await?;
        create_table(m, audit_record::Entity).await?;
        create_table(m, audit_head::Entity).await?;
        use audit_record::Column as A;
        create_index(m, "idx_organizations_path", organization::Entity, &[organization::Column::Path], false).await?;
        create_index(m, "idx_organizations_parent", organization::Entity, &[organization::Column::ParentId], false)
            .await?;
        create_index(m, "idx_users_org", user::Entity, &[user::Column::OrgId], false).await?;
        create_index(m, "idx_sessions_user", session::Entity, &[session::Column::UserId], false).await?;
        create_index(m, "idx_audit_actor_at", audit_record::Entity, &[A::ActorId, A::At], false).await?;
        create_index(m, "idx_audit_at", audit_record::Entity, &[A::At], false).await?;
        create_index(m, "idx_audit_object", audit_record::Entity, &[A::ObjectType, A::ObjectId], false).await?;
        let conn = m.get_connection();
        if audit_head::Entity::find_by_id(1).one(conn).await?.is_none() {
            audit_head::ActiveModel { id: Set(1), last_id: Set(0), last_hash: Set(GENESIS_HASH.to_owned()) }
                .insert(conn)
                .await?;
        }
        Ok(())
    }
}
