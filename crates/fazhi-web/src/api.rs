//! The JSON API under `/api/v1`: the same operations as the UI, for programs. Authenticated by
//! the session cookie (with the `X-CSRF-Token` header on changes) or by an API token.

use crate::extract::{Kind, Path, Query};
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use fazhi_domain::role::Role;
use fazhi_store::Page;
use fazhi_store::api_tokens::{self, TokenView};
use fazhi_store::attachments::{self, AttachmentView};
use fazhi_store::audit::{self, AuditFilter, AuditView};
use fazhi_store::calendar::{self, YearView};
use fazhi_store::ledger::{self, RecordView};
use fazhi_store::ledger_xlsx::{self, ImportReport};
use fazhi_store::orgs::{self, NewOrg, OrgUpdate, OrgView};
use fazhi_store::rules::{self, NewValue, SettingView};
use fazhi_store::sessions::{self, LoginOutcome};
use fazhi_store::users::{self, NewUser, UserFilter, UserUpdate, UserView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ClientIp, Identity, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, ApiErrorBody, json_rejection};

type ApiResult<T> = Result<Json<T>, ApiError>;

fn body<T>(input: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    input.map(|Json(v)| v).map_err(json_rejection)
}

fn roles(codes: &[String]) -> Result<Vec<Role>, ApiError> {
    codes.iter().map(|c| Role::parse(c).map_err(|e| ApiError::invalid(e.field, e.message))).collect()
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub roles: Vec<String>,
    pub must_change_password: bool,
}

fn me_view(p: &fazhi_store::users::Principal) -> MeView {
    MeView {
        id: p.user_id,
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        org_id: p.org_id,
        org_name: p.org_name.clone(),
        roles: p.roles.iter().map(|r| r.code().to_owned()).collect(),
        must_change_password: p.must_change_password,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
    /// The six-digit code of the authenticator app (or a recovery code), for an account with
    /// two-factor sign-in.
    pub totp_code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LoginReply {
    /// Send it back as `X-CSRF-Token` on every change made with this session.
    pub csrf_token: String,
    pub user: MeView,
}

#[utoipa::path(post, path = "/api/v1/session", tag = "会话", request_body = LoginBody,
    responses((status = 200, body = LoginReply, description = "已登录，会话 Cookie 已设置"), (status = 401, body = ApiErrorBody, description = "登录名或密码不正确（含被锁定账号输错密码，答复相同）"), (status = 403, body = ApiErrorBody, description = "密码正确但账号已锁定"), (status = 429, body = ApiErrorBody, description = "登录尝试过于频繁")))]
