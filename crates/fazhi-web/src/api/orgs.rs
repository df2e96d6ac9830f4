//! The organization tree (`pages/orgs.rs`).

use crate::extract::Path;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use fazhi_store::orgs::{self, NewOrg, OrgUpdate, OrgView};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiErrorBody};

use super::{ApiResult, body};

#[utoipa::path(get, path = "/api/v1/orgs", tag = "组织机构", responses((status = 200, body = Vec<OrgView>, description = "本机构及下属机构，按树的先序排列")))]
pub async fn list_orgs(State(state): State<AppState>, caller: Caller) -> ApiResult<Vec<OrgView>> {
    Ok(Json(orgs::list(&state.db, &caller.scope()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOrgBody {
    pub name: String,
    /// `township`, `street`, `village`, `community` or `office`.
    pub kind: String,
    pub parent_id: i64,
    #[serde(default)]
    pub sort_order: i32,
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "组织机构", request_body = NewOrgBody,
    responses((status = 201, body = OrgView), (status = 400, body = ApiErrorBody)))]
pub async fn create_org(
    State(state): State<AppState>,
    caller: Caller,
    input: Result<Json<NewOrgBody>, JsonRejection>,
) -> Result<(StatusCode, Json<OrgView>), ApiError> {
    let input = body(input)?;
    let org = orgs::create(
        &state.db,
        &caller.actor(),
        &caller.scope(),
        NewOrg { name: input.name, kind: input.kind, parent_id: Some(input.parent_id), sort_order: input.sort_order },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(org)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "组织机构", params(("id" = i64, Path, description = "机构编号")),
    responses((status = 200, body = OrgView), (status = 404, body = ApiErrorBody)))]
pub async fn get_org(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<OrgView> {
    Ok(Json(orgs::get(&state.db, &caller.scope(), id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct OrgUpdateBody {
    pub name: String,
    #[serde(default)]
    pub sort_order: i32,
    /// The version read; a different current version answers 409.
    pub version: i64,
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "组织机构", params(("id" = i64, Path, description = "机构编号")), request_body = OrgUpdateBody,
    responses((status = 200, body = OrgView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn update_org(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    input: Result<Json<OrgUpdateBody>, JsonRejection>,
) -> ApiResult<OrgView> {
    let input = body(input)?;
    Ok(Json(
        orgs::update(
            &state.db,
            &caller.actor(),
            &caller.scope(),
            id,
            OrgUpdate { name: input.name, sort_order: input.sort_order, version: input.version },
        )
        .await?,
    ))
}
