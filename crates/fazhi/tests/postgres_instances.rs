//! Two server processes on one PostgreSQL: sessions and the audit chain are shared through the
//! database, so either instance serves any user and concurrent writes keep one unbroken chain.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{PASSWORD, TestDb, add_user, seed_orgs};
use fazhi_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A server on the test's database, with the data folder that holds its audit key: instances on
/// one PostgreSQL share the key (and nothing else: attachments live in the database).
fn start(test_db: &TestDb) -> Server {
    start_in(test_db, test_db.data_dir.path())
}

/// A server on the test's database with a data folder of its own, holding only the audit key.
fn start_in(test_db: &TestDb, data_dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["--data-dir", &data_dir.display().to_string(), "--database-url", &test_db.url])
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let start = line.find("http://").expect("the server prints its address");
    let address = line[start..].split_whitespace().next().unwrap().to_owned();
    Server { child, address }
}

/// Signs in through the API of one instance: the session cookie and the CSRF token.
async fn sign_in(client: &reqwest::Client, address: &str, username: &str) -> (String, String) {
    let login = client
        .post(format!("{address}/api/v1/session"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = login.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
    (cookie, csrf)
}

#[tokio::test]
async fn a_session_opened_on_one_instance_works_on_the_other() {
    let Some(base) = common::postgres_or_skip("a_session_opened_on_one_instance_works_on_the_other") else { return };
    let test_db = TestDb::new(Some(&base)).await;
    let db = test_db.connect().await;
    let orgs = seed_orgs(&db).await;
    add_user(&db, "pg_admin", orgs.district, vec![Role::Admin], false).await;
    common::without_two_factor(&db, "pg_admin").await;
    let a = start(&test_db);
    let b = start(&test_db);
    assert_ne!(a.address, b.address);

    let client = reqwest::Client::new();
    let (cookie, csrf) = sign_in(&client, &a.address, "pg_admin").await;

    let me: Value = client
        .get(format!("{}/api/v1/me", b.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "pg_admin", "instance B knows the session opened on A");

    // Concurrent writes through both instances: every one lands, and the audit chain stays whole.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let address = if i % 2 == 0 { a.address.clone() } else { b.address.clone() };
        let (client, cookie, csrf) = (client.clone(), cookie.clone(), csrf.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(format!("{address}/api/v1/orgs"))
                .header("cookie", cookie)
                .header("x-csrf-token", csrf)
                .json(&json!({"name": format!("并发村{i}"), "kind": "village", "parent_id": orgs.township}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let report = fazhi_store::audit::verify(&db).await.unwrap();
    assert!(report.result.is_ok(), "{:?}", report.result);

    let logout = client
        .delete(format!("{}/api/v1/session", b.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let after = client.get(format!("{}/api/v1/me", a.address)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED, "logging out on B ends the session on A");
}

/// Fifty documents registered at once through two server processes on one PostgreSQL get the
/// numbers 1 to 50 of their township and year: no gap, no number twice.
#[tokio::test]
async fn two_processes_draw_fifty_consecutive_document_numbers() {
    let Some(base) = common::postgres_or_skip("two_processes_draw_fifty_consecutive_document_numbers") else { return };
    let test_db = TestDb::new(Some(&base)).await;
    let db = test_db.connect().await;
    let orgs = seed_orgs(&db).await;
    add_user(&db, "pg_clerk", orgs.township, vec![Role::Clerk], false).await;

    // Fifty documents signed by the principal leader, ready to be numbered.
    let mut ready = Vec::new();
    for n in 0..50 {
        let r = common::signed_document(&db, orgs.township, &format!("规范性文件{n}"), 2026).await;
        ready.push((r.id, r.version));
    }

    let a = start(&test_db);
    let b = start(&test_db);
    let client = reqwest::Client::new();
    let (cookie, csrf) = sign_in(&client, &a.address, "pg_clerk").await;
    let mut tasks = Vec::new();
    for (i, (id, version)) in ready.into_iter().enumerate() {
        let address = if i % 2 == 0 { a.address.clone() } else { b.address.clone() };
        let (client, cookie, csrf) = (client.clone(), cookie.clone(), csrf.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("{address}/api/v1/ledgers/normative_documents/{id}/steps/register"))
                .header("cookie", cookie)
                .header("x-csrf-token", csrf)
                .json(&json!({"version": version}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()["values"]["doc_number"].as_str().unwrap().to_owned()
        }));
    }
    let mut sequences = Vec::new();
    for t in tasks {
        let number = t.await.unwrap();
        let n: i64 =
            number.strip_prefix("杉岭府规〔2026〕").and_then(|r| r.strip_suffix('号')).unwrap().parse().unwrap();
        sequences.push(n);
    }
    sequences.sort();
    assert_eq!(sequences, (1..=50).collect::<Vec<i64>>());
}

/// Three instances on one PostgreSQL, each with a data folder of its own holding only the audit
/// key: a file uploaded through one downloads whole through the other two, and no folder holds it.
#[tokio::test]
async fn three_instances_share_attachments_through_the_database_alone() {
    let Some(base) = common::postgres_or_skip("three_instances_share_attachments_through_the_database_alone") else {
        return;
    };
    let test_db = TestDb::new(Some(&base)).await;
    let db = test_db.connect().await;
    let orgs = seed_orgs(&db).await;
    add_user(&db, "pg_clerk", orgs.township, vec![Role::Clerk], false).await;
    let folders: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for f in &folders {
        std::fs::copy(test_db.data_dir.path().join("audit.key"), f.path().join("audit.key")).unwrap();
    }
    let servers: Vec<Server> = folders.iter().map(|f| start_in(&test_db, f.path())).collect();

    let client = reqwest::Client::new();
    let (cookie, csrf) = sign_in(&client, &servers[0].address, "pg_clerk").await;
    let record: Value = client
        .post(format!("{}/api/v1/ledgers/decisions", servers[0].address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({"title": "集镇污水管网建设", "catalogue_year": "2026", "lead_unit": "村镇建设办"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = record["id"].as_i64().unwrap();
    // A scan of a little over three chunks.
    let mut rng = fastrand::Rng::with_seed(3);
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..3 * 1024 * 1024 + 12_345).map(|_| rng.u8(..)));
    pdf.extend_from_slice(b"\n%%EOF\n");
    let uploaded = client
        .post(format!(
            "{}/api/v1/ledgers/decisions/{id}/attachments?name=%E5%90%AC%E8%AF%81%E7%AC%94%E5%BD%95.pdf",
            servers[0].address
        ))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let attachment = uploaded.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for server in &servers[1..] {
        let r = client
            .get(format!("{}/api/v1/ledgers/decisions/{id}/attachments/{attachment}", server.address))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-length"], pdf.len().to_string().as_str());
        assert!(r.bytes().await.unwrap().as_ref() == pdf.as_slice(), "the same bytes through {}", server.address);
    }
    for f in &folders {
        assert!(!f.path().join("attachments").exists(), "no instance keeps attachments in its folder");
    }
    assert!(fazhi_store::audit::verify(&db).await.unwrap().result.is_ok());
}

/// An installation that kept attachments in a shared folder before moves them into the database
/// on start: once, with an audit record, the files left where they were.
#[tokio::test]
async fn attachments_kept_in_a_folder_move_into_the_database_once() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let Some(base) = common::postgres_or_skip("attachments_kept_in_a_folder_move_into_the_database_once") else {
        return;
    };
    let test_db = TestDb::new(Some(&base)).await;
    let db = test_db.connect().await;
    let content = b"%PDF-1.4 a scan kept in the shared folder";
    let digest = fazhi_domain::attachment::digest(content);
    let folder = test_db.data_dir.path().join("attachments").join(&digest[..2]);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(&digest), content).unwrap();
    std::fs::write(folder.join(".half-written.tmp"), b"ignored").unwrap();

    let files = fazhi_store::attachments::FileStore::of(&db, test_db.data_dir.path());
    let move_them = || fazhi_store::attachments::move_folder_into_database(&db, &files, test_db.data_dir.path());
    assert_eq!(move_them().await.unwrap(), 1);
    assert_eq!(move_them().await.unwrap(), 0, "moved once");
    let sql = format!("SELECT data FROM attachment_chunks WHERE digest = '{digest}' AND seq = 0");
    let row =
        db.raw_for_tests().query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap().unwrap();
    assert_eq!(row.try_get_by_index::<Vec<u8>>(0).unwrap(), content);
    assert!(folder.join(&digest).exists(), "the file stays where it was");
    let trail = fazhi_store::audit::list(
        &db,
        &fazhi_store::audit::AuditFilter {
            action: Some("system.attachments_moved".into()),
            page: 1,
            page_size: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(trail.total, 1);
}
