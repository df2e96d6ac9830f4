use std::collections::HashMap;

use crate::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fazhi_store::users;

use serde::Deserialize;

use super::{FormErrors, Nav, PageResult};
use crate::AppState;
use crate::auth::Caller;

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
struct PasswordPage {
    nav: Nav,
    forced: bool,
    done: bool,
    errors: HashMap<String, String>,
    general_error: Option<String>,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn page(caller: &Caller, done: bool, errors: FormErrors) -> PasswordPage {
    PasswordPage {
        nav: Nav::new(caller, "/account/password", &[("个人设置", ""), ("修改密码", "")]),
        forced: caller.principal.must_change_password,
        done,
        errors: errors.fields,
        general_error: errors.general,
    }
}

pub async fn password_form(caller: Caller, Query(q): Query<Done>) -> Response {
    page(&caller, q.done.is_some(), FormErrors::default()).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<PasswordForm>,
) -> Response {
    if form.new_password != form.confirm_password {
        let errors = FormErrors::field("confirm_password", "两次输入的新密码不一致");
        return (StatusCode::BAD_REQUEST, page(&caller, false, errors)).into_response();
    }
    let p = &caller.principal;
    let session = caller.session_token.as_deref();
    match users::change_own_password(
        &state.db,
        &caller.actor(),
        p.user_id,
        &form.current_password,
        &form.new_password,
        session,
    )
    .await
    {
        Ok(()) => super::see_other("/account/password?done=1"),
        Err(e) => (StatusCode::BAD_REQUEST, page(&caller, false, FormErrors::from_store(e))).into_response(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    nav: Nav,
    enabled: bool,
    required: bool,
    /// Waiting for enrolment before anything else (the role requires it).
    must_enrol: bool,
    recovery_left: usize,
    /// While enrolling: the seed as text and as a QR code (SVG).
    secret: String,
    qr_svg: String,
    /// Shown once, right after enrolment.
    recovery_codes: Vec<String>,
    notice: Option<String>,
    errors: HashMap<String, String>,
}

/// The enrolment QR code as an inline SVG: only the code's own squares, nothing typed by anyone.
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
            // Inline in the page: without the XML declaration.
            svg.split_once("?>").map(|(_, rest)| rest.to_owned()).unwrap_or(svg)
        }
        Err(_) => String::new(),
    }
}

async fn two_factor_page(
    state: &AppState,
    caller: &Caller,
    recovery_codes: Vec<String>,
    notice: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let p = &caller.principal;
    let (enabled, recovery_left) = fazhi_store::two_factor::status(&state.db, p.user_id).await?;
    let required = match fazhi_store::two_factor::required_roles(&state.db).await {
        Ok(roles) => p.roles.any_of(&roles),
        Err(e) => return Err(e.into()),
    };
    let (secret, qr) = if enabled {
        (String::new(), String::new())
    } else {
        match fazhi_store::two_factor::begin_enrolment(&state.db, p.user_id).await {
            Ok(e) => (e.secret_base32, qr_svg(&e.otpauth_url)),
            Err(e) => return Err(e.into()),
        }
    };
    let page = TwoFactorPage {
        nav: Nav::new(caller, "/account/two-factor", &[("个人设置", ""), ("两步验证", "")]),
        enabled,
        required,
        must_enrol: caller.pending == fazhi_store::two_factor::Pending::Enrol,
        recovery_left,
        secret,
        qr_svg: qr,
        recovery_codes,
        notice,
        errors: errors.fields,
    };
    Ok((status, page).into_response())
}

pub async fn two_factor_form(State(state): State<AppState>, caller: Caller) -> PageResult {
    two_factor_page(&state, &caller, Vec::new(), None, FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn two_factor_enable(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let p = &caller.principal;
    let session = caller.session_token.as_deref();
    match fazhi_store::two_factor::confirm_enrolment(&state.db, &caller.actor(), p.user_id, &form.code, session).await {
        Ok(codes) => {
            // The sign-in that waited for enrolment is finished now.
            let mut caller = caller.clone();
            caller.pending = fazhi_store::two_factor::Pending::None;
            let notice = Some("两步验证已启用。以后登录时，输入密码后还需输入验证器中的动态口令。".to_owned());
            two_factor_page(&state, &caller, codes, notice, FormErrors::default(), StatusCode::OK).await
        }
        Err(e) => {
            two_factor_page(&state, &caller, Vec::new(), None, FormErrors::from_store(e), StatusCode::BAD_REQUEST).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DisableForm {
    password: String,
}

pub async fn two_factor_disable(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<DisableForm>,
) -> PageResult {
    match fazhi_store::two_factor::disable(&state.db, &caller.principal, &caller.ip, &form.password).await {
        Ok(()) => {
            let notice = Some("两步验证已关闭。".to_owned());
            two_factor_page(&state, &caller, Vec::new(), notice, FormErrors::default(), StatusCode::OK).await
        }
        Err(e) => {
            two_factor_page(&state, &caller, Vec::new(), None, FormErrors::from_store(e), StatusCode::BAD_REQUEST).await
        }
    }
}
