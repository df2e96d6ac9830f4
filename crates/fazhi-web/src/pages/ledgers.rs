//! The pages of every ledger kind, written once over its declaration: the list with filters, the
//! form for a new record, and the record's page with its values, deadlines (and how each was
//! counted), the steps the user may take now, and its history from the audit trail.

use std::collections::{BTreeMap, HashMap};

use crate::extract::{Kind, Path, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use fazhi_domain::attachment;
use fazhi_domain::ledger::{ActorFacts, Dated, Field, FieldType, Keeper, LedgerKind, LinkTarget, Urgency, Values};
use fazhi_domain::ledgers;
use fazhi_store::ledger::{self, ListFilter, RecordView};
use fazhi_store::ledger_xlsx::{self, ImportReport};
use fazhi_store::{StoreError, attachments, audit, rules};
use serde::Deserialize;

use crate::ledger_service::{self as service, Posted, Upload};
use crate::respond;

use super::{FormErrors, Nav, PageResult, fmt_time, form_fields, version_of};
use crate::AppState;
use crate::auth::{Caller, url_encode};

/// One input of a form, ready for the template.
pub struct Input {
    pub key: &'static str,
    pub label: &'static str,
    /// text, textarea, date, number, select or checkbox.
    pub control: &'static str,
    pub value: String,
    pub choices: &'static [&'static str],
    pub min: i64,
    pub max: i64,
    pub required: bool,
    pub help: &'static str,
    pub error: Option<String>,
}

fn input(field: &Field, value: String, required: bool, errors: &HashMap<String, String>) -> Input {
    let (control, choices, min, max) = match field.ty {
        FieldType::Text(_) => ("text", &[][..], 0, 0),
        FieldType::LongText => ("textarea", &[][..], 0, 0),
        FieldType::Date => ("date", &[][..], 0, 0),
        FieldType::Integer(min, max) => ("number", &[][..], min, max),
        FieldType::Choice(c) => ("select", c, 0, 0),
        FieldType::Flag => ("checkbox", &[][..], 0, 0),
        FieldType::Refs(_) | FieldType::Link => ("text", &[][..], 0, 0),
    };
    Input {
        key: field.key,
        label: field.label,
        control,
        value,
        choices,
        min,
        max,
        required,
        help: field.help,
        error: errors.get(field.key).cloned(),
    }
}

/// The field a consultation's close records the comments' adoption in.
const ADOPTION_FIELD: &str = "comments_adoption";

/// One line of a record's history from its audit record: the step's name, and for a correction
/// what changed and why (personal values masked unless `personal`), for a replayed import the
/// file and row.
fn history_row(kind: &LedgerKind, r: audit::AuditView, personal: bool) -> HistoryRow {
    let parse = |json: Option<&str>| json.and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
    let (before, after) = (parse(r.before.as_deref()), parse(r.after.as_deref()));
    let step = after.as_ref().and_then(|a| a["step"].as_str()).and_then(|s| kind.transition(s)).map(|t| t.label);
    let values = |side: &Option<serde_json::Value>| -> Values {
        let values: Values = side
            .as_ref()
            .and_then(|s| s["values"].as_object())
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        if personal { values } else { kind.masked(&values) }
    };
    let what = if r.action == "ledger.correct" {
        let (old, new) = (values(&before), values(&after));
        let changes: Vec<String> = kind
            .fields
            .iter()
            .filter(|f| old.contains_key(f.key) || new.contains_key(f.key))
            .map(|f| {
                let empty = || "（空）".to_owned();
                format!(
                    "{}：{} → {}",
                    f.label,
                    f.shown(&old).unwrap_or_else(empty),
                    f.shown(&new).unwrap_or_else(empty)
                )
            })
            .collect();
        let reason = after.as_ref().and_then(|a| a["reason"].as_str()).unwrap_or("");
        format!("更正“{}”：{}；理由：{reason}", step.unwrap_or(""), changes.join("；"))
    } else {
        let imported = after.as_ref().and_then(|a| a.get("imported")).map(|i| {
            let file = i["file"].as_str().filter(|f| !f.is_empty()).unwrap_or("表格");
            format!("（导入自{file}第 {} 行）", i["row"].as_u64().unwrap_or(0))
        });
        format!("{}{}", step.unwrap_or(audit::action_label(&r.action)), imported.unwrap_or_default())
    };
    HistoryRow { at: fmt_time(r.at), actor: super::person(&r.actor_name).to_owned(), what }
}

/// Whether the caller opens records of the kind (`Keeper::openers`).
fn may_record(caller: &Caller, kind: &LedgerKind) -> bool {
    service::may_open(caller, kind).is_ok()
}

fn tone(urgency: Urgency) -> (&'static str, &'static str) {
    match urgency {
        Urgency::Met => ("green", "已完成"),
        Urgency::MetLate => ("orange", "未按期"),
        Urgency::Open => ("grey", "进行中"),
        Urgency::DueSoon => ("orange", "即将到期"),
        Urgency::Overdue => ("red", "已逾期"),
    }
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub state: &'static str,
    /// The township that keeps it, shown to callers who see several.
    pub org: String,
}

impl Row {
    fn of(r: ledger::Summary) -> Row {
        Row { id: r.id, title: r.title, state: r.state_label, org: r.org_name }
    }
}

