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

/// How an error is answered: the HTTP status, a stable code for programs, the Chinese words a
/// person is shown, and the field at fault when there is one.
pub struct Answer {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
}

/// The one table from a store error to its answer, for the API, the pages and the forms alike.
/// Every kind is named: a new one must be given its answer here, not fall into a 500 unnoticed.
pub fn answer(e: &StoreError) -> Answer {
    let (status, code, field) = match e {
        StoreError::Invalid(f) => (StatusCode::BAD_REQUEST, "invalid", Some(f.field)),
        StoreError::Fields(errors) => {
            (StatusCode::BAD_REQUEST, "invalid", Some(errors.first().map_or("body", |f| f.field)))
        }
        StoreError::Refused { rule, .. } => (StatusCode::BAD_REQUEST, rule.unwrap_or("state"), None),
        StoreError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", None),
        StoreError::NotFound => (StatusCode::NOT_FOUND, "not_found", None),
        StoreError::Conflict => (StatusCode::CONFLICT, "conflict", None),
        StoreError::Database(_) | StoreError::Internal(_) | StoreError::Setup(_) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal", None)
        }
    };
    let message = match e {
        // Internal details are logged (with the request's id, from the span), never shown.
        StoreError::Database(_) | StoreError::Internal(_) | StoreError::Setup(_) => {
            tracing::error!("internal error: {e}");
            INTERNAL.to_owned()
        }
        StoreError::Invalid(f) => f.message.clone(),
        other => other.to_string(),
    };
    Answer { status, code, message, field }
}

/// The way back from a bare page.
pub const HOME: (&str, &str) = ("/", "返回首页");

/// What a person is told of an error that is not theirs.
pub const INTERNAL: &str = "服务器内部错误，请稍后重试或联系管理员";

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let Answer { status, code, message, field } = answer(&e);
        ApiError { status, body: ApiErrorBody { code, message, field: field.map(str::to_owned) } }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// A page that could not be served, worded by the one error table. Handlers return it with `?`;
/// the route layer draws it inside the caller's page frame (`pages::framed`), so no handler renders an
/// error page itself.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    heading: &'static str,
    message: String,
}

pub type PageResult = Result<Response, PageError>;

impl PageError {
    pub fn new(status: StatusCode, heading: &'static str, message: impl Into<String>) -> PageError {
        PageError { status, heading, message: message.into() }
    }

    pub fn forbidden(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::FORBIDDEN, "无权访问", message)
    }

    pub fn not_found() -> PageError {
        PageError::new(StatusCode::NOT_FOUND, "页面不存在", "您访问的页面不存在或无权查看。")
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        let Answer { status, message, .. } = answer(&e);
        PageError::new(status, "操作未完成", message)
    }
}

/// Waits on a response for the route layer to draw it in the page frame.
#[derive(Clone)]
pub(crate) struct Unframed {
    pub heading: &'static str,
    pub message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(Unframed { heading: self.heading, message: self.message });
        response
    }
}

/// A page of its own for words that have no page frame to be drawn in (before sign-in, the
/// public pages, the framework's refusals): a heading, the words, and the way back.
pub fn bare_page(status: StatusCode, heading: &str, message: &str, back: (&str, &str)) -> Response {
    use fazhi_report::render::esc;
    let page = format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width, initial-scale=1\"><title>{heading}</title><link rel=stylesheet href=/static/app.css><main class=\"login-box\"><h1>{heading}</h1><p>{message}</p><p><a href=\"{href}\">{label}</a></p></main>",
        heading = esc(heading),
        message = esc(message),
        href = esc(back.0),
        label = esc(back.1),
    );
    (status, axum::response::Html(page)).into_response()
}

/// Maps a JSON body that could not be read to a 400 naming the field where serde can tell.
pub fn json_rejection(rejection: axum::extract::rejection::JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "请求内容过大：接口请求不超过1 MB");
    }
    let text = rejection.body_text();
    let field = text.split('`').nth(1).unwrap_or("body").to_owned();
    let message = if text.contains("missing field") {
        format!("缺少必填字段 {field}")
    } else if text.contains("Content-Type") {
        "请求须为 JSON（Content-Type: application/json）".to_owned()
    } else {
        format!("请求体不是有效的 JSON：{}", text.chars().take(100).collect::<String>())
    };
    ApiError::invalid(&field, message)
}

/// The answers the framework makes by itself — a method a route does not take (405), a body over
/// the limit (413), a body or form it could not read — come as English plain text. This layer,
/// outermost of all, gives them the shape of every other refusal: `{code, message, field}` for the
/// API, a Chinese page for people. Answers already in that shape pass untouched.
pub async fn framework_errors(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::header;
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let shaped = if api { content_type.starts_with("application/json") } else { content_type.starts_with("text/html") };
    if shaped {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "该地址不支持此请求方法"),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("payload_too_large", "请求内容过大：表格和附件每个不超过20 MB，其他请求不超过1 MB")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "请求内容的类型不受支持（接口请使用 application/json）")
        }
        StatusCode::NOT_FOUND => ("not_found", "接口或页面不存在"),
        s if s.is_server_error() => ("internal", INTERNAL),
        _ => ("invalid", "请求内容无法读取，请检查后重试"),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let body = if api {
        ApiError::new(status, code, message).into_response()
    } else {
        bare_page(status, "请求未完成", message, HOME)
    };
    let (body_parts, body) = body.into_parts();
    parts.headers.extend(body_parts.headers);
    Response::from_parts(parts, body)
}
