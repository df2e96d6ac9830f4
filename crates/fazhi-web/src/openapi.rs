use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The refusals any operation may give, each with the one error body `{code, message, field}`:
/// bad input, no or an invalid sign-in, a role or CSRF refusal, an unknown kind or record, a
/// stale version, a body over the limit, a sign-in rate limit, a server fault. Declared once
/// here for every operation rather than repeated (and forgotten) in each annotation.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let body = || {
            ResponseBuilder::new().content(
                "application/json",
                ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiErrorBody"))).build(),
            )
        };
        let common = [
            ("400", "请求内容无效（指明字段）"),
            ("401", "未登录，或接口令牌无效、已过期、已吊销"),
            ("403", "角色无权、只读令牌写入或 CSRF 校验失败"),
            ("404", "接口、台账种类或记录不存在或无权查看"),
            ("405", "该地址不支持此请求方法"),
            ("409", "记录已被他人修改（版本不符）"),
            ("413", "请求内容过大"),
            ("429", "登录尝试过于频繁"),
            ("500", "服务器内部错误"),
        ];
        for item in openapi.paths.paths.values_mut() {
            for operation in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                for (status, description) in common {
                    if !operation.responses.responses.contains_key(status) {
                        let response = body().description(description).build();
                        operation.responses.responses.insert(status.to_owned(), response.into());
                    }
                }
            }
        }
    }
}

/// The `kind` path parameter names one of the declared ledger kinds: say which, so a client (and
/// a property test) knows them without reading the code.
struct LedgerKinds;

impl Modify for LedgerKinds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let codes: Vec<&str> = fazhi_domain::ledgers::ALL.iter().map(|k| k.code).collect();
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete].into_iter().flatten() {
                for parameter in operation.parameters.iter_mut().flatten() {
                    if let utoipa::openapi::RefOr::T(parameter) = parameter
                        && parameter.name == "kind"
                    {
                        let schema =
                            ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes.clone())).build();
                        parameter.schema = Some(schema.into());
                    }
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "法治政府建设管理平台 API", description = "Fazhi JSON API。认证：管理员签发的接口令牌（Authorization: Bearer），或登录会话 Cookie（修改类请求须带 X-CSRF-Token）。错误统一为 {code, message, field}。"),
    paths(
        api::auth::login, api::auth::logout, api::auth::me, api::account::change_password, api::users::roles_list,
        api::orgs::list_orgs, api::orgs::create_org, api::orgs::get_org, api::orgs::update_org,
        api::users::list_users, api::users::create_user, api::users::get_user, api::users::update_user, api::users::lock_user, api::users::unlock_user, api::users::reset_password,
        api::ledgers::list_ledger, api::ledgers::create_ledger_record, api::ledgers::get_ledger_record, api::ledgers::take_ledger_step, api::ledgers::correct_ledger_step,
        api::ledgers::export_ledger, api::ledgers::import_ledger, api::todo::todo, api::ledgers::update_ledger_record, api::ledgers::list_attachments, api::ledgers::attach, api::ledgers::download_attachment,
        api::ledgers::remove_attachment,
        api::audit::list_audit, api::calendar::list_calendar, api::calendar::load_calendar, api::calendar::count_period,
        api::settings::list_settings, api::settings::change_setting,
        api::tokens::list_tokens, api::tokens::issue_token, api::tokens::revoke_token,
        api::reports::list, api::reports::start, api::reports::get, api::reports::save, api::reports::submit,
        api::reports::approve, api::reports::return_for_changes, api::reports::publish, api::reports::report,
        api::reports::district_return,
        api::archive::list_archive, api::archive::file_report, api::archive::get_archived, api::archive::download_archived,
        api::public::list,
    ),
    components(schemas(crate::error::ApiErrorBody)),
    modifiers(&BearerToken, &ErrorResponses, &LedgerKinds),
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
