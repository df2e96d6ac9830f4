//! The enforcement ledgers over HTTP, as a township's clerk and leader use them: officers and their
//! certificates, a case that names its officers by certificate number — found only in the
//! township's own ledger, at least two, each certified on the day of every act — and a case closed
//! only with its full-process record attached. The same engine reference serves mediation: a
//! dispute is mediated by a mediator serving that day.

mod common;

use common::{Session, TestApp};
use reqwest::StatusCode;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

async fn step(s: &Session, record: &str, code: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    common::post_on_record(s, record, &format!("steps/{code}"), fields).await
}

async fn create(s: &Session, kind: &str, fields: &[(&str, &str)]) -> Result<String, String> {
    let r = s.post_form(&format!("/ledgers/{kind}"), fields).await;
    if r.status() == StatusCode::SEE_OTHER {
        Ok(common::location(&r))
    } else {
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        Err(r.text().await.unwrap())
    }
}

async fn officer(s: &Session, name: &str, no: &str) -> String {
    create(
        s,
        "enforcement_officers",
        &[
            ("name", name),
            ("unit", "综合行政执法大队"),
            ("certificate_no", no),
            ("issuer", "区人民政府"),
            ("issued_on", "2022-01-01"),
            ("expires_on", "2027-12-31"),
        ],
    )
    .await
    .unwrap()
}

fn case(officers: &str) -> Vec<(&str, &str)> {
    vec![
        ("title", "占道经营"),
        ("case_type", "行政处罚"),
        ("party", "赵某"),
        ("officers", officers),
        ("filed_on", "2026-09-01"),
    ]
}

