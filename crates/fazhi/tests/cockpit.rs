//! 法治建设总览: for two generated townships and two years, every key figure on the district's
//! overview equals a count made by hand from the records; a rate on too few cases is shown but
//! never ranked; each figure opens exactly the records it counts; a township's leader sees only
//! their own township; the comparison workbook reads back with the same numbers; and the routes
//! refuse everyone else.

mod common;

use common::TestApp;
use fazhi_domain::key_indicators::{self, KeyIndicator, MIN_CASES_TO_RANK, Measure, percent};
use fazhi_domain::ledger::{Values, met_figure, on_time_figure};
use fazhi_domain::ledgers;
use fazhi_store::ledger::{self, ListFilter};
use fazhi_store::{Scope, rules};
use reqwest::StatusCode;

const YEARS: [i32; 2] = [2022, 2023];

/// Every record of a kind kept by one township: (state, values, organization path).
async fn records(app: &TestApp, kind: &'static fazhi_domain::ledger::LedgerKind, org: i64) -> Vec<(String, Values)> {
    let all = Scope::everything();
    let mut out = Vec::new();
    for page in 1.. {
        let filter = ListFilter { page, page_size: 200, org: Some(org), ..Default::default() };
        let items = ledger::list(&app.db, &all, kind, &filter).await.unwrap().page.items;
        if items.is_empty() {
            break;
        }
        out.extend(items.into_iter().map(|r| (r.state, r.values)));
    }
    out
}

/// A figure counted by hand over the records: a declared indicator by its rule, a time limit's
/// outcome from the deadlines the domain counts on the calendar. None where the township keeps
/// no record of the kind that year.
fn hand_count(
    kind: &'static fazhi_domain::ledger::LedgerKind,
    id: &str,
    records: &[(String, Values)],
    year: i32,
    ctx: &fazhi_domain::ledger::Context<'_>,
) -> Option<i64> {
    let in_year: Vec<&(String, Values)> = records.iter().filter(|(_, v)| kind.dated.in_year(v, year)).collect();
    if in_year.is_empty() {
        return None;
    }
    if let Some(feed) = kind.indicators.iter().find(|f| f.id == id) {
        return Some(records.iter().filter_map(|(state, v)| feed.adds(kind, state, v, year)).sum());
    }
    let count = |on_time: bool| {
        in_year
            .iter()
            .flat_map(|(_, v)| kind.deadlines(v, ctx))
            .filter(|d| d.counted.period.limits())
            .filter(|d| id == if on_time { on_time_figure(d.deadline.code) } else { met_figure(d.deadline.code) })
            .filter(|d| d.met_on.is_some_and(|on| !on_time || on <= d.counted.due))
            .count() as i64
    };
    Some(count(id.ends_with(".on_time")))
}

/// The texts of the overview table's row for an indicator, one per column.
fn row_cells(page: &str, code: &str) -> Vec<String> {
    let row = page.split(&format!("<tr id=\"row-{code}\">")).nth(1).unwrap_or("").split("</tr>").next().unwrap_or("");
    row.split("<td class=\"num")
        .skip(1)
        .map(|cell| {
            let inner = cell.split_once('>').map(|(_, rest)| rest).unwrap_or("");
            let first = inner.split("</a>").next().unwrap_or("").split("</span>").next().unwrap_or("");
            first.rsplit('>').next().unwrap_or("").to_owned()
        })
        .collect()
}

fn expected(k: &KeyIndicator, values: &[Option<i64>]) -> String {
    match (k.measure, values) {
        (Measure::Count(_), [Some(n)]) => format!("{n}{}", k.unit),
        (Measure::Rate { .. }, [Some(part), Some(whole)]) => match percent(*part, *whole) {
            Some(p) => format!("{p:.1}%"),
            None => "无案件".into(),
        },
        _ => "—".into(),
    }
}

#[tokio::test]
async fn the_overview_counts_what_a_hand_count_of_the_records_finds() {
    counts_by_hand(TestApp::spawn().await).await;
}

/// The same on PostgreSQL: the totals' upserts and the grouped reads are the other dialect's.
#[tokio::test]
async fn the_overview_counts_the_same_on_postgresql() {
    let Some(url) = common::postgres_or_skip("the_overview_counts_the_same_on_postgresql") else { return };
    counts_by_hand(TestApp::spawn_on(Some(&url)).await).await;
}

