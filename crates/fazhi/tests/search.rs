//! The ledgers' search on a real database (SQLite, or PostgreSQL when FAZHI_TEST_DATABASE_URL is
//! set): the trigram index finds exactly what reading every record's texts finds, for words of
//! one, two, three and eight characters, after records are created and edited (before and after
//! the indexes take them in), and after the indexes are built again by the migration of a
//! database whose triggers wrote them; bad search text gets a Chinese message; the list marks the
//! words found.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::TestApp;
use fazhi_domain::ledgers::decisions;
use fazhi_domain::search::SearchWords;
use fazhi_store::ledger::{self, ListFilter};
use fazhi_store::{Actor, Scope};
use reqwest::Method;

fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn actor() -> Actor {
    Actor { user_id: None, name: "测试".into(), ip: "127.0.0.1".into() }
}

/// Words townships' decisions are written in, so generated texts share many two- and
/// three-character runs, as real ones do.
const WORDS: &[&str] = &[
    "集镇",
    "污水",
    "管网",
    "建设",
    "改造",
    "敬老院",
    "村道",
    "安全",
    "工资",
    "拖欠",
    "农村",
    "人居",
    "环境",
    "整治",
    "LED",
    "路灯",
    "社会",
    "事务",
    "办",
    "党政",
    "卫生",
    "健康",
    "防汛",
    "规划",
];

fn phrase(rng: &mut fastrand::Rng, words: usize) -> String {
    (0..words).map(|_| WORDS[rng.usize(..WORDS.len())]).collect()
}

/// What a plain reading of every record finds: the records of these organizations any of whose
/// texts holds the words.
fn scanned(records: &[(i64, i64, Vec<String>)], orgs: &[i64], words: &SearchWords) -> BTreeSet<i64> {
    records
        .iter()
        .filter(|(_, org, texts)| orgs.contains(org) && texts.iter().any(|t| t.to_lowercase().contains(words.as_str())))
        .map(|(id, _, _)| *id)
        .collect()
}

