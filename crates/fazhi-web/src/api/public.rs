//! Open data: each public list of a township as JSON, for a district's or city's portal to gather
//! without typing anything again. The same reading as the public pages (`pages::gongkai`), the
//! same validators (ETag, Last-Modified), no sign-in.

use axum::extract::State;
use axum::response::Response;
use fazhi_domain::publication::{PublicField, PublicList};
use fazhi_store::public::{self, PublicItem};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{Path, Query};
use crate::pages::gongkai::{ListParams, cached, item_href};

/// A comment window of a draft: the first and the last day a comment is taken.
#[derive(Serialize, ToSchema)]
pub struct PublicWindow {
    pub opens: chrono::NaiveDate,
    pub closes: chrono::NaiveDate,
}

/// One value as published.
#[derive(Serialize, ToSchema)]
pub struct PublicValue {
    /// The field's stable name.
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

/// One published item of a list.
#[derive(Serialize, ToSchema)]
pub struct PublicEntry {
    pub id: i64,
    /// The ledger kind it comes from: `decisions`, `normative_documents`…
    pub kind: &'static str,
    pub title: String,
    /// Its unified number (文号), where it has one.
    pub number: Option<String>,
    /// Where its procedure stands, in words.
    pub state: &'static str,
    /// What changed since it was published: 已废止, 已超过有效期, 该决定已被变更或撤销….
    pub mark: Option<&'static str>,
    pub published_on: Option<chrono::NaiveDate>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub fields: Vec<PublicValue>,
    /// For a draft open for comment.
    pub window: Option<PublicWindow>,
    /// Its page, relative to the site.
    pub url: String,
}

/// A page of a township's public list.
#[derive(Serialize, ToSchema)]
pub struct PublicPage {
    pub township_id: i64,
    pub township: String,
    pub district: String,
    /// The list's name in addresses: zhengqiu, mulu, juece, guifan, zhifa, zhudong.
    pub list: &'static str,
    pub label: &'static str,
    pub total: u64,
    /// The count stopped at `total`: there are more.
    pub more: bool,
    pub page: u64,
    pub page_size: u64,
    pub items: Vec<PublicEntry>,
}

fn entry(township: i64, list: PublicList, i: PublicItem) -> PublicEntry {
    PublicEntry {
        url: item_href(township, list, i.id),
        id: i.id,
        kind: i.kind.code,
        title: i.title,
        number: i.number,
        state: i.state_label,
        mark: i.mark,
        published_on: i.published_on,
        updated_at: i.updated_at,
        fields: i
            .fields
            .into_iter()
            .map(|PublicField { key, label, value }| PublicValue { key, label, value })
            .collect(),
        window: i.window.map(|w| PublicWindow { opens: w.opens, closes: w.closes }),
    }
}

/// A township's public list: drafts open for comment (`zhengqiu`), the decision catalogue
/// (`mulu`), decisions (`juece`), normative documents (`guifan`), enforcement decisions
/// (`zhifa`), proactive disclosure (`zhudong`); newest first, 20 a page. Personal values are
/// masked as on the pages. Answers `304` to a conditional request for an unchanged page.
#[utoipa::path(
    get,
    path = "/api/v1/public/{org}/{list}",
    tag = "政务公开",
    security(()),
    params(
        ("org" = i64, Path, description = "乡镇（街道）的机构编号"),
        ("list" = String, Path, description = "zhengqiu、mulu、juece、guifan、zhifa 或 zhudong"),
        ("q" = Option<String>, Query, description = "标题或内容中的字词，不超过100字"),
        ("year" = Option<String>, Query, description = "年度，如 2025"),
        ("category" = Option<String>, Query, description = "公开类别（主动公开：机构职能、财政预决算……）"),
        ("page" = Option<u64>, Query, description = "页码，从1开始")
    ),
    responses(
        (status = 200, body = PublicPage),
        (status = 304, description = "未变化（If-None-Match 或 If-Modified-Since）"),
        (status = 400, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Path((org, slug)): Path<(i64, String)>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "没有这个乡镇（街道）或公开栏目");
    let list = PublicList::parse(&slug).ok_or_else(not_found)?;
    let township = public::township(&state.db, org).await?.ok_or_else(not_found)?;
    let asked = params.asked(list).map_err(|m| {
        let field = match m.split('：').next() {
            Some("年度") => "year",
            Some("类别") => "category",
            _ => "q",
        };
        ApiError::invalid(field, m)
    })?;
    let listed = public::list(&state.db, &township, list, &asked, fazhi_store::beijing_today()).await?;
    let modified = listed.page.items.iter().map(|i| i.updated_at).max();
    let body = PublicPage {
        township_id: township.id,
        township: township.name.clone(),
        district: township.district.clone(),
        list: list.slug(),
        label: list.label(),
        total: listed.page.total,
        more: listed.more,
        page: listed.page.page,
        page_size: listed.page.page_size,
        items: listed.page.items.into_iter().map(|i| entry(township.id, list, i)).collect(),
    };
    let json = serde_json::to_string(&body).map_err(|e| fazhi_store::StoreError::Internal(e.to_string()))?;
    Ok(cached("application/json", json, modified))
}
