use std::collections::HashMap;

use crate::extract::{Path, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fazhi_domain::org::OrgKind;
use fazhi_domain::role::Role;
use fazhi_store::orgs::{self, NewOrg, OrgUpdate, OrgView};
use fazhi_store::users;
use serde::Deserialize;

use super::{FormErrors, Nav, PageError, PageResult};
use crate::AppState;
use crate::auth::Caller;

pub struct OrgRow {
    pub org: OrgView,
    pub depth: usize,
    pub indent: String,
    pub users: u64,
    pub tone: &'static str,
}

#[derive(Default, Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    sort_order: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs.html")]
struct OrgsPage {
    nav: Nav,
    orgs: Vec<OrgRow>,
    can_edit: bool,
    kinds: Vec<(&'static str, &'static str)>,
    form: OrgForm,
    errors: HashMap<String, String>,
    general_error: Option<String>,
    created: Option<String>,
}

#[derive(Deserialize)]
pub struct Created {
    created: Option<String>,
}

async fn render(
    state: &AppState,
    caller: &Caller,
    form: OrgForm,
    errors: FormErrors,
    created: Option<String>,
    status: StatusCode,
) -> PageResult {
    let scope = caller.scope();
    let (list, counts) = (orgs::list(&state.db, &scope).await?, users::count_by_org(&state.db, &scope).await?);
    let base_depth = list.first().map(|o| o.depth()).unwrap_or(0);
    let rows = list
        .into_iter()
        .map(|org| {
            let depth = org.depth() - base_depth;
            let tone = match org.kind() {
                OrgKind::District => "blue",
                OrgKind::Township | OrgKind::Street => "green",
                OrgKind::Office => "orange",
                _ => "grey",
            };
            OrgRow { users: counts.get(&org.id).copied().unwrap_or(0), indent: "　".repeat(depth), depth, tone, org }
        })
        .collect();
    let mut form = form;
    if form.kind.is_empty() {
        form.kind = "village".into();
    }
    Ok((status, page(caller, rows, form, errors, created)).into_response())
}

fn page(caller: &Caller, orgs: Vec<OrgRow>, form: OrgForm, errors: FormErrors, created: Option<String>) -> OrgsPage {
    OrgsPage {
        nav: Nav::new(caller, "/orgs", &[("系统管理", ""), ("组织机构", "")]),
        orgs,
        can_edit: caller.principal.roles.contains(Role::Admin),
        kinds: OrgKind::ALL.iter().filter(|k| **k != OrgKind::District).map(|k| (k.code(), k.label())).collect(),
        form,
        errors: errors.fields,
        general_error: errors.general,
        created,
    }
}

pub async fn list(State(state): State<AppState>, caller: Caller, Query(q): Query<Created>) -> PageResult {
    let created = q.created.map(|name| format!("已新增机构：{name}"));
    render(&state, &caller, OrgForm::default(), FormErrors::default(), created, StatusCode::OK).await
}

pub async fn create(State(state): State<AppState>, caller: Caller, Form(form): Form<OrgForm>) -> PageResult {
    let Ok(parent_id) = form.parent_id.trim().parse::<i64>() else {
        return render(
            &state,
            &caller,
            form,
            FormErrors::field("parent_id", "请选择上级机构"),
            None,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let sort_order = match form.sort_order.trim() {
        "" => 0,
        s => match s.parse::<i32>() {
            Ok(n) => n,
            Err(_) => {
                return render(
                    &state,
                    &caller,
                    form,
                    FormErrors::field("sort_order", "排序号须为整数"),
                    None,
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
        },
    };
    let input = NewOrg { name: form.name.clone(), kind: form.kind.clone(), parent_id: Some(parent_id), sort_order };
    match orgs::create(&state.db, &caller.actor(), &caller.scope(), input).await {
        Ok(org) => Ok(super::see_other(&format!("/orgs?created={}", crate::auth::url_encode(&org.name)))),
        Err(e) => render(&state, &caller, form, FormErrors::from_store(e), None, StatusCode::BAD_REQUEST).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "org_detail.html")]
struct OrgDetailPage {
    nav: Nav,
    org: OrgView,
    parent_name: String,
    can_edit: bool,
    saved: bool,
    form_name: String,
    errors: HashMap<String, String>,
    general_error: Option<String>,
    /// The organization's 乡镇负责人, and whether each is a principal leader.
    leaders: Vec<(i64, String, bool)>,
}

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

async fn detail_page(
    state: &AppState,
    caller: &Caller,
    id: i64,
    saved: bool,
    form_name: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let scope = caller.scope();
    let org = orgs::get(&state.db, &scope, id).await?;
    let parent_name = match org.parent_id {
        // The parent's name, above the caller's scope: the whole tree, nothing personal read.
        Some(pid) => orgs::get(&state.db, &fazhi_store::Scope::masked("/"), pid)
            .await
            .map(|p| p.name)
            .unwrap_or_else(|_| "—".into()),
        None => "无（最上级）".into(),
    };
    let can_edit = caller.principal.roles.contains(Role::Admin);
    let mut leaders = Vec::new();
    if can_edit {
        let filter = fazhi_store::users::UserFilter {
            role: Some(Role::Leader),
            org_id: Some(org.id),
            page: 1,
            page_size: 200,
            ..Default::default()
        };
        let found = fazhi_store::users::list(&state.db, &scope, &filter).await?;
        let principals = orgs::principals(&state.db, org.id).await?;
        leaders = found
            .items
            .into_iter()
            .filter(|u| u.org_id == org.id)
            .map(|u| (u.id, format!("{}（{}）", u.display_name, u.username), principals.contains(&u.id)))
            .collect();
    }
    let page = OrgDetailPage {
        nav: Nav::new(caller, "/orgs", &[("系统管理", ""), ("组织机构", "/orgs"), ("详情", "")]),
        form_name: form_name.unwrap_or_else(|| org.name.clone()),
        org,
        parent_name,
        can_edit,
        saved,
        errors: errors.fields,
        general_error: errors.general,
        leaders,
    };
    Ok((status, page).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<Saved>,
) -> PageResult {
    detail_page(&state, &caller, id, q.saved.is_some(), None, FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgEditForm {
    name: String,
    #[serde(default)]
    sort_order: String,
    version: i64,
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(form): Form<OrgEditForm>,
) -> PageResult {
    let Ok(sort_order) =
        (if form.sort_order.trim().is_empty() { Ok(0) } else { form.sort_order.trim().parse::<i32>() })
    else {
        return detail_page(
            &state,
            &caller,
            id,
            false,
            Some(form.name),
            FormErrors::field("sort_order", "排序号须为整数"),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    match orgs::update(
        &state.db,
        &caller.actor(),
        &caller.scope(),
        id,
        OrgUpdate { name: form.name.clone(), sort_order, version: form.version },
    )
    .await
    {
        Ok(_) => Ok(super::see_other(&format!("/orgs/{id}?saved=1"))),
        Err(fazhi_store::StoreError::NotFound) => Err(PageError::not_found()),
        Err(e) => {
            let status = crate::error::answer(&e).status;
            detail_page(&state, &caller, id, false, Some(form.name), FormErrors::from_store(e), status).await
        }
    }
}

/// The principal leaders chosen on the organization page: repeated `principal` fields.
pub async fn set_principals(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let ids: Vec<i64> = pairs.iter().filter(|(k, _)| k == "principal").filter_map(|(_, v)| v.parse().ok()).collect();
    match orgs::set_principals(&state.db, &caller.actor(), &caller.scope(), id, &ids).await {
        Ok(_) => Ok(super::see_other(&format!("/orgs/{id}?saved=1"))),
        Err(e) => {
            detail_page(
                &state,
                &caller,
                id,
                false,
                None,
                FormErrors::from_store(e).into_general(),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    }
}
