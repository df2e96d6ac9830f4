//! Version 7: 接口账号, API tokens that expire or only read, two-factor sign-in, and rule settings
//! that belong to organizations.

use sea_orm::sea_query::{ColumnDef, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sea_orm_migration::prelude::DeriveMigrationName;
use sea_orm_migration::{DbErr, MigrationTrait, SchemaManager, async_trait};

use super::{add_missing_column, create_table};
use crate::entities::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        use api_token::Column as T;
        use session::Column as S;
        use user::Column as U;
        for (column, def) in [
            (U::ServiceAccount, ColumnDef::new(U::ServiceAccount).boolean().not_null().default(false).to_owned()),
            // Two-factor sign-in: the user's sealed seed and recovery codes.
            (U::TotpSecret, ColumnDef::new(U::TotpSecret).text().null().to_owned()),
            (U::TotpEnabled, ColumnDef::new(U::TotpEnabled).boolean().not_null().default(false).to_owned()),
            (U::TotpLastStep, ColumnDef::new(U::TotpLastStep).big_integer().null().to_owned()),
            (U::RecoveryCodes, ColumnDef::new(U::RecoveryCodes).text().null().to_owned()),
        ] {
            add_missing_column(m, user::Entity, column, &mut def.clone()).await?;
        }
        for (column, def) in [
            (T::ExpiresAt, ColumnDef::new(T::ExpiresAt).timestamp_with_time_zone().null().to_owned()),
            (T::ReadOnly, ColumnDef::new(T::ReadOnly).boolean().not_null().default(false).to_owned()),
        ] {
            add_missing_column(m, api_token::Entity, column, &mut def.clone()).await?;
        }
        // A session's stage of the sign-in.
        for (column, def) in [
            (S::Pending, ColumnDef::new(S::Pending).string().not_null().default("").to_owned()),
            (S::FailedCodes, ColumnDef::new(S::FailedCodes).integer().not_null().default(0).to_owned()),
        ] {
            add_missing_column(m, session::Entity, column, &mut def.clone()).await?;
        }
        // Tokens issued before expiry existed get the default term now.
        let term = crate::now() + chrono::Duration::days(fazhi_domain::auth_policy::TOKEN_DEFAULT_DAYS);
        let fill = Query::update()
            .table(api_token::Entity)
            .value(T::ExpiresAt, term)
            .and_where(T::ExpiresAt.is_null())
            .to_owned();
        conn.execute(&fill).await?;

        // Rule settings belong to organizations: what was set for the whole installation
        // becomes the setting of each top organization (the district), in force below it.
        create_table(m, org_setting::Entity).await?;
        let roots = organization::Entity::find().filter(organization::Column::ParentId.is_null()).all(conn).await?;
        for row in setting::Entity::find().all(conn).await? {
            let declared = fazhi_domain::ledgers::setting(&row.key).is_some();
            if !declared {
                continue;
            }
            for root in &roots {
                org_setting::ActiveModel {
                    org_id: Set(root.id),
                    key: Set(row.key.clone()),
                    value_json: Set(row.value_json.clone()),
                    updated_at: Set(row.updated_at),
                    updated_by: Set(row.updated_by.clone()),
                }
                .insert(conn)
                .await?;
            }
            setting::Entity::delete_by_id(row.key).exec(conn).await?;
        }
        Ok(())
    }
}
