//! The principal leaders' duties and the year's figures, counted from the ledgers: meetings chaired,
//! reports heard, court appearances and study led are recorded once, in their own ledgers, and the
//! 第一责任人 page counts them by year with links to the records; no other township's records
//! reach it.

mod common;

use common::{Session, TestApp};
use fazhi_store::{Scope, indicators};
use reqwest::StatusCode;

async fn create(s: &Session, kind: &str, fields: &[(&str, &str)]) -> String {
    let r = s.post_form(&format!("/ledgers/{kind}"), fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    common::location(&r)
}

async fn step(s: &Session, record: &str, code: &str, fields: &[(&str, &str)]) {
    let page = s.get(record).await.text().await.unwrap();
    let version = page.split("data-version=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    let mut all = fields.to_vec();
    all.push(("version", &version));
    let r = s.post_form(&format!("{record}/steps/{code}"), &all).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{code}: {}", r.text().await.unwrap());
}

async fn meeting(s: &Session, title: &str, on: &str, principal: &str, heard: &str) -> String {
    create(
        s,
        "leadership_meetings",
        &[
            ("title", title),
            ("meeting_type", "党委会"),
            ("held_on", on),
            ("chair", "王书记"),
            ("chaired_by_principal", principal),
            ("topics", "法治建设"),
            ("heard_report", heard),
        ],
    )
    .await
}

/// The count and the record titles of one duty's row.
fn row(page: &str, label: &str) -> (i64, String) {
    let start = page.find(&format!("<td>{label}</td>")).unwrap_or_else(|| panic!("{label} is listed"));
    let row = page[start..].split("</tr>").next().unwrap();
    let count = row.split("class=\"num\">").nth(1).unwrap().split('<').next().unwrap().trim().parse().unwrap();
    (count, row.to_owned())
}

#[tokio::test]
async fn duties_are_counted_by_year_from_the_ledgers_with_their_records() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let chaired = meeting(&clerk, "党委会研究法治建设", "2026-03-12", "是", "是").await;
    meeting(&clerk, "专题会议", "2026-05-10", "否", "否").await;
    meeting(&clerk, "去年的党委会", "2025-12-30", "是", "否").await;
    let lawsuit = create(
        &clerk,
        "lawsuits",
        &[("title", "不服行政处罚"), ("plaintiff", "沈某"), ("court", "区人民法院"), ("served_on", "2026-04-01")],
    )
    .await;
    step(&clerk, &lawsuit, "answer", &[("answered_on", "2026-04-10")]).await;
    step(
        &clerk,
        &lawsuit,
        "hear",
        &[("hearing_on", "2026-05-20"), ("appeared_as", "行政机关负责人"), ("appeared_name", "李乡长")],
    )
    .await;
    let study = create(
        &clerk,
        "law_study",
        &[("title", "学习宪法"), ("session_type", "集中学法"), ("planned_on", "2026-06-01")],
    )
    .await;
    step(
        &clerk,
        &study,
        "hold",
        &[("held_on", "2026-06-01"), ("led_by_principal", "是"), ("attendees", "40"), ("staff", "45")],
    )
    .await;

    let leader = app.login("t_leader").await;
    let page = leader.get("/duties?year=2026").await.text().await.unwrap();
    let (n, chaired_row) = row(&page, "主持召开研究法治建设的会议");
    assert_eq!(n, 1, "the 2025 meeting and the one another chaired are not counted: {chaired_row}");
    assert!(chaired_row.contains(&format!("href=\"{chaired}\"")) && chaired_row.contains("党委会研究法治建设"));
    assert_eq!(row(&page, "听取法治建设工作汇报").0, 1);
    assert_eq!(row(&page, "出庭应诉").0, 1);
    assert!(row(&page, "出庭应诉").1.contains(&format!("href=\"{lawsuit}\"")));
    assert_eq!(row(&page, "带头学法、讲法治课").0, 1);
    let (n, law_reports) = row(&page, "年终述法");
    assert_eq!(n, 0);
    assert!(law_reports.contains("台账中没有记录"), "an empty duty is said so");
    assert_eq!(row(&leader.get("/duties?year=2025").await.text().await.unwrap(), "主持召开研究法治建设的会议").0, 1);

    // Another township's clerk sees their own township, even when asking for this one.
    let other = app.login("t_other_clerk").await;
    let page = other.get(&format!("/duties?year=2026&org={}", app.orgs.township)).await.text().await.unwrap();
    assert!(page.contains("安稳镇") && !page.contains("杉岭乡2026"), "{page}");
    assert_eq!(row(&page, "主持召开研究法治建设的会议").0, 0);
    // The district picks the township.
    let supervisor = app.login("t_supervisor").await;
    let page = supervisor.get(&format!("/duties?year=2026&org={}", app.orgs.township)).await.text().await.unwrap();
    assert_eq!(row(&page, "出庭应诉").0, 1);
}

#[tokio::test]
async fn each_figure_of_a_year_is_the_count_or_sum_of_its_records() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let mut held = Vec::new();
    for (title, on, materials) in
        [("宪法宣传", "2026-11-04", "500"), ("禁毒宣传", "2026-06-26", "300"), ("去年", "2025-12-04", "900")]
    {
        let r = create(
            &clerk,
            "publicity_events",
            &[
                ("title", title),
                ("planned_on", on),
                ("occasion", "日常普法"),
                ("audience", "进学校"),
                ("organizer", "司法所"),
            ],
        )
        .await;
        step(
            &clerk,
            &r,
            "hold",
            &[("held_on", on), ("place", "杉岭小学"), ("participants", "100"), ("materials", materials)],
        )
        .await;
        held.push(r);
    }
    create(
        &clerk,
        "publicity_events",
        &[
            ("title", "计划中"),
            ("planned_on", "2026-12-20"),
            ("occasion", "日常普法"),
            ("audience", "进乡村"),
            ("organizer", "司法所"),
        ],
    )
    .await;
    let figures = indicators::for_year(&app.db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    let figure = |id: &str| figures.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("{id}"));
    let id_of = |path: &str| path.rsplit('/').next().unwrap().parse::<i64>().unwrap();
    assert_eq!(figure("publicity.events").value, 2);
    assert_eq!(figure("publicity.school_events").value, 2);
    assert_eq!(figure("publicity.materials").value, 800, "500 + 300; last year's 900 is not this year's");
    let ids: Vec<i64> = figure("publicity.materials").records.clone();
    assert_eq!(ids, vec![id_of(&held[0]), id_of(&held[1])]);
    assert_eq!(figure("petitions.total").value, 0, "an empty ledger is stated as 0");
    // Another township's figures hold none of these.
    let other = indicators::for_year(&app.db, &Scope::everything(), app.orgs.other_township, 2026).await.unwrap();
    assert!(other.iter().all(|f| f.value == 0));
}

