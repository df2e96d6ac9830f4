use std::collections::HashMap;

use crate::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use fazhi_store::users;
use serde::Deserialize;

use super::{FormErrors, Nav};
use crate::AppState;
use crate::auth::{ClientIp, Identity};

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

fn page(identity: &Identity, done: bool, errors: FormErrors) -> PasswordPage {
    PasswordPage {
        nav: Nav::new(identity, "/account/password", &[("个人设置", ""), ("修改密码", "")]),
        forced: identity.principal.must_change_password,
        done,
        errors: errors.fields,
        general_error: errors.general,
    }
}

pub async fn password_form(Extension(identity): Extension<Identity>, Query(q): Query<Done>) -> Response {
    page(&identity, q.done.is_some(), FormErrors::default()).into_response()
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
    Extension(identity): Extension<Identity>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Form(form): Form<PasswordForm>,
) -> Response {
    if form.new_password != form.confirm_password {
        let errors = FormErrors::field("confirm_password", "两次输入的新密码不一致");
        return (StatusCode::BAD_REQUEST, page(&identity, false, errors)).into_response();
    }
    let p = &identity.principal;
    let session = identity.session_token.as_deref();
    match users::change_own_password(
        &state.db,
        &p.actor(&ip),
        p.user_id,
        &form.current_password,
        &form.new_password,
        session,
    )
    .await
    {
        Ok(()) => super::see_other("/account/password?done=1"),
        Err(e) => (StatusCode::BAD_REQUEST, page(&identity, false, FormErrors::from_store(e))).into_response(),
    }
}
