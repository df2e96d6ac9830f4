//! One policy for citizens' personal data: the store masks what a caller's scope does not show
//! (outside the caller's township, or for administrators and auditors), on every read — a record,
//! a list, an export, a search — and the web layer cannot build a scope that shows more.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn the_district_reads_no_citizen_by_name_anywhere() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let r = clerk
        .post_form(
            "/ledgers/petitions",
            &[
                ("title", "反映村道积水"),
                ("petitioner", "张三丰"),
                ("contact", "13812345678"),
                ("channel", "来信"),
                ("topic", "城乡建设"),
                ("source", "信访人直接提出"),
                ("received_on", "2026-11-02"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let record = common::location(&r);
    let id = record.rsplit('/').next().unwrap();
    let clerk_page = clerk.get(&record).await.text().await.unwrap();
    assert!(clerk_page.contains("张三丰") && clerk_page.contains("13812345678"), "the township sees its own");

    let supervisor = app.login("t_supervisor").await;
    let leaks = |text: &str| text.contains("张三丰") || text.contains("13812345678");
    // The record's page, the API's record and list.
    let page = supervisor.get(&record).await.text().await.unwrap();
    assert!(!leaks(&page) && page.contains("张**"), "{page}");
    for path in [format!("/api/v1/ledgers/petitions/{id}"), "/api/v1/ledgers/petitions".to_owned()] {
        let body = supervisor.api(Method::GET, &path, None).await.text().await.unwrap();
        assert!(!leaks(&body), "{path}: {body}");
    }
    // The export.
    let file = supervisor.get("/ledgers/petitions/export").await.bytes().await.unwrap().to_vec();
    let sheet = fazhi_office::xlsx::read_sheet(&file).unwrap();
    assert!(sheet.rows().all(|(_, cells)| cells.iter().all(|c| !leaks(c))));
    // A search by the citizen's name finds nothing for the district, the record for the township.
    assert_eq!(found(&supervisor).await, 0, "the district cannot confirm a citizen by searching the name");
    assert_eq!(found(&clerk).await, 1);
    let list = supervisor.get("/ledgers/petitions?q=张三丰").await.text().await.unwrap();
    assert!(!list.contains("反映村道积水"), "{list}");
    // The auditor, inside no township's business, sees the record masked too.
    let auditor = app.login("t_auditor").await;
    let audit = auditor.api(Method::GET, "/api/v1/audit?object_type=petitions", None).await.text().await.unwrap();
    assert!(!leaks(&audit), "{audit}");
}

/// The web layer never builds a scope of its own: every scope it holds comes from the signed-in
/// principal (`Principal::scope`) or masks everything (`Scope::masked`). A handler that wanted
/// unmasked values would have to write one of these, and this test names it.
#[test]
fn the_web_layer_builds_no_scope_that_shows_more() {
    let offenders = web_lines(|line| {
        // A literal `Scope { … }`, not a function returning one.
        (line.contains("Scope {") && !line.contains("-> "))
            || line.contains("Scope::everything")
            || line.contains("PersonalData::")
    });
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// Handlers take the `Caller` (who, from where, what they may see) and return errors with `?`,
/// drawn by the one error table: none reaches into request extensions for the identity or its
/// address, and none renders an error page itself.
#[test]
fn handlers_take_the_caller_and_leave_errors_to_the_table() {
    let offenders = web_lines(|line| {
        ["Extension<Caller>", "Extension<Identity>", "Extension<ClientIp>", "store_error_page"]
            .iter()
            .any(|needle| line.contains(needle))
    });
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// Every line of the web crate's sources that `offends`, with its file and number.
fn web_lines(offends: impl Fn(&str) -> bool) -> Vec<String> {
    let mut offenders = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fazhi-web/src");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if offends(line) {
                        offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    offenders
}

async fn found(s: &common::Session) -> usize {
    let body: serde_json::Value =
        s.api(Method::GET, "/api/v1/ledgers/petitions?q=张三丰", None).await.json().await.unwrap();
    body["items"].as_array().unwrap().len()
}
