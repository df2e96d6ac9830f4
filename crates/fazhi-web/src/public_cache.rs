//! The public pages' answers, kept while nothing is written. Hundreds of anonymous readers ask for
//! the same few pages; each page reads several lists. An answer is kept under the newest audit
//! record's number and the day: every change of what the records say appends an audit record (on
//! any instance, under the one write lock), and a day changes the days left to comment. So a kept
//! answer is never stale, and anything written empties the store. Only answers that carry an ETag
//! (`pages::gongkai::cached`) are kept, within bounds on their total size and number. An answer is
//! made once however many ask for it at the same moment. The conditional request (If-None-Match,
//! If-Modified-Since) is answered here, for kept and fresh answers alike.

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
/// At most this many addresses are remembered (answers kept or not); past it the store starts again.
const MAX_SLOTS: usize = 10_000;

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

/// An answer being made or made: the readers who ask while the first makes it wait for it rather
/// than making it again (after a write, hundreds ask at once). `None` once made: not kept (not
/// 200, or too large), each asks for its own.
type Slot = Arc<tokio::sync::OnceCell<Option<Arc<Kept>>>>;

#[derive(Default)]
struct Store {
    version: Option<(i64, NaiveDate)>,
    bytes: usize,
    slots: HashMap<String, Slot>,
}

#[derive(Default)]
pub struct PublicCache {
    store: Mutex<Store>,
}

impl PublicCache {
    /// The slot of an answer under this version: a new one when the version moved on.
    fn slot(&self, version: (i64, NaiveDate), key: &str) -> Option<Slot> {
        let mut store = self.store.lock().ok()?;
        if store.version != Some(version) || store.bytes > MAX_BYTES || store.slots.len() >= MAX_SLOTS {
            *store = Store { version: Some(version), ..Default::default() };
        }
        Some(store.slots.entry(key.to_owned()).or_default().clone())
    }

    fn count(&self, version: (i64, NaiveDate), bytes: usize) {
        if let Ok(mut store) = self.store.lock()
            && store.version == Some(version)
        {
            store.bytes += bytes;
        }
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

/// Makes the answer in full (no conditional headers) and keeps it if it may be kept; the answer
/// itself when it may not.
async fn make(mut request: Request, next: Next) -> Result<Arc<Kept>, Response> {
    request.headers_mut().remove(header::IF_NONE_MATCH);
    request.headers_mut().remove(header::IF_MODIFIED_SINCE);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || !response.headers().contains_key(header::ETAG) {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    use axum::body::HttpBody;
    if body.size_hint().exact().is_none_or(|n| n > MAX_ANSWER as u64) {
        return Err(Response::from_parts(parts, body));
    }
    match axum::body::to_bytes(body, MAX_ANSWER).await {
        Ok(body) => Ok(Arc::new(Kept { headers: parts.headers, body })),
        Err(_) => Err((StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后再试。").into_response()),
    }
}

/// The layer: a kept answer if there is one, else the page made (once, however many ask) and kept.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
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
    let Some(slot) = state.public_cache.slot(version, &key) else { return next.run(request).await };
    let mut pending = Some((request, next));
    let mut own = None;
    let kept = slot
        .get_or_init(|| async {
            let (request, next) = pending.take().expect("made once");
            match make(request, next).await {
                Ok(kept) => {
                    state.public_cache.count(version, kept.body.len());
                    Some(kept)
                }
                Err(response) => {
                    own = Some(response);
                    None
                }
            }
        })
        .await
        .clone();
    match (kept, own, pending) {
        (Some(kept), _, _) => respond(&asked, &kept),
        (None, Some(response), _) => response,
        // Made by another and not kept: this one makes its own.
        (None, None, Some((request, next))) => next.run(request).await,
        (None, None, None) => (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后再试。").into_response(),
    }
}
