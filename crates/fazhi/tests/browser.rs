//! End to end in a real headless Chromium on the demo data: log in, open the organization tree, log
//! out; walk a decision from the catalogue to publication past the legality-review gate; walk a
//! petition through acceptance, an attachment, the leader's extension and conclusion; and one record
//! of every other ledger family from its form to its last step. Needs
//! Debian's `chromium` and `chromium-driver`; skips (or fails, in CI) without.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn tool(env: &str, default: &str) -> Option<String> {
    let path = std::env::var(env).unwrap_or_else(|_| default.to_owned());
    Path::new(&path).exists().then_some(path)
}

/// A demo installation served on a random port and a headless Chromium driving it, or `None`
/// (after printing why) when Chromium is not installed and the run does not require it.
struct Browser {
    client: fantoccini::Client,
    address: String,
    demo: fazhi_store::demo::DemoLoaded,
    _driver: Driver,
    _profile: tempfile::TempDir,
    _db: common::TestDb,
}

async fn start(test: &str) -> Option<Browser> {
    let (Some(chromium), Some(chromedriver)) =
        (tool("FAZHI_CHROMIUM", "/usr/bin/chromium"), tool("FAZHI_CHROMEDRIVER", "/usr/bin/chromedriver"))
    else {
        if common::require("FAZHI_REQUIRE_BROWSER") {
            panic!("{test}: FAZHI_REQUIRE_BROWSER=1 but chromium or chromedriver is missing");
        }
        common::skip(test, "install Debian's chromium and chromium-driver to run it");
        return None;
    };

    // The demo data, as a newcomer gets it from `fazhi serve --demo`.
    let test_db = common::TestDb::new(common::postgres_base_url().as_deref()).await;
    let db = test_db.connect().await;
    let demo = fazhi_store::demo::load_if_empty(&db).await.unwrap().expect("empty database");
    fazhi_web::bulletin::demo(&db).await.unwrap();
    let files = fazhi_store::attachments::FileStore::of(&db, &common::files_dir());
    fazhi_web::report_archive::demo(&db, &files).await.unwrap();
    let address = common::serve(db).await;

    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let driver = Driver(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1366,768", format!("--user-data-dir={}", profile.path().display())]
        }
    });
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(capabilities.as_object().unwrap().clone());
    let mut browser = None;
    for _ in 0..50 {
        match builder.connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(c) => {
                browser = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let client = browser.expect("chromedriver answers");
    Some(Browser { client, address, demo, _driver: driver, _profile: profile, _db: test_db })
}

async fn log_in(b: &fantoccini::Client, username: &str, password: &str) {
    b.find(Locator::Css("#username")).await.unwrap().send_keys(username).await.unwrap();
    b.find(Locator::Css("#password")).await.unwrap().send_keys(password).await.unwrap();
    b.find(Locator::Css("#login-submit")).await.unwrap().click().await.unwrap();
}

#[tokio::test]
async fn log_in_open_the_organization_tree_and_log_out() {
    let Some(browser) = start("log_in_open_the_organization_tree_and_log_out").await else { return };
    // The driver and the database live as long as `browser`: bind it whole, not by fields.
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    b.goto(&format!("{address}/orgs")).await.unwrap();
    assert!(b.current_url().await.unwrap().path().starts_with("/login"), "signing in comes first");
    log_in(b, "supervisor", &demo.demo_password).await;
    let tree = b.wait().for_element(Locator::Css("#org-tree")).await.unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/orgs", "back where the user wanted to go");
    let text = tree.text().await.unwrap();
    for township in ["杉岭乡", "安稳镇", "后山镇", "蔡江乡", "凤凰镇", "司法所"] {
        assert!(text.contains(township), "{township} in the tree");
    }
    let user = b.find(Locator::Css("#current-user")).await.unwrap().text().await.unwrap();
    assert!(user.contains("区县督察员"));
    if let Ok(dir) = std::env::var("FAZHI_SCREENSHOT_DIR") {
        std::fs::write(Path::new(&dir).join("orgs.png"), b.screenshot().await.unwrap()).unwrap();
    }
    // The supervisor's menu has no administration pages.
    let menu = b.find(Locator::Css(".sidebar")).await.unwrap().text().await.unwrap();
    assert!(menu.contains("组织机构") && !menu.contains("用户管理") && !menu.contains("审计日志"));

    b.find(Locator::Css("#logout")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#login-submit")).await.unwrap();
    assert!(b.source().await.unwrap().contains("您已安全退出"));
    b.goto(&format!("{address}/orgs")).await.unwrap();
    assert!(b.current_url().await.unwrap().path().starts_with("/login"), "the session is gone");
    b.clone().close().await.unwrap();
}

/// Fills a field by its id, as the browser's own controls would (date inputs take their value in
/// the page's locale when typed, so dates are set the way a date picker sets them).
async fn fill(b: &fantoccini::Client, id: &str, value: &str) {
    b.execute(
        "const e = document.getElementById(arguments[0]); \
         if (e.type === 'checkbox') { e.checked = arguments[1] === '是'; } else { e.value = arguments[1]; } \
         e.dispatchEvent(new Event('change'));",
        vec![json!(id), json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("{id}: {e}"));
}

/// Waits for the page a submission leads to, confirming the step in the page's dialog when it
/// asks (签发, 公开发布 …); false if no new page came. The mark set before the click is gone once
/// the browser has navigated and the new page has loaded.
async fn new_page(b: &fantoccini::Client) -> bool {
    for _ in 0..100 {
        let asked = b
            .execute("const d = document.getElementById('confirm-dialog'); return !!(d && d.open);", vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if asked {
            b.find(Locator::Css("#confirm-ok")).await.unwrap().click().await.unwrap();
        }
        let loaded = b
            .execute("return window.fazhiOldPage === undefined && document.readyState === 'complete';", vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if loaded {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Opens a step, fills it and submits it; returns the page text after it.
async fn take_step(b: &fantoccini::Client, step: &str, fields: &[(&str, &str)]) -> String {
    let section =
        b.find(Locator::Css(&format!("#step-{step}"))).await.unwrap_or_else(|_| panic!("step {step} is offered"));
    if section.attr("open").await.unwrap().is_none() {
        section.find(Locator::Css("summary")).await.unwrap().click().await.unwrap();
    }
    for (key, value) in fields {
        fill(b, &format!("{step}-{key}"), value).await;
    }
    // Mark this page, submit, and wait for a new page: the mark is gone once the browser has
    // navigated and the new page has loaded (the old page's elements would otherwise answer).
    b.execute("window.fazhiOldPage = true;", vec![]).await.unwrap();
    section.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    new_page(b).await;
    b.wait().for_element(Locator::Css("#record-state")).await.unwrap();
    b.find(Locator::Css("main")).await.unwrap().text().await.unwrap()
}

async fn state(b: &fantoccini::Client) -> String {
    b.find(Locator::Css("#record-state")).await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn a_clerk_walks_a_decision_from_catalogue_to_publication_past_the_legality_review_gate() {
    let Some(browser) =
        start("a_clerk_walks_a_decision_from_catalogue_to_publication_past_the_legality_review_gate").await
    else {
        return;
    };
    // The driver and the database live as long as `browser`: bind it whole, not by fields.
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    // First the catalogue: the new decision is added to this year's, agreed and published again.
    b.goto(&format!("{address}/ledgers/decision_catalogue")).await.unwrap();
    log_in(b, "shanling_clerk", &demo.demo_password).await;
    b.wait().for_element(Locator::LinkText("杉岭乡2026年度重大行政决策事项目录")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#record-state")).await.unwrap();
    assert_eq!(state(b).await, "已公布");
    take_step(
        b,
        "adjust",
        &[
            ("adjusted_on", "2026-05-20"),
            ("adjustment", "增加农贸市场改造"),
            ("items", "集镇污水管网建设，村镇建设办，2026年10月\n杉岭乡农贸市场改造，经济发展办，2026年12月"),
        ],
    )
    .await;
    assert_eq!(state(b).await, "编制中");
    take_step(b, "approve", &[("party_meeting", "乡党委会议"), ("party_approved_on", "2026-05-25")]).await;
    let page = take_step(b, "publish", &[("published_on", "2026-05-27"), ("publish_channel", "乡政府网站")]).await;
    assert_eq!(state(b).await, "已公布");
    assert!(page.contains("杉岭乡农贸市场改造"), "{page}");

    b.goto(&format!("{address}/ledgers/decisions")).await.unwrap();
    b.wait().for_element(Locator::Css("#new-record")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#new-form")).await.unwrap();
    b.find(Locator::Css("#new-title")).await.unwrap().send_keys("杉岭乡农贸市场改造").await.unwrap();
    b.find(Locator::Css("#new-catalogue_year")).await.unwrap().send_keys("2026").await.unwrap();
    b.find(Locator::Css("#new-lead_unit")).await.unwrap().send_keys("经济发展办").await.unwrap();
    b.find(Locator::Css("#new-form button[type=submit]")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#record-state")).await.unwrap();
    assert_eq!(state(b).await, "草案拟订中");

    take_step(b, "publish_draft", &[("draft_published_on", "2026-06-01"), ("comment_days", "30")]).await;
    assert_eq!(state(b).await, "征求意见中");
    take_step(
        b,
        "close_consultation",
        &[("comment_closed_on", "2026-07-02"), ("comments_adoption", "收到意见5条，采纳3条")],
    )
    .await;
    take_step(
        b,
        "record_assessments",
        &[
            ("expert_review", "不适用"),
            ("expert_review_note", "非专业技术事项"),
            ("risk_assessment", "已评估"),
            ("risk_assessment_note", "风险可控"),
        ],
    )
    .await;
    take_step(
        b,
        "submit_review",
        &[("review_submitted_on", "2026-07-03"), ("review_due_on", "2026-07-14"), ("reviewer", "司法所")],
    )
    .await;
    assert_eq!(state(b).await, "合法性审查中");
    take_step(
        b,
        "record_review",
        &[("reviewer_name", "司法所"), ("review_on", "2026-07-10"), ("review_opinion", "不合法")],
    )
    .await;

    // The gate: collective discussion refused, with the rule and its article, on the page.
    let page = take_step(
        b,
        "decide",
        &[
            ("meeting_name", "党政联席会议"),
            ("meeting_on", "2026-07-15"),
            ("attendees", "班子成员"),
            ("minutes", "讨论"),
            ("head_decision", "同意"),
        ],
    )
    .await;
    assert!(page.contains("不得提交讨论") && page.contains("第二十五条"), "{page}");
    assert_eq!(state(b).await, "已审查", "nothing was recorded");

    take_step(b, "revise_draft", &[("summary", "按审查意见修改")]).await;
    take_step(
        b,
        "submit_review",
        &[("review_submitted_on", "2026-07-16"), ("review_due_on", "2026-07-27"), ("reviewer", "司法所")],
    )
    .await;
    take_step(
        b,
        "record_review",
        &[("reviewer_name", "司法所"), ("review_on", "2026-07-24"), ("review_opinion", "合法")],
    )
    .await;
    take_step(
        b,
        "decide",
        &[
            ("meeting_name", "党政联席会议"),
            ("meeting_on", "2026-07-28"),
            ("attendees", "班子成员"),
            ("minutes", "讨论通过"),
            ("head_decision", "同意实施"),
        ],
    )
    .await;
    assert_eq!(state(b).await, "已集体讨论决定");
    take_step(b, "report_party", &[("party_reported_on", "2026-07-29")]).await;
    let page =
        take_step(b, "publish", &[("published_on", "2026-08-03"), ("publish_channel", "区政府网站乡镇专栏")]).await;
    assert_eq!(state(b).await, "已公布");
    assert!(page.contains("公布决策") && page.contains("记录集体讨论决定"), "the history lists the steps: {page}");
    b.clone().close().await.unwrap();
}

/// Clicks a button whose submission loads a new page, and waits for that page.
async fn submit_and_wait(b: &fantoccini::Client, button: &str) {
    b.execute("window.fazhiOldPage = true;", vec![]).await.unwrap();
    b.find(Locator::Css(button)).await.unwrap().click().await.unwrap();
    if !new_page(b).await {
        panic!("no new page after {button}");
    }
}

/// A petition from registration to conclusion: the clerk registers and accepts it and attaches the
/// visit record; only the leader may extend the handling period, and the record's page shows who
/// approved and the new due day; the clerk concludes it.
#[tokio::test]
async fn a_petition_is_accepted_extended_by_the_leader_and_concluded() {
    let Some(browser) = start("a_petition_is_accepted_extended_by_the_leader_and_concluded").await else { return };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    b.goto(&format!("{address}/ledgers/petitions/new")).await.unwrap();
    log_in(b, "shanling_clerk", &demo.demo_password).await;
    b.wait().for_element(Locator::Css("#new-form")).await.unwrap();
    b.find(Locator::Css("#new-title")).await.unwrap().send_keys("反映杉岭村灌溉水渠年久失修").await.unwrap();
    b.find(Locator::Css("#new-petitioner")).await.unwrap().send_keys("孙某").await.unwrap();
    for (id, value) in [("new-channel", "来访"), ("new-topic", "城乡建设"), ("new-source", "信访人直接提出")]
    {
        fill(b, id, value).await;
    }
    fill(b, "new-received_on", "2026-03-02").await;
    submit_and_wait(b, "#new-form button[type=submit]").await;
    b.wait().for_element(Locator::Css("#record-state")).await.unwrap();
    assert_eq!(state(b).await, "已登记");
    let record = b.current_url().await.unwrap().path().to_owned();

    let page = take_step(b, "accept", &[("accepted_on", "2026-03-03"), ("handler", "水利站")]).await;
    assert_eq!(state(b).await, "办理中");
    assert!(page.contains("2026-05-06"), "60 days end on 05-02, in the 劳动节 holiday: {page}");
    assert!(b.find(Locator::Css("#step-extend")).await.is_err(), "the clerk is not offered the extension");

    // The visit record, attached from a file on disk, as a clerk would.
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("来访登记表.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n%%EOF\n").unwrap();
    b.find(Locator::Css("#attachments input[type=file]"))
        .await
        .unwrap()
        .send_keys(scan.to_str().unwrap())
        .await
        .unwrap();
    submit_and_wait(b, "#attachments form.form button[type=submit]").await;
    let attached = b.wait().for_element(Locator::Css("#record-attachments")).await.unwrap().text().await.unwrap();
    assert!(attached.contains("来访登记表.pdf"), "{attached}");

    b.find(Locator::Css("#logout")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#login-submit")).await.unwrap();
    b.goto(&format!("{address}{record}")).await.unwrap();
    log_in(b, "shanling_leader", &demo.demo_password).await;
    b.wait().for_element(Locator::Css("#record-state")).await.unwrap();
    let page = take_step(
        b,
        "extend",
        &[
            ("extension_days", "30"),
            ("extension_reason", "需水利部门现场勘查"),
            ("extension_notified_on", "2026-04-28"),
        ],
    )
    .await;
    assert!(page.contains("2026-06-01"), "{page}");
    // How it was counted, folded under 如何计算: who approved, and by how much.
    let source = b.source().await.unwrap();
    assert!(source.contains("经杉岭乡负责人批准延长30日"), "{source}");

    b.find(Locator::Css("#logout")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#login-submit")).await.unwrap();
    b.goto(&format!("{address}{record}")).await.unwrap();
    log_in(b, "shanling_clerk", &demo.demo_password).await;
    b.wait().for_element(Locator::Css("#record-state")).await.unwrap();
    take_step(b, "conclude", &[("concluded_on", "2026-05-20"), ("opinion", "已维修水渠"), ("satisfaction", "满意")])
        .await;
    assert_eq!(state(b).await, "已办结");
    b.clone().close().await.unwrap();
}

/// Opens a kind's form (signing in as `user` on the way, if no one is), fills it and submits it;
/// returns the new record's path, or the refused form's text.
async fn create_record(
    b: &fantoccini::Client,
    address: &str,
    kind: &str,
    fields: &[(&str, &str)],
) -> Result<String, String> {
    b.goto(&format!("{address}/ledgers/{kind}/new")).await.unwrap();
    b.wait().for_element(Locator::Css("#new-form")).await.unwrap();
    for (key, value) in fields {
        fill(b, &format!("new-{key}"), value).await;
    }
    submit_and_wait(b, "#new-form button[type=submit]").await;
    if b.find(Locator::Css("#record-state")).await.is_ok() {
        Ok(b.current_url().await.unwrap().path().to_owned())
    } else {
        Err(b.find(Locator::Css("main")).await.unwrap().text().await.unwrap())
    }
}

/// Signs out and back in as another user, landing on `path`.
async fn switch_user(b: &fantoccini::Client, address: &str, path: &str, user: &str, password: &str) {
    if b.find(Locator::Css("#logout")).await.is_ok() {
        b.find(Locator::Css("#logout")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css("#login-submit")).await.unwrap();
    }
    b.goto(&format!("{address}{path}")).await.unwrap();
    log_in(b, user, password).await;
    b.wait().for_element(Locator::Css("#current-user")).await.unwrap();
}

/// Attaches a small PDF on the record's page, filed under a stage if given.
async fn attach(b: &fantoccini::Client, name: &str, stage: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, b"%PDF-1.4\n%%EOF\n").unwrap();
    if let Some(stage) = stage {
        fill(b, "attachment-stage", stage).await;
    }
    b.find(Locator::Css("#attachments input[type=file]"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    submit_and_wait(b, "#attachments form.form button[type=submit]").await;
}

/// An enforcement case from filing to closure: a case with one officer is refused on its form;
/// two of the township's certified officers are named; the leader decides; the clerk serves,
/// publishes, attaches the record and closes it.
#[tokio::test]
async fn an_enforcement_case_is_filed_with_two_officers_decided_published_and_closed() {
    let Some(browser) = start("an_enforcement_case_is_filed_with_two_officers_decided_published_and_closed").await
    else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    switch_user(b, address, "/ledgers/enforcement_cases", "shanling_clerk", &demo.demo_password).await;
    let case = |officers: &'static str| {
        [
            ("title", "集镇占道经营"),
            ("case_type", "行政处罚"),
            ("party", "钱某"),
            ("officers", officers),
            ("filed_on", "2026-11-02"),
        ]
    };
    let refused = create_record(b, address, "enforcement_cases", &case("渝执0012345")).await.unwrap_err();
    assert!(refused.contains("执法人员不得少于2名"), "{refused}");
    let record = create_record(b, address, "enforcement_cases", &case("渝执0012345、渝执0012346")).await.unwrap();
    assert_eq!(state(b).await, "已立案");
    take_step(b, "notify", &[("notified_on", "2026-11-03")]).await;
    assert_eq!(state(b).await, "已告知");
    assert!(b.find(Locator::Css("#step-decide")).await.is_err(), "the clerk is not offered the decision");

    switch_user(b, address, &record, "shanling_leader", &demo.demo_password).await;
    take_step(b, "decide", &[("decided_on", "2026-11-10"), ("decision", "警告，责令改正")]).await;
    assert_eq!(state(b).await, "已决定");

    switch_user(b, address, &record, "shanling_clerk", &demo.demo_password).await;
    take_step(b, "serve", &[("served_on", "2026-11-11")]).await;
    take_step(b, "publish", &[("published_on", "2026-11-12")]).await;
    let page = take_step(b, "close", &[("closed_on", "2026-11-13")]).await;
    assert!(page.contains("立案、告知、决定、送达"), "closing asks for the record of each stage first: {page}");
    for (name, stage) in
        [("立案审批表.pdf", "立案"), ("告知书.pdf", "告知"), ("处罚决定书.pdf", "决定"), ("送达回证.pdf", "送达")]
    {
        attach(b, name, Some(stage)).await;
    }
    let listed = b.find(Locator::Css("#record-attachments")).await.unwrap().text().await.unwrap();
    assert!(listed.contains("送达回证.pdf") && listed.contains("送达"), "{listed}");
    take_step(b, "close", &[("closed_on", "2026-11-13")]).await;
    assert_eq!(state(b).await, "已结案");
    b.clone().close().await.unwrap();
}

/// A dispute found by screening, mediated by two of the township's mediators, agreed in writing and
/// followed up to closure.
#[tokio::test]
async fn a_dispute_is_mediated_to_a_written_agreement_and_followed_up() {
    let Some(browser) = start("a_dispute_is_mediated_to_a_written_agreement_and_followed_up").await else { return };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    switch_user(b, address, "/ledgers/disputes", "shanling_clerk", &demo.demo_password).await;
    create_record(
        b,
        address,
        "disputes",
        &[
            ("title", "山林界址纠纷"),
            ("category", "山林水利"),
            ("parties", "褚某、卫某"),
            ("village", "枫香村"),
            ("source", "排查发现"),
            ("risk", "一般"),
            ("received_on", "2026-11-02"),
        ],
    )
    .await
    .unwrap();
    take_step(b, "mediate", &[("mediators", "周德明、李芳"), ("mediation_started_on", "2026-11-04")]).await;
    assert_eq!(state(b).await, "调解中");
    let page = take_step(
        b,
        "agree",
        &[
            ("ended_on", "2026-11-09"),
            ("agreement", "书面协议"),
            ("agreement_terms", "以山脊为界"),
            ("confirmation_wanted", "是"),
        ],
    )
    .await;
    assert_eq!(state(b).await, "调解成功");
    assert!(page.contains("申请司法确认期限") && page.contains("2026-12-09"), "{page}");
    take_step(b, "close", &[("followed_up_on", "2026-11-20"), ("performed", "是"), ("closed_on", "2026-11-20")]).await;
    assert_eq!(state(b).await, "已结案");
    b.clone().close().await.unwrap();
}

/// The families whose records are a form and one or two steps: publicity, study, leadership,
/// disclosure, contracts with the adviser's review, and litigation with the head in court.
#[tokio::test]
async fn publicity_study_leadership_disclosure_contract_and_lawsuit_records_are_walked_to_their_end() {
    let Some(browser) =
        start("publicity_study_leadership_disclosure_contract_and_lawsuit_records_are_walked_to_their_end").await
    else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    switch_user(b, address, "/ledgers/publicity_events", "shanling_clerk", &demo.demo_password).await;

    create_record(
        b,
        address,
        "publicity_events",
        &[
            ("title", "民法典进社区"),
            ("planned_on", "2026-11-10"),
            ("occasion", "民法典宣传月"),
            ("audience", "进乡村"),
            ("organizer", "杉岭乡司法所"),
        ],
    )
    .await
    .unwrap();
    let page = take_step(
        b,
        "hold",
        &[
            ("held_on", "2026-11-10"),
            ("place", "杉岭村文化室"),
            ("participants", "80"),
            ("consultations", "12"),
            ("materials", "300"),
        ],
    )
    .await;
    assert_eq!(state(b).await, "已开展");
    assert!(page.contains("300"), "{page}");

    create_record(
        b,
        address,
        "law_exams",
        &[("title", "民法典知识测试"), ("planned_on", "2026-11-18"), ("exam_type", "闭卷考试")],
    )
    .await
    .unwrap();
    take_step(b, "record_results", &[("held_on", "2026-11-18"), ("participants", "60"), ("passed", "58")]).await;
    assert_eq!(state(b).await, "已考试");

    create_record(
        b,
        address,
        "leadership_meetings",
        &[
            ("title", "政府常务会议研究法治建设"),
            ("meeting_type", "政府常务会议"),
            ("held_on", "2026-11-16"),
            ("chair", "杉岭乡乡长"),
            ("chaired_by_principal", "是"),
            ("topics", "听取法治政府建设工作汇报"),
            ("heard_report", "是"),
        ],
    )
    .await
    .unwrap();
    take_step(b, "minute", &[("decisions", "年底前完成规范性文件清理"), ("minutes_no", "杉岭府纪〔2026〕21号")]).await;
    assert_eq!(state(b).await, "已形成纪要");

    create_record(
        b,
        address,
        "disclosure_requests",
        &[("title", "申请公开集镇规划"), ("applicant", "蒋某"), ("channel", "网络"), ("received_on", "2026-11-02")],
    )
    .await
    .unwrap();
    take_step(b, "reply", &[("replied_on", "2026-11-12"), ("reply_type", "予以公开"), ("reply_note", "提供规划文本")])
        .await;
    take_step(b, "archive", &[("archived_on", "2026-11-13")]).await;
    assert_eq!(state(b).await, "已归档");

    let contract = create_record(
        b,
        address,
        "contract_reviews",
        &[
            ("title", "村道硬化工程施工合同"),
            ("counterparty", "某建设公司"),
            ("category", "工程建设"),
            ("amount", "380000"),
            ("review_required", "是"),
        ],
    )
    .await
    .unwrap();
    take_step(b, "submit_review", &[("submitted_on", "2026-11-02"), ("adviser", "陈志远")]).await;
    switch_user(b, address, &contract, "shanling_adviser", &demo.demo_password).await;
    take_step(b, "record_review", &[("reviewed_on", "2026-11-05"), ("opinion", "同意签订")]).await;
    switch_user(b, address, &contract, "shanling_clerk", &demo.demo_password).await;
    take_step(b, "sign", &[("signed_on", "2026-11-09")]).await;
    take_step(b, "archive", &[("archived_on", "2026-11-10")]).await;
    assert_eq!(state(b).await, "已归档");

    create_record(
        b,
        address,
        "lawsuits",
        &[("title", "不服行政处罚决定"), ("plaintiff", "沈某"), ("court", "区人民法院"), ("served_on", "2026-10-12")],
    )
    .await
    .unwrap();
    take_step(b, "answer", &[("answered_on", "2026-10-20")]).await;
    let page = take_step(
        b,
        "hear",
        &[("hearing_on", "2026-11-06"), ("appeared_as", "仅委托律师"), ("appeared_name", "某律师")],
    )
    .await;
    assert!(page.contains("不得仅委托律师出庭"), "{page}");
    take_step(
        b,
        "hear",
        &[("hearing_on", "2026-11-06"), ("appeared_as", "行政机关负责人"), ("appeared_name", "杉岭乡乡长")],
    )
    .await;
    take_step(b, "record_judgment", &[("judged_on", "2026-11-20"), ("outcome", "胜诉")]).await;
    take_step(b, "close", &[("closed_on", "2026-11-23")]).await;
    assert_eq!(state(b).await, "已结案");
    b.clone().close().await.unwrap();
}

/// The annual report in the browser: the clerk drafts 2023's from the demo ledgers, adds a
/// sentence, types one figure over by hand (marked), saves and submits it; the leader approves and
/// publishes it; an anonymous visitor reads it on the public page.
#[tokio::test]
async fn a_report_is_drafted_edited_submitted_approved_published_and_read_by_the_public() {
    let Some(browser) = start("a_report_is_drafted_edited_submitted_approved_published_and_read_by_the_public").await
    else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    switch_user(b, address, "/reports", "shanling_clerk", &demo.demo_password).await;
    fill(b, "start-year", "2023").await;
    submit_and_wait(b, "#start-report button[type=submit]").await;
    if b.find(Locator::Css("#report-state")).await.is_err() {
        panic!("no report page: {}", b.find(Locator::Css("body")).await.unwrap().text().await.unwrap());
    }
    let report = b.current_url().await.unwrap().path().to_owned();
    let summary = b.find(Locator::Css("#report-summary")).await.unwrap().text().await.unwrap();
    assert!(summary.contains("无错误"), "{summary}");
    let title = b.find(Locator::Css("#report-title")).await.unwrap().prop("value").await.unwrap().unwrap();
    assert_eq!(title, "杉岭乡人民政府2023年法治政府建设年度报告");

    // A sentence added at the end of the petitions paragraph.
    b.execute(
        "const e = document.getElementById('para-0-7-0'); e.focus(); const r = document.createRange(); \
         r.selectNodeContents(e); r.collapse(false); const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);",
        vec![],
    )
    .await
    .unwrap();
    b.find(Locator::Css("#para-0-7-0")).await.unwrap().send_keys("群众满意率明显提高。").await.unwrap();
    // Enter starts a new paragraph, as in a word processor.
    b.find(Locator::Css("#para-0-7-0")).await.unwrap().send_keys("\u{E007}下一段写办理质量。").await.unwrap();
    let paragraphs: Vec<String> = b
        .execute(
            "const s = document.getElementById('para-0-7-0').closest('.report-section'); \
             return Array.from(s.querySelectorAll('.para')).map(p => p.textContent);",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert!(paragraphs.iter().any(|p| p == "下一段写办理质量。"), "{paragraphs:?}");
    assert!(paragraphs.iter().any(|p| p.ends_with("群众满意率明显提高。")), "{paragraphs:?}");
    // Submitting with unsaved changes is refused with a word, and nothing is lost.
    b.find(Locator::Css("#submit-report")).await.unwrap().click().await.unwrap();
    let note = b.wait().for_element(Locator::Css("#unsaved-note")).await.unwrap().text().await.unwrap();
    assert!(note.contains("请先点击“保存”"), "{note}");
    assert_eq!(b.find(Locator::Css("#report-state")).await.unwrap().text().await.unwrap(), "草稿");
    // The materials figure typed over by hand.
    b.find(Locator::Css("#para-0-9-0 .figure[data-id='publicity.materials'] .figure-edit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.send_alert_text("12345").await.unwrap();
    b.accept_alert().await.unwrap();
    submit_and_wait(b, "#save-report").await;
    b.wait().for_element(Locator::Css("#report-state")).await.unwrap();
    let page = b.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(page.contains("群众满意率明显提高。"), "the sentence is saved");
    assert!(page.contains("\n下一段写办理质量。"), "its own paragraph: {page}");
    assert!(page.contains("1 个数字为手工填写") && page.contains("12345份"), "{page}");

    submit_and_wait(b, "#submit-report").await;
    assert_eq!(b.find(Locator::Css("#report-state")).await.unwrap().text().await.unwrap(), "审核中");

    switch_user(b, address, &report, "shanling_leader", &demo.demo_password).await;
    submit_and_wait(b, "#approve-report").await;
    assert_eq!(b.find(Locator::Css("#report-state")).await.unwrap().text().await.unwrap(), "已通过");
    let done = b.find(Locator::Css("#done-message")).await.unwrap().text().await.unwrap();
    assert!(done.contains("已审核通过"), "{done}");
    // 公开发布 asks first, naming what becomes public; cancelling leaves the report unpublished.
    b.find(Locator::Css("#publish-report")).await.unwrap().click().await.unwrap();
    let asked = b.wait().for_element(Locator::Css("#confirm-dialog[open]")).await.unwrap().text().await.unwrap();
    assert!(asked.contains("向社会公开") && asked.contains("确认公开发布"), "{asked}");
    b.find(Locator::Css("#confirm-cancel")).await.unwrap().click().await.unwrap();
    assert!(b.find(Locator::Css("#published")).await.is_err(), "nothing published without the confirmation");
    submit_and_wait(b, "#publish-report").await;
    b.wait().for_element(Locator::Css("#published")).await.unwrap();

    // An anonymous visitor.
    b.find(Locator::Css("#logout")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#login-submit")).await.unwrap();
    b.goto(&format!("{address}/gongkai")).await.unwrap();
    b.find(Locator::XPath("//a[contains(., '杉岭乡2023年法治政府建设年度报告')]"))
        .await
        .unwrap_or_else(|_| panic!("listed"))
        .click()
        .await
        .unwrap();
    let text = b.wait().for_element(Locator::Css("body")).await.unwrap().text().await.unwrap();
    assert!(text.contains("杉岭乡人民政府2023年法治政府建设年度报告"), "{text}");
    assert!(text.contains("群众满意率明显提高。") && text.contains("12345份"), "{text}");
    b.clone().close().await.unwrap();
}

fn code_now(secret: &str) -> String {
    let totp = totp_rs::Builder::new().with_secret(totp_rs::Secret::try_from_base32(secret).unwrap()).build().unwrap();
    totp.generate(chrono::Utc::now().timestamp() as u64).to_string()
}

async fn shot(b: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("FAZHI_SCREENSHOT_DIR") {
        std::fs::write(Path::new(&dir).join(name), b.screenshot().await.unwrap()).unwrap();
    }
}

/// The demo's auditor must sign in with two factors: enrolment at the first sign-in (scanning the
/// code with a phone, here computed from the secret the page shows), then a recovery code standing
/// in for the phone at the next; on a phone-sized window too.
#[tokio::test]
async fn the_auditor_enrols_in_two_factor_sign_in_and_signs_in_with_a_recovery_code() {
    let Some(browser) = start("the_auditor_enrols_in_two_factor_sign_in_and_signs_in_with_a_recovery_code").await
    else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    b.goto(&format!("{address}/audit")).await.unwrap();
    log_in(b, "auditor", &demo.demo_password).await;
    b.wait().for_element(Locator::Css("#enrol-qr svg")).await.unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/account/two-factor", "enrolment comes first");
    shot(b, "two-factor-enrol.png").await;
    let secret = b.find(Locator::Css("#enrol-secret")).await.unwrap().text().await.unwrap();
    fill(b, "code", &code_now(&secret)).await;
    b.find(Locator::Css("form[action='/account/two-factor/enable'] button")).await.unwrap().click().await.unwrap();
    let codes = b.wait().for_element(Locator::Css("#recovery-codes")).await.unwrap().text().await.unwrap();
    let recovery: Vec<&str> = codes.split_whitespace().collect();
    assert_eq!(recovery.len(), 10, "{codes}");
    shot(b, "two-factor-recovery-codes.png").await;
    b.goto(&format!("{address}/audit")).await.unwrap();
    b.wait().for_element(Locator::Css("#audit-table")).await.unwrap();
    b.find(Locator::Css("#logout")).await.unwrap().click().await.unwrap();

    // The next sign-in, on a phone: the password, then a recovery code.
    b.set_window_size(390, 844).await.unwrap();
    b.wait().for_element(Locator::Css("#login-submit")).await.unwrap();
    log_in(b, "auditor", &demo.demo_password).await;
    b.wait().for_element(Locator::Css("#code-submit")).await.unwrap();
    fill(b, "code", "000000").await;
    b.find(Locator::Css("#code-submit")).await.unwrap().click().await.unwrap();
    let error = b.wait().for_element(Locator::Css("#code-error")).await.unwrap().text().await.unwrap();
    assert!(error.contains("还可尝试 4 次"), "{error}");
    shot(b, "two-factor-code-phone.png").await;
    fill(b, "code", recovery[0]).await;
    b.find(Locator::Css("#code-submit")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#current-user")).await.unwrap();
    b.goto(&format!("{address}/audit")).await.unwrap();
    let trail = b.wait().for_element(Locator::Css("#audit-table")).await.unwrap().text().await.unwrap();
    assert!(
        trail.contains("启用两步验证") && trail.contains("动态口令错误"),
        "the auditor reads the sign-in on the trail: {trail}"
    );
    // Objects and actions in Chinese, changes field by field: no code, no raw JSON.
    let text = check_page(b, "the audit page on a phone").await;
    assert!(text.contains("用户（第") && text.contains("印发督察通报") && !text.contains("{\""), "{text}");
    shot(b, "audit-phone.png").await;
    b.set_window_size(1366, 900).await.unwrap();
    b.goto(&format!("{address}/audit?action=demo.load")).await.unwrap();
    check_page(b, "the audit page").await;
    b.goto(&format!("{address}/audit")).await.unwrap();
    check_page(b, "the audit page").await;
    shot(b, "audit-desk.png").await;
    b.clone().close().await.unwrap();
}

/// A clerk exports one petition, edits a cell in the file (as LibreOffice would save it), imports
/// it, sees one update and no creation in the preview, confirms, and finds the record changed.
#[tokio::test]
async fn a_clerk_exports_edits_and_imports_a_ledger_back() {
    let Some(browser) = start("a_clerk_exports_edits_and_imports_a_ledger_back").await else { return };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    switch_user(b, address, "/ledgers/petitions", "shanling_clerk", &demo.demo_password).await;
    let record = create_record(
        b,
        address,
        "petitions",
        &[
            ("title", "反映村道路灯损坏"),
            ("petitioner", "赵某"),
            ("channel", "来访"),
            ("topic", "城乡建设"),
            ("source", "信访人直接提出"),
            ("received_on", "2026-11-30"),
        ],
    )
    .await
    .unwrap();
    // The export as the list's button gives it, fetched in the page (a download has no page).
    let bytes: Vec<u8> = b
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             fetch('/ledgers/petitions/export?q=' + encodeURIComponent('反映村道路灯损坏'), { credentials: 'same-origin' }) \
               .then(r => r.arrayBuffer()).then(buf => done(Array.from(new Uint8Array(buf))));",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    let sheet = fazhi_office::xlsx::read_sheet(&bytes).unwrap();
    let headers = sheet.headers();
    let mut rows: Vec<Vec<String>> = sheet.rows().map(|(_, cells)| cells).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], record.rsplit('/').next().unwrap(), "the first column is the record's 编号");
    let address_column = headers.iter().position(|h| h == "住址").unwrap();
    rows[0][address_column] = "石门村3组".into();
    let edited = common::edited_sheet("信访", &headers, &rows);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("信访台账.xlsx");
    std::fs::write(&path, edited).unwrap();

    b.goto(&format!("{address}/ledgers/petitions/import")).await.unwrap();
    b.find(Locator::Css("#file")).await.unwrap().send_keys(path.to_str().unwrap()).await.unwrap();
    submit_and_wait(b, "#check-import").await;
    let preview = b.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(preview.contains("将新建 0 条、更新 1 条"), "{preview}");
    shot(b, "import-preview.png").await;
    submit_and_wait(b, "#confirm-import").await;
    let done = b.find(Locator::Css("#import-done")).await.unwrap().text().await.unwrap();
    assert!(done.contains("新建 0 条，更新 1 条"), "{done}");
    b.goto(&format!("{address}{record}")).await.unwrap();
    let page = b.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(page.contains("石门村3组"), "{page}");
    assert!(page.contains("导入自信访台账.xlsx第 2 行"), "{page}");
    b.clone().close().await.unwrap();
}

/// The supervisor starts from the overview of the district's townships, chooses another year,
/// opens a bar of the chart and then a figure of the table, and lands each time on the records
/// behind it, narrowed to the township, the year and the figure; then a phone-sized screenshot.
#[tokio::test]
async fn the_supervisor_reads_the_overview_and_drills_from_a_chart_and_a_figure_to_the_records() {
    let Some(browser) =
        start("the_supervisor_reads_the_overview_and_drills_from_a_chart_and_a_figure_to_the_records").await
    else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    b.goto(&format!("{address}/")).await.unwrap();
    log_in(b, "supervisor", &demo.demo_password).await;
    b.wait().for_element(Locator::Css("#cockpit-table")).await.unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/cockpit", "the supervisor's home is the overview");
    let last_year = chrono::Datelike::year(&chrono::Local::now().date_naive()) - 1;
    let heading = b.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, format!("{last_year}年各乡镇（街道）法治建设情况"), "the last finished year by default");
    shot(b, "cockpit.png").await;

    // Another year: the table, the chart and the reports' standing follow it.
    fill(b, "year", "2023").await;
    submit_and_wait(b, "#cockpit-year button[type=submit]").await;
    let heading = b.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "2023年各乡镇（街道）法治建设情况");
    let petitions = b.find(Locator::Css("#row-petitions")).await.unwrap().text().await.unwrap();
    assert!(petitions.contains("件次"), "{petitions}");

    // A bar of the chart (the first indicator: 重大行政决策) opens that township's records.
    let bar = b.find(Locator::Css("#bar-chart a")).await.unwrap();
    let township = bar.find(Locator::Css("text.label")).await.unwrap().text().await.unwrap();
    b.execute("window.fazhiOldPage = true;", vec![]).await.unwrap();
    bar.click().await.unwrap();
    b.wait().for_element(Locator::Css("#list-conditions")).await.unwrap();
    let url = b.current_url().await.unwrap();
    assert_eq!(url.path(), "/ledgers/decisions");
    let conditions = b.find(Locator::Css("#list-conditions")).await.unwrap().text().await.unwrap();
    assert!(conditions.contains(&township) && conditions.contains("2023年"), "{conditions}");
    assert!(conditions.contains("计入“重大行政决策”的记录"), "{conditions}");
    shot(b, "cockpit-drill-chart.png").await;

    // A figure of the table: 杉岭乡's petitions of 2023, as many rows as the figure says.
    b.back().await.unwrap();
    let cell = b.wait().for_element(Locator::Css("#row-petitions td a.figure-link")).await.unwrap();
    let figure: String = cell.text().await.unwrap().chars().filter(char::is_ascii_digit).collect();
    b.execute("window.fazhiOldPage = true;", vec![]).await.unwrap();
    cell.click().await.unwrap();
    let count = b.wait().for_element(Locator::Css("#ledger-count")).await.unwrap().text().await.unwrap();
    assert!(count.contains(&format!("共 {figure} 条")), "{count} for the figure {figure}");
    let conditions = b.find(Locator::Css("#list-conditions")).await.unwrap().text().await.unwrap();
    assert!(conditions.contains("杉岭乡") && conditions.contains("计入“信访件次”的记录"), "{conditions}");

    // On a phone: the same page, its wide tables scrolling within themselves (screenshot).
    b.set_window_size(390, 844).await.unwrap();
    b.goto(&format!("{address}/cockpit?year=2023")).await.unwrap();
    b.wait().for_element(Locator::Css("#cockpit-table")).await.unwrap();
    shot(b, "cockpit-phone.png").await;
    b.clone().close().await.unwrap();
}

/// A township's leader starts two years' reports and reads them side by side: the parts and the
/// figures the checker extracts, a row each with the differences marked, and each one's findings;
/// on a phone the page is no wider than the screen.
#[tokio::test]
async fn a_leader_reads_two_years_reports_side_by_side() {
    let Some(browser) = start("a_leader_reads_two_years_reports_side_by_side").await else { return };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    b.goto(&format!("{address}/reports")).await.unwrap();
    log_in(b, "shanling_leader", &demo.demo_password).await;
    for year in ["2024", "2025"] {
        b.wait().for_element(Locator::Css("#start-report")).await.unwrap();
        fill(b, "start-year", year).await;
        submit_and_wait(b, "#start-report button[type=submit]").await;
        assert!(b.current_url().await.unwrap().path().starts_with("/reports/"), "the draft opens");
        b.goto(&format!("{address}/reports")).await.unwrap();
    }
    submit_and_wait(b, "#side-by-side-link").await;
    let picked = b.find(Locator::Css("#side-pick")).await.unwrap().text().await.unwrap();
    assert!(picked.contains("杉岭乡 2025年度") && picked.contains("杉岭乡 2024年度"), "{picked}");
    let table = b.find(Locator::Css("#side-table")).await.unwrap().text().await.unwrap();
    assert!(table.contains("第一部分：主要举措和成效") && table.contains("信访件次"), "{table}");
    let changed = b.find_all(Locator::Css("#side-table tr.changed")).await.unwrap();
    assert!(!changed.is_empty(), "two years of a township differ somewhere");
    let findings = b.find(Locator::Css("#side-findings-1")).await.unwrap().text().await.unwrap();
    assert!(findings.contains("检查结果"), "{findings}");
    shot(b, "reports-side-by-side.png").await;

    b.set_window_size(390, 844).await.unwrap();
    b.refresh().await.unwrap();
    b.wait().for_element(Locator::Css("#side-table")).await.unwrap();
    let widths = b.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await.unwrap();
    assert!(widths[0].as_i64() <= widths[1].as_i64(), "the page is no wider than the phone: {widths}");
    shot(b, "reports-side-by-side-phone.png").await;
    b.clone().close().await.unwrap();
}

/// The district's supervision loop in the browser: the supervisor raises a problem from a
/// township's record with one click, the township's clerk prepares the rectification, its leader
/// submits it, and the supervisor accepts and closes it; on a phone too.
#[tokio::test]
async fn a_supervisor_raises_a_problem_the_township_rectifies_and_the_supervisor_closes_it() {
    let Some(browser) =
        start("a_supervisor_raises_a_problem_the_township_rectifies_and_the_supervisor_closes_it").await
    else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    let password = &demo.demo_password;
    b.goto(&format!("{address}/ledgers/petitions")).await.unwrap();
    log_in(b, "supervisor", password).await;
    b.wait().for_element(Locator::Css("#current-user")).await.unwrap();
    // The first petition of 杉岭乡, the list narrowed to it as the supervisor does.
    let org = b
        .execute("return [...document.querySelectorAll('option')].find(o => o.text === '杉岭乡').value;", vec![])
        .await
        .unwrap();
    b.goto(&format!("{address}/ledgers/petitions?org={}", org.as_str().unwrap())).await.unwrap();
    let href =
        b.execute("return document.querySelector('table tbody tr a').getAttribute('href');", vec![]).await.unwrap();
    b.goto(&format!("{address}{}", href.as_str().unwrap())).await.unwrap();
    submit_and_wait(b, "#raise-problem").await;
    let township = b
        .execute("const s = document.getElementById('new-org_id'); return s.options[s.selectedIndex].text;", vec![])
        .await
        .unwrap();
    assert_eq!(township.as_str(), Some("杉岭乡"), "the record's township is chosen");
    let category = b.execute("return document.getElementById('new-category').value;", vec![]).await.unwrap();
    assert_eq!(category.as_str(), Some("信访"));
    fill(b, "new-severity", "一般").await;
    fill(b, "new-description", "信访事项受理告知书未载明办理期限。").await;
    shot(b, "supervision-raise.png").await;
    submit_and_wait(b, "#new-form button[type=submit]").await;
    assert_eq!(state(b).await, "待整改");
    let problem = b.current_url().await.unwrap().path().to_owned();
    let values = b.find(Locator::Css("#record-values")).await.unwrap().text().await.unwrap();
    assert!(values.contains("信访台账第"), "the problem opens the petition it was raised on: {values}");

    switch_user(b, address, "/todo", "shanling_clerk", password).await;
    let todo = b.find(Locator::Css("#todo-waiting")).await.unwrap().text().await.unwrap();
    assert!(todo.contains("信访"), "{todo}");
    b.goto(&format!("{address}{problem}")).await.unwrap();
    let page =
        take_step(b, "prepare", &[("measures", "修订受理告知书格式，逐件补正"), ("result", "已补正并重新送达")]).await;
    assert!(page.contains("整改材料待报送"), "{page}");
    // The clerk leaves the district a word on the problem.
    fill(b, "comment-body", "告知书已全部补正，请审核。").await;
    submit_and_wait(b, "#comment-submit").await;
    let thread = b.find(Locator::Css("#comments")).await.unwrap().text().await.unwrap();
    assert!(thread.contains("告知书已全部补正") && thread.contains("乡镇经办人 · 杉岭乡"), "{thread}");

    switch_user(b, address, &problem, "shanling_leader", password).await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive().to_string();
    take_step(b, "answer", &[("answered_on", &today)]).await;
    assert_eq!(state(b).await, "待验收");

    switch_user(b, address, "/todo", "supervisor", password).await;
    let todo = b.find(Locator::Css("#todo-waiting")).await.unwrap().text().await.unwrap();
    assert!(todo.contains("验收通过并销号"), "{todo}");
    let comments = b.find(Locator::Css("#todo-comments")).await.unwrap().text().await.unwrap();
    assert!(comments.contains("督察问题") && comments.contains("杉岭乡"), "the clerk's comment waits: {comments}");
    shot(b, "supervision-todo.png").await;
    b.goto(&format!("{address}{problem}")).await.unwrap();
    take_step(b, "accept", &[("accepted_on", &today), ("acceptance", "整改到位，同意销号")]).await;
    assert_eq!(state(b).await, "已销号");
    shot(b, "supervision-closed.png").await;

    // The demo district's 2023 通报, issued: its figures open the problem records.
    b.goto(&format!("{address}/supervision/bulletins")).await.unwrap();
    let list = b.find(Locator::Css("#bulletin-table")).await.unwrap().text().await.unwrap();
    assert!(list.contains("2023年") && list.contains("已印发"), "{list}");
    submit_and_wait(b, "#bulletin-table a").await;
    let text = b.find(Locator::Css("#bulletin-text")).await.unwrap().text().await.unwrap();
    assert!(text.contains("关于2023年法治政府建设督察情况的通报") && text.contains("安稳镇：发现问题"), "{text}");
    shot(b, "supervision-bulletin.png").await;

    let bulletin = b.current_url().await.unwrap().path().to_owned();
    b.set_window_size(390, 844).await.unwrap();
    for (page, mark, name) in [
        (&problem, "#record-state", "supervision-closed-phone.png"),
        (&bulletin, "#bulletin-text", "supervision-bulletin-phone.png"),
    ] {
        b.goto(&format!("{address}{page}")).await.unwrap();
        b.wait().for_element(Locator::Css(mark)).await.unwrap();
        let widths =
            b.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await.unwrap();
        assert!(widths[0].as_i64() <= widths[1].as_i64(), "{name}: the page is no wider than the phone: {widths}");
        shot(b, name).await;
    }
    b.clone().close().await.unwrap();
}

/// What a person sees on the page now: no internal code (`contract_review`), no framework English,
/// and nothing wider than the window. Returns the page's text.
async fn check_page(b: &fantoccini::Client, what: &str) -> String {
    let text = b.find(Locator::Css("body")).await.unwrap().text().await.unwrap();
    // A login name (shanling_clerk) is what a person types and the audit trail names them by: the
    // one identifier shown on purpose.
    let codes = b.execute("return document.body.innerText.match(/[a-z]+_[a-z_]+/g) || [];", vec![]).await.unwrap();
    let login = |c: &str| c.ends_with("_clerk") || c.ends_with("_leader");
    let codes: Vec<&str> = codes.as_array().unwrap().iter().filter_map(|c| c.as_str()).filter(|c| !login(c)).collect();
    assert!(codes.is_empty(), "{what} shows an internal code {codes:?}: {text}");
    for english in ["Failed to", "deserialize", "missing field", "Internal Server Error", "Not Found"] {
        assert!(!text.contains(english), "{what} shows “{english}”: {text}");
    }
    let (width, viewport) = {
        let v = b.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await.unwrap();
        (v[0].as_i64().unwrap(), v[1].as_i64().unwrap())
    };
    if width > viewport {
        let culprit = b
            .execute(
                "let w = null; for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect(); \
                 if ((r.right > window.innerWidth + 1 || e.scrollWidth > window.innerWidth) && (!w || r.width <= w.getBoundingClientRect().width)) w = e; } \
                 return w ? w.tagName + '.' + w.className + '#' + w.id + ' ' + w.scrollWidth + ' ' + w.outerHTML.slice(0, 200) : '';",
                vec![],
            )
            .await
            .unwrap();
        panic!("{what} scrolls sideways: {width} > {viewport}: {culprit}");
    }
    text
}

/// Every role finds what waits on it after a colleague's step: the clerk's records and report, the
/// principal leader's signature after the clerk records the deliberation, the leader's approval
/// after the clerk submits, the clerk's publication after the approval. Every page type, on a desk
/// and on a phone, shows no internal code and never scrolls sideways; the public portal is styled by
/// its own stylesheet under the site's CSP.
#[tokio::test]
async fn each_role_sees_what_waits_on_it_on_a_desk_and_on_a_phone() {
    let Some(browser) = start("each_role_sees_what_waits_on_it_on_a_desk_and_on_a_phone").await else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    let password = &demo.demo_password;
    b.set_window_size(1366, 900).await.unwrap();

    // The clerk: records whose next step is the clerk's, with the step named.
    switch_user(b, address, "/todo", "shanling_clerk", password).await;
    let waiting = b.find(Locator::Css("#todo-waiting")).await.unwrap().text().await.unwrap();
    assert!(waiting.contains("行政规范性文件") && waiting.contains("记录集体审议"), "{waiting}");
    assert!(!waiting.contains("签发"), "the signature is not the clerk's: {waiting}");
    check_page(b, "the clerk's 我的待办").await;
    shot(b, "todo-clerk-desk.png").await;

    // A record shows its procedure: the steps taken with day and who, where it stands, what is next
    // and whose it is.
    b.goto(&format!("{address}/ledgers/normative_documents?state=reviewed")).await.unwrap();
    let record = b
        .find(Locator::Css("#ledger-table td[data-label='名称'] a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    b.goto(&format!("{address}{record}")).await.unwrap();
    let line = b.find(Locator::Css("#procedure")).await.unwrap().text().await.unwrap();
    assert!(line.contains("已审核\n当前状态"), "{line}");
    assert!(line.contains("下一步：记录集体审议") && line.contains("由乡镇经办人或乡镇负责人办理"), "{line}");
    check_page(b, "the record page").await;
    shot(b, "record-desk.png").await;

    // The principal leader finds the document deliberated and waiting on the signature; signing asks
    // first, naming what becomes final; then the record waits on the clerk's registration.
    switch_user(b, address, "/todo", "shanling_leader", password).await;
    let waiting = b.find(Locator::Css("#todo-waiting")).await.unwrap().text().await.unwrap();
    assert!(waiting.contains("杉岭乡村级公益事业一事一议实施办法") && waiting.contains("签发"), "{waiting}");
    let badge = b.find(Locator::Css("#waiting-count")).await.unwrap().text().await.unwrap();
    assert!(badge.parse::<u32>().is_ok_and(|n| n > 0) || badge == "99+", "{badge}");
    b.find(Locator::LinkText("杉岭乡村级公益事业一事一议实施办法")).await.unwrap().click().await.unwrap();
    let line = b.wait().for_element(Locator::Css("#procedure")).await.unwrap().text().await.unwrap();
    assert!(line.contains("下一步：签发") && line.contains("由主要负责人办理"), "{line}");
    assert!(line.contains("记录集体审议") && line.contains("杉岭乡经办人"), "the steps taken, by whom: {line}");
    let section = b.find(Locator::Css("#step-sign")).await.unwrap();
    if section.attr("open").await.unwrap().is_none() {
        section.find(Locator::Css("summary")).await.unwrap().click().await.unwrap();
    }
    fill(b, "sign-signed_on", "2026-11-23").await;
    section.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    let asked = b.wait().for_element(Locator::Css("#confirm-dialog[open]")).await.unwrap().text().await.unwrap();
    assert!(asked.contains("签发后文件定稿"), "{asked}");
    b.find(Locator::Css("#confirm-cancel")).await.unwrap().click().await.unwrap();
    assert_eq!(state(b).await, "已集体审议", "nothing happens without the confirmation");
    shot(b, "confirm-sign-desk.png").await;
    let page = take_step(b, "sign", &[("signed_on", "2026-11-23")]).await;
    assert!(page.contains("已办理“签发”。下一步：统一登记编号（由乡镇经办人或乡镇负责人办理）"), "{page}");
    switch_user(b, address, "/todo", "shanling_clerk", password).await;
    let waiting = b.find(Locator::Css("#todo-waiting")).await.unwrap().text().await.unwrap();
    assert!(waiting.contains("杉岭乡村级公益事业一事一议实施办法") && waiting.contains("统一登记编号"), "{waiting}");

    // A report the clerk submits waits on the leader; approved, it waits on the clerk to publish.
    switch_user(b, address, "/reports", "shanling_clerk", password).await;
    fill(b, "start-year", "2023").await;
    submit_and_wait(b, "#start-report button[type=submit]").await;
    let report = b.current_url().await.unwrap().path().to_owned();
    submit_and_wait(b, "#submit-report").await;
    let done = b.find(Locator::Css("#done-message")).await.unwrap().text().await.unwrap();
    assert!(done.contains("已提交审核"), "{done}");
    switch_user(b, address, "/todo", "shanling_leader", password).await;
    let waiting = b.find(Locator::Css("#todo-waiting")).await.unwrap().text().await.unwrap();
    assert!(waiting.contains("2023年法治政府建设年度报告") && waiting.contains("审核"), "{waiting}");
    b.goto(&format!("{address}{report}")).await.unwrap();
    submit_and_wait(b, "#approve-report").await;
    switch_user(b, address, "/todo", "shanling_clerk", password).await;
    let waiting = b.find(Locator::Css("#todo-waiting")).await.unwrap().text().await.unwrap();
    assert!(waiting.contains("2023年法治政府建设年度报告") && waiting.contains("公开发布"), "{waiting}");
    b.goto(&format!("{address}{report}")).await.unwrap();
    submit_and_wait(b, "#publish-report").await;
    let done = b.find(Locator::Css("#done-message")).await.unwrap().text().await.unwrap();
    assert!(done.contains("已公开发布"), "{done}");

    // Every page type, on a desk and on a phone.
    let pages = [
        ("shanling_clerk", "/", "home"),
        ("shanling_clerk", "/todo", "todo"),
        ("shanling_clerk", "/ledgers/petitions", "list"),
        ("shanling_clerk", record.as_str(), "record"),
        ("shanling_clerk", "/ledgers/normative_documents/new", "new-record"),
        ("shanling_clerk", report.as_str(), "report"),
        ("shanling_clerk", "/guide/normative_documents", "guide"),
        ("shanling_clerk", "/guide", "getting-started"),
        ("shanling_clerk", "/reports/1/compare", "bad-query"),
        ("supervisor", "/cockpit", "cockpit"),
        ("supervisor", "/todo", "todo-district"),
        ("supervisor", "/ledgers/supervision_problems", "problems"),
        ("supervisor", "/orgs", "orgs"),
    ];
    let mut signed_in = "shanling_clerk";
    for (width, height, size) in [(1366, 900, "desk"), (390, 844, "phone")] {
        b.set_window_size(width, height).await.unwrap();
        for (user, path, name) in pages {
            if user != signed_in {
                switch_user(b, address, path, user, password).await;
                signed_in = user;
            } else {
                b.goto(&format!("{address}{path}")).await.unwrap();
            }
            check_page(b, &format!("{name} at {width}px")).await;
            shot(b, &format!("{name}-{size}.png")).await;
        }
        if size == "phone" {
            // The menu folds behind its button.
            let menu = b.find(Locator::Css("#menu-groups")).await.unwrap();
            assert!(!menu.is_displayed().await.unwrap(), "the menu is folded on a phone");
            b.find(Locator::Css("#menu-button")).await.unwrap().click().await.unwrap();
            assert!(menu.is_displayed().await.unwrap(), "the button opens it");
            shot(b, "menu-phone.png").await;
        }
        b.find(Locator::Css("#logout")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css("#login-submit")).await.unwrap();
        signed_in = "";
        // The public portal: its own stylesheet applies (the heading larger than the text).
        b.goto(&format!("{address}/gongkai")).await.unwrap();
        let first = b.find(Locator::Css("#published-reports a")).await.unwrap().attr("href").await.unwrap().unwrap();
        for (path, name) in [("/gongkai".to_owned(), "portal"), (first, "portal-report")] {
            b.goto(&format!("{address}{path}")).await.unwrap();
            check_page(b, &format!("{name} at {width}px")).await;
            let sizes = b
                .execute(
                    "return [getComputedStyle(document.querySelector('h1')).fontSize, getComputedStyle(document.body).fontSize];",
                    vec![],
                )
                .await
                .unwrap();
            assert_ne!(sizes[0], sizes[1], "{name}: the stylesheet applies");
            shot(b, &format!("{name}-{size}.png")).await;
        }
    }
    let response = reqwest::get(format!("{address}/gongkai")).await.unwrap();
    let csp = response.headers().get("content-security-policy").unwrap().to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    b.clone().close().await.unwrap();
}

/// A clerk types a word into a ledger's 查找 box and finds the records holding it, the word marked
/// in the names; a word of two characters too (in every record, through the pair index); text
/// made only of punctuation gets a Chinese message and the whole list. On a desk and on a phone.
#[tokio::test]
async fn a_clerk_finds_records_by_a_word_marked_in_the_list_on_a_desk_and_on_a_phone() {
    let Some(browser) = start("a_clerk_finds_records_by_a_word_marked_in_the_list_on_a_desk_and_on_a_phone").await
    else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    switch_user(b, address, "/ledgers/petitions", "shanling_clerk", &demo.demo_password).await;
    for (size, words, shot_name) in
        [((1366, 900), "拖欠工资", "search-desk.png"), ((390, 844), "工资", "search-phone.png")]
    {
        b.set_window_size(size.0, size.1).await.unwrap();
        b.goto(&format!("{address}/ledgers/petitions")).await.unwrap();
        fill(b, "filter-q", words).await;
        submit_and_wait(b, "form.filters button[type=submit]").await;
        let marked = b
            .execute("return [...document.querySelectorAll('#ledger-table mark')].map(m => m.textContent);", vec![])
            .await
            .unwrap();
        let marked: Vec<&str> = marked.as_array().unwrap().iter().filter_map(|m| m.as_str()).collect();
        assert!(!marked.is_empty() && marked.iter().all(|m| *m == words), "{words}: {marked:?}");
        let names = b.find(Locator::Css("#ledger-table tbody")).await.unwrap().text().await.unwrap();
        assert!(names.lines().filter(|l| !l.trim().is_empty()).count() > 0);
        // Two Chinese characters are looked up in the pair index, not in the newest records only.
        let page = b.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
        assert!(!page.contains("只查找最近"), "{words}: searched in every record");
        check_page(b, &format!("a search for {words}")).await;
        shot(b, shot_name).await;
    }
    fill(b, "filter-q", "，。、").await;
    submit_and_wait(b, "form.filters button[type=submit]").await;
    let notice = b.find(Locator::Css("#list-notice")).await.unwrap().text().await.unwrap();
    assert!(notice.contains("检索词不能只有标点符号"), "{notice}");
    check_page(b, "a search of punctuation").await;
    shot(b, "search-refused-phone.png").await;
}

/// A district supervisor checks a folder of reports in the browser: several files chosen at once
/// (one of them an OFD), one table with a row per report that sorts by a clicked column, the
/// reports side by side, each report's findings at their lines; on a phone-sized window too.
#[tokio::test]
async fn a_supervisor_checks_a_batch_of_reports_in_the_browser() {
    let Some(browser) = start("a_supervisor_checks_a_batch_of_reports_in_the_browser").await else { return };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (from, to) in [
        ("tests/fixtures/seeds/houshan-2023.txt", "后山镇2023.txt"),
        ("tests/fixtures/seeds/anwen-2021.txt", "安稳镇2021.txt"),
        ("tests/fixtures/reports/shifan-2023.txt", "示范镇2023.txt"),
        ("fuzz/seeds/ofd/houshan-short.ofd", "后山镇节选.ofd"),
    ] {
        let path = dir.path().join(to);
        std::fs::copy(root.join(from), &path).unwrap();
        files.push(path.display().to_string());
    }
    b.goto(&format!("{address}/reports/check")).await.unwrap();
    log_in(b, "supervisor", &demo.demo_password).await;
    b.wait().for_element(Locator::Css("#check-form")).await.unwrap();
    let menu = b.find(Locator::Css(".sidebar")).await.unwrap().text().await.unwrap();
    assert!(menu.contains("报告检查"), "the page is in the menu");
    b.find(Locator::Css("#files")).await.unwrap().send_keys(&files.join("\n")).await.unwrap();
    submit_and_wait(b, "#check-submit").await;
    let table = b.wait().for_element(Locator::Css("#check-table")).await.unwrap();
    let text = table.text().await.unwrap();
    for name in ["后山镇2023.txt", "安稳镇2021.txt", "示范镇2023.txt", "后山镇节选.ofd"] {
        assert!(text.contains(name), "{name} has a row: {text}");
    }
    check_page(b, "the report check's results").await;
    shot(b, "report-check-desk.png").await;
    // Sorting by the errors column puts the clean report first.
    let errors = b.find(Locator::Css("#check-table thead th:nth-child(5)")).await.unwrap();
    errors.click().await.unwrap();
    let first = b.find(Locator::Css("#check-table tbody tr:first-child td:first-child")).await.unwrap();
    assert_eq!(first.text().await.unwrap(), "示范镇2023.txt");
    errors.click().await.unwrap();
    let first = b.find(Locator::Css("#check-table tbody tr:first-child td:first-child")).await.unwrap();
    assert_ne!(first.text().await.unwrap(), "示范镇2023.txt", "a second click reverses the order");
    // The reports side by side, and each report's findings.
    let compare = b.find(Locator::Css("#check-compare")).await.unwrap().text().await.unwrap();
    assert!(compare.contains("第五部分：其他需要报告的情况"), "{compare}");
    // Unticking a report takes it out of the comparison; ticking it brings it back.
    let pick = b.find(Locator::Css("input.compare-pick[data-column='3']")).await.unwrap();
    pick.click().await.unwrap();
    let header = b.find(Locator::Css("#check-compare thead th:nth-child(4)")).await.unwrap();
    assert!(!header.is_displayed().await.unwrap(), "示范镇 is out of the comparison");
    pick.click().await.unwrap();
    assert!(header.is_displayed().await.unwrap());
    let findings = b.find(Locator::Css("#report-1")).await.unwrap().text().await.unwrap();
    assert!(findings.contains("第33行第1列") && findings.contains("建议："), "{findings}");
    b.execute("document.getElementById('check-compare').scrollIntoView();", vec![]).await.unwrap();
    shot(b, "report-check-compare-desk.png").await;
    b.execute("document.getElementById('report-1').scrollIntoView();", vec![]).await.unwrap();
    shot(b, "report-check-findings-desk.png").await;
    let ofd = b.find(Locator::Css("#report-4")).await.unwrap().text().await.unwrap();
    assert!(ofd.contains("第1页，第"), "a finding in the OFD names its page: {ofd}");
    b.set_window_size(390, 844).await.unwrap();
    check_page(b, "the report check's results on a phone").await;
    shot(b, "report-check-phone.png").await;
    b.execute("document.getElementById('report-1').scrollIntoView();", vec![]).await.unwrap();
    shot(b, "report-check-findings-phone.png").await;
    b.set_window_size(1366, 900).await.unwrap();
    b.clone().close().await.unwrap();
}

/// The district files a township's 2020 report (a year before its ledgers begin) in the browser;
/// the report's figures then stand on the overview for 2020, marked 据报告, and open the report.
#[tokio::test]
async fn a_supervisor_files_an_old_report_and_finds_its_figures_on_the_overview() {
    let Some(browser) = start("a_supervisor_files_an_old_report_and_finds_its_figures_on_the_overview").await else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("安稳镇2020年法治政府建设年度报告.docx");
    let text = "安稳镇人民政府2020年法治政府建设年度报告
2020年，安稳镇在区委、区政府的坚强领导下，扎实推进法治政府建设，现将有关情况报告如下。
一、2020年推进法治政府建设的主要举措和成效
全年作出重大行政决策2件，均经合法性审查和集体讨论决定。
全年共受理信访事项87件次，其中来访26件。全年共受理矛盾纠纷104起，调解成功101起。
全年开展各类普法活动28场次。
二、2020年推进法治政府建设存在的不足和原因
学法用法的氛围还不够浓厚，主要是学习形式比较单一。
三、党政主要负责人履行推进法治建设第一责任人职责情况
镇党委书记主持召开法治建设专题会议3次。
四、2021年推进法治政府建设的主要安排
继续抓好普法和矛盾纠纷化解。
五、其他需要报告的情况
无。
安稳镇人民政府
2021年1月20日";
    let blocks = text.lines().map(|l| fazhi_office::docx::Block::Body(l.to_owned())).collect();
    std::fs::write(&path, fazhi_office::docx::OfficialDocument { title: String::new(), blocks }.to_docx()).unwrap();

    b.goto(&format!("{address}/reports/archive")).await.unwrap();
    log_in(b, "supervisor", &demo.demo_password).await;
    b.wait().for_element(Locator::Css("#archive-form")).await.unwrap();
    let list = b.find(Locator::Css("#archive-table")).await.unwrap().text().await.unwrap();
    assert!(list.contains("后山镇") && list.contains("2023"), "the demo's filed reports are listed: {list}");
    check_page(b, "the archive").await;
    shot(b, "archive-desk.png").await;
    b.find(Locator::Css("#archive-org")).await.unwrap().select_by_label("安稳镇").await.unwrap();
    b.find(Locator::Css("#archive-year")).await.unwrap().select_by_value("2020").await.unwrap();
    b.find(Locator::Css("#archive-file")).await.unwrap().send_keys(&path.display().to_string()).await.unwrap();
    submit_and_wait(b, "#archive-submit").await;
    b.wait().for_element(Locator::Css("#archive-figures")).await.unwrap();
    let page = check_page(b, "a filed report").await;
    assert!(page.contains("往年报告已归档") && page.contains("87件次") && page.contains("28场次"), "{page}");
    shot(b, "archive-filed-desk.png").await;

    // The overview of 2020: 安稳镇's petitions from its report, marked, opening the report.
    b.goto(&format!("{address}/cockpit?year=2020")).await.unwrap();
    let table = b.wait().for_element(Locator::Css("table")).await.unwrap().text().await.unwrap();
    assert!(table.contains("87件次") && table.contains("据报告"), "{table}");
    check_page(b, "the overview with a filed report's figures").await;
    shot(b, "archive-cockpit-desk.png").await;
    let marked =
        b.find(Locator::XPath("//td[span[contains(@class,'report-mark')]]/a[contains(., '87件次')]")).await.unwrap();
    marked.click().await.unwrap();
    b.wait().for_element(Locator::Css("#archive-figures")).await.unwrap();
    assert!(b.current_url().await.unwrap().path().starts_with("/reports/archive/"));

    b.set_window_size(390, 844).await.unwrap();
    check_page(b, "a filed report on a phone").await;
    shot(b, "archive-filed-phone.png").await;
    b.goto(&format!("{address}/reports/archive")).await.unwrap();
    check_page(b, "the archive on a phone").await;
    shot(b, "archive-phone.png").await;
    b.goto(&format!("{address}/cockpit?year=2020")).await.unwrap();
    check_page(b, "the overview on a phone").await;
    shot(b, "archive-cockpit-phone.png").await;
    b.set_window_size(1366, 900).await.unwrap();
    b.clone().close().await.unwrap();
}

/// A visitor on a phone reads a draft out for comment on the township's public page, comments
/// through the form (the picture read as a person reads it), and finds the comment published once
/// the clerk has moderated it from 我的待办, then the township's answer under it after the window.
#[tokio::test]
async fn a_visitor_comments_on_a_draft_the_clerk_publishes_and_answers_it() {
    let Some(browser) = start("a_visitor_comments_on_a_draft_the_clerk_publishes_and_answers_it").await else {
        return;
    };
    let (b, address, demo) = (&browser.client, &browser.address, &browser.demo);
    let db = browser._db.connect().await;
    b.set_window_size(390, 844).await.unwrap();
    b.goto(&format!("{address}/gongkai")).await.unwrap();
    b.find(Locator::LinkText("演示区杉岭乡")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#township-page")).await.unwrap();
    check_page(b, "the township's public page").await;
    shot(b, "public-township-phone.png").await;
    b.find(Locator::LinkText("杉岭乡农贸市场提质改造方案")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#public-item")).await.unwrap();
    let draft = b.current_url().await.unwrap().path().to_owned();
    let window = b.find(Locator::Css("#window")).await.unwrap().text().await.unwrap();
    assert!(window.contains("还剩"), "{window}");
    let page = check_page(b, "a draft open for comment").await;
    assert!(page.contains("顶棚施工请避开") && !page.contains("刘桂芳") && !page.contains("13800001234"));
    shot(b, "public-draft-phone.png").await;

    b.find(Locator::Css("#comment-link")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("form.comment-form")).await.unwrap();
    fill(b, "body", "建议在农贸市场西侧增设一处公共自行车停放点。").await;
    fill(b, "name", "赵晓红").await;
    let token = b.find(Locator::Css("input[name=challenge]")).await.unwrap().prop("value").await.unwrap().unwrap();
    let answer = fazhi_web::challenge::reveal(&db, &token).unwrap();
    fill(b, "answer", &answer).await;
    check_page(b, "the comment form").await;
    shot(b, "public-comment-form-phone.png").await;
    submit_and_wait(b, "form.comment-form button[type=submit]").await;
    let sent = b.find(Locator::Css("#sent")).await.unwrap().text().await.unwrap();
    assert!(sent.contains("已收到"), "{sent}");
    shot(b, "public-comment-sent-phone.png").await;
    b.goto(&format!("{address}{draft}")).await.unwrap();
    let page = b.find(Locator::Css("#feedback")).await.unwrap().text().await.unwrap();
    assert!(page.contains("1条意见正在审核") && !page.contains("自行车"), "{page}");

    // The clerk finds it on 我的待办 and publishes it.
    b.set_window_size(1366, 900).await.unwrap();
    switch_user(b, address, "/todo", "shanling_clerk", &demo.demo_password).await;
    let queue = b.find(Locator::Css("#todo-public-comments")).await.unwrap().text().await.unwrap();
    assert!(queue.contains("杉岭乡农贸市场提质改造方案"), "{queue}");
    b.find(Locator::Css("#todo-public-comments a")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("#public-comments")).await.unwrap();
    let comments = b.find(Locator::Css("#public-comments")).await.unwrap().text().await.unwrap();
    assert!(comments.contains("赵晓红") && comments.contains("待审核"), "{comments}");
    let pending: String = b
        .execute(
            "return [...document.querySelectorAll('.public-comment')].find(c => c.textContent.includes('自行车')).id;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let id = pending.trim_start_matches("public-comment-");
    fill(b, &format!("moderation-{id}"), "published").await;
    submit_and_wait(b, &format!("#{pending} .inline-form button")).await;
    let done = b.find(Locator::Css("#done-message")).await.unwrap().text().await.unwrap();
    assert!(done.contains("已处理"), "{done}");
    check_page(b, "the record's public comments").await;
    shot(b, "public-comments-clerk-desk.png").await;

    // The window is over (the draft was published earlier than recorded: a correction); the clerk
    // answers, and the visitor reads the answer under the draft.
    let record: i64 = draft.rsplit('/').next().unwrap().parse().unwrap();
    let kind = &fazhi_domain::ledgers::decisions::KIND;
    let current = fazhi_store::ledger::get(&db, &fazhi_store::Scope::everything(), kind, record).await.unwrap();
    let earlier = (fazhi_store::beijing_today() - chrono::Duration::days(40)).format("%Y-%m-%d").to_string();
    let input = [("draft_published_on".to_owned(), earlier), ("comment_days".to_owned(), "30".to_owned())]
        .into_iter()
        .collect();
    let clerk = fazhi_domain::ledger::ActorFacts {
        name: "经办人",
        roles: &[fazhi_domain::role::Role::Clerk],
        principal_leader: false,
    };
    let rules = fazhi_store::rules::current(&db).await.unwrap();
    fazhi_store::ledger::correct(
        &db,
        &fazhi_store::Actor::system(),
        clerk,
        &fazhi_store::Scope::everything(),
        kind,
        record,
        current.version,
        "publish_draft",
        &input,
        "草案公布日期登记有误",
        &rules.ctx(),
    )
    .await
    .unwrap();
    b.refresh().await.unwrap();
    b.wait().for_element(Locator::Css(&format!("#adoption-{id}"))).await.unwrap();
    fill(b, &format!("adoption-{id}"), "not_adopted").await;
    fill(b, &format!("reason-{id}"), "市场西侧为消防通道，不宜设置停放点").await;
    submit_and_wait(b, &format!("#{pending} details form button[type=submit]")).await;
    let done = b.find(Locator::Css("#done-message")).await.unwrap().text().await.unwrap();
    assert!(done.contains("采纳情况已记录"), "{done}");

    b.find(Locator::Css("#logout")).await.unwrap().click().await.unwrap();
    b.set_window_size(390, 844).await.unwrap();
    b.goto(&format!("{address}{draft}")).await.unwrap();
    let feedback = b.find(Locator::Css("#feedback")).await.unwrap().text().await.unwrap();
    assert!(feedback.contains("自行车") && feedback.contains("未采纳") && feedback.contains("消防通道"), "{feedback}");
    assert!(!feedback.contains("赵晓红"));
    check_page(b, "the draft's feedback").await;
    shot(b, "public-feedback-phone.png").await;
}
