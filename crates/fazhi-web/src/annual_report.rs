//! The annual report's work, between the ledgers and the report engine: the facts of a township's
//! year counted from its ledgers (figures, and the shortcomings the deadlines show), the draft the
//! engine writes from them, a saved draft's figures brought up to date, and the checker run before
//! submission. Pages, the API and the command line share these.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use fazhi_domain::role::Role;
use fazhi_report::draft::{self, Draft, Facts};
use fazhi_store::annual_reports::{ReportRow, Step};
use fazhi_store::{Actor, Db, Scope, StoreError, annual_reports, indicators, ledger, orgs};

/// The issuing body as a report signs: 杉岭乡 → 杉岭乡人民政府, 城关街道 → 城关街道办事处.
pub fn issuer(org_name: &str) -> String {
    let name = org_name.trim();
    if name.ends_with("人民政府") || name.ends_with("办事处") {
        name.to_owned()
    } else if name.ends_with("街道") {
        format!("{name}办事处")
    } else {
        format!("{name}人民政府")
    }
}

/// The facts of a township's year, counted from its ledgers now.
pub async fn facts(
    db: &Db,
    scope: &Scope,
    org_id: i64,
    year: i32,
) -> Result<(Facts, Vec<indicators::Figure>), StoreError> {
    let org = orgs::get(db, scope, org_id).await?;
    let figures = indicators::for_year(db, scope, org_id, year).await?;
    let mut values: BTreeMap<String, i64> = BTreeMap::new();
    for f in &figures {
        *values.entry(f.id.to_owned()).or_default() += f.value;
    }
    // What went wrong, as the deadlines show it: limits of the year still open past their day.
    let today = fazhi_store::beijing_today();
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).expect("a year");
    let rules = fazhi_store::rules::current(db).await?;
    // The township's own deadlines and lists, counted only: nothing personal is read.
    let org_scope = Scope::masked(&org.path);
    let (due, _) =
        ledger::due_by(db, &org_scope, today, today.min(year_end), 10_000, None, &Default::default(), &rules.ctx())
            .await?;
    let mut late: BTreeMap<String, i64> = BTreeMap::new();
    for item in due.iter().filter(|d| d.overdue && d.due.year() == year) {
        *late.entry(format!("{}“{}”逾期未办结的事项", item.kind_label, item.label)).or_default() += 1;
    }
    let mut shortcomings: Vec<(String, i64)> = late.into_iter().collect();
    // Certificates the cleanup lists: expired, about to expire, officers short of training.
    for (list, found) in
        ledger::watched(db, &org_scope, &fazhi_domain::ledgers::enforcement_officers::KIND, today, &rules.ctx()).await?
    {
        let what = match list.code {
            "expired" => "执法证已过有效期未注销或换证的人员",
            "expiring" => "执法证将在三个月内到期的人员",
            _ => "上一年度培训学时不足的执法人员",
        };
        if !found.is_empty() {
            shortcomings.push((what.to_owned(), found.len() as i64));
        }
    }
    let empty = figures
        .iter()
        .filter(|f| {
            matches!(f.id, "decisions.count" | "normative_documents.count" | "study.sessions" | "publicity.events")
        })
        .filter(|f| f.value == 0)
        .count() as i64;
    if empty > 0 {
        shortcomings.push(("全年台账中没有记录的重点工作".into(), empty));
    }
    let signed = if today.year() > year { today } else { NaiveDate::from_ymd_opt(year + 1, 1, 15).expect("a date") };
    let (previous, previous_sources) = previous_year(db, scope, org_id, year - 1).await?;
    let open_problems = open_problems(&values);
    values.extend(previous);
    Ok((
        Facts {
            issuer: issuer(&org.name),
            year,
            open_problems,
            figures: values,
            shortcomings,
            signed_on: (signed.year(), signed.month(), signed.day()),
            previous_sources,
        },
        figures,
    ))
}