/// A row of a ledger's list: its declared columns, its year and its next time limit.
pub struct ListRow {
    pub id: i64,
    /// The name in pieces, those matching the search marked.
    pub title: Vec<(String, bool)>,
    pub state: &'static str,
    /// At rest (archived, in force, closed): shown after the open ones, greyed.
    pub resting: bool,
    pub org: String,
    pub year: String,
    /// Each column's value in pieces, those matching the search marked.
    pub cells: Vec<Vec<(String, bool)>>,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger_list.html")]
struct ListPage {
    nav: Nav,
    kind: &'static LedgerKind,
    rows: Vec<ListRow>,
    /// The declared columns' headings.
    columns: Vec<&'static str>,
    page_count: u64,
    /// The list's address with every filter but the page and the order, for the jump and the
    /// sortable headings.
    kept_hidden: Vec<(&'static str, String)>,
    sort_href: String,
    /// 共 N 条, or 超过 N 条 where the count stopped.
    total: String,
    page: u64,
    has_next: bool,
    prev_href: String,
    next_href: String,
    f_state: String,
    f_q: String,
    f_sort: String,
    /// The township chosen, as the select holds it ("" for all).
    f_org: String,
    f_year: String,
    /// A drill-down's figure and time-limit condition, kept when the form is sent again.
    f_figure: String,
    f_due: String,
    years: Vec<i32>,
    /// What narrows the list beyond the form: the township, year, figure or time limit a
    /// drill-down chose, shown so the reader knows what the rows are.
    conditions: Vec<String>,
    /// The townships a district caller may choose among; empty for a township's own people,
    /// who see neither the filter nor the column.
    townships: Vec<(i64, String)>,
    notice: Option<String>,
    may_create: bool,
    may_import: bool,
    watched: Vec<WatchRows>,
    export_href: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    state: String,
    q: String,
    sort: String,
    /// A township's id; anything else means every township.
    org: String,
    /// The year the records count in (the kind's year), as the figures count them.
    year: String,
    /// A figure of the kind: the records behind it (a drill-down from the overview).
    figure: String,
    /// `overdue` or `soon`: the records with an open time limit passed, or due within five
    /// working days.
    due: String,
    page: Option<u64>,
}

/// A list's filter as asked, with the words for what narrows it and for whatever was asked that
/// cannot be (said, then left out).
struct Narrowed {
    filter: ListFilter,
    /// 2025年 · 信访件次 · 期限已过.
    conditions: Vec<String>,
    notices: Vec<String>,
}

impl ListQuery {
    /// The list's filter, 50 to a page (an export takes every page). Choices that cannot be met
    /// are cleared, so the pager and the export keep only what the list shows.
    async fn narrow(&mut self, state: &AppState, kind: &LedgerKind) -> Result<Narrowed, StoreError> {
        let mut conditions = Vec::new();
        let mut notices = Vec::new();
        let today = fazhi_store::beijing_today();
        let year = self.year.trim().parse::<i32>().ok().filter(|y| (2000..=chrono::Datelike::year(&today)).contains(y));
        match year {
            Some(y) => conditions.push(format!("{y}年")),
            None if !self.year.trim().is_empty() => {
                notices.push(format!("“{}”不是可选的年度，已显示全部年度", short(&self.year)));
                self.year.clear();
            }
            None => {}
        }
        let figure = Some(self.figure.trim()).filter(|f| !f.is_empty());
        match figure.map(|f| (f, fazhi_domain::key_indicators::figure_label(kind.code, f))) {
            Some((_, Some(label))) => conditions.push(format!("计入“{label}”的记录")),
            Some(_) => {
                notices.push(format!("{}台账没有这项数字，已显示全部记录", kind.label));
                self.figure.clear();
            }
            None => {}
        }
        let due = match self.due.as_str() {
            "" => None,
            "overdue" => {
                conditions.push("期限已过".into());
                Some((None, today - chrono::Days::new(1)))
            }
            "soon" => {
                conditions.push("五个工作日内到期".into());
                let rules = rules::current(&state.db).await?;
                let soon = fazhi_domain::ledger::due_soon_until(&rules.calendar, today);
                Some((Some(today), soon))
            }
            _ => {
                notices.push("到期条件只能是“期限已过”或“五个工作日内到期”，已显示全部记录".into());
                self.due.clear();
                None
            }
        };
        let query = match fazhi_domain::search::SearchWords::parse(&self.q) {
            Ok(words) => words,
            Err(message) => {
                notices.push(format!("{message}。已显示全部记录"));
                self.q.clear();
                None
            }
        };
        let filter = ListFilter {
            state: Some(self.state.clone()).filter(|s| !s.is_empty()),
            query,
            sort: ledger::Sort::parse(&self.sort),
            org: self.org.trim().parse().ok(),
            year,
            figure: Some(self.figure.trim().to_owned()).filter(|f| !f.is_empty()),
            due,
            page: self.page.unwrap_or(1),
            page_size: 50,
            ..Default::default()
        };
        Ok(Narrowed { filter, conditions, notices })
    }

