use std::collections::HashMap;

use crate::extract::{Path, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{RawForm, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fazhi_domain::role::Role;
use fazhi_store::users::{self, NewUser, UserFilter, UserUpdate, UserView};
use fazhi_store::{StoreError, orgs};
use serde::Deserialize;

use super::{FormErrors, Nav, PageError, PageResult, fmt_opt_time, role_options};
use crate::AppState;
use crate::auth::Caller;

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_name: String,
    pub roles: String,
    pub status: &'static str,
    pub status_tone: &'static str,
    pub last_login: String,
}

fn status(u: &UserView) -> (&'static str, &'static str) {
    if u.locked {
        ("已锁定", "red")
    } else if u.is_locked() {
        ("暂时锁定", "orange")
    } else if u.must_change_password {
        ("待改密码", "blue")
    } else {
        ("正常", "green")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Nav,
    users: Vec<UserRow>,
    role_options: Vec<(&'static str, &'static str, &'static str)>,
    filter_keyword: String,
    filter_role: String,
    total: u64,
    page: u64,
    page_count: u64,
    prev_href: String,
    next_href: String,
}

#[derive(Deserialize)]
pub struct ListQuery {
    keyword: Option<String>,
    role: Option<String>,
    page: Option<u64>,
}

pub async fn list(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> PageResult {
    let role = q.role.as_deref().filter(|r| !r.is_empty()).and_then(|r| Role::parse(r).ok());
    let filter =
        UserFilter { keyword: q.keyword.clone(), role, org_id: None, page: q.page.unwrap_or(1), page_size: 20 };
    let page = users::list(&state.db, &caller.scope(), &filter).await?;
    let keyword = q.keyword.unwrap_or_default();
    let role_code = role.map(|r| r.code().to_owned()).unwrap_or_default();
    let href = |n: u64| format!("/users?keyword={}&role={}&page={n}", crate::auth::url_encode(&keyword), role_code);
    Ok(UsersPage {
        nav: Nav::new(&caller, "/users", &[("系统管理", ""), ("用户管理", "")]),
        page_count: page.page_count(),
        prev_href: href(page.page.saturating_sub(1)),
        next_href: href(page.page + 1),
        total: page.total,
        page: page.page,
        users: page
            .items
            .iter()
            .map(|u| {
                let (status, status_tone) = status(u);
                UserRow {
                    id: u.id,
                    username: u.username.clone(),
                    display_name: u.display_name.clone(),
                    org_name: u.org_name.clone(),
                    roles: u.role_labels(),
                    status,
                    status_tone,
                    last_login: fmt_opt_time(u.last_login_at),
                }
            })
            .collect(),
        role_options: role_options(),
        filter_keyword: keyword,
        filter_role: role_code,
    }
    .into_response())
}

#[derive(Default)]
pub struct UserForm {
    pub username: String,
    pub display_name: String,
    pub org_id: String,
    pub roles: Vec<String>,
    pub password: String,
    pub must_change_password: bool,
    pub service_account: bool,
    pub version: i64,
}

impl UserForm {
    /// Reads a urlencoded body; `roles` repeats, once per ticked box.
    fn parse(body: &[u8]) -> UserForm {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut form = UserForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "username" => form.username = v,
                "display_name" => form.display_name = v,
                "org_id" => form.org_id = v,
                "roles" => form.roles.push(v),
                "password" => form.password = v,
                "must_change_password" => form.must_change_password = v == "on",
                "service_account" => form.service_account = v == "on",
                "version" => form.version = v.parse().unwrap_or(0),
                _ => {}
            }
        }
        form
    }

    pub fn has_role(&self, code: &str) -> bool {
        self.roles.iter().any(|r| r == code)
    }

    fn parsed_roles(&self) -> Result<Vec<Role>, StoreError> {
        self.roles.iter().map(|r| Role::parse(r).map_err(StoreError::from)).collect()
    }

    fn parsed_org(&self) -> Result<i64, StoreError> {
        self.org_id.parse().map_err(|_| StoreError::invalid("org_id", "请选择所属机构"))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "user_form.html")]
struct UserFormPage {
    nav: Nav,
    heading: String,
    action: String,
    editing: bool,
    id: i64,
    version: i64,
    form: UserForm,
    orgs: Vec<(i64, String)>,
    role_options: Vec<(&'static str, &'static str, &'static str)>,
    errors: HashMap<String, String>,
    general_error: Option<String>,
    notice: Option<String>,
    locked: bool,
    status: &'static str,
    status_tone: &'static str,
    two_factor: bool,
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    existing: Option<&UserView>,
    form: UserForm,
    errors: FormErrors,
    notice: Option<String>,
    status_code: StatusCode,
) -> PageResult {
    let orgs = match orgs::list(&state.db, &caller.scope()).await {
        // Each organization by its full path (杉岭乡 / 党政办): the townships' offices share names.
        Ok(list) => {
            let names: std::collections::HashMap<i64, (String, Option<i64>)> =
                list.iter().map(|o| (o.id, (o.name.clone(), o.parent_id))).collect();
            let path = |id: i64| {
                let mut parts = Vec::new();
                let mut at = Some(id);
                while let Some((name, parent)) = at.and_then(|i| names.get(&i)) {
                    parts.push(name.as_str());
                    at = *parent;
                }
                parts.reverse();
                parts.join(" / ")
            };
            list.iter().map(|o| (o.id, path(o.id))).collect()
        }
        Err(e) => return Err(e.into()),
    };
    let (heading, action, id) = match existing {
        Some(u) => (format!("编辑用户：{}", u.display_name), format!("/users/{}", u.id), u.id),
        None => ("新增用户".to_owned(), "/users".to_owned(), 0),
    };
    let (status, status_tone) = existing.map(status).unwrap_or(("", "grey"));
    let page = UserFormPage {
        nav: Nav::new(
            caller,
            "/users",
            &[("系统管理", ""), ("用户管理", "/users"), (if existing.is_some() { "编辑" } else { "新增" }, "")],
        ),
        heading,
        action,
        editing: existing.is_some(),
        id,
        version: existing.map(|u| u.version).unwrap_or(form.version),
        form,
        orgs,
        role_options: role_options(),
        errors: errors.fields,
        general_error: errors.general,
        notice,
        locked: existing.is_some_and(|u| u.is_locked()),
        status,
        status_tone,
        two_factor: existing.is_some_and(|u| u.two_factor),
    };
    Ok((status_code, page).into_response())
}

fn form_from(u: &UserView) -> UserForm {
    UserForm {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        org_id: u.org_id.to_string(),
        roles: u.roles.clone(),
        password: String::new(),
        must_change_password: u.must_change_password,
        service_account: u.service_account,
        version: u.version,
    }
}

pub async fn new_form(State(state): State<AppState>, caller: Caller) -> PageResult {
    let form =
        UserForm { org_id: caller.principal.org_id.to_string(), must_change_password: true, ..Default::default() };
    form_page(&state, &caller, None, form, FormErrors::default(), None, StatusCode::OK).await
}

pub async fn create(State(state): State<AppState>, caller: Caller, RawForm(body): RawForm) -> PageResult {
    let form = UserForm::parse(&body);
    let result = async {
        let input = NewUser {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            org_id: form.parsed_org()?,
            roles: form.parsed_roles()?,
            password: form.password.clone(),
            must_change_password: true,
            service_account: form.service_account,
        };
        users::create(&state.db, &caller.actor(), &caller.scope(), input).await
    }
    .await;
    match result {
        Ok(u) => Ok(super::see_other(&format!("/users/{}?notice=created", u.id))),
        Err(e) => {
            form_page(&state, &caller, None, form, FormErrors::from_store(e), None, StatusCode::BAD_REQUEST).await
        }
    }
}

#[derive(Deserialize)]
pub struct Notice {
    notice: Option<String>,
}

fn notice_text(code: Option<&str>) -> Option<String> {
    match code? {
        "created" => Some("用户已新增。".into()),
        "saved" => Some("已保存。".into()),
        "locked" => Some("账号已锁定，其登录会话已全部结束。".into()),
        "unlocked" => Some("账号已解锁。".into()),
        "password" => Some("密码已重置，其登录会话已全部结束。".into()),
        "two_factor" => Some("两步验证已重置：该用户下次登录时重新设置（其角色要求时）。".into()),
        _ => None,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<Notice>,
) -> PageResult {
    match users::get(&state.db, &caller.scope(), id).await {
        Ok(u) => {
            form_page(
                &state,
                &caller,
                Some(&u),
                form_from(&u),
                FormErrors::default(),
                notice_text(q.notice.as_deref()),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> PageResult {
    let form = UserForm::parse(&body);
    let existing = users::get(&state.db, &caller.scope(), id).await?;
    let result = async {
        let input = UserUpdate {
            display_name: form.display_name.clone(),
            org_id: form.parsed_org()?,
            roles: form.parsed_roles()?,
            must_change_password: form.must_change_password,
            version: form.version,
        };
        users::update(&state.db, &caller.actor(), &caller.scope(), id, input).await
    }
    .await;
    match result {
        Ok(_) => Ok(super::see_other(&format!("/users/{id}?notice=saved"))),
        Err(e) => {
            let code = crate::error::answer(&e).status;
            let mut form = form;
            form.username = existing.username.clone();
            form_page(&state, &caller, Some(&existing), form, FormErrors::from_store(e), None, code).await
        }
    }
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn set_locked(state: AppState, caller: Caller, id: i64, locked: bool, reason: String) -> PageResult {
    match users::set_locked(&state.db, &caller.actor(), &caller.scope(), id, locked, &reason).await {
        Ok(_) => Ok(super::see_other(&format!("/users/{id}?notice={}", if locked { "locked" } else { "unlocked" }))),
        Err(StoreError::NotFound) => Err(PageError::not_found()),
        Err(e) => match users::get(&state.db, &caller.scope(), id).await {
            Ok(u) => {
                form_page(
                    &state,
                    &caller,
                    Some(&u),
                    form_from(&u),
                    FormErrors::from_store(e),
                    None,
                    StatusCode::BAD_REQUEST,
                )
                .await
            }
            Err(e) => Err(e.into()),
        },
    }
}

pub async fn lock(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> PageResult {
    set_locked(state, caller, id, true, form.reason).await
}

pub async fn unlock(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> PageResult {
    set_locked(state, caller, id, false, String::new()).await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(form): Form<ResetForm>,
) -> PageResult {
    // An administrator's reset is always a one-time password (enforced by the store as well).
    match users::reset_password(&state.db, &caller.actor(), &caller.scope(), id, &form.password, true).await {
        Ok(_) => Ok(super::see_other(&format!("/users/{id}?notice=password"))),
        Err(StoreError::NotFound) => Err(PageError::not_found()),
        Err(e) => match users::get(&state.db, &caller.scope(), id).await {
            Ok(u) => {
                form_page(
                    &state,
                    &caller,
                    Some(&u),
                    form_from(&u),
                    FormErrors::from_store(e),
                    None,
                    StatusCode::BAD_REQUEST,
                )
                .await
            }
            Err(e) => Err(e.into()),
        },
    }
}

/// An administrator clears a user's two factors (a lost phone): the user enrols again.
pub async fn reset_two_factor(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> PageResult {
    match fazhi_store::two_factor::reset(&state.db, &caller.actor(), &caller.scope(), id).await {
        Ok(()) => Ok(super::see_other(&format!("/users/{id}?notice=two_factor"))),
        Err(e) => Err(e.into()),
    }
}
