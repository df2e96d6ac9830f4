//! 往年报告归档: a township files its earlier reports as files; the checker reads each once, and
//! the figures it states stand as the township's figures of that year, marked 据报告, on the
//! district's overview and comparisons and in a later year's draft — never mixed with what the
//! ledgers count. Refusals name the field in Chinese; only the township's own people and the
//! district file, and only in their scope.

mod common;

use common::{TestApp, location};
use fazhi_domain::role::Role;
use fazhi_office::docx::{Block, OfficialDocument};

/// A township's 2023 report, written for this test.
const REPORT_2023: &str = "杉岭乡人民政府2023年法治政府建设年度报告
2023年，杉岭乡在区委、区政府的领导下，扎实推进法治政府建设，现将有关情况报告如下。
一、2023年推进法治政府建设的主要举措和成效
全年作出重大行政决策2件，均经合法性审查和集体讨论决定。
全年共受理信访事项96件次，其中来访30件。全年共受理矛盾纠纷88起，调解成功85起。
全年开展各类普法活动42场次，发放宣传资料约5000份。
二、2023年推进法治政府建设存在的不足和原因
学法用法的氛围还不够浓厚，主要是学习形式比较单一。
三、党政主要负责人履行推进法治建设第一责任人职责情况
乡党委书记主持召开法治建设专题会议4次。
四、2024年推进法治政府建设的主要安排
计划开展普法活动50场次。
五、其他需要报告的情况
无。
杉岭乡人民政府
2024年1月18日";

fn docx_of(text: &str) -> Vec<u8> {
    let mut lines = text.lines();
    let title = lines.next().unwrap().to_owned();
    let blocks = lines.map(|l| Block::Body(l.to_owned())).collect();
    OfficialDocument { title, blocks }.to_docx()
}

