use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fazhi_store::StoreError;
use serde::Serialize;

/// A JSON API error: a stable `code`, a Chinese `message`, and the `field` when one is at fault.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ApiErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, body: ApiErrorBody { code, message: message.into(), field: None } }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid", message);
        e.body.field = Some(field.to_owned());
        e
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "请先登录，或提供有效的接口令牌")
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(f) => ApiError::invalid(f.field, f.message),
            StoreError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", "记录不存在或无权查看"),
            StoreError::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", "该记录已被他人修改，请刷新后重试"),
            StoreError::Fields(errors) => {
                let message = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；");
                ApiError::invalid(errors.first().map(|e| e.field).unwrap_or("body"), message)
            }
            StoreError::Refused { rule, message } => {
                ApiError::new(StatusCode::BAD_REQUEST, rule.unwrap_or("state"), message)
            }
            StoreError::Forbidden(message) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", message),
            other => {
                tracing::error!("internal error: {other}");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后重试或联系管理员")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// Maps a JSON body that could not be read to a 400 naming the field where serde can tell.
pub fn json_rejection(rejection: axum::extract::rejection::JsonRejection) -> ApiError {
    let text = rejection.body_text();
    let field = text.split('`').nth(1).unwrap_or("body").to_owned();
    let message = if text.contains("missing field") {
        format!("缺少必填字段 {field}")
    } else if text.contains("Content-Type") {
        "请求须为 JSON（Content-Type: application/json）".to_owned()
    } else {
        format!("请求体不是有效的 JSON：{text}")
    };
    ApiError::invalid(&field, message)
}
