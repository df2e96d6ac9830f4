//! The JSON API under `/api/v1`: the same operations as the UI, for programs. Authenticated by
//! the session cookie (with the `X-CSRF-Token` header on changes) or by an API token.
//!
//! One module per resource, as `pages/` has one per page; each handler takes the [`Caller`] and
//! answers with the one error table (`ApiError`).

pub mod account;
pub mod archive;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod ledgers;
pub mod orgs;
pub mod public;
pub mod reports;
pub mod settings;
pub mod todo;
pub mod tokens;
pub mod users;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use fazhi_domain::role::Role;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{ApiError, json_rejection};

type ApiResult<T> = Result<Json<T>, ApiError>;

fn body<T>(input: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    input.map(|Json(v)| v).map_err(json_rejection)
}

fn roles(codes: &[String]) -> Result<Vec<Role>, ApiError> {
    codes.iter().map(|c| Role::parse(c).map_err(|e| ApiError::invalid(e.field, e.message))).collect()
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    /// Why: kept in the audit trail.
    pub reason: String,
}

/// Field values of a form or a JSON object, as text by field key.
fn text_fields(body: serde_json::Map<String, serde_json::Value>) -> std::collections::BTreeMap<String, String> {
    body.into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Bool(b) => if b { "是" } else { "否" }.to_owned(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

/// The record's version the caller read, which a change must name.
fn version_of(fields: &std::collections::BTreeMap<String, String>) -> Result<i64, ApiError> {
    fields
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::invalid("version", "请提供记录的 version"))
}
