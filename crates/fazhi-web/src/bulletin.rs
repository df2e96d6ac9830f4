//! The district's 督察通报 between the supervision records and the report engine: the facts of a
//! period counted from the 督察问题 records and the townships' annual reports, the draft written
//! from them (`fazhi_report::bulletin`), and its files. Pages share these.

use chrono::{Datelike, NaiveDate};
use fazhi_domain::ledgers::supervision_problems::{CATEGORY_LABELS, KIND};
use fazhi_office::xlsx::{Cell, TableWriter};
use fazhi_report::bulletin::{self, BulletinFacts, BulletinPeriod, TownshipCounts};
use fazhi_report::draft::Draft;
use fazhi_store::ledger::{self, ListFilter};
use fazhi_store::{Actor, Db, Scope, StoreError, bulletins, district, orgs};

/// 演示区 → 演示区全面依法治区委员会办公室.
pub fn issuer(district: &str) -> String {
    let seat = if district.ends_with('县') { "县" } else { "区" };
    format!("{district}全面依法治{seat}委员会办公室")
}

/// Whether a figure of a record counts, by the 督察问题 kind's own declaration of it.
fn counts(indicator: &str, state: &str, values: &fazhi_domain::ledger::Values) -> bool {
    KIND.indicators.iter().find(|f| f.id == indicator).is_some_and(|f| (f.counts)(state, values))
}

/// The facts of a district (its scope and name) for a period, counted from the records now.
pub async fn facts(
    db: &Db,
    scope: &Scope,
    district: &str,
    period: BulletinPeriod,
) -> Result<BulletinFacts, StoreError> {
    let scope = scope.clone();
    let townships: Vec<(i64, String)> =
        orgs::list(db, &scope).await?.into_iter().filter(|o| o.kind().is_township()).map(|o| (o.id, o.name)).collect();
    let (first, last) = period.months();
    let mut problems = Vec::new();
    for page in 1..=50 {
        let filter = ListFilter { year: Some(period.year), page, page_size: 200, ..Default::default() };
        let listed = ledger::list(db, &scope, &KIND, &filter).await?;
        let done = listed.page.items.len() < 200;
        problems.extend(listed.page.items.into_iter().filter(|r| {
            fazhi_domain::ledger::date(&r.values, "assigned_on").is_some_and(|d| (first..=last).contains(&d.month()))
        }));
        if done {
            break;
        }
    }
    let rows = townships
        .iter()
        .map(|(id, name)| {
            let mine: Vec<&ledger::RecordView> = problems.iter().filter(|r| r.org_id == *id).collect();
            let n = |indicator: &str| mine.iter().filter(|r| counts(indicator, &r.state, &r.values)).count() as i64;
            TownshipCounts {
                org_id: *id,
                name: name.clone(),
                raised: n("supervision.problems_raised"),
                rectified: n("supervision.rectified"),
                on_time: n("supervision.rectified_on_time"),
                overdue: n("supervision.overdue"),
                listed: n("supervision.listed"),
            }
        })
        .collect();
    let by_category = CATEGORY_LABELS
        .iter()
        .map(|c| {
            let n = problems.iter().filter(|r| fazhi_domain::ledger::text(&r.values, "category") == *c).count();
            ((*c).to_owned(), n as i64)
        })
        .collect();
    // The year before's reports fall due by 31 March: a year's or the first half's bulletin says how they went.
    let today = fazhi_store::beijing_today();
    let (mut reports_late, mut reports_returned) = (Vec::new(), Vec::new());
    if period.quarter.is_none_or(|q| q <= 2) {
        let due = NaiveDate::from_ymd_opt(period.year, 3, 31).expect("a date");
        let standings = district::reports_of_year(db, &scope, period.year - 1).await?;
        for (id, name) in &townships {
            let r = standings.iter().find(|r| r.org_id == *id);
            let reported = r.and_then(|r| r.reported_at).map(|t| (t + chrono::Duration::hours(8)).date_naive());
            if reported.map_or(today > due, |d| d > due) {
                reports_late.push(name.clone());
            }
            if r.is_some_and(|r| r.state == "returned") {
                reports_returned.push(name.clone());
            }
        }
    }
    // The key counts of the overview (the supervision's own are stated above), summed over the townships.
    let wanted: Vec<(&str, &str)> = fazhi_domain::key_indicators::ALL
        .iter()
        .filter(|k| k.kind != KIND.code)
        .filter_map(|k| match k.measure {
            fazhi_domain::key_indicators::Measure::Count(id) => Some((k.kind, id)),
            _ => None,
        })
        .collect();
    let all = district::Townships::of(db, &scope).await?;
    let sums = district::figures(db, &scope, &all, &wanted, period.year..=period.year).await?;
    let key_figures = fazhi_domain::key_indicators::ALL
        .iter()
        .filter(|k| k.kind != KIND.code)
        .filter_map(|k| {
            let fazhi_domain::key_indicators::Measure::Count(id) = k.measure else { return None };
            let values: Vec<i64> = all.list.iter().filter_map(|t| sums.value(t.id, k.kind, id, period.year)).collect();
            (!values.is_empty()).then(|| (id.to_owned(), k.label.to_owned(), k.unit.to_owned(), values.iter().sum()))
        })
        .collect();
    Ok(BulletinFacts {
        key_figures,
        issuer: issuer(district),
        district: district.to_owned(),
        period: Some(period),
        townships: rows,
        by_category,
        reports_late,
        reports_returned,
        signed_on: (today.year(), today.month(), today.day()),
    })
}

