//! The route table: each route with the roles that may use it. Authorization lives here and
//! nowhere else; handlers then narrow what a permitted user sees to their organization subtree.

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, on};
use fazhi_domain::role::Role;

use crate::auth::{self, Caller};
use crate::error::ApiError;
use crate::{AppState, api, openapi, pages};
use fazhi_store::two_factor::Pending;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user, whatever the role.
    SignedIn,
    /// Signed-in users holding one of these roles.
    Roles(&'static [Role]),
}

/// Whether a route answers people (HTML, redirects to the login page) or programs (JSON, 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Page,
    Api,
}

#[derive(Debug, Clone)]
pub struct RouteRule {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub surface: Surface,
    /// Usable while the user still has to replace a one-time password.
    pub during_password_change: bool,
    /// Usable while a sign-in waits for the second factor's code, or for enrolment in it.
    pub during_code: bool,
    pub during_enrolment: bool,
}

impl RouteRule {
    pub fn allows(&self, roles: &[Role]) -> bool {
        match self.access {
            Access::Public | Access::SignedIn => true,
            Access::Roles(allowed) => allowed.iter().any(|r| roles.contains(r)),
        }
    }
}

const ADMIN: &[Role] = &[Role::Admin];
const AUDITOR: &[Role] = &[Role::Auditor];
/// Everyone who works with organizations: all but the auditor, whose only business is the trail.
const ORG_READERS: &[Role] = &[Role::Admin, Role::Supervisor, Role::Leader, Role::Clerk, Role::Adviser];

/// Business data: the township's people and the district's supervisors; not the administrator
/// (users and organizations only) nor the auditor (the trail only).
const LEDGER_READERS: &[Role] = &[Role::Supervisor, Role::Leader, Role::Clerk, Role::Adviser];
const LEDGER_WRITERS: &[Role] = &[Role::Leader, Role::Clerk];
/// The township's leaders approve its annual report.
const LEADERS: &[Role] = &[Role::Leader];
/// The district returns a reported annual report.
const SUPERVISORS: &[Role] = &[Role::Supervisor];
/// The overview of the townships' figures: the district's supervisors, and a township's leaders
/// for their own township.
const OVERSEERS: &[Role] = &[Role::Supervisor, Role::Leader];
/// Who takes steps: the township's people, legal advisers for the reviews assigned to them, and
/// the district's supervisors for the problems they raised (each step names its own actors).
const LEDGER_ACTORS: &[Role] = &[Role::Supervisor, Role::Leader, Role::Clerk, Role::Adviser];
/// Who opens and corrects records: the township's people for its own ledgers, the district's
/// supervisors for the problems they raise (`Keeper::openers` decides per kind).
const LEDGER_OPENERS: &[Role] = &[Role::Supervisor, Role::Leader, Role::Clerk];
use crate::report_archive::ARCHIVISTS;

/// The rules of every route, carried in [`AppState`] and filled once the router is built.
#[derive(Default)]
pub(crate) struct RouteTable(std::sync::OnceLock<Vec<RouteRule>>);

impl RouteTable {
    fn rule(&self, method: &Method, path: &str) -> Option<&RouteRule> {
        self.0.get()?.iter().find(|r| r.method == *method && matches_template(r.path, path))
    }

    /// Whether a user with these roles may send this request.
    pub(crate) fn may(&self, method: &Method, path: &str, roles: &[Role]) -> bool {
        self.rule(method, path).is_some_and(|r| r.allows(roles))
    }

    /// Whether some route takes this method at this path.
    pub(crate) fn is_routed(&self, method: &Method, path: &str) -> bool {
        self.rule(method, path).is_some()
    }
}

/// `/ledgers/{kind}` matches `/ledgers/decisions`: a `{…}` segment matches any one segment.
fn matches_template(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) if ts == ps || (ts.starts_with('{') && ts.ends_with('}') && !ps.is_empty()) => {}
            _ => return false,
        }
    }
}

