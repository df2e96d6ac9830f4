//! 政务公开: what the public reads, without signing in. The published annual reports, and each
//! township's page (`/gongkai/{township}`) with the lists its ledgers publish (drafts open for
//! comment, the decision catalogue, decisions, normative documents, enforcement decisions,
//! proactive disclosure) and its guide to asking for information. Every list comes from the
//! records themselves (`fazhi_store::public`), as a page, as JSON (`api::public`) and as an Atom
//! feed. The pages work without JavaScript, print, and answer a conditional request with 304.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain::publication::{PublicField, PublicList};
use fazhi_store::annual_reports;
use fazhi_store::public::{self, Asked, PublicItem, Township};
use serde::Deserialize;

use crate::AppState;
use crate::annual_report as service;
use crate::extract::{Path, Query};

/// An answer the public may cache and must revalidate: its ETag is the SM3 digest of the body, so
/// any change — a record published, withdrawn, a day less left to comment — is a new tag, and its
/// Last-Modified the newest change among what it shows. The conditional request is answered by
/// `public_cache`, which keeps such answers.
pub fn cached(content_type: &'static str, body: String, modified: Option<DateTime<Utc>>) -> Response {
    use sm3::Digest;
    let tag = format!("\"{}\"", &hex::encode(sm3::Sm3::digest(body.as_bytes()))[..32]);
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, HeaderValue::from_str(&tag).expect("hex"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    if let Some(m) = modified.and_then(|m| HeaderValue::from_str(&httpdate::fmt_http_date(m.into())).ok()) {
        headers.insert(header::LAST_MODIFIED, m);
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    (headers, body).into_response()
}

const HTML: &str = "text/html; charset=utf-8";

fn page(template: &impl Template, modified: Option<DateTime<Utc>>) -> Response {
    match template.render() {
        Ok(body) => cached(HTML, body, modified),
        Err(e) => failed(&e.to_string()),
    }
}

#[derive(Template)]
#[template(path = "gongkai_message.html")]
struct Message<'a> {
    heading: &'a str,
    message: &'a str,
}

fn message(status: StatusCode, heading: &str, text: &str) -> Response {
    match (Message { heading, message: text }).render() {
        Ok(body) => (status, [(header::CONTENT_TYPE, HTML)], body).into_response(),
        Err(_) => (status, text.to_owned()).into_response(),
    }
}

fn not_found(what: &str) -> Response {
    message(StatusCode::NOT_FOUND, "未找到", what)
}

fn failed(detail: &str) -> Response {
    tracing::error!("public page: {detail}");
    message(StatusCode::INTERNAL_SERVER_ERROR, "请求未完成", "服务器内部错误，请稍后再试。")
}

/// A published record as the pages show it.
pub struct ItemView {
    pub href: String,
    pub title: String,
    pub number: Option<String>,
    pub mark: Option<&'static str>,
    pub date: String,
    pub kind_label: &'static str,
    pub state_label: &'static str,
    pub fields: Vec<PublicField>,
    pub window: Option<WindowView>,
}

pub struct WindowView {
    pub opens: String,
    pub closes: String,
    pub open: bool,
    /// 还剩5天, 今天截止, 已截止.
    pub left: String,
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn item_href(township: i64, list: PublicList, id: i64) -> String {
    format!("/gongkai/{township}/{}/{id}", list.slug())
}

fn item_view(township: i64, list: PublicList, item: PublicItem, today: NaiveDate) -> ItemView {
    ItemView {
        href: item_href(township, list, item.id),
        title: item.title,
        number: item.number,
        mark: item.mark,
        date: item.published_on.map(day).unwrap_or_default(),
        kind_label: item.kind.label,
        state_label: item.state_label,
        fields: item.fields,
        window: item.window.map(|w| WindowView {
            opens: day(w.opens),
            closes: day(w.closes),
            open: w.is_open_on(today),
            left: match w.days_left(today) {
                n if n > 0 => format!("还剩{n}天"),
                0 => "今天截止".to_owned(),
                _ => "已截止".to_owned(),
            },
        }),
    }
}

async fn township_or_404(state: &AppState, id: i64) -> Result<Township, Response> {
    match public::township(&state.db, id).await {
        Ok(Some(t)) => Ok(t),
        Ok(None) => Err(not_found("没有这个乡镇（街道）的公开页面。")),
        Err(e) => Err(failed(&e.to_string())),
    }
}

#[derive(Template)]
#[template(path = "gongkai.html")]
struct Index {
    townships: Vec<Township>,
    /// Organization id, township, year, district, publication day.
    reports: Vec<(i64, String, i32, String, String)>,
}

/// 政务公开: every township's page, and the published annual reports; no sign-in.
pub async fn index(State(state): State<AppState>) -> Response {
    let (townships, reports) = match (public::townships(&state.db).await, annual_reports::published(&state.db).await) {
        (Ok(t), Ok(r)) => (t, r),
        (Err(e), _) | (_, Err(e)) => return failed(&e.to_string()),
    };
    let modified = reports.iter().map(|p| p.published_at).max();
    let reports = reports
        .into_iter()
        .map(|p| (p.org_id, p.org_name, p.year, p.district_name, super::fmt_day(p.published_at)))
        .collect();
    page(&Index { townships, reports }, modified)
}

/// A list's first items on the township's page.
struct Section {
    slug: &'static str,
    label: &'static str,
    basis: &'static str,
    items: Vec<ItemView>,
    total: u64,
    more: bool,
}

#[derive(Template)]
#[template(path = "gongkai_township.html")]
struct TownshipPage {
    township: Township,
    sections: Vec<Section>,
    /// Year and publication day of each published annual report.
    reports: Vec<(i32, String)>,
}

/// How many of each list the township's page shows before "全部".
const ON_THE_PAGE: usize = 5;

/// 某乡镇法治政府建设信息公开: every list's newest, the annual reports, the guide.
pub async fn township(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let township = match township_or_404(&state, id).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let today = fazhi_store::beijing_today();
    let mut sections = Vec::new();
    let mut modified: Option<DateTime<Utc>> = None;
    for list in PublicList::ALL {
        let listed = match public::list(&state.db, &township, *list, &Asked::default(), today).await {
            Ok(l) => l,
            Err(e) => return failed(&e.to_string()),
        };
        modified = modified.max(listed.page.items.iter().map(|i| i.updated_at).max());
        sections.push(Section {
            slug: list.slug(),
            label: list.label(),
            basis: list.basis(),
            total: listed.page.total,
            more: listed.more,
            items: listed.page.items.into_iter().take(ON_THE_PAGE).map(|i| item_view(id, *list, i, today)).collect(),
        });
    }
    let reports = match annual_reports::published(&state.db).await {
        Ok(all) => all
            .into_iter()
            .filter(|p| p.org_id == id)
            .map(|p| {
                modified = modified.max(Some(p.published_at));
                (p.year, super::fmt_day(p.published_at))
            })
            .collect(),
        Err(e) => return failed(&e.to_string()),
    };
    page(&TownshipPage { township, sections, reports }, modified)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub category: String,
    pub page: Option<u64>,
}

/// The categories a list may be narrowed by: the choices of its kinds' category field.
pub fn categories(list: PublicList) -> Vec<&'static str> {
    fazhi_domain::publication::kinds_on(list)
        .filter_map(|k| {
            let key = k.publication(list)?.category?;
            match k.field(key)?.ty {
                fazhi_domain::ledger::FieldType::Choice(choices) => Some(choices.to_vec()),
                _ => None,
            }
        })
        .flatten()
        .collect()
}

impl ListParams {
    /// What is asked of `list`, or the Chinese words saying what is wrong with it.
    pub fn asked(&self, list: PublicList) -> Result<Asked, String> {
        let words = fazhi_domain::search::SearchWords::parse(&self.q).map_err(|m| format!("标题或内容：{m}"))?;
        let year = match self.year.trim() {
            "" => None,
            y => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (2000..=2100).contains(y))
                    .ok_or_else(|| "年度：请填写四位数的年份，如2025".to_owned())?,
            ),
        };
        let category = match self.category.trim() {
            "" => None,
            c if categories(list).contains(&c) => Some(c.to_owned()),
            _ => return Err("类别：请从列出的公开类别中选择".to_owned()),
        };
        Ok(Asked { year, category, words, page: self.page.unwrap_or(1).clamp(1, 10_000) })
    }

    fn query_string(&self, page: u64) -> String {
        let mut pairs = form_urlencoded(&[
            ("q", self.q.as_str()),
            ("year", self.year.as_str()),
            ("category", self.category.as_str()),
        ]);
        if page > 1 {
            if !pairs.is_empty() {
                pairs.push('&');
            }
            pairs.push_str(&format!("page={page}"));
        }
        if pairs.is_empty() { String::new() } else { format!("?{pairs}") }
    }
}