async fn file(s: &common::Session, org: i64, year: i32, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", s.csrf.clone())
        .text("org", org.to_string())
        .text("year", year.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    s.client.post(s.url("/reports/archive")).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn a_clerk_files_last_years_report_and_the_district_sees_its_figures_marked_as_from_the_report() {
    let app = TestApp::spawn().await;
    let clerk = app.login(app.account(Role::Clerk)).await;
    let page = clerk.get("/reports/archive").await.text().await.unwrap();
    assert!(page.contains("往年报告归档") && page.contains("id=\"archive-file\""), "{page}");
    assert!(page.contains("还没有归档的往年报告"));

    // Refusals, each in Chinese naming what is wrong, nothing kept.
    let r = file(&clerk, app.orgs.township, 2022, "2023年报告.docx", docx_of(REPORT_2023)).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("文件是2023年度的报告，与所选的2022年度不符"));
    let r = file(&clerk, app.orgs.township, 2023, "报告.txt", REPORT_2023.as_bytes().to_vec()).await;
    assert!(r.text().await.unwrap().contains("往年报告请以 .docx、.pdf 或 .ofd 文件归档"));
    let r = file(&clerk, app.orgs.township, 2023, "扫描件.pdf", b"%PDF-1.4 broken".to_vec()).await;
    assert_eq!(r.status(), 400);
    let r = file(&clerk, app.orgs.other_township, 2023, "报告.docx", docx_of(REPORT_2023)).await;
    assert_eq!(r.status(), 404, "another township is not the clerk's to file for");
    let r = file(&clerk, app.orgs.township, 2026, "报告.docx", docx_of(REPORT_2023)).await;
    assert!(r.text().await.unwrap().contains("本年度报告请在系统中起草"));
    assert!(clerk.get("/reports/archive").await.text().await.unwrap().contains("还没有归档的往年报告"));

    // Filed: its page lists the figures it states and its findings; the file downloads as filed.
    let bytes = docx_of(REPORT_2023);
    let r = file(&clerk, app.orgs.township, 2023, "杉岭乡2023年法治政府建设年度报告.docx", bytes.clone()).await;
    assert_eq!(r.status(), 303);
    let detail = location(&r);
    let page = clerk.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("往年报告已归档"), "{page}");
    assert!(page.contains("杉岭乡2023年度法治政府建设报告"));
    for (words, value) in [("信访", "96件次"), ("普法活动", "42场次"), ("重大行政决策", "2件")] {
        assert!(page.contains(words) && page.contains(value), "{words} {value}: {page}");
    }
    assert!(!page.contains("50场次"), "the plan's intentions are not the year's figures");
    assert!(!page.contains("petitions.total"), "no indicator code is shown");
    let id: i64 = detail.trim_start_matches("/reports/archive/").split('?').next().unwrap().parse().unwrap();
    let download = clerk.get(&format!("/reports/archive/{id}/file")).await;
    assert_eq!(download.status(), 200);
    assert!(download.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(download.bytes().await.unwrap().to_vec(), bytes);

    // The district's overview of 2023: the township's petitions from its report, marked; the other
    // township, which filed nothing and keeps no record, has none.
    let supervisor = app.login(app.account(Role::Supervisor)).await;
    let page = supervisor.get("/cockpit?year=2023").await.text().await.unwrap();
    assert!(page.contains("96件次") && page.contains("report-mark\""), "{page}");
    assert!(page.contains(&format!("/reports/archive/{id}")), "a figure from the report opens the report");
    let compare = supervisor
        .get(&format!(
            "/cockpit/compare?indicators=petitions,publicity_events&orgs={}&from=2022&to=2024",
            app.orgs.township
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(compare.contains("96件次") && compare.contains("42场次"), "{compare}");
    assert_eq!(compare.matches("report-mark\"").count(), 2, "2023 of each indicator, not 2022 or 2024: {compare}");
    // The supervisor sees the filed report too.
    assert!(
        supervisor
            .get("/reports/archive")
            .await
            .text()
            .await
            .unwrap()
            .contains("杉岭乡2023年法治政府建设年度报告.docx")
    );

    // The 2024 draft states the year before beside its figures, naming the report.
    let r = clerk.post_form("/reports", &[("year", "2024")]).await;
    assert_eq!(r.status(), 303);
    let report = location(&r);
    let page = clerk.get(&report).await.text().await.unwrap();
    // The report as a person reads it: its words without the markup of the figures' links.
    let mut words = String::new();
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => words.push(c),
            _ => {}
        }
    }
    assert!(words.contains("普法活动0场次（上年42场次，据2023年度报告）"), "{words}");

    // Filing the year again replaces the report; the audit trail keeps both.
    let again = REPORT_2023.replace("42场次", "45场次");
    let r = file(&clerk, app.orgs.township, 2023, "杉岭乡2023年报告（更正）.docx", docx_of(&again)).await;
    assert_eq!(r.status(), 303);
    let list = clerk.get("/reports/archive").await.text().await.unwrap();
    assert!(list.contains("（更正）") && !list.contains("杉岭乡2023年法治政府建设年度报告.docx"), "{list}");
    assert_eq!(clerk.get(&format!("/reports/archive/{id}")).await.status(), 404, "the replaced one is gone from view");
    let page = supervisor.get("/cockpit?year=2023&indicator=publicity_events").await.text().await.unwrap();
    assert!(page.contains("45场次"), "{page}");
    let (ok, out, err) = common::fazhi_on(&app, &["audit", "verify"]);
    assert!(ok, "{out}{err}");
    // The auditor reads each filing in words: the action, the file, the figures by their names.
    let auditor = app.login(app.account(Role::Auditor)).await;
    let trail = auditor.get("/audit?action=report_archive.file").await.text().await.unwrap();
    assert!(trail.contains("归档往年报告") && trail.contains("往年报告归档"), "{trail}");
    assert!(trail.contains("报告中的数字") && trail.contains("信访件次 96"), "{trail}");
    assert!(!trail.contains("petitions.total"), "no indicator code: {trail}");

    // The draft's year before opens the filed report it is taken from.
    let report_id = report.trim_start_matches("/reports/");
    let r = clerk.get(&format!("/reports/{report_id}/figures/previous:publicity.events")).await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/reports/archive/"), "{}", location(&r));
}

#[tokio::test]
async fn the_ledgers_figures_win_over_a_filed_report_of_the_same_year() {
    let app = TestApp::spawn().await;
    common::signed_document(&app.db, app.orgs.township, "关于规范农村建房管理的通知", 2023).await;
    let clerk = app.login(app.account(Role::Clerk)).await;
    let r = file(&clerk, app.orgs.township, 2023, "报告.docx", docx_of(REPORT_2023)).await;
    assert_eq!(r.status(), 303);
    let supervisor = app.login(app.account(Role::Supervisor)).await;
    let compare = |indicator: &str| {
        let path = format!("/cockpit/compare?indicators={indicator}&orgs={}&from=2023&to=2023", app.orgs.township);
        let s = &supervisor;
        async move { s.get(&path).await.text().await.unwrap() }
    };
    // 规范性文件 is counted from the ledger, which keeps a record of 2023 (signed, not yet
    // published, so counted 0) — the report's figure does not stand in for it; 信访, of which the
    // ledger keeps nothing in 2023, comes from the report, marked.
    let documents = compare("normative_documents").await;
    assert!(documents.contains(">0件<") && !documents.contains("report-mark"), "{documents}");
    let petitions = compare("petitions").await;
    assert!(petitions.contains("96件次") && petitions.contains("report-mark\""), "{petitions}");
}

#[tokio::test]
async fn only_the_townships_people_and_the_district_file_and_the_command_line_files_as_an_account() {
    let app = TestApp::spawn().await;
    // A legal adviser reads the archive but does not file; administrators and auditors see none of it.
    let adviser = app.login(app.account(Role::Adviser)).await;
    assert_eq!(adviser.get("/reports/archive").await.status(), 200);
    assert_eq!(file(&adviser, app.orgs.township, 2023, "报告.docx", docx_of(REPORT_2023)).await.status(), 403);
    for role in [Role::Admin, Role::Auditor] {
        let s = app.login(app.account(role)).await;
        assert_eq!(s.get("/reports/archive").await.status(), 403, "{role:?}");
    }
    // The district files on a township's behalf.
    let supervisor = app.login(app.account(Role::Supervisor)).await;
    let r = file(&supervisor, app.orgs.other_township, 2023, "安稳镇报告.docx", docx_of(REPORT_2023)).await;
    assert_eq!(r.status(), 303);
    // Not the district itself, nor a village.
    let r = file(&supervisor, app.orgs.district, 2023, "报告.docx", docx_of(REPORT_2023)).await;
    assert!(r.text().await.unwrap().contains("往年报告归档到乡镇（街道）"));
    // The other township's clerk sees its own report, not this township's.
    let other = app.login("t_other_clerk").await;
    assert!(other.get("/reports/archive").await.text().await.unwrap().contains("安稳镇报告.docx"));

    // fazhi archive import, as an account that may file, through the same checks.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("杉岭乡2023年报告.docx");
    std::fs::write(&path, docx_of(REPORT_2023)).unwrap();
    let path = path.to_str().unwrap();
    let (ok, out, err) =
        common::fazhi_on(&app, &["archive", "import", "--org", "杉岭乡", "--year", "2022", "--as", "t_clerk", path]);
    assert!(!ok && err.contains("文件是2023年度的报告，与所选的2022年度不符"), "{out}{err}");
    let (ok, _, err) =
        common::fazhi_on(&app, &["archive", "import", "--org", "杉岭乡", "--year", "2023", "--as", "t_admin", path]);
    assert!(!ok && err.contains("不能归档往年报告"), "{err}");
    let (ok, out, err) =
        common::fazhi_on(&app, &["archive", "import", "--org", "杉岭乡", "--year", "2023", "--as", "t_clerk", path]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("已归档杉岭乡2023年度报告") && out.contains("法定部分 5/5"), "{out}");
    let clerk = app.login(app.account(Role::Clerk)).await;
    assert!(clerk.get("/reports/archive").await.text().await.unwrap().contains("杉岭乡2023年报告.docx"));

    // The API files through the same checks and answers with what was read.
    let api_file = |year: i32, name: &str| {
        let url = clerk.url(&format!("/api/v1/archive?org={}&year={year}&name={name}", app.orgs.township));
        clerk.client.post(url).header("x-csrf-token", &clerk.csrf).body(docx_of(REPORT_2023)).send()
    };
    let refused = api_file(2022, "2023.docx").await.unwrap();
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["field"], "year", "{body}");
    let filed = api_file(2023, "2023.docx").await.unwrap();
    assert_eq!(filed.status(), 201);
    let filed: serde_json::Value = filed.json().await.unwrap();
    assert_eq!(filed["year"], 2023);
    assert_eq!(filed["parts_found"], 5);
    let petitions = filed["figures"].as_array().unwrap().iter().find(|f| f["id"] == "petitions.total").unwrap();
    assert_eq!(petitions["value"], 96);
    let listed: serde_json::Value =
        clerk.api(reqwest::Method::GET, "/api/v1/archive", None).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "the API's filing replaced the command line's: {listed}");
    let file = clerk.get(&format!("/api/v1/archive/{}/file", filed["id"])).await;
    assert_eq!(file.bytes().await.unwrap().to_vec(), docx_of(REPORT_2023));
}
