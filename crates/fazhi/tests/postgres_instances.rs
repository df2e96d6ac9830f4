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
/// one PostgreSQL share the key, as they share the attachments folder.
fn start(test_db: &TestDb) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(test_db.backend_args())
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
    let login = client
        .post(format!("{}/api/v1/session", a.address))
        .json(&json!({"username": "pg_admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = login.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();

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
    let login = client
        .post(format!("{}/api/v1/session", a.address))
        .json(&json!({"username": "pg_clerk", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = login.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
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
