//! The working-day calendar: loading a year's notice at the command line, in the UI and through the
//! API; refusals that store nothing; the period calculator.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};

/// A made-up notice for 2027 (the real one is not published yet): 元旦 on Friday 1-1 and Monday 1-4.
const NOTICE_2027: &str = r#"{"year": 2027, "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "元旦", "date": "2027-01-04", "isOffDay": true}
]}"#;

use common::fazhi_on as fazhi;

async fn calendar_loads(app: &TestApp) -> usize {
    let filter = fazhi_store::audit::AuditFilter {
        action: Some("calendar.load".into()),
        page: 1,
        page_size: 200,
        ..Default::default()
    };
    fazhi_store::audit::list(&app.db, &filter).await.unwrap().items.len()
}

/// A multipart upload as a browser sends the form: the CSRF field, then the file.
fn upload(csrf: Option<&str>, file: &str) -> (String, Vec<u8>) {
    let boundary = "----fazhi-test-boundary";
    let mut body = String::new();
    if let Some(token) = csrf {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"2027.json\"\r\nContent-Type: application/json\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

#[tokio::test]
async fn the_command_line_loads_a_year_and_the_count_becomes_final() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let count = ["calendar", "count", "2026-12-28", "5", "--working-days"];

    let (ok, out, err) = fazhi(&app, &count);
    assert!(ok, "{err}");
    assert!(out.contains("到期日 2027年1月4日") && out.contains("暂定"), "{out}");

    // A broken file is refused with its reason, and nothing is stored.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"year": 2027, "days": [{"date": "2027-02-30", "isOffDay": true}]}"#).unwrap();
    let (ok, _, err) = fazhi(&app, &["calendar", "load", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("第 1 个日期“2027-02-30”格式不对"), "{err}");
    let (_, out, _) = fazhi(&app, &["calendar", "list"]);
    assert!(out.lines().any(|l| l.starts_with("2027") && l.contains("未公布")), "{out}");
    assert_eq!(calendar_loads(&app).await, 0);

    let good = dir.path().join("2027.json");
    std::fs::write(&good, NOTICE_2027).unwrap();
    let (ok, out, err) = fazhi(&app, &["calendar", "load", good.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("已载入 2027 年放假安排"), "{out}");
    let (_, out, _) = fazhi(&app, &["calendar", "list"]);
    assert!(out.lines().any(|l| l.starts_with("2027") && l.contains("管理员载入")), "{out}");

    let (_, out, _) = fazhi(&app, &count);
    assert!(out.contains("到期日 2027年1月6日") && !out.contains("暂定"), "{out}");
    assert!(out.contains("元旦"), "{out}");
    assert_eq!(calendar_loads(&app).await, 1, "the load is in the audit trail");
}

#[tokio::test]
async fn an_administrator_uploads_a_notice_in_the_ui() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;

    let page = admin.get("/calendar").await.text().await.unwrap();
    assert!(page.contains("载入放假安排") && page.contains("尚未公布"), "{page}");

    // Without the CSRF field the upload is refused and nothing is stored.
    let (content_type, body) = upload(None, NOTICE_2027);
    let r =
        admin.client.post(admin.url("/calendar")).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(calendar_loads(&app).await, 0);

    // A file that is not a notice gets the reason on the page.
    let (content_type, body) = upload(Some(&admin.csrf), "这不是 JSON");
    let r =
        admin.client.post(admin.url("/calendar")).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("节假日文件不是有效的 JSON"));
    assert_eq!(calendar_loads(&app).await, 0);

    let (content_type, body) = upload(Some(&admin.csrf), NOTICE_2027);
    let r =
        admin.client.post(admin.url("/calendar")).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("已载入 2027 年放假安排（2 天）"), "{page}");
    assert_eq!(calendar_loads(&app).await, 1);

    // The calculator counts on the new year, for a clerk too, who sees no upload form.
    let clerk = app.login("t_clerk").await;
    let page = clerk.get("/calendar?start=2026-12-28&days=5&unit=working").await.text().await.unwrap();
    let explanation = page.split("id=\"count-explanation\"").nth(1).expect("the count is shown");
    assert!(explanation.contains("到期日 2027年1月6日") && !explanation.contains("暂定"), "{page}");
    assert!(!page.contains("载入放假安排"));
    let page = clerk.get("/calendar?start=2026-13-01&days=5").await.text().await.unwrap();
    assert!(page.contains("起算日期格式应为"), "{page}");
}