    /// The query string that keeps these filters, for the pager and the export.
    fn keep(&self) -> String {
        let mut kept = format!(
            "state={}&q={}&sort={}&year={}&org={}",
            url_encode(&self.state),
            url_encode(&self.q),
            url_encode(&self.sort),
            url_encode(&self.year),
            url_encode(&self.org)
        );
        if !self.figure.is_empty() {
            kept.push_str(&format!("&figure={}", url_encode(&self.figure)));
        }
        if !self.due.is_empty() {
            kept.push_str(&format!("&due={}", url_encode(&self.due)));
        }
        kept
    }
}

/// A bad value echoed in a message, cut short.
fn short(raw: &str) -> String {
    raw.trim().chars().take(12).collect()
}

/// The townships (乡镇、街道) in the caller's scope, when there are several: the district's.
async fn townships(state: &AppState, caller: &Caller) -> Result<Vec<(i64, String)>, fazhi_store::StoreError> {
    Ok(townships_of(&fazhi_store::orgs::list(&state.db, &caller.scope()).await?))
}

/// The townships among the caller's organizations, when there are several.
fn townships_of(all: &[fazhi_store::orgs::OrgView]) -> Vec<(i64, String)> {
    let townships: Vec<(i64, String)> =
        all.iter().filter(|o| o.kind().is_township()).map(|o| (o.id, o.name.clone())).collect();
    if townships.len() > 1 { townships } else { Vec::new() }
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Query(mut q): Query<ListQuery>,
) -> PageResult {
    let scope = caller.scope();
    // Read once: the townships to choose from, and the names of the rows' townships.
    let orgs = fazhi_store::orgs::list(&state.db, &scope).await?;
    let townships = townships_of(&orgs);
    let mut notices = Vec::new();
    let chosen: Option<i64> = q.org.trim().parse().ok();
    if !q.org.trim().is_empty() && !chosen.is_some_and(|id| townships.iter().any(|(t, _)| *t == id)) {
        notices.push("所选乡镇（街道）不在您查看的范围内，已显示全部乡镇（街道）的记录".to_owned());
        q.org.clear();
    }
    let Narrowed { filter, mut conditions, notices: more_notices } = q.narrow(&state, kind).await?;
    notices.extend(more_notices);
    if let Some((_, name)) = filter.org.and_then(|id| townships.iter().find(|(t, _)| *t == id)) {
        conditions.insert(0, name.clone());
    }
    let listed = ledger::list(&state.db, &scope, kind, &filter).await?;
    if listed.newest_only {
        notices.push(format!("一两个字的检索只查找最近的 {} 条记录；输入三个字以上可查找全部记录", ledger::SHORT_SCAN));
    }
    let (found, more) = (listed.page, listed.more);
    // The matched words marked in the names and columns shown.
    let marked = |text: String| match &filter.query {
        Some(words) => words.highlight(&text),
        None => vec![(text, false)],
    };
    let ids: Vec<i64> = found.items.iter().map(|r| r.id).collect();
    let next_due = ledger::next_due(&state.db, &ids).await?;
    let org_names: std::collections::HashMap<i64, String> =
        if townships.is_empty() { Default::default() } else { orgs.into_iter().map(|o| (o.id, o.name)).collect() };
    let today = fazhi_store::beijing_today();
    let rows: Vec<ListRow> = found
        .items
        .iter()
        .map(|r| {
            let due = next_due.get(&r.id).copied();
            ListRow {
                id: r.id,
                title: marked(r.title.clone()),
                state: r.state_label,
                resting: kind.resting.contains(&r.state.as_str()),
                org: org_names.get(&r.org_id).cloned().unwrap_or_default(),
                year: kind.dated.span(&r.values).map(|(y, _)| format!("{y}")).unwrap_or_else(|| "—".into()),
                cells: kind
                    .columns
                    .iter()
                    .map(|k| marked(kind.field(k).and_then(|f| f.shown(&r.values)).unwrap_or_else(|| "—".into())))
                    .collect(),
                due: due.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                overdue: due.is_some_and(|d| d < today),
            }
        })
        .collect();
    let watched = if kind.watch_lists.is_empty() {
        Vec::new()
    } else {
        let rules = rules::current(&state.db).await?;
        match ledger::watched(&state.db, &caller.scope(), kind, fazhi_store::beijing_today(), &rules.ctx()).await {
            Ok(lists) => lists
                .into_iter()
                .map(|(w, found)| WatchRows {
                    code: w.code,
                    label: w.label,
                    article: w.article,
                    rows: found.into_iter().map(Row::of).collect(),
                })
                .collect(),
            Err(e) => return Err(e.into()),
        }
    };
    let kept = q.keep();
    let href = |n: u64| format!("/ledgers/{}?{kept}&page={n}", kind.code);
    let mut kept_hidden: Vec<(&'static str, String)> = vec![
        ("state", q.state.clone()),
        ("q", q.q.clone()),
        ("year", q.year.clone()),
        ("org", q.org.clone()),
        ("figure", q.figure.clone()),
        ("due", q.due.clone()),
    ];
    kept_hidden.retain(|(_, v)| !v.is_empty());
    let sort_href = {
        // The same filters in the default order, for the sortable headings.
        let unsorted = ListQuery { sort: String::new(), page: None, ..q.clone() };
        format!("/ledgers/{}?{}", kind.code, unsorted.keep())
    };
    let export_href = format!("/ledgers/{}/export?{kept}", kind.code);
    Ok(ListPage {
        export_href,
        nav: Nav::new(&caller, &format!("/ledgers/{}", kind.code), &[(kind.group.label(), ""), (kind.label, "")]),
        kind,
        total: if more { format!("超过 {} 条", found.total) } else { format!("共 {} 条", found.total) },
        page: found.page,
        has_next: more || found.page < found.page_count(),
        prev_href: href(found.page.saturating_sub(1).max(1)),
        next_href: href(found.page + 1),
        page_count: found.page_count(),
        rows,
        columns: kind.columns.iter().filter_map(|k| kind.field(k)).map(|f| f.label).collect(),
        kept_hidden,
        sort_href,
        f_state: q.state,
        f_q: q.q,
        f_sort: q.sort,
        f_org: q.org,
        f_year: q.year,
        f_figure: q.figure,
        f_due: q.due,
        years: {
            let this = chrono::Datelike::year(&fazhi_store::beijing_today());
            (this - 9..=this).rev().collect()
        },
        conditions,
        townships,
        notice: (!notices.is_empty()).then(|| notices.join("；")),
        may_create: may_record(&caller, kind),
        may_import: may_record(&caller, kind) && kind.keeper == Keeper::Township,
        watched,
    }
    .into_response())
}

/// A watch list of the kind with the records on it now.
pub struct WatchRows {
    pub code: &'static str,
    pub label: &'static str,
    pub article: &'static str,
    pub rows: Vec<Row>,
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger_new.html")]
struct NewPage {
    nav: Nav,
    heading: String,
    action: String,
    back: String,
    /// Editing: the version the form was read at.
    version: Option<i64>,
    /// For a record the district opens: the townships it may be assigned to, and the one chosen.
    townships: Vec<(i64, String)>,
    org_id: i64,
    org_error: Option<String>,
    inputs: Vec<Input>,
    general_error: Option<String>,
}

async fn new_page(
    state: &AppState,
    caller: &Caller,
    kind: &'static LedgerKind,
    form: &BTreeMap<String, String>,
    errors: FormErrors,
) -> Result<NewPage, StoreError> {
    let list = format!("/ledgers/{}", kind.code);
    let townships = match kind.keeper {
        Keeper::District => townships(state, caller).await?,
        Keeper::Township => Vec::new(),
    };
    let heading = match kind.keeper {
        Keeper::District => format!("提出{}", kind.label),
        Keeper::Township => format!("新建{}", kind.label),
    };
    Ok(NewPage {
        nav: Nav::new(caller, &list, &[(kind.group.label(), ""), (kind.label, &list), ("新建", "")]),
        heading,
        action: list.clone(),
        // Raised from a record or a report: back to it.
        back: form.get("target").filter(|t| LinkTarget::parse(t).is_some()).cloned().unwrap_or(list),
        version: None,
        org_id: form.get("org_id").and_then(|v| v.parse().ok()).unwrap_or(0),
        org_error: errors.fields.get("org_id").cloned(),
        townships,
        inputs: kind
            .create_fields()
            .map(|f| input(f, form.get(f.key).cloned().unwrap_or_default(), f.required, &errors.fields))
            .collect(),
        general_error: errors.general,
    })
}

/// The form correcting a record's own fields, filled with what was typed or what is stored.
fn edit_page(
    caller: &Caller,
    kind: &'static LedgerKind,
    record: &RecordView,
    form: Option<&BTreeMap<String, String>>,
    errors: FormErrors,
) -> NewPage {
    let list = format!("/ledgers/{}", kind.code);
    let page = format!("{list}/{}", record.id);
    NewPage {
        nav: Nav::new(caller, &list, &[(kind.group.label(), ""), (kind.label, &list), ("修改基本信息", "")]),
        heading: format!("修改基本信息：{}", record.title),
        action: format!("{page}/edit"),
        back: page,
        version: Some(record.version),
        townships: Vec::new(),
        org_id: record.org_id,
        org_error: None,
        inputs: kind
            .create_fields()
            .map(|f| {
                let value = match form {
                    Some(form) => form.get(f.key).cloned().unwrap_or_default(),
                    None => f.shown(&record.values).unwrap_or_default(),
                };
                input(f, value, f.required, &errors.fields)
            })
            .collect(),
        general_error: errors.general,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
) -> PageResult {
    service::may_open(&caller, kind)?;
    match ledger::get(&state.db, &caller.scope(), kind, id).await {
        Ok(record) => Ok(edit_page(&caller, kind, &record, None, FormErrors::default()).into_response()),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> PageResult {
    let form = form_fields(&body);
    let version = version_of(&form);
    let scope = caller.scope();
    match service::update(&state.db, &caller, kind, id, version, &form).await {
        Ok(r) => Ok(super::see_other(&format!("/ledgers/{}/{}?done=saved", kind.code, r.id))),
        Err(e @ (StoreError::NotFound | StoreError::Database(_) | StoreError::Internal(_))) => Err(e.into()),
        Err(e) => {
            let status = crate::error::answer(&e).status;
            match ledger::get(&state.db, &scope, kind, id).await {
                Ok(record) => {
                    Ok((status, edit_page(&caller, kind, &record, Some(&form), FormErrors::from_store(e)))
                        .into_response())
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// The form of a new record; the address may fill it in (`?org_id=&target=&source=…`): a problem is
/// raised with one click from where it was found. Only the kind's own fields are taken.
pub async fn new_form(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Query(prefill): Query<BTreeMap<String, String>>,
) -> PageResult {
    service::may_open(&caller, kind)?;
    let mut form: BTreeMap<String, String> = prefill
        .into_iter()
        .filter(|(k, v)| (k == "org_id" || kind.create_fields().any(|f| f.key == k)) && v.chars().count() <= 2000)
        .collect();
    // A problem is assigned the day it is raised, unless the supervisor says otherwise.
    if let (Keeper::District, Dated::On(day)) = (kind.keeper, kind.dated) {
        form.entry(day.to_owned()).or_insert_with(|| fazhi_store::beijing_today().to_string());
    }
    Ok(new_page(&state, &caller, kind, &form, FormErrors::default()).await?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    body: axum::body::Bytes,
) -> PageResult {
    let form = form_fields(&body);
    match service::open(&state.db, &caller, kind, &form).await {
        Ok(r) => Ok(super::see_other(&format!("/ledgers/{}/{}?done=created", kind.code, r.id))),
        Err(e @ StoreError::Forbidden(_)) => Err(e.into()),
        Err(e) => {
            let page = new_page(&state, &caller, kind, &form, FormErrors::from_store(e)).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

pub struct ValueRow {
    pub label: &'static str,
    pub value: String,
    /// A link's address (`FieldType::Link`): the value is then the words of the link.
    pub href: Option<String>,
}

/// The words of a link to a record or a report, and its address.
fn link_words(raw: &str) -> Option<(String, String)> {
    let target = LinkTarget::parse(raw)?;
    let words = match target {
        LinkTarget::Record { kind, id } => format!("{}台账第 {id} 号记录", kind.label),
        LinkTarget::Report { line: Some(line), .. } => format!("年度报告第 {line} 行"),
        LinkTarget::Report { line: None, .. } => "年度报告".to_owned(),
    };
    Some((words, target.href()))
}

pub struct DeadlineRow {
    pub label: &'static str,
    pub article: &'static str,
    pub due: String,
    pub tone: &'static str,
    pub status: &'static str,
    pub provisional: bool,
    pub explanation: Vec<String>,
}

pub struct StepForm {
    pub code: &'static str,
    /// What becomes public or final, confirmed before the step is sent.
    pub confirm: Option<&'static str>,
    /// What the form's field ids begin with.
    pub prefix: String,
    pub label: &'static str,
    pub inputs: Vec<Input>,
    pub error: Option<String>,
    /// A field of this step was refused: the step stays open.
    pub has_errors: bool,
}

/// One station of a record's procedure line.
pub struct Station {
    pub label: String,
    /// 已办理 2026-03-02 · 张三; 由乡镇经办人办理 · 期限 2026-03-20.
    pub note: String,
    /// done, current or next.
    pub class: &'static str,
}

/// The record's procedure: the steps taken (with day and who), where it stands, and the steps it
/// waits for with who takes them and the limit they meet, from the declaration and the history.
fn procedure(
    kind: &LedgerKind,
    state: &str,
    audit: &[audit::AuditView],
    deadlines: &[fazhi_domain::ledger::DeadlineStatus],
) -> Vec<Station> {
    let mut line: Vec<Station> = audit
        .iter()
        .filter(|r| r.action != "ledger.correct")
        .filter_map(|r| {
            let after: serde_json::Value = serde_json::from_str(r.after.as_deref()?).ok()?;
            let label = match after["step"].as_str() {
                Some(step) => kind.transition(step)?.label,
                None if r.action == "ledger.create" => "登记",
                None => return None,
            };
            Some(Station {
                label: label.to_owned(),
                note: format!("{} · {}", super::fmt_day(r.at), super::person(&r.actor_name)),
                class: "done",
            })
        })
        .collect();
    line.push(Station { label: kind.state_label(state).to_owned(), note: "当前状态".to_owned(), class: "current" });
    if kind.resting.contains(&state) {
        return line;
    }
    for t in kind.transitions.iter().filter(|t| t.awaited_from(state)) {
        let due = deadlines
            .iter()
            .filter(|d| d.met_on.is_none() && t.inputs.contains(&d.deadline.done))
            .map(|d| d.counted.due)
            .min();
        let note = match due {
            Some(due) => format!("由{}办理 · 期限 {}", t.actor_words(), due.format("%Y-%m-%d")),
            None => format!("由{}办理", t.actor_words()),
        };
        line.push(Station { label: format!("下一步：{}", t.label), note, class: "next" });
    }
    line
}

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub what: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger_detail.html")]
struct DetailPage {
    nav: Nav,
    kind: &'static LedgerKind,
    record: RecordView,
    values: Vec<ValueRow>,
    deadlines: Vec<DeadlineRow>,
    steps: Vec<StepForm>,
    /// The recorded steps the user may correct (更正).
    corrections: Vec<StepForm>,
    history: Vec<HistoryRow>,
    procedure: Vec<Station>,
    /// The step just taken, said at the top with what comes next.
    done: Option<String>,
    /// 行政规范性文件 not (or no longer) in force: say it is no basis of administration.
    not_a_basis: bool,
    attachments: Vec<AttachmentRow>,
    /// The stages an attachment may be filed under, if the kind names them.
    stages: Vec<&'static str>,
    /// The user may attach and remove files (a township's clerk or leader).
    can_attach: bool,
    allowed_files: String,
    attach_error: Option<String>,
    /// A refused step the user has no form for (one another role takes): said at the top.
    refusal: Option<String>,
    /// The record is in its first state and the user may correct its own fields.
    can_edit: bool,
    /// A district supervisor's link raising a 督察问题 about this record.
    raise: Option<String>,
    thread: super::comments::Thread,
    /// 公众意见, for a draft put out for comment.
    public_comments: Option<super::public_comments::Block>,
}

pub struct AttachmentRow {
    id: i64,
    name: String,
    stage: String,
    size: String,
    by: String,
    at: String,
}

/// 1.2 MB, 340 KB.
fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[allow(clippy::too_many_arguments)]
async fn detail_page(
    state: &AppState,
    caller: &Caller,
    kind: &'static LedgerKind,
    id: i64,
    failed_step: Option<(&str, &BTreeMap<String, String>, FormErrors)>,
    attach_error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let scope = caller.scope();
    let record = ledger::get(&state.db, &scope, kind, id).await?;
    let rules = rules::current(&state.db).await?;
    let (roles, principal) = service::roles_at(&state.db, caller, record.org_id).await?;
    let ctx = rules.ctx();
    let today = fazhi_store::beijing_today();
    let deadlines: Vec<DeadlineRow> = kind
        .deadlines(&record.values, &ctx.at(&record.org_path))
        .into_iter()
        .map(|d| {
            let (tone, status) =
                if d.is_paused() { ("grey", "暂停计算") } else { tone(d.urgency(today, &rules.calendar)) };
            DeadlineRow {
                label: d.deadline.label,
                article: d.deadline.article,
                due: d.counted.due.format("%Y-%m-%d").to_string(),
                tone,
                status,
                provisional: d.counted.provisional,
                explanation: d.explain(),
            }
        })
        .collect();
    let facts = ActorFacts { name: &caller.principal.display_name, roles: &roles, principal_leader: principal };
    let empty = BTreeMap::new();
    let public_comments = super::public_comments::block(state, caller, kind, &record).await?;
    // The consultation's 意见采纳情况, written from the answers to the public's comments.
    let adoption_summary = match &public_comments {
        Some(b) if record.state == "consulting" && !b.rows.is_empty() => {
            Some(fazhi_store::public_comments::adoption_summary(&state.db, &scope, kind, record.id).await?)
        }
        _ => None,
    };
    let steps: Vec<StepForm> = kind
        .available(&record.state, facts)
        .map(|t| {
            let (form, errors) = match &failed_step {
                Some((code, form, errors)) if *code == t.code => (*form, Some(errors)),
                _ => (&empty, None),
            };
            let field_errors = errors.map(|e| e.fields.clone()).unwrap_or_default();
            StepForm {
                code: t.code,
                confirm: t.confirm,
                prefix: t.code.to_owned(),
                label: t.label,
                inputs: t
                    .inputs
                    .iter()
                    .filter_map(|k| kind.field(k))
                    .map(|f| {
                        let value = form
                            .get(f.key)
                            .cloned()
                            .or_else(|| f.shown(&record.values))
                            .or_else(|| (f.key == ADOPTION_FIELD).then(|| adoption_summary.clone()).flatten())
                            .unwrap_or_default();
                        input(f, value, !f.optional && !matches!(f.ty, FieldType::Flag), &field_errors)
                    })
                    .collect(),
                error: errors.and_then(|e| e.general.clone()),
                has_errors: errors.is_some(),
            }
        })
        .collect();
    let corrections: Vec<StepForm> = kind
        .correctable(&record.values, facts)
        .map(|t| {
            let (form, errors) = match &failed_step {
                Some((code, form, errors)) if code.strip_prefix(FIX) == Some(t.code) => (*form, Some(errors)),
                _ => (&empty, None),
            };
            let field_errors = errors.map(|e| e.fields.clone()).unwrap_or_default();
            let typed = |f: &Field| if errors.is_some() { form.get(f.key).cloned() } else { f.shown(&record.values) };
            let mut inputs: Vec<Input> = t
                .inputs
                .iter()
                .filter_map(|k| kind.field(k))
                .map(|f| {
                    input(
                        f,
                        typed(f).unwrap_or_default(),
                        !f.optional && !matches!(f.ty, FieldType::Flag),
                        &field_errors,
                    )
                })
                .collect();
            inputs.push(input(&REASON, form.get("reason").cloned().unwrap_or_default(), true, &field_errors));
            StepForm {
                code: t.code,
                confirm: None,
                prefix: format!("{FIX}{}", t.code),
                label: t.label,
                inputs,
                error: errors.and_then(|e| e.general.clone()),
                has_errors: errors.is_some(),
            }
        })
        .collect();
    let refusal = match &failed_step {
        Some((code, _, errors)) if !steps.iter().any(|s| s.code == *code) && !code.starts_with(FIX) => {
            errors.general.clone().or_else(|| errors.fields.values().next().cloned())
        }
        _ => None,
    };
    let filter = audit::AuditFilter {
        object_type: Some(kind.code.to_owned()),
        object_id: Some(id.to_string()),
        page: 1,
        page_size: 200,
        ..Default::default()
    };
    let audited = audit::list(&state.db, &filter).await?.items;
    let statuses = kind.deadlines(&record.values, &ctx.at(&record.org_path));
    let mut procedure = procedure(kind, &record.state, &audited, &statuses);
    // The audit lists newest first; the line reads oldest first.
    let done_count = procedure.iter().filter(|s| s.class == "done").count();
    procedure[..done_count].reverse();
    let next: Vec<String> = procedure
        .iter()
        .filter(|s| s.class == "next")
        .map(|s| format!("{}（{}）", s.label.trim_start_matches("下一步："), s.note))
        .collect();
    let done =
        caller.done.as_deref().and_then(|d| d.strip_prefix("step.")).and_then(|code| kind.transition(code)).map(|t| {
            if next.is_empty() {
                format!("已办理“{}”，当前状态：{}。", t.label, record.state_label)
            } else {
                format!("已办理“{}”。下一步：{}。", t.label, next.join("；"))
            }
        });
    let history = audited.into_iter().map(|r| history_row(kind, r, scope.sees_personal(&record.org_path))).collect();
    let values = kind
        .fields
        .iter()
        .filter_map(|f| {
            let value = f.shown(&record.values)?;
            Some(match (f.ty, link_words(&value)) {
                (FieldType::Link, Some((words, href))) => ValueRow { label: f.label, value: words, href: Some(href) },
                _ => ValueRow { label: f.label, value, href: None },
            })
        })
        .collect();
    let attachments = match attachments::list(&state.db, &scope, kind, id).await {
        Ok(list) => list
            .into_iter()
            .map(|a| AttachmentRow {
                id: a.id,
                name: a.file_name,
                stage: a.stage.unwrap_or_default(),
                size: human_size(a.size),
                by: a.uploaded_by,
                at: fmt_time(a.uploaded_at),
            })
            .collect(),
        Err(e) => return Err(e.into()),
    };
    let can_attach = caller.may(&Method::POST, &format!("/ledgers/{}/{id}/attachments", kind.code));
    let can_edit = record.state == kind.initial
        && kind.keeper.may_open(&roles)
        && caller.may(&Method::POST, &format!("/ledgers/{}/{id}/edit", kind.code));
    let overdue = deadlines.iter().any(|d: &DeadlineRow| d.status == "已逾期");
    let raise = super::supervision::raise_from_record(
        caller,
        kind.code,
        kind.label,
        record.org_id,
        record.id,
        &record.title,
        overdue,
    );
    let thread = super::comments::thread(state, caller, kind.code, record.id, record.org_id, &record.org_path).await?;
    let stages: Vec<&'static str> =
        kind.record_stages.map(|rs| rs.stages.iter().map(|(s, _)| *s).collect()).unwrap_or_default();
    let page = DetailPage {
        stages,
        nav: Nav::new(
            caller,
            &format!("/ledgers/{}", kind.code),
            &[(kind.group.label(), ""), (kind.label, &format!("/ledgers/{}", kind.code)), ("详情", "")],
        ),
        not_a_basis: kind.code == ledgers::normative_documents::KIND.code
            && !ledgers::normative_documents::usable_as_basis(&record.state),
        kind,
        record,
        values,
        deadlines,
        steps,
        corrections,
        history,
        procedure,
        done,
        attachments,
        public_comments,
        can_attach,
        allowed_files: attachment::allowed_description(),
        attach_error,
        refusal,
        can_edit,
        raise,
        thread,
    };
    Ok((status, page).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
) -> PageResult {
    detail_page(&state, &caller, kind, id, None, None, StatusCode::OK).await
}

pub async fn take_step(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, step)): Path<(String, i64, String)>,
    body: axum::body::Bytes,
) -> PageResult {
    post_step(&state, &caller, kind, id, &step, &body, false).await
}

/// Corrects what a step recorded (更正) and returns to the record; a refusal is shown in the
/// correction's form, with what was typed.
pub async fn correct_step(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, step)): Path<(String, i64, String)>,
    body: axum::body::Bytes,
) -> PageResult {
    post_step(&state, &caller, kind, id, &step, &body, true).await
}

/// A step's form posted: taken or corrected as the caller, back to the record; a refusal shown in
/// that form with what was typed.
#[allow(clippy::too_many_arguments)]
async fn post_step(
    state: &AppState,
    caller: &Caller,
    kind: &'static LedgerKind,
    id: i64,
    step: &str,
    body: &[u8],
    correction: bool,
) -> PageResult {
    let mut form = form_fields(body);
    let version: i64 = form.remove("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    form.remove("csrf_token");
    // Only a correction has a reason; a step given one refuses it as a field it does not record.
    let reason = if correction { form.remove("reason").unwrap_or_default() } else { String::new() };
    let posted = if correction { Posted::Correct { reason: &reason } } else { Posted::Take };
    match service::step(&state.db, caller, kind, id, version, step, &form, posted).await {
        Ok(_) if correction => Ok(super::see_other(&format!("/ledgers/{}/{id}?done=saved", kind.code))),
        Ok(_) => Ok(super::see_other(&format!("/ledgers/{}/{id}?done=step.{step}", kind.code))),
        Err(e @ (StoreError::NotFound | StoreError::Database(_) | StoreError::Internal(_))) => Err(e.into()),
        Err(e) => {
            let status = crate::error::answer(&e).status;
            let errors = FormErrors::from_store(e);
            let failed = if correction {
                form.insert("reason".into(), reason.clone());
                format!("{FIX}{step}")
            } else {
                step.to_owned()
            };
            detail_page(state, caller, kind, id, Some((&failed, &form, errors)), None, status).await
        }
    }
}

/// What a correction's form and its refusal are told apart by from a step's.
const FIX: &str = "fix-";

/// The reason a correction asks for, as a form field.
const REASON: Field =
    Field::new("reason", "更正理由", FieldType::LongText).help("写明登记有误之处及依据，将记入办理记录");

/// The list as filtered, every page of it, as a spreadsheet.
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Query(mut q): Query<ListQuery>,
) -> PageResult {
    let filter = q.narrow(&state, kind).await?.filter;
    match ledger_xlsx::export(&state.db, &caller.actor(), &caller.scope(), kind, &filter).await {
        Ok((bytes, _)) => {
            Ok(respond::xlsx_download(&format!("{}台账-{}.xlsx", kind.label, fazhi_store::beijing_today()), bytes))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger_import.html")]
struct ImportPage {
    nav: Nav,
    kind: &'static LedgerKind,
    headers: Vec<&'static str>,
    report: Option<ImportReport>,
    /// A checked file waiting for confirmation.
    upload: Option<i64>,
    error: Option<String>,
    done: bool,
}

fn import_page(caller: &Caller, kind: &'static LedgerKind) -> ImportPage {
    ImportPage {
        nav: Nav::new(
            caller,
            &format!("/ledgers/{}", kind.code),
            &[(kind.group.label(), ""), (kind.label, &format!("/ledgers/{}", kind.code)), ("导入", "")],
        ),
        kind,
        headers: kind.table_headers(),
        report: None,
        upload: None,
        error: None,
        done: false,
    }
}

pub async fn import_form(caller: Caller, Kind(kind): Kind) -> Response {
    import_page(&caller, kind).into_response()
}

/// Checks an uploaded spreadsheet and shows what it would import, or every cell that is wrong.
/// Nothing is imported yet: a file that passes waits for the clerk's confirmation.
pub async fn import_check(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let mut page = import_page(&caller, kind);
    let mut file: Option<Vec<u8>> = None;
    let mut file_name = String::new();
    if let Ok(mut form) = form {
        while let Ok(Some(field)) = form.next_field().await {
            if field.name() == Some("file") {
                file_name = field.file_name().unwrap_or_default().to_owned();
                file = field.bytes().await.ok().map(|b| b.to_vec());
            }
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        page.error = Some("请选择要导入的 .xlsx 文件".into());
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    let file = ledger_xlsx::ImportFile { name: &file_name, bytes: &bytes, confirmed_rows: &[] };
    match service::import(&state.db, &caller, kind, Upload::Check(file)).await {
        Ok(report) if report.errors.is_empty() => {
            page.upload = Some(service::stash(&state.db, &caller, kind, report.rows, file).await?);
            page.report = Some(report);
            Ok(page.into_response())
        }
        Ok(report) => {
            page.report = Some(report);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e @ (StoreError::Fields(_) | StoreError::Invalid(_))) => {
            page.error = FormErrors::from_store(e).into_general().general;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Imports a checked file, all rows in one transaction.
pub async fn import_confirm(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, upload)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> PageResult {
    // The rows that look like records already held which the clerk ticked as new all the same.
    let confirmed: Vec<usize> = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == "confirm_row")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let mut page = import_page(&caller, kind);
    let stashed = Upload::Stashed { id: upload, confirmed_rows: &confirmed };
    match service::import(&state.db, &caller, kind, stashed).await {
        Ok(report) => {
            let status = if report.imported { StatusCode::OK } else { StatusCode::BAD_REQUEST };
            page.done = report.imported;
            page.report = Some(report);
            Ok((status, page).into_response())
        }
        // Another user's upload, or one dropped after a day: to this user it does not exist.
        Err(StoreError::NotFound) => {
            page.error = Some("没有找到待确认的导入文件（可能已超过一天或已导入）：请重新上传".into());
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Attaches the uploaded file to the record and returns to its page; a refused file is named there.
pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id)): Path<(String, i64)>,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let (fields, file) = uploaded_form(form).await;
    let (name, bytes) = file.unwrap_or_default();
    let stage = fields.get("stage").map(String::as_str).filter(|s| !s.is_empty());
    match attachments::attach(&state.db, &state.files, &caller.actor(), &caller.scope(), kind, id, &name, stage, &bytes)
        .await
    {
        Ok(_) => Ok(super::see_other(&format!("/ledgers/{}/{id}?done=uploaded#attachments", kind.code))),
        Err(StoreError::Invalid(e)) => {
            detail_page(&state, &caller, kind, id, None, Some(e.message), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A multipart form's text fields by name, and its `file` part (its name as the browser sent it,
/// and its bytes), if it has one: the attachment and archive forms read their uploads so.
pub(crate) async fn uploaded_form(
    form: Result<Multipart, MultipartRejection>,
) -> (std::collections::HashMap<String, String>, Option<(String, Vec<u8>)>) {
    let (mut fields, mut file) = (std::collections::HashMap::new(), None);
    let Ok(mut form) = form else { return (fields, file) };
    while let Ok(Some(field)) = form.next_field().await {
        match field.name().map(str::to_owned) {
            Some(name) if name == "file" => {
                let file_name = field.file_name().unwrap_or("").to_owned();
                file = field.bytes().await.ok().map(|b| (file_name, b.to_vec()));
            }
            Some(name) => {
                fields.insert(name, field.text().await.unwrap_or_default());
            }
            None => {}
        }
    }
    (fields, file)
}

pub async fn download_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, attachment)): Path<(String, i64, i64)>,
) -> PageResult {
    match attachments::open(&state.db, &state.files, &caller.scope(), kind, id, attachment).await {
        Ok((a, chunks)) => Ok(respond::attachment_download(&a, chunks)),
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, attachment)): Path<(String, i64, i64)>,
) -> PageResult {
    match attachments::remove(&state.db, &caller.actor(), &caller.scope(), kind, id, attachment).await {
        Ok(()) => Ok(super::see_other(&format!("/ledgers/{}/{id}?done=removed#attachments", kind.code))),
        Err(e) => Err(e.into()),
    }
}
