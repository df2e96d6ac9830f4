//! End to end in a real headless Chromium on the demo data: log in, open the organization tree, log
//! out; walk a decision from the catalogue to publication past the legality-review gate; walk a
//! petition through acceptance, an attachment, the leader's extension and conclusion. Needs
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
    let db = fazhi_store::Db::connect(&test_db.url).await.unwrap();
    let demo = fazhi_store::demo::load_if_empty(&db).await.unwrap().expect("empty database");
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
        "const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));",
        vec![json!(id), json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("{id}: {e}"));
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
    for _ in 0..100 {
        let loaded = b
            .execute("return window.fazhiOldPage === undefined && document.readyState === 'complete';", vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if loaded {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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
    for _ in 0..100 {
        let loaded = b
            .execute("return window.fazhiOldPage === undefined && document.readyState === 'complete';", vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if loaded {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no new page after {button}");
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