#[tokio::test]
async fn a_case_names_two_officers_of_the_township_certified_on_every_act_day_and_closes_with_its_record() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let leader = app.login("t_leader").await;
    let other = app.login("t_other_clerk").await;
    officer(&clerk, "王强", "A-001").await;
    let liu = officer(&clerk, "刘敏", "A-002").await;
    officer(&other, "外镇队员", "B-001").await;

    let page = create(&clerk, "enforcement_cases", &case("A-001")).await.unwrap_err();
    assert!(page.contains("执法人员不得少于2名") && page.contains("第四十二条"), "{page}");
    let page = create(&clerk, "enforcement_cases", &case("A-001、B-001")).await.unwrap_err();
    assert!(page.contains("“B-001”不在本乡镇的执法人员台账中"), "another township's officer: {page}");
    let record = create(&clerk, "enforcement_cases", &case("A-001，A-002")).await.unwrap();
    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(page.contains("A-001、A-002"), "stored as one list");

    // 刘敏 leaves the post: the certificate is cancelled that day, and the notice after it is
    // refused, naming her and the day. Nothing of the case changed.
    let (status, _) = step(&clerk, &liu, "cancel", &[("left_on", "2026-09-05"), ("leave_reason", "调离")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = step(&clerk, &record, "notify", &[("notified_on", "2026-09-08")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("刘敏（A-002）在2026年9月8日（告知日期）执法证已于2026年9月5日注销"), "{page}");
    let stored = clerk.get(&record).await.text().await.unwrap();
    assert!(stored.contains("已立案"), "still filed");

    // A replacement officer is named while the case is a draft, and the procedure goes on.
    officer(&clerk, "陈刚", "A-003").await;
    let mut fields = case("A-001、A-003");
    let version = stored.split("data-version=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    fields.push(("version", &version));
    let r = clerk.post_form(&format!("{record}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    assert_eq!(step(&clerk, &record, "notify", &[("notified_on", "2026-09-08")]).await.0, StatusCode::SEE_OTHER);
    let (status, page) = step(&clerk, &record, "decide", &[("decided_on", "2026-09-18"), ("decision", "警告")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a clerk does not decide");
    assert!(page.contains("“作出决定”须由乡镇负责人办理"), "{page}");
    let (status, page) = step(&leader, &record, "decide", &[("decided_on", "2026-09-18"), ("decision", "警告")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(step(&clerk, &record, "publish", &[("published_on", "2026-09-24")]).await.0, StatusCode::SEE_OTHER);

    let (status, page) = step(&clerk, &record, "close", &[("closed_on", "2026-09-30")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("以下环节尚无执法全过程记录（文字或音像）附件：立案、告知、决定"), "{page}");
    let upload = |name: &'static str, stage: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", clerk.csrf.clone())
            .text("stage", stage)
            .part("file", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name(name));
        clerk.client.post(clerk.url(&format!("{record}/attachments"))).multipart(form).send()
    };
    let r = upload("笔录.pdf", "执行").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "not a stage of a case");
    assert!(r.text().await.unwrap().contains("办理环节应为以下之一：立案、告知、听证、法制审核、决定、送达"));
    for (name, stage) in [("立案审批表.pdf", "立案"), ("告知书.pdf", "告知")] {
        assert_eq!(upload(name, stage).await.unwrap().status(), StatusCode::SEE_OTHER);
    }
    let (status, page) = step(&clerk, &record, "close", &[("closed_on", "2026-09-30")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("附件：决定；"), "立案 and 告知 are recorded now: {page}");
    assert_eq!(upload("现场检查笔录.pdf", "决定").await.unwrap().status(), StatusCode::SEE_OTHER);
    let (status, page) = step(&clerk, &record, "close", &[("closed_on", "2026-09-30")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(page.contains("已结案"));
}

#[tokio::test]
async fn a_dispute_is_mediated_by_a_mediator_serving_that_day() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let mediator = create(
        &clerk,
        "mediators",
        &[
            ("name", "周德明"),
            ("committee", "杉岭乡人民调解委员会"),
            ("mediator_type", "乡贤调解员"),
            ("appointed_on", "2023-01-01"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(step(&clerk, &mediator, "leave", &[("left_on", "2026-06-30")]).await.0, StatusCode::SEE_OTHER);
    let dispute = create(
        &clerk,
        "disputes",
        &[
            ("title", "宅基地边界纠纷"),
            ("category", "邻里纠纷"),
            ("parties", "郑某、王某"),
            ("village", "杉岭村"),
            ("source", "排查发现"),
            ("risk", "一般"),
            ("received_on", "2026-10-27"),
        ],
    )
    .await
    .unwrap();
    let (status, page) =
        step(&clerk, &dispute, "mediate", &[("mediators", "周德明"), ("mediation_started_on", "2026-10-29")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("周德明") && page.contains("已于2026年6月30日离任"), "{page}");
}

#[tokio::test]
async fn the_officers_list_shows_the_certificates_to_clean_up_until_they_are_cancelled() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    officer(&clerk, "王强", "A-001").await;
    let expired = create(
        &clerk,
        "enforcement_officers",
        &[
            ("name", "周平"),
            ("unit", "综合行政执法大队"),
            ("certificate_no", "A-009"),
            ("issuer", "区人民政府"),
            ("issued_on", "2019-01-01"),
            ("expires_on", "2023-12-31"),
        ],
    )
    .await
    .unwrap();
    let section = |page: &str| {
        let start = page.find("id=\"watch-expired\"").expect("the cleanup list is shown");
        page[start..].split("</details>").next().unwrap().to_owned()
    };
    let page = clerk.get("/ledgers/enforcement_officers").await.text().await.unwrap();
    let list = section(&page);
    assert!(list.contains("已过有效期未注销或换证") && list.contains("周平") && !list.contains("王强"), "{list}");
    // The district sees the same list for every township.
    let supervisor = app.login("t_supervisor").await;
    assert!(section(&supervisor.get("/ledgers/enforcement_officers").await.text().await.unwrap()).contains("周平"));

    assert_eq!(
        step(&clerk, &expired, "cancel", &[("left_on", "2024-01-02"), ("leave_reason", "到期未换证")]).await.0,
        StatusCode::SEE_OTHER
    );
    let list = section(&clerk.get("/ledgers/enforcement_officers").await.text().await.unwrap());
    assert!(!list.contains("周平") && list.contains("没有需要处理的记录"), "{list}");
}

fn cases_file(rows: &[[&str; 6]]) -> Vec<u8> {
    let headers = ["状态", "案由", "执法类别", "当事人", "执法人员（执法证号）", "立案日期"];
    common::text_sheet("行政执法案件", &headers, rows)
}

#[tokio::test]
async fn imported_cases_are_held_to_the_same_officer_rules_as_cases_entered_by_hand() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let other = app.login("t_other_clerk").await;
    officer(&clerk, "王强", "A-001").await;
    officer(&clerk, "刘敏", "A-002").await;
    officer(&other, "外镇队员", "B-001").await;

    let file = cases_file(&[
        ["已立案", "占道经营", "行政处罚", "赵某", "A-001、A-002", "2026-09-01"],
        ["已立案", "违规搭建", "行政处罚", "钱某", "A-001、B-001", "2026-09-02"],
        ["已立案", "噪声扰民", "行政处罚", "孙某", "A-001", "2026-09-03"],
        ["已立案", "违规排污", "行政处罚", "李某", "A-001、A-002", "2021-03-01"],
    ]);
    let (status, page) = clerk.upload_spreadsheet("/ledgers/enforcement_cases/import", file).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("一条也没有导入"), "{page}");
    let errors = page.split("id=\"error-table\"").nth(1).unwrap();
    let row = |n: u32, message: &str| {
        format!("<td class=\"num\">{n}</td><td>E</td><td>执法人员（执法证号）</td><td>{message}")
    };
    assert!(errors.contains(&row(3, "“执法人员（执法证号）”中的“B-001”不在本乡镇的执法人员台账中")), "{errors}");
    assert!(errors.contains(&row(4, "执法人员不得少于2名，本记录填写了1名（《行政处罚法》第四十二条）")), "{errors}");
    assert!(errors.contains(&row(5, "执法人员王强（A-001）在2021年3月1日（立案日期）尚未取得执法证")), "{errors}");
    assert!(!errors.contains("<td class=\"num\">2</td>"), "the good row is not refused: {errors}");
    let list = clerk.get("/ledgers/enforcement_cases").await.text().await.unwrap();
    assert!(!list.contains("占道经营"), "nothing is stored while a row is wrong");

    let fixed = cases_file(&[["已立案", "占道经营", "行政处罚", "赵某", "A-001、A-002", "2026-09-01"]]);
    let (status, page) = clerk.upload_spreadsheet("/ledgers/enforcement_cases/import", fixed).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let upload_id = page.split("action=\"/ledgers/enforcement_cases/import/").nth(1).unwrap();
    let upload_id = upload_id.split('"').next().unwrap();
    let r = clerk.post_form(&format!("/ledgers/enforcement_cases/import/{upload_id}"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("已导入：新建 1 条，更新 0 条"));
    let list = clerk.get("/ledgers/enforcement_cases").await.text().await.unwrap();
    assert!(list.contains("占道经营"));
}

#[tokio::test]
async fn an_imported_dispute_mediated_without_a_mediator_is_refused_at_its_row() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    // No 调解员 column at all: the refusal cannot point at a cell, so it names the row.
    let headers = [
        "状态",
        "纠纷事项",
        "纠纷类别",
        "当事人",
        "发生地（村、社区）",
        "来源",
        "风险等级",
        "受理日期",
        "开始调解日期",
    ];
    let file = common::text_sheet(
        "矛盾纠纷",
        &headers,
        &[[
            "调解中",
            "宅基地边界纠纷",
            "邻里纠纷",
            "郑某、王某",
            "杉岭村",
            "排查发现",
            "一般",
            "2026-10-27",
            "2026-10-29",
        ]],
    );
    let (status, page) = clerk.upload_spreadsheet("/ledgers/disputes/import", file).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    let errors = page.split("id=\"error-table\"").nth(1).unwrap();
    assert!(
        errors.contains(
            "<td class=\"num\">2</td><td></td><td></td><td>状态为“调解中”的记录须经过“开始调解”这一步，请填写“调解员”"
        ),
        "{errors}"
    );
    let list = clerk.get("/ledgers/disputes").await.text().await.unwrap();
    assert!(!list.contains("宅基地边界纠纷"), "nothing is stored");
}
