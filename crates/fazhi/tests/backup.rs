//! `fazhi backup` and `fazhi restore` run as an operator runs them: the archive restores into an
//! empty installation equal to the original (rows, attachment bytes, the audit chain verified),
//! SQLite into PostgreSQL too; a damaged or altered archive, a missing key or a non-empty target
//! is refused and restores nothing.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output};

use common::{TestApp, TestDb};
use sea_orm::{ConnectionTrait, Statement};

const TABLES: &[&str] = &[
    "organizations",
    "users",
    "api_tokens",
    "org_principals",
    "holiday_years",
    "settings",
    "ledger_records",
    "ledger_sequences",
    "ledger_deadlines",
    "ledger_attachments",
    "ledger_figures",
    "ledger_figure_totals",
    "annual_reports",
    "annual_report_versions",
    "audit_records",
];

fn fazhi(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi")).args(db.backend_args()).args(args).output().expect("run fazhi")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

async fn counts(db: &fazhi_store::Db) -> Vec<(String, i64)> {
    let conn = db.raw_for_tests();
    let mut out = Vec::new();
    for table in TABLES {
        let sql = Statement::from_string(conn.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {table}"));
        let row = conn.query_one_raw(sql).await.unwrap().unwrap();
        out.push((table.to_string(), row.try_get::<i64>("", "n").unwrap()));
    }
    out
}

/// A township with records, an attachment and a history worth keeping.
async fn app_with_data(postgres: Option<&str>) -> TestApp {
    let app = TestApp::spawn_on(postgres).await;
    let clerk = app.login("t_clerk").await;
    let created = clerk
        .api(
            reqwest::Method::POST,
            "/api/v1/ledgers/decisions",
            Some(serde_json::json!({"title": "集镇污水管网建设", "catalogue_year": "2026", "lead_unit": "党政办"})),
        )
        .await;
    assert!(created.status().is_success());
    let id = created.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let files = fazhi_store::attachments::FileStore::of(&app.db, app.test_db.data_dir.path());
    fazhi_store::attachments::attach(
        &app.db,
        &files,
        &fazhi_store::Actor::system(),
        &fazhi_store::Scope::everything(),
        &fazhi_domain::ledgers::decisions::KIND,
        id,
        "征求意见稿.pdf",
        None,
        DRAFT,
    )
    .await
    .unwrap();
    app
}

/// Restores `archive` into a new, empty installation holding the original's key.
async fn restore_into(app: &TestApp, postgres: Option<&str>, archive: &Path) -> (TestDb, Output) {
    let target = TestDb::new(postgres).await;
    std::fs::copy(app.test_db.data_dir.path().join("audit.key"), target.data_dir.path().join("audit.key")).unwrap();
    let out = fazhi(&target, &["restore", &archive.display().to_string()]);
    (target, out)
}

async fn assert_equal_after_restore(app: &TestApp, target: &TestDb, out: &Output) {
    assert!(out.status.success(), "{}", text(out));
    assert!(text(out).contains("审计链完整"), "{}", text(out));
    let restored = target.connect().await;
    let mut expected = counts(&app.db).await;
    // The restore itself is recorded at the end of the chain.
    expected.iter_mut().filter(|(t, _)| t == "audit_records").for_each(|(_, n)| *n += 1);
    assert_eq!(counts(&restored).await, expected);
    // The attachment reads back the same, from wherever each installation keeps contents (the
    // data folder on SQLite, the database on PostgreSQL).
    assert_eq!(attachment_contents(&app.db, app.test_db.data_dir.path()).await, [DRAFT.to_vec()]);
    assert_eq!(attachment_contents(&restored, target.data_dir.path()).await, [DRAFT.to_vec()]);
    assert!(fazhi_store::audit::verify(&restored).await.unwrap().result.is_ok());
    // The restored installation works: the clerk signs in and finds the record.
    let listed = fazhi_store::ledger::list(
        &restored,
        &fazhi_store::Scope::everything(),
        &fazhi_domain::ledgers::decisions::KIND,
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(listed.page.items[0].title, "集镇污水管网建设");
}

const DRAFT: &[u8] = b"%PDF-1.4 the draft for public comment";

/// Every attachment's content of an installation's decisions, read as a download reads it.
async fn attachment_contents(db: &fazhi_store::Db, data_dir: &Path) -> Vec<Vec<u8>> {
    use fazhi_store::attachments;
    let (scope, kind) = (fazhi_store::Scope::everything(), &fazhi_domain::ledgers::decisions::KIND);
    let files = attachments::FileStore::of(db, data_dir);
    let mut out = Vec::new();
    for r in fazhi_store::ledger::list(db, &scope, kind, &Default::default()).await.unwrap().page.items {
        for a in attachments::list(db, &scope, kind, r.id).await.unwrap() {
            let (_, chunks) = attachments::open(db, &files, &scope, kind, r.id, a.id).await.unwrap();
            out.push(attachments::read_whole(chunks).await.unwrap());
        }
    }
    out
}

#[tokio::test]
async fn a_backup_restores_into_an_empty_installation_equal_and_verified() {
    let postgres = common::postgres_base_url();
    let app = app_with_data(postgres.as_deref()).await;
    let archive = app.test_db.data_dir.path().join("备份.zip");
    let out = fazhi(&app.test_db, &["backup", &archive.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已写出备份"));
    let (target, out) = restore_into(&app, postgres.as_deref(), &archive).await;
    assert_equal_after_restore(&app, &target, &out).await;
}

#[tokio::test]
async fn a_sqlite_backup_restores_into_postgresql() {
    let Some(postgres) = common::postgres_or_skip("a_sqlite_backup_restores_into_postgresql") else { return };
    let app = app_with_data(None).await;
    let archive = app.test_db.data_dir.path().join("备份.zip");
    assert!(fazhi(&app.test_db, &["backup", &archive.display().to_string()]).status.success());
    let (target, out) = restore_into(&app, Some(&postgres), &archive).await;
    assert_equal_after_restore(&app, &target, &out).await;
    // Ids continue after the restored ones on PostgreSQL too: a new record can be created.
    let restored = target.connect().await;
    let rules = fazhi_store::rules::current(&restored).await.unwrap();
    let township = app.orgs.township;
    let input = [("title", "第二件事项"), ("catalogue_year", "2026"), ("lead_unit", "党政办")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    fazhi_store::ledger::create(
        &restored,
        &fazhi_store::Actor::system(),
        &fazhi_store::Scope::everything(),
        &fazhi_domain::ledgers::decisions::KIND,
        township,
        &input,
        &rules.ctx(),
    )
    .await
    .unwrap();
}

/// Copies the archive, changing one entry with `edit` and, if asked, its digest in the manifest.
fn rewrite(archive: &Path, to: &Path, entry: &str, edit: impl Fn(&mut Vec<u8>), fix_digest: bool) {
    let mut source = zip::ZipArchive::new(std::fs::File::open(archive).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let mut new_digest = None;
    let mut entries = Vec::new();
    for i in 0..source.len() {
        let mut file = source.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if name == entry {
            edit(&mut bytes);
            use sm3::Digest;
            new_digest = Some(hex::encode(sm3::Sm3::digest(&bytes)));
        }
        entries.push((name, bytes));
    }
    for (name, mut bytes) in entries {
        if fix_digest && name == "manifest.json" {
            let mut manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            manifest["entries"][entry] = serde_json::json!(new_digest.clone().unwrap());
            bytes = serde_json::to_vec_pretty(&manifest).unwrap();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

#[tokio::test]
async fn a_damaged_or_altered_archive_a_missing_key_or_a_used_target_restore_nothing() {
    let postgres = common::postgres_base_url();
    let app = app_with_data(postgres.as_deref()).await;
    let archive = app.test_db.data_dir.path().join("备份.zip");
    assert!(fazhi(&app.test_db, &["backup", &archive.display().to_string()]).status.success());
    let dir = app.test_db.data_dir.path();

    let changed_row = |b: &mut Vec<u8>| {
        let text = String::from_utf8(b.clone()).unwrap().replace("集镇污水管网建设", "集镇污水管网改造");
        *b = text.into_bytes();
    };
    let damaged = dir.join("damaged.zip");
    rewrite(&archive, &damaged, "db/ledger_records.jsonl", changed_row, false);
    let altered = dir.join("altered.zip");
    rewrite(&archive, &altered, "db/ledger_records.jsonl", changed_row, true);
    for (file, expected) in [(&damaged, "SM3 摘要不符"), (&altered, "签名不符")] {
        let (target, out) = restore_into(&app, postgres.as_deref(), file).await;
        assert!(!out.status.success());
        assert!(text(&out).contains(expected), "{}", text(&out));
        let db = target.connect().await;
        assert!(counts(&db).await.iter().all(|(_, n)| *n == 0), "nothing was restored");
    }
    // Without the original key in the target, nothing starts: the key is never made up.
    let target = TestDb::new(postgres.as_deref()).await;
    let out = fazhi(&target, &["restore", &archive.display().to_string()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("audit.key"), "{}", text(&out));
    // A used installation is not overwritten.
    let out = fazhi(&app.test_db, &["restore", &archive.display().to_string()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("只能恢复到空的系统"), "{}", text(&out));
}
