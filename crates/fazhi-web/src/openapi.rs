use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{api, api_reports};

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "法治政府建设管理平台 API", description = "Fazhi JSON API。认证：管理员签发的接口令牌（Authorization: Bearer），或登录会话 Cookie（修改类请求须带 X-CSRF-Token）。错误统一为 {code, message, field}。"),
    paths(
        api::login, api::logout, api::me, api::change_password, api::roles_list,
        api::list_orgs, api::create_org, api::get_org, api::update_org,
        api::list_users, api::create_user, api::get_user, api::update_user, api::lock_user, api::unlock_user, api::reset_password,
        api::list_ledger, api::create_ledger_record, api::get_ledger_record, api::take_ledger_step,
        api::export_ledger, api::import_ledger, api::todo, api::update_ledger_record, api::list_attachments, api::attach, api::download_attachment,
        api::remove_attachment,
        api::list_audit, api::list_calendar, api::load_calendar, api::count_period,
        api::list_settings, api::change_setting,
        api::list_tokens, api::issue_token, api::revoke_token,
        api_reports::list, api_reports::start, api_reports::get, api_reports::save, api_reports::submit,
        api_reports::approve, api_reports::return_for_changes, api_reports::publish, api_reports::report,
        api_reports::district_return,
    ),
    modifiers(&BearerToken),
    security(("api_token" = []))
)]
struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The paths the document describes, for the test that keeps it in step with the route table.
pub fn documented_paths() -> Vec<String> {
    ApiDoc::openapi().paths.paths.keys().cloned().collect()
}