async fn counts_by_hand(app: TestApp) {
    fazhi_store::demo::generate_history(&app.db, app.orgs.township, "SL", &["杉岭村"], 7, 1.0).await.unwrap();
    fazhi_store::demo::generate_history(&app.db, app.orgs.other_township, "AW", &["羊角村"], 11, 1.0).await.unwrap();
    let rules = rules::current(&app.db).await.unwrap();
    let supervisor = app.login("t_supervisor").await;
    // The district's columns are its townships in the tree's order: 杉岭乡, then 安稳镇.
    let townships = [app.orgs.township, app.orgs.other_township];
    let org_paths: Vec<String> = {
        let all = fazhi_store::orgs::list(&app.db, &Scope::everything()).await.unwrap();
        townships.iter().map(|t| all.iter().find(|o| o.id == *t).unwrap().path.clone()).collect()
    };
    let mut checked_few = false;
    let mut checked_ranks = false;
    for year in YEARS {
        let page = supervisor.get(&format!("/cockpit?year={year}")).await;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        assert!(page.contains(&format!("{year}年各乡镇（街道）法治建设情况")), "{page}");
        for k in key_indicators::ALL {
            let kind = ledgers::by_code(k.kind).unwrap();
            let cells = row_cells(&page, k.code);
            assert_eq!(cells.len(), 3, "{}: two townships and the district", k.code);
            let mut sums = vec![Some(0); k.figures().len()];
            let mut any = false;
            // Each township's rate where it has enough cases to be ranked.
            let mut rankable: Vec<Option<f64>> = Vec::new();
            for (i, township) in townships.iter().enumerate() {
                let ctx = rules.ctx().at(&org_paths[i]);
                let kept = records(&app, kind, *township).await;
                let values: Vec<Option<i64>> =
                    k.figures().iter().map(|id| hand_count(kind, id, &kept, year, &ctx)).collect();
                assert_eq!(cells[i], expected(k, &values), "{} of township {i} in {year}", k.code);
                if let (Measure::Rate { .. }, [Some(part), Some(whole)]) = (k.measure, values.as_slice()) {
                    rankable.push((*whole >= MIN_CASES_TO_RANK).then(|| percent(*part, *whole)).flatten());
                }
                for (sum, v) in sums.iter_mut().zip(&values) {
                    if let Some(v) = v {
                        any = true;
                        *sum = sum.map(|s| s + v);
                    }
                }
                // A rate on fewer cases than the minimum says so and is never ranked.
                if let (Measure::Rate { .. }, Some(whole)) = (k.measure, values.get(1).copied().flatten())
                    && whole > 0
                    && whole < MIN_CASES_TO_RANK
                {
                    let row = page.split(&format!("<tr id=\"row-{}\">", k.code)).nth(1).unwrap();
                    let cell = row.split("<td class=\"num").nth(i + 1).unwrap();
                    assert!(cell.contains("不排名"), "{}: {cell}", k.code);
                    let chart = supervisor
                        .get(&format!("/cockpit?year={year}&indicator={}", k.code))
                        .await
                        .text()
                        .await
                        .unwrap();
                    let svg = chart.split("id=\"bar-chart\"").nth(1).unwrap().split("</svg>").next().unwrap();
                    let bar = svg.split("<a ").find(|b| b.contains(if i == 0 { "杉岭乡" } else { "安稳镇" })).unwrap();
                    assert!(!bar.contains("名 ·") && bar.contains("不排名"), "{bar}");
                    checked_few = true;
                }
            }
            // Ranks: the better rate first (lower where lower is better), equal rates sharing one.
            if let (Measure::Rate { higher_is_better, .. }, [Some(a), Some(b)]) = (k.measure, rankable.as_slice()) {
                let better_first = if higher_is_better { a >= b } else { a <= b };
                let (first, second) = if a == b {
                    (1, 1)
                } else if better_first {
                    (1, 2)
                } else {
                    (2, 1)
                };
                let chart =
                    supervisor.get(&format!("/cockpit?year={year}&indicator={}", k.code)).await.text().await.unwrap();
                let svg = chart.split("id=\"bar-chart\"").nth(1).unwrap().split("</svg>").next().unwrap();
                for (name, rank) in [("杉岭乡", first), ("安稳镇", second)] {
                    let bar = svg.split("<a ").find(|b| b.contains(name)).unwrap();
                    assert!(bar.contains(&format!("第{rank}名")), "{} {name} ranks {rank}: {bar}", k.code);
                }
                checked_ranks = true;
            }
            let total = if any { expected(k, &sums) } else { "—".into() };
            assert_eq!(cells[2], total, "{} of the district in {year}", k.code);
        }

        // Each count opens exactly the records behind it.
        for (i, township) in townships.iter().enumerate() {
            let kind = ledgers::by_code("petitions").unwrap();
            let ctx = rules.ctx().at(&org_paths[i]);
            let n = hand_count(kind, "petitions.total", &records(&app, kind, *township).await, year, &ctx).unwrap();
            let href = format!("/ledgers/petitions?org={township}&year={year}&figure=petitions.total");
            assert!(page.replace("&#38;", "&").replace("&amp;", "&").contains(&href), "the cell links {href}");
            let list = supervisor.get(&href).await.text().await.unwrap();
            assert!(list.contains(&format!("共 {n} 条")), "{href}: {n} records expected");
            assert!(list.contains("计入“信访件次”的记录"), "the list says what it is narrowed to");
        }
    }
    assert!(checked_few, "the generated years hold a rate on fewer than {MIN_CASES_TO_RANK} cases");
    assert!(checked_ranks, "the generated years hold a rate both townships are ranked by");

    // A year the district does not hold, an unknown indicator: said in words, the defaults shown.
    let page = supervisor.get("/cockpit?year=1999&indicator=nothing").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("没有“1999”年度的数据") && page.contains("没有这项指标"), "{page}");

    // The comparison workbook: a sheet per year, the same numbers, the counts behind the rates.
    let href = format!(
        "/cockpit/compare/export?indicators=petitions,petition_on_time_rate&orgs={},{}&from=2022&to=2023",
        app.orgs.township, app.orgs.other_township
    );
    let file = supervisor.get(&href).await;
    assert_eq!(file.status(), StatusCode::OK);
    let sheets = fazhi_office::xlsx::read_sheets(&file.bytes().await.unwrap()).unwrap();
    assert_eq!(sheets.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["2022年", "2023年"]);
    let kind = ledgers::by_code("petitions").unwrap();
    for ((_, sheet), year) in sheets.iter().zip(YEARS) {
        assert_eq!(sheet.headers()[..3], ["乡镇（街道）", "信访（件次）", "信访按期办结率（%）"]);
        let rows: Vec<Vec<String>> = sheet.rows().map(|(_, r)| r).collect();
        assert_eq!(rows.len(), 3, "two townships and the total");
        for (i, township) in townships.iter().enumerate() {
            let ctx = rules.ctx().at(&org_paths[i]);
            let kept = records(&app, kind, *township).await;
            let total = hand_count(kind, "petitions.total", &kept, year, &ctx).unwrap();
            let (part, whole) = (
                hand_count(kind, "handling.on_time", &kept, year, &ctx).unwrap(),
                hand_count(kind, "handling.met", &kept, year, &ctx).unwrap(),
            );
            assert_eq!(rows[i][1], total.to_string());
            assert_eq!(rows[i][3..5], [part.to_string(), whole.to_string()]);
        }
    }
    let printable = supervisor.get(&href.replace("/export", "")).await.text().await.unwrap();
    assert!(printable.contains("信访按期办结率") && printable.contains("合计"), "{printable}");
}

