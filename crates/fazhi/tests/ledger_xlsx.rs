//! Ledgers to and from Excel over HTTP, as a clerk would: export a list, import it back unchanged
//! (nothing happens) or edited (the record takes the steps the row adds, through the rules), a
//! file with one bad row imports nothing and names the row and column, a file saved by
//! LibreOffice imports, and the district's export masks personal data.

mod common;

use common::{Session, TestApp};
use fazhi_domain::ledger::text;
use fazhi_domain::ledgers::{decisions, normative_documents};
use fazhi_office::xlsx::read_sheet;
use fazhi_store::ledger::{self, ListFilter};
use fazhi_store::{Db, Scope};
use reqwest::StatusCode;

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

/// Checks a file as the clerk, then confirms it: the preview page and the page after.
async fn check_and_confirm(s: &Session, kind: &str, file: Vec<u8>) -> (String, String) {
    let (status, preview) = s.upload_spreadsheet(&format!("/ledgers/{kind}/import"), file).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let confirm = preview.split(&format!("action=\"/ledgers/{kind}/import/")).nth(1).unwrap();
    let upload_id = confirm.split('"').next().unwrap();
    let r = s.post_form(&format!("/ledgers/{kind}/import/{upload_id}"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    (preview, r.text().await.unwrap())
}

#[tokio::test]
async fn an_exported_list_edited_and_imported_updates_its_records_through_the_rules() {
    let app = TestApp::spawn().await;
    let kind = &normative_documents::KIND;
    common::published_document(&app.db, app.orgs.township, "杉岭乡殡葬管理办法").await;
    let signed = common::signed_document(&app.db, app.orgs.township, "杉岭乡集镇管理暂行办法", 2026).await;

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
    assert_eq!(sheet.headers()[..4], ["编号", "版本", "状态", "文件名称"]);
    let headers = sheet.headers();
    let rows: Vec<Vec<String>> = sheet.rows().map(|(_, cells)| cells).collect();
    assert_eq!(rows.len(), 2);
    let column = |h: &str| headers.iter().position(|x| x == h).unwrap();
    assert!(rows.iter().all(|cells| cells[column("审核人")] == "司法所"));

    // The same file back, twice: nothing changes.
    let before = records(&app.db, app.orgs.township, kind).await;
    for _ in 0..2 {
        let (preview, done) = check_and_confirm(&clerk, "normative_documents", file.clone()).await;
        assert!(preview.contains("将新建 0 条、更新 0 条，2 条无变化"), "{preview}");
        assert!(done.contains("新建 0 条，更新 0 条"), "{done}");
    }
    let after = records(&app.db, app.orgs.township, kind).await;
    assert_eq!(
        before.iter().map(|r| (r.id, r.version)).collect::<Vec<_>>(),
        after.iter().map(|r| (r.id, r.version)).collect::<Vec<_>>()
    );

    // The signed document published: its row edited in the sheet, then imported. The number is
    // drawn by the system, never read from the cell.
    let mut edited = rows.clone();
    let row = edited.iter_mut().find(|cells| cells[column("文件名称")] == "杉岭乡集镇管理暂行办法").unwrap();
    row[column("状态")] = "有效".into();
    row[column("公布日期")] = "2026-11-10".into();
    row[column("公布渠道")] = "乡政府网站".into();
    row[column("文号")] = "杉岭府规〔2026〕99号".into();
    let (preview, done) =
        check_and_confirm(&clerk, "normative_documents", common::edited_sheet("行政规范性文件", &headers, &edited))
            .await;
    assert!(preview.contains("将新建 0 条、更新 1 条，1 条无变化"), "{preview}");
    assert!(preview.contains("<td>更新</td><td>有效</td><td>杉岭乡集镇管理暂行办法</td>"), "{preview}");
    assert!(done.contains("更新 1 条"), "{done}");
    let published = ledger::get(&app.db, &Scope::everything(), kind, signed.id).await.unwrap();
    assert_eq!(published.state, "in_force");
    assert_eq!(text(&published.values, "doc_number"), "杉岭府规〔2026〕1号");
    assert_eq!(published.version, signed.version + 2, "registered and published: two steps");
    // Its history names the steps, the file and the row.
    let page = clerk.get(&format!("/ledgers/normative_documents/{}", signed.id)).await.text().await.unwrap();
    assert!(page.contains("统一登记编号（导入自") && page.contains("公布（导入自"), "{page}");

    // The old file again: its version of that record is stale, and nothing is stored.
    let (status, page) = clerk.upload_spreadsheet("/ledgers/normative_documents/import", file.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("在导出后已被修改"), "{page}");

    // A fresh export with that record set back to a draft: a procedure does not go back.
    let fresh = clerk.get("/ledgers/normative_documents/export?sort=title").await.bytes().await.unwrap().to_vec();
    let fresh = read_sheet(&fresh).unwrap();
    let mut back: Vec<Vec<String>> = fresh.rows().map(|(_, cells)| cells).collect();
    let row = back.iter_mut().find(|cells| cells[column("文件名称")] == "杉岭乡集镇管理暂行办法").unwrap();
    row[column("状态")] = "起草中".into();
    let (status, page) = clerk
        .upload_spreadsheet(
            "/ledgers/normative_documents/import",
            common::edited_sheet("行政规范性文件", &fresh.headers(), &back),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("记录当前为“有效”，按办理程序到不了“起草中”（办理环节不能退回）"), "{page}");

    // A new row claiming 有效 with only its creation fields is refused at the first missing step.
    let mut fresh = vec![String::new(); headers.len()];
    fresh[column("状态")] = "有效".into();
    fresh[column("文件名称")] = "杉岭乡河道管理办法".into();
    fresh[column("起草单位")] = "党政办".into();
    let (status, page) = clerk
        .upload_spreadsheet(
            "/ledgers/normative_documents/import",
            common::edited_sheet("行政规范性文件", &headers, &[fresh]),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("状态为“有效”的记录须经过“公开征求意见”这一步，请填写“征求意见稿公布日期”"), "{page}");

    // Both exports are on the trail; of the imports, the three that stored something.
    let filter = |action: &str| fazhi_store::audit::AuditFilter { action: Some(action.into()), ..Default::default() };
    assert_eq!(fazhi_store::audit::list(&app.db, &filter("ledger.export")).await.unwrap().total, 2);
    assert_eq!(fazhi_store::audit::list(&app.db, &filter("ledger.import")).await.unwrap().total, 3);
    common::assert_open_counts_match(&app.db).await;
}

#[tokio::test]
async fn a_step_the_importer_may_not_take_is_refused_at_its_row() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let headers = [
        "状态",
        "文件名称",
        "起草单位",
        "征求意见稿公布日期",
        "征求意见结束日期",
        "意见采纳情况",
        "送请合法性审核日期",
        "审核机构",
        "审核人",
        "审核意见日期",
        "审核意见",
        "审议会议",
        "审议日期",
        "审议情况",
        "签发日期",
    ];
    let file = common::text_sheet(
        "行政规范性文件",
        &headers,
        &[[
            "已签发",
            "杉岭乡河道管理办法",
            "党政办",
            "2026-09-28",
            "2026-10-16",
            "无意见",
            "2026-10-19",
            "司法所",
            "司法所",
            "2026-10-26",
            "合法",
            "乡政府常务会议",
            "2026-11-02",
            "审议通过",
            "2026-11-03",
        ]],
    );
    let (status, page) = clerk.upload_spreadsheet("/ledgers/normative_documents/import", file).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("“签发”须由主要负责人（书记或乡镇长）办理"), "{page}");
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
    // The refusal is on the audit trail, with where it was, not what the cells said.
    let refused =
        fazhi_store::audit::AuditFilter { action: Some("ledger.import_refused".into()), ..Default::default() };
    let trail = fazhi_store::audit::list(&app.db, &refused).await.unwrap();
    assert_eq!(trail.total, 1);
    assert!(trail.items[0].after.as_deref().unwrap().contains("\"3C\""), "{:?}", trail.items[0].after);

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
/// shared strings, real date cells, its own styles. It reads like our own files, and its rows are
/// held to the same rules: its first row gives a draft's publication date to a record it says is
/// still being drafted, which no procedure produces.
#[tokio::test]
async fn a_file_saved_by_libreoffice_is_read_and_held_to_the_rules() {
    let app = TestApp::spawn().await;
    let file =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/decisions-libreoffice.xlsx")).unwrap();
    let sheet = read_sheet(&file).unwrap();
    let first = sheet.rows().next().unwrap().1;
    assert_eq!(
        first[..5],
        ["草案拟订中", "集镇污水管网建设", "2026", "村镇建设办", "2026-03-02"],
        "a date cell reads as its day"
    );
    let clerk = app.login("t_clerk").await;
    let r = api_import(&clerk, file).await;
    let status = r.status();
    let report: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{report}");
    assert_eq!(report["errors"][0]["row"], 2);
    assert_eq!(report["errors"][0]["column"], "E");
    assert_eq!(
        report["errors"][0]["message"],
        "状态为“草案拟订中”的记录还没有“草案公布日期”（该栏由“公布草案征求意见”这一步登记）"
    );
    assert_eq!(report["created"], 2, "the other rows would be created");
    assert!(records(&app.db, app.orgs.township, &decisions::KIND).await.is_empty());
}

use common::fazhi_on as fazhi;

/// The same at the command line: `fazhi export` masks personal data unless asked, `fazhi import`
/// names each bad cell and fails, and a clean file imports.
#[tokio::test]
async fn the_command_line_exports_and_imports() {
    let app = TestApp::spawn().await;
    let petition = [
        ("title", "反映村道积水"),
        ("petitioner", "张三丰"),
        ("channel", "来信"),
        ("topic", "城乡建设"),
        ("source", "信访人直接提出"),
        ("received_on", "2026-11-02"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let kind = &fazhi_domain::ledgers::petitions::KIND;
    let actor = fazhi_store::Actor::system();
    ledger::create(&app.db, &actor, &Scope::everything(), kind, app.orgs.township, &petition, &rules.ctx())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("信访.xlsx");
    let out = out.to_str().unwrap();
    let (ok, stdout, stderr) = fazhi(&app, &["export", "--kind", "petitions", "--org", "杉岭乡", out]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("已导出杉岭乡信访台账 1 条"), "{stdout}");
    let sheet = read_sheet(&std::fs::read(out).unwrap()).unwrap();
    let petitioner = sheet.headers().iter().position(|h| h == "信访人").unwrap();
    assert_eq!(sheet.rows().next().unwrap().1[petitioner], "张**");

    let bad = dir.path().join("bad.xlsx");
    std::fs::write(&bad, decisions_file(&[["草案拟订中", "农村公路养护", "2026", ""]])).unwrap();
    let (ok, _, stderr) =
        fazhi(&app, &["import", "--kind", "decisions", "--org", "杉岭乡", "--as", "t_clerk", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("第 2 行 D 列（承办单位）：“承办单位”必填"), "{stderr}");
    assert!(stderr.contains("一条也没有导入"), "{stderr}");

    let good = dir.path().join("good.xlsx");
    std::fs::write(&good, decisions_file(&[["草案拟订中", "农村公路养护", "2026", "交通办"]])).unwrap();
    let args = ["import", "--kind", "decisions", "--org", "杉岭乡", "--as", "t_clerk", good.to_str().unwrap()];
    let (ok, stdout, stderr) = fazhi(&app, &[&args[..], &["--dry-run"]].concat());
    assert!(ok && stdout.contains("检查通过：1 条记录"), "{stdout}{stderr}");
    assert!(records(&app.db, app.orgs.township, &decisions::KIND).await.is_empty());
    let (ok, stdout, _) = fazhi(&app, &args);
    assert!(ok && stdout.contains("已导入 1 条记录到杉岭乡重大行政决策台账"), "{stdout}");
    assert_eq!(records(&app.db, app.orgs.township, &decisions::KIND).await.len(), 1);
}

#[tokio::test]
async fn a_row_like_a_record_already_held_is_created_only_when_confirmed() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let held = [
        ("title", "反映村道积水"),
        ("petitioner", "张三"),
        ("channel", "来信"),
        ("topic", "城乡建设"),
        ("source", "信访人直接提出"),
        ("received_on", "2026-11-02"),
    ];
    let r = clerk.post_form("/ledgers/petitions", &held).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let headers = ["状态", "信访事项", "信访人", "信访形式", "问题类别", "来源", "收到日期"];
    let file = common::text_sheet(
        "信访",
        &headers,
        &[
            ["已登记", "反映村道积水", "张三", "来信", "城乡建设", "信访人直接提出", "2026-11-02"],
            ["已登记", "反映路灯损坏", "李四", "来访", "城乡建设", "信访人直接提出", "2026-11-03"],
        ],
    );
    let (status, preview) = clerk.upload_spreadsheet("/ledgers/petitions/import", file.clone()).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(preview.contains("将新建 1 条、更新 0 条，1 条疑似重复"), "{preview}");
    assert!(preview.contains("id=\"confirm-row-2\""), "{preview}");
    let upload = preview.split("action=\"/ledgers/petitions/import/").nth(1).unwrap().split('"').next().unwrap();
    // Confirmed without ticking the row: only the new one is created.
    let r = clerk.post_form(&format!("/ledgers/petitions/import/{upload}"), &[]).await;
    assert!(r.text().await.unwrap().contains("新建 1 条"));
    assert_eq!(petition_titles(&app).await, ["反映村道积水", "反映路灯损坏"]);
    // The same upload confirmed again finds it gone: nothing is imported twice.
    let again = clerk.post_form(&format!("/ledgers/petitions/import/{upload}"), &[]).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.text().await.unwrap().contains("没有找到待确认的导入文件"));
    assert_eq!(petition_titles(&app).await, ["反映村道积水", "反映路灯损坏"]);
    // The same file again, the row ticked: a second petition of that title is created, on purpose.
    let (_, preview) = clerk.upload_spreadsheet("/ledgers/petitions/import", file).await;
    assert!(preview.contains("2 条疑似重复"), "{preview}");
    let upload = preview.split("action=\"/ledgers/petitions/import/").nth(1).unwrap().split('"').next().unwrap();
    let r = clerk.post_form(&format!("/ledgers/petitions/import/{upload}"), &[("confirm_row", "2")]).await;
    assert!(r.text().await.unwrap().contains("新建 1 条"));
    assert_eq!(petition_titles(&app).await, ["反映村道积水", "反映村道积水", "反映路灯损坏"]);
}

async fn petition_titles(app: &TestApp) -> Vec<String> {
    let kind = &fazhi_domain::ledgers::petitions::KIND;
    let mut titles: Vec<String> =
        records(&app.db, app.orgs.township, kind).await.into_iter().map(|r| r.title).collect();
    titles.sort();
    titles
}
