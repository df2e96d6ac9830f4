//! The route table: each route with the roles that may use it. Authorization lives here and
//! nowhere else; handlers then narrow what a permitted user sees to their organization subtree.

use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, on};
use axum::{Extension, Router};
use fazhi_domain::role::Role;

use crate::auth::{self, Identity};
use crate::error::ApiError;
use crate::{AppState, api, api_reports, openapi, pages};
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
/// Who takes steps: the township's people, and legal advisers for the reviews assigned to them.
const LEDGER_ACTORS: &[Role] = &[Role::Leader, Role::Clerk, Role::Adviser];

static RULES: std::sync::OnceLock<Vec<RouteRule>> = std::sync::OnceLock::new();

/// Whether a user with these roles may open the page at `path`: the menu shows only such pages.
pub(crate) fn may_get(path: &str, roles: &[Role]) -> bool {
    may(&Method::GET, path, roles)
}

/// Whether a user with these roles may send this request: pages show a form only to those who
/// may submit it.
pub(crate) fn may(method: &Method, path: &str, roles: &[Role]) -> bool {
    RULES
        .get()
        .and_then(|rules| rules.iter().find(|r| r.method == *method && matches_template(r.path, path)))
        .is_some_and(|r| r.allows(roles))
}

/// Whether some route takes this method at this path.
pub(crate) fn is_routed(method: &Method, path: &str) -> bool {
    RULES.get().is_some_and(|rules| rules.iter().any(|r| r.method == *method && matches_template(r.path, path)))
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
        .page(get.clone(), "/reports", Roles(LEDGER_READERS), pages::reports::list)
        .page(post.clone(), "/reports", Roles(LEDGER_WRITERS), pages::reports::start)
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
        .page(get.clone(), "/gongkai", Public, pages::reports::public_list)
        .page(get.clone(), "/gongkai/{org}/{year}", Public, pages::reports::public_report)
        .page(get.clone(), "/static/report-editor.js", Public, pages::reports::editor_script)
        .page(get.clone(), "/ledgers/{kind}", Roles(LEDGER_READERS), pages::ledgers::list)
        .page(get.clone(), "/ledgers/{kind}/new", Roles(LEDGER_WRITERS), pages::ledgers::new_form)
        .page(post.clone(), "/ledgers/{kind}", Roles(LEDGER_WRITERS), pages::ledgers::create)
        .page(get.clone(), "/ledgers/{kind}/export", Roles(LEDGER_READERS), pages::ledgers::export)
        .page(get.clone(), "/ledgers/{kind}/import", Roles(LEDGER_WRITERS), pages::ledgers::import_form)
        .page(post.clone(), "/ledgers/{kind}/import", Roles(LEDGER_WRITERS), pages::ledgers::import_check)
        .page(post.clone(), "/ledgers/{kind}/import/{id}", Roles(LEDGER_WRITERS), pages::ledgers::import_confirm)
        .page(get.clone(), "/ledgers/{kind}/{id}", Roles(LEDGER_READERS), pages::ledgers::detail)
        .page(get.clone(), "/ledgers/{kind}/{id}/edit", Roles(LEDGER_WRITERS), pages::ledgers::edit_form)
        .page(post.clone(), "/ledgers/{kind}/{id}/edit", Roles(LEDGER_WRITERS), pages::ledgers::edit)
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
        .api(post.clone(), "/api/v1/session", Public, api::login)
        .api(delete.clone(), "/api/v1/session", SignedIn, api::logout)
        .api(get.clone(), "/api/v1/me", SignedIn, api::me)
        .api(post.clone(), "/api/v1/account/password", SignedIn, api::change_password)
        .api(get.clone(), "/api/v1/roles", SignedIn, api::roles_list)
        .api(get.clone(), "/api/v1/orgs", Roles(ORG_READERS), api::list_orgs)
        .api(post.clone(), "/api/v1/orgs", Roles(ADMIN), api::create_org)
        .api(get.clone(), "/api/v1/orgs/{id}", Roles(ORG_READERS), api::get_org)
        .api(put.clone(), "/api/v1/orgs/{id}", Roles(ADMIN), api::update_org)
        .api(get.clone(), "/api/v1/users", Roles(ADMIN), api::list_users)
        .api(post.clone(), "/api/v1/users", Roles(ADMIN), api::create_user)
        .api(get.clone(), "/api/v1/users/{id}", Roles(ADMIN), api::get_user)
        .api(put.clone(), "/api/v1/users/{id}", Roles(ADMIN), api::update_user)
        .api(post.clone(), "/api/v1/users/{id}/lock", Roles(ADMIN), api::lock_user)
        .api(post.clone(), "/api/v1/users/{id}/unlock", Roles(ADMIN), api::unlock_user)
        .api(post.clone(), "/api/v1/users/{id}/password", Roles(ADMIN), api::reset_password)
        .api(get.clone(), "/api/v1/audit", Roles(AUDITOR), api::list_audit)
        .api(get.clone(), "/api/v1/todo", Roles(LEDGER_READERS), api::todo)
        .api(get.clone(), "/api/v1/reports", Roles(LEDGER_READERS), api_reports::list)
        .api(post.clone(), "/api/v1/reports", Roles(LEDGER_WRITERS), api_reports::start)
        .api(get.clone(), "/api/v1/reports/{id}", Roles(LEDGER_READERS), api_reports::get)
        .api(put.clone(), "/api/v1/reports/{id}", Roles(LEDGER_WRITERS), api_reports::save)
        .api(post.clone(), "/api/v1/reports/{id}/submit", Roles(LEDGER_WRITERS), api_reports::submit)
        .api(post.clone(), "/api/v1/reports/{id}/approve", Roles(LEADERS), api_reports::approve)
        .api(post.clone(), "/api/v1/reports/{id}/return", Roles(LEADERS), api_reports::return_for_changes)
        .api(post.clone(), "/api/v1/reports/{id}/publish", Roles(LEDGER_WRITERS), api_reports::publish)
        .api(post.clone(), "/api/v1/reports/{id}/report", Roles(LEDGER_WRITERS), api_reports::report)
        .api(post.clone(), "/api/v1/reports/{id}/district-return", Roles(SUPERVISORS), api_reports::district_return)
        .api(get.clone(), "/api/v1/ledgers/{kind}", Roles(LEDGER_READERS), api::list_ledger)
        .api(post.clone(), "/api/v1/ledgers/{kind}", Roles(LEDGER_WRITERS), api::create_ledger_record)
        .api(get.clone(), "/api/v1/ledgers/{kind}/export", Roles(LEDGER_READERS), api::export_ledger)
        .api(post.clone(), "/api/v1/ledgers/{kind}/import", Roles(LEDGER_WRITERS), api::import_ledger)
        .api(get.clone(), "/api/v1/ledgers/{kind}/{id}", Roles(LEDGER_READERS), api::get_ledger_record)
        .api(put.clone(), "/api/v1/ledgers/{kind}/{id}", Roles(LEDGER_WRITERS), api::update_ledger_record)
        .api(post.clone(), "/api/v1/ledgers/{kind}/{id}/steps/{step}", Roles(LEDGER_ACTORS), api::take_ledger_step)
        .api(
            post.clone(),
            "/api/v1/ledgers/{kind}/{id}/corrections/{step}",
            Roles(LEDGER_ACTORS),
            api::correct_ledger_step,
        )
        .api(get.clone(), "/api/v1/ledgers/{kind}/{id}/attachments", Roles(LEDGER_READERS), api::list_attachments)
        .api(post.clone(), "/api/v1/ledgers/{kind}/{id}/attachments", Roles(LEDGER_WRITERS), api::attach)
        .api(
            get.clone(),
            "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}",
            Roles(LEDGER_READERS),
            api::download_attachment,
        )
        .api(
            delete.clone(),
            "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}",
            Roles(LEDGER_WRITERS),
            api::remove_attachment,
        )
        .api(get.clone(), "/api/v1/calendar", Roles(ORG_READERS), api::list_calendar)
        .api(post.clone(), "/api/v1/calendar", Roles(ADMIN), api::load_calendar)
        .api(get.clone(), "/api/v1/calendar/count", Roles(ORG_READERS), api::count_period)
        .api(get.clone(), "/api/v1/settings", Roles(ORG_READERS), api::list_settings)
        .api(post.clone(), "/api/v1/settings/{key}", Roles(ADMIN), api::change_setting)
        .api(get.clone(), "/api/v1/tokens", SignedIn, api::list_tokens)
        .api(post.clone(), "/api/v1/tokens", SignedIn, api::issue_token)
        .api(post, "/api/v1/tokens/{id}/revoke", SignedIn, api::revoke_token);

    // The table is the same on every build, so the first one serves the menu.
    let _ = RULES.set(routes.rules.clone());
    let router = routes
        .router
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(auth::MAX_UPLOAD_BYTES))
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
        .with_state(state);
    (router, routes.rules)
}