fn form_urlencoded(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = pairs.iter().copied().filter(|(_, v)| !v.trim().is_empty()).collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "gongkai_list.html")]
struct ListPage {
    township: Township,
    slug: &'static str,
    label: &'static str,
    basis: &'static str,
    q: String,
    year: String,
    /// The list's categories and the one chosen, where it has them.
    categories: Vec<&'static str>,
    category: String,
    error: Option<String>,
    items: Vec<ItemView>,
    total: u64,
    more: bool,
    newest_only: bool,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "gongkai_report.html")]
struct PublicReport {
    title: String,
    /// The report's headings and paragraphs, escaped by the report engine.
    body: String,
    number: i32,
    published: String,
    /// The day the district returned it, while it is being revised.
    revising_since: Option<String>,
    township: i64,
}

/// `/gongkai/{township}/{part}`: a year's annual report, one of the lists, or the guide.
pub async fn part(
    State(state): State<AppState>,
    Path((id, part)): Path<(i64, String)>,
    Query(params): Query<ListParams>,
) -> Response {
    if let Ok(year) = part.parse::<i32>() {
        return report(&state, id, year).await;
    }
    if part == GUIDE {
        return guide(&state, id).await;
    }
    let Some(list) = PublicList::parse(&part) else { return not_found("没有这个公开栏目。") };
    let township = match township_or_404(&state, id).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let today = fazhi_store::beijing_today();
    let (asked, error) = match params.asked(list) {
        Ok(a) => (a, None),
        Err(m) => (Asked::default(), Some(m)),
    };
    let listed = match public::list(&state.db, &township, list, &asked, today).await {
        Ok(l) => l,
        Err(e) => return failed(&e.to_string()),
    };
    let modified = listed.page.items.iter().map(|i| i.updated_at).max();
    let p = listed.page.page;
    let shown_to = (p - 1) * listed.page.page_size + listed.page.items.len() as u64;
    let base = format!("/gongkai/{id}/{}", list.slug());
    let template = ListPage {
        slug: list.slug(),
        label: list.label(),
        basis: list.basis(),
        q: params.q.clone(),
        year: params.year.clone(),
        categories: categories(list),
        category: params.category.clone(),
        error,
        total: listed.page.total,
        more: listed.more,
        newest_only: listed.newest_only,
        previous: (p > 1).then(|| format!("{base}{}", params.query_string(p - 1))),
        next: (shown_to < listed.page.total).then(|| format!("{base}{}", params.query_string(p + 1))),
        items: listed.page.items.into_iter().map(|i| item_view(id, list, i, today)).collect(),
        township,
    };
    page(&template, modified)
}