pub(crate) struct Routes {
    router: Router<AppState>,
    rules: Vec<RouteRule>,
    /// For the enforcing layer, which records refusals in the audit trail.
    state: AppState,
}

impl Routes {
    fn new(state: AppState) -> Routes {
        Routes { router: Router::new(), rules: Vec::new(), state }
    }

    fn add<H, T>(mut self, method: Method, path: &'static str, access: Access, surface: Surface, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let leaving = matches!((method.as_str(), path), ("POST", "/logout") | ("DELETE", "/api/v1/session"));
        let rule = RouteRule {
            during_password_change: leaving
                || matches!(
                    (method.as_str(), path),
                    ("GET" | "POST", "/account/password")
                        | ("POST", "/api/v1/account/password")
                        | ("GET", "/api/v1/me")
                ),
            during_code: leaving || matches!((method.as_str(), path), ("GET" | "POST", "/login/code")),
            during_enrolment: leaving
                || matches!(
                    (method.as_str(), path),
                    ("GET", "/account/two-factor") | ("POST", "/account/two-factor/enable")
                ),
            method: method.clone(),
            path,
            access,
            surface,
        };
        let filter = MethodFilter::try_from(method).expect("standard method");
        let method_router = on(filter, handler)
            .route_layer(middleware::from_fn_with_state((rule.clone(), self.state.clone()), enforce))
            .layer(axum::extract::DefaultBodyLimit::max(auth::body_limit(path)));
        self.router = self.router.route(path, method_router);
        self.rules.push(rule);
        self
    }

    fn page<H: Handler<T, AppState>, T: 'static>(
        self,
        method: Method,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Routes {
        self.add(method, path, access, Surface::Page, handler)
    }

    fn api<H: Handler<T, AppState>, T: 'static>(
        self,
        method: Method,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Routes {
        self.add(method, path, access, Surface::Api, handler)
    }
}

