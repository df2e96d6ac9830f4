//! The working-day calendar: which years' holiday notices are in force, loading a new one
//! (administrators), and a calculator that counts a period the way the deadlines are counted.

use crate::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fazhi_domain::role::Role;
use fazhi_store::calendar;
use serde::Deserialize;

use super::{FormErrors, Nav, PageResult, fmt_opt_time};
use crate::AppState;
use crate::auth::Caller;

pub struct YearRow {
    pub year: i32,
    pub days: String,
    pub source: String,
    pub loaded: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
struct CalendarPage {
    nav: Nav,
    years: Vec<YearRow>,
    may_load: bool,
    notice: Option<String>,
    load_error: Option<String>,
    count_error: Option<String>,
    f_start: String,
    f_days: String,
    f_working: bool,
    explanation: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct CountQuery {
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub unit: String,
}

async fn render(
    state: &AppState,
    caller: &Caller,
    q: CountQuery,
    notice: Option<String>,
    load_error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let years = calendar::list(&state.db).await?;
    let mut count_error = None;
    let mut explanation = Vec::new();
    if !q.start.trim().is_empty() || !q.days.trim().is_empty() {
        match fazhi_domain::calendar::parse_count(&q.start, &q.days, &q.unit) {
            Ok((start, period)) => explanation = calendar::current(&state.db).await?.count(start, period).explain(),
            Err(e) => count_error = Some(e.message),
        }
    }
    let page = CalendarPage {
        nav: Nav::new(caller, "/calendar", &[("系统管理", ""), ("工作日历", "")]),
        years: years
            .into_iter()
            .map(|y| YearRow {
                year: y.year,
                days: if y.day_count == 0 { "尚未公布".into() } else { format!("{} 天", y.day_count) },
                source: y.source,
                loaded: match &y.loaded_by {
                    Some(by) => format!("{} {by}", fmt_opt_time(y.loaded_at)),
                    None => "—".into(),
                },
            })
            .collect(),
        may_load: caller.principal.roles.contains(Role::Admin),
        notice,
        load_error,
        count_error,
        f_working: q.unit != "calendar",
        f_start: q.start,
        f_days: q.days,
        explanation,
    };
    Ok((status, page).into_response())
}

pub async fn show(State(state): State<AppState>, caller: Caller, Query(q): Query<CountQuery>) -> PageResult {
    render(&state, &caller, q, None, None, StatusCode::OK).await
}

/// An uploaded holiday-cn file. The CSRF token was checked on the way in.
pub async fn load(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let mut file: Option<Vec<u8>> = None;
    if let Ok(mut form) = form {
        while let Ok(Some(field)) = form.next_field().await {
            if field.name() == Some("file") {
                file = field.bytes().await.ok().map(|b| b.to_vec());
            }
        }
    }
    let refuse =
        |message: String| render(&state, &caller, CountQuery::default(), None, Some(message), StatusCode::BAD_REQUEST);
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return refuse("请选择要载入的放假安排文件（holiday-cn 格式的 .json）".into()).await;
    };
    let Ok(json) = String::from_utf8(bytes) else {
        return refuse("文件不是 UTF-8 编码的 JSON：请选择 holiday-cn 格式的 .json 文件".into()).await;
    };
    let p = &caller.principal;
    match calendar::load_year_by(&state.db, p, &caller.ip, &json).await {
        Ok(y) => {
            let notice = format!("已载入 {} 年放假安排（{} 天）；此后计算的期限按新安排计算。", y.year, y.day_count);
            render(&state, &caller, CountQuery::default(), Some(notice), None, StatusCode::OK).await
        }
        Err(e) => refuse(FormErrors::from_store(e).into_general().general.unwrap_or_default()).await,
    }
}