async fn report(state: &AppState, org: i64, year: i32) -> Response {
    let missing = || not_found("没有找到这份公开的年度报告。");
    match annual_reports::published_one(&state.db, org, year).await {
        Ok(Some(p)) => match service::parse_body(&p.public_json) {
            Ok(draft) => page(
                &PublicReport {
                    title: draft.title.clone(),
                    body: draft.html_body(),
                    number: p.number.unwrap_or(1),
                    published: super::fmt_day(p.published_at),
                    revising_since: p.revising_since.map(super::fmt_day),
                    township: org,
                },
                Some(p.published_at),
            ),
            Err(_) => missing(),
        },
        Ok(None) => missing(),
        Err(e) => failed(&e.to_string()),
    }
}

#[derive(Template)]
#[template(path = "gongkai_item.html")]
struct ItemPage {
    township: Township,
    slug: &'static str,
    label: &'static str,
    item: ItemView,
    /// For a draft: where to comment while the window is open, and what was said and answered.
    comment_href: Option<String>,
    feedback: Option<Feedback>,
}

/// One published record: its public fields, its mark, and for a draft its comment window.
pub async fn item(
    State(state): State<AppState>,
    Path((id, part, record)): Path<(i64, String, String)>,
    request: HeaderMap,
) -> Response {
    let Some(list) = PublicList::parse(&part) else { return not_found("没有这个公开栏目。") };
    let township = match township_or_404(&state, id).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    if record == FEED {
        return feed(&state, township, list, &request).await;
    }
    let Ok(record) = record.parse::<i64>() else { return not_found("没有找到这条公开信息。") };
    let today = fazhi_store::beijing_today();
    match public::one(&state.db, &township, list, record, today).await {
        Ok(Some(found)) => {
            let mut modified = Some(found.updated_at);
            let (mut comment, mut said) = (None, None);
            if list == PublicList::Consultations {
                if found.window.as_ref().is_some_and(|w| w.is_open_on(today)) && found.mark.is_none() {
                    comment = Some(comment_href(id, record));
                }
                match feedback(&state, record).await {
                    Ok((f, changed)) => {
                        modified = modified.max(changed);
                        said = Some(f);
                    }
                    Err(e) => return failed(&e.to_string()),
                }
            }
            let template = ItemPage {
                slug: list.slug(),
                label: list.label(),
                item: item_view(id, list, found, today),
                township,
                comment_href: comment,
                feedback: said,
            };
            page(&template, modified)
        }
        Ok(None) => not_found("没有找到这条公开信息：它可能尚未公开，或已依法撤回。"),
        Err(e) => failed(&e.to_string()),
    }
}