pub(crate) fn build(state: AppState) -> (Router, Vec<RouteRule>) {
    use Access::*;
    let get = Method::GET;
    let post = Method::POST;
    let put = Method::PUT;
    let delete = Method::DELETE;
    let routes = Routes::new(state.clone())
        // Public
        .page(get.clone(), "/healthz", Public, pages::healthz)
        .page(get.clone(), "/static/app.css", Public, pages::stylesheet)
        .page(get.clone(), "/static/app.js", Public, pages::script)
        .page(get.clone(), "/static/portal.css", Public, pages::portal_stylesheet)
        .page(get.clone(), "/favicon.ico", Public, pages::favicon)
        .page(get.clone(), "/guide", SignedIn, pages::guide::index)
        .page(get.clone(), "/guide/{kind}", SignedIn, pages::guide::kind)
        .page(get.clone(), "/login", Public, pages::auth::login_form)
        .page(post.clone(), "/login", Public, pages::auth::login_submit)
        .page(post.clone(), "/logout", SignedIn, pages::auth::logout)
        .page(get.clone(), "/", SignedIn, pages::home::home)
        .page(get.clone(), "/account/password", SignedIn, pages::account::password_form)
        .page(post.clone(), "/account/password", SignedIn, pages::account::password_submit)
        .page(get.clone(), "/login/code", SignedIn, pages::auth::code_form)
        .page(post.clone(), "/login/code", SignedIn, pages::auth::code_submit)
        .page(get.clone(), "/account/two-factor", SignedIn, pages::account::two_factor_form)
        .page(post.clone(), "/account/two-factor/enable", SignedIn, pages::account::two_factor_enable)
        .page(post.clone(), "/account/two-factor/disable", SignedIn, pages::account::two_factor_disable)
        // Organizations
        .page(get.clone(), "/orgs", Roles(ORG_READERS), pages::orgs::list)
        .page(post.clone(), "/orgs", Roles(ADMIN), pages::orgs::create)
        .page(get.clone(), "/orgs/{id}", Roles(ORG_READERS), pages::orgs::detail)
        .page(post.clone(), "/orgs/{id}", Roles(ADMIN), pages::orgs::update)
        .page(post.clone(), "/orgs/{id}/principals", Roles(ADMIN), pages::orgs::set_principals)
        // Users
        .page(get.clone(), "/users", Roles(ADMIN), pages::users::list)
        .page(get.clone(), "/users/new", Roles(ADMIN), pages::users::new_form)
        .page(post.clone(), "/users", Roles(ADMIN), pages::users::create)
        .page(get.clone(), "/users/{id}", Roles(ADMIN), pages::users::edit_form)
        .page(post.clone(), "/users/{id}", Roles(ADMIN), pages::users::update)
        .page(post.clone(), "/users/{id}/lock", Roles(ADMIN), pages::users::lock)
        .page(post.clone(), "/users/{id}/unlock", Roles(ADMIN), pages::users::unlock)
        .page(post.clone(), "/users/{id}/password", Roles(ADMIN), pages::users::reset_password)
        .page(post.clone(), "/users/{id}/two-factor/reset", Roles(ADMIN), pages::users::reset_two_factor)
        // API tokens: everyone's own; an administrator's also for the service accounts below them
        .page(get.clone(), "/tokens", SignedIn, pages::tokens::list)
        .page(post.clone(), "/tokens", SignedIn, pages::tokens::issue)
        .page(post.clone(), "/tokens/{id}/revoke", SignedIn, pages::tokens::revoke)
        // Audit
        .page(get.clone(), "/audit", Roles(AUDITOR), pages::audit::list)
        .page(post.clone(), "/audit/verify", Roles(AUDITOR), pages::audit::verify)
        // Ledgers: every kind through the same handlers; each step's own actors are checked by the
        // ledger engine (a 403 names who may take it).
        .page(get.clone(), "/todo", Roles(LEDGER_READERS), pages::todo::show)
        .page(get.clone(), "/duties", Roles(LEDGER_READERS), pages::duties::show)
        .page(get.clone(), "/cockpit", Roles(OVERSEERS), pages::cockpit::show)
        .page(get.clone(), "/cockpit/compare", Roles(OVERSEERS), pages::cockpit::compare)
        .page(get.clone(), "/cockpit/compare/export", Roles(OVERSEERS), pages::cockpit::export)
        .page(get.clone(), "/reports", Roles(LEDGER_READERS), pages::reports::list)
        .page(post.clone(), "/reports", Roles(LEDGER_WRITERS), pages::reports::start)
        .page(get.clone(), "/reports/side-by-side", Roles(LEDGER_READERS), pages::reports::side_by_side)
        .page(get.clone(), "/reports/check", Roles(LEDGER_READERS), pages::report_check::form)
        .page(post.clone(), "/reports/check", Roles(LEDGER_READERS), pages::report_check::check)
        .page(get.clone(), "/reports/archive", Roles(LEDGER_READERS), pages::report_archive::list)
        .page(post.clone(), "/reports/archive", Roles(ARCHIVISTS), pages::report_archive::file)
        .page(get.clone(), "/reports/archive/{id}", Roles(LEDGER_READERS), pages::report_archive::detail)
        .page(get.clone(), "/reports/archive/{id}/file", Roles(LEDGER_READERS), pages::report_archive::download)
        .page(get.clone(), "/reports/{id}", Roles(LEDGER_READERS), pages::reports::show)
        .page(post.clone(), "/reports/{id}/save", Roles(LEDGER_WRITERS), pages::reports::save)
        .page(post.clone(), "/reports/{id}/submit", Roles(LEDGER_WRITERS), pages::reports::submit)
        .page(post.clone(), "/reports/{id}/approve", Roles(LEADERS), pages::reports::approve)
        .page(post.clone(), "/reports/{id}/return", Roles(LEADERS), pages::reports::return_for_changes)
        .page(post.clone(), "/reports/{id}/publish", Roles(LEDGER_WRITERS), pages::reports::publish)
        .page(post.clone(), "/reports/{id}/report", Roles(LEDGER_WRITERS), pages::reports::report_to_district)
        .page(post.clone(), "/reports/{id}/district-return", Roles(SUPERVISORS), pages::reports::district_return)
        .page(get.clone(), "/reports/{id}/figures/{figure}", Roles(LEDGER_READERS), pages::reports::figure)
        .page(get.clone(), "/reports/{id}/export/{format}", Roles(LEDGER_READERS), pages::reports::export_file)
        .page(get.clone(), "/reports/{id}/compare", Roles(LEDGER_READERS), pages::reports::compare)
        .page(get.clone(), "/gongkai", Public, pages::gongkai::index)
        .page(get.clone(), "/gongkai/{org}", Public, pages::gongkai::township)
        .page(get.clone(), "/gongkai/{org}/{part}", Public, pages::gongkai::part)
        .page(get.clone(), "/gongkai/{org}/{part}/{item}", Public, pages::gongkai::item)
        .page(get.clone(), "/gongkai/{org}/{part}/{item}/yijian", Public, pages::gongkai::comment_form)
        .page(post.clone(), "/gongkai/{org}/{part}/{item}/yijian", Public, pages::gongkai::comment_submit)
        .page(get.clone(), "/static/report-editor.js", Public, pages::reports::editor_script)
        .page(get.clone(), "/supervision/bulletins", Roles(LEDGER_READERS), pages::bulletins::list)
        .page(post.clone(), "/supervision/bulletins", Roles(SUPERVISORS), pages::bulletins::create)
        .page(get.clone(), "/supervision/bulletins/{id}", Roles(LEDGER_READERS), pages::bulletins::show)
        .page(post.clone(), "/supervision/bulletins/{id}/save", Roles(SUPERVISORS), pages::bulletins::save)
        .page(post.clone(), "/supervision/bulletins/{id}/issue", Roles(SUPERVISORS), pages::bulletins::issue)
        .page(
            get.clone(),
            "/supervision/bulletins/{id}/export/{format}",
            Roles(LEDGER_READERS),
            pages::bulletins::export,
        )
        .page(post.clone(), "/comments", Roles(LEDGER_READERS), pages::comments::post)
        .page(post.clone(), "/comments/{id}/edit", Roles(LEDGER_READERS), pages::comments::edit)
        .page(get.clone(), "/ledgers/{kind}", Roles(LEDGER_READERS), pages::ledgers::list)
        .page(get.clone(), "/ledgers/{kind}/new", Roles(LEDGER_OPENERS), pages::ledgers::new_form)
        .page(
            post.clone(),
            "/ledgers/{kind}/{id}/public-comments/{comment}/moderate",
            Roles(LEDGER_WRITERS),
            pages::public_comments::moderate,
        )
        .page(
            post.clone(),
            "/ledgers/{kind}/{id}/public-comments/{comment}/answer",
            Roles(LEDGER_WRITERS),
            pages::public_comments::answer,
        )
        .page(post.clone(), "/ledgers/{kind}", Roles(LEDGER_OPENERS), pages::ledgers::create)
        .page(get.clone(), "/ledgers/{kind}/export", Roles(LEDGER_READERS), pages::ledgers::export)
        .page(get.clone(), "/ledgers/{kind}/import", Roles(LEDGER_WRITERS), pages::ledgers::import_form)
        .page(post.clone(), "/ledgers/{kind}/import", Roles(LEDGER_WRITERS), pages::ledgers::import_check)
        .page(post.clone(), "/ledgers/{kind}/import/{id}", Roles(LEDGER_WRITERS), pages::ledgers::import_confirm)
        .page(get.clone(), "/ledgers/{kind}/{id}", Roles(LEDGER_READERS), pages::ledgers::detail)
        .page(get.clone(), "/ledgers/{kind}/{id}/edit", Roles(LEDGER_OPENERS), pages::ledgers::edit_form)
        .page(post.clone(), "/ledgers/{kind}/{id}/edit", Roles(LEDGER_OPENERS), pages::ledgers::edit)
        .page(post.clone(), "/ledgers/{kind}/{id}/steps/{step}", Roles(LEDGER_ACTORS), pages::ledgers::take_step)
        .page(
            post.clone(),
            "/ledgers/{kind}/{id}/corrections/{step}",
            Roles(LEDGER_ACTORS),
            pages::ledgers::correct_step,
        )
        .page(post.clone(), "/ledgers/{kind}/{id}/attachments", Roles(LEDGER_WRITERS), pages::ledgers::attach)
        .page(
            get.clone(),
            "/ledgers/{kind}/{id}/attachments/{attachment}",
            Roles(LEDGER_READERS),
            pages::ledgers::download_attachment,
        )
        .page(
            post.clone(),
            "/ledgers/{kind}/{id}/attachments/{attachment}/remove",
            Roles(LEDGER_WRITERS),
            pages::ledgers::remove_attachment,
        )
        // Working-day calendar
        .page(get.clone(), "/calendar", Roles(ORG_READERS), pages::calendar::show)
        .page(post.clone(), "/calendar", Roles(ADMIN), pages::calendar::load)
        // Locality settings of the rules
        .page(get.clone(), "/settings", Roles(ORG_READERS), pages::settings::show)
        .page(post.clone(), "/settings", Roles(ADMIN), pages::settings::change)
        .page(post.clone(), "/settings/two-factor", Roles(ADMIN), pages::settings::two_factor_roles)
        // JSON API
        .api(get.clone(), "/api/v1/openapi.json", Public, openapi::document)
        .api(post.clone(), "/api/v1/session", Public, api::auth::login)
        .api(delete.clone(), "/api/v1/session", SignedIn, api::auth::logout)
        .api(get.clone(), "/api/v1/me", SignedIn, api::auth::me)
        .api(post.clone(), "/api/v1/account/password", SignedIn, api::account::change_password)
        .api(get.clone(), "/api/v1/roles", SignedIn, api::users::roles_list)
        .api(get.clone(), "/api/v1/orgs", Roles(ORG_READERS), api::orgs::list_orgs)
        .api(post.clone(), "/api/v1/orgs", Roles(ADMIN), api::orgs::create_org)
        .api(get.clone(), "/api/v1/orgs/{id}", Roles(ORG_READERS), api::orgs::get_org)
        .api(put.clone(), "/api/v1/orgs/{id}", Roles(ADMIN), api::orgs::update_org)
        .api(get.clone(), "/api/v1/users", Roles(ADMIN), api::users::list_users)
        .api(post.clone(), "/api/v1/users", Roles(ADMIN), api::users::create_user)
        .api(get.clone(), "/api/v1/users/{id}", Roles(ADMIN), api::users::get_user)
        .api(put.clone(), "/api/v1/users/{id}", Roles(ADMIN), api::users::update_user)
        .api(post.clone(), "/api/v1/users/{id}/lock", Roles(ADMIN), api::users::lock_user)
        .api(post.clone(), "/api/v1/users/{id}/unlock", Roles(ADMIN), api::users::unlock_user)
        .api(post.clone(), "/api/v1/users/{id}/password", Roles(ADMIN), api::users::reset_password)
        .api(get.clone(), "/api/v1/audit", Roles(AUDITOR), api::audit::list_audit)
        .api(get.clone(), "/api/v1/todo", Roles(LEDGER_READERS), api::todo::todo)
        .api(get.clone(), "/api/v1/reports", Roles(LEDGER_READERS), api::reports::list)
        .api(post.clone(), "/api/v1/reports", Roles(LEDGER_WRITERS), api::reports::start)
        .api(get.clone(), "/api/v1/reports/{id}", Roles(LEDGER_READERS), api::reports::get)
        .api(put.clone(), "/api/v1/reports/{id}", Roles(LEDGER_WRITERS), api::reports::save)
        .api(post.clone(), "/api/v1/reports/{id}/submit", Roles(LEDGER_WRITERS), api::reports::submit)
        .api(post.clone(), "/api/v1/reports/{id}/approve", Roles(LEADERS), api::reports::approve)
        .api(post.clone(), "/api/v1/reports/{id}/return", Roles(LEADERS), api::reports::return_for_changes)
        .api(post.clone(), "/api/v1/reports/{id}/publish", Roles(LEDGER_WRITERS), api::reports::publish)
        .api(post.clone(), "/api/v1/reports/{id}/report", Roles(LEDGER_WRITERS), api::reports::report)
        .api(post.clone(), "/api/v1/reports/{id}/district-return", Roles(SUPERVISORS), api::reports::district_return)
        .api(get.clone(), "/api/v1/public/{org}/{list}", Public, api::public::list)
        .api(get.clone(), "/api/v1/archive", Roles(LEDGER_READERS), api::archive::list_archive)
        .api(post.clone(), "/api/v1/archive", Roles(ARCHIVISTS), api::archive::file_report)
        .api(get.clone(), "/api/v1/archive/{id}", Roles(LEDGER_READERS), api::archive::get_archived)
        .api(get.clone(), "/api/v1/archive/{id}/file", Roles(LEDGER_READERS), api::archive::download_archived)
        .api(get.clone(), "/api/v1/ledgers/{kind}", Roles(LEDGER_READERS), api::ledgers::list_ledger)
        .api(post.clone(), "/api/v1/ledgers/{kind}", Roles(LEDGER_OPENERS), api::ledgers::create_ledger_record)
        .api(get.clone(), "/api/v1/ledgers/{kind}/export", Roles(LEDGER_READERS), api::ledgers::export_ledger)
        .api(post.clone(), "/api/v1/ledgers/{kind}/import", Roles(LEDGER_WRITERS), api::ledgers::import_ledger)
        .api(get.clone(), "/api/v1/ledgers/{kind}/{id}", Roles(LEDGER_READERS), api::ledgers::get_ledger_record)
        .api(put.clone(), "/api/v1/ledgers/{kind}/{id}", Roles(LEDGER_OPENERS), api::ledgers::update_ledger_record)
        .api(
            post.clone(),
            "/api/v1/ledgers/{kind}/{id}/steps/{step}",
            Roles(LEDGER_ACTORS),
            api::ledgers::take_ledger_step,
        )
        .api(
            post.clone(),
            "/api/v1/ledgers/{kind}/{id}/corrections/{step}",
            Roles(LEDGER_ACTORS),
            api::ledgers::correct_ledger_step,
        )
        .api(
            get.clone(),
            "/api/v1/ledgers/{kind}/{id}/attachments",
            Roles(LEDGER_READERS),
            api::ledgers::list_attachments,
        )
        .api(post.clone(), "/api/v1/ledgers/{kind}/{id}/attachments", Roles(LEDGER_WRITERS), api::ledgers::attach)
        .api(
            get.clone(),
            "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}",
            Roles(LEDGER_READERS),
            api::ledgers::download_attachment,
        )
        .api(
            delete.clone(),
            "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}",
            Roles(LEDGER_WRITERS),
            api::ledgers::remove_attachment,
        )
        .api(get.clone(), "/api/v1/calendar", Roles(ORG_READERS), api::calendar::list_calendar)
        .api(post.clone(), "/api/v1/calendar", Roles(ADMIN), api::calendar::load_calendar)
        .api(get.clone(), "/api/v1/calendar/count", Roles(ORG_READERS), api::calendar::count_period)
        .api(get.clone(), "/api/v1/settings", Roles(ORG_READERS), api::settings::list_settings)
        .api(post.clone(), "/api/v1/settings/{key}", Roles(ADMIN), api::settings::change_setting)
        .api(get.clone(), "/api/v1/tokens", SignedIn, api::tokens::list_tokens)
        .api(post.clone(), "/api/v1/tokens", SignedIn, api::tokens::issue_token)
        .api(post, "/api/v1/tokens/{id}/revoke", SignedIn, api::tokens::revoke_token);

    // The table is the same on every build of this state, so the first one serves.
    let _ = state.routes.0.set(routes.rules.clone());
    let router = routes
        .router
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth::authenticate))
        // Before signing in is looked at: the public's reads need no caller.
        .layer(middleware::from_fn_with_state(state.clone(), crate::public_cache::layer))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            auth::MAX_UPLOAD_BYTES.max(pages::report_check::MAX_BATCH_BYTES),
        ))
        .layer(middleware::from_fn(crate::error::framework_errors))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_FRAME_OPTIONS,
            axum::http::HeaderValue::from_static("DENY"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        // Every request is logged with an id, which its answer carries as `x-request-id`: an
        // internal error a person reports is found in the log by it.
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(tower_http::request_id::MakeRequestUuid))
        .with_state(state);
    (router, routes.rules)
}

