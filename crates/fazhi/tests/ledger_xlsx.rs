//! Ledgers to and from Excel over HTTP, as a clerk would: export a filtered list, import it into
//! an empty township (same records, and the numbering goes on after the imported numbers), a file
//! with one bad row imports nothing and names the row and column, a file saved by LibreOffice
//! imports, and the district's export masks personal data.

mod common;

use common::{Session, TestApp};
use fazhi_domain::ledger::{ActorFacts, text};
use fazhi_domain::ledgers::{decisions, normative_documents};
use fazhi_domain::role::Role;
use fazhi_office::xlsx::read_sheet;
use fazhi_store::ledger::{self, ListFilter};
use fazhi_store::{Db, Scope};
use reqwest::StatusCode;

const CLERK: ActorFacts<'static> = ActorFacts { name: "经办人", roles: &[Role::Clerk], principal_leader: false };

/// `POST /api/v1/ledgers/decisions/import` with the file as the body.
async fn api_import(s: &Session, file: Vec<u8>) -> reqwest::Response {
    let url = s.url("/api/v1/ledgers/decisions/import");
    s.client.post(url).header("x-csrf-token", &s.csrf).body(file).send().await.unwrap()
}

async fn records(db: &Db, org_id: i64, kind: &'static fazhi_domain::ledger::LedgerKind) -> Vec<ledger::RecordView> {
    let filter = ListFilter { page: 1, page_size: 200, sort: ledger::Sort::Title, ..Default::default() };
    let all = ledger::list(db, &Scope::everything(), kind, &filter).await.unwrap().page.items;
    all.into_iter().filter(|r| r.org_id == org_id).collect()
}

#[tokio::test]
async fn an_exported_list_imported_into_an_empty_township_gives_the_same_records() {
    let app = TestApp::spawn().await;
    let kind = &normative_documents::KIND;
    common::published_document(&app.db, app.orgs.township, "杉岭乡殡葬管理办法").await;
    common::signed_document(&app.db, app.orgs.township, "杉岭乡集镇管理暂行办法", 2026).await;

    let clerk = app.login("t_clerk").await;
    let list = clerk.get("/ledgers/normative_documents").await.text().await.unwrap();
    assert!(list.contains("id=\"export-xlsx\"") && list.contains("id=\"import-xlsx\""), "{list}");
    let response = clerk.get("/ledgers/normative_documents/export?sort=title").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"),
        "the Chinese file name is given"
    );
    let file = response.bytes().await.unwrap().to_vec();
    let sheet = read_sheet(&file).unwrap();
    assert_eq!(sheet.headers()[..3], ["状态", "文件名称", "起草单位"]);
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), 2);
    let reviewer = sheet.headers().iter().position(|h| h == "审核人").unwrap();
    assert!(rows.iter().all(|(_, cells)| cells[reviewer] == "刘所长"), "the township sees its own people's names");

    // The district's copy masks them.
    let supervisor = app.login("t_supervisor").await;
    let masked = supervisor.get("/ledgers/normative_documents/export").await.bytes().await.unwrap().to_vec();
    let masked = read_sheet(&masked).unwrap();
    assert!(masked.rows().all(|(_, cells)| cells[reviewer] == "刘**"));

    // Into 安稳镇, which has no documents yet: checked first, then confirmed.
    let other = app.login("t_other_clerk").await;
    let (status, page) = other.upload_spreadsheet("/ledgers/normative_documents/import", file).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("检查通过：共 2 条记录，尚未导入"), "{page}");
    assert!(records(&app.db, app.orgs.other_township, kind).await.is_empty(), "a check stores nothing");
    let confirm = page.split("action=\"/ledgers/normative_documents/import/").nth(1).unwrap();
    let upload_id = confirm.split('"').next().unwrap();
    // Another user cannot confirm someone else's upload.
    let r = clerk.post_form(&format!("/ledgers/normative_documents/import/{upload_id}"), &[]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("没有找到待确认的导入文件"));
    assert!(records(&app.db, app.orgs.other_township, kind).await.is_empty());
    let r = other.post_form(&format!("/ledgers/normative_documents/import/{upload_id}"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("已导入 2 条记录"));

    let originals = records(&app.db, app.orgs.township, kind).await;
    let imported = records(&app.db, app.orgs.other_township, kind).await;
    assert_eq!(imported.len(), originals.len());
    for (a, b) in originals.iter().zip(&imported) {
        assert_eq!((&a.state, &a.title, &a.values), (&b.state, &b.title, &b.values));
    }
    // The imported 〔2025〕1号 is taken: 安稳镇's next number of 2025 is 2.
    let next = common::signed_document(&app.db, app.orgs.other_township, "安稳镇河道管理办法", 2025).await;
    let next = common::take_ledger_step(&app.db, kind, next, "register", &[], CLERK).await;
    assert_eq!(text(&next.values, "doc_number"), "安稳府规〔2025〕2号");
    // The imported published document's filing deadline is open on 安稳镇's to-do list.
    let todo = other.get("/todo").await.text().await.unwrap();
    assert!(todo.contains("杉岭乡殡葬管理办法") && todo.contains("报送备案期限"), "{todo}");

    let filter = |action: &str| fazhi_store::audit::AuditFilter { action: Some(action.into()), ..Default::default() };
    assert_eq!(fazhi_store::audit::list(&app.db, &filter("ledger.export")).await.unwrap().total, 2);
    assert_eq!(fazhi_store::audit::list(&app.db, &filter("ledger.import")).await.unwrap().total, 1);
}