/// The feed's name in a list's address: `/gongkai/{township}/{list}/atom.xml`.
pub const FEED: &str = "atom.xml";
/// The guide's: `/gongkai/{township}/zhinan`.
const GUIDE: &str = "zhinan";

struct Entry {
    id: String,
    title: String,
    updated: String,
    href: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "gongkai_feed.xml")]
struct Feed {
    id: String,
    title: String,
    updated: String,
    href: String,
    self_href: String,
    entries: Vec<Entry>,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The newest publications of a list as Atom (RFC 4287), for a portal that gathers them.
async fn feed(state: &AppState, township: Township, list: PublicList, request: &HeaderMap) -> Response {
    let today = fazhi_store::beijing_today();
    let listed = match public::list(&state.db, &township, list, &Asked::default(), today).await {
        Ok(l) => l,
        Err(e) => return failed(&e.to_string()),
    };
    let site = site(state, request);
    let base = format!("{site}/gongkai/{}/{}", township.id, list.slug());
    let modified = listed.page.items.iter().map(|i| i.updated_at).max();
    let entries = listed
        .page
        .items
        .into_iter()
        .map(|i| {
            let href = format!("{site}{}", item_href(township.id, list, i.id));
            let mut summary: Vec<String> = i.mark.iter().map(|m| (*m).to_owned()).collect();
            summary.extend(i.fields.iter().map(|f| format!("{}：{}", f.label, f.value)));
            Entry {
                id: href.clone(),
                title: match &i.number {
                    Some(n) => format!("{n} {}", i.title),
                    None => i.title.clone(),
                },
                updated: rfc3339(i.updated_at),
                href,
                summary: summary.join("\n"),
            }
        })
        .collect();
    let template = Feed {
        id: base.clone(),
        title: format!("{}{} · {}", township.district, township.name, list.label()),
        updated: rfc3339(modified.unwrap_or(DateTime::UNIX_EPOCH)),
        self_href: format!("{base}/{FEED}"),
        href: base,
        entries,
    };
    match template.render() {
        Ok(body) => cached("application/atom+xml; charset=utf-8", body, modified),
        Err(e) => failed(&e.to_string()),
    }
}

/// The address the public reaches the site at: the configured one, else the one asked for.
pub fn site(state: &AppState, request: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = request.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    // Only a host name and port: the header is the client's.
    let host: String =
        host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')).collect();
    format!("http://{host}")
}

/// One time limit of a request for information, as the township's settings count it.
struct Limit {
    label: &'static str,
    period: String,
    article: &'static str,
}

#[derive(Template)]
#[template(path = "gongkai_guide.html")]
struct Guide {
    township: Township,
    limits: Vec<Limit>,
    extension: Option<String>,
}

/// 政府信息公开指南 (依申请公开): how to ask, and the time limits as the township counts them —
/// from the declaration of the requests' ledger and the settings in force for the township.
async fn guide(state: &AppState, id: i64) -> Response {
    let township = match township_or_404(state, id).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let periods = match fazhi_store::rules::periods_in_force(
        &state.db,
        township.id,
        &fazhi_domain::ledgers::disclosure_requests::KIND,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return failed(&e.to_string()),
    };
    let limits = periods
        .iter()
        .map(|(d, period)| Limit { label: d.label, period: period.describe(), article: d.article })
        .collect();
    let extension = periods.iter().find_map(|(d, period)| {
        let e = d.extension?;
        Some(format!(
            "{}：因正当理由不能按期答复、需要延长的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过{}{}（{}）。",
            d.label,
            e.max,
            period.unit.label(),
            e.article
        ))
    });
    page(&Guide { township, limits, extension }, None)
}

/// The address of a draft's comment form.
pub fn comment_href(township: i64, id: i64) -> String {
    format!("{}/{COMMENT}", item_href(township, PublicList::Consultations, id))
}

/// The comment form's part of the address: `/gongkai/{township}/zhengqiu/{id}/yijian`.
const COMMENT: &str = "yijian";

/// The comments published under a draft, as the public reads them.
struct Feedback {
    comments: Vec<PublishedComment>,
    withheld: usize,
    pending: usize,
}

struct PublishedComment {
    number: usize,
    received: String,
    body: String,
    answer: Option<(&'static str, String)>,
}

async fn feedback(state: &AppState, record: i64) -> Result<(Feedback, Option<DateTime<Utc>>), fazhi_store::StoreError> {
    let p = fazhi_store::public_comments::published(&state.db, record).await?;
    let comments = p
        .comments
        .into_iter()
        .map(|c| PublishedComment {
            number: c.number,
            received: super::fmt_day(c.received_at),
            body: c.body,
            answer: c.adoption.map(|a| (a.label(), c.adoption_reason.unwrap_or_default())),
        })
        .collect();
    Ok((Feedback { comments, withheld: p.withheld, pending: p.pending }, p.changed_at))
}

#[derive(Debug, Default, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub challenge: String,
    #[serde(default)]
    pub answer: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SentParams {
    #[serde(default)]
    pub sent: String,
}

#[derive(Template)]
#[template(path = "gongkai_comment.html")]
struct CommentPage {
    township: Township,
    item: ItemView,
    action: String,
    challenge: crate::challenge::Challenge,
    form: CommentForm,
    errors: std::collections::BTreeMap<&'static str, String>,
    /// A refusal of the whole comment (the window closed, too many from this address).
    refusal: Option<String>,
    /// The window is closed: no form.
    closed: bool,
    sent: bool,
}

impl CommentPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

/// The comment form is drawn fresh for each visitor (a new picture), so it is never cached, and its
/// picture is a `data:` address, which this page alone allows.
fn comment_page(status: StatusCode, template: &CommentPage) -> Response {
    match template.render() {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, HTML),
                (header::CACHE_CONTROL, "no-store"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => failed(&e.to_string()),
    }
}

async fn open_draft(state: &AppState, id: i64, part: &str, record: i64) -> Result<(Township, PublicItem), Response> {
    if PublicList::parse(part) != Some(PublicList::Consultations) {
        return Err(not_found("只有公开征求意见的草案可以提交意见。"));
    }
    let township = township_or_404(state, id).await?;
    match public::one(&state.db, &township, PublicList::Consultations, record, fazhi_store::beijing_today()).await {
        Ok(Some(item)) => Ok((township, item)),
        Ok(None) => Err(not_found("没有找到这份征求意见稿。")),
        Err(e) => Err(failed(&e.to_string())),
    }
}

/// 发表意见: the form under a draft while its window is open; no sign-in.
pub async fn comment_form(
    State(state): State<AppState>,
    Path((id, part, record)): Path<(i64, String, i64)>,
    Query(params): Query<SentParams>,
) -> Response {
    let (township, found) = match open_draft(&state, id, &part, record).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let today = fazhi_store::beijing_today();
    let open = found.window.as_ref().is_some_and(|w| w.is_open_on(today));
    let template = CommentPage {
        action: comment_href(id, record),
        item: item_view(id, PublicList::Consultations, found, today),
        township,
        challenge: crate::challenge::issue(&state.db, Utc::now().timestamp()),
        form: CommentForm::default(),
        errors: Default::default(),
        refusal: (!open).then(|| "该草案的征求意见已截止，不再接收意见。".to_owned()),
        closed: !open,
        sent: params.sent == "1",
    };
    comment_page(StatusCode::OK, &template)
}

/// A comment sent: held to the address's pace, checked against the picture and the rules of a
/// comment, then kept as received for the township's moderator. A refusal keeps what was typed.
pub async fn comment_submit(
    State(state): State<AppState>,
    Path((id, part, record)): Path<(i64, String, i64)>,
    crate::auth::ClientIp(ip): crate::auth::ClientIp,
    axum::Form(form): axum::Form<CommentForm>,
) -> Response {
    let (township, found) = match open_draft(&state, id, &part, record).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let today = fazhi_store::beijing_today();
    let now = Utc::now().timestamp();
    let mut errors = std::collections::BTreeMap::new();
    let mut refusal = None;
    let mut closed = false;
    let mut status = StatusCode::BAD_REQUEST;
    if !state.comment_limits.admit(&ip) {
        status = StatusCode::TOO_MANY_REQUESTS;
        refusal = Some("提交过于频繁，请一分钟后再试。".to_owned());
    } else {
        match crate::challenge::check(&state.db, &form.challenge, &form.answer, now) {
            Err(m) => {
                errors.insert("answer", m.to_owned());
            }
            Ok(nonce) => match fazhi_domain::public_comment::CommentInput::parse(&form.body, &form.name, &form.phone) {
                Err(fields) => errors.extend(fields.into_iter().map(|e| (e.field, e.message))),
                Ok(input) => {
                    let actor = fazhi_store::Actor { user_id: None, name: "公众".into(), ip: ip.clone() };
                    match fazhi_store::public_comments::receive(
                        &state.db, &actor, &township, record, &input, &nonce, today,
                    )
                    .await
                    {
                        Ok(_) => return crate::respond::see_other(&format!("{}?sent=1", comment_href(id, record))),
                        Err(fazhi_store::StoreError::Invalid(e)) => {
                            errors.insert(if e.field == "challenge" { "answer" } else { e.field }, e.message);
                        }
                        Err(fazhi_store::StoreError::Refused { message, .. }) => {
                            status = StatusCode::CONFLICT;
                            refusal = Some(message);
                            closed = true;
                        }
                        Err(fazhi_store::StoreError::NotFound) => return not_found("没有找到这份征求意见稿。"),
                        Err(e) => return failed(&e.to_string()),
                    }
                }
            },
        }
    }
    let template = CommentPage {
        action: comment_href(id, record),
        item: item_view(id, PublicList::Consultations, found, today),
        township,
        challenge: crate::challenge::issue(&state.db, now),
        form: CommentForm { challenge: String::new(), answer: String::new(), ..form },
        errors,
        refusal,
        closed,
        sent: false,
    };
    comment_page(status, &template)
}
