//! The public side (docs/public.md): each public list follows its ledger's steps; a comment from
//! the public goes through the form, the moderator, the answer and into the figures; no citizen's
//! personal value reaches a public page or feed; the feeds and the JSON are what they say; a
//! conditional request is answered 304.

mod common;

use chrono::Duration;
use fazhi_domain::ledger::ActorFacts;
use fazhi_domain::ledgers::{decision_catalogue, decisions, disclosure_items, enforcement_cases, normative_documents};
use fazhi_domain::role::Role;
use fazhi_store::{Actor, Db, Scope, ledger};
use reqwest::StatusCode;
use serde_json::Value;

const CLERK: ActorFacts<'static> = ActorFacts { name: "经办人", roles: &[Role::Clerk], principal_leader: false };

fn day(offset: i64) -> String {
    (fazhi_store::beijing_today() + Duration::days(offset)).format("%Y-%m-%d").to_string()
}

/// The demo installation served, and 杉岭乡's id.
async fn demo() -> (String, Db, common::TestDb, i64) {
    let test_db = common::TestDb::new(common::postgres_base_url().as_deref()).await;
    let db = test_db.connect().await;
    fazhi_store::demo::load_if_empty(&db).await.unwrap().expect("empty database");
    let shanling =
        fazhi_store::public::townships(&db).await.unwrap().into_iter().find(|t| t.name == "杉岭乡").unwrap().id;
    let address = common::serve(db.clone()).await;
    (address, db, test_db, shanling)
}

