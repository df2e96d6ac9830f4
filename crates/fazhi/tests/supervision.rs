//! The district's supervision closing the loop, over HTTP as the supervisor and the township use
//! it: a problem raised with one click from a checker finding on a reported annual report, refused
//! when it lacks what it needs, seen by its township only, rectified by the clerk and submitted by
//! the leader, returned (its time limit running again), accepted and closed (销号); the figures it
//! feeds; the next year's draft that states the problems still open and the rectifications done;
//! a problem late twice put under listed supervision on both sides' to-do lists.

mod common;

use common::{Session, TestApp};
use fazhi_domain::ledger::ActorFacts;
use fazhi_domain::ledgers::supervision_problems::KIND;
use fazhi_domain::role::Role;
use fazhi_report::draft::Draft;
use fazhi_store::{Actor, Scope, annual_reports, indicators, ledger};
use reqwest::StatusCode;

const PROBLEMS: &str = "/ledgers/supervision_problems";

async fn post(s: &Session, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
    let r = s.post_form(path, fields).await;
    let status = r.status();
    let location = if r.headers().contains_key("location") { common::location(&r) } else { String::new() };
    (status, location, r.text().await.unwrap())
}

async fn version(s: &Session, path: &str) -> String {
    let page = s.get(path).await.text().await.unwrap();
    page.split("data-version=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned()
}

/// Takes a step on the record page as `s` would: the status and the page or the redirect.
async fn step(s: &Session, record: &str, code: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let v = version(s, record).await;
    let mut all = fields.to_vec();
    all.push(("version", &v));
    let (status, _, body) = post(s, &format!("{record}/steps/{code}"), &all).await;
    (status, body)
}

async fn report_version(app: &TestApp, id: i64) -> String {
    annual_reports::get(&app.db, &Scope::everything(), id).await.unwrap().version.to_string()
}

/// The township's 2026 report, drafted, dated late (which the checker warns about), approved,
/// published and reported to the district: its id.
async fn reported_report(app: &TestApp, clerk: &Session, leader: &Session) -> i64 {
    let r = clerk.post_form("/reports", &[("year", "2026")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id: i64 = common::location(&r).rsplit('/').next().unwrap().parse().unwrap();
    let stored = annual_reports::get(&app.db, &Scope::everything(), id).await.unwrap();
    let mut draft: Draft = serde_json::from_str(&stored.body_json).unwrap();
    // Dated after 31 March of the next year: the checker warns, and the report still goes.
    draft.date = "2027年5月10日".into();
    let body = serde_json::to_string(&draft).unwrap();
    let report = format!("/reports/{id}");
    let v = report_version(app, id).await;
    assert_eq!(
        post(clerk, &format!("{report}/save"), &[("body", &body), ("version", &v)]).await.0,
        StatusCode::SEE_OTHER
    );
    for (who, path) in [(clerk, "submit"), (leader, "approve"), (clerk, "publish"), (clerk, "report")] {
        let v = report_version(app, id).await;
        let (status, _, page) = post(who, &format!("{report}/{path}"), &[("version", &v)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {page}");
    }
    id
}

/// The first link raising a problem on a page, as a browser follows it.
fn raise_link(page: &str) -> String {
    let before = page.split("class=\"raise-problem\"").next().unwrap();
    let href = before.rsplit("href=\"").next().unwrap().split('"').next().unwrap();
    href.replace("&amp;", "&").replace("&#38;", "&")
}

fn query_value(href: &str, key: &str) -> String {
    let url = reqwest::Url::parse(&format!("http://fazhi.test{href}")).unwrap();
    url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned()).unwrap_or_default()
}

async fn problems_stored(app: &TestApp) -> usize {
    let filter = ledger::ListFilter::default();
    ledger::list(&app.db, &Scope::everything(), &KIND, &filter).await.unwrap().page.total as usize
}

#[tokio::test]
async fn a_problem_found_in_a_report_is_rectified_returned_accepted_and_closed() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let leader = app.login("t_leader").await;
    let supervisor = app.login("t_supervisor").await;
    let other_clerk = app.login("t_other_clerk").await;
    let report = reported_report(&app, &clerk, &leader).await;

    // One click from the checker's finding on the reported report: the form comes filled in.
    let page = supervisor.get(&format!("/reports/{report}")).await.text().await.unwrap();
    assert!(page.contains("提出督察问题"), "a finding offers the supervisor to raise a problem");
    let href = raise_link(&page);
    let target = query_value(&href, "target");
    assert!(target.starts_with(&format!("/reports/{report}#L")), "{target}");
    assert_eq!(query_value(&href, "source"), "年度报告审查");
    let form = supervisor.get(&href).await;
    assert_eq!(form.status(), StatusCode::OK);
    let form = form.text().await.unwrap();
    assert!(form.contains("提出督察问题") && form.contains("交办乡镇（街道）"), "{form}");
    assert!(form.contains(&format!("value=\"{target}\"")), "the finding's place is filled in");
    assert!(!clerk.get(&format!("/reports/{report}")).await.text().await.unwrap().contains("提出督察问题"));

    // What a problem needs, refused in Chinese and nothing stored.
    let township = app.orgs.township.to_string();
    let good = [
        ("org_id", township.as_str()),
        ("title", "年度报告落款日期晚于报送时限"),
        ("source", "年度报告审查"),
        ("category", "组织领导"),
        ("severity", "一般"),
        ("description", "报告落款日期为2027年5月10日，晚于3月31日的公开和报送时限。"),
        ("basis", "《法治政府建设与责任落实督察工作规定》"),
        ("target", target.as_str()),
        ("assigned_on", "2026-11-02"),
    ];
    let without = |key: &str| good.iter().filter(|(k, _)| *k != key).copied().collect::<Vec<_>>();
    for (key, message) in [
        ("org_id", "请选择交办督察问题的乡镇（街道）"),
        ("category", "请填写“问题类别”"),
        ("description", "请填写“问题描述”"),
    ] {
        let (status, _, page) = post(&supervisor, PROBLEMS, &without(key)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{key}");
        assert!(page.contains(message), "{key}: {page}");
    }
    let mut past = good.to_vec();
    past.push(("due_on", "2026-11-20"));
    let (status, _, page) = post(&supervisor, PROBLEMS, &past).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("期限不能定在已经过去的日子"), "{page}");
    let mut elsewhere = good.to_vec();
    let other = app.orgs.other_township.to_string();
    elsewhere[0] = ("org_id", &other);
    let (status, _, page) = post(&supervisor, PROBLEMS, &elsewhere).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a problem of 安稳镇 cannot point at 杉岭乡's report");
    assert!(page.contains("不属于所选乡镇"), "{page}");
    let mut district = good.to_vec();
    let district_id = app.orgs.district.to_string();
    district[0] = ("org_id", &district_id);
    assert_eq!(post(&supervisor, PROBLEMS, &district).await.0, StatusCode::BAD_REQUEST, "only a township");
    assert_eq!(post(&clerk, PROBLEMS, &good).await.0, StatusCode::FORBIDDEN, "a township does not raise");
    assert_eq!(problems_stored(&app).await, 0);

    // Raised: the township sees it and where it points; another township does not.
    let (status, problem, _) = post(&supervisor, PROBLEMS, &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = leader.get(&problem).await.text().await.unwrap();
    assert!(page.contains("待整改") && page.contains(&format!("href=\"{target}\"")), "{page}");
    assert_eq!(other_clerk.get(&problem).await.status(), StatusCode::NOT_FOUND);
    assert!(!other_clerk.get(PROBLEMS).await.text().await.unwrap().contains("年度报告落款日期晚于报送时限"));
    let todo = leader.get("/todo").await.text().await.unwrap();
    assert!(todo.contains("id=\"todo-waiting\"") && todo.contains("年度报告落款日期晚于报送时限"), "{todo}");
    assert_eq!(clerk.get(&format!("{problem}/edit")).await.status(), StatusCode::FORBIDDEN);

    // The clerk prepares, never without measures; only the leader submits; the district accepts.
    let (status, page) = step(&clerk, &problem, "prepare", &[("result", "已修改")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("整改措施"), "{page}");
    let measures = [("measures", "建立报告三级审核制度"), ("result", "已修改并重新公开")];
    assert_eq!(step(&clerk, &problem, "prepare", &measures).await.0, StatusCode::SEE_OTHER);
    assert_eq!(step(&clerk, &problem, "answer", &[("answered_on", "2026-11-10")]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(step(&leader, &problem, "answer", &[("answered_on", "2026-11-10")]).await.0, StatusCode::SEE_OTHER);
    let accepted_by_township =
        step(&leader, &problem, "accept", &[("accepted_on", "2026-11-12"), ("acceptance", "同意")]).await;
    assert_eq!(accepted_by_township.0, StatusCode::FORBIDDEN, "{}", accepted_by_township.1);
    let todo = supervisor.get("/todo").await.text().await.unwrap();
    assert!(todo.contains("验收通过并销号") && todo.contains("年度报告落款日期晚于报送时限"), "{todo}");

    // Returned with reasons: the limit runs again from the return.
    let (status, page) = step(&supervisor, &problem, "return", &[("returned_on", "2026-11-11")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a return needs its reasons");
    assert!(page.contains("退回理由"));
    let reasons = [("returned_on", "2026-11-11"), ("return_reason", "未附三级审核制度文件")];
    assert_eq!(step(&supervisor, &problem, "return", &reasons).await.0, StatusCode::SEE_OTHER);
    let id: i64 = problem.rsplit('/').next().unwrap().parse().unwrap();
    let record = ledger::get(&app.db, &Scope::everything(), &KIND, id).await.unwrap();
    assert_eq!(record.state, "returned");
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let limit = KIND.deadlines(&record.values, &rules.ctx().at(&record.org_path)).remove(0);
    assert!(limit.restarted && limit.met_on.is_none());
    // 20 working days from 11 November 2026: 9 December.
    assert_eq!(limit.counted.due.to_string(), "2026-12-09");
    assert!(leader.get(&problem).await.text().await.unwrap().contains("未附三级审核制度文件"));

    assert_eq!(step(&clerk, &problem, "prepare", &measures).await.0, StatusCode::SEE_OTHER);
    assert_eq!(step(&leader, &problem, "answer", &[("answered_on", "2026-11-20")]).await.0, StatusCode::SEE_OTHER);
    let accept = [("accepted_on", "2026-11-25"), ("acceptance", "整改到位，同意销号")];
    assert_eq!(step(&supervisor, &problem, "accept", &accept).await.0, StatusCode::SEE_OTHER);
    let page = leader.get(&problem).await.text().await.unwrap();
    assert!(page.contains("已销号") && page.contains("整改到位，同意销号"));

    // The figures: raised, closed, on time, each a record behind it.
    let figures = indicators::for_year(&app.db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    let value = |id: &str| figures.iter().filter(|f| f.id == id).map(|f| f.value).sum::<i64>();
    assert_eq!(value("supervision.problems_raised"), 1);
    assert_eq!(value("supervision.rectified"), 1);
    assert_eq!(value("supervision.rectified_on_time"), 1);
    assert_eq!(value("supervision.overdue"), 0);
    // Nothing of it is public.
    let anonymous = common::client().get(app.url(PROBLEMS)).send().await.unwrap();
    assert_ne!(anonymous.status(), StatusCode::OK);
    common::assert_open_counts_match(&app.db).await;
}

const SUPERVISOR: ActorFacts<'static> =
    ActorFacts { name: "区司法局督察员", roles: &[Role::Supervisor], principal_leader: false };
const CLERK: ActorFacts<'static> = ActorFacts { name: "党政办", roles: &[Role::Clerk], principal_leader: false };
const LEADER: ActorFacts<'static> = ActorFacts { name: "乡长", roles: &[Role::Leader], principal_leader: true };

async fn raise(app: &TestApp, category: &str, assigned_on: &str) -> ledger::RecordView {
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let input = [
        ("title", format!("{category}方面的问题")),
        ("source", "实地督察".into()),
        ("category", category.into()),
        ("severity", "一般".into()),
        ("description", "实地督察发现。".into()),
        ("assigned_on", assigned_on.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    ledger::create(&app.db, &Actor::system(), &Scope::everything(), &KIND, app.orgs.township, &input, &rules.ctx())
        .await
        .unwrap()
}

/// A 信访 problem of 2026 rectified and closed on time.
async fn closed_on_time(app: &TestApp) {
    let measures = [("measures", "逐项整改"), ("result", "已整改")];
    let closed = raise(app, "信访", "2026-03-02").await;
    let closed = common::take_ledger_step(&app.db, &KIND, closed, "prepare", &measures, CLERK).await;
    let closed =
        common::take_ledger_step(&app.db, &KIND, closed, "answer", &[("answered_on", "2026-03-10")], LEADER).await;
    let accept = [("accepted_on", "2026-03-12"), ("acceptance", "同意销号")];
    common::take_ledger_step(&app.db, &KIND, closed, "accept", &accept, SUPERVISOR).await;
}

#[tokio::test]
async fn the_next_report_states_the_open_problems_and_a_problem_late_twice_is_listed_on_both_sides() {
    let app = TestApp::spawn().await;
    let measures = [("measures", "逐项整改"), ("result", "已整改")];
    closed_on_time(&app).await;
    // Open: two of decisions, one answered late, returned and late again, then listed.
    raise(&app, "依法决策", "2026-04-01").await;
    let late = raise(&app, "依法决策", "2026-01-05").await;
    let late = common::take_ledger_step(&app.db, &KIND, late, "prepare", &measures, CLERK).await;
    let late = common::take_ledger_step(&app.db, &KIND, late, "answer", &[("answered_on", "2026-03-02")], LEADER).await;
    let returned = [("returned_on", "2026-03-03"), ("return_reason", "整改不到位")];
    let late = common::take_ledger_step(&app.db, &KIND, late, "return", &returned, SUPERVISOR).await;
    let listed = [("listed_on", "2026-05-06"), ("listed_note", "主要负责人牵头整改")];
    common::take_ledger_step(&app.db, &KIND, late, "list", &listed, SUPERVISOR).await;

    // Both sides see the escalation.
    for who in ["t_leader", "t_supervisor"] {
        let todo = app.login(who).await.get("/todo").await.text().await.unwrap();
        let card =
            todo.split("id=\"todo-waiting\"").nth(1).expect("the problems card").split("</table>").next().unwrap();
        assert!(card.contains("挂牌督办"), "{who}: {card}");
    }
    let figures = indicators::for_year(&app.db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    let value = |id: &str| figures.iter().filter(|f| f.id == id).map(|f| f.value).sum::<i64>();
    assert_eq!(
        (value("supervision.problems_raised"), value("supervision.listed"), value("supervision.overdue")),
        (3, 1, 1)
    );

    // The next draft: the open problems by category in 存在的不足, the rectifications in 其他.
    let clerk = app.login("t_clerk").await;
    let r = clerk.post_form("/reports", &[("year", "2026")]).await;
    let id: i64 = common::location(&r).rsplit('/').next().unwrap().parse().unwrap();
    let stored = annual_reports::get(&app.db, &Scope::everything(), id).await.unwrap();
    let draft: Draft = serde_json::from_str(&stored.body_json).unwrap();
    let text = draft.to_text();
    assert!(text.contains("2026年区县督察发现的问题中，尚未整改完成的有：依法决策方面2个"), "{text}");
    assert!(text.contains("2026年区县督察发现本单位问题3个，已整改并经验收销号1个，其中按期完成整改1个。"), "{text}");
    let figure = |part: usize, id: &str| {
        draft.parts[part]
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .flat_map(|p| &p.segments)
            .any(|s| matches!(s, fazhi_report::draft::Segment::Figure { id: f, .. } if f == id))
    };
    assert!(figure(1, "supervision.open.decisions"), "a reference to the problem records");
    assert!(figure(4, "supervision.rectified"));
    // Each reference opens the records behind it.
    let page = clerk.get(&format!("/reports/{id}/figures/supervision.open.decisions")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("依法决策方面的问题"));
}

/// The ids of a page's comments, in order (`id="comment-12"`).
fn comment_ids(page: &str) -> Vec<i64> {
    page.split("id=\"comment-").skip(1).filter_map(|r| r.split('"').next()?.parse().ok()).collect()
}

#[tokio::test]
async fn the_district_and_the_township_comment_on_a_record_read_masked_in_their_to_do_lists_and_audited() {
    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let supervisor = app.login("t_supervisor").await;
    let other_clerk = app.login("t_other_clerk").await;
    let rules = fazhi_store::rules::current(&app.db).await.unwrap();
    let input = [
        ("title", "反映道路破损"),
        ("petitioner", "王五"),
        ("contact", "13812345678"),
        ("channel", "来访"),
        ("topic", "其他"),
        ("source", "信访人直接提出"),
        ("received_on", "2026-11-02"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let kind = &fazhi_domain::ledgers::petitions::KIND;
    let record =
        ledger::create(&app.db, &Actor::system(), &Scope::everything(), kind, app.orgs.township, &input, &rules.ctx())
            .await
            .unwrap();
    let page = format!("/ledgers/petitions/{}", record.id);
    let target = record.id.to_string();
    let comment = |body: &'static str| [("target_kind", "petitions"), ("target_id", target.as_str()), ("body", body)];

    // The township writes; the district finds it in 我的待办, reads it masked, and it leaves the list.
    let (status, _, _) = post(&clerk, "/comments", &comment("王五已于11月5日来访，当场答复")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let todo = supervisor.get("/todo").await.text().await.unwrap();
    let card = todo.split("id=\"todo-comments\"").nth(1).expect("new comments in the district's list");
    assert!(card.contains(&format!("{page}#comments")) && card.contains("杉岭乡"), "{card}");
    let read = supervisor.get(&page).await.text().await.unwrap();
    let thread = read.split("id=\"comments\"").nth(1).unwrap_or_else(|| panic!("{read}"));
    assert!(
        thread.contains("王某已于11月5日来访") && !thread.contains("王五"),
        "the district reads it masked: {thread}"
    );
    assert!(thread.contains("乡镇经办人 · 杉岭乡"), "signed with role and organization: {thread}");
    assert!(!supervisor.get("/todo").await.text().await.unwrap().contains("id=\"todo-comments\""), "read");
    assert!(clerk.get(&page).await.text().await.unwrap().contains("王五已于11月5日来访"), "the township reads its own");

    // The district replies in the thread; the township finds it in its list.
    let first = comment_ids(&read)[0].to_string();
    let mut reply = comment("请补充答复意见书").to_vec();
    reply.push(("parent_id", &first));
    assert_eq!(post(&supervisor, "/comments", &reply).await.0, StatusCode::SEE_OTHER);
    let todo = clerk.get("/todo").await.text().await.unwrap();
    assert!(todo.contains("id=\"todo-comments\""), "{todo}");
    let read = clerk.get(&page).await.text().await.unwrap();
    assert!(read.contains("class=\"comment reply\"") && read.contains("区县督察员 · 测试区"), "{read}");
    let ids = comment_ids(&read);
    let reply_id = ids[1];

    // Its author corrects it within ten minutes; nobody else; nobody after.
    let edit = format!("/comments/{reply_id}/edit");
    assert_eq!(post(&clerk, &edit, &[("body", "改")]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&supervisor, &edit, &[("body", "请补充答复意见书和送达回证")]).await.0, StatusCode::SEE_OTHER);
    assert!(clerk.get(&page).await.text().await.unwrap().contains("送达回证"));
    use sea_orm::ConnectionTrait;
    let eleven_minutes_ago = chrono::Utc::now() - chrono::Duration::minutes(11);
    let backend = app.db.raw_for_tests().get_database_backend();
    app.db
        .raw_for_tests()
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => "UPDATE comments SET created_at = $1 WHERE id = $2",
                _ => "UPDATE comments SET created_at = ? WHERE id = ?",
            },
            [eleven_minutes_ago.into(), reply_id.into()],
        ))
        .await
        .unwrap();
    let (status, _, body) = post(&supervisor, &edit, &[("body", "再改")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("超过10分钟"), "{body}");

    // Bad input and what the commenter cannot see.
    let (status, _, body) = post(&clerk, "/comments", &comment("  ")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("请填写评论内容"));
    assert_eq!(post(&other_clerk, "/comments", &comment("看看")).await.0, StatusCode::NOT_FOUND);
    let draft = clerk.post_form("/reports", &[("year", "2026")]).await;
    let report = common::location(&draft).rsplit('/').next().unwrap().to_owned();
    let on_draft = [("target_kind", "report"), ("target_id", report.as_str()), ("body", "报告草稿")];
    assert_eq!(post(&supervisor, "/comments", &on_draft).await.0, StatusCode::NOT_FOUND, "a draft is the township's");
    let on_line = [("target_kind", "report"), ("target_id", report.as_str()), ("line", "3"), ("body", "第三行请核实")];
    assert_eq!(post(&clerk, "/comments", &on_line).await.0, StatusCode::SEE_OTHER);
    assert!(clerk.get(&format!("/reports/{report}")).await.text().await.unwrap().contains("第 3 行"));

    // Audited, without the words a comment may carry.
    let filter = fazhi_store::audit::AuditFilter {
        object_type: Some("petitions".into()),
        object_id: Some(target.clone()),
        page: 1,
        page_size: 50,
        ..Default::default()
    };
    let trail = fazhi_store::audit::list(&app.db, &filter).await.unwrap().items;
    let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "comment.create").count(), 2, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "comment.edit").count(), 1, "{actions:?}");
    assert!(trail.iter().all(|r| !r.after.as_deref().unwrap_or("").contains("王五")));
}

#[tokio::test]
async fn the_district_drafts_edits_and_issues_a_bulletin_whose_figures_are_the_problem_records() {
    let app = TestApp::spawn().await;
    closed_on_time(&app).await;
    raise(&app, "依法决策", "2026-04-01").await;
    raise(&app, "依法决策", "2026-05-06").await;
    let supervisor = app.login("t_supervisor").await;
    let clerk = app.login("t_clerk").await;

    // A period that is none: refused in Chinese.
    let (status, _, page) = post(&supervisor, "/supervision/bulletins", &[("year", "abc")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("请选择通报的年度和季度"), "{page}");
    assert_eq!(post(&clerk, "/supervision/bulletins", &[("year", "2026")]).await.0, StatusCode::FORBIDDEN);

    // Drafted from the records: each figure is the count of the records behind it.
    let (status, bulletin, _) = post(&supervisor, "/supervision/bulletins", &[("year", "2026")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = supervisor.get(&bulletin).await.text().await.unwrap();
    let text = page.split("id=\"bulletin-text\"").nth(1).unwrap();
    let plain: String = text.split('<').map(|s| s.split_once('>').map(|(_, t)| t).unwrap_or(s)).collect();
    assert!(plain.contains("关于2026年法治政府建设督察情况的通报"), "{plain}");
    let figures = indicators::for_year(&app.db, &Scope::everything(), app.orgs.township, 2026).await.unwrap();
    let value = |id: &str| figures.iter().filter(|f| f.id == id).map(|f| f.value).sum::<i64>();
    let line = format!(
        "杉岭乡：发现问题{}个，整改销号{}个，其中按期整改{}个",
        value("supervision.problems_raised"),
        value("supervision.rectified"),
        value("supervision.rectified_on_time")
    );
    assert!(plain.contains(&line) && line.contains("发现问题3个"), "{line} in {plain}");
    assert!(plain.contains("依法决策方面2个、信访方面1个"), "{plain}");
    let township = app.orgs.township;
    assert!(
        text.contains(&format!(
            "/ledgers/supervision_problems?org={township}&#38;year=2026&#38;figure=supervision.problems_raised"
        )),
        "each figure opens its records: {text}"
    );
    // A draft is the district's own.
    assert_eq!(clerk.get(&bulletin).await.status(), StatusCode::NOT_FOUND);
    assert!(!clerk.get("/supervision/bulletins").await.text().await.unwrap().contains(&bulletin));

    // Edited, then issued: the township reads it and its files; its figures no longer move.
    let v = version(&supervisor, &bulletin).await;
    let (status, _, page) =
        post(&supervisor, &format!("{bulletin}/save"), &[("version", &v), ("requirements", " ")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("请填写下一步工作要求"));
    let asked =
        [("version", v.as_str()), ("requirements", "请杉岭乡于2027年1月底前完成全部整改。"), ("date", "2027年1月8日")];
    assert_eq!(post(&supervisor, &format!("{bulletin}/save"), &asked).await.0, StatusCode::SEE_OTHER);
    let v = version(&supervisor, &bulletin).await;
    assert_eq!(post(&clerk, &format!("{bulletin}/issue"), &[("version", &v)]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&supervisor, &format!("{bulletin}/issue"), &[("version", &v)]).await.0, StatusCode::SEE_OTHER);
    raise(&app, "信访", "2026-06-01").await;
    let read = clerk.get(&bulletin).await;
    assert_eq!(read.status(), StatusCode::OK);
    let read = read.text().await.unwrap();
    assert!(
        read.contains("已印发")
            && read.contains("请杉岭乡于2027年1月底前完成全部整改")
            && read.contains("2027年1月8日")
    );
    assert!(read.contains(">3</a>个"), "frozen at its issue: {read}");
    let v = version(&supervisor, &bulletin).await;
    let (status, _, page) =
        post(&supervisor, &format!("{bulletin}/save"), &[("version", &v), ("requirements", "再改")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("通报已印发"));

    let docx = clerk.get(&format!("{bulletin}/export/docx")).await.bytes().await.unwrap();
    let mut document = String::new();
    std::io::Read::read_to_string(
        &mut zip::ZipArchive::new(std::io::Cursor::new(docx.to_vec())).unwrap().by_name("word/document.xml").unwrap(),
        &mut document,
    )
    .unwrap();
    assert!(document.contains("关于2026年法治政府建设督察情况的通报") && document.contains("发现问题"));
    let xlsx = supervisor.get(&format!("{bulletin}/export/xlsx")).await.bytes().await.unwrap().to_vec();
    let sheet = fazhi_office::xlsx::read_sheet(&xlsx).unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|(_, cells)| cells).collect();
    assert!(rows.iter().any(|r| r[0] == "杉岭乡" && r[1] == "3" && r[2] == "1"), "{rows:?}");
    assert!(rows.iter().any(|r| r[0] == "合计" && r[1] == "3"), "{rows:?}");
}