#[tokio::test]
async fn the_index_finds_what_reading_every_record_finds() {
    let app = TestApp::spawn().await;
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let kind = &decisions::KIND;
    let scope = Scope::everything();
    let mut rng = fastrand::Rng::with_seed(20);
    let o = app.orgs;
    // A township's records are its own and its villages': spread over two townships, so that a
    // township's search is seen to find its own records and no other's.
    let spread = [o.township, o.village, o.other_township, o.other_village];
    let mut made = Vec::new();
    for n in 0..160 {
        let fields = input(&[
            ("title", &phrase(&mut rng, 4)),
            ("catalogue_year", "2026"),
            ("lead_unit", &phrase(&mut rng, 2)),
            ("summary", &phrase(&mut rng, 8)),
        ]);
        let org = spread[n % spread.len()];
        let r = ledger::create(&app.db, &actor(), &scope, kind, org, &fields, &rules.ctx()).await.unwrap();
        made.push((org, r));
    }
    // On SQLite the records written are put in the indexes, as `fazhi serve` does it a moment
    // later. Edited records are then found by their new texts only, though the indexes hold their
    // old ones until the next batch.
    while app.db.index_pending_search().await.unwrap() > 0 {}
    for (_, r) in made.iter().step_by(7) {
        let fields = input(&[
            ("title", &format!("{}（修改）", phrase(&mut rng, 3))),
            ("catalogue_year", "2026"),
            ("lead_unit", "司法所"),
            ("summary", &phrase(&mut rng, 5)),
        ]);
        ledger::update(&app.db, &actor(), &scope, kind, r.id, r.version, &fields, &rules.ctx()).await.unwrap();
    }
    let mut records = Vec::new();
    for (org, r) in &made {
        let now = ledger::get(&app.db, &scope, kind, r.id).await.unwrap();
        let texts: Vec<String> = now.values.values().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        records.push((r.id, *org, texts));
    }
    let all_orgs = fazhi_store::orgs::list(&app.db, &scope).await.unwrap();
    let path = |id: i64| all_orgs.iter().find(|v| v.id == id).unwrap().path.clone();
    let township = |org_path: String| Scope { org_path, personal: fazhi_store::PersonalData::OwnTownship };
    let scopes = [
        ("the whole district", Scope::everything(), spread.to_vec()),
        ("a township", township(path(o.township)), vec![o.township, o.village]),
        ("another township", township(path(o.other_township)), vec![o.other_township, o.other_village]),
        ("a village", township(path(o.village)), vec![o.village]),
    ];
    // Words of each length, taken from the stored texts, and some found nowhere.
    let mut queries: Vec<String> = Vec::new();
    for len in [1usize, 2, 3, 8] {
        for (_, _, texts) in records.iter().step_by(13) {
            let chars: Vec<char> = texts.iter().max_by_key(|t| t.chars().count()).unwrap().chars().collect();
            if chars.len() >= len {
                let from = rng.usize(..=chars.len() - len);
                queries.push(chars[from..from + len].iter().collect());
            }
        }
    }
    queries.extend(["修改", "司法所", "led路", "Led", "无此内容的检索词", "污", "水管网建设改造"].map(String::from));
    // (A run of punctuation is refused before any search: that is the other test's.)
    queries.retain(|q| SearchWords::parse(q).is_ok_and(|w| w.is_some()));
    let db = app.db.backend_name();
    // The same answers from the indexes as the records were edited (on SQLite the edited records
    // read directly, their old entries passed over) and after `fazhi serve` has indexed them and
    // tidied the indexes (SQLite merges their segments; PostgreSQL has nothing to tidy).
    for round in ["as edited", "tidied"] {
        if round == "tidied" {
            assert!(app.db.index_pending_search().await.unwrap() > 0 || db != "SQLite");
            assert_eq!(app.db.index_pending_search().await.unwrap(), 0, "all indexed in one batch");
            let steps = app.db.tidy_search_index().await.unwrap();
            let again = app.db.tidy_search_index().await.unwrap();
            if db == "SQLite" {
                assert!(steps >= 1 && again == 1, "merged in {steps} steps, then nothing left: {again}");
            } else {
                assert_eq!((steps, again), (0, 0));
            }
        }
        for q in &queries {
            let words = SearchWords::parse(q).unwrap().unwrap();
            for (whose, scope, orgs) in &scopes {
                let expected = scanned(&records, orgs, &words);
                let filter = ListFilter { query: Some(words.clone()), page: 1, page_size: 200, ..Default::default() };
                let listed = ledger::list(&app.db, scope, kind, &filter).await.unwrap();
                let found: Vec<i64> = listed.page.items.iter().map(|r| r.id).collect();
                assert_eq!(found.iter().copied().collect::<BTreeSet<_>>(), expected, "{whose}: search {q:?} on {db}");
                assert_eq!(listed.page.total as usize, found.len(), "{whose}: {q:?}");
                // Names holding the words come first, each part newest first.
                let in_title: Vec<bool> =
                    listed.page.items.iter().map(|r| r.title.to_lowercase().contains(words.as_str())).collect();
                assert!(in_title.windows(2).all(|w| w[0] || !w[1]), "{whose}: {q:?}: names holding the words first");
                let parts = found.iter().zip(&in_title).collect::<Vec<_>>();
                assert!(
                    parts.windows(2).all(|w| w[0].1 != w[1].1 || w[0].0 > w[1].0),
                    "{whose}: {q:?}: newest first within names and the rest"
                );
                // Newest first, and with a condition on the records themselves, the same records.
                let newest = ListFilter { sort: ledger::Sort::Newest, ..filter.clone() };
                let listed = ledger::list(&app.db, scope, kind, &newest).await.unwrap();
                let ids: Vec<i64> = listed.page.items.iter().map(|r| r.id).collect();
                assert_eq!(ids, expected.iter().rev().copied().collect::<Vec<_>>(), "{whose}: {q:?} newest first");
                let in_state = ListFilter { state: Some(kind.initial.into()), ..filter.clone() };
                let listed = ledger::list(&app.db, scope, kind, &in_state).await.unwrap();
                let ids: BTreeSet<i64> = listed.page.items.iter().map(|r| r.id).collect();
                assert_eq!(ids, expected, "{whose}: {q:?} with a state chosen ({round})");
            }
        }
    }
    assert!(queries.len() >= 30);

    // A database of schema 17, whose triggers wrote the trigram index in the writers'
    // transactions: its migration drops them and builds both indexes again from every record.
    if db == "SQLite" {
        use sea_orm::ConnectionTrait;
        let raw = app.db.raw_for_tests();
        for (kind, name) in fazhi_store::SQLITE_SEARCH_INDEX_OBJECTS {
            raw.execute_unprepared(&format!("DROP {kind} {name}")).await.unwrap();
        }
        // The earlier form's objects, made so that any left behind breaks the next write.
        raw.execute_unprepared("CREATE TABLE ledger_search_pairs_pending (id INTEGER PRIMARY KEY, unindexed INTEGER)")
            .await
            .unwrap();
        for (name, event) in [("ledger_search_insert", "INSERT"), ("ledger_search_pairs_update", "UPDATE")] {
            raw.execute_unprepared(&format!(
                "CREATE TRIGGER {name} AFTER {event} ON ledger_records BEGIN SELECT RAISE(ABORT, 'left behind'); END"
            ))
            .await
            .unwrap();
        }
        raw.execute_unprepared("DELETE FROM seaql_migrations WHERE version LIKE 'm018%'").await.unwrap();
        raw.execute_unprepared("UPDATE schema_meta SET value = '17' WHERE key = 'schema_version'").await.unwrap();
        let migrated = app.test_db.connect().await;
        let left: Vec<String> = raw
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Sqlite,
                "SELECT name FROM sqlite_master WHERE name IN \
                 ('ledger_search_insert', 'ledger_search_pairs_update', 'ledger_search_pairs_pending')",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index(0).unwrap())
            .collect();
        assert!(left.is_empty(), "the earlier index's objects are dropped: {left:?}");
        let looked_up: Vec<SearchWords> = queries
            .iter()
            .filter_map(|q| SearchWords::parse(q).unwrap())
            .filter(|w| w.is_pair() || !w.is_short())
            .collect();
        assert!(looked_up.iter().filter(|w| w.is_pair()).count() >= 5, "two-character words: {looked_up:?}");
        for words in &looked_up {
            for (whose, scope, orgs) in &scopes {
                let filter = ListFilter { query: Some(words.clone()), page: 1, page_size: 200, ..Default::default() };
                let listed = ledger::list(&migrated, scope, kind, &filter).await.unwrap();
                let found: BTreeSet<i64> = listed.page.items.iter().map(|r| r.id).collect();
                assert_eq!(found, scanned(&records, orgs, words), "{whose}: {words} after the migration");
                assert!(!listed.newest_only, "{whose}: {words} is looked up, not scanned");
            }
        }
        // Writes go on: a record made after the migration is found once it is indexed.
        let fields = input(&[("title", "迁移后新建的决策"), ("catalogue_year", "2026"), ("lead_unit", "党政办")]);
        let made = ledger::create(&migrated, &actor(), &scope, kind, o.township, &fields, &rules.ctx()).await.unwrap();
        let words = SearchWords::parse("迁移后新建").unwrap().unwrap();
        for round in ["waiting", "indexed"] {
            let filter = ListFilter { query: Some(words.clone()), page: 1, page_size: 20, ..Default::default() };
            let listed = ledger::list(&migrated, &scope, kind, &filter).await.unwrap();
            assert_eq!(listed.page.items.iter().map(|r| r.id).collect::<Vec<_>>(), [made.id], "{round}");
            if round == "waiting" {
                assert_eq!(migrated.index_pending_search().await.unwrap(), 1);
            }
        }
    }
}