async fn json(address: &str, path: &str) -> Value {
    let r = reqwest::get(format!("{address}{path}")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    r.json().await.unwrap()
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

fn find(page: &Value, id: i64) -> Option<&Value> {
    items(page).iter().find(|i| i["id"] == id)
}

async fn record(db: &Db, kind: &'static fazhi_domain::ledger::LedgerKind, id: i64) -> ledger::RecordView {
    ledger::get(db, &Scope::everything(), kind, id).await.unwrap()
}

async fn create(
    db: &Db,
    kind: &'static fazhi_domain::ledger::LedgerKind,
    org: i64,
    fields: &[(&str, &str)],
) -> ledger::RecordView {
    let input = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let rules = fazhi_store::rules::current(db).await.unwrap();
    ledger::create(db, &Actor::system(), &Scope::everything(), kind, org, &input, &rules.ctx()).await.unwrap()
}

async fn status(address: &str, path: &str) -> StatusCode {
    reqwest::get(format!("{address}{path}")).await.unwrap().status()
}

#[tokio::test]
async fn each_public_list_shows_what_a_step_published_and_follows_the_steps_after_it() {
    let (address, db, _test_db, town) = demo().await;
    let list = |slug: &str| format!("/api/v1/public/{town}/{slug}");

    // 执法公示: a published decision, its party masked; revoked, marked; withdrawn, gone.
    let cases = json(&address, &list("zhifa")).await;
    assert!(!items(&cases).is_empty());
    let field = |i: &Value, key: &str| {
        i["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .map(|f| f["value"].as_str().unwrap().to_owned())
    };
    for i in items(&cases) {
        let party = field(i, "party").unwrap();
        let legal = field(i, "party_kind").as_deref() == Some(enforcement_cases::LEGAL_PERSON);
        assert!(legal || party.contains('*'), "a natural person unmasked: {party}");
    }
    // A company's case, once published, names it.
    let words = fazhi_domain::search::SearchWords::parse("集贸市场消防安全检查").unwrap();
    let filter = ledger::ListFilter { query: words, ..Default::default() };
    let inspection =
        ledger::list(&db, &Scope::everything(), &enforcement_cases::KIND, &filter).await.unwrap().page.items.remove(0);
    assert_eq!(inspection.state, "served");
    let inspection = common::take_ledger_step(
        &db,
        &enforcement_cases::KIND,
        inspection,
        "publish",
        &[("published_on", &day(0))],
        CLERK,
    )
    .await;
    let found = json(&address, &format!("{}?q=%E9%9B%86%E8%B4%B8%E5%B8%82%E5%9C%BA", list("zhifa"))).await;
    assert_eq!(field(find(&found, inspection.id).unwrap(), "party").as_deref(), Some("杉岭集贸市场"));
    let cases = json(&address, &list("zhifa")).await;
    let case = items(&cases).iter().find(|i| i["state"] == "已公示" && i["mark"].is_null()).unwrap();
    let id = case["id"].as_i64().unwrap();
    let page = format!("/gongkai/{town}/zhifa/{id}");
    assert_eq!(status(&address, &page).await, StatusCode::OK);
    let r = record(&db, &enforcement_cases::KIND, id).await;
    let r = common::take_ledger_step(
        &db,
        &enforcement_cases::KIND,
        r,
        "record_change",
        &[("changed_on", &day(0)), ("change", "撤销")],
        CLERK,
    )
    .await;
    let marked = json(&address, &list("zhifa")).await;
    assert!(find(&marked, id).unwrap()["mark"].as_str().unwrap().contains("撤销"));
    common::take_ledger_step(
        &db,
        &enforcement_cases::KIND,
        r,
        "withdraw",
        &[("withdrawn_on", &day(0)), ("withdrawal_reason", "处罚决定已被撤销")],
        CLERK,
    )
    .await;
    assert!(find(&json(&address, &list("zhifa")).await, id).is_none());
    assert_eq!(status(&address, &page).await, StatusCode::NOT_FOUND);

    // 规范性文件库: a document in force under its number; repealed, marked with the act.
    let docs = json(&address, &list("guifan")).await;
    let doc = items(&docs).iter().find(|i| i["state"] == "有效" && i["mark"].is_null()).unwrap();
    assert!(doc["number"].as_str().unwrap().contains("号"));
    let id = doc["id"].as_i64().unwrap();
    let r = record(&db, &normative_documents::KIND, id).await;
    common::take_ledger_step(
        &db,
        &normative_documents::KIND,
        r,
        "repeal",
        &[("ended_on", &day(0)), ("ended_by", "乡政府常务会议决定废止")],
        CLERK,
    )
    .await;
    let repealed = json(&address, &list("guifan")).await;
    let doc = find(&repealed, id).unwrap();
    assert_eq!(doc["mark"], "已废止");
    assert!(doc["fields"].as_array().unwrap().iter().any(|f| f["value"] == "乡政府常务会议决定废止"));

    // 主动公开: by its categories; withdrawn, gone.
    let functions = json(&address, &format!("{}?category=%E6%9C%BA%E6%9E%84%E8%81%8C%E8%83%BD", list("zhudong"))).await;
    assert!(!items(&functions).is_empty());
    assert!(items(&functions).iter().all(|i| field(i, "category").as_deref() == Some("机构职能")));
    assert!(functions["total"].as_u64() < json(&address, &list("zhudong")).await["total"].as_u64());
    let r = reqwest::get(format!("{address}{}?category=x", list("zhudong"))).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "category");
    let disclosed = json(&address, &list("zhudong")).await;
    let id = items(&disclosed)[0]["id"].as_i64().unwrap();
    let r = record(&db, &disclosure_items::KIND, id).await;
    common::take_ledger_step(
        &db,
        &disclosure_items::KIND,
        r,
        "withdraw",
        &[("withdrawn_on", &day(0)), ("withdraw_reason", "信息有误，已更正后重新公开")],
        CLERK,
    )
    .await;
    assert!(find(&json(&address, &list("zhudong")).await, id).is_none());

    // 决策目录: not public while it is drafted and agreed; public once published.
    let year = (fazhi_store::beijing_today() + Duration::days(400)).format("%Y").to_string();
    let title = format!("杉岭乡{year}年度重大行政决策事项目录");
    let r = create(
        &db,
        &decision_catalogue::KIND,
        town,
        &[("title", &title), ("catalogue_year", &year), ("items", "集镇停车场建设，村镇建设办")],
    )
    .await;
    let id = r.id;
    let r = common::take_ledger_step(
        &db,
        &decision_catalogue::KIND,
        r,
        "approve",
        &[("party_meeting", "乡党委会议"), ("party_approved_on", &day(0))],
        CLERK,
    )
    .await;
    assert!(find(&json(&address, &list("mulu")).await, id).is_none());
    common::take_ledger_step(
        &db,
        &decision_catalogue::KIND,
        r,
        "publish",
        &[("published_on", &day(0)), ("publish_channel", "乡政府网站")],
        CLERK,
    )
    .await;
    let catalogue = json(&address, &list("mulu")).await;
    assert!(
        find(&catalogue, id).unwrap()["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"] == "集镇停车场建设，村镇建设办")
    );

    // 征求意见 and 重大行政决策: a draft published 40 days ago for 30 days is on both, its window
    // over; closed, it stays with its mark.
    let r = create(
        &db,
        &decisions::KIND,
        town,
        &[("title", "杉岭乡集镇停车场建设方案"), ("catalogue_year", &year[..4]), ("lead_unit", "村镇建设办")],
    )
    .await;
    let id = r.id;
    assert!(find(&json(&address, &list("zhengqiu")).await, id).is_none(), "a draft not yet published");
    let r = common::take_ledger_step(
        &db,
        &decisions::KIND,
        r,
        "publish_draft",
        &[("draft_published_on", &day(-40)), ("comment_days", "30")],
        CLERK,
    )
    .await;
    let open = json(&address, &list("zhengqiu")).await;
    let draft = find(&open, id).unwrap();
    assert_eq!(draft["window"]["opens"], day(-40));
    assert_eq!(draft["window"]["closes"], day(-10));
    assert!(draft["mark"].is_null());
    assert!(find(&json(&address, &list("juece")).await, id).is_some());
    common::take_ledger_step(
        &db,
        &decisions::KIND,
        r,
        "close_consultation",
        &[("comment_closed_on", &day(-9)), ("comments_adoption", "未收到意见")],
        CLERK,
    )
    .await;
    assert_eq!(find(&json(&address, &list("zhengqiu")).await, id).unwrap()["mark"], fazhi_domain::publication::ENDED);

    // Unknown townships, lists and records: a Chinese 404.
    for path in ["/gongkai/999999".to_owned(), format!("/gongkai/{town}/nothing"), format!("/gongkai/{town}/zhifa/1")] {
        let r = reqwest::get(format!("{address}{path}")).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(r.text().await.unwrap().contains("未找到"));
    }
    // A deep page of the merged drafts' list answers, as its last page.
    assert_eq!(status(&address, &format!("/gongkai/{town}/zhengqiu?page=50")).await, StatusCode::OK);
    let r = reqwest::get(format!("{address}/api/v1/public/999999/zhifa")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = reqwest::get(format!("{address}{}?year=abc", list("zhifa"))).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "year");
}

#[tokio::test]
async fn pages_and_feeds_answer_a_conditional_request_with_304_and_the_atom_and_json_are_well_formed() {
    let (address, _db, _test_db, town) = demo().await;
    let client = reqwest::Client::new();
    for path in [
        "/gongkai".to_owned(),
        format!("/gongkai/{town}"),
        format!("/gongkai/{town}/guifan"),
        format!("/gongkai/{town}/zhifa/atom.xml"),
        format!("/api/v1/public/{town}/zhudong"),
    ] {
        let first = client.get(format!("{address}{path}")).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let tag = first.headers()["etag"].to_str().unwrap().to_owned();
        let again = client.get(format!("{address}{path}")).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.bytes().await.unwrap().is_empty());
        let other = client.get(format!("{address}{path}")).header("if-none-match", "\"x\"").send().await.unwrap();
        assert_eq!(other.status(), StatusCode::OK);
    }
    // Many readers at once after a write: one answer, made once, the same for all.
    let page = format!("{address}/gongkai/{town}/zhudong");
    let asked: Vec<_> = (0..24)
        .map(|_| {
            let (client, page) = (client.clone(), page.clone());
            tokio::spawn(async move { client.get(&page).send().await.unwrap() })
        })
        .collect();
    let mut tags = std::collections::BTreeSet::new();
    for r in asked {
        let r = r.await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        tags.insert(r.headers()["etag"].to_str().unwrap().to_owned());
    }
    assert_eq!(tags.len(), 1, "{tags:?}");
    // The Atom feed parses as XML with a feed, its entries each with id, title, updated and link.
    let feed = client.get(format!("{address}/gongkai/{town}/guifan/atom.xml")).send().await.unwrap();
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    let xml = feed.text().await.unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut entries, mut depth_ok, mut names) = (0, true, Vec::new());
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                let name = e.name().0.to_owned();
                if name == "entry" {
                    entries += 1;
                }
                names.push(name);
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                depth_ok = false;
                eprintln!("{e}");
                break;
            }
        }
    }
    assert!(depth_ok, "the feed is not well-formed XML");
    assert_eq!(names.first().map(String::as_str), Some("feed"));
    assert!(entries > 0);
    for (required, at_feed_level) in [("id", 1), ("title", 1), ("updated", 1), ("summary", 0)] {
        assert_eq!(names.iter().filter(|n| *n == required).count(), entries + at_feed_level, "{required}");
    }
    assert!(xml.contains("杉岭府规"));
    // The JSON is the documented schema: every item with its id, kind, title, fields and url.
    let page = json(&address, &format!("/api/v1/public/{town}/guifan")).await;
    assert_eq!(page["list"], "guifan");
    for i in items(&page) {
        assert!(i["id"].is_i64() && i["kind"] == "normative_documents" && i["title"].is_string());
        assert!(i["url"].as_str().unwrap().starts_with(&format!("/gongkai/{town}/guifan/")));
    }
    let spec: Value = json(&address, "/api/v1/openapi.json").await;
    assert!(spec["paths"]["/api/v1/public/{org}/{list}"]["get"].is_object());
}

