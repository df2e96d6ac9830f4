//! The district reads its townships' ledgers side by side: a 乡镇（街道） column and a township
//! filter on the lists (kept by the pager and the export) and on the API, and on 我的待办 the
//! township each item belongs to. A township's own people see neither.

mod common;

use chrono::Datelike;
use common::{Session, TestApp};
use reqwest::{Method, StatusCode};

async fn petition(clerk: &Session, title: &str) {
    let fields = [
        ("title", title),
        ("petitioner", "李四"),
        ("contact", "13900001111"),
        ("channel", "来信"),
        ("topic", "城乡建设"),
        ("source", "信访人直接提出"),
        ("received_on", "2026-11-02"),
    ];
    let r = clerk.post_form("/ledgers/petitions", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

/// The names in the list table's 乡镇（街道） cells, in order.
fn township_cells(page: &str) -> Vec<String> {
    let body = page.split("<tbody>").nth(1).unwrap_or("").split("</tbody>").next().unwrap_or("");
    body.split("<tr")
        .skip(1)
        .filter_map(|row| {
            row.split("<td data-label=\"乡镇（街道）\" class=\"nowrap\">")
                .nth(1)?
                .split("</td>")
                .next()
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn the_district_sees_each_township_and_can_choose_one() {
    let app = TestApp::spawn().await;
    let (shanling, anwen) = (app.login("t_clerk").await, app.login("t_other_clerk").await);
    petition(&shanling, "杉岭村道积水").await;
    petition(&anwen, "羊角村灌渠堵塞").await;
    petition(&anwen, "羊角村路灯不亮").await;

    let supervisor = app.login("t_supervisor").await;
    let all = supervisor.get("/ledgers/petitions").await.text().await.unwrap();
    assert!(all.contains("<th>乡镇（街道）</th>") && all.contains("id=\"filter-org\""), "{all}");
    let mut towns = township_cells(&all);
    towns.sort();
    assert_eq!(towns, ["安稳镇", "安稳镇", "杉岭乡"]);

    let one =
        supervisor.get(&format!("/ledgers/petitions?org={}", app.orgs.other_township)).await.text().await.unwrap();
    assert_eq!(township_cells(&one), ["安稳镇", "安稳镇"]);
    assert!(one.contains("共 2 条") && !one.contains("杉岭村道积水"), "{one}");
    // The pager and the export keep the choice.
    let org = format!("org={}", app.orgs.other_township);
    let export_href = one.split("href=\"/ledgers/petitions/export?").nth(1).and_then(|h| h.split('"').next());
    assert!(export_href.is_some_and(|h| h.ends_with(&org)), "{export_href:?}");
    let export = supervisor.get(&format!("/ledgers/petitions/export?{org}")).await;
    assert_eq!(export.status(), StatusCode::OK);
    let bytes = export.bytes().await.unwrap();
    let table = fazhi_office::xlsx::read_sheet(&bytes).unwrap();
    assert_eq!(table.rows().count(), 2, "only 安稳镇's petitions are exported");

    // A township outside the district's list, or no number at all: said, and every township shown.
    for bad in ["999999", "abc"] {
        let page = supervisor.get(&format!("/ledgers/petitions?org={bad}")).await;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        assert!(page.contains("所选乡镇（街道）不在您查看的范围内") && township_cells(&page).len() == 3, "{page}");
    }

    // The API takes the same choice.
    let api: serde_json::Value = supervisor
        .api(Method::GET, &format!("/api/v1/ledgers/petitions?org={}", app.orgs.township), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["total"], 1);
    assert_eq!(api["items"][0]["org_id"], app.orgs.township);

    // A township's clerk sees neither the column nor the choice, and cannot reach past the township.
    let own = shanling.get("/ledgers/petitions").await.text().await.unwrap();
    assert!(!own.contains("乡镇（街道）") && !own.contains("filter-org"), "{own}");
    let other =
        shanling.get(&format!("/ledgers/petitions?org={}", app.orgs.other_township)).await.text().await.unwrap();
    assert!(!other.contains("羊角村") && other.contains("杉岭村道积水"), "{other}");
    let api: serde_json::Value = shanling
        .api(Method::GET, &format!("/api/v1/ledgers/petitions?org={}", app.orgs.other_township), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["total"], 0, "another township's records stay out of a township's reach");
}

#[tokio::test]
async fn the_districts_to_do_names_the_township_of_each_item() {
    let app = TestApp::spawn().await;
    common::published_document(&app.db, app.orgs.township, "杉岭乡殡葬管理办法").await;
    let supervisor = app.login("t_supervisor").await;
    let page = supervisor.get("/todo").await.text().await.unwrap();
    let table = page.split("id=\"todo-table\"").nth(1).unwrap_or("");
    assert!(
        table.contains("<th>乡镇（街道）</th>")
            && table.contains("<td data-label=\"乡镇（街道）\" class=\"nowrap\">杉岭乡</td>"),
        "{page}"
    );
    let api: serde_json::Value = supervisor.api(Method::GET, "/api/v1/todo", None).await.json().await.unwrap();
    assert_eq!(api["items"][0]["org_name"], "杉岭乡");
    // The township's own list has no such column: every item is its own.
    let clerk = app.login("t_clerk").await;
    let own = clerk.get("/todo").await.text().await.unwrap();
    let own_table = own.split("id=\"todo-table\"").nth(1).unwrap_or("");
    assert!(own.contains("杉岭乡殡葬管理办法") && !own_table.contains("<th>乡镇（街道）</th>"), "{own}");

    // The district narrows the list to a township, a ledger or a state; the counts stay whole.
    common::published_document(&app.db, app.orgs.other_township, "安稳镇集贸市场管理办法").await;
    let items = |page: &str| {
        page.split("id=\"todo-table\"").nth(1).unwrap_or("").split("</table>").next().unwrap_or("").to_owned()
    };
    let both = supervisor.get("/todo").await.text().await.unwrap();
    assert!(items(&both).contains("杉岭乡殡葬管理办法") && items(&both).contains("安稳镇集贸市场管理办法"));
    let one = supervisor.get(&format!("/todo?org={}", app.orgs.other_township)).await.text().await.unwrap();
    assert!(items(&one).contains("安稳镇集贸市场管理办法") && !items(&one).contains("杉岭乡殡葬管理办法"), "{one}");
    assert!(one.contains("id=\"todo-counts\"") && one.contains(&format!("href=\"/todo?org={}\"", app.orgs.township)));
    let other_kind = supervisor.get("/todo?kind=petitions").await.text().await.unwrap();
    assert!(other_kind.contains("没有符合所选条件的") && !other_kind.contains("id=\"todo-table\""), "{other_kind}");
    for (query, words) in
        [("org=999999", "不在您的范围内"), ("status=late", "期限状态只能选"), ("kind=nothing", "没有法定期限")]
    {
        let r = supervisor.get(&format!("/todo?{query}")).await;
        assert_eq!(r.status(), StatusCode::OK, "{query}");
        let page = r.text().await.unwrap();
        assert!(page.contains(words) && items(&page).contains("杉岭乡殡葬管理办法"), "{query}: {page}");
    }
    // A township's people have no township to choose, and cannot look into another.
    let elsewhere = clerk.get(&format!("/todo?org={}", app.orgs.other_township)).await.text().await.unwrap();
    assert!(!elsewhere.contains("安稳镇集贸市场管理办法") && elsewhere.contains("不在您的范围内"), "{elsewhere}");
}

#[tokio::test]
async fn the_reports_list_takes_a_year() {
    let app = TestApp::spawn().await;
    let supervisor = app.login("t_supervisor").await;
    let table = |page: &str| {
        page.split("id=\"reports-table\"").nth(1).unwrap_or("").split("</table>").next().unwrap_or("").to_owned()
    };
    // Without a choice: last year's report of every township, started or not.
    let last = fazhi_store::beijing_today().year() - 1;
    let page = supervisor.get("/reports").await.text().await.unwrap();
    assert!(table(&page).contains(&format!("<td>{last}年</td>")) && table(&page).contains("安稳镇"), "{page}");
    // A year chosen: that year's, every township listed, nothing of other years.
    let earlier = last - 1;
    let page = supervisor.get(&format!("/reports?year={earlier}")).await.text().await.unwrap();
    let shown = table(&page);
    assert!(
        shown.contains(&format!("<td>{earlier}年</td>")) && !shown.contains(&format!("<td>{last}年</td>")),
        "{shown}"
    );
    assert_eq!(shown.matches("未起草").count(), 2, "{shown}");
    assert!(page.contains(&format!("<option value=\"{earlier}\" selected>")), "{page}");
    // A year nobody can choose is said in words, and the default shown.
    let page = supervisor.get("/reports?year=1899").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("没有1899年度的报告可选") && table(&page).contains(&format!("<td>{last}年</td>")), "{page}");
}
