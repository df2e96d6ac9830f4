//! 第一责任人履职情况: how the principal leaders fulfilled their duties in a year, counted from the
//! ledgers where each duty leaves its record — the meetings they chaired, the rule-of-law reports
//! heard, 述法, their court appearances, the study sessions they led — never typed a second time.

use crate::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Datelike;
use fazhi_store::{indicators, orgs};
use serde::Deserialize;

use super::{Nav, PageError, PageResult};
use crate::AppState;
use crate::auth::Caller;

/// The duties, each with the indicator that counts it and what the report calls it.
pub const DUTIES: &[(&str, &str)] = &[
    ("leadership.meetings_chaired", "主持召开研究法治建设的会议"),
    ("leadership.briefings_heard", "听取法治建设工作汇报"),
    ("leadership.law_reports", "年终述法"),
    ("litigation.head_appeared", "出庭应诉"),
    ("study.led_by_principal", "带头学法、讲法治课"),
];

#[derive(Deserialize, Default)]
pub struct DutiesQuery {
    #[serde(default)]
    org: Option<i64>,
    #[serde(default)]
    year: Option<i32>,
}

pub struct Duty {
    pub label: &'static str,
    pub value: i64,
    pub records: Vec<(String, String)>,
}

/// One township's duties of the year, for the district's table of all townships.
pub struct TownshipRow {
    pub org: i64,
    pub name: String,
    pub values: Vec<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "duties.html")]
struct DutiesPage {
    nav: Nav,
    /// Every township's duties side by side, for the district; empty for a township.
    all: Vec<TownshipRow>,
    duty_labels: Vec<&'static str>,
    townships: Vec<(i64, String)>,
    org: i64,
    org_name: String,
    year: i32,
    years: Vec<i32>,
    duties: Vec<Duty>,
}

pub async fn show(State(state): State<AppState>, caller: Caller, Query(q): Query<DutiesQuery>) -> PageResult {
    let scope = caller.scope();
    let org_list = orgs::list(&state.db, &scope).await?;
    let townships: Vec<(i64, String)> =
        org_list.iter().filter(|o| o.kind().is_township()).map(|o| (o.id, o.name.clone())).collect();
    let this_year = fazhi_store::beijing_today().year();
    let year = q.year.filter(|y| (2000..=this_year).contains(y)).unwrap_or(this_year);
    // A township's people see their township; the district picks one (its first by default).
    let Some((org, org_name)) =
        q.org.and_then(|id| townships.iter().find(|(t, _)| *t == id).cloned()).or_else(|| townships.first().cloned())
    else {
        return Err(PageError::not_found());
    };
    // The district first sees all its townships side by side, each a link to its records.
    let mut all = Vec::new();
    if townships.len() > 1 {
        for (id, name) in &townships {
            let figures = indicators::for_year(&state.db, &scope, *id, year).await?;
            let values = DUTIES
                .iter()
                .map(|(duty, _)| figures.iter().filter(|f| f.id == *duty).map(|f| f.value).sum())
                .collect();
            all.push(TownshipRow { org: *id, name: name.clone(), values });
        }
    }
    let figures = indicators::for_year(&state.db, &scope, org, year).await?;
    let mut duties = Vec::new();
    for (id, label) in DUTIES {
        let found: Vec<&indicators::Figure> = figures.iter().filter(|f| f.id == *id).collect();
        let mut records = Vec::new();
        for f in &found {
            match indicators::titles(&state.db, &f.records).await {
                Ok(titles) => {
                    records.extend(titles.into_iter().map(|r| (format!("/ledgers/{}/{}", f.kind, r.id), r.title)))
                }
                Err(e) => return Err(e.into()),
            }
        }
        duties.push(Duty { label, value: found.iter().map(|f| f.value).sum(), records });
    }
    Ok(DutiesPage {
        nav: Nav::new(&caller, "/duties", &[("第一责任人履职", "")]),
        all,
        duty_labels: DUTIES.iter().map(|(_, label)| *label).collect(),
        townships,
        org,
        org_name,
        year,
        years: (this_year - 5..=this_year).rev().collect(),
        duties,
    }
    .into_response())
}