#[tokio::test]
async fn the_api_loads_and_counts() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    let send = |body: &'static str| {
        admin
            .client
            .post(admin.url("/api/v1/calendar"))
            .header("x-csrf-token", &admin.csrf)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = send(r#"{"year": 2027, "days": []}"#).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["field"], "file");
    assert!(e["message"].as_str().unwrap().contains("没有列出任何日期"), "{e}");
    assert_eq!(calendar_loads(&app).await, 0);

    let r = send(NOTICE_2027).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let year: serde_json::Value = r.json().await.unwrap();
    assert_eq!((year["year"].as_i64(), year["day_count"].as_u64()), (Some(2027), Some(2)));

    let r = admin.api(Method::GET, "/api/v1/calendar/count?start=2026-02-14&days=20", None).await;
    let counted: serde_json::Value = r.json().await.unwrap();
    assert_eq!(counted["due"], "2026-03-20", "{counted}");
    assert_eq!(counted["provisional"], false);
    let r = admin.api(Method::GET, "/api/v1/calendar/count?start=2026-02-14&days=0", None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["field"], "days");

    let years: Vec<serde_json::Value> = admin.api(Method::GET, "/api/v1/calendar", None).await.json().await.unwrap();
    assert_eq!(years[0]["year"], 2027);
    assert_eq!(years[0]["source"], "管理员载入");
}

/// An open working-day deadline that runs into a year not yet published is provisional; loading
/// that year's notice recounts it over the holiday, in the same transaction as the load.
#[tokio::test]
async fn loading_a_year_recounts_the_open_deadlines_that_run_into_it() {
    use fazhi_domain::ledger::ActorFacts;
    use fazhi_domain::role::Role;
    let app = TestApp::spawn().await;
    let kind = &fazhi_domain::ledgers::disclosure_requests::KIND;
    let leader = ActorFacts { name: "乡长", roles: &[Role::Leader], principal_leader: false };
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let input =
        [("title", "某村2025年低保名单"), ("applicant", "张三"), ("channel", "邮寄"), ("received_on", "2026-11-30")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    let scope = fazhi_store::Scope::everything();
    let actor = fazhi_store::Actor::system();
    let r = fazhi_store::ledger::create(&app.db, &actor, &scope, kind, app.orgs.township, &input, &rules.ctx())
        .await
        .unwrap();
    // Twenty working days and twenty more by extension: the reply is due in January 2027.
    let extension =
        [("extension_days", "20"), ("extension_reason", "需调取历年档案"), ("extension_notified_on", "2026-11-30")];
    common::take_ledger_step(&app.db, kind, r, "extend", &extension, leader).await;
    let reply_due = || async {
        let rules = fazhi_store::rules::current(&app.db).await.unwrap();
        let day = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (items, _) = fazhi_store::ledger::due_by(
            &app.db,
            &scope,
            day("2026-11-30"),
            day("2028-12-31"),
            10,
            None,
            &Default::default(),
            &rules.ctx(),
        )
        .await
        .unwrap();
        let item = items.into_iter().find(|i| i.code == "reply").expect("the reply limit is open");
        (item.due.to_string(), item.provisional)
    };
    // 2027's holidays are not published yet: counted on weekdays, and said to be provisional.
    let (before, provisional) = reply_due().await;
    assert!(provisional && before.starts_with("2027-01"), "{before}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2027.json");
    std::fs::write(&file, NOTICE_2027).unwrap();
    let (ok, _, err) = fazhi(&app, &["calendar", "load", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    // The notice gives 1 and 4 January off: two working days later, and final.
    let (after, provisional) = reply_due().await;
    assert!(!provisional);
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let weekdays_between = (day(&before).succ_opt().unwrap().iter_days().take_while(|d| *d <= day(&after)))
        .filter(|d| chrono::Datelike::weekday(d).number_from_monday() <= 5)
        .count();
    assert_eq!(weekdays_between, 2, "{before} → {after}");
    common::assert_open_counts_match(&app.db).await;
}
