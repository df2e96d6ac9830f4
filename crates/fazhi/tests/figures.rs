//! Every figure of a generated township-year equals a count made by hand from its records, by the
//! rule written beside each indicator in the declarations, and lists exactly those records; the
//! year a drafted report would state.

mod common;

use std::collections::BTreeSet;

use common::TestApp;
use fazhi_domain::ledger::{Values, split_refs, text};
use fazhi_domain::ledgers;
use fazhi_store::ledger::{self, ListFilter};
use fazhi_store::{Scope, indicators};

#[tokio::test]
async fn each_figure_of_a_generated_year_equals_a_hand_count_of_its_records() {
    let app = TestApp::spawn().await;
    let villages = ["杉岭村"];
    fazhi_store::demo::generate_history(&app.db, app.orgs.township, "SL", &villages, 7, 1.0).await.unwrap();
    let all = Scope::everything();
    for year in [2021, 2022, 2023] {
        let figures = indicators::for_year(&app.db, &all, app.orgs.township, year).await.unwrap();
        for kind in ledgers::ALL {
            // Every record of the kind in the township, read page by page.
            let mut records: Vec<(i64, String, Values)> = Vec::new();
            for page in 1.. {
                let filter = ListFilter { page, page_size: 200, ..Default::default() };
                let items = ledger::list(&app.db, &all, kind, &filter).await.unwrap().page.items;
                if items.is_empty() {
                    break;
                }
                records.extend(
                    items.into_iter().filter(|r| r.org_id == app.orgs.township).map(|r| (r.id, r.state, r.values)),
                );
            }
            for feed in kind.indicators {
                let counted: Vec<&(i64, String, Values)> = records
                    .iter()
                    .filter(|(_, state, values)| feed.adds(kind, state, values, year).is_some())
                    .collect();
                let mut ids: Vec<i64> = counted.iter().map(|(id, _, _)| *id).collect();
                ids.sort_unstable();
                let value = match feed.distinct {
                    Some(key) => {
                        let names: BTreeSet<&str> =
                            counted.iter().flat_map(|(_, _, v)| split_refs(text(v, key))).collect();
                        // Never more than the township's villages: the test township has one, 杉岭村.
                        (names.len() as i64).min(1)
                    }
                    None => counted.iter().map(|(_, state, v)| feed.adds(kind, state, v, year).unwrap()).sum(),
                };
                let figure = figures.iter().find(|f| f.id == feed.id && f.kind == kind.code).unwrap();
                assert_eq!(figure.value, value, "{year} {} {}", kind.code, feed.id);
                assert_eq!(
                    figure.records, ids,
                    "{year} {} {}: the records listed are those counted",
                    kind.code, feed.id
                );
            }
        }
    }
    // A repeat petition is counted once, with its original.
    let petitions = indicators::for_year(&app.db, &all, app.orgs.township, 2023).await.unwrap();
    let total = petitions.iter().find(|f| f.id == "petitions.total").unwrap();
    assert!(total.value > 50, "the seeds' volumes: {}", total.value);
}

/// Every figure a drafted report states comes from an indicator some ledger kind declares (or is
/// computed from them, as a pass rate is): a renamed indicator cannot leave the draft stating 0.
#[test]
fn every_figure_the_draft_states_is_declared_by_a_ledger() {
    use fazhi_report::draft::{Facts, draft};
    let declared: BTreeSet<&str> = ledgers::ALL.iter().flat_map(|k| k.indicators.iter().map(|f| f.id)).collect();
    // Every figure non-zero, so every clause that states one is written.
    let figures = declared.iter().map(|id| (id.to_string(), 7)).collect();
    let facts = Facts {
        issuer: "杉岭乡人民政府".into(),
        year: 2025,
        figures,
        shortcomings: Vec::new(),
        open_problems: declared
            .iter()
            .filter(|id| id.starts_with("supervision.open."))
            .map(|id| (id.to_string(), "依法决策".to_owned(), 7))
            .collect(),
        signed_on: (2026, 1, 15),
        previous_sources: Default::default(),
    };
    let stated: BTreeSet<String> = draft(&facts).figures().map(|(id, _, _)| id.to_owned()).collect();
    let computed = ["study.exam_pass_rate"];
    let undeclared: Vec<&String> =
        stated.iter().filter(|id| !declared.contains(id.as_str()) && !computed.contains(&id.as_str())).collect();
    assert!(undeclared.is_empty(), "{undeclared:?}");
    assert!(stated.len() > 40, "{stated:?}");
}

/// Every indicator the checker can find in a report's text has words to show it by (a ledger's
/// indicator label or one of the rates reports state): the side-by-side page never shows an id.
#[test]
fn every_figure_the_checker_extracts_has_chinese_words() {
    let source = include_str!("../../fazhi-report/src/indicators.rs");
    let ids: BTreeSet<&str> = source
        .split("Some(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| id.contains('.'))
        .collect();
    assert!(ids.len() > 30, "{ids:?}");
    let unnamed: Vec<&&str> = ids
        .iter()
        .filter(|id| {
            fazhi_domain::key_indicators::indicator_label(id).is_none()
                && !fazhi_report::indicators::REPORT_ONLY.iter().any(|(rate, _)| rate == *id)
        })
        .collect();
    assert!(unnamed.is_empty(), "no words for {unnamed:?}");
}
