//! The annual report from the ledgers, over HTTP as the township and the district use it: a draft
//! whose figures are the counts of the year's records, each traceable to them; an edit that types
//! over a figure marks it, one that changes a figure silently is undone; the checker blocks a
//! defective draft; the leader approves versions and returns with comments; the published page and
//! every file that leaves the township hold no personal data; the district sees the report once it
//! is reported and may return it; the .docx reads back with the same parts and figures.

mod common;

use std::io::Read;

use common::{Session, TestApp};
use fazhi_report::draft::{Draft, Segment};
use fazhi_store::{Scope, annual_reports, indicators};
use reqwest::StatusCode;

async fn create(s: &Session, kind: &str, fields: &[(&str, &str)]) -> String {
    let r = s.post_form(&format!("/ledgers/{kind}"), fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    common::location(&r)
}

async fn step(s: &Session, record: &str, code: &str, fields: &[(&str, &str)]) {
    let page = s.get(record).await.text().await.unwrap();
    let version = page.split("data-version=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    let mut all = fields.to_vec();
    all.push(("version", &version));
    let r = s.post_form(&format!("{record}/steps/{code}"), &all).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{code}: {}", r.text().await.unwrap());
}

/// The year's ledgers of the township: petitions (one from a citizen whose name, identity number
/// and mobile number the record holds), publicity events and a meeting.
async fn ledgers(clerk: &Session) {
    for (title, channel, who) in
        [("反映道路破损", "网上投诉", "王五"), ("反映拖欠工资", "来访", "赵六"), ("反映灌溉", "来信", "孙七")]
    {
        create(
            clerk,
            "petitions",
            &[
                ("title", title),
                ("petitioner", who),
                ("contact", "13812345678"),
                ("address", "杉岭村3组12号"),
                ("channel", channel),
                ("topic", "其他"),
                ("source", "信访人直接提出"),
                ("received_on", "2026-05-06"),
            ],
        )
        .await;
    }
    for (title, materials) in [("宪法宣传", "500"), ("禁毒宣传", "300")] {
        let r = create(
            clerk,
            "publicity_events",
            &[
                ("title", title),
                ("planned_on", "2026-06-26"),
                ("occasion", "日常普法"),
                ("audience", "进学校"),
                ("organizer", "司法所"),
            ],
        )
        .await;
        step(
            clerk,
            &r,
            "hold",
            &[("held_on", "2026-06-26"), ("place", "杉岭小学"), ("participants", "100"), ("materials", materials)],
        )
        .await;
    }
}

async fn stored(app: &TestApp, id: i64) -> (Draft, i64) {
    let r = annual_reports::get(&app.db, &Scope::everything(), id).await.unwrap();
    (serde_json::from_str(&r.body_json).unwrap(), r.version)
}

fn figure(d: &Draft, id: &str) -> (i64, bool) {
    d.figures().find(|f| f.0 == id).map(|f| (f.1, f.2)).unwrap_or_else(|| panic!("{id} is in the draft"))
}

async fn post(s: &Session, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let r = s.post_form(path, fields).await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn a_report_is_drafted_from_the_ledgers_edited_checked_approved_published_and_reported() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let leader = app.login("t_leader").await;
    let supervisor = app.login("t_supervisor").await;
    ledgers(&clerk).await;

    // The draft: each figure is the count (or sum) of the year's records, derived here from them.
    let r = clerk.post_form("/reports", &[("year", "2026")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let report = common::location(&r);
    let id: i64 = report.rsplit('/').next().unwrap().parse().unwrap();
    let (draft, _) = stored(&app, id).await;
    let figures = indicators::for_year(&app.db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    for (fid, value, _) in draft.figures() {
        if let Some(f) = figures.iter().find(|f| f.id == fid) {
            assert_eq!(value, f.value, "{fid}");
            if f.records.is_empty() {
                assert_eq!(value, 0, "{fid}: no records, no figure");
            }
        }
    }
    assert_eq!(figure(&draft, "petitions.total").0, 3);
    assert_eq!(figure(&draft, "publicity.materials").0, 800);
    assert_eq!(draft.title, "杉岭乡人民政府2026年法治政府建设年度报告");
    let page = clerk.get(&report).await.text().await.unwrap();
    assert!(page.contains("无错误"), "a fresh draft passes the checker");
    assert!(page.contains(&format!("href=\"/reports/{id}/figures/petitions.total\"")));
    // A figure's records.
    let records = clerk.get(&format!("/reports/{id}/figures/publicity.materials")).await.text().await.unwrap();
    assert!(records.contains("宪法宣传") && records.contains("禁毒宣传") && records.contains("：800"), "{records}");

    // An edit: text changed, one figure typed over (marked), another changed without the mark.
    let (mut edited, version) = stored(&app, id).await;
    for part in &mut edited.parts {
        for s in &mut part.sections {
            for p in &mut s.paragraphs {
                for seg in &mut p.segments {
                    match seg {
                        Segment::Figure { id, value, edited: e, .. } if id == "publicity.materials" => {
                            *value = 2000;
                            *e = true;
                        }
                        Segment::Figure { id, value, .. } if id == "petitions.total" => *value = 999,
                        _ => {}
                    }
                }
            }
        }
    }
    edited.preamble.segments.push(Segment::Text {
        text: "群众王五（身份证号11010519491231002X，电话13912345678）来访。".into(),
    });
    let body = serde_json::to_string(&edited).unwrap();
    let (status, page) =
        post(&clerk, &format!("{report}/save"), &[("body", &body), ("version", &version.to_string())]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (saved, _) = stored(&app, id).await;
    assert_eq!(figure(&saved, "publicity.materials"), (2000, true), "typed over by hand, and marked");
    assert_eq!(
        figure(&saved, "petitions.total"),
        (3, false),
        "a figure changed without the mark is the ledgers' again"
    );
    let page = clerk.get(&report).await.text().await.unwrap();
    assert!(page.contains("1 个数字为手工填写"), "the review shows it");

    // A figure the draft does not state is refused, with nothing saved.
    let (mut invented, current) = stored(&app, id).await;
    invented.preamble.segments.push(Segment::Figure {
        id: "made.up".into(),
        value: 1,
        unit: "件".into(),
        edited: true,
    });
    let invented = serde_json::to_string(&invented).unwrap();
    let (status, page) =
        post(&clerk, &format!("{report}/save"), &[("body", &invented), ("version", &current.to_string())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("“made.up”不是本报告的指标"), "{page}");
    assert_eq!(stored(&app, id).await.1, current, "nothing saved");
    // A stale version is refused, and a broken draft (no signature, no date) cannot be submitted.
    let (status, _) =
        post(&clerk, &format!("{report}/save"), &[("body", &body), ("version", &version.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (mut broken, version) = stored(&app, id).await;
    broken.signature.clear();
    broken.date.clear();
    let body = serde_json::to_string(&broken).unwrap();
    assert_eq!(
        post(&clerk, &format!("{report}/save"), &[("body", &body), ("version", &version.to_string())]).await.0,
        StatusCode::SEE_OTHER
    );
    let version = stored(&app, id).await.1.to_string();
    let (status, page) = post(&clerk, &format!("{report}/submit"), &[("version", &version)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("报告检查发现") && page.contains("处错误"), "{page}");
    let (mut fixed, version) = stored(&app, id).await;
    fixed.signature = "杉岭乡人民政府".into();
    fixed.date = "2027年1月15日".into();
    let body = serde_json::to_string(&fixed).unwrap();
    assert_eq!(
        post(&clerk, &format!("{report}/save"), &[("body", &body), ("version", &version.to_string())]).await.0,
        StatusCode::SEE_OTHER
    );

    // Submitted; a clerk cannot approve; the leader returns it with a comment, then approves.
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&clerk, &format!("{report}/submit"), &[("version", &version)]).await.0, StatusCode::SEE_OTHER);
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&clerk, &format!("{report}/approve"), &[("version", &version)]).await.0, StatusCode::FORBIDDEN);
    let (status, page) = post(&leader, &format!("{report}/return"), &[("version", &version), ("comment", " ")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a return needs its reasons");
    assert!(page.contains("请填写退回意见"));
    assert_eq!(
        post(&leader, &format!("{report}/return"), &[("version", &version), ("comment", "请补充普法活动情况")]).await.0,
        StatusCode::SEE_OTHER
    );
    assert!(clerk.get(&report).await.text().await.unwrap().contains("退回意见：请补充普法活动情况"));
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&clerk, &format!("{report}/submit"), &[("version", &version)]).await.0, StatusCode::SEE_OTHER);
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&leader, &format!("{report}/approve"), &[("version", &version)]).await.0, StatusCode::SEE_OTHER);
    // Not yet reported: the district does not see it.
    assert_eq!(supervisor.get(&report).await.status(), StatusCode::NOT_FOUND);

    // Published: the public page, read by anyone, holds no personal data.
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&clerk, &format!("{report}/publish"), &[("version", &version)]).await.0, StatusCode::SEE_OTHER);
    let public = common::client().get(app.url(&format!("/gongkai/{}/2026", app.orgs.township))).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let public = public.text().await.unwrap();
    assert!(public.contains("杉岭乡人民政府2026年法治政府建设年度报告"));
    assert!(public.contains("发放宣传资料2000份"), "the approved text, with the figure typed by hand");
    for secret in ["王五", "11010519491231002X", "13912345678"] {
        assert!(!public.contains(secret), "{secret} on the public page");
    }
    assert!(public.contains("王某") && public.contains("139****5678"), "masked, not dropped");
    let list = common::client().get(app.url("/gongkai")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains(&format!("/gongkai/{}/2026", app.orgs.township)));

    // Reported: the district sees it, and every file it takes away is masked.
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&clerk, &format!("{report}/report"), &[("version", &version)]).await.0, StatusCode::SEE_OTHER);
    assert_eq!(supervisor.get(&report).await.status(), StatusCode::OK);
    let docx = supervisor.get(&format!("{report}/export/docx")).await.bytes().await.unwrap();
    let mut document = String::new();
    zip::ZipArchive::new(std::io::Cursor::new(docx.to_vec()))
        .unwrap()
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut document)
        .unwrap();
    for format in ["md", "html"] {
        let text = supervisor.get(&format!("{report}/export/{format}")).await.text().await.unwrap();
        for secret in ["王五", "11010519491231002X", "13912345678"] {
            assert!(!text.contains(secret), "{secret} in the district's .{format}");
        }
    }
    for secret in ["王五", "11010519491231002X", "13912345678"] {
        assert!(!document.contains(secret), "{secret} in the district's .docx");
    }
    // The district returns it with comments.
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(
        post(&clerk, &format!("{report}/district-return"), &[("version", &version), ("comment", "x")]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            &supervisor,
            &format!("{report}/district-return"),
            &[("version", &version), ("comment", "请补充复议情况")]
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    assert!(clerk.get(&report).await.text().await.unwrap().contains("区县退回：请补充复议情况"));
    // Withdrawn from the public list meanwhile; its page says it is being revised, since when.
    let public_page = format!("/gongkai/{}/2026", app.orgs.township);
    let public = || async { common::client().get(app.url(&public_page)).send().await.unwrap().text().await.unwrap() };
    let list = || async { common::client().get(app.url("/gongkai")).send().await.unwrap().text().await.unwrap() };
    let page = public().await;
    assert!(page.contains("正在修订") && !page.contains("发放宣传资料2000份"), "{page}");
    assert!(!list().await.contains(&public_page), "a report under revision is not listed");

    // A second version after changes, compared with the first.
    let (mut again, version) = stored(&app, id).await;
    again.parts[4].sections[0].paragraphs[0].segments =
        vec![Segment::Text { text: "本年度无其他需要报告的情况。".into() }];
    let body = serde_json::to_string(&again).unwrap();
    assert_eq!(
        post(&clerk, &format!("{report}/save"), &[("body", &body), ("version", &version.to_string())]).await.0,
        StatusCode::SEE_OTHER
    );
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&clerk, &format!("{report}/submit"), &[("version", &version)]).await.0, StatusCode::SEE_OTHER);
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&leader, &format!("{report}/approve"), &[("version", &version)]).await.0, StatusCode::SEE_OTHER);
    let compare = clerk.get(&format!("{report}/compare?a=1&b=2")).await.text().await.unwrap();
    assert!(compare.contains("本年度无其他需要报告的情况。") && compare.contains("有改动"), "{compare}");
    // Approved but not yet published: still under revision. Published: version 2, listed again.
    assert!(public().await.contains("正在修订"));
    let version = stored(&app, id).await.1.to_string();
    assert_eq!(post(&clerk, &format!("{report}/publish"), &[("version", &version)]).await.0, StatusCode::SEE_OTHER);
    let page = public().await;
    assert!(page.contains("本年度无其他需要报告的情况。") && page.contains("第 2 版"), "{page}");
    assert!(list().await.contains(&public_page));
}

