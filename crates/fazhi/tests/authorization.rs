//! Every route × every role → the expected answer. The expectations are written out here, apart
//! from the route table, so a route added without a rule here (or with a different rule) fails.

mod common;

use std::collections::BTreeSet;

use common::TestApp;
use fazhi_domain::role::Role;
use reqwest::{Method, StatusCode};

/// (method, path, who may use it): `public`, `signed_in`, or role codes separated by `|`.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("GET", "/healthz", "public"),
    ("GET", "/static/app.css", "public"),
    ("GET", "/static/app.js", "public"),
    ("GET", "/static/portal.css", "public"),
    ("GET", "/favicon.ico", "public"),
    ("GET", "/guide", "signed_in"),
    ("GET", "/guide/{kind}", "signed_in"),
    ("GET", "/login", "public"),
    ("POST", "/login", "public"),
    ("POST", "/logout", "signed_in"),
    ("GET", "/", "signed_in"),
    ("GET", "/account/password", "signed_in"),
    ("POST", "/account/password", "signed_in"),
    ("GET", "/orgs", "admin|supervisor|leader|clerk|adviser"),
    ("POST", "/orgs", "admin"),
    ("GET", "/orgs/{id}", "admin|supervisor|leader|clerk|adviser"),
    ("POST", "/orgs/{id}", "admin"),
    ("POST", "/orgs/{id}/principals", "admin"),
    ("GET", "/users", "admin"),
    ("GET", "/users/new", "admin"),
    ("POST", "/users", "admin"),
    ("GET", "/users/{id}", "admin"),
    ("POST", "/users/{id}", "admin"),
    ("POST", "/users/{id}/lock", "admin"),
    ("POST", "/users/{id}/unlock", "admin"),
    ("POST", "/users/{id}/password", "admin"),
    ("GET", "/tokens", "signed_in"),
    ("POST", "/tokens", "signed_in"),
    ("POST", "/tokens/{id}/revoke", "signed_in"),
    ("GET", "/audit", "auditor"),
    ("POST", "/audit/verify", "auditor"),
    ("GET", "/login/code", "signed_in"),
    ("POST", "/login/code", "signed_in"),
    ("GET", "/account/two-factor", "signed_in"),
    ("POST", "/account/two-factor/enable", "signed_in"),
    ("POST", "/account/two-factor/disable", "signed_in"),
    ("POST", "/users/{id}/two-factor/reset", "admin"),
    ("POST", "/settings/two-factor", "admin"),
    ("GET", "/todo", "supervisor|leader|clerk|adviser"),
    ("GET", "/duties", "supervisor|leader|clerk|adviser"),
    ("GET", "/cockpit", "supervisor|leader"),
    ("GET", "/cockpit/compare", "supervisor|leader"),
    ("GET", "/cockpit/compare/export", "supervisor|leader"),
    ("GET", "/reports", "supervisor|leader|clerk|adviser"),
    ("POST", "/reports", "leader|clerk"),
    ("GET", "/reports/side-by-side", "supervisor|leader|clerk|adviser"),
    ("GET", "/reports/check", "supervisor|leader|clerk|adviser"),
    ("POST", "/reports/check", "supervisor|leader|clerk|adviser"),
    ("GET", "/reports/archive", "supervisor|leader|clerk|adviser"),
    ("POST", "/reports/archive", "supervisor|leader|clerk"),
    ("GET", "/reports/archive/{id}", "supervisor|leader|clerk|adviser"),
    ("GET", "/reports/archive/{id}/file", "supervisor|leader|clerk|adviser"),
    ("GET", "/reports/{id}", "supervisor|leader|clerk|adviser"),
    ("POST", "/reports/{id}/save", "leader|clerk"),
    ("POST", "/reports/{id}/submit", "leader|clerk"),
    ("POST", "/reports/{id}/approve", "leader"),
    ("POST", "/reports/{id}/return", "leader"),
    ("POST", "/reports/{id}/publish", "leader|clerk"),
    ("POST", "/reports/{id}/report", "leader|clerk"),
    ("POST", "/reports/{id}/district-return", "supervisor"),
    ("GET", "/reports/{id}/figures/{figure}", "supervisor|leader|clerk|adviser"),
    ("GET", "/reports/{id}/export/{format}", "supervisor|leader|clerk|adviser"),
    ("GET", "/reports/{id}/compare", "supervisor|leader|clerk|adviser"),
    ("GET", "/gongkai", "public"),
    ("GET", "/gongkai/{org}", "public"),
    ("GET", "/gongkai/{org}/{part}", "public"),
    ("GET", "/gongkai/{org}/{part}/{item}", "public"),
    ("GET", "/gongkai/{org}/{part}/{item}/yijian", "public"),
    ("POST", "/gongkai/{org}/{part}/{item}/yijian", "public"),
    ("POST", "/ledgers/{kind}/{id}/public-comments/{comment}/moderate", "leader|clerk"),
    ("POST", "/ledgers/{kind}/{id}/public-comments/{comment}/answer", "leader|clerk"),
    ("GET", "/static/report-editor.js", "public"),
    ("GET", "/supervision/bulletins", "supervisor|leader|clerk|adviser"),
    ("POST", "/supervision/bulletins", "supervisor"),
    ("GET", "/supervision/bulletins/{id}", "supervisor|leader|clerk|adviser"),
    ("POST", "/supervision/bulletins/{id}/save", "supervisor"),
    ("POST", "/supervision/bulletins/{id}/issue", "supervisor"),
    ("GET", "/supervision/bulletins/{id}/export/{format}", "supervisor|leader|clerk|adviser"),
    ("POST", "/comments", "supervisor|leader|clerk|adviser"),
    ("POST", "/comments/{id}/edit", "supervisor|leader|clerk|adviser"),
    ("GET", "/ledgers/{kind}", "supervisor|leader|clerk|adviser"),
    ("GET", "/ledgers/{kind}/new", "supervisor|leader|clerk"),
    ("POST", "/ledgers/{kind}", "supervisor|leader|clerk"),
    ("GET", "/ledgers/{kind}/export", "supervisor|leader|clerk|adviser"),
    ("GET", "/ledgers/{kind}/import", "leader|clerk"),
    ("POST", "/ledgers/{kind}/import", "leader|clerk"),
    ("POST", "/ledgers/{kind}/import/{id}", "leader|clerk"),
    ("GET", "/ledgers/{kind}/{id}", "supervisor|leader|clerk|adviser"),
    ("POST", "/ledgers/{kind}/{id}/steps/{step}", "supervisor|leader|clerk|adviser"),
    ("POST", "/ledgers/{kind}/{id}/corrections/{step}", "supervisor|leader|clerk|adviser"),
    ("GET", "/ledgers/{kind}/{id}/edit", "supervisor|leader|clerk"),
    ("POST", "/ledgers/{kind}/{id}/edit", "supervisor|leader|clerk"),
    ("PUT", "/api/v1/ledgers/{kind}/{id}", "supervisor|leader|clerk"),
    ("POST", "/ledgers/{kind}/{id}/attachments", "leader|clerk"),
    ("GET", "/ledgers/{kind}/{id}/attachments/{attachment}", "supervisor|leader|clerk|adviser"),
    ("POST", "/ledgers/{kind}/{id}/attachments/{attachment}/remove", "leader|clerk"),
    ("GET", "/calendar", "admin|supervisor|leader|clerk|adviser"),
    ("POST", "/calendar", "admin"),
    ("GET", "/settings", "admin|supervisor|leader|clerk|adviser"),
    ("POST", "/settings", "admin"),
    ("GET", "/api/v1/openapi.json", "public"),
    ("POST", "/api/v1/session", "public"),
    ("DELETE", "/api/v1/session", "signed_in"),
    ("GET", "/api/v1/me", "signed_in"),
    ("POST", "/api/v1/account/password", "signed_in"),
    ("GET", "/api/v1/roles", "signed_in"),
    ("GET", "/api/v1/orgs", "admin|supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/orgs", "admin"),
    ("GET", "/api/v1/orgs/{id}", "admin|supervisor|leader|clerk|adviser"),
    ("PUT", "/api/v1/orgs/{id}", "admin"),
    ("GET", "/api/v1/users", "admin"),
    ("POST", "/api/v1/users", "admin"),
    ("GET", "/api/v1/users/{id}", "admin"),
    ("PUT", "/api/v1/users/{id}", "admin"),
    ("POST", "/api/v1/users/{id}/lock", "admin"),
    ("POST", "/api/v1/users/{id}/unlock", "admin"),
    ("POST", "/api/v1/users/{id}/password", "admin"),
    ("GET", "/api/v1/audit", "auditor"),
    ("GET", "/api/v1/ledgers/{kind}", "supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/ledgers/{kind}", "supervisor|leader|clerk"),
    ("GET", "/api/v1/ledgers/{kind}/export", "supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/ledgers/{kind}/import", "leader|clerk"),
    ("GET", "/api/v1/ledgers/{kind}/{id}", "supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/ledgers/{kind}/{id}/steps/{step}", "supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/ledgers/{kind}/{id}/corrections/{step}", "supervisor|leader|clerk|adviser"),
    ("GET", "/api/v1/todo", "supervisor|leader|clerk|adviser"),
    ("GET", "/api/v1/reports", "supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/reports", "leader|clerk"),
    ("GET", "/api/v1/reports/{id}", "supervisor|leader|clerk|adviser"),
    ("PUT", "/api/v1/reports/{id}", "leader|clerk"),
    ("POST", "/api/v1/reports/{id}/submit", "leader|clerk"),
    ("POST", "/api/v1/reports/{id}/approve", "leader"),
    ("POST", "/api/v1/reports/{id}/return", "leader"),
    ("POST", "/api/v1/reports/{id}/publish", "leader|clerk"),
    ("POST", "/api/v1/reports/{id}/report", "leader|clerk"),
    ("POST", "/api/v1/reports/{id}/district-return", "supervisor"),
    ("GET", "/api/v1/public/{org}/{list}", "public"),
    ("GET", "/api/v1/archive", "supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/archive", "supervisor|leader|clerk"),
    ("GET", "/api/v1/archive/{id}", "supervisor|leader|clerk|adviser"),
    ("GET", "/api/v1/archive/{id}/file", "supervisor|leader|clerk|adviser"),
    ("GET", "/api/v1/ledgers/{kind}/{id}/attachments", "supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/ledgers/{kind}/{id}/attachments", "leader|clerk"),
    ("GET", "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}", "supervisor|leader|clerk|adviser"),
    ("DELETE", "/api/v1/ledgers/{kind}/{id}/attachments/{attachment}", "leader|clerk"),
    ("GET", "/api/v1/calendar", "admin|supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/calendar", "admin"),
    ("GET", "/api/v1/calendar/count", "admin|supervisor|leader|clerk|adviser"),
    ("GET", "/api/v1/settings", "admin|supervisor|leader|clerk|adviser"),
    ("POST", "/api/v1/settings/{key}", "admin"),
    ("GET", "/api/v1/tokens", "signed_in"),
    ("POST", "/api/v1/tokens", "signed_in"),
    ("POST", "/api/v1/tokens/{id}/revoke", "signed_in"),
];

