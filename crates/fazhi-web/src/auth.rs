//! Who is asking: a session cookie or an API token, checked on every request before routing; and
//! the CSRF check for every state-changing request made with a cookie.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fazhi_store::users::Principal;
use fazhi_store::{api_tokens, sessions};

use crate::AppState;
use crate::error::ApiError;
use crate::routes::RouteTable;

pub const SESSION_COOKIE: &str = "fazhi_session";
/// Double-submit token for the login form, before any session exists.
pub const LOGIN_CSRF_COOKIE: &str = "fazhi_login_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who is asking: the signed-in person of this request, their address for the audit trail, and
/// the route table that says what they may do. Authentication puts it on the request; handlers
/// take it as an extractor, so none reaches for request extensions or builds an actor or a scope
/// by hand.
#[derive(Clone)]
pub struct Caller {
    pub principal: Principal,
    /// The session's CSRF token; `None` for API-token requests, which carry no cookie.
    pub csrf_token: Option<String>,
    pub session_token: Option<String>,
    /// A sign-in that waits for its second factor or for enrolment; tokens never wait.
    pub pending: fazhi_store::two_factor::Pending,
    /// The client's address, as the audit trail records it.
    pub ip: String,
    routes: std::sync::Arc<RouteTable>,
    /// How many things wait on this person (待我处理), counted for the menu of a page request.
    pub waiting: Option<u64>,
    /// The action a page was reached after (`?done=saved`): the page says it succeeded.
    pub done: Option<String>,
}

impl Caller {
    /// Who the audit trail names for this caller's writes.
    pub fn actor(&self) -> fazhi_store::Actor {
        self.principal.actor(&self.ip)
    }

    /// What this caller may read, and whose personal data unmasked: decided by the store.
    pub fn scope(&self) -> fazhi_store::Scope {
        self.principal.scope()
    }

    pub fn roles(&self) -> Vec<fazhi_domain::role::Role> {
        self.principal.roles.iter().collect()
    }

    /// Whether this caller may send this request: pages show a form only to those who may submit
    /// it, and the menu only the pages they may open.
    pub fn may(&self, method: &axum::http::Method, path: &str) -> bool {
        self.routes.may(method, path, &self.roles())
    }

    pub fn may_get(&self, path: &str) -> bool {
        self.may(&axum::http::Method::GET, path)
    }

    pub fn may_post(&self, path: &str) -> bool {
        self.may(&axum::http::Method::POST, path)
    }
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Tokens are secrets: never in a log line.
        f.debug_struct("Caller").field("user", &self.principal.username).field("ip", &self.ip).finish_non_exhaustive()
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Response> {
        // Routes that need a caller are refused by the route table before their handler runs; a
        // handler of a public route that asks for one anyway is answered as unauthenticated.
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| ApiError::unauthorized().into_response())
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Option<Self>, std::convert::Infallible> {
        Ok(parts.extensions.get::<Caller>().cloned())
    }
}

/// The client's address, for the audit trail of requests made before signing in.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientIp>().cloned().unwrap_or_else(|| ClientIp("unknown".into())))
    }
}

/// The value of the request's cookie `name`, parsed by the `cookie` crate.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value: the whole site, never read by scripts, never sent from another site;
/// `Secure` behind HTTPS; `clear` ends it at once.
pub fn set_cookie(name: &str, value: &str, secure: bool, clear: bool) -> HeaderValue {
    let mut c = cookie::Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(secure);
    if clear {
        c = c.max_age(cookie::time::Duration::ZERO);
    }
    HeaderValue::from_str(&c.build().to_string()).expect("cookie is ASCII")
}

/// What a person is told when their account is locked: by the lockout after wrong passwords
/// (until when, in Beijing time) or by an administrator. The pages and the API say the same.
pub fn locked_message(until: Option<chrono::DateTime<chrono::Utc>>) -> String {
    match until {
        Some(t) => format!(
            "密码连续错误次数过多，账号已锁定，请于 {} 后再试，或联系系统管理员解锁",
            fazhi_domain::calendar::beijing_minute(t)
        ),
        None => "该账号已被系统管理员锁定，请联系管理员".into(),
    }
}

