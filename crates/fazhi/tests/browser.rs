//! End to end in a real headless Chromium: log in with a demo account, open the organization
//! tree, log out. Needs Debian's `chromium` and `chromium-driver`; skips (or fails, in CI) without.

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

#[tokio::test]
async fn log_in_open_the_organization_tree_and_log_out() {
    let test = "log_in_open_the_organization_tree_and_log_out";
    let (Some(chromium), Some(chromedriver)) =
        (tool("FAZHI_CHROMIUM", "/usr/bin/chromium"), tool("FAZHI_CHROMEDRIVER", "/usr/bin/chromedriver"))
    else {
        if common::require("FAZHI_REQUIRE_BROWSER") {
            panic!("{test}: FAZHI_REQUIRE_BROWSER=1 but chromium or chromedriver is missing");
        }
        common::skip(test, "install Debian's chromium and chromium-driver to run it");
        return;
    };

    // The demo data, as a newcomer gets it from `fazhi serve --demo`.
    let test_db = common::TestDb::new(common::postgres_base_url().as_deref()).await;
    let db = fazhi_store::Db::connect(&test_db.url).await.unwrap();
    let demo = fazhi_store::demo::load_if_empty(&db).await.unwrap().expect("empty database");
    let address = common::serve(db).await;

    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _driver = Driver(
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
    let b = browser.expect("chromedriver answers");

    b.goto(&format!("{address}/orgs")).await.unwrap();
    assert!(b.current_url().await.unwrap().path().starts_with("/login"), "signing in comes first");
    b.find(Locator::Css("#username")).await.unwrap().send_keys("supervisor").await.unwrap();
    b.find(Locator::Css("#password")).await.unwrap().send_keys(&demo.demo_password).await.unwrap();
    b.find(Locator::Css("#login-submit")).await.unwrap().click().await.unwrap();
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
    b.close().await.unwrap();
}
