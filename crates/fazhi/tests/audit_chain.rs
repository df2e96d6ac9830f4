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
    app.db.raw_for_tests().execute_unprepared(statement).await.unwrap();
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

fn run(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi")).args(app.test_db.backend_args()).args(args).output().expect("run fazhi")
}

/// Computes every digest from record `from` on again with the unkeyed SM3 the chain used before
/// it was keyed, as someone with write access to the database but not the key can.
async fn rechain_unkeyed(app: &TestApp, from: i64) {
    use sea_orm::Statement;
    let conn = app.db.raw_for_tests();
    let backend = conn.get_database_backend();
    let q = |s: String| Statement::from_string(backend, s);
    let mut prev: String =
        match conn.query_one_raw(q(format!("SELECT hash FROM audit_records WHERE id = {}", from - 1))).await.unwrap() {
            Some(row) => row.try_get("", "hash").unwrap(),
            None => fazhi_domain::audit::GENESIS_HASH.to_owned(),
        };
    let rows = conn
        .query_all_raw(q(format!("SELECT id, at, actor_id, actor_name, ip, action, object_type, object_id, before_json, after_json FROM audit_records WHERE id >= {from} ORDER BY id")))
        .await
        .unwrap();
    for row in rows {
        let content = fazhi_domain::audit::AuditContent {
            id: row.try_get("", "id").unwrap(),
            at: row.try_get("", "at").unwrap(),
            actor_id: row.try_get("", "actor_id").unwrap(),
            actor_name: row.try_get("", "actor_name").unwrap(),
            ip: row.try_get("", "ip").unwrap(),
            action: row.try_get("", "action").unwrap(),
            object_type: row.try_get("", "object_type").unwrap(),
            object_id: row.try_get("", "object_id").unwrap(),
            before: row.try_get("", "before_json").unwrap(),
            after: row.try_get("", "after_json").unwrap(),
        };
        let hash = fazhi_domain::audit::unkeyed_chain_hash(&prev, &content);
        sql(app, &format!("UPDATE audit_records SET prev_hash = '{prev}', hash = '{hash}' WHERE id = {}", content.id))
            .await;
        prev = hash;
    }
    sql(app, &format!("UPDATE audit_head SET last_hash = '{prev}'")).await;
}

/// What an intruder with write access to the database but not the key does: edit a record and
/// compute every digest from it onward again.
#[tokio::test]
async fn a_chain_recomputed_without_the_key_is_caught() {
    let app = app_with_history().await;
    sql(&app, "UPDATE audit_records SET actor_name = '他人' WHERE id = 7").await;
    rechain_unkeyed(&app, 7).await;
    let out = verify(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("#7 的内容已被篡改"), "{}", stdout(&out));
}

/// A database of the release before the key: its unkeyed chain is verified as it stands, signed
/// anew under the key on start, and the re-keying is the chain's last record.
#[tokio::test]
async fn a_chain_from_before_the_key_is_verified_and_signed_anew_on_start() {
    let app = app_with_history().await;
    rechain_unkeyed(&app, 1).await;
    sql(&app, "DELETE FROM schema_meta WHERE key = 'audit_key'").await;
    sql(&app, "UPDATE schema_meta SET value = '6' WHERE key = 'schema_version'").await;
    common::drop_columns_added_after_schema_6(&app.db).await;
    let before = fazhi_store::audit::list(&app.db, &Default::default()).await.unwrap().total;
    let db = app.test_db.connect().await;
    let report = fazhi_store::audit::verify(&db).await.unwrap();
    assert!(report.result.is_ok(), "{:?}", report.result);
    assert_eq!(report.checked, before + 1);
    let last = &fazhi_store::audit::list(&db, &Default::default()).await.unwrap().items[0];
    assert_eq!(last.action, "audit.rekey");
    assert!(last.after.as_deref().unwrap().contains("完整"), "{:?}", last.after);
    assert!(verify(&app).status.success());
}

/// Cutting records from the end and rewinding the head leaves a chain that is whole in itself;
/// the checkpoint the auditor kept outside the system shows what is missing.
#[tokio::test]
async fn records_cut_with_the_head_rewound_are_caught_by_a_checkpoint() {
    let app = app_with_history().await;
    let out = run(&app, &["audit", "checkpoint"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let checkpoint = app.test_db.data_dir.path().join("checkpoint.json");
    std::fs::write(&checkpoint, &out.stdout).unwrap();
    let path = checkpoint.display().to_string();
    let whole = run(&app, &["audit", "verify", "--checkpoint", &path]);
    assert!(whole.status.success(), "{}", stdout(&whole));
    assert!(stdout(&whole).contains("与检查点"), "{}", stdout(&whole));

    let head = fazhi_store::audit::verify(&app.db).await.unwrap().head_id;
    sql(&app, &format!("DELETE FROM audit_records WHERE id > {}", head - 3)).await;
    sql(
        &app,
        &format!(
            "UPDATE audit_head SET last_id = {0}, last_hash = (SELECT hash FROM audit_records WHERE id = {0})",
            head - 3
        ),
    )
    .await;
    assert!(verify(&app).status.success(), "without the checkpoint the shortened chain looks whole");
    let cut = run(&app, &["audit", "verify", "--checkpoint", &path]);
    assert_eq!(cut.status.code(), Some(1));
    assert!(stdout(&cut).contains("被截去"), "{}", stdout(&cut));

    // The auditor can run the same check from the audit page.
    let auditor = app.login("t_auditor").await;
    let text = std::fs::read_to_string(&checkpoint).unwrap();
    let page = auditor.post_form("/audit/verify", &[("checkpoint", text.as_str())]).await;
    assert_eq!(page.status(), reqwest::StatusCode::CONFLICT);
    assert!(page.text().await.unwrap().contains("被截去"));
}

#[tokio::test]
async fn the_auditor_sees_citizens_particulars_masked_and_refusals_are_on_the_trail() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let created = clerk
        .api(
            reqwest::Method::POST,
            "/api/v1/ledgers/petitions",
            Some(serde_json::json!({
                "title": "宅基地界址纠纷", "petitioner": "王建国", "contact": "13912345678", "channel": "来访",
                "topic": "城乡建设", "source": "信访人直接提出", "received_on": "2026-11-02"})),
        )
        .await;
    assert!(created.status().is_success(), "{}", created.text().await.unwrap());
    // A clerk trying the user list is refused, and the refusal is recorded.
    assert_eq!(clerk.get("/users").await.status(), reqwest::StatusCode::FORBIDDEN);
    // So is a program that brings no credentials.
    let anonymous = common::client().get(app.url("/api/v1/ledgers/petitions")).send().await.unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);

    let auditor = app.login("t_auditor").await;
    let trail = auditor.api(reqwest::Method::GET, "/api/v1/audit?page_size=200", None).await.text().await.unwrap();
    assert!(!trail.contains("王建国") && !trail.contains("13912345678"), "personal values are masked");
    assert!(trail.contains("宅基地界址纠纷"), "the rest of the change is shown");
    assert!(trail.contains("security.refused") && trail.contains("GET /users"));
    assert!(trail.contains("unauthenticated") && trail.contains("GET /api/v1/ledgers/petitions"));
    let page = auditor.get("/audit").await.text().await.unwrap();
    assert!(page.contains("拒绝访问"));
}
