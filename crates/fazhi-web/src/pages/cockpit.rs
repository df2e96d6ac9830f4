//! 督察总览: the district's townships side by side for a year — the key figures with their change
//! on the year before, the open time limits, where each annual report stands — with charts drawn
//! on the server, every figure opening the records behind it. A township's leader sees their own
//! township across the years. 对比分析 compares any figures, townships and years, and exports them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use fazhi_domain::calendar::beijing_day;
use fazhi_domain::key_indicators::{self, KeyIndicator, MIN_CASES, MIN_CASES_TO_RANK, Measure, percent};
use fazhi_domain::ledgers;
use fazhi_office::xlsx::{Cell, TableWriter};
use fazhi_store::district::{self, Figures, Townships};
use fazhi_store::{StoreError, rules};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

use super::{Nav, PageResult};
use crate::AppState;
use crate::auth::Caller;
use crate::error::PageError;
use crate::extract::Query;

/// What a figure is for one township and year: missing (no record of its kind that year), a
/// count, or a rate with the counts behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Missing,
    Count(i64),
    Rate { part: i64, whole: i64 },
}

impl Value {
    fn of(figures: &Figures, k: &KeyIndicator, township: i64, year: i32) -> Value {
        match k.measure {
            Measure::Count(id) => figures.value(township, k.kind, id, year).map_or(Value::Missing, Value::Count),
            Measure::Rate { part, whole, .. } => {
                match (figures.value(township, k.kind, part, year), figures.value(township, k.kind, whole, year)) {
                    (Some(part), Some(whole)) => Value::Rate { part, whole },
                    _ => Value::Missing,
                }
            }
        }
    }

    /// Townships' values added up: counts summed, rates over the summed counts; missing only
    /// where every township's is.
    fn sum(values: impl IntoIterator<Item = Value>) -> Value {
        values.into_iter().fold(Value::Missing, |acc, v| match (acc, v) {
            (Value::Missing, v) | (v, Value::Missing) => v,
            (Value::Count(a), Value::Count(b)) => Value::Count(a + b),
            (Value::Rate { part: a, whole: b }, Value::Rate { part: c, whole: d }) => {
                Value::Rate { part: a + c, whole: b + d }
            }
            (v, _) => v,
        })
    }

    /// The number a chart draws and a rank orders: the count, or the rate in per cent.
    fn number(self) -> Option<f64> {
        match self {
            Value::Missing => None,
            Value::Count(n) => Some(n as f64),
            Value::Rate { part, whole } => percent(part, whole),
        }
    }

    /// Whether a rate rests on too few cases to be ranked.
    fn too_few(self, min_cases: i64) -> bool {
        matches!(self, Value::Rate { whole, .. } if whole < min_cases)
    }

    fn text(self, unit: &str) -> String {
        match self {
            Value::Missing => "—".into(),
            Value::Count(n) => format!("{n}{unit}"),
            Value::Rate { part, whole } => match percent(part, whole) {
                Some(p) => format!("{p:.1}%"),
                None => "无案件".into(),
            },
        }
    }
}

/// The records behind a figure: the ledger's list, narrowed to the township (none: every one in
/// the caller's scope), the year and the figure.
fn drill(kind: &str, township: Option<i64>, year: i32, figure: &str) -> String {
    let org = township.map(|t| t.to_string()).unwrap_or_default();
    format!("/ledgers/{kind}?org={org}&year={year}&figure={}", crate::auth::url_encode(figure))
}

/// One cell of the overview's table.
pub struct CellView {
    pub text: String,
    pub href: Option<String>,
    /// The counts behind a rate, each opening its records: (count, href).
    pub behind: Option<((i64, String), (i64, String))>,
    /// The change on the year before: ↑3, ↓1.5个百分点.
    pub change: String,
    pub change_tone: &'static str,
    pub missing: bool,
    /// A rate on fewer cases than the minimum: shown, never ranked.
    pub few: bool,
    /// Taken from a filed old report, not counted from the ledgers (in a total: partly).
    pub from_report: bool,
}

impl CellView {
    /// Marks the cell where its figure comes from a filed report rather than the ledgers: one
    /// township's opens that report; a total says it holds such figures.
    fn sourced(mut self, figures: &Figures, k: &KeyIndicator, townships: &[i64], year: i32) -> CellView {
        if self.missing {
            return self;
        }
        let reports: Vec<i64> = townships.iter().filter_map(|t| figures.from_report(*t, k.kind, year)).collect();
        match (townships.len(), reports.first()) {
            (_, None) => {}
            (1, Some(report)) => {
                self.from_report = true;
                self.href = Some(format!("/reports/archive/{report}"));
                self.behind = None;
            }
            _ => self.from_report = true,
        }
        self
    }
}