#[tokio::test]
async fn a_township_sees_its_own_years_and_no_one_else_may_look() {
    let app = TestApp::spawn().await;
    fazhi_store::demo::generate_history(&app.db, app.orgs.township, "SL", &["杉岭村"], 7, 1.0).await.unwrap();
    let leader = app.login("t_leader").await;
    let page = leader.get("/cockpit?year=2023").await.text().await.unwrap();
    assert!(page.contains("杉岭乡法治建设情况（2019—2023年）"), "{page}");
    assert!(!page.contains("安稳镇"), "another township's name never shows");
    assert!(page.contains("<th class=\"num\">2022年</th>"), "the leader's columns are years");
    let own = leader.get(&format!("/cockpit?org={}", app.orgs.township)).await.text().await.unwrap();
    assert!(own.contains("杉岭乡法治建设情况") && !own.contains("back-to-district"), "nothing to go back to");
    // Another township's overview is not found; its records cannot be drilled into either.
    let other = leader.get(&format!("/cockpit?org={}", app.orgs.other_township)).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let export = leader.get(&format!("/cockpit/compare/export?orgs={}", app.orgs.other_township)).await;
    let sheets = fazhi_office::xlsx::read_sheets(&export.bytes().await.unwrap()).unwrap();
    assert!(sheets.iter().all(|(_, s)| s.rows().all(|(_, r)| r[0] == "杉岭乡")), "only the leader's own township");

    // The supervisor starts from the overview, and may read one township over the years.
    let supervisor = app.login("t_supervisor").await;
    let one = supervisor.get(&format!("/cockpit?org={}&year=2023", app.orgs.township)).await.text().await.unwrap();
    assert!(one.contains("杉岭乡法治建设情况（2019—2023年）") && one.contains("id=\"back-to-district\""), "{one}");
    let home = supervisor.get("/").await;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(home.headers()["location"], "/cockpit");
    for who in ["t_clerk", "t_adviser", "t_admin", "t_auditor"] {
        let session = app.login(who).await;
        for path in ["/cockpit", "/cockpit/compare", "/cockpit/compare/export"] {
            assert_eq!(session.get(path).await.status(), StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
}

/// The rows of a table of the overview, by its id: each row's cells as text, tags removed.
fn table_rows(page: &str, id: &str) -> Vec<String> {
    let table = page.split(&format!("id=\"{id}\"")).nth(1).unwrap_or("").split("</table>").next().unwrap_or("");
    let body = table.split("<tbody>").nth(1).unwrap_or("");
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let mut text = String::new();
            let mut inside = false;
            for c in row.chars() {
                match c {
                    '<' => inside = true,
                    '>' => inside = false,
                    _ if !inside => text.push(c),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// The overview's other two panels: an overdue limit counted for its township and kind, its
/// number opening exactly that record; and each township's report of the year with its state and
/// how late it is against 31 March.
#[tokio::test]
async fn the_overview_shows_overdue_limits_and_where_each_report_stands() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    // Received in January and never acknowledged: the 15-day written notice is long overdue.
    let fields = [
        ("title", "杉岭村道积水"),
        ("petitioner", "李四"),
        ("contact", "13900001111"),
        ("channel", "来信"),
        ("topic", "城乡建设"),
        ("source", "信访人直接提出"),
        ("received_on", "2026-01-05"),
    ];
    assert_eq!(clerk.post_form("/ledgers/petitions", &fields).await.status(), StatusCode::SEE_OTHER);
    let last_year = chrono::Datelike::year(&fazhi_store::beijing_today()) - 1;
    assert_eq!(clerk.post_form("/reports", &[("year", &last_year.to_string())]).await.status(), StatusCode::SEE_OTHER);

    let supervisor = app.login("t_supervisor").await;
    let page = supervisor.get(&format!("/cockpit?year={last_year}")).await.text().await.unwrap();
    let heat = table_rows(&page, "heat-table");
    let shanling = heat.iter().find(|r| r.starts_with("杉岭乡")).expect("杉岭乡's row");
    assert!(shanling.contains("1 / 0"), "one overdue, none due soon: {shanling}");
    let href = format!("/ledgers/petitions?org={}&due=overdue", app.orgs.township);
    assert!(page.replace("&#38;", "&").replace("&amp;", "&").contains(&href), "{page}");
    let list = supervisor.get(&href).await.text().await.unwrap();
    assert!(list.contains("共 1 条") && list.contains("杉岭村道积水") && list.contains("期限已过"), "{list}");
    // A year alone narrows a list to the records counted in it: the petition's year of receipt.
    let of_2026 = supervisor.get("/ledgers/petitions?year=2026").await.text().await.unwrap();
    assert!(of_2026.contains("共 1 条") && of_2026.contains("杉岭村道积水"), "{of_2026}");
    let of_2025 = supervisor.get("/ledgers/petitions?year=2025").await.text().await.unwrap();
    assert!(of_2025.contains("共 0 条") && of_2025.contains("2025年"), "{of_2025}");

    let due = chrono::NaiveDate::from_ymd_opt(last_year + 1, 3, 31).unwrap();
    let late = (fazhi_store::beijing_today() - due).num_days();
    let reports = table_rows(&page, "report-table");
    let mine = reports.iter().find(|r| r.starts_with("杉岭乡")).unwrap();
    let other = reports.iter().find(|r| r.starts_with("安稳镇")).unwrap();
    assert!(mine.contains("草稿"), "started, not submitted: {mine}");
    assert!(other.contains("未起草"), "{other}");
    if late > 0 {
        assert!(
            mine.contains(&format!("已逾期{late}天")) && other.contains(&format!("已逾期{late}天")),
            "{mine} / {other}"
        );
    } else {
        assert!(mine.contains(&format!("{}年3月31日前报送", last_year + 1)), "{mine}");
    }
}

/// The totals the overview reads, as stored, and as summed afresh from the figure rows.
async fn totals_both_ways(
    db: &fazhi_store::Db,
) -> (Vec<(i64, String, String, i32, i32, i64, i64)>, Vec<(i64, String, String, i32, i32, i64, i64)>) {
    use sea_orm::{ConnectionTrait, Statement};
    let read = |sql: &'static str| async move {
        let backend = db.raw_for_tests().get_database_backend();
        let rows = db.raw_for_tests().query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
        let mut out: Vec<(i64, String, String, i32, i32, i64, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r.try_get_by_index::<i64>(0).unwrap(),
                    r.try_get_by_index::<String>(1).unwrap(),
                    r.try_get_by_index::<String>(2).unwrap(),
                    r.try_get_by_index::<i32>(3).unwrap(),
                    r.try_get_by_index::<i32>(4).unwrap(),
                    r.try_get_by_index::<i64>(5).unwrap(),
                    r.try_get_by_index::<i64>(6).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    };
    let stored = read(
        "SELECT org_id, kind, indicator, from_year, to_year, amount, records FROM ledger_figure_totals \
         WHERE records <> 0",
    )
    .await;
    let summed = read(
        "SELECT org_id, kind, indicator, from_year, CAST(COALESCE(to_year, 9999) AS INTEGER), \
         CAST(SUM(amount) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM ledger_figures \
         GROUP BY org_id, kind, indicator, from_year, COALESCE(to_year, 9999)",
    )
    .await;
    (stored, summed)
}

/// Every kind of write moves the totals by what it changes: generated years, a document walked
/// step by step to its filing, a petition accepted and concluded (a time limit met), on both
/// databases.
async fn totals_follow_every_write(app: TestApp) {
    use fazhi_domain::ledger::ActorFacts;
    use fazhi_domain::role::Role;
    fazhi_store::demo::generate_history(&app.db, app.orgs.township, "SL", &["杉岭村"], 7, 1.0).await.unwrap();
    common::signed_document(&app.db, app.orgs.other_township, "安稳镇农村人居环境整治办法", 2026).await;
    let clerk = ActorFacts { name: "信访办经办", roles: &[Role::Clerk], principal_leader: false };
    let kind = ledgers::by_code("petitions").unwrap();
    let input = [
        ("title", "羊角村灌渠堵塞"),
        ("petitioner", "王某"),
        ("channel", "来访"),
        ("topic", "其他"),
        ("source", "信访人直接提出"),
        ("received_on", "2026-03-02"),
    ];
    let (calendar, settings) = (fazhi_domain::calendar::Calendar::shipped(), fazhi_domain::ledger::Settings::default());
    let ctx = fazhi_domain::ledger::Context::new(&calendar, &settings);
    let input = input.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let record = ledger::create(
        &app.db,
        &fazhi_store::Actor::system(),
        &Scope::everything(),
        kind,
        app.orgs.other_township,
        &input,
        &ctx,
    )
    .await
    .unwrap();
    let record = common::take_ledger_step(
        &app.db,
        kind,
        record,
        "accept",
        &[("accepted_on", "2026-03-05"), ("handler", "张干事")],
        clerk,
    )
    .await;
    let (before, _) = totals_both_ways(&app.db).await;
    common::take_ledger_step(
        &app.db,
        kind,
        record,
        "conclude",
        &[("concluded_on", "2026-04-20"), ("opinion", "已疏通灌渠"), ("satisfaction", "满意")],
        clerk,
    )
    .await;
    let (stored, summed) = totals_both_ways(&app.db).await;
    assert_eq!(stored, summed, "the totals are the sums of the figure rows");
    let met = |rows: &[(i64, String, String, i32, i32, i64, i64)]| {
        rows.iter().filter(|r| r.0 == app.orgs.other_township && r.2 == "handling.on_time").map(|r| r.5).sum::<i64>()
    };
    assert_eq!(met(&stored), met(&before) + 1, "concluding in time adds one on-time petition");
    common::assert_open_counts_match(&app.db).await;
}

#[tokio::test]
async fn the_totals_follow_every_write() {
    totals_follow_every_write(TestApp::spawn().await).await;
}

#[tokio::test]
async fn the_totals_follow_every_write_on_postgresql() {
    let Some(url) = common::postgres_or_skip("the_totals_follow_every_write_on_postgresql") else { return };
    totals_follow_every_write(TestApp::spawn_on(Some(&url)).await).await;
}

/// The fewest cases a rate is ranked on is the district's setting: set by its administrator (a
/// township's is refused), listed on the settings page with the overview's rules, and the overview
/// and the comparison rank by it.
#[tokio::test]
async fn the_district_sets_the_fewest_cases_a_rate_is_ranked_on() {
    use reqwest::Method;
    use serde_json::json;
    let app = TestApp::spawn().await;
    fazhi_store::demo::generate_history(&app.db, app.orgs.township, "SL", &["杉岭村"], 7, 1.0).await.unwrap();
    let supervisor = app.login("t_supervisor").await;
    let page = supervisor.get("/cockpit?year=2024").await.text().await.unwrap();
    assert!(page.contains(&format!("案件少于{MIN_CASES_TO_RANK}件的比率不参与排名")), "the default");
    let unranked_before = page.matches("不排名").count();

    let key = "/api/v1/settings/cockpit.min_cases_to_rank";
    common::add_user(&app.db, "tw_admin", app.orgs.township, vec![fazhi_domain::role::Role::Admin], false).await;
    let township_admin = app.login("tw_admin").await;
    let refused = township_admin.api(Method::POST, key, Some(json!({"number": 2}))).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let admin = app.login("t_admin").await;
    let out_of_range = admin.api(Method::POST, key, Some(json!({"number": 0}))).await;
    assert_eq!(out_of_range.status(), StatusCode::BAD_REQUEST);
    assert!(out_of_range.text().await.unwrap().contains("应为 1 到 100 之间的整数"));
    let set = admin.api(Method::POST, key, Some(json!({"number": 100}))).await;
    assert_eq!(set.status(), StatusCode::OK, "{}", set.text().await.unwrap());
    let settings = admin.get("/settings").await.text().await.unwrap();
    assert!(settings.contains("比率参与排名的最少案件数") && settings.contains("法治建设总览"), "{settings}");

    let page = supervisor.get("/cockpit?year=2024").await.text().await.unwrap();
    assert!(page.contains("案件少于100件的比率不参与排名"), "{page}");
    assert!(page.matches("不排名").count() > unranked_before, "more rates rest on fewer than a hundred cases");
    let compared = supervisor.get("/cockpit/compare?indicators=petition_on_time_rate").await.text().await.unwrap();
    assert!(compared.contains("案件少于100件的比率不参与排名"), "{compared}");
}

/// The overview keeps what it read only while nothing is written: a record stored after a view
/// is on the next one.
#[tokio::test]
async fn the_overview_shows_a_record_written_after_it_was_read() {
    let app = TestApp::spawn().await;
    let supervisor = app.login("t_supervisor").await;
    let clerk = app.login("t_clerk").await;
    let row = |page: &str| {
        page.split("id=\"row-petitions\"").nth(1).unwrap_or("").split("</tr>").next().unwrap_or("").to_owned()
    };
    let year = chrono::Datelike::year(&fazhi_store::beijing_today());
    let before = supervisor.get(&format!("/cockpit?year={year}")).await.text().await.unwrap();
    assert!(!row(&before).contains("1件次"), "{}", row(&before));
    let r = clerk
        .post_form(
            "/ledgers/petitions",
            &[
                ("title", "反映村道积水"),
                ("petitioner", "王某"),
                ("channel", "来访"),
                ("topic", "其他"),
                ("source", "信访人直接提出"),
                ("received_on", &format!("{year}-01-05")),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let after = supervisor.get(&format!("/cockpit?year={year}")).await.text().await.unwrap();
    assert!(row(&after).contains("1件次"), "the new petition is counted: {}", row(&after));
}