pub fn parse_body(json: &str) -> Result<Draft, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Internal(format!("督察通报的内容已损坏：{e}")))
}

/// The bulletin's tables as a workbook: each township's figures as the text states them.
pub fn xlsx(draft: &Draft, township_names: &[(i64, String)]) -> Result<Vec<u8>, StoreError> {
    let mut headers = vec!["乡镇（街道）"];
    headers.extend(bulletin::LINE.iter().map(|(_, words)| words.trim_start_matches("其中")));
    let office = |e: fazhi_office::xlsx::OfficeError| StoreError::Internal(e.to_string());
    let mut w = TableWriter::new("各乡镇问题整改情况", &headers).map_err(office)?;
    let figures: std::collections::BTreeMap<&str, i64> = draft.figures().map(|(id, v, _)| (id, v)).collect();
    for (org_id, name) in township_names {
        let values: Vec<i64> = bulletin::LINE
            .iter()
            .map(|(indicator, _)| {
                figures.get(bulletin::township_figure(indicator, *org_id).as_str()).copied().unwrap_or(0)
            })
            .collect();
        if values.iter().all(|v| *v == 0) {
            continue;
        }
        let mut cells = vec![Cell::Text(name.clone())];
        cells.extend(values.into_iter().map(Cell::Integer));
        w.push(&cells).map_err(office)?;
    }
    let mut total = vec![Cell::Text("合计".into())];
    total.extend(bulletin::LINE.iter().map(|(id, _)| Cell::Integer(figures.get(id).copied().unwrap_or(0))));
    w.push(&total).map_err(office)?;
    w.finish().map_err(office)
}

/// The demo district's 2023 bulletin, drafted from the demo's problems and issued by its
/// supervisor, as the district would have done in January 2024.
pub async fn demo(db: &Db) -> Result<(), StoreError> {
    let supervisor = fazhi_store::users::find_by_username(db, "supervisor").await?;
    let Some(p) = fazhi_store::users::principal_by_id(db, supervisor.id).await? else { return Ok(()) };
    let period = BulletinPeriod { year: 2023, quarter: None };
    let mut f = facts(db, &p.scope(), &p.org_name, period).await?;
    f.signed_on = (2024, 1, 19);
    let body = serde_json::to_string(&bulletin::draft(&f)).expect("a draft serializes");
    let actor =
        Actor { user_id: Some(p.user_id), name: format!("{}(演示数据)", p.display_name), ip: "local".into() };
    let b = bulletins::create(db, &actor, &p.scope(), p.org_id, &period.code(), &body).await?;
    if !b.issued() {
        bulletins::save(db, &actor, &p.scope(), b.id, b.version, &body, true).await?;
    }
    Ok(())
}
