//! The ledger engine's storage on a real database (SQLite, or PostgreSQL when
//! FAZHI_TEST_DATABASE_URL is set): a refused step stores nothing, a stale version is a conflict,
//! and unified numbers come out consecutive under concurrent requests, from one pool or two.

mod common;

use std::collections::BTreeMap;

use common::TestApp;
use fazhi_domain::calendar::Calendar;
use fazhi_domain::ledger::{ActorFacts, Context, Settings, text};
use fazhi_domain::ledgers::{decisions, normative_documents};
use fazhi_domain::role::Role;
use fazhi_store::ledger::{self, ListFilter};
use fazhi_store::{Actor, Db, Scope, StoreError};

const CLERK: ActorFacts<'static> = ActorFacts { name: "李经办", roles: &[Role::Clerk], principal_leader: false };

fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn actor() -> Actor {
    Actor { user_id: None, name: "测试".into(), ip: "127.0.0.1".into() }
}

async fn audit_count(db: &Db) -> u64 {
    fazhi_store::audit::verify(db).await.unwrap().checked
}

#[tokio::test]
async fn a_refused_step_stores_nothing_and_a_stale_version_conflicts() {
    let app = TestApp::spawn().await;
    let (calendar, settings) = (Calendar::shipped(), Settings::default());
    let ctx = Context::new(&calendar, &settings);
    let kind = &decisions::KIND;
    let scope = Scope::everything();

    let bad =
        ledger::create(&app.db, &actor(), &scope, kind, app.orgs.township, &input(&[("title", "事项")]), &ctx).await;
    let Err(StoreError::Fields(errors)) = bad else { panic!("{bad:?}") };
    assert!(errors.iter().any(|e| e.field == "lead_unit"));

    let r = ledger::create(
        &app.db,
        &actor(),
        &scope,
        kind,
        app.orgs.township,
        &input(&[("title", "集镇污水管网建设"), ("catalogue_year", "2026"), ("lead_unit", "村镇建设办")]),
        &ctx,
    )
    .await
    .unwrap();
    let before = audit_count(&app.db).await;
    let refused = ledger::take(
        &app.db,
        &actor(),
        CLERK,
        &scope,
        kind,
        r.id,
        r.version,
        "publish_draft",
        &input(&[("draft_published_on", "2026-03-02"), ("comment_days", "10")]),
        &ctx,
    )
    .await;
    let Err(StoreError::Refused { rule, message }) = refused else { panic!("{refused:?}") };
    assert_eq!(rule, Some("zdjc_public_comment"));
    assert!(message.contains("第十五条"), "{message}");
    let unchanged = ledger::get(&app.db, &scope, kind, r.id).await.unwrap();
    assert_eq!((unchanged.state.as_str(), unchanged.version), ("drafting", 1));
    assert!(!unchanged.values.contains_key("draft_published_on"));
    assert_eq!(audit_count(&app.db).await, before, "no audit record for a refused step");

    let ok = input(&[("draft_published_on", "2026-03-02"), ("comment_days", "30")]);
    let moved =
        ledger::take(&app.db, &actor(), CLERK, &scope, kind, r.id, 1, "publish_draft", &ok, &ctx).await.unwrap();
    assert_eq!((moved.state.as_str(), moved.version), ("consulting", 2));
    let stale = ledger::take(&app.db, &actor(), CLERK, &scope, kind, r.id, 1, "publish_draft", &ok, &ctx).await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");

    // Another township's clerk does not see it.
    let other = fazhi_store::orgs::get(&app.db, &Scope::everything(), app.orgs.other_township).await.unwrap();
    let their_scope = Scope::masked(&other.path);
    assert!(matches!(ledger::get(&app.db, &their_scope, kind, r.id).await, Err(StoreError::NotFound)));
    let listed =
        ledger::list(&app.db, &their_scope, kind, &ListFilter { page: 1, page_size: 50, ..Default::default() })
            .await
            .unwrap();
    assert_eq!(listed.page.total, 0);
    let mine = ledger::list(
        &app.db,
        &scope,
        kind,
        &ListFilter {
            query: fazhi_domain::search::SearchWords::parse("污水").unwrap(),
            page: 1,
            page_size: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(mine.page.total, 1);
}

/// Fifty documents registered at once, half through a second connection pool (a second server
/// instance on the same database), get the numbers 1 to 50 of their township and year.
#[tokio::test]
async fn fifty_concurrent_registrations_get_fifty_consecutive_numbers() {
    let app = TestApp::spawn().await;
    let second = app.test_db.connect().await;
    let mut records = Vec::new();
    for n in 0..50 {
        records.push(common::signed_document(&app.db, app.orgs.township, &format!("测试规范性文件{n}"), 2026).await);
    }
    let mut tasks = Vec::new();
    for (n, r) in records.into_iter().enumerate() {
        let db = if n % 2 == 0 { app.db.clone() } else { second.clone() };
        tasks.push(tokio::spawn(async move {
            let (calendar, settings) = (Calendar::shipped(), Settings::default());
            let ctx = Context::new(&calendar, &settings);
            ledger::take(
                &db,
                &actor(),
                CLERK,
                &Scope::everything(),
                &normative_documents::KIND,
                r.id,
                r.version,
                "register",
                &BTreeMap::new(),
                &ctx,
            )
            .await
            .map(|r| text(&r.values, "doc_number").to_owned())
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap().unwrap());
    }
    let org = fazhi_store::orgs::get(&app.db, &Scope::everything(), app.orgs.township).await.unwrap();
    let prefix = normative_documents::KIND.numbering.unwrap().prefix(&org.name);
    let mut sequences: Vec<i64> = numbers
        .iter()
        .map(|n| {
            let rest = n.strip_prefix(&format!("{prefix}〔2026〕")).unwrap_or_else(|| panic!("{n}"));
            rest.trim_end_matches('号').parse().unwrap()
        })
        .collect();
    sequences.sort();
    assert_eq!(sequences, (1..=50).collect::<Vec<i64>>());
}

/// A search finds any part of any text of a record, not only its name; Latin letters in any case.
#[tokio::test]
async fn a_search_finds_a_record_by_any_of_its_words() {
    let app = TestApp::spawn().await;
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let kind = &decisions::KIND;
    let scope = Scope::everything();
    for (title, unit) in [("集镇污水管网建设", "村镇建设办"), ("敬老院改扩建", "社会事务办"), ("LED路灯更换", "党政办")]
    {
        let fields = input(&[("title", title), ("catalogue_year", "2026"), ("lead_unit", unit)]);
        ledger::create(&app.db, &actor(), &scope, kind, app.orgs.township, &fields, &rules.ctx()).await.unwrap();
    }
    let found = |words: &'static str| {
        let db = app.db.clone();
        let scope = scope.clone();
        async move {
            let filter = ListFilter {
                query: fazhi_domain::search::SearchWords::parse(words).unwrap(),
                page: 1,
                page_size: 50,
                ..Default::default()
            };
            let page = ledger::list(&db, &scope, kind, &filter).await.unwrap();
            page.page.items.into_iter().map(|r| r.title).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("社会事务").await, ["敬老院改扩建"], "by the lead unit, part of a word");
    assert_eq!(found("管网").await, ["集镇污水管网建设"]);
    assert_eq!(found("led").await, ["LED路灯更换"]);
    assert!(found("卫生院").await.is_empty());
}

/// Two townships with generated years (seeds and scale given), and the two scopes that read them:
/// the whole district, and the first township.
async fn two_townships_with_years(seeds: [u64; 2], scale: f64) -> (TestApp, [(&'static str, Scope); 2]) {
    let app = TestApp::spawn().await;
    let o = app.orgs;
    for (org, code, seed) in [(o.township, "01", seeds[0]), (o.other_township, "02", seeds[1])] {
        fazhi_store::demo::generate_history(&app.db, org, code, &["一村"], seed, scale).await.unwrap();
    }
    let all_orgs = fazhi_store::orgs::list(&app.db, &Scope::everything()).await.unwrap();
    let township = all_orgs.iter().find(|v| v.id == o.township).unwrap().path.clone();
    let scopes = [
        ("the district", Scope::everything()),
        ("a township", Scope { org_path: township, personal: fazhi_store::PersonalData::OwnTownship }),
    ];
    (app, scopes)
}

/// A list in its usual order — open records first, then those at rest, each newest first — is the
/// same page by page whether the whole district or one township reads it, for every kind: the
/// two walks that read it agree with one sort of every record.
#[tokio::test]
async fn lists_put_open_records_first_then_those_at_rest_newest_first_page_by_page() {
    let (app, scopes) = two_townships_with_years([1, 2], 0.2).await;
    let mut compared = 0;
    for kind in fazhi_domain::ledgers::ALL.iter().filter(|k| !k.resting.is_empty()) {
        for (whose, scope) in &scopes {
            let read = async |sort: ledger::Sort, page_size: u64| {
                let mut out = Vec::new();
                for page in 1.. {
                    let filter = ListFilter { sort, page, page_size, ..Default::default() };
                    let items = ledger::list(&app.db, scope, kind, &filter).await.unwrap().page.items;
                    if items.is_empty() {
                        return out;
                    }
                    out.extend(items.into_iter().map(|r| (r.id, r.state)));
                }
                out
            };
            let newest = read(ledger::Sort::Newest, 200).await;
            let (mut open, at_rest): (Vec<_>, Vec<_>) =
                newest.into_iter().partition(|(_, s)| !kind.resting.contains(&s.as_str()));
            open.extend(at_rest);
            let expected: Vec<i64> = open.into_iter().map(|(id, _)| id).collect();
            let listed: Vec<i64> = read(ledger::Sort::OpenFirst, 7).await.into_iter().map(|(id, _)| id).collect();
            assert_eq!(listed, expected, "{whose}: {}", kind.label);
            compared += usize::from(expected.len() > 7);
        }
    }
    assert!(compared >= 10, "lists of several pages compared: {compared}");
}

/// 我的待办's list of records waiting (`ledger::waiting`) is merged and cut in one query over every
/// kind: the pairs listed first come first, then the longest waiting, at most the limit in all. It
/// equals a plain reading of every record sorted that way, for the district and a township.
#[tokio::test]
async fn the_records_waiting_are_the_first_of_all_kinds_merged_in_order() {
    let (app, scopes) = two_townships_with_years([3, 4], 0.6).await;
    // Every kind's open states wanted; one state of one kind listed first.
    let wanted: Vec<(&str, Vec<&str>)> = fazhi_domain::ledgers::ALL
        .iter()
        .map(|k| (k.code, k.states.iter().map(|s| s.code).filter(|s| !k.resting.contains(s)).collect()))
        .collect();
    for (whose, scope) in &scopes {
        let mut every = Vec::new();
        for kind in fazhi_domain::ledgers::ALL.iter() {
            for page in 1.. {
                let filter = ListFilter { page, page_size: 200, ..Default::default() };
                let items = ledger::list(&app.db, scope, kind, &filter).await.unwrap().page.items;
                if items.is_empty() {
                    break;
                }
                every.extend(items.into_iter().filter(|r| !kind.resting.contains(&r.state.as_str())));
            }
        }
        let first_state = every.iter().find(|r| r.kind == decisions::KIND.code).expect("open decisions").state.clone();
        let first = [(decisions::KIND.code, first_state.as_str())];
        let listed_first = |r: &ledger::RecordView| r.kind == first[0].0 && r.state == first[0].1;
        every.sort_by_key(|r| (!listed_first(r), r.updated_at, r.id));
        assert!(every.len() > 25, "{whose}: records waiting {}", every.len());
        for limit in [1, 7, 25, 100] {
            let waiting = ledger::waiting(&app.db, scope, &wanted, &first, limit).await.unwrap();
            let found: Vec<(String, i64)> = waiting.iter().map(|w| (w.kind.clone(), w.id)).collect();
            let expected: Vec<(String, i64)> =
                every.iter().take(limit as usize).map(|r| (r.kind.clone(), r.id)).collect();
            assert_eq!(found, expected, "{whose}, the first {limit}");
        }
    }
}