#[tokio::test]
async fn a_database_from_before_the_figures_table_gets_its_figures_on_start() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    meeting(&clerk, "党委会研究法治建设", "2026-03-12", "是", "是").await;
    let before = indicators::for_year(&app.db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    // As a schema-5 database is: no figure rows kept beside the records, attachments without stages.
    app.db.raw_for_tests().execute_unprepared("DELETE FROM ledger_figures").await.unwrap();
    app.db.raw_for_tests().execute_unprepared("ALTER TABLE ledger_attachments DROP COLUMN stage").await.unwrap();
    common::drop_columns_added_after_schema_6(&app.db).await;
    app.db
        .raw_for_tests()
        .execute_unprepared("UPDATE schema_meta SET value = '5' WHERE key = 'schema_version'")
        .await
        .unwrap();
    app.db.raw_for_tests().execute_unprepared("DELETE FROM schema_meta WHERE key = 'figures_signature'").await.unwrap();
    // Written before sea-orm-migration kept its record of applied migrations.
    app.db.raw_for_tests().execute_unprepared("DROP TABLE seaql_migrations").await.unwrap();
    let emptied = indicators::for_year(&app.db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    assert!(emptied.iter().all(|f| f.value == 0));
    let db = app.test_db.connect().await;
    let after = indicators::for_year(&db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    let value = |figures: &[indicators::Figure], id: &str| figures.iter().find(|f| f.id == id).unwrap().value;
    assert_eq!(value(&after, "leadership.briefings_heard"), 1);
    assert_eq!(value(&after, "leadership.meetings_chaired"), value(&before, "leadership.meetings_chaired"));
    // The attachments gained their stage column: attaching works on the migrated database.
    let record = fazhi_store::ledger::list_summaries(
        &db,
        &Scope::everything(),
        &fazhi_domain::ledgers::leadership_meetings::KIND,
        &Default::default(),
    )
    .await
    .unwrap()
    .page
    .items[0]
        .id;
    let files = fazhi_store::attachments::FileStore::of(&app.db, app.test_db.data_dir.path());
    fazhi_store::attachments::attach(
        &db,
        &files,
        &fazhi_store::Actor::system(),
        &Scope::everything(),
        &fazhi_domain::ledgers::leadership_meetings::KIND,
        record,
        "会议纪要.pdf",
        None,
        b"%PDF-1.4",
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn figures_written_under_other_indicator_declarations_are_written_again_on_start() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    meeting(&clerk, "党委会研究法治建设", "2026-03-12", "是", "是").await;
    // As if an earlier build had declared the indicators differently (and counted nothing).
    app.db.raw_for_tests().execute_unprepared("DELETE FROM ledger_figures").await.unwrap();
    app.db
        .raw_for_tests()
        .execute_unprepared("UPDATE schema_meta SET value = 'earlier' WHERE key = 'figures_signature'")
        .await
        .unwrap();
    let db = app.test_db.connect().await;
    let after = indicators::for_year(&db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    assert_eq!(after.iter().find(|f| f.id == "leadership.briefings_heard").unwrap().value, 1);
    // A second start with the same declarations writes nothing again: the rows keep their ids.
    let rows = |db: &fazhi_store::Db| {
        let db = db.clone();
        async move {
            let count = sea_orm::sea_query::Query::select()
                .expr_as(sea_orm::sea_query::Expr::cust("MAX(id)"), "n")
                .from(sea_orm::sea_query::Alias::new("ledger_figures"))
                .to_owned();
            db.raw_for_tests().query_one(&count).await.unwrap().unwrap().try_get::<i64>("", "n").unwrap()
        }
    };
    let before = rows(&db).await;
    let again = app.test_db.connect().await;
    assert_eq!(rows(&again).await, before);
}

/// A database written by the release before sea-orm-migration (schema 8, no record of applied
/// migrations) starts as it is: its eight versions are noted as applied, none runs again, and
/// nothing stored is touched.
#[tokio::test]
async fn a_database_of_the_previous_release_starts_without_migrating_again() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    meeting(&clerk, "党委会研究法治建设", "2026-03-12", "是", "是").await;
    app.db.raw_for_tests().execute_unprepared("DROP TABLE seaql_migrations").await.unwrap();
    let db = app.test_db.connect().await;
    let applied = sea_orm::sea_query::Query::select()
        .expr_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
        .from(sea_orm::sea_query::Alias::new("seaql_migrations"))
        .to_owned();
    let n: i64 = db.raw_for_tests().query_one(&applied).await.unwrap().unwrap().try_get("", "n").unwrap();
    assert_eq!(n, 19, "every migration marked applied, none run again");
    let figures = indicators::for_year(&db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    assert_eq!(figures.iter().find(|f| f.id == "leadership.briefings_heard").unwrap().value, 1);
    assert!(fazhi_store::audit::verify(&db).await.unwrap().result.is_ok());
}

/// The district sees every township's duties of a year side by side, each cell the count of the
/// township's records, each township a link to its own page; a township sees only its own.
#[tokio::test]
async fn the_district_sees_every_townships_duties_side_by_side() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    meeting(&clerk, "党委会研究法治建设", "2026-03-12", "是", "是").await;
    meeting(&clerk, "政府常务会议听取法治汇报", "2026-06-18", "是", "是").await;
    let supervisor = app.login("t_supervisor").await;
    let page = supervisor.get("/duties?year=2026").await.text().await.unwrap();
    let table = page.split("id=\"duties-all\"").nth(1).expect("the district's table").split("</table>").next().unwrap();
    let cells = |township: &str| -> Vec<String> {
        let row = table.split("<tr>").find(|r| r.contains(&format!(">{township}</a>"))).unwrap();
        row.split("<td class=\"num\">")
            .skip(1)
            .map(|c| c.split("</td>").next().unwrap().replace("<span class=\"tag orange\">", "").replace("</span>", ""))
            .collect()
    };
    // Each cell is what the ledgers count for that township and duty.
    for (org, name) in [(app.orgs.township, "杉岭乡"), (app.orgs.other_township, "安稳镇")] {
        let figures = indicators::for_year(&app.db, &Scope::everything(), org, 2026).await.unwrap();
        let counted: Vec<String> = [
            "leadership.meetings_chaired",
            "leadership.briefings_heard",
            "leadership.law_reports",
            "litigation.head_appeared",
            "study.led_by_principal",
        ]
        .iter()
        .map(|id| figures.iter().filter(|f| f.id == *id).map(|f| f.value).sum::<i64>().to_string())
        .collect();
        assert_eq!(cells(name), counted, "{name}");
    }
    assert_eq!(cells("杉岭乡")[1], "2", "two reports heard");
    assert_eq!(cells("安稳镇")[1], "0");
    assert!(table.contains(&format!("/duties?org={}&amp;year=2026", app.orgs.other_township)), "{table}");
    // The township's leader sees the township's own page only.
    let own = app.login("t_leader").await.get("/duties?year=2026").await.text().await.unwrap();
    assert!(!own.contains("duties-all") && own.contains("杉岭乡2026年"), "{own}");
}