fn cell(k: &KeyIndicator, township: Option<i64>, year: i32, value: Value, before: Value, min_cases: i64) -> CellView {
    let (part_id, whole_id) = match k.measure {
        Measure::Count(id) => (id, id),
        Measure::Rate { part, whole, .. } => (part, whole),
    };
    let behind = match value {
        Value::Rate { part, whole } => {
            Some(((part, drill(k.kind, township, year, part_id)), (whole, drill(k.kind, township, year, whole_id))))
        }
        _ => None,
    };
    let (change, change_tone) = change(k, value, before);
    CellView {
        text: value.text(k.unit),
        href: (value != Value::Missing).then(|| drill(k.kind, township, year, whole_id)),
        behind,
        change,
        change_tone,
        missing: value == Value::Missing,
        few: value.too_few(min_cases),
        from_report: false,
    }
}

/// The change against the year before, and whether it is for the better.
fn change(k: &KeyIndicator, now: Value, before: Value) -> (String, &'static str) {
    match (now, before) {
        (Value::Count(a), Value::Count(b)) if a != b => {
            let d = a - b;
            (if d > 0 { format!("较上年↑{d}") } else { format!("较上年↓{}", -d) }, "grey")
        }
        (Value::Count(_), Value::Count(_)) => ("与上年持平".into(), "grey"),
        (Value::Rate { .. }, Value::Rate { .. }) => match (now.number(), before.number()) {
            (Some(a), Some(b)) => {
                let d = ((a - b) * 10.0).round() / 10.0;
                let better = match k.measure {
                    Measure::Rate { higher_is_better, .. } => (d > 0.0) == higher_is_better,
                    Measure::Count(_) => true,
                };
                if d == 0.0 {
                    ("与上年持平".into(), "grey")
                } else if d > 0.0 {
                    (format!("较上年↑{d:.1}个百分点"), if better { "green" } else { "red" })
                } else {
                    (format!("较上年↓{:.1}个百分点", -d), if better { "green" } else { "red" })
                }
            }
            _ => (String::new(), "grey"),
        },
        (_, Value::Missing) if now != Value::Missing => ("上年无记录".into(), "grey"),
        _ => (String::new(), "grey"),
    }
}

/// A column of the overview: a township in a year.
pub struct Column {
    pub township: i64,
    pub year: i32,
    pub heading: String,
}

pub struct RowView {
    pub code: &'static str,
    pub label: &'static str,
    pub ledger: &'static str,
    pub cells: Vec<CellView>,
    /// The district's total or rate: none when the table shows one township.
    pub total: Option<CellView>,
}

/// A horizontal bar of a chart, its geometry worked out here so the template only draws.
pub struct Bar {
    pub label: String,
    pub value: String,
    pub href: String,
    pub y: u32,
    pub width: u32,
    pub tone: &'static str,
}

pub struct BarChart {
    pub title: String,
    pub note: String,
    pub height: u32,
    pub bars: Vec<Bar>,
}

/// A column of the trend chart (a year).
pub struct YearBar {
    pub year: i32,
    pub value: String,
    pub href: String,
    pub x: u32,
    pub y: u32,
    pub height: u32,
}

pub struct TrendChart {
    pub title: String,
    pub bars: Vec<YearBar>,
}

const BAR_SPAN: u32 = 400;
const ROW: u32 = 28;

