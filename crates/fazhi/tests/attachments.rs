//! Attachments of ledger records, over HTTP as a clerk and the district would use them: upload on
//! the record's page, download as a file (never shown as a page), refusal of anything not on the
//! list whatever it is called, one stored copy per content, removal kept in the audit trail, and
//! nobody outside the township reaching them.

mod common;

use common::{Session, TestApp};
use fazhi_store::audit::{self, AuditFilter};
use reqwest::StatusCode;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

async fn new_request(s: &Session, title: &str) -> String {
    let r = s
        .post_form(
            "/ledgers/disclosure_requests",
            &[("title", title), ("applicant", "张三"), ("channel", "网络"), ("received_on", "2026-11-02")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    common::location(&r)
}

async fn upload(s: &Session, record: &str, name: &str, bytes: &[u8]) -> (StatusCode, String) {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", s.csrf.clone())
        .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    let r = s.client.post(s.url(&format!("{record}/attachments"))).multipart(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(files_under(&p)) } else { out.push(p) }
    }
    out
}

/// The digests of the contents stored: files under the data folder on SQLite, chunked rows in the
/// database on PostgreSQL.
async fn stored(app: &TestApp) -> Vec<String> {
    if app.db.backend_name() == "PostgreSQL" {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        let sql = "SELECT digest FROM attachment_chunks WHERE seq = 0 ORDER BY digest";
        let rows =
            app.db.raw_for_tests().query_all_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap();
        assert!(files_under(&app.test_db.data_dir.path().join("attachments")).is_empty(), "nothing in the folder");
        return rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect();
    }
    files_under(&app.test_db.data_dir.path().join("attachments"))
        .iter()
        .map(|p| {
            let digest = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(p.ends_with(format!("{}/{digest}", &digest[..2])), "{p:?}");
            digest
        })
        .collect()
}

fn first_attachment_link(page: &str, record: &str) -> String {
    let marker = format!("href=\"{record}/attachments/");
    let start = page.find(&marker).expect("an attachment link") + "href=\"".len();
    page[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_clerk_attaches_a_scan_and_everyone_in_scope_downloads_it_as_a_file() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let record = new_request(&clerk, "某村土地征收补偿方案").await;

    let (status, _) = upload(&clerk, &record, "答复告知书.pdf", PDF).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(page.contains("答复告知书.pdf") && page.contains("1 KB"), "{page}");
    let link = first_attachment_link(&page, &record);

    let r = clerk.get(&link).await;
    assert_eq!(r.status(), StatusCode::OK);
    let headers = r.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;") && disposition.contains("UTF-8''"), "{disposition}");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);

    // Stored once, under its SM3 digest.
    let digest = fazhi_domain::attachment::digest(PDF);
    assert_eq!(stored(&app).await, std::slice::from_ref(&digest));
    // The same scan on a second record is not stored again.
    let second = new_request(&clerk, "另一件申请").await;
    assert_eq!(upload(&clerk, &second, "副本.pdf", PDF).await.0, StatusCode::SEE_OTHER);
    assert_eq!(stored(&app).await.len(), 1);

    // The district reads it; it may not attach.
    let supervisor = app.login("t_supervisor").await;
    assert_eq!(supervisor.get(&link).await.status(), StatusCode::OK);
    let page = supervisor.get(&record).await.text().await.unwrap();
    assert!(
        page.contains("答复告知书.pdf") && !page.contains("multipart/form-data"),
        "no upload form for the district"
    );
    assert_eq!(upload(&supervisor, &record, "x.pdf", PDF).await.0, StatusCode::FORBIDDEN);
    // Another township's clerk and the auditor do not reach it.
    let other = app.login("t_other_clerk").await;
    assert_eq!(other.get(&link).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(upload(&other, &record, "x.pdf", PDF).await.0, StatusCode::NOT_FOUND);
    let auditor = app.login("t_auditor").await;
    assert_eq!(auditor.get(&link).await.status(), StatusCode::FORBIDDEN);

    let trail = audit::list(
        &app.db,
        &AuditFilter { action: Some("ledger.attach".into()), page: 1, page_size: 10, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(trail.total, 2, "each attachment is audited");
    assert!(trail.items[0].after.as_deref().unwrap().contains(&digest));
}

#[tokio::test]
async fn a_page_renamed_to_pdf_and_other_types_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let record = new_request(&clerk, "某申请").await;

    let html = b"<html><body><script>document.location='http://evil'</script></body></html>";
    let (status, page) = upload(&clerk, &record, "纪要.pdf", html).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("附件“纪要.pdf”的内容不是PDF文件"), "{page}");
    let (status, page) = upload(&clerk, &record, "page.html", html).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("类型不允许上传") && page.contains(".pdf"), "{page}");
    let (status, page) = upload(&clerk, &record, "空.pdf", b"").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("空文件"), "{page}");

    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(page.contains("暂无附件"), "{page}");
    assert!(stored(&app).await.is_empty());
}

#[tokio::test]
async fn the_api_attaches_lists_downloads_and_removes_with_an_audit_record() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let record = new_request(&clerk, "某申请").await;
    let id: i64 = record.rsplit('/').next().unwrap().parse().unwrap();
    let base = format!("/api/v1/ledgers/disclosure_requests/{id}/attachments");

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let r = clerk
        .client
        .post(clerk.url(&format!("{base}?name=%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png")))
        .header("x-csrf-token", &clerk.csrf)
        .body(png.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let saved: serde_json::Value = r.json().await.unwrap();
    assert_eq!(saved["file_name"], "现场照片.png");
    assert_eq!(saved["media_type"], "image/png");
    let aid = saved["id"].as_i64().unwrap();

    let listed: serde_json::Value = clerk.api(reqwest::Method::GET, &base, None).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let r = clerk.api(reqwest::Method::GET, &format!("{base}/{aid}"), None).await;
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), png.as_slice());

    let refused = clerk
        .client
        .post(clerk.url(&format!("{base}?name=a.svg")))
        .header("x-csrf-token", &clerk.csrf)
        .body("<svg onload=alert(1)/>")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["field"], "file", "{body}");
    let nameless =
        clerk.client.post(clerk.url(&base)).header("x-csrf-token", &clerk.csrf).body(png.clone()).send().await.unwrap();
    assert_eq!(nameless.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = nameless.json().await.unwrap();
    assert_eq!(body["field"], "name", "{body}");
    assert!(body["message"].as_str().unwrap().contains("文件名"), "{body}");
    let listed: serde_json::Value = clerk.api(reqwest::Method::GET, &base, None).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "nothing stored by the refused uploads");

    let supervisor = app.login("t_supervisor").await;
    let r = supervisor.api(reqwest::Method::DELETE, &format!("{base}/{aid}"), None).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = clerk.api(reqwest::Method::DELETE, &format!("{base}/{aid}"), None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(clerk.api(reqwest::Method::GET, &format!("{base}/{aid}"), None).await.status(), StatusCode::NOT_FOUND);
    let listed: serde_json::Value = clerk.api(reqwest::Method::GET, &base, None).await.json().await.unwrap();
    assert!(listed.as_array().unwrap().is_empty());
    let trail = audit::list(
        &app.db,
        &AuditFilter { action: Some("ledger.detach".into()), page: 1, page_size: 10, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(trail.total, 1);
    assert!(trail.items[0].before.as_deref().unwrap().contains("现场照片.png"));
}