#[tokio::test]
async fn no_citizens_name_id_number_or_phone_appears_on_any_public_page_or_feed() {
    let (address, db, _test_db, _) = demo().await;
    // Every personal value of every township, as the records hold them, and the commenters'.
    let mut secrets: Vec<String> = Vec::new();
    for t in fazhi_store::public::townships(&db).await.unwrap() {
        secrets.extend(ledger::personal_names(&db, &Scope::everything(), t.id).await.unwrap());
    }
    secrets.extend(["刘桂芳".to_owned(), "13800001234".to_owned()]);
    secrets.sort();
    secrets.dedup();
    secrets.retain(|s| s.chars().count() >= 2);
    assert!(secrets.len() > 20, "the demo holds citizens' names: {}", secrets.len());
    // Walk the portal from its front page: every page, list page, item page and feed it links to.
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = vec!["/gongkai".to_owned()];
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) || seen.len() > 600 {
            continue;
        }
        let body = reqwest::get(format!("{address}{path}")).await.unwrap().text().await.unwrap();
        for s in &secrets {
            assert!(!body.contains(s.as_str()), "{path} shows {s}");
        }
        for part in body.split("href=\"").skip(1) {
            let href = &part[..part.find('"').unwrap_or(0)];
            let href = href.split('#').next().unwrap_or("").replace("&amp;", "&");
            if (href.starts_with("/gongkai") || href.starts_with("/api/v1/public")) && !href.contains("?") {
                queue.push(href);
            }
        }
    }
    assert!(seen.len() > 60, "the walk reached {} pages", seen.len());
}