/// Bars across townships for one indicator and year. A count is drawn largest first. A rate is
/// ranked best first (the highest, or the lowest where lower is better, as for 败诉率), equal
/// rates sharing a rank; a rate on too few cases is drawn grey after them, without a rank.
fn bar_chart(k: &KeyIndicator, townships: &Townships, figures: &Figures, year: i32, min_cases: i64) -> BarChart {
    let higher_is_better = matches!(k.measure, Measure::Rate { higher_is_better: true, .. } | Measure::Count(_));
    // The number a township is ordered by, better first; none for those not ordered.
    let merit = |v: &Value| -> Option<f64> {
        let n = if v.too_few(min_cases) { None } else { v.number() }?;
        Some(if higher_is_better { n } else { -n })
    };
    let mut entries: Vec<(String, i64, Value)> =
        townships.list.iter().map(|t| (t.name.clone(), t.id, Value::of(figures, k, t.id, year))).collect();
    entries
        .sort_by(|a, b| merit(&b.2).partial_cmp(&merit(&a.2)).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(&b.0)));
    let max = entries.iter().filter_map(|e| e.2.number()).fold(0.0_f64, f64::max);
    let scale = if k.is_rate() { 100.0 } else { max.max(1.0) };
    let merits: Vec<Option<f64>> = entries.iter().map(|e| merit(&e.2)).collect();
    let bars = entries
        .into_iter()
        .enumerate()
        .map(|(i, (name, id, value))| {
            let whole_id = k.figures().last().copied().unwrap_or_default();
            let ranked = k.is_rate() && merits[i].is_some();
            // One more than the townships strictly better: equal rates share a rank.
            let rank = 1 + merits.iter().filter(|m| m.is_some() && *m > &merits[i]).count();
            let mut text = value.text(k.unit);
            if let Value::Rate { part, whole } = value {
                text.push_str(&format!("（{part}/{whole}）"));
            }
            if ranked {
                text = format!("第{rank}名 · {text}");
            } else if value.too_few(min_cases) {
                text.push_str(&format!(" · 不足{min_cases}件，不排名"));
            } else if value == Value::Missing {
                text = "无记录".into();
            }
            Bar {
                label: name,
                value: text,
                href: drill(k.kind, Some(id), year, whole_id),
                y: 8 + i as u32 * ROW,
                width: value.number().map_or(0, |n| ((n / scale) * BAR_SPAN as f64).round() as u32),
                tone: if value.too_few(min_cases) {
                    "few"
                } else if higher_is_better {
                    "good"
                } else {
                    "bad"
                },
            }
        })
        .collect::<Vec<_>>();
    BarChart {
        title: format!("{year}年各乡镇（街道）{}", k.label),
        note: if k.is_rate() {
            format!("按比率排名；案件少于{min_cases}件的不参与排名，括号内为所依据的件数")
        } else {
            format!("单位：{}", k.unit)
        },
        height: 16 + bars.len() as u32 * ROW,
        bars,
    }
}

/// The district's total (or rate) of an indicator in each year held.
fn trend_chart(k: &KeyIndicator, townships: &Townships, figures: &Figures, years: &[i32]) -> TrendChart {
    let values: Vec<(i32, Value)> = years
        .iter()
        .map(|y| (*y, Value::sum(townships.list.iter().map(|t| Value::of(figures, k, t.id, *y)))))
        .collect();
    let max = values.iter().filter_map(|(_, v)| v.number()).fold(0.0_f64, f64::max);
    let scale = if k.is_rate() { 100.0 } else { max.max(1.0) };
    let step = 560 / (values.len().max(1) as u32);
    let one = (townships.list.len() == 1).then(|| townships.list[0].id);
    TrendChart {
        title: format!("{}历年{}", if one.is_some() { "" } else { "全区" }, k.label),
        bars: values
            .into_iter()
            .enumerate()
            .map(|(i, (year, v))| {
                let height = v.number().map_or(0, |n| ((n / scale) * 150.0).round() as u32);
                YearBar {
                    year,
                    value: v.text(k.unit),
                    href: drill(k.kind, one, year, k.figures().last().copied().unwrap_or_default()),
                    x: 60 + i as u32 * step + step / 4,
                    y: 180 - height,
                    height,
                }
            })
            .collect(),
    }
}

/// One township's open time limits by ledger, for the heat table.
pub struct HeatRow {
    pub name: String,
    pub cells: Vec<HeatCell>,
}

pub struct HeatCell {
    pub overdue: i64,
    pub due_soon: i64,
    pub overdue_href: String,
    pub soon_href: String,
    /// 0 (none) to 4 (many overdue): the cell's shade.
    pub heat: u8,
}

fn heat(overdue: i64, due_soon: i64) -> u8 {
    match (overdue, due_soon) {
        (0, 0) => 0,
        (0, _) => 1,
        (1..=2, _) => 2,
        (3..=9, _) => 3,
        _ => 4,
    }
}

/// A township's annual report of the year: its standing, dates and lateness.
pub struct ReportRowView {
    pub name: String,
    pub href: Option<String>,
    pub state: String,
    pub tone: &'static str,
    pub started: String,
    pub published: String,
    pub reported: String,
    pub lateness: String,
    pub late: bool,
    /// A supervisor's link raising a 督察问题 about a late report.
    pub raise: Option<String>,
}

fn day(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| beijing_day(t).format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into())
}