pub async fn login(
    State(state): State<AppState>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    input: Result<Json<LoginBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(input)?;
    if !state.sign_in_limits.allow(&ip, &input.username) {
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", crate::sign_in_limits::TOO_MANY));
    }
    let via = sessions::Via::Program { code: input.totp_code.as_deref() };
    match sessions::login(&state.db, &ip, &input.username, &input.password, via).await? {
        LoginOutcome::CodeRequired => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "second_factor_required",
            "该账号已启用两步验证：请同时提供验证器应用中的动态口令（totp_code）",
        )),
        LoginOutcome::EnrolmentRequired => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "two_factor_enrolment_required",
            "您的角色须使用两步验证：请先在网页上登录并启用",
        )),
        LoginOutcome::Success { token, csrf_token, principal, .. } => {
            let cookie = set_cookie(SESSION_COOKIE, &token, state.config.secure_cookies, false);
            Ok(([(header::SET_COOKIE, cookie)], Json(LoginReply { csrf_token, user: me_view(&principal) }))
                .into_response())
        }
        LoginOutcome::BadCredentials => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "登录名或密码不正确"))
        }
        LoginOutcome::Locked { until } => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "locked",
            match until {
                Some(t) => format!("密码连续错误次数过多，账号锁定至 {}", crate::pages::fmt_time(t)),
                None => "该账号已被系统管理员锁定".into(),
            },
        )),
    }
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "会话", responses((status = 204, description = "已退出")))]
pub async fn logout(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
) -> Result<Response, ApiError> {
    if let Some(token) = &identity.session_token {
        sessions::logout(&state.db, &identity.principal.actor(&ip), token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, true))],
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/me", tag = "会话", responses((status = 200, body = MeView), (status = 401, body = ApiErrorBody)))]
pub async fn me(Extension(identity): Extension<Identity>) -> Json<MeView> {
    Json(me_view(&identity.principal))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChangeBody {
    pub current_password: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/api/v1/account/password", tag = "会话", request_body = PasswordChangeBody,
    responses((status = 204, description = "密码已修改"), (status = 400, body = ApiErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    input: Result<Json<PasswordChangeBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let input = body(input)?;
    let p = &identity.principal;
    users::change_own_password(
        &state.db,
        &p.actor(&ip),
        p.user_id,
        &input.current_password,
        &input.new_password,
        identity.session_token.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct RoleView {
    pub code: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

#[utoipa::path(get, path = "/api/v1/roles", tag = "用户", responses((status = 200, body = Vec<RoleView>)))]
pub async fn roles_list() -> Json<Vec<RoleView>> {
    Json(
        Role::ALL.iter().map(|r| RoleView { code: r.code(), label: r.label(), description: r.description() }).collect(),
    )
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "组织机构", responses((status = 200, body = Vec<OrgView>, description = "本机构及下属机构，按树的先序排列")))]
pub async fn list_orgs(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
) -> ApiResult<Vec<OrgView>> {
    Ok(Json(orgs::list(&state.db, &identity.principal.scope()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOrgBody {
    pub name: String,
    /// `township`, `street`, `village`, `community` or `office`.
    pub kind: String,
    pub parent_id: i64,
    #[serde(default)]
    pub sort_order: i32,
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "组织机构", request_body = NewOrgBody,
    responses((status = 201, body = OrgView), (status = 400, body = ApiErrorBody)))]
pub async fn create_org(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    input: Result<Json<NewOrgBody>, JsonRejection>,
) -> Result<(StatusCode, Json<OrgView>), ApiError> {
    let input = body(input)?;
    let p = &identity.principal;
    let org = orgs::create(
        &state.db,
        &p.actor(&ip),
        &p.scope(),
        NewOrg { name: input.name, kind: input.kind, parent_id: Some(input.parent_id), sort_order: input.sort_order },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(org)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "组织机构", params(("id" = i64, Path, description = "机构编号")),
    responses((status = 200, body = OrgView), (status = 404, body = ApiErrorBody)))]
pub async fn get_org(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<i64>,
) -> ApiResult<OrgView> {
    Ok(Json(orgs::get(&state.db, &identity.principal.scope(), id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct OrgUpdateBody {
    pub name: String,
    #[serde(default)]
    pub sort_order: i32,
    /// The version read; a different current version answers 409.
    pub version: i64,
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "组织机构", params(("id" = i64, Path, description = "机构编号")), request_body = OrgUpdateBody,
    responses((status = 200, body = OrgView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn update_org(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(id): Path<i64>,
    input: Result<Json<OrgUpdateBody>, JsonRejection>,
) -> ApiResult<OrgView> {
    let input = body(input)?;
    let p = &identity.principal;
    Ok(Json(
        orgs::update(
            &state.db,
            &p.actor(&ip),
            &p.scope(),
            id,
            OrgUpdate { name: input.name, sort_order: input.sort_order, version: input.version },
        )
        .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    /// Matches the login name or the display name.
    pub keyword: Option<String>,
    pub role: Option<String>,
    pub org_id: Option<i64>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "用户", params(UserQuery), responses((status = 200, body = UserPage)))]
pub async fn list_users(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Query(q): Query<UserQuery>,
) -> ApiResult<UserPage> {
    let role = match q.role.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(Role::parse(r).map_err(|e| ApiError::invalid("role", e.message))?),
        None => None,
    };
    let filter = UserFilter {
        keyword: q.keyword,
        role,
        org_id: q.org_id,
        page: q.page.unwrap_or(1),
        page_size: q.page_size.unwrap_or(20),
    };
    let Page { items, total, page, page_size } = users::list(&state.db, &identity.principal.scope(), &filter).await?;
    Ok(Json(UserPage { items, total, page, page_size }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserBody {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<String>,
    /// Not needed for a service account.
    #[serde(default)]
    pub password: String,
    /// 接口账号: acts only through API tokens its administrator issues; never signs in.
    #[serde(default)]
    pub service_account: bool,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "用户", request_body = NewUserBody,
    responses((status = 201, body = UserView), (status = 400, body = ApiErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    input: Result<Json<NewUserBody>, JsonRejection>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let input = body(input)?;
    let p = &identity.principal;
    let new = NewUser {
        username: input.username,
        display_name: input.display_name,
        org_id: input.org_id,
        roles: roles(&input.roles)?,
        password: input.password,
        // Every account an administrator creates changes its password at first sign-in.
        must_change_password: true,
        service_account: input.service_account,
    };
    Ok((StatusCode::CREATED, Json(users::create(&state.db, &p.actor(&ip), &p.scope(), new).await?)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "用户", params(("id" = i64, Path, description = "用户编号")),
    responses((status = 200, body = UserView), (status = 404, body = ApiErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<i64>,
) -> ApiResult<UserView> {
    Ok(Json(users::get(&state.db, &identity.principal.scope(), id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct UserUpdateBody {
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<String>,
    #[serde(default)]
    pub must_change_password: bool,
    pub version: i64,
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "用户", params(("id" = i64, Path, description = "用户编号")), request_body = UserUpdateBody,
    responses((status = 200, body = UserView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(id): Path<i64>,
    input: Result<Json<UserUpdateBody>, JsonRejection>,
) -> ApiResult<UserView> {
    let input = body(input)?;
    let p = &identity.principal;
    let update = UserUpdate {
        display_name: input.display_name,
        org_id: input.org_id,
        roles: roles(&input.roles)?,
        must_change_password: input.must_change_password,
        version: input.version,
    };
    Ok(Json(users::update(&state.db, &p.actor(&ip), &p.scope(), id, update).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    /// Why: kept in the audit trail.
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/lock", tag = "用户", params(("id" = i64, Path, description = "用户编号")), request_body = ReasonBody,
    responses((status = 200, body = UserView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn lock_user(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(id): Path<i64>,
    input: Result<Json<ReasonBody>, JsonRejection>,
) -> ApiResult<UserView> {
    let input = body(input)?;
    let p = &identity.principal;
    Ok(Json(users::set_locked(&state.db, &p.actor(&ip), &p.scope(), id, true, &input.reason).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "用户", params(("id" = i64, Path, description = "用户编号")),
    responses((status = 200, body = UserView), (status = 404, body = ApiErrorBody)))]
pub async fn unlock_user(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(id): Path<i64>,
) -> ApiResult<UserView> {
    let p = &identity.principal;
    Ok(Json(users::set_locked(&state.db, &p.actor(&ip), &p.scope(), id, false, "").await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordResetBody {
    /// A one-time password: the user must change it at the next sign-in.
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "用户", params(("id" = i64, Path, description = "用户编号")), request_body = PasswordResetBody,
    responses((status = 200, body = UserView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(id): Path<i64>,
    input: Result<Json<PasswordResetBody>, JsonRejection>,
) -> ApiResult<UserView> {
    let input = body(input)?;
    let p = &identity.principal;
    Ok(Json(users::reset_password(&state.db, &p.actor(&ip), &p.scope(), id, &input.password, true).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Login name of the actor.
    pub user: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    /// First day, `YYYY-MM-DD`, Beijing time.
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD`, Beijing time.
    pub to: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

fn day(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError::invalid(field, "日期格式应为 YYYY-MM-DD")),
    }
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "审计", params(AuditQuery), responses((status = 200, body = AuditPage), (status = 400, body = ApiErrorBody)))]
pub async fn list_audit(State(state): State<AppState>, Query(q): Query<AuditQuery>) -> ApiResult<AuditPage> {
    let user = q.user.filter(|u| !u.trim().is_empty());
    let filter = AuditFilter {
        actor_username: user.clone(),
        action: q.action,
        object_type: q.object_type,
        from: day("from", q.from.as_deref())?,
        to: day("to", q.to.as_deref())?,
        page: q.page.unwrap_or(1),
        page_size: q.page_size.unwrap_or(50),
        ..Default::default()
    };
    let Page { items, total, page, page_size } = audit::list(&state.db, &filter).await?;
    // Only an empty answer needs telling apart from a login name that does not exist.
    if total == 0
        && let Some(u) = &user
        && users::id_by_username(&state.db, u).await?.is_none()
    {
        return Err(ApiError::invalid("user", "找不到该登录名的用户"));
    }
    Ok(Json(AuditPage { items, total, page, page_size }))
}

#[derive(Deserialize, IntoParams)]
pub struct LedgerListParams {
    /// A state code of the kind, e.g. `in_force`.
    pub state: Option<String>,
    /// Words of the title.
    pub q: Option<String>,
    /// `updated` (last handled first), `title`, or newest first.
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct RecordPage {
    pub items: Vec<RecordView>,
    /// The number of records, counted up to 1,000 or the page asked for if deeper; when the count
    /// stopped there, `total_is_exact` is false and there are more.
    pub total: u64,
    pub total_is_exact: bool,
    pub page: u64,
    pub page_size: u64,
}

/// Field values of a form or a JSON object, as text by field key.
fn text_fields(body: serde_json::Map<String, serde_json::Value>) -> std::collections::BTreeMap<String, String> {
    body.into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Bool(b) => if b { "是" } else { "否" }.to_owned(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/ledgers/{kind}", tag = "台账", params(("kind" = String, Path, description = "decisions 或 normative_documents"), LedgerListParams), responses((status = 200, body = RecordPage)))]
pub async fn list_ledger(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Kind(kind): Kind,
    Query(q): Query<LedgerListParams>,
) -> ApiResult<RecordPage> {
    let filter = ledger::ListFilter {
        state: q.state,
        query: q.q,
        sort: ledger::Sort::parse(q.sort.as_deref().unwrap_or("")),
        page: q.page.unwrap_or(1),
        page_size: q.page_size.unwrap_or(50),
    };
    let listed = ledger::list(&state.db, &identity.principal.scope(), kind, &filter).await?;
    // Personal values come masked for the caller from the store (`Scope::sees_personal`).
    let Page { items, total, page, page_size } = listed.page;
    Ok(Json(RecordPage { items, total, total_is_exact: !listed.more, page, page_size }))
}

/// Creates a record in the caller's organization: the body is an object of field values.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}", tag = "台账", params(("kind" = String, Path)), request_body(content = Object, description = "字段值，如 {\"title\": \"…\"}"), responses((status = 200, body = RecordView), (status = 400, body = ApiErrorBody)))]
pub async fn create_ledger_record(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Kind(kind): Kind,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> ApiResult<RecordView> {
    let fields = text_fields(body(input)?);
    let p = &identity.principal;
    let rules = rules::current(&state.db).await?;
    Ok(Json(ledger::create(&state.db, &p.actor(&ip), &p.scope(), kind, p.org_id, &fields, &rules.ctx()).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct ExportParams {
    #[serde(default)]
    pub state: String,
    /// Any part of any text of the record.
    #[serde(default)]
    pub q: String,
    /// `updated`, `title`, or newest first.
    #[serde(default)]
    pub sort: String,
}

/// The filtered list as an `.xlsx` file: 状态, then every field by its Chinese label. Personal
/// data is masked for district roles.
#[utoipa::path(get, path = "/api/v1/ledgers/{kind}/export", tag = "台账", params(("kind" = String, Path), ExportParams), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn export_ledger(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Kind(kind): Kind,
    Query(q): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let filter = ledger::ListFilter {
        state: Some(q.state).filter(|s| !s.is_empty()),
        query: Some(q.q).filter(|s| !s.trim().is_empty()),
        sort: ledger::Sort::parse(&q.sort),
        ..Default::default()
    };
    let p = &identity.principal;
    let (bytes, _) = ledger_xlsx::export(&state.db, &p.actor(&ip), &p.scope(), kind, &filter).await?;
    Ok(crate::pages::ledgers::xlsx_download(&format!("{}台账.xlsx", kind.label), bytes))
}

#[derive(Deserialize, IntoParams)]
pub struct ImportParams {
    /// Only check the file and report; store nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The file's name, as the history of each imported record will name it.
    #[serde(default)]
    pub name: Option<String>,
    /// Rows (by their row number) that look like records already held and are to be created
    /// all the same, separated by commas: 3,5.
    #[serde(default)]
    pub confirm_rows: Option<String>,
}

/// Imports an `.xlsx` file (the request body) into the caller's organization, all rows or none.
/// A file with errors gets a 400 with the report listing each row and column.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}/import", tag = "台账", params(("kind" = String, Path), ImportParams), request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), responses((status = 200, body = ImportReport), (status = 400, body = ImportReport)))]
pub async fn import_ledger(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Kind(kind): Kind,
    Query(q): Query<ImportParams>,
    file: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let p = &identity.principal;
    let rules = rules::current(&state.db).await?;
    let (roles, principal) = orgs::roles_for_steps(&state.db, p, p.org_id).await?;
    let facts = fazhi_domain::ledger::ActorFacts { name: &p.display_name, roles: &roles, principal_leader: principal };
    let (actor, scope) = (p.actor(&ip), p.scope());
    let who = ledger_xlsx::Importer { actor: &actor, facts, scope: &scope };
    let confirmed: Vec<usize> = q
        .confirm_rows
        .as_deref()
        .unwrap_or("")
        .split([',', '，', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| ApiError::invalid("confirm_rows", "“confirm_rows”应为以逗号分隔的行号"))
        })
        .collect::<Result<_, _>>()?;
    let file = ledger_xlsx::ImportFile {
        name: q.name.as_deref().unwrap_or("接口上传的文件"),
        bytes: &file,
        confirmed_rows: &confirmed,
    };
    let report = ledger_xlsx::import(&state.db, who, kind, p.org_id, file, &rules.ctx(), !q.dry_run).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok((status, Json(report)).into_response())
}

#[utoipa::path(get, path = "/api/v1/ledgers/{kind}/{id}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path)), responses((status = 200, body = RecordView), (status = 404, body = ApiErrorBody)))]
pub async fn get_ledger_record(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<RecordView> {
    // The district sees the township's records with names and contacts masked, by the store.
    Ok(Json(ledger::get(&state.db, &identity.principal.scope(), kind, id).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct AttachParams {
    /// The file's name, with its extension: 会议纪要.pdf.
    #[serde(default)]
    pub name: String,
    /// The stage of the procedure the file records, where the ledger names stages (行政执法案件:
    /// 立案, 告知, 听证, 法制审核, 决定, 送达).
    #[serde(default)]
    pub stage: Option<String>,
}

/// The record's version the caller read, which a change must name.
fn version_of(fields: &std::collections::BTreeMap<String, String>) -> Result<i64, ApiError> {
    fields
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::invalid("version", "请提供记录的 version"))
}

/// Corrects a record's own fields (those it is created with) while it is in its first state. The
/// body holds every such field, as on creation, and `version`, the record's version as read.
#[utoipa::path(put, path = "/api/v1/ledgers/{kind}/{id}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path)), request_body(content = Object), responses((status = 200, body = RecordView), (status = 400, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn update_ledger_record(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> ApiResult<RecordView> {
    let fields = text_fields(body(input)?);
    let version = version_of(&fields)?;
    let p = &identity.principal;
    let rules = rules::current(&state.db).await?;
    let saved = ledger::update(&state.db, &p.actor(&ip), &p.scope(), kind, id, version, &fields, &rules.ctx()).await?;
    Ok(Json(saved))
}

#[derive(Serialize, ToSchema)]
pub struct TodoView {
    /// Due within five working days or overdue, soonest first (at most 200), each with how its
    /// due day was counted.
    pub items: Vec<ledger::DueItem>,
    /// For the district: per township, how many are due soon and how many overdue.
    pub counts: Vec<crate::pages::todo::OrgCount>,
    pub total: u64,
}

/// 我的待办: the caller's deadlines due within five working days and the overdue ones. A township
/// leader and the district see all of their scope's; clerks and advisers those they may meet.
#[utoipa::path(get, path = "/api/v1/todo", tag = "台账", responses((status = 200, body = TodoView)))]
pub async fn todo(State(state): State<AppState>, Extension(identity): Extension<Identity>) -> ApiResult<TodoView> {
    let due = crate::pages::todo::due_for(&state, &identity).await?;
    Ok(Json(TodoView { items: due.items, counts: due.counts, total: due.total }))
}

/// The attachments of a record, oldest first.
#[utoipa::path(get, path = "/api/v1/ledgers/{kind}/{id}/attachments", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path)), responses((status = 200, body = Vec<AttachmentView>), (status = 404, body = ApiErrorBody)))]
pub async fn list_attachments(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Vec<AttachmentView>> {
    Ok(Json(attachments::list(&state.db, &identity.principal.scope(), kind, id).await?))
}

/// Attaches a file (the request body) to a record. Accepted: PDF, OFD, Word, Excel, WPS, JPEG and
/// PNG, up to 20 MB, whose content matches the name's extension.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}/{id}/attachments", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), AttachParams), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 201, body = AttachmentView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn attach(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<AttachParams>,
    file: axum::body::Bytes,
) -> Result<Response, ApiError> {
    if q.name.trim().is_empty() {
        return Err(ApiError::invalid("name", "请在查询参数 name 中给出附件的文件名（含扩展名），如 会议纪要.pdf"));
    }
    let p = &identity.principal;
    let saved = attachments::attach(
        &state.db,
        &state.files,
        &p.actor(&ip),
        &p.scope(),
        kind,
        id,
        &q.name,
        q.stage.as_deref(),
        &file,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}

/// An attachment's content, as a download under its media type.
#[utoipa::path(get, path = "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), ("attachment" = i64, Path)), responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ApiErrorBody)))]
pub async fn download_attachment(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Kind(kind): Kind,
    Path((_, id, attachment)): Path<(String, i64, i64)>,
) -> Result<Response, ApiError> {
    let (a, bytes) =
        attachments::open(&state.db, &state.files, &identity.principal.scope(), kind, id, attachment).await?;
    Ok(crate::pages::ledgers::attachment_download(&a, bytes))
}

/// Removes an attachment from its record (the audit trail keeps what it was).
#[utoipa::path(delete, path = "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), ("attachment" = i64, Path)), responses((status = 204), (status = 404, body = ApiErrorBody)))]
pub async fn remove_attachment(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Kind(kind): Kind,
    Path((_, id, attachment)): Path<(String, i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let p = &identity.principal;
    attachments::remove(&state.db, &p.actor(&ip), &p.scope(), kind, id, attachment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes one step of a record's procedure. The body holds the step's fields and `version`, the
/// record's version as the caller read it.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}/{id}/steps/{step}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), ("step" = String, Path)), request_body(content = Object), responses((status = 200, body = RecordView), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn take_ledger_step(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Kind(kind): Kind,
    Path((_, id, step)): Path<(String, i64, String)>,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> ApiResult<RecordView> {
    ledger_step(&state, &identity, &ip, kind, id, &step, input, false).await
}

/// Corrects what a step recorded (更正). The body holds the step's fields, `reason` and
/// `version`; the step's conditions are checked again over the corrected record.
#[utoipa::path(post, path = "/api/v1/ledgers/{kind}/{id}/corrections/{step}", tag = "台账", params(("kind" = String, Path), ("id" = i64, Path), ("step" = String, Path)), request_body(content = Object), responses((status = 200, body = RecordView), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn correct_ledger_step(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Kind(kind): Kind,
    Path((_, id, step)): Path<(String, i64, String)>,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> ApiResult<RecordView> {
    ledger_step(&state, &identity, &ip, kind, id, &step, input, true).await
}

/// A step taken, or what it recorded corrected (with the body's `reason`), as the caller.
#[allow(clippy::too_many_arguments)]
async fn ledger_step(
    state: &AppState,
    identity: &Identity,
    ip: &str,
    kind: &'static fazhi_domain::ledger::LedgerKind,
    id: i64,
    step: &str,
    input: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
    correction: bool,
) -> ApiResult<RecordView> {
    let mut fields = text_fields(body(input)?);
    let version = version_of(&fields)?;
    fields.remove("version");
    // Only a correction has a reason; a step given one refuses it as a field it does not record.
    let reason = if correction { fields.remove("reason").unwrap_or_default() } else { String::new() };
    let p = &identity.principal;
    let scope = p.scope();
    let record = ledger::get(&state.db, &scope, kind, id).await?;
    let (roles, principal) = orgs::roles_for_steps(&state.db, p, record.org_id).await?;
    let rules = rules::current(&state.db).await?;
    let ctx = rules.ctx();
    let facts = fazhi_domain::ledger::ActorFacts { name: &p.display_name, roles: &roles, principal_leader: principal };
    let actor = p.actor(ip);
    Ok(Json(if correction {
        ledger::correct(&state.db, &actor, facts, &scope, kind, id, version, step, &fields, &reason, &ctx).await?
    } else {
        ledger::take(&state.db, &actor, facts, &scope, kind, id, version, step, &fields, &ctx).await?
    }))
}

#[utoipa::path(get, path = "/api/v1/calendar", tag = "工作日历", responses((status = 200, body = Vec<YearView>)))]
pub async fn list_calendar(State(state): State<AppState>) -> ApiResult<Vec<YearView>> {
    Ok(Json(calendar::list(&state.db).await?))
}

/// Loads a year's holiday notice: the body is the holiday-cn JSON file itself.
#[utoipa::path(post, path = "/api/v1/calendar", tag = "工作日历", request_body(content = String, content_type = "application/json", description = "holiday-cn 格式的放假安排"), responses((status = 200, body = YearView), (status = 400, body = ApiErrorBody)))]
pub async fn load_calendar(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    file: axum::body::Bytes,
) -> ApiResult<YearView> {
    let json = std::str::from_utf8(&file).map_err(|_| ApiError::invalid("file", "放假安排应为 UTF-8 编码的 JSON"))?;
    Ok(Json(calendar::load_year_by(&state.db, &identity.principal, &ip, json).await?))
}

#[utoipa::path(get, path = "/api/v1/settings", tag = "规则设置", responses((status = 200, body = Vec<SettingView>)))]
pub async fn list_settings(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
) -> ApiResult<Vec<SettingView>> {
    Ok(Json(rules::list(&state.db, &identity.principal).await?))
}

/// A new value of one setting: `length` and `unit` for a period, `number` for a number, or
/// `reset: true` for the default.
#[derive(Deserialize, ToSchema)]
pub struct SettingBody {
    pub length: Option<u32>,
    /// `working_days` or `calendar_days`.
    pub unit: Option<String>,
    pub number: Option<i64>,
    #[serde(default)]
    pub reset: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SettingChanged {
    /// Open time limits counted by this setting, recounted.
    pub open_deadlines: usize,
}

/// Changes one setting; every open deadline is recounted in the same transaction.
#[utoipa::path(post, path = "/api/v1/settings/{key}", tag = "规则设置", params(("key" = String, Path)), request_body = SettingBody, responses((status = 200, body = SettingChanged), (status = 400, body = ApiErrorBody)))]
pub async fn change_setting(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(key): Path<String>,
    input: Result<Json<SettingBody>, JsonRejection>,
) -> ApiResult<SettingChanged> {
    let b = body(input)?;
    let (length, number) = (b.length.map(|n| n.to_string()), b.number.map(|n| n.to_string()));
    let value = match (b.reset, &number, &length) {
        (true, _, _) => NewValue::Default,
        (false, Some(n), _) => NewValue::Number(n),
        (false, None, Some(length)) => NewValue::Period { length, unit: b.unit.as_deref().unwrap_or("") },
        (false, None, None) => return Err(ApiError::invalid("length", "请提供 length 和 unit、number，或 reset")),
    };
    let open = rules::set(&state.db, &identity.principal, &ip, &key, value).await?;
    Ok(Json(SettingChanged { open_deadlines: open }))
}

#[derive(Deserialize, IntoParams)]
pub struct CountParams {
    /// The day of the start event, YYYY-MM-DD; it is not itself counted.
    pub start: String,
    /// Length of the period.
    pub days: String,
    /// `working` (default) or `calendar`.
    #[serde(default)]
    pub unit: String,
}

#[derive(Serialize, ToSchema)]
pub struct CountedPeriod {
    pub due: NaiveDate,
    /// The count ran into a year whose holiday notice is not loaded yet.
    pub provisional: bool,
    /// How the due date was counted, line by line.
    pub explanation: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/calendar/count", tag = "工作日历", params(CountParams), responses((status = 200, body = CountedPeriod), (status = 400, body = ApiErrorBody)))]
pub async fn count_period(State(state): State<AppState>, Query(q): Query<CountParams>) -> ApiResult<CountedPeriod> {
    let query = crate::pages::calendar::CountQuery { start: q.start, days: q.days, unit: q.unit };
    let (start, period) = crate::pages::calendar::parse_count(&query).map_err(|m| {
        let field = if m.contains("日期") { "start" } else { "days" };
        ApiError::invalid(field, m)
    })?;
    let counted = calendar::current(&state.db).await?.count(start, period);
    Ok(Json(CountedPeriod { due: counted.due, provisional: counted.provisional, explanation: counted.explain() }))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "接口令牌", responses((status = 200, body = Vec<TokenView>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
) -> ApiResult<Vec<TokenView>> {
    Ok(Json(api_tokens::list(&state.db, &identity.principal).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct IssueTokenBody {
    /// Leave out to issue for yourself. An administrator may name a service account (接口账号) in
    /// their organization's subtree; no other user.
    pub user_id: Option<i64>,
    /// What the token is for.
    pub name: String,
    /// Days until it expires: 90 when left out, at most 365.
    pub days: Option<i64>,
    /// Only reads (GET) are allowed with it.
    #[serde(default)]
    pub read_only: bool,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    /// Shown once; only its digest is stored.
    pub token: String,
    pub info: TokenView,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "接口令牌", request_body = IssueTokenBody,
    responses((status = 201, body = IssuedToken), (status = 400, body = ApiErrorBody)))]
pub async fn issue_token(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    input: Result<Json<IssueTokenBody>, JsonRejection>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    let input = body(input)?;
    let p = &identity.principal;
    let request = api_tokens::TokenRequest {
        user_id: input.user_id,
        name: input.name,
        days: input.days,
        read_only: input.read_only,
    };
    let (token, info) = api_tokens::issue(&state.db, p, &ip, request).await?;
    Ok((StatusCode::CREATED, Json(IssuedToken { token, info })))
}

#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "接口令牌", params(("id" = i64, Path, description = "令牌编号")), request_body = ReasonBody,
    responses((status = 200, body = TokenView), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(id): Path<i64>,
    input: Result<Json<ReasonBody>, JsonRejection>,
) -> ApiResult<TokenView> {
    let input = body(input)?;
    let p = &identity.principal;
    Ok(Json(api_tokens::revoke(&state.db, p, &ip, id, &input.reason).await?))
}