fn decisions_file(rows: &[[&str; 4]]) -> Vec<u8> {
    common::text_sheet("重大行政决策", &["状态", "决策事项", "目录年度", "承办单位"], rows)
}

#[tokio::test]
async fn one_bad_row_imports_nothing_and_names_its_row_and_column() {
    let app = TestApp::spawn().await;
    let kind = &decisions::KIND;
    let clerk = app.login("t_clerk").await;
    let file = decisions_file(&[
        ["草案拟订中", "集镇污水管网建设", "2026", "村镇建设办"],
        ["草案拟订中", "农村公路养护", "二〇二六", "交通办"],
        ["草案拟订中", "敬老院改扩建", "2026", "社会事务办"],
    ]);
    let (status, page) = clerk.upload_spreadsheet("/ledgers/decisions/import", file.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("一条也没有导入"), "{page}");
    let errors = page.split("id=\"error-table\"").nth(1).unwrap();
    assert!(
        errors.contains(
            "<td class=\"num\">3</td><td>C</td><td>目录年度</td><td>“目录年度”应为 2000 到 2100 之间的整数</td>"
        ),
        "{errors}"
    );
    assert!(!page.contains("confirm-import"));
    assert!(records(&app.db, app.orgs.township, kind).await.is_empty());

    // The API gives the same report with a 400, and stores nothing either.
    let r = api_import(&clerk, file).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let report: serde_json::Value = r.json().await.unwrap();
    assert_eq!(report["imported"], false);
    assert_eq!(report["errors"][0]["row"], 3);
    assert_eq!(report["errors"][0]["column"], "C");
    assert!(records(&app.db, app.orgs.township, kind).await.is_empty());

    // Not a spreadsheet at all.
    let (status, page) = clerk.upload_spreadsheet("/ledgers/decisions/import", b"title,year\n".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("不是 .xlsx 文件"), "{page}");

    // Corrected, through the API in one call.
    let fixed = decisions_file(&[
        ["草案拟订中", "集镇污水管网建设", "2026", "村镇建设办"],
        ["草案拟订中", "农村公路养护", "2026", "交通办"],
    ]);
    let r = api_import(&clerk, fixed).await;
    assert_eq!(r.status(), StatusCode::OK);
    let titles: Vec<String> = records(&app.db, app.orgs.township, kind).await.into_iter().map(|r| r.title).collect();
    assert_eq!(titles, ["农村公路养护", "集镇污水管网建设"]);
}

/// `tests/fixtures/decisions-libreoffice.xlsx` was saved by LibreOffice Calc (Debian's package):
/// shared strings, real date cells, its own styles. It imports like our own files.
#[tokio::test]
async fn a_file_saved_by_libreoffice_imports() {
    let app = TestApp::spawn().await;
    let file =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/decisions-libreoffice.xlsx")).unwrap();
    let clerk = app.login("t_clerk").await;
    let r = api_import(&clerk, file).await;
    let status = r.status();
    let report: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    let found = records(&app.db, app.orgs.township, &decisions::KIND).await;
    let published = found.iter().find(|r| r.title == "集镇污水管网建设").expect("imported");
    assert_eq!(text(&published.values, "lead_unit"), "村镇建设办");
    assert_eq!(published.state, "drafting");
    assert_eq!(text(&published.values, "draft_published_on"), "2026-03-02", "a date cell reads as its day");
    assert_eq!(found.len(), 3);
}

use common::fazhi_on as fazhi;

/// The same at the command line: `fazhi export` masks personal data unless asked, `fazhi import`
/// names each bad cell and fails, and a clean file imports.
#[tokio::test]
async fn the_command_line_exports_and_imports() {
    let app = TestApp::spawn().await;
    common::signed_document(&app.db, app.orgs.township, "杉岭乡殡葬管理办法", 2025).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("规范性文件.xlsx");
    let out = out.to_str().unwrap();
    let (ok, stdout, stderr) = fazhi(&app, &["export", "--kind", "normative_documents", "--org", "杉岭乡", out]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("已导出杉岭乡行政规范性文件台账 1 条"), "{stdout}");
    let sheet = read_sheet(&std::fs::read(out).unwrap()).unwrap();
    let reviewer = sheet.headers().iter().position(|h| h == "审核人").unwrap();
    assert_eq!(sheet.rows().next().unwrap().1[reviewer], "刘**");

    let bad = dir.path().join("bad.xlsx");
    std::fs::write(&bad, decisions_file(&[["草案拟订中", "农村公路养护", "2026", ""]])).unwrap();
    let (ok, _, stderr) = fazhi(&app, &["import", "--kind", "decisions", "--org", "杉岭乡", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("第 2 行 D 列（承办单位）：“承办单位”必填"), "{stderr}");
    assert!(stderr.contains("一条也没有导入"), "{stderr}");

    let good = dir.path().join("good.xlsx");
    std::fs::write(&good, decisions_file(&[["草案拟订中", "农村公路养护", "2026", "交通办"]])).unwrap();
    let args = ["import", "--kind", "decisions", "--org", "杉岭乡", good.to_str().unwrap()];
    let (ok, stdout, stderr) = fazhi(&app, &[&args[..], &["--dry-run"]].concat());
    assert!(ok && stdout.contains("检查通过：1 条记录"), "{stdout}{stderr}");
    assert!(records(&app.db, app.orgs.township, &decisions::KIND).await.is_empty());
    let (ok, stdout, _) = fazhi(&app, &args);
    assert!(ok && stdout.contains("已导入 1 条记录到杉岭乡重大行政决策台账"), "{stdout}");
    assert_eq!(records(&app.db, app.orgs.township, &decisions::KIND).await.len(), 1);
}
