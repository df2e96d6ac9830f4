//! Rule settings belong to organizations: the district sets them for its townships, a township
//! sets only what the law leaves to it, for itself; each township's records are counted by its own
//! values. The holiday notice and the two-factor requirement are the district's alone.

mod common;

use common::{TestApp, add_user};
use fazhi_domain::role::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn setting(s: &common::Session, key: &str) -> Value {
    let all: Value = s.api(Method::GET, "/api/v1/settings", None).await.json().await.unwrap();
    all.as_array().unwrap().iter().find(|v| v["key"] == key).unwrap().clone()
}

#[tokio::test]
async fn a_township_sets_only_what_is_its_own_and_only_for_itself() {
    let app = TestApp::spawn().await;
    add_user(&app.db, "tw_admin", app.orgs.township, vec![Role::Admin], false).await;
    let township_admin = app.login("tw_admin").await;
    let clerk = app.login("t_clerk").await;
    let other_clerk = app.login("t_other_clerk").await;

    // A rule the district sets: the township's administrator is refused, in Chinese.
    let refused = township_admin
        .api(
            Method::POST,
            "/api/v1/settings/normative_documents.filing_period",
            Some(json!({"length": 15, "unit": "calendar_days"})),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("由区县统一设定"));

    // A rule left to the township: set for this township, not for the other one.
    let key = "contract_reviews.review_period";
    let set = township_admin
        .api(Method::POST, &format!("/api/v1/settings/{key}"), Some(json!({"length": 3, "unit": "working_days"})))
        .await;
    assert_eq!(set.status(), StatusCode::OK, "{}", set.text().await.unwrap());
    let here = setting(&clerk, key).await;
    assert!(here["current"].as_str().unwrap().contains('3'), "{here}");
    assert_eq!(here["source"], "杉岭乡设定");
    let there = setting(&other_clerk, key).await;
    assert_eq!(there["source"], "默认", "{there}");

    // The district's value applies to every township that sets none of its own.
    let district_admin = app.login("t_admin").await;
    let set = district_admin
        .api(
            Method::POST,
            "/api/v1/settings/normative_documents.filing_period",
            Some(json!({"length": 20, "unit": "calendar_days"})),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    for s in [&clerk, &other_clerk] {
        let v = setting(s, "normative_documents.filing_period").await;
        assert_eq!(v["source"], "测试区设定", "{v}");
        assert!(v["current"].as_str().unwrap().contains("20"), "{v}");
    }
    let page = clerk.get("/settings").await.text().await.unwrap();
    assert!(page.contains("测试区设定") && page.contains("杉岭乡设定"));
    common::assert_open_counts_match(&app.db).await;

    // What holds for every organization stays with the district.
    let calendar = township_admin
        .client
        .post(township_admin.url("/api/v1/calendar"))
        .header("x-csrf-token", &township_admin.csrf)
        .header("content-type", "application/json")
        .body(r#"{"year": 2027, "days": []}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(calendar.status(), StatusCode::FORBIDDEN);
    let two_factor = township_admin.post_form("/settings/two-factor", &[("roles", "clerk")]).await;
    assert_eq!(two_factor.status(), StatusCode::FORBIDDEN);
}

/// The calendar and settings a page counts with are kept between requests (`rules::current`), and
/// read again after any change, whether made through this server or through another one on the
/// same database: a kept value is never served after it changed.
#[tokio::test]
async fn the_rules_kept_between_requests_follow_changes_made_on_any_instance() {
    use chrono::NaiveDate;
    use fazhi_store::{Actor, rules, users};

    let app = TestApp::spawn().await;
    let other_instance = app.test_db.connect().await;
    let key = "normative_documents.filing_period";
    let township = fazhi_store::orgs::list(&app.db, &fazhi_store::Scope::everything())
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.id == app.orgs.township)
        .unwrap()
        .path;
    let read = |rules: &rules::Rules| rules.settings.period_at(&township, key);
    let before = read(&rules::current(&app.db).await.unwrap());
    assert_eq!(before, read(&rules::current(&app.db).await.unwrap()), "kept while nothing changes");

    // A setting changed through the other instance.
    let admin = users::find_by_username(&other_instance, "t_admin").await.unwrap().id;
    let admin = users::principal_by_id(&other_instance, admin).await.unwrap().unwrap();
    let value = rules::NewValue::Period { length: "21", unit: "calendar_days" };
    rules::set(&other_instance, &admin, "127.0.0.1", key, value).await.unwrap();
    let after = read(&rules::current(&app.db).await.unwrap());
    assert_ne!(after, before);
    assert!(after.is_some_and(|p| p.length == 21), "{after:?}");

    // A holiday notice loaded through the other instance: the day is no longer a working day here.
    let day = NaiveDate::from_ymd_opt(2031, 3, 3).unwrap();
    assert!(rules::current(&app.db).await.unwrap().calendar.is_workday(day), "a Monday");
    let notice = r#"{"year": 2031, "days": [{"name": "测试假日", "date": "2031-03-03", "isOffDay": true}]}"#;
    fazhi_store::calendar::load_year(&other_instance, &Actor::system(), notice).await.unwrap();
    assert!(!rules::current(&app.db).await.unwrap().calendar.is_workday(day), "the notice read again");
}

/// The organizations a page reads are kept between requests too (`orgs::tree`), and read again
/// after a change made through another server on the same database: a township added or renamed
/// there is listed here at once.
#[tokio::test]
async fn the_organizations_kept_between_requests_follow_changes_made_on_any_instance() {
    use fazhi_store::orgs::{self, NewOrg, OrgUpdate};
    use fazhi_store::{Actor, Scope};

    let app = TestApp::spawn().await;
    let other_instance = app.test_db.connect().await;
    let names = async || -> Vec<String> {
        orgs::list(&app.db, &Scope::everything()).await.unwrap().into_iter().map(|o| o.name).collect()
    };
    let before = names().await;
    assert_eq!(before, names().await, "kept while nothing changes");
    let district = orgs::list(&app.db, &Scope::everything()).await.unwrap()[0].id;

    let added = NewOrg { name: "清溪镇".into(), kind: "township".into(), parent_id: Some(district), sort_order: 90 };
    let added = orgs::create(&other_instance, &Actor::system(), &Scope::everything(), added).await.unwrap();
    assert!(names().await.contains(&"清溪镇".to_owned()), "added through the other instance");

    let renamed = OrgUpdate { name: "清溪街道".into(), sort_order: 90, version: added.version };
    orgs::update(&other_instance, &Actor::system(), &Scope::everything(), added.id, renamed).await.unwrap();
    let after = names().await;
    assert!(after.contains(&"清溪街道".to_owned()) && !after.contains(&"清溪镇".to_owned()), "{after:?}");
    assert_eq!(after.len(), before.len() + 1);
}
