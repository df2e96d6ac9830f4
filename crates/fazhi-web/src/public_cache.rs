//! The public pages' answers, kept while nothing is written. Hundreds of anonymous readers ask for
//! the same few pages; each page reads several lists. An answer is kept under the newest audit
//! record's number and the day: every change of what the records say appends an audit record (on
//! any instance, under the one write lock), and a day changes the days left to comment. So a kept
//! answer is never stale, and anything written empties the store. Only answers that carry an ETag
//! (`pages::gongkai::cached`) are kept, within a bound on their total size. The conditional
//! request (If-None-Match, If-Modified-Since) is answered here, for kept and fresh answers alike.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use crate::AppState;

/// At most this many bytes of answers are kept; past it the store starts again.
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// An answer larger than this is not kept.
const MAX_ANSWER: usize = 2 * 1024 * 1024;

/// Whether a request reads the public side (pages, feeds, open data), and so may be answered from
/// the store: everything under `/gongkai` and `/api/v1/public` but the comment form, which draws a
/// new picture for each visitor.
pub fn is_public_read(method: &Method, path: &str) -> bool {
    method == Method::GET
        && (path == "/gongkai" || path.starts_with("/gongkai/") || path.starts_with("/api/v1/public/"))
        && !path.ends_with("/yijian")
}

struct Kept {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
struct Store {
    version: Option<(i64, NaiveDate)>,
    bytes: usize,
    answers: HashMap<String, Arc<Kept>>,
}

#[derive(Default)]
pub struct PublicCache {
    store: Mutex<Store>,
}

impl PublicCache {
    fn get(&self, version: (i64, NaiveDate), key: &str) -> Option<Arc<Kept>> {
        let store = self.store.lock().ok()?;
        if store.version != Some(version) {
            return None;
        }
        store.answers.get(key).cloned()
    }

    fn put(&self, version: (i64, NaiveDate), key: String, kept: Arc<Kept>) {
        let Ok(mut store) = self.store.lock() else { return };
        if store.version != Some(version) || store.bytes + kept.body.len() > MAX_BYTES {
            *store = Store { version: Some(version), ..Default::default() };
        }
        store.bytes += kept.body.len();
        store.answers.insert(key, kept);
    }
}

/// Whether the client already holds this answer: its ETag asked for, or not modified since.
fn unchanged(request: &HeaderMap, answer: &HeaderMap) -> bool {
    let tag = answer.get(header::ETAG).and_then(|t| t.to_str().ok()).unwrap_or("");
    if let Some(asked) = request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return !tag.is_empty()
            && asked.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t.trim_start_matches("W/") == tag
            });
    }
    let date = |h: &HeaderMap, name| {
        h.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).and_then(|s| httpdate::parse_http_date(s).ok())
    };
    match (date(request, header::IF_MODIFIED_SINCE), date(answer, header::LAST_MODIFIED)) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

fn respond(request: &HeaderMap, kept: &Kept) -> Response {
    if unchanged(request, &kept.headers) {
        let mut headers = kept.headers.clone();
        headers.remove(header::CONTENT_TYPE);
        headers.remove(header::CONTENT_LENGTH);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (kept.headers.clone(), Body::from(kept.body.clone())).into_response()
}

/// The layer: a kept answer if there is one, else the page made and kept.
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if !is_public_read(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let version = match fazhi_store::audit::last_id(&state.db).await {
        Ok(id) => (id, fazhi_store::beijing_today()),
        Err(_) => return next.run(request).await,
    };
    // The host too: a feed's links name the host it was asked at when no public address is set.
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let key = format!("{host}{}", request.uri().path_and_query().map(|p| p.as_str()).unwrap_or(""));
    let asked = request.headers().clone();
    if let Some(kept) = state.public_cache.get(version, &key) {
        return respond(&asked, &kept);
    }
    // Made whole, then answered as the client asked.
    request.headers_mut().remove(header::IF_NONE_MATCH);
    request.headers_mut().remove(header::IF_MODIFIED_SINCE);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || !response.headers().contains_key(header::ETAG) {
        return response;
    }
    let (parts, body) = response.into_parts();
    use axum::body::HttpBody;
    if body.size_hint().exact().is_none_or(|n| n > MAX_ANSWER as u64) {
        return Response::from_parts(parts, body);
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_ANSWER).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后再试。").into_response();
    };
    let kept = Arc::new(Kept { headers: parts.headers, body });
    state.public_cache.put(version, key, kept.clone());
    respond(&asked, &kept)
}
