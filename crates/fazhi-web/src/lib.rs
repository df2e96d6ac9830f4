//! Fazhi's web layer: the Chinese UI and the JSON API over the same store functions.
//!
//! Every route is registered through [`routes::Routes`] together with the roles that may use it,
//! so no route exists without an authorization rule; [`route_rules`] lists them for the tests.

pub mod annual_report;
mod api;
mod auth;
pub mod bulletin;
pub mod challenge;
mod error;
pub mod export;
mod extract;
mod ledger_service;
mod openapi;
mod pages;
mod public_cache;
pub mod report_archive;
mod respond;
mod routes;
mod sign_in_limits;
mod work_queue;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use fazhi_store::Db;
use tokio::net::TcpListener;

pub use openapi::documented_paths;
pub use routes::{Access, RouteRule, Surface};

#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies Secure: the server is reached over HTTPS (directly or through a proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For`, set by a reverse proxy in front.
    pub trust_proxy: bool,
    /// The address people reach the site at (`--public-url`): the public feeds' links use it.
    pub public_url: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    /// Where attachments' contents are kept.
    pub files: fazhi_store::attachments::FileStore,
    sign_in_limits: Arc<sign_in_limits::SignInLimits>,
    /// How often one address may comment on a draft.
    comment_limits: Arc<challenge::CommentLimits>,
    /// The public pages' answers while nothing is written.
    public_cache: Arc<public_cache::PublicCache>,
    /// Every route with the roles that may use it, filled when the router is built.
    routes: Arc<routes::RouteTable>,
    /// The overview's figures as last read, while nothing was written since.
    overview: Arc<pages::cockpit::OverviewCache>,
}

impl AppState {
    pub fn new(db: Db, config: WebConfig, files: fazhi_store::attachments::FileStore) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            files,
            sign_in_limits: Default::default(),
            comment_limits: Default::default(),
            public_cache: Default::default(),
            routes: Default::default(),
            overview: Default::default(),
        }
    }
}

pub fn app(state: AppState) -> Router {
    routes::build(state.clone()).0
}

/// Every route with the roles allowed on it.
pub fn route_rules(state: AppState) -> Vec<RouteRule> {
    routes::build(state).1
}

/// Serves until the future `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purge_db = state.db.clone();
    let limits = state.sign_in_limits.clone();
    // Any instance may purge: the delete is idempotent, so several instances need no coordination.
    tokio::spawn(async move {
        // The first purge waits a full period: sessions past their idle limit are refused on
        // sight anyway, and a start is busy enough.
        let period = std::time::Duration::from_secs(300);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tick.tick().await;
            limits.forget_idle();
            if let Err(e) = fazhi_store::sessions::purge_expired(&purge_db).await {
                tracing::warn!("purging expired sessions failed: {e}");
            }
        }
    });
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
