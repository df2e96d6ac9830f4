//! What an assessor throws at the server: absurd page numbers, malformed addresses, hidden
//! characters, forged proxy headers, and the headers every answer must carry.

mod common;

use common::{PASSWORD, TestApp, client};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn page_numbers_out_of_range_get_a_chinese_400_not_a_crash() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let auditor = app.login("t_auditor").await;
    let admin = app.login("t_admin").await;
    let huge = "9223372036854775807";
    for (who, path) in [
        (&clerk, format!("/ledgers/petitions?page={huge}")),
        (&auditor, format!("/audit?page={huge}")),
        (&admin, format!("/users?page={huge}")),
    ] {
        let r = who.get(&path).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(r.text().await.unwrap().contains("页码须为1至100000之间的整数"), "{path}");
    }
    let api = clerk.api(Method::GET, &format!("/api/v1/ledgers/petitions?page={huge}"), None).await;
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    assert_eq!(api.json::<Value>().await.unwrap()["field"], "page");
    let size = auditor.api(Method::GET, "/api/v1/audit?page_size=100000", None).await;
    assert_eq!(size.json::<Value>().await.unwrap()["field"], "page_size");

    // Not a number at all: a Chinese answer naming the parameter, in the caller's surface.
    let text = clerk.get("/ledgers/petitions?page=abc").await;
    assert_eq!(text.status(), StatusCode::BAD_REQUEST);
    let body = text.text().await.unwrap();
    assert!(body.contains("查询参数“page”的值无效") && !body.contains("Failed to deserialize"), "{body}");
    let json = clerk.api(Method::GET, "/api/v1/ledgers/petitions?page=abc", None).await;
    assert_eq!(json.json::<Value>().await.unwrap()["field"], "page");
    // A path segment that is not an id names nothing.
    let page = clerk.get("/reports/abc").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("地址有误"));
    let api = clerk.api(Method::GET, "/api/v1/reports/abc", None).await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.headers()["content-type"], "application/json");
    // A ledger kind that does not exist, in every surface and route alike.
    for path in ["/ledgers/nosuch", "/ledgers/nosuch/new", "/ledgers/nosuch/12"] {
        let page = clerk.get(path).await;
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(page.text().await.unwrap().contains("没有这种台账"), "{path}");
    }
    let api = clerk.api(Method::GET, "/api/v1/ledgers/nosuch/12", None).await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    let body = api.json::<Value>().await.unwrap();
    assert_eq!((body["code"].as_str(), body["message"].as_str()), (Some("not_found"), Some("没有这种台账")));
}

#[tokio::test]
async fn nul_and_bidirectional_controls_are_refused_on_every_database() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    for (title, code) in [("关于\u{0}印发", "U+0000"), ("报告\u{202E}fdp.exe", "U+202E")] {
        let r = clerk
            .api(
                Method::POST,
                "/api/v1/ledgers/decisions",
                Some(json!({"title": title, "catalogue_year": "2026", "lead_unit": "党政办"})),
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{code}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["field"], "title");
        assert!(body["message"].as_str().unwrap().contains(code), "{body}");
    }
    // Paragraphs are bounded too: 2,000 characters unless a field declares more.
    let long = "很".repeat(2001);
    let r = clerk
        .api(
            Method::POST,
            "/api/v1/ledgers/decision_catalogue",
            Some(json!({"title": "杉岭乡2026年度重大行政决策事项目录", "catalogue_year": "2026", "items": long})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("最多 2000 个字"));
    // A NUL at the anonymous sign-in is a wrong name, not a server error (PostgreSQL refuses NUL).
    let c = client();
    let r = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "t_cl\u{0}erk", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let listed = fazhi_store::ledger::list(
        &app.db,
        &fazhi_store::Scope::everything(),
        &fazhi_domain::ledgers::decisions::KIND,
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(listed.page.total, 0, "nothing was stored");
}

#[tokio::test]
async fn behind_a_proxy_only_an_address_is_taken_from_x_forwarded_for() {
    let test_db = common::TestDb::new(common::postgres_base_url().as_deref()).await;
    let db = test_db.connect().await;
    common::seed_orgs(&db).await;
    let config = fazhi_web::WebConfig { secure_cookies: true, trust_proxy: true, public_url: None };
    let address = common::serve_with_config(db.clone(), test_db.data_dir.path(), config).await;
    let c = client();
    for forwarded in ["<script>alert(1)</script>", "203.0.113.9, 10.0.0.1"] {
        c.post(format!("{address}/api/v1/session"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"username": "nobody_here", "password": "x"}))
            .send()
            .await
            .unwrap();
    }
    let trail = fazhi_store::audit::list(&db, &Default::default()).await.unwrap();
    let addresses: Vec<&str> =
        trail.items.iter().filter(|r| r.action == "auth.login_failed").map(|r| r.ip.as_str()).collect();
    assert!(addresses.contains(&"203.0.113.9"), "{addresses:?}");
    assert!(addresses.contains(&"127.0.0.1"), "markup is not an address: the connection's is kept");
    assert!(!addresses.iter().any(|a| a.contains('<')));
    // With an https public URL every answer carries HSTS.
    let r = c.get(format!("{address}/login")).send().await.unwrap();
    assert!(r.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}

#[tokio::test]
async fn signed_in_answers_are_not_cached_and_a_wrong_method_is_405() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let page = clerk.get("/ledgers/petitions").await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let api = clerk.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(api.headers()["cache-control"], "no-store");
    // A method no route takes is answered as such, cookie or not, instead of as a CSRF failure.
    let wrong = clerk.client.put(app.url("/orgs")).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong.text().await.unwrap().contains("不支持此请求方法"));
    let api = clerk.client.put(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.json::<Value>().await.unwrap()["code"], "method_not_allowed");
    // A body over the limit: the same shape, in Chinese.
    let big = clerk
        .client
        .post(app.url("/api/v1/ledgers/decisions"))
        .header("x-csrf-token", &clerk.csrf)
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.json::<Value>().await.unwrap()["code"], "payload_too_large");
    let no_hsts = clerk.get("/").await;
    assert!(no_hsts.headers().get("strict-transport-security").is_none(), "only with an https public URL");
    // Every answer, refusals too, carries the id its log lines are found by; each its own.
    let (refused_page, refused_api) = wrong_ids(&app).await;
    let ids: Vec<String> = [&page, &refused_page, &refused_api]
        .iter()
        .map(|r| r.headers()["x-request-id"].to_str().unwrap().to_owned())
        .collect();
    assert!(ids.iter().all(|id| id.len() >= 32), "{ids:?}");
    assert!(ids[0] != ids[1] && ids[1] != ids[2], "{ids:?}");
}

/// A refused page and a refused API call, signed out.
async fn wrong_ids(app: &TestApp) -> (reqwest::Response, reqwest::Response) {
    let anonymous = client();
    let page = anonymous.get(app.url("/ledgers/petitions")).send().await.unwrap();
    let api = anonymous.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    (page, api)
}

/// A setting given a bad value stops the program with a Chinese message naming it, rather than
/// being silently ignored.
#[test]
fn a_bad_pool_size_stops_the_program_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["--data-dir", &dir.path().display().to_string(), "org", "list"])
        .env("FAZHI_DB_POOL", "abc")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("FAZHI_DB_POOL）应为 1 到 256 之间的整数，现为“abc”"), "{err}");
}
