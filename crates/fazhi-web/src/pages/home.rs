use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;
use fazhi_domain::role::Role;
use fazhi_store::{audit, orgs, users};

use super::{Nav, PageResult};
use crate::AppState;
use crate::auth::Caller;

pub struct Card {
    pub label: String,
    pub value: String,
    pub href: String,
    pub alert: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    nav: Nav,
    cards: Vec<Card>,
    roles: Vec<(&'static str, &'static str)>,
    must_change_password: bool,
}

fn card(label: &str, value: impl ToString, href: &str, alert: bool) -> Card {
    Card { label: label.to_owned(), value: value.to_string(), href: href.to_owned(), alert }
}

/// The workbench: what each role has to look at, counted from the records.
pub async fn home(State(state): State<AppState>, caller: Caller) -> PageResult {
    let p = &caller.principal;
    // The district's supervisors start from the overview of their townships.
    if p.roles.contains(Role::Supervisor) && !p.must_change_password {
        return Ok(crate::respond::see_other("/cockpit"));
    }
    let scope = caller.scope();
    let mut cards = Vec::new();
    let result: Result<(), fazhi_store::StoreError> = async {
        if let (Some(n), true) = (caller.waiting, p.roles.any_of(&[Role::Leader, Role::Clerk, Role::Adviser])) {
            cards.push(card("待我处理", n, "/todo", n > 0));
        }
        if p.roles.any_of(&[Role::Admin, Role::Supervisor, Role::Leader, Role::Clerk, Role::Adviser]) {
            let all = orgs::list(&state.db, &scope).await?;
            let townships = all.iter().filter(|o| o.kind().is_township()).count();
            let villages = all.iter().filter(|o| o.kind == "village" || o.kind == "community").count();
            cards.push(card("管辖乡镇（街道）", townships, "/orgs", false));
            cards.push(card("村（社区）", villages, "/orgs", false));
        }
        if p.roles.any_of(&[Role::Supervisor, Role::Leader, Role::Clerk]) {
            // Last year's annual report against the first quarter: a card per township in scope.
            let today = fazhi_store::beijing_today();
            let year = chrono::Datelike::year(&today) - 1;
            let reports = fazhi_store::annual_reports::list(&state.db, &scope).await?;
            let townships: Vec<_> =
                orgs::list(&state.db, &scope).await?.into_iter().filter(|o| o.kind().is_township()).collect();
            let late = townships
                .iter()
                .filter(|t| {
                    let published = reports
                        .iter()
                        .find(|r| r.org_id == t.id && r.year == year)
                        .and_then(|r| r.published_at)
                        .map(fazhi_domain::calendar::beijing_day);
                    super::reports::deadline_status(year, published, today).0 != "green"
                })
                .count();
            let label = format!("{year}年度报告未公开的乡镇");
            let warn = today >= chrono::NaiveDate::from_ymd_opt(year + 1, 3, 1).expect("a date");
            cards.push(card(&label, late, "/reports", late > 0 && warn));
        }
        if p.roles.contains(Role::Admin) {
            let stats = users::stats(&state.db, &scope).await?;
            cards.push(card("用户总数", stats.total, "/users", false));
            cards.push(card("已锁定账号", stats.locked, "/users", stats.locked > 0));
            cards.push(card("待修改初始密码", stats.must_change, "/users", false));
        }
        if p.roles.contains(Role::Auditor) {
            let today = audit::count_today(&state.db, None).await?;
            let failed = audit::count_today(&state.db, Some("auth.login_failed")).await?;
            cards.push(card("今日审计记录", today, "/audit", false));
            cards.push(card("今日登录失败", failed, "/audit?action=auth.login_failed", failed > 0));
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        return Err(e.into());
    }
    Ok(HomePage {
        nav: Nav::new(&caller, "/", &[("工作台", "")]),
        cards,
        roles: p.roles.iter().map(|r| (r.label(), r.description())).collect(),
        must_change_password: p.must_change_password,
    }
    .into_response())
}
