//! The ledger pages, driven over HTTP as a clerk, an adviser and the township's leader would:
//! forms, steps, the legality-review gate's refusal on the page, the principal leader's signature,
//! the unified number, the deadlines with how they were counted, and the history.

mod common;

use common::{Session, TestApp};
use reqwest::StatusCode;

async fn step(s: &Session, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let page = s.get(path.rsplit_once("/steps/").unwrap().0).await.text().await.unwrap();
    let version = page.split("data-version=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("0").to_owned();
    let mut all = fields.to_vec();
    all.push(("version", &version));
    let r = s.post_form(path, &all).await;
    let status = r.status();
    let body = if status == StatusCode::SEE_OTHER {
        s.get(path.rsplit_once("/steps/").unwrap().0).await.text().await.unwrap()
    } else {
        r.text().await.unwrap()
    };
    (status, body)
}

async fn post(s: &Session, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let r = s.post_form(path, fields).await;
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_normative_document_from_draft_to_publication() {
    let app = TestApp::spawn().await;
    common::lawyer(&app.db, app.orgs.township, "王律师").await;
    let clerk = app.login("t_clerk").await;

    // A bad form keeps what was typed and names the field.
    let r = clerk.post_form("/ledgers/normative_documents", &[("title", "杉岭乡村规民约管理办法")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("请填写“起草单位”") && page.contains("杉岭乡村规民约管理办法"), "{page}");

    let r = clerk
        .post_form("/ledgers/normative_documents", &[("title", "杉岭乡村规民约管理办法"), ("drafting_unit", "党政办")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let record = common::location(&r);
    let at = |s: &str| format!("{record}/steps/{s}");
    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(page.contains("不得作为行政管理依据"), "an unpublished document is flagged");

    let (status, _) = step(&clerk, &at("publish_draft"), &[("draft_published_on", "2026-09-28")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Closing the comment period early is refused on the page, with the rule.
    let (status, page) =
        step(&clerk, &at("close_consultation"), &[("comment_closed_on", "2026-10-09"), ("comments_adoption", "无")])
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("征求意见期限未满"), "{page}");
    // The deadline shows how it was counted, holidays and make-up day included.
    assert!(page.contains("2026-10-13") && page.contains("国庆节") && page.contains("调休上班日计为工作日"), "{page}");

    for (s, fields) in [
        ("close_consultation", &[("comment_closed_on", "2026-10-16"), ("comments_adoption", "无意见")][..]),
        ("submit_review", &[("review_submitted_on", "2026-10-19"), ("reviewer", "法律顾问")][..]),
    ] {
        let (status, page) = step(&clerk, &at(s), fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{s}: {page}");
    }
    let adviser = app.login("t_adviser").await;
    let (status, _) = step(
        &adviser,
        &at("record_review"),
        &[("reviewer_name", "王律师"), ("review_on", "2026-10-26"), ("review_opinion", "不合法")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let meeting = [("meeting_name", "乡政府常务会议"), ("meeting_on", "2026-11-02"), ("minutes", "审议")];
    let (status, page) = step(&clerk, &at("deliberate"), &meeting).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("不得提交集体审议") && page.contains("37号"), "{page}");

    // A new draft, a positive review, the deliberation.
    let (status, _) = step(&clerk, &at("revise_draft"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    step(&clerk, &at("submit_review"), &[("review_submitted_on", "2026-10-27"), ("reviewer", "法律顾问")]).await;
    step(
        &adviser,
        &at("record_review"),
        &[("reviewer_name", "王律师"), ("review_on", "2026-11-02"), ("review_opinion", "合法")],
    )
    .await;
    let (status, page) = step(&clerk, &at("deliberate"), &meeting).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");

    // The leader is not yet named principal: no signing button, and a direct post is refused.
    let leader = app.login("t_leader").await;
    let page = leader.get(&record).await.text().await.unwrap();
    assert!(!page.contains("id=\"step-sign\""));
    let (status, _) = step(&leader, &at("sign"), &[("signed_on", "2026-11-03")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.login("t_admin").await;
    let leader_id = app.user_id("t_leader").await.to_string();
    let r = admin.post_form(&format!("/orgs/{}/principals", app.orgs.township), &[("principal", &leader_id)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, page) = step(&leader, &at("sign"), &[("signed_on", "2026-11-03")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");

    let (status, page) = step(&clerk, &at("register"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(page.contains("杉岭府规〔2026〕1号"), "{page}");
    let (status, page) =
        step(&clerk, &at("publish"), &[("published_on", "2026-11-05"), ("publish_channel", "乡政府网站")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(page.contains(">有效<") && !page.contains("不得作为行政管理依据"), "{page}");
    assert!(page.contains("2031-11-04"), "valid for five years: {page}");
    assert!(page.contains("报送备案期限") && page.contains("2026-12-07"), "{page}");
    assert!(page.contains("签发") && page.contains("统一登记编号"), "the history names the steps: {page}");

    // Another township's clerk cannot see it; the district supervisor can, without step buttons.
    let other = app.login("t_other_clerk").await;
    assert_eq!(other.get(&record).await.status(), StatusCode::NOT_FOUND);
    let supervisor = app.login("t_supervisor").await;
    let page = supervisor.get(&record).await.text().await.unwrap();
    assert!(page.contains("杉岭府规〔2026〕1号") && !page.contains("class=\"step\""));
}

/// A published document never filed upward is overdue on the township's to-do list, in red, and
/// counts against its township on the district's.
#[tokio::test]
async fn an_unfiled_document_is_overdue_on_the_to_do_lists() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    assert!(clerk.get("/todo").await.text().await.unwrap().contains("id=\"todo-empty\""));

    let r = common::published_document(&app.db, app.orgs.township, "杉岭乡殡葬管理办法").await;
    assert_eq!(fazhi_domain::ledger::text(&r.values, "doc_number"), "杉岭府规〔2025〕1号");

    let page = clerk.get("/todo").await.text().await.unwrap();
    assert!(page.contains("杉岭乡殡葬管理办法") && page.contains("报送备案期限") && page.contains("tag red"), "{page}");
    assert!(page.contains("2026-02-04"), "30 days from 2026-01-05: {page}");
    let other = app.login("t_other_clerk").await;
    assert!(other.get("/todo").await.text().await.unwrap().contains("id=\"todo-empty\""));
    // Filing is the clerk's step and the leader sees the township's all; the adviser's list holds
    // only the reviews the adviser may record.
    let leader = app.login("t_leader").await;
    assert!(leader.get("/todo").await.text().await.unwrap().contains("杉岭乡殡葬管理办法"));
    let adviser = app.login("t_adviser").await;
    assert!(adviser.get("/todo").await.text().await.unwrap().contains("id=\"todo-empty\""));
    let clerk_steps = |fields: &[(&str, &str)]| fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let all = fazhi_store::Scope::everything();
    let kind = &fazhi_domain::ledgers::normative_documents::KIND;
    let facts = fazhi_domain::ledger::ActorFacts {
        name: "经办人",
        roles: &[fazhi_domain::role::Role::Clerk],
        principal_leader: false,
    };
    let mut draft = fazhi_store::ledger::create(
        &app.db,
        &fazhi_store::Actor::system(),
        &all,
        kind,
        app.orgs.township,
        &clerk_steps(&[("title", "杉岭乡河道管理办法"), ("drafting_unit", "水利站")]),
        &rules.ctx(),
    )
    .await
    .unwrap();
    for (step, fields) in [
        ("publish_draft", &[("draft_published_on", "2026-03-02")][..]),
        ("close_consultation", &[("comment_closed_on", "2026-03-20"), ("comments_adoption", "无")][..]),
        ("submit_review", &[("review_submitted_on", "2026-03-23"), ("reviewer", "法律顾问")][..]),
    ] {
        draft = fazhi_store::ledger::take(
            &app.db,
            &fazhi_store::Actor::system(),
            facts,
            &all,
            kind,
            draft.id,
            draft.version,
            step,
            &clerk_steps(fields),
            &rules.ctx(),
        )
        .await
        .unwrap();
    }
    let page = adviser.get("/todo").await.text().await.unwrap();
    assert!(page.contains("杉岭乡河道管理办法") && page.contains("合法性审核期限"), "{page}");
    assert!(!page.contains("杉岭乡殡葬管理办法"), "filing is not the adviser's: {page}");
    let listed: serde_json::Value = adviser.api(reqwest::Method::GET, "/api/v1/todo", None).await.json().await.unwrap();
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["items"][0]["label"], "合法性审核期限");
    assert!(listed["items"][0]["how"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("起算日")));
    let supervisor = app.login("t_supervisor").await;
    let page = supervisor.get("/todo").await.text().await.unwrap();
    let counts = page.split("id=\"todo-counts\"").nth(1).expect("the district sees counts per township");
    let shanling = counts.split("杉岭乡</a></td>").nth(1).unwrap();
    assert!(shanling.split("</tr>").next().unwrap().contains("class=\"tag red\">2<"), "{page}");
}

/// The same engine through the JSON API: field errors name the field, a statutory refusal carries
/// its rule id, a stale version is a 409.
#[tokio::test]
async fn the_api_creates_and_takes_steps() {
    use reqwest::Method;
    use serde_json::json;
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let r = clerk.api(Method::POST, "/api/v1/ledgers/decisions", Some(json!({"title": "事项"}))).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["code"], "invalid");
    assert!(e["message"].as_str().unwrap().contains("承办单位"), "{e}");

    let r = clerk
        .api(
            Method::POST,
            "/api/v1/ledgers/decisions",
            Some(json!({"title": "集镇污水管网建设", "catalogue_year": 2026, "lead_unit": "村镇建设办"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let record: serde_json::Value = r.json().await.unwrap();
    let id = record["id"].as_i64().unwrap();
    assert_eq!(record["state_label"], "草案拟订中");

    let step = format!("/api/v1/ledgers/decisions/{id}/steps/publish_draft");
    let r = clerk
        .api(Method::POST, &step, Some(json!({"version": 1, "draft_published_on": "2026-03-02", "comment_days": 10})))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["code"], "zdjc_public_comment");
    assert!(e["message"].as_str().unwrap().contains("第十五条"));

    let ok = json!({"version": 1, "draft_published_on": "2026-03-02", "comment_days": 30});
    let r = clerk.api(Method::POST, &step, Some(ok.clone())).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["state"], "consulting");
    assert_eq!(clerk.api(Method::POST, &step, Some(ok)).await.status(), StatusCode::CONFLICT);

    let list: serde_json::Value =
        clerk.api(Method::GET, "/api/v1/ledgers/decisions?state=consulting", None).await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    clerk
        .api(
            Method::POST,
            "/api/v1/ledgers/decisions",
            Some(json!({"title": "安置房建设", "catalogue_year": 2026, "lead_unit": "党政办"})),
        )
        .await;
    clerk
        .api(
            Method::POST,
            "/api/v1/ledgers/decisions",
            Some(json!({"title": "征地补偿方案", "catalogue_year": 2026, "lead_unit": "党政办"})),
        )
        .await;
    let titles = |list: serde_json::Value| -> Vec<String> {
        list["items"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
    };
    let newest = clerk.api(Method::GET, "/api/v1/ledgers/decisions", None).await.json().await.unwrap();
    assert_eq!(titles(newest), ["征地补偿方案", "安置房建设", "集镇污水管网建设"]);
    let by_title = clerk.api(Method::GET, "/api/v1/ledgers/decisions?sort=title", None).await.json().await.unwrap();
    assert_eq!(titles(by_title), ["安置房建设", "征地补偿方案", "集镇污水管网建设"]);
    let page = clerk.get("/ledgers/decisions?sort=title").await.text().await.unwrap();
    assert!(page.find("安置房建设").unwrap() < page.find("集镇污水管网建设").unwrap());
    assert!(page.contains("value=\"title\" selected"), "the chosen order stays selected");
    let other = app.login("t_other_clerk").await;
    assert_eq!(
        other.api(Method::GET, &format!("/api/v1/ledgers/decisions/{id}"), None).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// The administrator sets the filing period to 15 days: the open filing deadline is recounted at
/// once and the clerk's to-do list shows the new day; a bad value is refused with the setting's
/// name and changes nothing; back to the default, the old day returns. Each change is audited.
#[tokio::test]
async fn a_changed_setting_recounts_the_open_deadlines() {
    let app = TestApp::spawn().await;
    common::published_document(&app.db, app.orgs.township, "杉岭乡殡葬管理办法").await;
    let clerk = app.login("t_clerk").await;
    assert!(clerk.get("/todo").await.text().await.unwrap().contains("2026-02-04"));

    let admin = app.login("t_admin").await;
    let page = admin.get("/settings").await.text().await.unwrap();
    assert!(page.contains("报送备案期限（自公布之日起）") && page.contains("30日内"), "{page}");
    let key = "normative_documents.filing_period";
    let (status, page) = post(&admin, "/settings", &[("key", key), ("length", "0"), ("unit", "calendar_days")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("“报送备案期限（自公布之日起）”的天数应为 1 到 3650 之间的整数"), "{page}");
    assert!(clerk.get("/todo").await.text().await.unwrap().contains("2026-02-04"), "nothing changed");

    let (status, page) = post(&admin, "/settings", &[("key", key), ("length", "15"), ("unit", "calendar_days")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("已保存") && page.contains("15日内"), "{page}");
    let todo = clerk.get("/todo").await.text().await.unwrap();
    assert!(todo.contains("2026-01-20") && !todo.contains("2026-02-04"), "15 days from 2026-01-05: {todo}");

    let (status, _) = post(&admin, "/settings", &[("key", key), ("reset", "1")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(clerk.get("/todo").await.text().await.unwrap().contains("2026-02-04"));
    let filter = fazhi_store::audit::AuditFilter {
        action: Some("settings.update".into()),
        object_id: Some(key.into()),
        ..Default::default()
    };
    let trail = fazhi_store::audit::list(&app.db, &filter).await.unwrap();
    assert_eq!(trail.total, 2, "the refused change is not audited, the two others are");

    // Settings are the administrator's: a clerk reads them but cannot change them.
    let (status, _) = post(&clerk, "/settings", &[("key", key), ("length", "15"), ("unit", "calendar_days")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_disclosure_request_extended_by_the_leader_and_paused_for_a_third_party() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let r = clerk
        .post_form(
            "/ledgers/disclosure_requests",
            &[
                ("title", "某村2025年低保名单"),
                ("applicant", "张三"),
                ("channel", "邮寄"),
                ("received_on", "2026-11-02"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let record = common::location(&r);
    let at = |s: &str| format!("{record}/steps/{s}");
    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(page.contains("答复期限") && page.contains("2026-11-30"), "20 working days from receipt: {page}");
    assert!(page.contains("张三"), "the township sees the applicant");
    for kind in fazhi_domain::ledgers::ALL {
        assert!(page.contains(&format!("href=\"/ledgers/{}\"", kind.code)), "the menu lists {}", kind.label);
    }
    // The district sees the record with the applicant's name masked, on the page and in the API.
    let supervisor = app.login("t_supervisor").await;
    let page = supervisor.get(&record).await.text().await.unwrap();
    assert!(page.contains("张*") && !page.contains("张三"), "{page}");
    let id = record.rsplit('/').next().unwrap();
    let api: serde_json::Value = supervisor
        .api(reqwest::Method::GET, &format!("/api/v1/ledgers/disclosure_requests/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["values"]["applicant"], "张*");
    let listed: serde_json::Value =
        supervisor.api(reqwest::Method::GET, "/api/v1/ledgers/disclosure_requests", None).await.json().await.unwrap();
    assert_eq!(listed["items"][0]["values"]["applicant"], "张*");

    // Only the leader approves an extension; the refusal says who may.
    let extension =
        [("extension_days", "10"), ("extension_reason", "需调取历年档案"), ("extension_notified_on", "2026-11-25")];
    let (status, page) = step(&clerk, &at("extend"), &extension).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("乡镇负责人"), "{page}");
    let leader = app.login("t_leader").await;
    let (status, page) = step(&leader, &at("extend"), &extension).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(page.contains("2026-12-14") && page.contains("经测试t_leader批准延长10个工作日"), "{page}");
    assert!(page.contains("第三十三条第二款"), "{page}");

    // While a third party is consulted the clock stands still and nothing is due.
    let (status, page) =
        step(&clerk, &at("consult"), &[("consulted_party", "某合作社"), ("consultation_sent_on", "2026-11-09")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(page.contains("暂停计算"), "{page}");
    assert_eq!(
        open_limits(&app).await,
        vec![("第三方提出意见期限", "2026-11-30".to_owned())],
        "the reply's stopped clock is not on the to-do list; the third party's 15 working days are"
    );
    let (status, page) = step(
        &clerk,
        &at("close_consultation"),
        &[("consultation_closed_on", "2026-11-16"), ("consultation_result", "不同意公开")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Five working days not counted: 12-14 becomes 12-21.
    assert!(page.contains("2026-12-21") && page.contains("其间 5个工作日不计入期限"), "{page}");
    assert_eq!(open_limits(&app).await, vec![("答复期限", "2026-12-21".to_owned())]);
}

/// Every open limit of the test township as the to-do list reads them, by label and due day.
async fn open_limits(app: &TestApp) -> Vec<(&'static str, String)> {
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let scope = fazhi_store::Scope::everything();
    let (items, _) = fazhi_store::ledger::due_by(
        &app.db,
        &scope,
        day("2026-11-01"),
        day("2099-12-31"),
        100,
        None,
        &Default::default(),
        &rules.ctx(),
    )
    .await
    .unwrap();
    items.into_iter().map(|i| (i.label, i.due.to_string())).collect()
}

/// A mistyped name is corrected while the record is a draft; once its procedure has begun, only
/// steps change it. A stale form is a 409 and changes nothing.
#[tokio::test]
async fn a_draft_is_corrected_and_a_record_in_procedure_is_not() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let r = clerk
        .post_form("/ledgers/normative_documents", &[("title", "杉岭乡村规民约管里办法"), ("drafting_unit", "党政办")])
        .await;
    let record = common::location(&r);
    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(page.contains("id=\"edit-record\""), "a draft offers the correction");
    let form = clerk.get(&format!("{record}/edit")).await.text().await.unwrap();
    assert!(form.contains("杉岭乡村规民约管里办法") && form.contains("name=\"version\" value=\"1\""), "{form}");

    let fix = [("title", "杉岭乡村规民约管理办法"), ("drafting_unit", "党政办"), ("version", "1")];
    let (status, page) =
        post(&clerk, &format!("{record}/edit"), &[("title", ""), ("drafting_unit", "党政办"), ("version", "1")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("请填写“文件名称”"), "{page}");
    let (status, _) = post(&clerk, &format!("{record}/edit"), &fix).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(page.contains("杉岭乡村规民约管理办法") && page.contains("修改基本信息"), "{page}");
    let (status, page) = post(&clerk, &format!("{record}/edit"), &fix).await;
    assert_eq!(status, StatusCode::CONFLICT, "version 1 is stale now");
    assert!(page.contains("已被他人修改"), "{page}");

    let (status, _) =
        step(&clerk, &format!("{record}/steps/publish_draft"), &[("draft_published_on", "2026-09-28")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(!page.contains("id=\"edit-record\""));
    let late = [("title", "改名"), ("drafting_unit", "党政办"), ("version", "3")];
    let (status, page) = post(&clerk, &format!("{record}/edit"), &late).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("基本信息不能再修改"), "{page}");
    assert!(!clerk.get(&record).await.text().await.unwrap().contains("改名"));

    // The API: the same rule, and the supervisor may not edit.
    let id = record.rsplit('/').next().unwrap();
    let body = serde_json::json!({"title": "改名", "drafting_unit": "党政办", "version": 3});
    let path = format!("/api/v1/ledgers/normative_documents/{id}");
    let r = clerk.api(reqwest::Method::PUT, &path, Some(body.clone())).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let supervisor = app.login("t_supervisor").await;
    assert_eq!(supervisor.api(reqwest::Method::PUT, &path, Some(body)).await.status(), StatusCode::FORBIDDEN);
}

/// Posts a correction of a step with the record's current version; the page after, or the refusal.
async fn correction(s: &Session, record: &str, code: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    common::post_on_record(s, record, &format!("corrections/{code}"), fields).await
}

#[tokio::test]
async fn a_wrongly_entered_step_is_corrected_on_the_record_with_its_reason() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let doc = common::signed_document(&app.db, app.orgs.township, "杉岭乡集镇管理暂行办法", 2026).await;
    let record = format!("/ledgers/normative_documents/{}", doc.id);
    let page = clerk.get(&record).await.text().await.unwrap();
    assert!(page.contains("id=\"fix-deliberate\"") && page.contains("更正“记录集体审议”"), "{page}");

    // A meeting moved before the review it follows is refused, naming both dates.
    let meeting = |on: &'static str, reason: &'static str| {
        vec![("meeting_name", "乡政府常务会议"), ("meeting_on", on), ("minutes", "审议通过"), ("reason", reason)]
    };
    let (status, page) = correction(&clerk, &record, "deliberate", &meeting("2026-10-20", "会议日期录错")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("“审议日期”（2026年10月20日）早于“审核意见日期”（2026年10月26日）"), "{page}");
    // No reason, no correction.
    let (status, page) = correction(&clerk, &record, "deliberate", &meeting("2026-10-30", "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("请填写更正理由"), "{page}");
    // Outside the township nobody corrects a township's record.
    let supervisor = app.login("t_supervisor").await;
    let (status, _) = correction(&supervisor, &record, "deliberate", &meeting("2026-10-30", "x")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, page) =
        correction(&clerk, &record, "deliberate", &meeting("2026-10-30", "会议纪要载明为10月30日")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(
        page.contains("更正“记录集体审议”：审议日期：2026-11-02 → 2026-10-30；理由：会议纪要载明为10月30日"),
        "{page}"
    );
    let stored = fazhi_store::ledger::get(
        &app.db,
        &fazhi_store::Scope::everything(),
        &fazhi_domain::ledgers::normative_documents::KIND,
        doc.id,
    )
    .await
    .unwrap();
    assert_eq!(stored.state, "signed", "a correction does not move the record");
    assert_eq!(fazhi_domain::ledger::text(&stored.values, "meeting_on"), "2026-10-30");
    let trail = fazhi_store::audit::list(
        &app.db,
        &fazhi_store::audit::AuditFilter { action: Some("ledger.correct".into()), ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(trail.total, 1);

    // The API: the same rules, and a step that records no such field is refused by name.
    let body = serde_json::json!({ "version": stored.version, "reason": "x", "meeting_on": "2026-10-31", "signed_by": "某人",
        "meeting_name": "乡政府常务会议", "minutes": "审议通过" });
    let r = clerk
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/ledgers/normative_documents/{}/corrections/deliberate", doc.id),
            Some(body),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let text = r.text().await.unwrap();
    assert!(text.contains("“签发人”不是“记录集体审议”这一步登记的内容"), "{text}");
}

#[tokio::test]
async fn acts_dated_after_today_are_refused_by_form_and_api() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let r = clerk
        .post_form(
            "/ledgers/petitions",
            &[
                ("title", "道路积水"),
                ("petitioner", "张三"),
                ("channel", "来信"),
                ("topic", "城乡建设"),
                ("source", "信访人直接提出"),
                ("received_on", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("“收到日期”为2099年1月1日，晚于今天"), "{page}");
    let body = serde_json::json!({ "title": "道路积水", "petitioner": "张三", "channel": "来信", "topic": "城乡建设",
        "source": "信访人直接提出", "received_on": "2099-01-01" });
    let r = clerk.api(reqwest::Method::POST, "/api/v1/ledgers/petitions", Some(body)).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("晚于今天"));
}