pub fn url_encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)]).map(|s| s[1..].to_owned()).unwrap_or_default()
}

/// The client's address: the connection's, or behind a trusted proxy the first address of
/// `X-Forwarded-For` — only when it parses as an IP address, so no header text reaches the trail.
fn client_ip(request: &Request, trust_proxy: bool) -> String {
    let forwarded = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    if let (true, Some(forwarded)) = (trust_proxy, forwarded)
        && let Some(Ok(first)) = forwarded.split(',').next().map(|s| s.trim().parse::<std::net::IpAddr>())
    {
        return first.to_string();
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn is_api(request: &Request) -> bool {
    request.uri().path().starts_with("/api/")
}

fn csrf_refused(api: bool) -> Response {
    let message = "页面已过期或请求来源不可信（CSRF 校验失败），请刷新页面后重试";
    if api {
        ApiError::new(StatusCode::FORBIDDEN, "csrf", message).into_response()
    } else {
        crate::error::bare_page(StatusCode::FORBIDDEN, "请求被拒绝", message, crate::error::HOME)
    }
}

/// The CSRF token a request presents: the header, or the form field of a urlencoded or multipart
/// (file upload) body. Reading the form field consumes the body, so the request is rebuilt around
/// the same bytes.
async fn presented_csrf(request: Request) -> Result<(Request, Option<String>), Response> {
    if let Some(v) = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        let v = v.to_owned();
        return Ok((request, Some(v)));
    }
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let boundary = multer::parse_boundary(&content_type).ok();
    if !content_type.starts_with("application/x-www-form-urlencoded") && boundary.is_none() {
        return Ok((request, None));
    }
    let limit = body_limit(request.uri().path());
    let (parts, body) = request.into_parts();
    let bytes =
        to_bytes(body, limit).await.map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "请求内容过大").into_response())?;
    let token = match boundary {
        Some(boundary) => multipart_field(bytes.clone(), boundary, CSRF_FIELD).await,
        None => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v)),
    };
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// The largest request body accepted, but for spreadsheet imports.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The largest spreadsheet or attachment accepted, with room for the multipart framing.
pub const MAX_UPLOAD_BYTES: usize = {
    let (sheet, attachment) = (fazhi_office::xlsx::MAX_FILE_BYTES, fazhi_domain::attachment::MAX_ATTACHMENT_BYTES);
    (if sheet > attachment { sheet } else { attachment }) + 64 * 1024
};

