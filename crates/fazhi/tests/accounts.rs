//! Accounts, sessions and their defences, driven over HTTP against the real server.

mod common;

use common::{PASSWORD, TestApp, add_user, client, hidden_csrf};
use fazhi_domain::role::Role;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::{Value, json};

async fn audit_actions(app: &TestApp) -> Vec<String> {
    let page = fazhi_store::audit::list(
        &app.db,
        &fazhi_store::audit::AuditFilter { page: 1, page_size: 200, ..Default::default() },
    )
    .await
    .unwrap();
    page.items.into_iter().map(|r| r.action).collect()
}

async fn backdate_sessions(app: &TestApp, minutes: i64) {
    let conn = app.db.raw_for_tests();
    let backend = conn.get_database_backend();
    let sql = if backend == DatabaseBackend::Postgres {
        "UPDATE sessions SET last_seen_at = $1"
    } else {
        "UPDATE sessions SET last_seen_at = ?"
    };
    let when = chrono::Utc::now() - chrono::Duration::minutes(minutes);
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, [when.into()])).await.unwrap();
}

#[tokio::test]
async fn login_shows_the_workbench_and_logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let s = app.login("t_clerk").await;
    let home = s.get("/").await.text().await.unwrap();
    assert!(home.contains("工作台") && home.contains("测试t_clerk") && home.contains("乡镇经办人"));
    assert!(home.contains("杉岭乡"), "the top bar names the user's organization");

    let out = s.post_form("/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = s.get("/").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(after.headers()["location"], "/login");
    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"auth.login".to_owned()) && actions.contains(&"auth.logout".to_owned()));
}