#[tokio::test]
async fn the_exported_docx_reads_back_with_the_same_parts_and_figures() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    ledgers(&clerk).await;
    let r = clerk.post_form("/reports", &[("year", "2026")]).await;
    let report = common::location(&r);
    let id: i64 = report.rsplit('/').next().unwrap().parse().unwrap();
    let (draft, _) = stored(&app, id).await;
    let response = clerk.get(&format!("{report}/export/docx")).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let bytes = response.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.docx");
    std::fs::write(&path, &bytes).unwrap();
    let read = fazhi_report::check_path(&path).unwrap();
    let from_text = fazhi_report::check_text("draft.txt", &draft.to_text());
    let kinds = |r: &fazhi_report::Report| r.parts.iter().map(|p| p.kind).collect::<Vec<_>>();
    assert_eq!(kinds(&read), kinds(&from_text));
    assert_eq!(read.parts.len(), 5);
    let values = |r: &fazhi_report::Report| r.indicators.iter().map(|i| (i.id, i.number as i64)).collect::<Vec<_>>();
    assert_eq!(values(&read), values(&from_text), "the same figures");
    assert!(!read.indicators.is_empty());
    assert_eq!(read.year, Some(2026));
    assert!(read.diagnostics.iter().all(|d| d.severity != fazhi_report::Severity::Error), "{:?}", read.diagnostics);
}