#[tokio::test]
async fn a_list_marks_the_words_found_and_refuses_bad_search_text_in_chinese() {
    let app = TestApp::spawn().await;
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    for (title, unit) in [("集镇污水管网建设", "村镇建设办"), ("敬老院改扩建", "社会事务办")] {
        let fields = input(&[("title", title), ("catalogue_year", "2026"), ("lead_unit", unit)]);
        ledger::create(
            &app.db,
            &actor(),
            &Scope::everything(),
            &decisions::KIND,
            app.orgs.township,
            &fields,
            &rules.ctx(),
        )
        .await
        .unwrap();
    }
    let clerk = app.login("t_clerk").await;
    let page = clerk.get("/ledgers/decisions?q=%E7%AE%A1%E7%BD%91").await.text().await.unwrap();
    assert!(page.contains("污水<mark>管网</mark>建设"), "{page}");
    assert!(!page.contains("敬老院改扩建"));
    // A single character is found too.
    let page = clerk.get("/ledgers/decisions?q=%E9%99%A2").await.text().await.unwrap();
    assert!(page.contains("敬老<mark>院</mark>改扩建"), "{page}");

    let long = "法".repeat(101);
    let page = clerk.get(&format!("/ledgers/decisions?q={long}")).await.text().await.unwrap();
    assert!(page.contains("检索词不能超过100个字"), "{page}");
    assert!(page.contains("敬老院改扩建"), "the whole list shown instead");
    let page = clerk.get("/ledgers/decisions?q=%EF%BC%8C%E3%80%82%25").await.text().await.unwrap();
    assert!(page.contains("检索词不能只有标点符号"), "{page}");

    let answer = clerk.api(Method::GET, &format!("/api/v1/ledgers/decisions?q={long}"), None).await;
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert!(body.to_string().contains("检索词不能超过100个字"), "{body}");
    // A LIKE wildcard typed is a character looked for, not a wildcard.
    let body: serde_json::Value =
        clerk.api(Method::GET, "/api/v1/ledgers/decisions?q=%E6%95%AC_", None).await.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 0, "{body}");
}