/// Only the import and attachment routes take large bodies, and the report check a batch of them.
pub fn body_limit(path: &str) -> usize {
    if path == "/reports/check" {
        crate::pages::report_check::MAX_BATCH_BYTES
    } else if path.ends_with("/import")
        || path.ends_with("/attachments")
        || path == "/reports/archive"
        || path == "/api/v1/archive"
    {
        MAX_UPLOAD_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

/// The text of one field of a multipart body, if it has one.
async fn multipart_field(bytes: axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Records a refused request as a security event in the audit trail (等保: 安全审计 of failed
/// access), naming who asked, if known, and what.
pub(crate) async fn record_refusal(state: &AppState, who: Option<&Principal>, ip: &str, request: &str, reason: &str) {
    let actor = match who {
        Some(p) => p.actor(ip),
        None => fazhi_store::Actor { user_id: None, name: "未登录访问者".into(), ip: ip.to_owned() },
    };
    let change = fazhi_store::audit::Change {
        action: "security.refused",
        object_type: "request",
        object_id: None,
        before: None,
        after: Some(serde_json::json!({ "request": request, "reason": reason })),
    };
    if let Err(e) = fazhi_store::audit::record(&state.db, &actor, change).await {
        tracing::error!("recording a refused request failed: {e}");
    }
}

/// The `done` parameter of a query, if it is a plain code (letters, digits, `_` and `.`).
fn done_code(query: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "done")
        .map(|(_, v)| v)
        .filter(|v| {
            !v.is_empty() && v.len() <= 40 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        })
}

/// `GET /ledgers/x`, bounded so a long path cannot fill the trail.
fn request_line(request: &Request) -> String {
    let line = format!("{} {}", request.method(), request.uri().path());
    line.chars().take(200).collect()
}

pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let signed_in_hsts = state.config.secure_cookies;
    let (mut response, signed_in) = authenticate_inner(state, request, next).await;
    let headers = response.headers_mut();
    // Pages and answers for a signed-in person hold their data: no cache may keep them.
    if signed_in && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if signed_in_hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

async fn authenticate_inner(state: AppState, mut request: Request, next: Next) -> (Response, bool) {
    let ip = client_ip(&request, state.config.trust_proxy);
    request.extensions_mut().insert(ClientIp(ip.clone()));
    let api = is_api(&request);

    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let mut caller = None;
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if let Some(token) = bearer {
        match api_tokens::authenticate(&state.db, &token, &ip, &request_line(&request)).await {
            Ok(Some(grant)) if grant.read_only && unsafe_method => {
                record_refusal(&state, Some(&grant.principal), &ip, &request_line(&request), "read_only_token").await;
                let message = "只读接口令牌只能查询，不能修改数据";
                return (ApiError::new(StatusCode::FORBIDDEN, "read_only_token", message).into_response(), false);
            }
            Ok(Some(grant)) => {
                caller = Some(Caller {
                    principal: grant.principal,
                    csrf_token: None,
                    session_token: None,
                    pending: fazhi_store::two_factor::Pending::None,
                    ip: ip.clone(),
                    routes: state.routes.clone(),
                    waiting: None,
                    done: None,
                })
            }
            Ok(None) => {
                record_refusal(&state, None, &ip, &request_line(&request), "invalid_token").await;
                let message = "接口令牌无效、已过期或已被吊销";
                return (ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token", message).into_response(), false);
            }
            Err(e) => return (ApiError::from(e).into_response(), false),
        }
    } else if let Some(token) = cookie(request.headers(), SESSION_COOKIE) {
        match sessions::lookup(&state.db, &token).await {
            Ok(Some(live)) => {
                caller = Some(Caller {
                    principal: live.principal,
                    csrf_token: Some(live.csrf_token),
                    session_token: Some(token),
                    pending: live.pending,
                    ip: ip.clone(),
                    routes: state.routes.clone(),
                    waiting: None,
                    done: None,
                })
            }
            Ok(None) => {}
            Err(e) => return (ApiError::from(e).into_response(), false),
        }
    }

    // A request no route takes changes nothing: it is answered 404 or 405, not as a CSRF failure.
    if unsafe_method && state.routes.is_routed(request.method(), request.uri().path()) {
        let expected = match &caller {
            Some(id) => id.csrf_token.clone(),
            // Before login the form's token is checked against its cookie (double submit).
            None if request.uri().path() == "/login" => {
                Some(cookie(request.headers(), LOGIN_CSRF_COOKIE).unwrap_or_default())
            }
            None => None,
        };
        if let Some(expected) = expected {
            let line = request_line(&request);
            let (rebuilt, presented) = match presented_csrf(request).await {
                Ok(r) => r,
                Err(resp) => return (resp, caller.is_some()),
            };
            request = rebuilt;
            let ok = presented.is_some_and(|p| !expected.is_empty() && constant_time_eq(&p, &expected));
            if !ok {
                record_refusal(&state, caller.as_ref().map(|i| &i.principal), &ip, &line, "csrf").await;
                return (csrf_refused(api), caller.is_some());
            }
        }
    }
    let signed_in = caller.is_some();
    if let Some(mut caller) = caller {
        // A page a person reads shows the count of what waits on them and what they just did.
        let page = request.method() == Method::GET && !api && !request.uri().path().starts_with("/static/");
        if page && caller.session_token.is_some() && caller.pending == fazhi_store::two_factor::Pending::None {
            caller.waiting = match crate::work_queue::count(&state.db, &caller).await {
                Ok(n) => Some(n),
                Err(e) => {
                    tracing::warn!("counting the work queue: {e}");
                    None
                }
            };
            caller.done = request.uri().query().and_then(done_code);
        }
        request.extensions_mut().insert(caller);
    }
    (next.run(request).await, signed_in)
}