#[tokio::test]
async fn wrong_passwords_lock_new_sign_ins_for_fifteen_minutes_and_leave_live_sessions_alone() {
    let app = TestApp::spawn().await;
    // The owner is signed in, and has an API token, before a stranger starts guessing.
    let owner = app.login("t_clerk").await;
    let issued = owner.api(Method::POST, "/api/v1/tokens", Some(json!({"name": "本人脚本"}))).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let token = issued.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    for attempt in 1..=5 {
        let refused = app.login_with("t_clerk", "Wrong-passw0rd").await.err().expect("refused");
        // The attempt that locks answers as every wrong password does: nothing tells a stranger.
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert!(refused.text().await.unwrap().contains("登录名或密码不正确"));
    }
    // The right password learns of the lock.
    let right = app.login_with("t_clerk", PASSWORD).await.err().expect("still locked");
    assert_eq!(right.status(), StatusCode::FORBIDDEN);
    assert!(right.text().await.unwrap().contains("账号已锁定"));
    let actions = audit_actions(&app).await;
    assert_eq!(actions.iter().filter(|a| *a == "auth.login_failed").count(), 6);
    assert!(actions.contains(&"auth.locked_out".to_owned()));
    let user = fazhi_store::users::find_by_username(&app.db, "t_clerk").await.unwrap();
    let until = user.locked_until.expect("lock time stored");
    let minutes = (until - chrono::Utc::now()).num_minutes();
    assert!((14..=15).contains(&minutes), "locked for 15 minutes, got {minutes}");
    // The lockout stops new sign-ins only: the owner's session and token still work.
    assert_eq!(owner.get("/").await.status(), StatusCode::OK, "the live session is not ended");
    let with_token = client().get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(with_token.status(), StatusCode::OK, "the token still acts");

    // An administrator unlocks; the right password works again.
    let admin = app.login("t_admin").await;
    let id = app.user_id("t_clerk").await;
    let r = admin.api(Method::POST, &format!("/api/v1/users/{id}/unlock"), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(app.login_with("t_clerk", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn a_locked_account_answers_wrong_passwords_byte_for_byte_as_an_unknown_name() {
    let app = TestApp::spawn().await;
    let attempt = |name: &'static str| {
        let c = client();
        let url = app.url("/api/v1/session");
        async move {
            let r = c.post(url).json(&json!({"username": name, "password": "Wrong-passw0rd"})).send().await.unwrap();
            (r.status(), r.bytes().await.unwrap())
        }
    };
    for _ in 0..7 {
        let real = attempt("t_leader").await;
        let unknown = attempt("no_such_user").await;
        assert_eq!(real, unknown, "a real name and an unknown one are answered alike, before and after the lock");
        assert_eq!(real.0, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn sign_ins_are_rate_limited_per_address_with_a_chinese_answer() {
    let app = TestApp::spawn().await;
    // Eighty attempts from one address at once: the limit counts arrivals, however slow the hashing.
    let attempts = (0..80).map(|n| {
        let (c, url) = (client(), app.url("/api/v1/session"));
        tokio::spawn(async move {
            let r = c
                .post(url)
                .json(&json!({"username": format!("guess_{n}"), "password": "Wrong-passw0rd"}))
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        })
    });
    let mut limited = None;
    for attempt in attempts.collect::<Vec<_>>() {
        let (status, body) = attempt.await.unwrap();
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(serde_json::from_str::<serde_json::Value>(&body).unwrap());
        }
    }
    let body = limited.expect("one address is limited within 80 attempts at once");
    assert_eq!(body["code"], "too_many_attempts");
    assert!(body["message"].as_str().unwrap().contains("登录尝试过于频繁"));
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let unknown = app.login_with("nobody_here", PASSWORD).await.err().unwrap();
    let wrong = app.login_with("t_clerk", "Wrong-passw0rd").await.err().unwrap();
    assert_eq!(unknown.status(), wrong.status());
    assert!(unknown.text().await.unwrap().contains("登录名或密码不正确"));
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes() {
    let app = TestApp::spawn().await;
    let s = app.login("t_leader").await;
    backdate_sessions(&app, 29).await;
    assert_eq!(s.get("/").await.status(), StatusCode::OK, "29 idle minutes keep the session");
    backdate_sessions(&app, 31).await;
    let r = s.get("/orgs").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
    let api = s.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cookies_are_httponly_and_samesite_strict() {
    let app = TestApp::spawn().await;
    let c = client();
    let page = c.get(app.url("/login")).send().await.unwrap();
    let pre = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    let csrf = hidden_csrf(&page.text().await.unwrap()).unwrap();
    assert!(pre.contains("HttpOnly") && pre.contains("SameSite=Strict"));
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "t_clerk"), ("password", PASSWORD), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("fazhi_session="))
        .unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict") && !session.contains("Secure"));
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    let before = fazhi_store::orgs::list(&app.db, &fazhi_store::Scope::everything()).await.unwrap().len();
    let township = app.orgs.township.to_string();
    let fields = [("name", "新村"), ("kind", "village"), ("parent_id", township.as_str())];

    let missing = admin.client.post(admin.url("/orgs")).form(&fields).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert!(missing.text().await.unwrap().contains("CSRF"));
    let mut forged: Vec<(&str, &str)> = fields.to_vec();
    forged.push(("csrf_token", "0000"));
    let wrong = admin.client.post(admin.url("/orgs")).form(&forged).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let api = admin
        .client
        .post(admin.url("/api/v1/orgs"))
        .json(&json!({"name": "新村", "kind": "village", "parent_id": app.orgs.township}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert_eq!(api.json::<Value>().await.unwrap()["code"], "csrf");
    let after = fazhi_store::orgs::list(&app.db, &fazhi_store::Scope::everything()).await.unwrap().len();
    assert_eq!(before, after);

    // The same form with the token goes through.
    let ok = admin.post_form("/orgs", &fields).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);

    // A login form posted without its cookie's token is refused too.
    let bare = client()
        .post(app.url("/login"))
        .form(&[("username", "t_clerk"), ("password", PASSWORD), ("csrf_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_three_duties_never_meet_in_one_account() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    let users_before =
        fazhi_store::users::list(&app.db, &fazhi_store::Scope::everything(), &Default::default()).await.unwrap().total;
    let district = app.orgs.district.to_string();
    let page = admin
        .post_form(
            "/users",
            &[
                ("username", "both_roles"),
                ("display_name", "兼任者"),
                ("org_id", &district),
                ("roles", "admin"),
                ("roles", "auditor"),
                ("password", "Strong-Passw0rd"),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page.text().await.unwrap().contains("不能由同一账号担任"));
    let api = admin
        .api(
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": "both_roles", "display_name": "兼任者", "org_id": app.orgs.district, "roles": ["admin", "auditor"], "password": "Strong-Passw0rd"})),
        )
        .await;
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    let body: Value = api.json().await.unwrap();
    assert_eq!(body["code"], "invalid");
    assert_eq!(body["field"], "roles");

    // Giving the auditor role to the administrator's own account is refused the same way.
    let admin_user = fazhi_store::users::find_by_username(&app.db, "t_admin").await.unwrap();
    let edit = admin
        .api(
            Method::PUT,
            &format!("/api/v1/users/{}", admin_user.id),
            Some(json!({"display_name": "管理员", "org_id": app.orgs.district, "roles": ["admin", "auditor"], "version": admin_user.version})),
        )
        .await;
    assert_eq!(edit.status(), StatusCode::BAD_REQUEST);
    let users_after =
        fazhi_store::users::list(&app.db, &fazhi_store::Scope::everything(), &Default::default()).await.unwrap().total;
    assert_eq!(users_before, users_after);
    let unchanged = fazhi_store::users::find_by_username(&app.db, "t_admin").await.unwrap();
    assert_eq!(unchanged.roles, vec!["admin"]);

    // Nor may the administrator take a business role, in a new account or in their own.
    for roles in [json!(["admin", "supervisor"]), json!(["auditor", "leader"])] {
        let r = admin
            .api(
                Method::POST,
                "/api/v1/users",
                Some(json!({"username": "mixed", "display_name": "兼任者", "org_id": app.orgs.district, "roles": roles, "password": "Strong-Passw0rd"})),
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{roles}");
    }
    let own = admin
        .api(
            Method::PUT,
            &format!("/api/v1/users/{}", admin_user.id),
            Some(json!({"display_name": "管理员", "org_id": app.orgs.district, "roles": ["supervisor"], "version": admin_user.version})),
        )
        .await;
    assert_eq!(own.status(), StatusCode::BAD_REQUEST);
    assert!(own.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("不能修改自己的角色"));
    let unchanged = fazhi_store::users::find_by_username(&app.db, "t_admin").await.unwrap();
    assert_eq!(unchanged.roles, vec!["admin"]);
}

#[tokio::test]
async fn accounts_an_administrator_creates_or_resets_change_their_password_first() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    // The API no longer lets the administrator waive the change.
    let created = admin
        .api(
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": "new_auditor", "display_name": "新审计员", "org_id": app.orgs.district, "roles": ["auditor"], "password": "Known-Passw0rd", "must_change_password": false})),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.json::<Value>().await.unwrap()["must_change_password"], true);
    let s = app.login_with("new_auditor", "Known-Passw0rd").await.unwrap();
    let r = s.get("/audit").await;
    assert_eq!(r.headers()["location"], "/account/password", "the known password opens nothing else");

    let id = app.user_id("t_leader").await;
    let reset = admin
        .api(Method::POST, &format!("/api/v1/users/{id}/password"), Some(json!({"password": "Reset-Passw0rd"})))
        .await;
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(reset.json::<Value>().await.unwrap()["must_change_password"], true);
    // Nor may the administrator reset their own password around the current-password check.
    let own = app.user_id("t_admin").await;
    let r = admin
        .api(Method::POST, &format!("/api/v1/users/{own}/password"), Some(json!({"password": "Other-Passw0rd"})))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn changing_ones_password_ends_ones_other_sessions() {
    let app = TestApp::spawn().await;
    let here = app.login("t_clerk").await;
    let elsewhere = app.login("t_clerk").await;
    let r = here
        .api(
            Method::POST,
            "/api/v1/account/password",
            Some(json!({"current_password": PASSWORD, "new_password": "Changed-Passw0rd"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(here.get("/").await.status(), StatusCode::OK, "the session the change was made in goes on");
    assert_eq!(elsewhere.get("/").await.status(), StatusCode::SEE_OTHER, "the other session ended");
}

#[tokio::test]
async fn a_forced_password_change_comes_first_and_the_policy_holds() {
    let app = TestApp::spawn().await;
    add_user(&app.db, "newcomer", app.orgs.township, vec![Role::Clerk], true).await;
    let s = app.login("newcomer").await;
    let r = s.get("/orgs").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account/password");
    let api = s.api(Method::GET, "/api/v1/orgs", None).await;
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert_eq!(api.json::<Value>().await.unwrap()["code"], "password_change_required");

    let weak = s
        .post_form(
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", "abcdefgh"), ("confirm_password", "abcdefgh")],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::BAD_REQUEST);
    assert!(weak.text().await.unwrap().contains("至少三类"));
    let wrong_current = s
        .post_form(
            "/account/password",
            &[("current_password", "nope"), ("new_password", "New-Passw0rd"), ("confirm_password", "New-Passw0rd")],
        )
        .await;
    assert!(wrong_current.text().await.unwrap().contains("当前密码不正确"));
    let ok = s
        .post_form(
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", "New-Passw0rd"), ("confirm_password", "New-Passw0rd")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.get("/orgs").await.status(), StatusCode::OK);
    assert!(app.login_with("newcomer", "New-Passw0rd").await.is_ok());
}

#[tokio::test]
async fn users_see_only_their_subtree_and_the_rest_is_not_found() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let list: Vec<Value> = clerk.api(Method::GET, "/api/v1/orgs", None).await.json().await.unwrap();
    let names: Vec<&str> = list.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["杉岭乡", "杉岭村"]);
    let other = clerk.api(Method::GET, &format!("/api/v1/orgs/{}", app.orgs.other_township), None).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let page = clerk.get(&format!("/orgs/{}", app.orgs.other_township)).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);

    // A township's administrator manages only that township's users.
    add_user(&app.db, "b_admin", app.orgs.other_township, vec![Role::Admin], false).await;
    let b_admin = app.login("b_admin").await;
    let a_clerk = app.user_id("t_clerk").await;
    let hidden = b_admin.api(Method::GET, &format!("/api/v1/users/{a_clerk}"), None).await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let visible: Value = b_admin.api(Method::GET, "/api/v1/users", None).await.json().await.unwrap();
    let usernames: Vec<&str> =
        visible["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(usernames, vec!["t_other_clerk", "b_admin"]);
    let supervisor = app.login("t_supervisor").await;
    let all: Vec<Value> = supervisor.api(Method::GET, "/api/v1/orgs", None).await.json().await.unwrap();
    assert_eq!(all.len(), 5, "the district supervisor sees every township");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    let path = format!("/api/v1/orgs/{}", app.orgs.village);
    let org: Value = admin.api(Method::GET, &path, None).await.json().await.unwrap();
    let version = org["version"].as_i64().unwrap();
    let first = admin.api(Method::PUT, &path, Some(json!({"name": "杉岭村（改）", "version": version}))).await;
    assert_eq!(first.status(), StatusCode::OK);
    let audit_before = audit_actions(&app).await.len();
    let second = admin.api(Method::PUT, &path, Some(json!({"name": "别的名字", "version": version}))).await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert_eq!(second.json::<Value>().await.unwrap()["code"], "conflict");
    let now: Value = admin.api(Method::GET, &path, None).await.json().await.unwrap();
    assert_eq!(now["name"], "杉岭村（改）");
    assert_eq!(audit_actions(&app).await.len(), audit_before);
}

#[tokio::test]
async fn bad_input_gets_a_chinese_message_naming_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    let missing =
        admin.api(Method::POST, "/api/v1/orgs", Some(json!({"kind": "village", "parent_id": app.orgs.township}))).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["field"], "name");
    assert!(body["message"].as_str().unwrap().contains("缺少必填字段"));

    let empty = admin
        .api(
            Method::POST,
            "/api/v1/orgs",
            Some(json!({"name": " ", "kind": "village", "parent_id": app.orgs.township})),
        )
        .await;
    let body: Value = empty.json().await.unwrap();
    assert_eq!((body["field"].as_str(), body["message"].as_str()), (Some("name"), Some("请填写机构名称")));

    let misplaced = admin
        .api(
            Method::POST,
            "/api/v1/orgs",
            Some(json!({"name": "错位村", "kind": "village", "parent_id": app.orgs.district})),
        )
        .await;
    let body: Value = misplaced.json().await.unwrap();
    assert_eq!(body["field"], "parent_id");
    assert!(body["message"].as_str().unwrap().contains("上级必须是乡/镇或街道"));

    let page = admin
        .post_form("/orgs", &[("name", ""), ("kind", "village"), ("parent_id", &app.orgs.township.to_string())])
        .await;
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page.text().await.unwrap().contains("请填写机构名称"));

    let weak = admin
        .api(
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": "weak_pw", "display_name": "弱密码", "org_id": app.orgs.township, "roles": ["clerk"], "password": "short"})),
        )
        .await;
    let body: Value = weak.json().await.unwrap();
    assert_eq!(body["field"], "password");
    assert!(fazhi_store::users::find_by_username(&app.db, "weak_pw").await.is_err(), "nothing stored");
}

#[tokio::test]
async fn api_tokens_act_as_the_user_who_issued_them_until_revoked_or_expired() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    let clerk_id = app.user_id("t_clerk").await;
    // 三员分立 by proxy: the administrator cannot issue a token that acts as the clerk.
    let proxy = admin.api(Method::POST, "/api/v1/tokens", Some(json!({"user_id": clerk_id, "name": "代办"}))).await;
    assert_eq!(proxy.status(), StatusCode::BAD_REQUEST);
    assert_eq!(proxy.json::<Value>().await.unwrap()["field"], "user_id");

    let clerk = app.login("t_clerk").await;
    let issued: Value =
        clerk.api(Method::POST, "/api/v1/tokens", Some(json!({"name": "本人脚本"}))).await.json().await.unwrap();
    let token = issued["token"].as_str().unwrap().to_owned();
    let c = reqwest::Client::new();
    let me: Value = c.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "t_clerk");
    // No CSRF header is needed with a token, and the clerk's role still limits what it may do.
    let forbidden = c.get(app.url("/api/v1/users")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let expires = chrono::DateTime::parse_from_rfc3339(issued["info"]["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
    assert!((89..=90).contains(&days), "90 days by default, got {days}");
    let too_long = clerk.api(Method::POST, "/api/v1/tokens", Some(json!({"name": "长期", "days": 400}))).await;
    assert_eq!(too_long.status(), StatusCode::BAD_REQUEST);

    let id = issued["info"]["id"].as_i64().unwrap();
    // Another person cannot see or revoke it.
    let leader = app.login("t_leader").await;
    let theirs: Value = leader.api(Method::GET, "/api/v1/tokens", None).await.json().await.unwrap();
    assert!(theirs.as_array().unwrap().is_empty());
    let r = leader.api(Method::POST, &format!("/api/v1/tokens/{id}/revoke"), Some(json!({"reason": "x"}))).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let no_reason = clerk.api(Method::POST, &format!("/api/v1/tokens/{id}/revoke"), Some(json!({"reason": ""}))).await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    let revoked =
        clerk.api(Method::POST, &format!("/api/v1/tokens/{id}/revoke"), Some(json!({"reason": "不再使用"}))).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let after = c.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(after.json::<Value>().await.unwrap()["code"], "invalid_token");

    // A token past its term stops.
    let issued: Value =
        clerk.api(Method::POST, "/api/v1/tokens", Some(json!({"name": "短期", "days": 1}))).await.json().await.unwrap();
    let short = issued["token"].as_str().unwrap().to_owned();
    assert_eq!(c.get(app.url("/api/v1/me")).bearer_auth(&short).send().await.unwrap().status(), StatusCode::OK);
    let conn = app.db.raw_for_tests();
    let backend = conn.get_database_backend();
    let sql = if backend == DatabaseBackend::Postgres {
        "UPDATE api_tokens SET expires_at = $1"
    } else {
        "UPDATE api_tokens SET expires_at = ?"
    };
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, [past.into()])).await.unwrap();
    assert_eq!(
        c.get(app.url("/api/v1/me")).bearer_auth(&short).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_read_only_token_reads_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let issued: Value = clerk
        .api(Method::POST, "/api/v1/tokens", Some(json!({"name": "只读查询", "read_only": true})))
        .await
        .json()
        .await
        .unwrap();
    let token = issued["token"].as_str().unwrap();
    let c = reqwest::Client::new();
    assert_eq!(
        c.get(app.url("/api/v1/ledgers/decisions")).bearer_auth(token).send().await.unwrap().status(),
        StatusCode::OK
    );
    let write = c
        .post(app.url("/api/v1/ledgers/decisions"))
        .bearer_auth(token)
        .json(&json!({"org_id": app.orgs.township, "values": {"title": "只读令牌新建", "catalogue_year": "2026", "lead_unit": "党政办"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    assert_eq!(write.json::<Value>().await.unwrap()["code"], "read_only_token");
    let listed = fazhi_store::ledger::list(
        &app.db,
        &fazhi_store::Scope::everything(),
        &fazhi_domain::ledgers::decisions::KIND,
        &fazhi_store::ledger::ListFilter { page: 1, page_size: 50, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(listed.page.total, 0, "nothing was created");
}

#[tokio::test]
async fn a_service_account_acts_only_through_its_tokens_and_every_use_is_audited() {
    let app = TestApp::spawn().await;
    let admin = app.login("t_admin").await;
    let created: Value = admin
        .api(
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": "svc_exchange", "display_name": "区数据交换", "org_id": app.orgs.township, "roles": ["clerk"], "service_account": true})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["service_account"], true);
    let id = created["id"].as_i64().unwrap();
    let issued =
        admin.api(Method::POST, "/api/v1/tokens", Some(json!({"user_id": id, "name": "区数据交换接口"}))).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let token = issued.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let c = reqwest::Client::new();
    let me = c.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let uses = audit_actions(&app).await.iter().filter(|a| *a == "token.use").count();
    assert_eq!(uses, 1, "the call is on the trail");
    // It never signs in with a password, whatever password is tried.
    let refused = app.login_with("svc_exchange", PASSWORD).await.err().unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn locking_a_user_ends_their_sessions() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let admin = app.login("t_admin").await;
    let id = app.user_id("t_clerk").await;
    let r = admin.post_form(&format!("/users/{id}/lock"), &[("reason", "离职")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(clerk.get("/").await.status(), StatusCode::SEE_OTHER);
    let refused = app.login_with("t_clerk", PASSWORD).await.err().unwrap();
    assert!(refused.text().await.unwrap().contains("已被系统管理员锁定"));
}