/// On a PostgreSQL where `pg_trgm` is not enabled and the account may not enable it, the program
/// refuses to start, naming the extension and the statement that enables it.
#[tokio::test]
async fn without_pg_trgm_the_program_names_the_extension_and_the_sql() {
    use sea_orm::{ConnectionTrait, Database};
    let Some(base) = common::postgres_or_skip("without_pg_trgm_the_program_names_the_extension_and_the_sql") else {
        return;
    };
    let target = common::TestDb::new(Some(&base)).await;
    let role = format!("fazhi_noext_{}", &fazhi_store::random_token()[..8]).to_lowercase();
    let admin = Database::connect(target.url.as_str()).await.unwrap();
    // The account owns a schema to make its tables in, but may not create in the database itself,
    // which enabling an extension needs.
    for sql in [format!("CREATE ROLE {role} LOGIN"), format!("CREATE SCHEMA AUTHORIZATION {role}")] {
        admin.execute_unprepared(&sql).await.unwrap();
    }
    let (prefix, rest) = target.url.split_once("://").unwrap();
    let host = rest.split_once('@').map(|(_, h)| h).unwrap_or(rest);
    let url = format!("{prefix}://{role}@{host}");
    let data = tempfile::tempdir().unwrap();
    let out = common::run_fazhi(
        &["--data-dir", &data.path().display().to_string(), "--database-url", &url, "audit", "verify"],
        None,
    );
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    for sql in [format!("DROP SCHEMA {role} CASCADE"), format!("DROP ROLE {role}")] {
        admin.execute_unprepared(&sql).await.unwrap();
    }
    assert!(!out.status.success());
    assert!(said.contains("缺少扩展 pg_trgm") && said.contains("CREATE EXTENSION pg_trgm;"), "{said}");
}