#[tokio::test]
async fn the_command_line_exports_a_township_year_as_the_page_does() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    ledgers(&clerk).await;
    let dir = tempfile::tempdir().unwrap();
    for format in ["docx", "md", "html"] {
        let out = dir.path().join(format!("report.{format}"));
        let (ok, stdout, stderr) = common::fazhi_on(
            &app,
            &[
                "report",
                "export",
                "--org",
                "杉岭乡",
                "--year",
                "2026",
                "--format",
                format,
                "--masked",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert!(ok, "{stderr}");
        assert!(stdout.contains("已导出杉岭乡2026年法治政府建设年度报告"), "{stdout}");
        let read = fazhi_report::check_path(&out).unwrap();
        assert_eq!(read.parts.len(), 5, "{format}");
        let total = read.indicators.iter().find(|i| i.id == "petitions.total").map(|i| i.number as i64);
        assert_eq!(total, Some(3), "{format}: the ledgers' count");
    }
    let (ok, _, stderr) = common::fazhi_on(&app, &["report", "export", "--org", "不存在的乡", "--year", "2026"]);
    assert!(!ok && stderr.contains("不存在的乡"), "{stderr}");
}

#[tokio::test]
async fn the_api_drafts_saves_checks_and_approves_like_the_pages() {
    use reqwest::Method;
    use serde_json::json;
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let leader = app.login("t_leader").await;
    let supervisor = app.login("t_supervisor").await;
    ledgers(&clerk).await;
    let r = clerk.api(Method::POST, "/api/v1/reports", Some(json!({"year": 1999}))).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["field"], "year");
    let report: serde_json::Value =
        clerk.api(Method::POST, "/api/v1/reports", Some(json!({"year": 2026}))).await.json().await.unwrap();
    let id = report["id"].as_i64().unwrap();
    let detail: serde_json::Value =
        clerk.api(Method::GET, &format!("/api/v1/reports/{id}"), None).await.json().await.unwrap();
    assert!(detail["text"].as_str().unwrap().contains("全年共收到信访事项3件次"));
    assert!(detail["findings"].as_array().unwrap().iter().all(|f| f["severity"] != "error"), "{}", detail["findings"]);
    let petitions =
        detail["figures"].as_array().unwrap().iter().find(|f| f["id"] == "petitions.total").unwrap().clone();
    assert_eq!(petitions["records"].as_array().unwrap().len(), 3);
    // The district does not read a draft.
    assert_eq!(
        supervisor.api(Method::GET, &format!("/api/v1/reports/{id}"), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        supervisor
            .api(Method::GET, "/api/v1/reports", None)
            .await
            .json::<Vec<serde_json::Value>>()
            .await
            .unwrap()
            .is_empty()
    );

    // A draft without its date cannot be submitted; with it, it can, and the leader approves.
    let mut draft = detail["draft"].clone();
    draft["date"] = json!("");
    let version = detail["report"]["version"].as_i64().unwrap();
    let saved: serde_json::Value = clerk
        .api(Method::PUT, &format!("/api/v1/reports/{id}"), Some(json!({"version": version, "draft": draft})))
        .await
        .json()
        .await
        .unwrap();
    let version = saved["version"].as_i64().unwrap();
    let r = clerk.api(Method::POST, &format!("/api/v1/reports/{id}/submit"), Some(json!({"version": version}))).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "report-check");
    draft["date"] = json!("2027年1月15日");
    let saved: serde_json::Value = clerk
        .api(Method::PUT, &format!("/api/v1/reports/{id}"), Some(json!({"version": version, "draft": draft})))
        .await
        .json()
        .await
        .unwrap();
    let version = saved["version"].as_i64().unwrap();
    let r = clerk.api(Method::POST, &format!("/api/v1/reports/{id}/submit"), Some(json!({"version": version}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let version = r.json::<serde_json::Value>().await.unwrap()["version"].as_i64().unwrap();
    let r = clerk.api(Method::POST, &format!("/api/v1/reports/{id}/approve"), Some(json!({"version": version}))).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let approved: serde_json::Value = leader
        .api(Method::POST, &format!("/api/v1/reports/{id}/approve"), Some(json!({"version": version})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((approved["state"].as_str(), approved["approved_number"].as_i64()), (Some("approved"), Some(1)));
}

#[tokio::test]
async fn the_shortcomings_are_what_the_ledgers_show() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let soon = (today + chrono::Duration::days(30)).to_string();
    create(
        &clerk,
        "enforcement_officers",
        &[
            ("name", "王强"),
            ("unit", "综合行政执法大队"),
            ("certificate_no", "A-001"),
            ("issuer", "区人民政府"),
            ("issued_on", "2020-01-01"),
            ("expires_on", &soon),
        ],
    )
    .await;
    let year = chrono::Datelike::year(&today);
    let report: serde_json::Value =
        clerk.api(Method::POST, "/api/v1/reports", Some(serde_json::json!({"year": year}))).await.json().await.unwrap();
    let detail: serde_json::Value =
        clerk.api(Method::GET, &format!("/api/v1/reports/{}", report["id"]), None).await.json().await.unwrap();
    let text = detail["text"].as_str().unwrap();
    let part = text.split("存在的不足和原因").nth(1).unwrap().split("三、").next().unwrap();
    assert!(part.contains("执法证将在三个月内到期的人员1项"), "{part}");
    assert!(part.contains("全年台账中没有记录的重点工作"), "empty ledgers are a shortcoming: {part}");
    assert!(part.contains("原因"), "the cause is left for the clerk: {part}");
}

/// Two reports side by side: a township's two years, each figure the checker extracts on one
/// row with the differences marked, and each report's findings; the district sees only the reports
/// reported or published to it, and a bad choice gets a Chinese notice and the default pair.
#[tokio::test]
async fn two_reports_are_read_side_by_side_with_their_figures_and_findings() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let supervisor = app.login("t_supervisor").await;
    ledgers(&clerk).await;
    let mut ids = Vec::new();
    for year in ["2025", "2026"] {
        let r = clerk.post_form("/reports", &[("year", year)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        ids.push(common::location(&r).rsplit('/').next().unwrap().to_owned());
    }
    let page = clerk.get(&format!("/reports/side-by-side?a={}&b={}", ids[1], ids[0])).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    let table = page.split("id=\"side-table\"").nth(1).unwrap().split("</table>").next().unwrap();
    // 2026 holds three petitions, 2025 none: the row says so and is marked as a difference.
    let petitions = table.split("<tr").find(|row| row.contains("信访件次")).expect("a row for the petitions");
    assert!(petitions.contains("class=\"changed") && petitions.contains("3件"), "{petitions}");
    assert!(table.contains("第一部分：主要举措和成效"), "the parts come first");
    assert!(page.contains("杉岭乡 2026年度的检查结果") && page.contains("杉岭乡 2025年度的检查结果"), "{page}");
    assert!(!page.contains(".total") && !page.contains("petitions."), "no internal id is shown");

    // A bad or repeated choice: a notice in Chinese and the default pair, never an error page.
    for query in ["a=abc&b=1", &format!("a={0}&b={0}", ids[0]), "a=999999&b=1"] {
        let r = clerk.get(&format!("/reports/side-by-side?{query}")).await;
        assert_eq!(r.status(), StatusCode::OK, "{query}");
        let text = r.text().await.unwrap();
        assert!(text.contains("id=\"side-notice\"") && text.contains("已显示默认的对比"), "{query}: {text}");
    }
    // The district does not see drafts: nothing to compare yet.
    let district = supervisor.get("/reports/side-by-side").await.text().await.unwrap();
    assert!(district.contains("至少需要两份可查看的年度报告") && !district.contains("id=\"side-table\""));
    assert!(!district.contains(&format!("value=\"{}\"", ids[0])), "a draft is not offered to the district");
    let drafted =
        supervisor.get(&format!("/reports/side-by-side?a={}&b={}", ids[0], ids[1])).await.text().await.unwrap();
    assert!(!drafted.contains("信访件次"), "naming a draft's id shows nothing of it");
}
