//! Two-factor sign-in (TOTP, RFC 6238) as a person meets it: enrolment forced for a role that
//! requires it, the code after the password, recovery codes, the API's one-step sign-in, and an
//! administrator's reset. The test plays the phone: it computes the codes from the secret the
//! enrolment page shows.

mod common;

use common::{PASSWORD, TestApp, hidden_csrf};
use fazhi_domain::role::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use totp_rs::{Builder, Secret};

fn code_at(secret: &str, offset_seconds: i64) -> String {
    let totp = Builder::new().with_secret(Secret::try_from_base32(secret).unwrap()).build().unwrap();
    let now = chrono::Utc::now().timestamp() + offset_seconds;
    totp.generate(now as u64).to_string()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} not in the page")) + start.len();
    &text[from..from + text[from..].find(end).unwrap()]
}

/// Two factors required for administrators and auditors, as the demo's district has it.
async fn required_for_privileged(app: &TestApp) {
    let admin = app.user_id("t_admin").await;
    let admin = fazhi_store::users::principal_by_id(&app.db, admin).await.unwrap().unwrap();
    fazhi_store::two_factor::set_required_roles(&app.db, &admin, "127.0.0.1", &[Role::Admin, Role::Auditor])
        .await
        .unwrap();
}

/// Enrols the signed-in session's user; returns the secret and the recovery codes.
async fn enrol(s: &common::Session) -> (String, Vec<String>) {
    let page = s.get("/account/two-factor").await.text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("扫描下面的二维码"), "the QR code is on the page");
    let secret = between(&page, "<span class=\"mono\" id=\"enrol-secret\">", "</span>").to_owned();
    let wrong = s.post_form("/account/two-factor/enable", &[("code", "000000")]).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    // A new seed is drawn for each enrolment page: read it again after the refusal.
    let page = wrong.text().await.unwrap();
    let secret = if page.contains("enrol-secret") {
        between(&page, "<span class=\"mono\" id=\"enrol-secret\">", "</span>").to_owned()
    } else {
        secret
    };
    let done = s.post_form("/account/two-factor/enable", &[("code", &code_at(&secret, 0))]).await;
    assert_eq!(done.status(), StatusCode::OK);
    let page = done.text().await.unwrap();
    assert!(page.contains("只显示这一次"));
    let codes: Vec<String> = between(&page, "id=\"recovery-codes\">", "</div>\n")
        .split("<div>")
        .filter_map(|c| c.split("</div>").next())
        .map(str::trim)
        .filter(|c| c.len() == 9)
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10, "{codes:?}");
    (secret, codes)
}

/// Posts the password form and then the code form; returns the code form's answer.
async fn sign_in_with_code(app: &TestApp, username: &str, code: &str) -> (common::Session, reqwest::Response) {
    let s = app.login(username).await;
    let answer = s
        .client
        .post(s.url("/login/code"))
        .form(&[("csrf_token", s.csrf.as_str()), ("code", code), ("next", "/")])
        .send()
        .await
        .unwrap();
    (s, answer)
}

#[tokio::test]
async fn a_role_that_requires_two_factors_enrols_first_then_signs_in_with_a_code() {
    let app = TestApp::spawn().await;
    required_for_privileged(&app).await;
    let first = app.login("t_admin").await;
    // Until enrolled, every page leads back to enrolment, and the API answers so.
    let users = first.get("/users").await;
    assert_eq!(users.headers()["location"], "/account/two-factor");
    let api = first.api(Method::GET, "/api/v1/users", None).await;
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api.json::<Value>().await.unwrap()["code"], "two_factor_enrolment_required");
    let (secret, recovery) = enrol(&first).await;
    assert_eq!(first.get("/users").await.status(), StatusCode::OK, "enrolment finishes the sign-in");

    // The next sign-in asks for the code after the password.
    let (s, wrong) = sign_in_with_code(&app, "t_admin", "123456").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.unwrap().contains("还可尝试 4 次"));
    assert_eq!(s.get("/users").await.headers()["location"], "/login/code");
    // The next step's code (the enrolment used this step's): accepted once.
    let next = code_at(&secret, 30);
    let ok = s
        .client
        .post(s.url("/login/code"))
        .form(&[("csrf_token", s.csrf.as_str()), ("code", next.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.get("/users").await.status(), StatusCode::OK);
    let (_, replay) = sign_in_with_code(&app, "t_admin", &next).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED, "a code is accepted once only");

    // A recovery code stands in for the phone, once.
    let (s, ok) = sign_in_with_code(&app, "t_admin", &recovery[3].to_uppercase()).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.get("/users").await.status(), StatusCode::OK);
    let (_, again) = sign_in_with_code(&app, "t_admin", &recovery[3]).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);

    // A program gives the code with the password.
    let c = common::client();
    let without = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "t_admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(without.json::<Value>().await.unwrap()["code"], "second_factor_required");
    let with = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "t_admin", "password": PASSWORD, "totp_code": recovery[5]}))
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), StatusCode::OK);
    // The seed is stored sealed, never as the base32 text the phone was given.
    let trail =
        fazhi_store::audit::list(&app.db, &fazhi_store::audit::AuditFilter { page_size: 200, ..Default::default() })
            .await
            .unwrap();
    assert!(trail.items.iter().any(|r| r.action == "auth.two_factor_enabled"));
    assert!(!trail.items.iter().any(|r| r.after.as_deref().unwrap_or("").contains(&secret)));
}

#[tokio::test]
async fn five_wrong_codes_end_the_sign_in_and_an_administrator_can_reset_a_lost_phone() {
    let app = TestApp::spawn().await;
    // Anyone may turn two factors on for themselves.
    let clerk = app.login("t_clerk").await;
    enrol(&clerk).await;
    let (s, _) = sign_in_with_code(&app, "t_clerk", "111111").await;
    let mut last = None;
    for _ in 0..4 {
        let r = s
            .client
            .post(s.url("/login/code"))
            .form(&[("csrf_token", s.csrf.as_str()), ("code", "222222")])
            .send()
            .await
            .unwrap();
        last = Some(r);
    }
    let ended = last.unwrap();
    assert_eq!(ended.status(), StatusCode::UNAUTHORIZED);
    assert!(ended.text().await.unwrap().contains("本次登录已结束"));
    assert_eq!(s.get("/").await.headers()["location"], "/login");

    // An administrator resets it; the clerk signs in with the password alone again.
    let admin = app.login("t_admin").await;
    let id = app.user_id("t_clerk").await;
    let page = admin.get(&format!("/users/{id}")).await.text().await.unwrap();
    assert!(page.contains("重置两步验证"));
    let reset = admin.post_form(&format!("/users/{id}/two-factor/reset"), &[]).await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    let again = app.login("t_clerk").await;
    assert_eq!(again.get("/").await.status(), StatusCode::OK);
    // Only the district's administrator decides which roles must use it.
    let form = again.get("/settings").await.text().await.unwrap();
    assert!(hidden_csrf(&form).is_some());
    let refused = again.post_form("/settings/two-factor", &[("roles", "clerk")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