fn allowed(who: &str, role: Option<Role>) -> bool {
    match (who, role) {
        ("public", _) => true,
        (_, None) => false,
        ("signed_in", Some(_)) => true,
        (list, Some(role)) => list.split('|').any(|code| code == role.code()),
    }
}

fn ends_session(method: &str, path: &str) -> bool {
    matches!((method, path), ("POST", "/logout") | ("DELETE", "/api/v1/session"))
}

#[tokio::test]
async fn the_route_table_and_these_expectations_agree() {
    let app = TestApp::spawn().await;
    let files = fazhi_store::attachments::FileStore::of(&app.db, app.test_db.data_dir.path());
    let state = fazhi_web::AppState::new(app.db.clone(), Default::default(), files);
    let actual: BTreeSet<(String, String, String)> = fazhi_web::route_rules(state)
        .into_iter()
        .map(|r| {
            let who = match r.access {
                fazhi_web::Access::Public => "public".to_owned(),
                fazhi_web::Access::SignedIn => "signed_in".to_owned(),
                fazhi_web::Access::Roles(roles) => roles.iter().map(|r| r.code()).collect::<Vec<_>>().join("|"),
            };
            (r.method.to_string(), r.path.to_owned(), who)
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> =
        EXPECTED.iter().map(|(m, p, w)| (m.to_string(), p.to_string(), w.to_string())).collect();
    let missing: Vec<_> = actual.difference(&expected).collect();
    let stale: Vec<_> = expected.difference(&actual).collect();
    assert!(missing.is_empty(), "routes without an expectation here: {missing:?}");
    assert!(stale.is_empty(), "expectations for routes that do not exist or differ: {stale:?}");
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document() {
    let documented: BTreeSet<String> = fazhi_web::documented_paths().into_iter().collect();
    for (_, path, _) in EXPECTED.iter().filter(|(_, p, _)| p.starts_with("/api/v1/") && *p != "/api/v1/openapi.json") {
        assert!(documented.contains(*path), "{path} is missing from /api/v1/openapi.json");
    }
}

/// A file is answered under the type it was accepted as, so the document lists every type the
/// attachment policy and the archive accept, and no other.
#[tokio::test]
async fn file_downloads_are_documented_under_every_type_they_are_sent_as() {
    let app = TestApp::spawn().await;
    let document: serde_json::Value =
        common::client().get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let types = |path: &str| -> BTreeSet<String> {
        let content = &document["paths"][path]["get"]["responses"]["200"]["content"];
        content.as_object().unwrap_or_else(|| panic!("{path}: {content}")).keys().cloned().collect()
    };
    let accepted = |extensions: &[&str]| -> BTreeSet<String> {
        fazhi_domain::attachment::ALLOWED
            .iter()
            .filter(|t| extensions.is_empty() || t.extensions.iter().any(|e| extensions.contains(e)))
            .map(|t| t.media_type.to_owned())
            .collect()
    };
    assert_eq!(types("/api/v1/ledgers/{kind}/{id}/attachments/{attachment}"), accepted(&[]));
    assert_eq!(types("/api/v1/archive/{id}/file"), accepted(fazhi_store::report_archive::FILE_TYPES));
}

/// Routes whose roles are those of every kind's openers; each kind admits only its own.
const OPENED_BY_KIND: &[(&str, &str)] = &[
    ("GET", "/ledgers/{kind}/new"),
    ("POST", "/ledgers/{kind}"),
    ("GET", "/ledgers/{kind}/{id}/edit"),
    ("POST", "/ledgers/{kind}/{id}/edit"),
    ("POST", "/api/v1/ledgers/{kind}"),
    ("PUT", "/api/v1/ledgers/{kind}/{id}"),
];

#[tokio::test]
async fn every_route_answers_every_role_as_expected() {
    let app = TestApp::spawn().await;
    let clerk_id = app.user_id("t_clerk").await;
    let clerk = fazhi_store::users::principal_by_id(&app.db, clerk_id).await.unwrap().unwrap();
    let request =
        fazhi_store::api_tokens::TokenRequest {
            user_id: None, name: "授权测试".into(), days: None, read_only: false
        };
    let (_, token) = fazhi_store::api_tokens::issue(&app.db, &clerk, "127.0.0.1", request).await.unwrap();
    let record = fazhi_store::ledger::create(
        &app.db,
        &fazhi_store::Actor::system(),
        &fazhi_store::Scope::everything(),
        &fazhi_domain::ledgers::decisions::KIND,
        app.orgs.township,
        &[("title", "授权测试事项"), ("catalogue_year", "2026"), ("lead_unit", "党政办")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        &fazhi_store::rules::current(&app.db).await.unwrap().ctx(),
    )
    .await
    .unwrap();
    // A draft out for comment since yesterday, with one comment from the public on it.
    let (draft, public_comment) = {
        let all = fazhi_store::Scope::everything();
        let rules = fazhi_store::rules::current(&app.db).await.unwrap();
        let kind = &fazhi_domain::ledgers::decisions::KIND;
        let input = [("title", "授权测试草案"), ("catalogue_year", "2026"), ("lead_unit", "党政办")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let r = fazhi_store::ledger::create(
            &app.db,
            &fazhi_store::Actor::system(),
            &all,
            kind,
            app.orgs.township,
            &input,
            &rules.ctx(),
        )
        .await
        .unwrap();
        let yesterday = (fazhi_store::beijing_today() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
        let clerk =
            fazhi_domain::ledger::ActorFacts { name: "经办人", roles: &[Role::Clerk], principal_leader: false };
        let r = common::take_ledger_step(
            &app.db,
            kind,
            r,
            "publish_draft",
            &[("draft_published_on", &yesterday), ("comment_days", "30")],
            clerk,
        )
        .await;
        let town = fazhi_store::public::township(&app.db, app.orgs.township).await.unwrap().unwrap();
        let input = fazhi_domain::public_comment::CommentInput::parse("授权测试的公众意见", "", "").unwrap();
        let actor = fazhi_store::Actor { user_id: None, name: "公众".into(), ip: "127.0.0.1".into() };
        let today = fazhi_store::beijing_today();
        let c = fazhi_store::public_comments::receive(&app.db, &actor, &town, r.id, &input, "authorization", today)
            .await
            .unwrap();
        (r.id, c)
    };
    // A report published and reported to the district, so every reader may open it.
    let report = {
        let all = fazhi_store::Scope::everything();
        let actor = fazhi_store::Actor::system();
        let draft = fazhi_web::annual_report::new_draft(&app.db, &all, app.orgs.township, 2026).await.unwrap();
        let json = fazhi_web::annual_report::body_json(&draft);
        let r =
            fazhi_store::annual_reports::create(&app.db, &actor, &all, app.orgs.township, 2026, &json).await.unwrap();
        let mut version = r.version;
        for step in [
            fazhi_store::annual_reports::Step::Submit,
            fazhi_store::annual_reports::Step::Approve,
            fazhi_store::annual_reports::Step::Publish,
            fazhi_store::annual_reports::Step::Report,
        ] {
            version = fazhi_store::annual_reports::take(&app.db, &actor, &all, r.id, version, step, None, Some(&json))
                .await
                .unwrap()
                .version;
        }
        r.id
    };
    // The district's 2026 bulletin, issued, so every reader may open it.
    let bulletin = {
        let supervisor = app.user_id("t_supervisor").await;
        let p = fazhi_store::users::principal_by_id(&app.db, supervisor).await.unwrap().unwrap();
        let period = fazhi_report::bulletin::BulletinPeriod { year: 2026, quarter: None };
        let facts = fazhi_web::bulletin::facts(&app.db, &p.scope(), &p.org_name, period).await.unwrap();
        let body = serde_json::to_string(&fazhi_report::bulletin::draft(&facts)).unwrap();
        let actor = fazhi_store::Actor::system();
        let b = fazhi_store::bulletins::create(&app.db, &actor, &p.scope(), p.org_id, "2026", &body).await.unwrap();
        fazhi_store::bulletins::save(&app.db, &actor, &p.scope(), b.id, b.version, &body, true).await.unwrap();
        b.id
    };
    // The township's 2023 report (a seed's text as .docx), filed into its archive as the page does.
    let archived = {
        let files = fazhi_store::attachments::FileStore::of(&app.db, app.test_db.data_dir.path());
        let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds/houshan-2023.txt");
        let blocks = std::fs::read_to_string(seed)
            .unwrap()
            .lines()
            .map(|l| fazhi_office::docx::Block::Body(l.to_owned()))
            .collect();
        let docx = fazhi_office::docx::OfficialDocument { title: String::new(), blocks }.to_docx();
        fazhi_web::report_archive::file(
            &app.db,
            &files,
            &fazhi_store::Actor::system(),
            &fazhi_store::Scope::everything(),
            app.orgs.township,
            2023,
            "2023年报告.docx",
            docx,
        )
        .await
        .unwrap()
        .id
    };
    let id_for = |path: &str| -> String {
        if path.contains("/supervision/bulletins/") {
            bulletin.to_string()
        } else if path.contains("/reports/archive/") || path.contains("/api/v1/archive/") {
            archived.to_string()
        } else if path.contains("/reports/") {
            report.to_string()
        } else if path.contains("/public-comments/") {
            draft.to_string()
        } else if path.contains("/ledgers/") {
            record.id.to_string()
        } else if path.contains("/orgs/") {
            app.orgs.township.to_string()
        } else if path.contains("/users/") {
            clerk_id.to_string()
        } else {
            token.id.to_string()
        }
    };
    // Routes that end the session go last.
    let mut order: Vec<&(&str, &str, &str)> = EXPECTED.iter().collect();
    order.sort_by_key(|(m, p, _)| ends_session(m, p));

    let mut failures = Vec::new();
    let roles: Vec<Option<Role>> = std::iter::once(None).chain(Role::ALL.into_iter().map(Some)).collect();
    for role in roles {
        let mut session = match role {
            Some(r) => Some(app.login(app.account(r)).await),
            None => None,
        };
        for (method, path, who) in &order {
            if let (Some(r), true) = (role, ends_session(method, path)) {
                // Each route that ends a session gets a session of its own to end.
                session = Some(app.login(app.account(r)).await);
            }
            let (client, csrf) = match &session {
                Some(s) => (s.client.clone(), s.csrf.clone()),
                None => {
                    // A visitor has only the login form's token, as a browser would.
                    let c = common::client();
                    let form = c.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
                    let csrf = common::hidden_csrf(&form).unwrap();
                    (c, csrf)
                }
            };
            // A step that is not due in the record's state: allowed roles get a 400, not a refusal.
            // Each attachment route gets an attachment of its own: an allowed removal takes one away.
            let attachment = if path.contains("{attachment}") {
                let files = fazhi_store::attachments::FileStore::of(&app.db, app.test_db.data_dir.path());
                let a = fazhi_store::attachments::attach(
                    &app.db,
                    &files,
                    &fazhi_store::Actor::system(),
                    &fazhi_store::Scope::everything(),
                    &fazhi_domain::ledgers::decisions::KIND,
                    record.id,
                    "授权测试.pdf",
                    None,
                    b"%PDF-1.4",
                )
                .await
                .unwrap();
                a.id.to_string()
            } else {
                String::new()
            };
            // A token can be revoked by its owner: each role revokes one of its own.
            let id = match role {
                // A comment is corrected by its author: each role corrects one of its own.
                Some(r) if path.contains("/comments/{id}") && allowed(who, role) => {
                    let author = app.user_id(app.account(r)).await;
                    let author = fazhi_store::users::principal_by_id(&app.db, author).await.unwrap().unwrap();
                    let org_path = fazhi_store::ledger::get(
                        &app.db,
                        &fazhi_store::Scope::everything(),
                        &fazhi_domain::ledgers::decisions::KIND,
                        record.id,
                    )
                    .await
                    .unwrap()
                    .org_path;
                    let on = fazhi_store::comments::On {
                        kind: "decisions",
                        id: record.id,
                        org_id: app.orgs.township,
                        org_path: &org_path,
                    };
                    fazhi_store::comments::add(
                        &app.db,
                        &fazhi_store::Actor::system(),
                        &author,
                        on,
                        None,
                        None,
                        "授权测试",
                    )
                    .await
                    .unwrap()
                    .to_string()
                }
                Some(r) if path.contains("/tokens/{id}") => {
                    let owner = app.user_id(app.account(r)).await;
                    let owner = fazhi_store::users::principal_by_id(&app.db, owner).await.unwrap().unwrap();
                    let request = fazhi_store::api_tokens::TokenRequest {
                        user_id: None,
                        name: "吊销测试".into(),
                        days: None,
                        read_only: false,
                    };
                    fazhi_store::api_tokens::issue(&app.db, &owner, "127.0.0.1", request)
                        .await
                        .unwrap()
                        .1
                        .id
                        .to_string()
                }
                _ => id_for(path),
            };
            let concrete = path
                .replace("{attachment}", &attachment)
                .replace("{id}", &id)
                .replace("{kind}", "decisions")
                .replace("{step}", "record_review")
                .replace("{key}", "normative_documents.filing_period")
                .replace("{figure}", "petitions.total")
                .replace("{format}", "docx")
                .replace("{org}", &app.orgs.township.to_string())
                .replace("{year}", "2026")
                .replace("{part}", "zhengqiu")
                .replace("{item}", &draft.to_string())
                .replace("{comment}", &public_comment.to_string())
                .replace("{list}", "zhengqiu");
            let api = path.starts_with("/api/");
            let method: Method = method.parse().unwrap();
            let mut request = client.request(method.clone(), app.url(&concrete));
            if method != Method::GET {
                request = if api {
                    request.header("x-csrf-token", &csrf).json(&serde_json::json!({}))
                } else {
                    request.form(&[("csrf_token", csrf.as_str())])
                };
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let location =
                response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
            let label = role.map(|r| r.label()).unwrap_or("未登录");
            // The routes that open and correct records admit every opener; the kind then admits
            // its own (`Keeper::openers`): the district's supervisor opens no 重大行政决策.
            let kind_refuses = role == Some(Role::Supervisor) && OPENED_BY_KIND.contains(&(method.as_str(), *path));
            let ok = if kind_refuses {
                status == StatusCode::FORBIDDEN
            } else if allowed(who, role) {
                let refused = matches!(
                    status,
                    StatusCode::UNAUTHORIZED
                        | StatusCode::FORBIDDEN
                        | StatusCode::NOT_FOUND
                        | StatusCode::METHOD_NOT_ALLOWED
                );
                let sent_to_login = status == StatusCode::SEE_OTHER && location.starts_with("/login");
                !refused && !status.is_server_error() && (!sent_to_login || ends_session(method.as_str(), path))
            } else if role.is_none() {
                if api {
                    status == StatusCode::UNAUTHORIZED
                } else {
                    status == StatusCode::SEE_OTHER && location.starts_with("/login")
                }
            } else {
                status == StatusCode::FORBIDDEN
            };
            if !ok {
                failures.push(format!("{label} {method} {concrete} → {status} {location}"));
            }
        }
    }
    assert!(failures.is_empty(), "unexpected answers:\n{}", failures.join("\n"));
}