/// The log's span of a request: its id, method and path. Never the query string, which may hold
/// the words someone searched for (a citizen's name).
fn request_span(request: &Request) -> tracing::Span {
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
    tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
}

/// Applies one route's rule.
async fn enforce(
    State((rule, state)): State<(RouteRule, AppState)>,
    caller: Option<Caller>,
    request: Request,
    next: Next,
) -> Response {
    let response = admit(&rule, &state, caller.as_ref(), request, next).await;
    match rule.surface {
        // A page's refusal is drawn in its frame here, whoever refused: this layer, an extractor or
        // the handler.
        Surface::Page => pages::framed(caller.as_ref(), response),
        Surface::Api => response,
    }
}

/// Who may pass, and what others get.
async fn admit(rule: &RouteRule, state: &AppState, caller: Option<&Caller>, request: Request, next: Next) -> Response {
    if rule.access == Access::Public {
        return next.run(request).await;
    }
    let Some(caller) = caller else {
        return match rule.surface {
            Surface::Api => {
                // A program without credentials is refused on the record; a person's browser is
                // only sent to the sign-in page, which is ordinary navigation.
                let ip = request.extensions().get::<auth::ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
                let line = format!("{} {}", request.method(), request.uri().path());
                auth::record_refusal(state, None, &ip, &line, "unauthenticated").await;
                ApiError::unauthorized().into_response()
            }
            Surface::Page => {
                let next_path = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = if request.method() == Method::GET && next_path != "/" {
                    format!("/login?next={}", auth::url_encode(next_path))
                } else {
                    "/login".to_owned()
                };
                Redirect::to(&target).into_response()
            }
        };
    };
    let principal = &caller.principal;
    // The sign-in's unfinished steps come first: the second factor, then enrolment in it.
    let unfinished = match caller.pending {
        Pending::Code if !rule.during_code => {
            Some(("/login/code", "second_factor_required", "请先输入动态口令完成登录"))
        }
        Pending::Enrol if !rule.during_enrolment => {
            Some(("/account/two-factor", "two_factor_enrolment_required", "您的角色须使用两步验证：请先在网页上启用"))
        }
        _ => None,
    };
    if let Some((page, code, message)) = unfinished {
        return match rule.surface {
            Surface::Api => ApiError::new(axum::http::StatusCode::UNAUTHORIZED, code, message).into_response(),
            Surface::Page => Redirect::to(page).into_response(),
        };
    }
    if principal.must_change_password && caller.pending == Pending::None && !rule.during_password_change {
        return match rule.surface {
            Surface::Api => {
                ApiError::new(axum::http::StatusCode::FORBIDDEN, "password_change_required", "请先修改初始密码")
                    .into_response()
            }
            Surface::Page => Redirect::to("/account/password").into_response(),
        };
    }
    if !rule.allows(&caller.roles()) {
        let needed = match rule.access {
            Access::Roles(r) => r.iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
            _ => String::new(),
        };
        let message = format!("您的角色（{}）无权进行此操作，需要以下角色之一：{needed}", principal.roles.labels());
        let line = format!("{} {}", request.method(), request.uri().path());
        auth::record_refusal(state, Some(principal), &caller.ip, &line, "role").await;
        return match rule.surface {
            Surface::Api => ApiError::forbidden(message).into_response(),
            Surface::Page => pages::PageError::forbidden(message).into_response(),
        };
    }
    next.run(request).await
}