/// The token and the picture's answer of the comment form at `path`.
async fn challenge(client: &reqwest::Client, db: &Db, url: &str) -> (String, String) {
    let html = client.get(url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data:image/png;base64,"), "a picture on the form");
    let marker = "name=\"challenge\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let token = html[start..start + html[start..].find('"').unwrap()].to_owned();
    let answer = fazhi_web::challenge::reveal(db, &token).unwrap();
    (token, answer)
}

#[tokio::test]
async fn a_comment_from_the_public_is_moderated_answered_published_and_counted_in_the_figures() {
    let app = common::TestApp::spawn().await;
    let db = &app.db;
    let town = app.orgs.township;
    let year = day(0)[..4].to_owned();
    let r = create(
        db,
        &decisions::KIND,
        town,
        &[
            ("title", "杉岭乡农贸市场提质改造方案"),
            ("catalogue_year", &year),
            ("lead_unit", "乡市场监管所"),
            ("summary", "改造期间分区轮流营业"),
        ],
    )
    .await;
    let draft = common::take_ledger_step(
        db,
        &decisions::KIND,
        r,
        "publish_draft",
        &[("draft_published_on", &day(-2)), ("comment_days", "30")],
        CLERK,
    )
    .await;
    let item = format!("/gongkai/{town}/zhengqiu/{}", draft.id);
    let form = format!("{item}/yijian");
    let anonymous = common::client();
    let page = anonymous.get(app.url(&item)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("href=\"{form}\"")), "发表意见 while the window is open");

    let count = || async {
        fazhi_store::public_comments::for_record(db, &Scope::everything(), &decisions::KIND, draft.id)
            .await
            .unwrap()
            .len()
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let (client, url) = (anonymous.clone(), app.url(&form));
        async move { client.post(url).form(&fields).send().await.unwrap() }
    };
    // Markup, a wrong answer, a bad phone: a Chinese message at the field, nothing stored.
    let (unused_token, unused_answer) = challenge(&anonymous, db, &app.url(&form)).await;
    let r = post(vec![
        ("body", "<a href=x>点这里</a>".into()),
        ("challenge", unused_token.clone()),
        ("answer", unused_answer.clone()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("纯文字"));
    let (token, _) = challenge(&anonymous, db, &app.url(&form)).await;
    let r = post(vec![("body", "建议增设临时停车点".into()), ("challenge", token), ("answer", "xxxx".into())]).await;
    assert!(r.text().await.unwrap().contains("验证码不正确"));
    assert_eq!(count().await, 0);

    // A comment as a person sends it: received, thanked, waiting for the moderator.
    let (token, answer) = challenge(&anonymous, db, &app.url(&form)).await;
    let fields = vec![
        ("body", "建议改造期间在市场东侧增设临时停车点。".into()),
        ("name", "刘桂芳".into()),
        ("phone", "13900002222".into()),
        ("challenge", token.clone()),
        ("answer", answer.to_uppercase()),
    ];
    let r = post(fields.clone()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let thanks = anonymous.get(app.url(&format!("{form}?sent=1"))).send().await.unwrap().text().await.unwrap();
    assert!(thanks.contains("您的意见已收到"));
    // The same solved picture again: refused.
    let r = post(fields).await;
    assert!(r.text().await.unwrap().contains("验证码已使用过"));
    assert_eq!(count().await, 1);
    let page = anonymous.get(app.url(&item)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("1条意见正在审核") && !page.contains("临时停车点"));

    // The clerk reads it with the name, publishes it; the public reads it without name or phone.
    let clerk = app.login(app.account(Role::Clerk)).await;
    let record_page = clerk.get(&format!("/ledgers/decisions/{}", draft.id)).await.text().await.unwrap();
    assert!(record_page.contains("刘桂芳") && record_page.contains("待审核"));
    let comment = fazhi_store::public_comments::for_record(db, &Scope::everything(), &decisions::KIND, draft.id)
        .await
        .unwrap()[0]
        .id;
    let base = format!("/ledgers/decisions/{}/public-comments/{comment}", draft.id);
    let r = clerk.post_form(&format!("{base}/moderate"), &[("moderation", "published")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = anonymous.get(app.url(&item)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("临时停车点") && !page.contains("刘桂芳") && !page.contains("13900002222"));
    // Others may not moderate: the adviser, the district, another township's clerk.
    for who in [app.account(Role::Adviser), app.account(Role::Supervisor), "t_other_clerk"] {
        let s = app.login(who).await;
        let r = s.post_form(&format!("{base}/moderate"), &[("moderation", "off_topic")]).await;
        assert!(matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{who}: {}", r.status());
    }
    // Answering waits for the window's end; the consultation cannot close over an unanswered one.
    let r = clerk.post_form(&format!("{base}/answer"), &[("adoption", "adopted")]).await;
    assert!(r.text().await.unwrap().contains("届满后"));

    // The draft was in fact published 40 days ago (a correction): the window is over.
    let rules = fazhi_store::rules::current(db).await.unwrap();
    let input = [("draft_published_on".to_owned(), day(-40)), ("comment_days".to_owned(), "30".to_owned())]
        .into_iter()
        .collect();
    let current = record(db, &decisions::KIND, draft.id).await;
    ledger::correct(
        db,
        &Actor::system(),
        CLERK,
        &Scope::everything(),
        &decisions::KIND,
        draft.id,
        current.version,
        "publish_draft",
        &input,
        "公布日期登记有误",
        &rules.ctx(),
    )
    .await
    .unwrap();
    let current = record(db, &decisions::KIND, draft.id).await;
    let close = [("comment_closed_on", day(0)), ("comments_adoption", "见公众意见".to_owned())];
    let r = clerk
        .post_form(
            &format!("/ledgers/decisions/{}/steps/close_consultation", draft.id),
            &[
                ("version", &current.version.to_string()),
                ("comment_closed_on", &close[0].1),
                ("comments_adoption", &close[1].1),
            ],
        )
        .await;
    let refused = r.text().await.unwrap();
    assert!(refused.contains("未记录采纳情况"), "{}", &refused[..refused.len().min(400)]);
    let r = clerk.post_form(&format!("{base}/answer"), &[("adoption", "partly"), ("reason", "")]).await;
    assert!(r.text().await.unwrap().contains("请说明理由"));
    let r = clerk
        .post_form(&format!("{base}/answer"), &[("adoption", "partly"), ("reason", "在市场北侧设临时停车点")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The close form offers the adoption written from the answers; closing counts them.
    let record_page = clerk.get(&format!("/ledgers/decisions/{}", draft.id)).await.text().await.unwrap();
    let summary = "公开征求意见期间收到网上意见1条，部分采纳1条。第1条部分采纳：在市场北侧设临时停车点。";
    assert!(record_page.contains(summary));
    let r = clerk
        .post_form(
            &format!("/ledgers/decisions/{}/steps/close_consultation", draft.id),
            &[
                ("version", &current.version.to_string()),
                ("comment_closed_on", &close[0].1),
                ("comments_adoption", summary),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let closed = record(db, &decisions::KIND, draft.id).await;
    assert_eq!(closed.values["public_comments_received"], 1);
    assert_eq!(closed.values["public_comments_adopted"], 1);
    let figures =
        fazhi_store::indicators::for_year(db, &Scope::everything(), town, year.parse().unwrap()).await.unwrap();
    let figure = |id: &str| figures.iter().find(|f| f.id == id).map(|f| f.value);
    assert_eq!((figure("participation.comments"), figure("participation.comments_adopted")), (Some(1), Some(1)));

    // Published under the draft: the comment and its answer.
    let page = anonymous.get(app.url(&item)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("部分采纳") && page.contains("在市场北侧设临时停车点") && page.contains("征求意见已结束"));
    // The window is over: the form says so and takes nothing, even with a picture solved before.
    let closed_form = anonymous.get(app.url(&form)).send().await.unwrap().text().await.unwrap();
    assert!(closed_form.contains("已截止") && !closed_form.contains("name=\"challenge\""));
    let r =
        post(vec![("body", "再提一条意见，请考虑。".into()), ("challenge", unused_token), ("answer", unused_answer)])
            .await;
    assert!(r.text().await.unwrap().contains("已截止"));
    assert_eq!(count().await, 1);
    // The trail holds the comment's digest, never the commenter's name or telephone.
    let trail = fazhi_store::audit::list(
        db,
        &fazhi_store::audit::AuditFilter { page: 1, page_size: 200, ..Default::default() },
    )
    .await
    .unwrap();
    let received = trail.items.iter().find(|a| a.action == "public_comment.receive").unwrap();
    let after = received.after.clone().unwrap_or_default();
    assert!(after.contains("sm3") && !after.contains("刘桂芳") && !after.contains("13900002222"));
}

#[tokio::test]
async fn scripted_comments_are_held_to_a_persons_pace() {
    let app = common::TestApp::spawn().await;
    let db = &app.db;
    let town = app.orgs.township;
    let r = create(
        db,
        &decisions::KIND,
        town,
        &[("title", "杉岭乡集镇亮化工程方案"), ("catalogue_year", &day(0)[..4]), ("lead_unit", "村镇建设办")],
    )
    .await;
    let draft = common::take_ledger_step(
        db,
        &decisions::KIND,
        r,
        "publish_draft",
        &[("draft_published_on", &day(-1)), ("comment_days", "30")],
        CLERK,
    )
    .await;
    let form = app.url(&format!("/gongkai/{town}/zhengqiu/{}/yijian", draft.id));
    let client = common::client();
    let mut statuses = Vec::new();
    for i in 0..7 {
        let (token, answer) = challenge(&client, db, &form).await;
        let body = format!("第{i}条脚本意见：建议如下。");
        let r = client
            .post(&form)
            .form(&[("body", body.as_str()), ("challenge", &token), ("answer", &answer)])
            .send()
            .await
            .unwrap();
        statuses.push(r.status());
    }
    let taken = statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count();
    assert!(taken <= 5, "{statuses:?}");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let stored =
        fazhi_store::public_comments::for_record(db, &Scope::everything(), &decisions::KIND, draft.id).await.unwrap();
    assert_eq!(stored.len(), taken);
}