/// The year before's figures, for the draft's comparisons (under `draft::previous_id`), as the
/// district reads them (`district::Figures`, the one place that decides between the ledgers and a
/// filed report, docs/archive.md), with a filed report named as the source of those it gives.
async fn previous_year(
    db: &Db,
    scope: &Scope,
    org_id: i64,
    year: i32,
) -> Result<(BTreeMap<String, i64>, BTreeMap<String, String>), StoreError> {
    let mut townships = fazhi_store::district::Townships::of(db, scope).await?;
    townships.list.retain(|t| t.id == org_id);
    let wanted: Vec<(&str, &str)> =
        fazhi_domain::ledgers::ALL.iter().flat_map(|k| k.indicators.iter().map(move |f| (k.code, f.id))).collect();
    let figures = fazhi_store::district::figures(db, scope, &townships, &wanted, year..=year).await?;
    let (mut values, mut sources) = (BTreeMap::new(), BTreeMap::new());
    // The ledgers' counts first, summed over the kinds that feed a figure; a report's figure
    // (one per indicator, whatever kinds feed it) only where no ledger gives one.
    let (counted, reported): (Vec<_>, Vec<_>) =
        wanted.into_iter().partition(|(kind, _)| figures.from_report(org_id, kind, year).is_none());
    for (kind, id) in counted {
        if let Some(value) = figures.value(org_id, kind, id, year) {
            *values.entry(draft::previous_id(id)).or_default() += value;
        }
    }
    for (kind, id) in reported {
        let key = draft::previous_id(id);
        if let (Some(value), false) = (figures.value(org_id, kind, id, year), values.contains_key(&key)) {
            values.insert(key, value);
            sources.insert(id.to_owned(), format!("{year}年度报告"));
        }
    }
    Ok((values, sources))
}

/// The year's problems raised by the district and still open, by category, as the draft states
/// them: each category's figure, as the 督察问题 kind declares it.
fn open_problems(figures: &BTreeMap<String, i64>) -> Vec<(String, String, i64)> {
    use fazhi_domain::ledgers::supervision_problems::{CATEGORY_LABELS, KIND};
    KIND.indicators
        .iter()
        .filter(|f| f.id.starts_with("supervision.open."))
        .zip(CATEGORY_LABELS)
        .map(|(f, category)| (f.id.to_owned(), (*category).to_owned(), figures.get(f.id).copied().unwrap_or(0)))
        .collect()
}

pub fn parse_body(json: &str) -> Result<Draft, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Internal(format!("年度报告的内容已损坏：{e}")))
}

pub fn body_json(draft: &Draft) -> String {
    serde_json::to_string(draft).expect("a draft serializes")
}

/// A new draft from the ledgers.
pub async fn new_draft(db: &Db, scope: &Scope, org_id: i64, year: i32) -> Result<Draft, StoreError> {
    let (facts, _) = facts(db, scope, org_id, year).await?;
    Ok(draft::draft(&facts))
}

/// An edited draft as the editor sent it, checked against the ledgers: its parts must be the five
/// statutory parts in order, and a figure not marked as typed by hand takes the ledgers' value, so
/// none is overwritten silently.
pub async fn accept_edit(
    db: &Db,
    scope: &Scope,
    report: &annual_reports::ReportRow,
    json: &str,
) -> Result<Draft, StoreError> {
    let mut edited: Draft = serde_json::from_str(json)
        .map_err(|_| StoreError::invalid("body", "报告内容格式不正确，请刷新页面后重新编辑"))?;
    let saved = parse_body(&report.body_json)?;
    let kinds = |d: &Draft| d.parts.iter().map(|p| p.kind).collect::<Vec<_>>();
    if kinds(&edited) != kinds(&saved) {
        return Err(StoreError::invalid("body", "报告的五个部分不能删除或调换顺序"));
    }
    if edited.title.trim().is_empty() {
        return Err(StoreError::invalid("title", "请填写报告标题"));
    }
    // A figure refers to an indicator the draft already states: the editor moves figures and
    // marks them as typed, it does not invent references.
    let known: std::collections::BTreeSet<&str> = saved.figures().map(|f| f.0).collect();
    if let Some((id, _, _)) = edited.figures().find(|f| !known.contains(f.0)) {
        return Err(StoreError::invalid(
            "body",
            format!("报告中的数字引用“{id}”不是本报告的指标，请刷新页面后重新编辑"),
        ));
    }
    let (facts, _) = facts(db, scope, report.org_id, report.year).await?;
    edited.refresh(&facts);
    Ok(edited)
}

