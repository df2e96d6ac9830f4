//! Path and query extractors whose refusals are Chinese and in the caller's surface (JSON for the
//! API, a page for people), instead of axum's English plain text. Handlers import these in place
//! of axum's own, so no handler can forget.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A path whose parameters parsed, as `axum::extract::Path`.
pub struct Path<T>(pub T);

/// The ledger kind a path names (`/ledgers/{kind}/…`): an unknown kind is a Chinese 404 in the
/// caller's surface, so no handler looks a kind up itself.
pub struct Kind(pub &'static fazhi_domain::ledger::LedgerKind);

impl<S: Send + Sync> FromRequestParts<S> for Kind {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state).await.ok();
        let code = params.as_ref().and_then(|p| p.iter().find(|(name, _)| *name == "kind").map(|(_, v)| v.to_owned()));
        match code.as_deref().and_then(fazhi_domain::ledgers::by_code) {
            Some(kind) => Ok(Kind(kind)),
            None => Err(refuse(parts, StatusCode::NOT_FOUND, None, "没有这种台账".into())),
        }
    }
}

/// A query string that parsed, as `axum::extract::Query`.
pub struct Query<T>(pub T);

/// The parameter serde names in its message (`page: invalid digit…`, ``missing field `a` ``).
fn named_parameter(text: &str) -> Option<String> {
    let detail = text.rsplit_once("string: ").map(|(_, d)| d).unwrap_or(text);
    let name = match detail.strip_prefix("missing field ") {
        Some(missing) => missing.trim_matches('`'),
        None => detail.split(':').next()?.trim(),
    };
    let plain = !name.is_empty() && name.len() <= 40 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    plain.then(|| name.to_owned())
}

fn refuse(parts: &Parts, status: StatusCode, field: Option<String>, message: String) -> Response {
    if parts.uri.path().starts_with("/api/") {
        let code = if status == StatusCode::NOT_FOUND { "not_found" } else { "invalid" };
        let mut error = ApiError::new(status, code, message);
        error.body.field = field;
        return error.into_response();
    }
    // Drawn in the caller's page frame by the route layer.
    let heading = if status == StatusCode::NOT_FOUND { "页面不存在" } else { "请求无效" };
    crate::pages::PageError::new(status, heading, message).into_response()
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            // A segment that is not what the route takes (`/reports/abc`) names nothing that exists.
            Err(_) => Err(refuse(parts, StatusCode::NOT_FOUND, None, "地址有误：所访问的记录或页面不存在".into())),
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => {
                let text = rejection.body_text();
                let field = named_parameter(&text);
                let message = match &field {
                    Some(name) if text.contains("missing field") => format!("缺少查询参数“{name}”"),
                    Some(name) => format!("查询参数“{name}”的值无效（页码、年份等须为整数，日期须为 YYYY-MM-DD）"),
                    None => "查询参数无效，请检查地址栏中“?”之后的内容".to_owned(),
                };
                Err(refuse(parts, StatusCode::BAD_REQUEST, field, message))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_parameter_serde_names() {
        assert_eq!(
            named_parameter("Failed to deserialize query string: page: invalid digit found in string"),
            Some("page".into())
        );
        assert_eq!(named_parameter("Failed to deserialize query string: missing field `a`"), Some("a".into()));
    }
}
