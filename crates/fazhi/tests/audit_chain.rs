//! Tampering with the audit trail directly in the database; `fazhi audit verify` must name the
//! first record that was altered, removed or reordered.

mod common;

use std::process::{Command, Output};

use common::TestApp;
use sea_orm::ConnectionTrait;

fn verify(app: &TestApp) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(app.test_db.backend_args())
        .args(["audit", "verify"])
        .output()
        .expect("run fazhi")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A server with a few dozen audit records: the seeding, logins and changes made over HTTP.
async fn app_with_history() -> TestApp {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    for i in 0..3 {
        let r = admin
            .post_form(
                "/orgs",
                &[("name", &format!("新村{i}")), ("kind", "village"), ("parent_id", &app.orgs.township.to_string())],
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    }
    app
}

async fn sql(app: &TestApp, statement: &str) {
    app.db.conn().execute_unprepared(statement).await.unwrap();
}

#[tokio::test]
async fn an_intact_chain_verifies() {
    let app = app_with_history().await;
    let out = verify(&app);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("审计链完整"));
}

#[tokio::test]
async fn an_altered_record_is_named() {
    let app = app_with_history().await;
    sql(&app, "UPDATE audit_records SET actor_name = '他人' WHERE id = 7").await;
    let out = verify(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("#7 的内容已被篡改"), "{}", stdout(&out));
}

#[tokio::test]
async fn an_altered_change_value_is_named() {
    let app = app_with_history().await;
    sql(&app, "UPDATE audit_records SET after_json = '{}' WHERE id = 12").await;
    let out = verify(&app);
    assert!(stdout(&out).contains("#12 的内容已被篡改"), "{}", stdout(&out));
}

#[tokio::test]
async fn a_removed_record_is_named_by_the_one_after_it() {
    let app = app_with_history().await;
    sql(&app, "DELETE FROM audit_records WHERE id = 5").await;
    let out = verify(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("#6 与前一条记录不相衔接"), "{}", stdout(&out));
}

#[tokio::test]
async fn swapped_records_are_named() {
    let app = app_with_history().await;
    sql(&app, "UPDATE audit_records SET id = -1 WHERE id = 8").await;
    sql(&app, "UPDATE audit_records SET id = 8 WHERE id = 9").await;
    sql(&app, "UPDATE audit_records SET id = 9 WHERE id = -1").await;
    let out = verify(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("#8 与前一条记录不相衔接"), "{}", stdout(&out));
}

#[tokio::test]
async fn records_cut_from_the_end_are_noticed() {
    let app = app_with_history().await;
    let head = fazhi_store::audit::verify(&app.db).await.unwrap().head_id;
    sql(&app, &format!("DELETE FROM audit_records WHERE id >= {}", head - 1)).await;
    let out = verify(&app);
    assert_eq!(out.status.code(), Some(1));
    let expected = format!("#{} 之后的记录缺失", head - 2);
    assert!(stdout(&out).contains(&expected), "{}", stdout(&out));
}

#[tokio::test]
async fn the_auditor_reads_the_trail_filtered_by_user_and_date() {
    let app = app_with_history().await;
    let auditor = app.login("t_auditor").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string();
    let page = auditor.get(&format!("/audit?user=t_admin&from={today}&to={today}")).await.text().await.unwrap();
    assert!(page.contains("新增机构") && page.contains("新村2"));
    assert!(!page.contains("测试t_auditor("), "filtered to the administrator's records");
    let bad = auditor.get("/audit?from=2026-13-01").await.text().await.unwrap();
    assert!(bad.contains("开始日期格式应为"));
    let json: serde_json::Value = auditor
        .api(reqwest::Method::GET, &format!("/api/v1/audit?user=t_admin&action=org.create&from={today}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["total"], 3);
}

#[tokio::test]
async fn the_trail_pages_newest_first_and_every_page_gives_the_total() {
    let app = app_with_history().await;
    let auditor = app.login("t_auditor").await;
    let page = |n: u32| {
        let auditor = &auditor;
        async move {
            let json: serde_json::Value = auditor
                .api(
                    reqwest::Method::GET,
                    &format!("/api/v1/audit?user=t_admin&action=org.create&page_size=2&page={n}"),
                    None,
                )
                .await
                .json()
                .await
                .unwrap();
            let names: Vec<String> = json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["after"].as_str().unwrap_or_default().to_owned())
                .collect();
            (json["total"].as_u64().unwrap(), names)
        }
    };
    let (total, first) = page(1).await;
    assert_eq!(total, 3);
    assert_eq!(first.len(), 2);
    assert!(first[0].contains("新村2") && first[1].contains("新村1"), "{first:?}");
    let (total, second) = page(2).await;
    assert_eq!(total, 3);
    assert_eq!(second.len(), 1);
    assert!(second[0].contains("新村0"), "{second:?}");
    let (total, past_the_end) = page(5).await;
    assert_eq!((total, past_the_end.len()), (3, 0), "a page past the end still says how many there are");
}