/// The checker's findings on a draft's text.
pub fn check(draft: &Draft) -> fazhi_report::Report {
    fazhi_report::check_text("年度报告", &draft.to_text())
}

/// Whether the caller works in a township (clerk, leader, adviser) rather than at the district:
/// the township's people see its report at every stage and unmasked.
pub fn is_township_user(caller: &crate::auth::Caller) -> bool {
    caller.principal.roles.any_of(&[Role::Clerk, Role::Leader, Role::Adviser])
}

/// Whether the caller may read a report (in scope already): a township's people their own at
/// every stage, the district once it was reported to it or published.
pub fn may_read(caller: &crate::auth::Caller, report: &ReportRow) -> bool {
    is_township_user(caller) || report.reported_at.is_some() || report.published_at.is_some()
}

/// Starts a township's report for a year with a draft from its ledgers.
pub async fn start(db: &Db, actor: &Actor, scope: &Scope, org_id: i64, year: i32) -> Result<ReportRow, StoreError> {
    if let Some(r) = annual_reports::find(db, scope, org_id, year).await? {
        return Ok(r);
    }
    let draft = new_draft(db, scope, org_id, year).await?;
    annual_reports::create(db, actor, scope, org_id, year, &body_json(&draft)).await
}

/// Saves an edited draft (`accept_edit`).
pub async fn save(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    report: &ReportRow,
    version: i64,
    json: &str,
) -> Result<ReportRow, StoreError> {
    let edited = accept_edit(db, scope, report, json).await?;
    annual_reports::save(db, actor, scope, report.id, version, &body_json(&edited)).await
}

/// Takes a step of a report's procedure. Submission saves the draft with the ledgers' figures now
/// and is refused while the checker finds an error; publication fixes the approved text with
/// personal data masked.
pub async fn take_step(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    report: &ReportRow,
    version: i64,
    step: Step,
    comment: Option<&str>,
) -> Result<ReportRow, StoreError> {
    let mut version = version;
    let mut public = None;
    match step {
        Step::Submit => {
            let mut draft = parse_body(&report.body_json)?;
            let (facts, _) = facts(db, scope, report.org_id, report.year).await?;
            if draft.refresh(&facts) > 0 {
                version = annual_reports::save(db, actor, scope, report.id, version, &body_json(&draft)).await?.version;
            }
            let errors =
                check(&draft).diagnostics.iter().filter(|d| d.severity == fazhi_report::Severity::Error).count();
            if errors > 0 {
                return Err(StoreError::Refused {
                    rule: Some("report-check"),
                    message: format!("报告检查发现 {errors} 处错误，请按各段旁的提示修改后再提交审核"),
                });
            }
        }
        Step::Publish => {
            let versions = annual_reports::versions(db, scope, report.id).await?;
            let approved = versions.iter().find(|v| Some(v.number) == report.approved_number).ok_or_else(|| {
                StoreError::Refused { rule: None, message: "报告尚未审核通过，不能公开".into() }
            })?;
            let names = ledger::personal_names(db, scope, report.org_id).await?;
            public = Some(body_json(&crate::export::masked_with(&parse_body(&approved.body_json)?, &names)));
        }
        _ => {}
    }
    annual_reports::take(db, actor, scope, report.id, version, step, comment, public.as_deref()).await
}
