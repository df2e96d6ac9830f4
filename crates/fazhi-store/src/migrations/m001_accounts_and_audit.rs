//! Version 1: organizations, accounts, sessions, API tokens and the audit chain with its head.

use fazhi_domain::audit::GENESIS_HASH;
use sea_orm::sea_query::{Index, IndexCreateStatement};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::create_table;
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
        for index in indexes() {
            m.get_connection().execute(&index).await?;
        }
        let conn = m.get_connection();
        if audit_head::Entity::find_by_id(1).one(conn).await?.is_none() {
            audit_head::ActiveModel { id: Set(1), last_id: Set(0), last_hash: Set(GENESIS_HASH.to_owned()) }
                .insert(conn)
                .await?;
        }
        Ok(())
    }
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        Index::create()
            .name("idx_organizations_path")
            .table(organization::Entity)
            .col(organization::Column::Path)
            .if_not_exists()
            .to_owned(),
        Index::create()
            .name("idx_organizations_parent")
            .table(organization::Entity)
            .col(organization::Column::ParentId)
            .if_not_exists()
            .to_owned(),
        Index::create().name("idx_users_org").table(user::Entity).col(user::Column::OrgId).if_not_exists().to_owned(),
        Index::create()
            .name("idx_sessions_user")
            .table(session::Entity)
            .col(session::Column::UserId)
            .if_not_exists()
            .to_owned(),
        Index::create()
            .name("idx_audit_actor_at")
            .table(audit_record::Entity)
            .col(audit_record::Column::ActorId)
            .col(audit_record::Column::At)
            .if_not_exists()
            .to_owned(),
        Index::create()
            .name("idx_audit_at")
            .table(audit_record::Entity)
            .col(audit_record::Column::At)
            .if_not_exists()
            .to_owned(),
        Index::create()
            .name("idx_audit_object")
            .table(audit_record::Entity)
            .col(audit_record::Column::ObjectType)
            .col(audit_record::Column::ObjectId)
            .if_not_exists()
            .to_owned(),
    ]
}