/// How late a report is against the first quarter: counted to its report to the district, or to
/// today while it is not reported.
fn lateness(year: i32, reported: Option<NaiveDate>, today: NaiveDate) -> (String, bool) {
    let due = super::reports::due_day(year);
    match reported {
        Some(on) if on <= due => ("按时".into(), false),
        Some(on) => (format!("逾期{}天", (on - due).num_days()), true),
        None if today > due => (format!("已逾期{}天", (today - due).num_days()), true),
        None => (format!("{}年3月31日前报送", year + 1), false),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cockpit.html")]
struct CockpitPage {
    nav: Nav,
    title: String,
    year: i32,
    /// The year is not over: its figures are to date.
    to_date: String,
    years: Vec<i32>,
    notices: Vec<String>,
    columns: Vec<Column>,
    /// The table shows townships (the district), not years (one township).
    district: bool,
    rows: Vec<RowView>,
    indicators: Vec<(&'static str, &'static str)>,
    chosen: &'static str,
    chart: BarChart,
    trend: TrendChart,
    heat_kinds: Vec<&'static str>,
    heat: Vec<HeatRow>,
    reports: Vec<ReportRowView>,
    min_cases: i64,
    /// The township shown alone (`?org=`), kept by the forms.
    org: String,
    /// The caller sees several townships: a single one's page leads back to all of them.
    sees_district: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CockpitQuery {
    year: String,
    indicator: String,
    /// One township across the years.
    org: String,
}

/// The year asked for, or the default (the last finished year) with a notice when it is not one
/// the district holds.
fn chosen_year(raw: &str, years: &[i32], today: NaiveDate, notices: &mut Vec<String>) -> i32 {
    let default = today.year() - 1;
    match raw.trim() {
        "" => default,
        raw => match raw.parse::<i32>().ok().filter(|y| years.contains(y)) {
            Some(y) => y,
            None => {
                notices.push(format!("没有“{}”年度的数据，已显示{default}年", raw.chars().take(8).collect::<String>()));
                default
            }
        },
    }
}

/// The townships the caller may see, narrowed to one by `org` (another township's: not found),
/// and whether the caller sees several (the district, who may go back to all of them).
/// What the overview reads from the store for one view: every key indicator's figures over the
/// years held, and the open limits.
pub struct OverviewData {
    figures: Figures,
    open: HashMap<(i64, String), district::OpenLimits>,
}

/// The overview's reads, kept while the data's version (`district::data_version`) and the day stay
/// the same: sixteen supervisors opening the overview read the totals once, and a write anywhere,
/// on any instance, makes the next view read them again. A few views are kept, never more.
#[derive(Default)]
pub struct OverviewCache(std::sync::Mutex<HashMap<ViewKey, Arc<OverviewData>>>);

/// Whose view (scope and townships), on which day, of which version of the data.
type ViewKey = (String, Vec<i64>, NaiveDate, i64);

/// How many views are kept: a district's supervisors and its townships' leaders.
const VIEWS_KEPT: usize = 64;

impl OverviewCache {
    async fn read(
        &self,
        db: &fazhi_store::Db,
        scope: &fazhi_store::Scope,
        townships: &Townships,
        today: NaiveDate,
        soon: NaiveDate,
    ) -> Result<Arc<OverviewData>, StoreError> {
        let version = district::data_version(db).await?;
        let key = (scope.org_path.clone(), townships.list.iter().map(|t| t.id).collect(), today, version);
        if let Some(kept) = self.0.lock().expect("the cache lock is never poisoned").get(&key) {
            return Ok(kept.clone());
        }
        let all: Vec<&KeyIndicator> = key_indicators::ALL.iter().collect();
        let figures = district::figures(db, scope, townships, &wanted(&all), 2000..=today.year()).await?;
        let open = district::open_limits(db, scope, townships, today, soon).await?;
        let data = Arc::new(OverviewData { figures, open });
        let mut kept = self.0.lock().expect("the cache lock is never poisoned");
        kept.retain(|k, _| k.2 == today && k.3 == version);
        if kept.len() >= VIEWS_KEPT {
            kept.clear();
        }
        kept.insert(key, data.clone());
        Ok(data)
    }
}

async fn townships_for(state: &AppState, caller: &Caller, org: &str) -> Result<(Townships, bool), PageError> {
    let mut townships = Townships::of(&state.db, &caller.scope()).await?;
    let several = townships.list.len() > 1;
    if !org.trim().is_empty() {
        let id: i64 = org.trim().parse().map_err(|_| PageError::from(StoreError::NotFound))?;
        if townships.get(id).is_none() {
            return Err(StoreError::NotFound.into());
        }
        townships.list.retain(|t| t.id == id);
    }
    Ok((townships, several))
}

/// The years one may choose: every year the records count in, and this one.
fn selectable_years(figures: &Figures, today: NaiveDate) -> Vec<i32> {
    let mut years: Vec<i32> = figures
        .years_held
        .iter()
        .copied()
        .filter(|y| *y <= today.year())
        .chain([today.year(), today.year() - 1])
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

fn wanted(list: &[&KeyIndicator]) -> Vec<(&'static str, &'static str)> {
    list.iter().flat_map(|k| k.figures().into_iter().map(move |id| (k.kind, id))).collect()
}

pub async fn show(State(state): State<AppState>, caller: Caller, Query(q): Query<CockpitQuery>) -> PageResult {
    let today = fazhi_store::beijing_today();
    let mut notices = Vec::new();
    let (townships, sees_district) = townships_for(&state, &caller, &q.org).await?;
    let rules = rules::current(&state.db).await?;
    let min_cases = min_cases(&rules, &caller);
    let soon = fazhi_domain::ledger::due_soon_until(&rules.calendar, today);
    let read = state.overview.read(&state.db, &caller.scope(), &townships, today, soon).await?;
    let (figures, open) = (&read.figures, &read.open);
    let years = selectable_years(figures, today);
    let year = chosen_year(&q.year, &years, today, &mut notices);
    let chosen = match q.indicator.trim() {
        "" => &key_indicators::ALL[0],
        code => key_indicators::by_code(code).unwrap_or_else(|| {
            notices.push("没有这项指标，已显示第一项".into());
            &key_indicators::ALL[0]
        }),
    };
    let district = townships.list.len() > 1;
    // The district: its townships in the year. One township: its last five years to this one.
    let columns: Vec<Column> = if district {
        townships.list.iter().map(|t| Column { township: t.id, year, heading: t.name.clone() }).collect()
    } else {
        let t = townships.list.first().ok_or(StoreError::NotFound)?;
        (year - 4..=year).map(|y| Column { township: t.id, year: y, heading: format!("{y}年") }).collect()
    };
    let rows = key_indicators::ALL
        .iter()
        .map(|k| {
            let cells = columns
                .iter()
                .map(|c| {
                    let now = Value::of(figures, k, c.township, c.year);
                    let before = Value::of(figures, k, c.township, c.year - 1);
                    cell(k, Some(c.township), c.year, now, before, min_cases).sourced(figures, k, &[c.township], c.year)
                })
                .collect();
            let total = district.then(|| {
                let sum = |y: i32| Value::sum(townships.list.iter().map(|t| Value::of(figures, k, t.id, y)));
                let all: Vec<i64> = townships.list.iter().map(|t| t.id).collect();
                cell(k, None, year, sum(year), sum(year - 1), min_cases).sourced(figures, k, &all, year)
            });
            RowView {
                code: k.code,
                label: k.label,
                ledger: ledgers::by_code(k.kind).map(|l| l.label).unwrap_or_default(),
                cells,
                total,
            }
        })
        .collect();
    let held: Vec<i32> = figures.years_held.iter().copied().filter(|y| *y <= year).collect();
    let chart = bar_chart(chosen, &townships, figures, year, min_cases);
    let trend = trend_chart(chosen, &townships, figures, &held);

    let heat_kinds: Vec<&'static str> =
        ledgers::ALL.iter().filter(|k| open.keys().any(|(_, kind)| kind == k.code)).map(|k| k.code).collect();
    let heat = townships
        .list
        .iter()
        .map(|t| HeatRow {
            name: t.name.clone(),
            cells: heat_kinds
                .iter()
                .map(|kind| {
                    let o = open.get(&(t.id, (*kind).to_owned())).cloned().unwrap_or_default();
                    HeatCell {
                        overdue: o.overdue,
                        due_soon: o.due_soon,
                        overdue_href: format!("/ledgers/{kind}?org={}&due=overdue", t.id),
                        soon_href: format!("/ledgers/{kind}?org={}&due=soon", t.id),
                        heat: heat(o.overdue, o.due_soon),
                    }
                })
                .collect(),
        })
        .collect();

    let standings = district::reports_of_year(&state.db, &caller.scope(), year).await?;
    let reports = townships
        .list
        .iter()
        .map(|t| {
            let r = standings.iter().find(|r| r.org_id == t.id);
            let reported = r.and_then(|r| r.reported_at).map(beijing_day);
            let (lateness, late) = lateness(year, reported, today);
            let target = r.map(|r| format!("/reports/{}", r.id)).unwrap_or_default();
            let raise = late
                .then(|| {
                    super::supervision::raise_href(
                        &caller,
                        &super::supervision::Found {
                            org_id: t.id,
                            target: &target,
                            source: "报告逾期报送",
                            category: "组织领导",
                            title: &format!("{year}年度法治政府建设年度报告未按期报送"),
                            description: &format!(
                                "{}{year}年度法治政府建设年度报告应于{}年3月31日前公开并报送区县，{lateness}。",
                                t.name,
                                year + 1
                            ),
                        },
                    )
                })
                .flatten();
            match r {
                Some(r) => {
                    let (state, tone) = super::reports::standing(
                        &r.state,
                        r.comment.as_deref(),
                        r.published_at.is_some(),
                        r.reported_at.is_some(),
                    );
                    ReportRowView {
                        name: t.name.clone(),
                        href: Some(format!("/reports/{}", r.id)),
                        state,
                        tone,
                        started: day(Some(r.created_at)),
                        published: day(r.published_at),
                        reported: day(r.reported_at),
                        lateness,
                        late,
                        raise,
                    }
                }
                None => ReportRowView {
                    name: t.name.clone(),
                    href: None,
                    state: "未起草".into(),
                    tone: if late { "red" } else { "grey" },
                    started: "—".into(),
                    published: "—".into(),
                    reported: "—".into(),
                    lateness,
                    late,
                    raise,
                },
            }
        })
        .collect();
    let title = if district {
        format!("{year}年各乡镇（街道）法治建设情况")
    } else {
        format!("{}法治建设情况（{}—{year}年）", townships.list[0].name, year - 4)
    };
    let to_date = if year == today.year() {
        format!("{year}年数据截至{}", today.format("%-m月%-d日"))
    } else {
        String::new()
    };
    Ok(CockpitPage {
        nav: Nav::new(&caller, "/cockpit", &[("工作台", ""), ("法治建设总览", "")]),
        title,
        year,
        to_date,
        years,
        notices,
        columns,
        district,
        rows,
        indicators: key_indicators::ALL.iter().map(|k| (k.code, k.label)).collect(),
        chosen: chosen.code,
        chart,
        trend,
        heat_kinds: heat_kinds.iter().map(|k| ledgers::by_code(k).map(|l| l.label).unwrap_or_default()).collect(),
        heat,
        reports,
        min_cases,
        org: q.org.trim().to_owned(),
        sees_district,
    }
    .into_response())
}

/// A comparison's query: the form's check boxes repeat their names, which a struct cannot take, so
/// the pairs are read in order and repeated names joined.
#[derive(Default)]
pub struct CompareQuery {
    /// Indicator codes, comma-separated or repeated.
    indicators: String,
    /// Township ids, comma-separated or repeated; none: every township.
    orgs: String,
    from: String,
    to: String,
}

impl CompareQuery {
    fn parse(raw: Option<String>) -> CompareQuery {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
        let mut q = CompareQuery::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "indicators" => &mut q.indicators,
                "orgs" => &mut q.orgs,
                "from" => &mut q.from,
                "to" => &mut q.to,
                _ => continue,
            };
            if !slot.is_empty() {
                slot.push(',');
            }
            slot.push_str(&value);
        }
        q
    }
}

/// A comparison as asked, checked: the indicators, townships and years, with notices for what
/// was left out.
struct Comparison {
    indicators: Vec<&'static KeyIndicator>,
    townships: Townships,
    years: Vec<i32>,
    figures: Figures,
    notices: Vec<String>,
    min_cases: i64,
}

/// The fewest cases a rate is ranked on, as the district set it for the caller's organization.
fn min_cases(rules: &rules::Rules, caller: &Caller) -> i64 {
    rules.settings.number_at(&caller.scope().org_path, MIN_CASES.key).unwrap_or(MIN_CASES_TO_RANK)
}

async fn comparison(state: &AppState, caller: &Caller, q: &CompareQuery) -> Result<Comparison, PageError> {
    let today = fazhi_store::beijing_today();
    let mut notices = Vec::new();
    let split = |raw: &str| {
        raw.split([',', '，', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>()
    };
    let mut indicators = Vec::new();
    for code in split(&q.indicators) {
        match key_indicators::by_code(&code) {
            Some(k) if !indicators.iter().any(|i: &&KeyIndicator| i.code == k.code) => indicators.push(k),
            Some(_) => {}
            None => notices.push(format!("没有“{}”这项指标，已略去", code.chars().take(20).collect::<String>())),
        }
    }
    if indicators.is_empty() {
        indicators = key_indicators::ALL.iter().take(3).collect();
    }
    let mut townships = Townships::of(&state.db, &caller.scope()).await?;
    let asked = split(&q.orgs);
    if !asked.is_empty() {
        let ids: Vec<i64> = asked.iter().filter_map(|s| s.parse().ok()).collect();
        if ids.len() != asked.len() || ids.iter().any(|id| townships.get(*id).is_none()) {
            notices.push("所选乡镇（街道）有的不在您查看的范围内，已略去".into());
        }
        let kept: Vec<i64> = ids.into_iter().filter(|id| townships.get(*id).is_some()).collect();
        if !kept.is_empty() {
            townships.list.retain(|t| kept.contains(&t.id));
        }
    }
    let wanted = wanted(&indicators);
    let figures = district::figures(&state.db, &caller.scope(), &townships, &wanted, 2000..=today.year()).await?;
    let first_held = figures.years_held.first().copied().unwrap_or(today.year() - 4);
    let parse = |raw: &str, default: i32, notices: &mut Vec<String>| match raw.trim() {
        "" => default,
        raw => match raw.parse::<i32>().ok().filter(|y| (first_held..=today.year()).contains(y)) {
            Some(y) => y,
            None => {
                notices.push(format!("没有“{}”年度的数据，已改为{default}年", raw.chars().take(8).collect::<String>()));
                default
            }
        },
    };
    let mut from = parse(&q.from, first_held.max(today.year() - 5), &mut notices);
    let mut to = parse(&q.to, today.year() - 1, &mut notices);
    if from > to {
        std::mem::swap(&mut from, &mut to);
    }
    let min_cases = min_cases(&*rules::current(&state.db).await?, caller);
    Ok(Comparison { indicators, townships, years: (from..=to).collect(), figures, notices, min_cases })
}

pub struct CompareTable {
    pub label: String,
    pub rows: Vec<(String, Vec<CellView>)>,
    pub total: Vec<CellView>,
    pub chart: TrendChart,
}

#[derive(Template, WebTemplate)]
#[template(path = "cockpit_compare.html")]
struct ComparePage {
    nav: Nav,
    notices: Vec<String>,
    years: Vec<i32>,
    tables: Vec<CompareTable>,
    all_indicators: Vec<(&'static str, &'static str, bool)>,
    all_townships: Vec<(i64, String, bool)>,
    from: i32,
    to: i32,
    selectable: Vec<i32>,
    export_href: String,
    min_cases: i64,
}

fn keep(c: &Comparison) -> String {
    format!(
        "indicators={}&orgs={}&from={}&to={}",
        c.indicators.iter().map(|k| k.code).collect::<Vec<_>>().join(","),
        c.townships.list.iter().map(|t| t.id.to_string()).collect::<Vec<_>>().join(","),
        c.years.first().copied().unwrap_or_default(),
        c.years.last().copied().unwrap_or_default(),
    )
}

pub async fn compare(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> PageResult {
    let q = CompareQuery::parse(raw);
    let c = comparison(&state, &caller, &q).await?;
    let everyone = Townships::of(&state.db, &caller.scope()).await?;
    let today = fazhi_store::beijing_today();
    let tables = c
        .indicators
        .iter()
        .map(|k| {
            let rows = c
                .townships
                .list
                .iter()
                .map(|t| {
                    let cells = c
                        .years
                        .iter()
                        .map(|y| {
                            cell(
                                k,
                                Some(t.id),
                                *y,
                                Value::of(&c.figures, k, t.id, *y),
                                Value::of(&c.figures, k, t.id, y - 1),
                                c.min_cases,
                            )
                            .sourced(&c.figures, k, &[t.id], *y)
                        })
                        .collect();
                    (t.name.clone(), cells)
                })
                .collect();
            let sum = |y: i32| Value::sum(c.townships.list.iter().map(|t| Value::of(&c.figures, k, t.id, y)));
            let all: Vec<i64> = c.townships.list.iter().map(|t| t.id).collect();
            let total = c
                .years
                .iter()
                .map(|y| cell(k, None, *y, sum(*y), sum(y - 1), c.min_cases).sourced(&c.figures, k, &all, *y))
                .collect();
            let mut chart = trend_chart(k, &c.townships, &c.figures, &c.years);
            chart.title = format!("所选乡镇（街道）合计：{}", k.label);
            CompareTable { label: k.label.to_owned(), rows, total, chart }
        })
        .collect();
    let mut selectable: Vec<i32> = c.figures.years_held.iter().copied().filter(|y| *y <= today.year()).collect();
    if selectable.is_empty() {
        selectable.push(today.year());
    }
    Ok(ComparePage {
        nav: Nav::new(&caller, "/cockpit/compare", &[("工作台", ""), ("法治建设总览", "/cockpit"), ("对比分析", "")]),
        notices: c.notices.clone(),
        years: c.years.clone(),
        tables,
        all_indicators: key_indicators::ALL
            .iter()
            .map(|k| (k.code, k.label, c.indicators.iter().any(|i| i.code == k.code)))
            .collect(),
        all_townships: everyone
            .list
            .iter()
            .map(|t| (t.id, t.name.clone(), q.orgs.trim().is_empty() || c.townships.get(t.id).is_some()))
            .collect(),
        from: c.years.first().copied().unwrap_or_default(),
        to: c.years.last().copied().unwrap_or_default(),
        selectable,
        export_href: format!("/cockpit/compare/export?{}", keep(&c)),
        min_cases: c.min_cases,
    }
    .into_response())
}

/// The comparison as a workbook: a sheet per year, a row per township (and the total), a column
/// per indicator — a rate followed by the two counts behind it.
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let c = comparison(&state, &caller, &CompareQuery::parse(raw)).await?;
    let bytes = comparison_workbook(&c).map_err(|e| PageError::from(StoreError::Internal(e.to_string())))?;
    let name = format!(
        "法治建设指标对比-{}-{}年.xlsx",
        c.years.first().copied().unwrap_or_default(),
        c.years.last().copied().unwrap_or_default()
    );
    Ok(crate::respond::xlsx_download(&name, bytes))
}

fn comparison_workbook(c: &Comparison) -> Result<Vec<u8>, fazhi_office::xlsx::OfficeError> {
    let mut headers: Vec<String> = vec!["乡镇（街道）".into()];
    for k in &c.indicators {
        match k.measure {
            Measure::Count(_) => headers.push(format!("{}（{}）", k.label, k.unit)),
            Measure::Rate { part, whole, .. } => {
                headers.push(format!("{}（%）", k.label));
                for id in [part, whole] {
                    let label = key_indicators::figure_label(k.kind, id).unwrap_or_default();
                    headers.push(format!("{label}（件）"));
                }
            }
        }
    }
    headers.push("据报告的指标".into());
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    // Which figures of a row a filed report states rather than the ledgers count.
    let reported = |townships: &[i64], year: i32| -> Cell {
        let labels: Vec<&str> = c
            .indicators
            .iter()
            .filter(|k| {
                townships.iter().any(|t| {
                    c.figures.from_report(*t, k.kind, year).is_some()
                        && Value::of(&c.figures, k, *t, year) != Value::Missing
                })
            })
            .map(|k| k.label)
            .collect();
        if labels.is_empty() { Cell::Empty } else { Cell::Text(labels.join("、")) }
    };
    let mut writer: Option<TableWriter> = None;
    for year in &c.years {
        let name = format!("{year}年");
        match writer.as_mut() {
            None => writer = Some(TableWriter::new(&name, &headers)?),
            Some(w) => w.add_sheet(&name, &headers)?,
        }
        let w = writer.as_mut().expect("started above");
        let cells = |values: Vec<Value>| -> Vec<Cell> {
            let mut out = Vec::new();
            for (k, v) in c.indicators.iter().zip(values) {
                match (k.measure, v) {
                    (Measure::Count(_), Value::Count(n)) => out.push(Cell::Integer(n)),
                    (Measure::Count(_), _) => out.push(Cell::Text("无记录".into())),
                    (Measure::Rate { .. }, Value::Rate { part, whole }) => {
                        out.push(percent(part, whole).map_or(Cell::Text("无案件".into()), Cell::Percent));
                        out.push(Cell::Integer(part));
                        out.push(Cell::Integer(whole));
                    }
                    (Measure::Rate { .. }, _) => {
                        out.extend([Cell::Text("无记录".into()), Cell::Empty, Cell::Empty]);
                    }
                }
            }
            out
        };
        for t in &c.townships.list {
            let mut row = vec![Cell::Text(t.name.clone())];
            row.extend(cells(c.indicators.iter().map(|k| Value::of(&c.figures, k, t.id, *year)).collect()));
            row.push(reported(&[t.id], *year));
            w.push(&row)?;
        }
        if c.townships.list.len() > 1 {
            let mut row = vec![Cell::Text("合计".into())];
            row.extend(cells(
                c.indicators
                    .iter()
                    .map(|k| Value::sum(c.townships.list.iter().map(|t| Value::of(&c.figures, k, t.id, *year))))
                    .collect(),
            ));
            let all: Vec<i64> = c.townships.list.iter().map(|t| t.id).collect();
            row.push(reported(&all, *year));
            w.push(&row)?;
        }
    }
    match writer {
        Some(w) => w.finish(),
        None => TableWriter::new("对比", &headers)?.finish(),
    }
}