/// Applies one route's rule: who may pass, and what others get.
async fn enforce(
    State((rule, state)): State<(RouteRule, AppState)>,
    identity: Option<Extension<Identity>>,
    request: Request,
    next: Next,
) -> Response {
    if rule.access == Access::Public {
        return next.run(request).await;
    }
    let Some(Extension(identity)) = identity else {
        return match rule.surface {
            Surface::Api => {
                // A program without credentials is refused on the record; a person's browser is
                // only sent to the sign-in page, which is ordinary navigation.
                let ip = request.extensions().get::<auth::ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
                let line = format!("{} {}", request.method(), request.uri().path());
                auth::record_refusal(&state, None, &ip, &line, "unauthenticated").await;
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
    let principal = &identity.principal;
    // The sign-in's unfinished steps come first: the second factor, then enrolment in it.
    let unfinished = match identity.pending {
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
    if principal.must_change_password && identity.pending == Pending::None && !rule.during_password_change {
        return match rule.surface {
            Surface::Api => {
                ApiError::new(axum::http::StatusCode::FORBIDDEN, "password_change_required", "请先修改初始密码")
                    .into_response()
            }
            Surface::Page => Redirect::to("/account/password").into_response(),
        };
    }
    let roles: Vec<Role> = principal.roles.iter().collect();
    if !rule.allows(&roles) {
        let needed = match rule.access {
            Access::Roles(r) => r.iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
            _ => String::new(),
        };
        let message = format!("您的角色（{}）无权进行此操作，需要以下角色之一：{needed}", principal.roles.labels());
        let ip = request.extensions().get::<auth::ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
        let line = format!("{} {}", request.method(), request.uri().path());
        auth::record_refusal(&state, Some(principal), &ip, &line, "role").await;
        return match rule.surface {
            Surface::Api => ApiError::forbidden(message).into_response(),
            Surface::Page => pages::forbidden_page(&identity, &message),
        };
    }
    next.run(request).await
}
