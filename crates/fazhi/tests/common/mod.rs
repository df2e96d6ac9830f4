//! The test harness: a real server on a random port over a fresh database, SQLite by default,
//! PostgreSQL when `FAZHI_TEST_DATABASE_URL` names a server (one new database per test).
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use fazhi_domain::role::Role;
use fazhi_store::orgs::{self, NewOrg};
use fazhi_store::users::{self, NewUser};
use fazhi_store::{Actor, Db, Scope};
use fazhi_web::{AppState, WebConfig};
use sea_orm::{ConnectionTrait, Database};

pub const PASSWORD: &str = "Test-Passw0rd";

/// Where tests get a database, and whether a missing PostgreSQL is an error (in CI) or a skip.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("FAZHI_TEST_DATABASE_URL").ok().filter(|s| !s.is_empty())
}

pub fn require(what: &str) -> bool {
    std::env::var(what).is_ok_and(|v| v == "1")
}

/// Returns the PostgreSQL URL, or prints why the test is skipped (and fails when CI requires it).
pub fn postgres_or_skip(test: &str) -> Option<String> {
    match postgres_base_url() {
        Some(url) => Some(url),
        None if require("FAZHI_REQUIRE_POSTGRES") => {
            panic!("{test}: FAZHI_REQUIRE_POSTGRES=1 but FAZHI_TEST_DATABASE_URL is not set")
        }
        None => {
            skip(test, "set FAZHI_TEST_DATABASE_URL=postgres://… to run it on PostgreSQL");
            None
        }
    }
}

/// Prints why a test did not run. Written to the stderr handle itself, past the test harness's
/// capture, so the reason shows in a normal `cargo test` run.
pub fn skip(test: &str, reason: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {reason}");
}

/// A fresh empty database: a temporary SQLite file, or a new database on the PostgreSQL server.
pub struct TestDb {
    pub url: String,
    pub data_dir: tempfile::TempDir,
}

impl TestDb {
    pub async fn new(postgres: Option<&str>) -> TestDb {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let url = match postgres {
            Some(base) => {
                let name = format!("fazhi_t_{}", &fazhi_store::random_token()[..16]);
                let admin = Database::connect(base).await.expect("connect to PostgreSQL");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
                admin.close().await.ok();
                let (prefix, _) = base.rsplit_once('/').expect("URL has a database name");
                format!("{prefix}/{name}")
            }
            None => fazhi_store::sqlite_url_for_data_dir(data_dir.path()).unwrap(),
        };
        TestDb { url, data_dir }
    }

    /// The data folder always (it holds the audit key), and the database URL on PostgreSQL.
    pub fn backend_args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".into(), self.data_dir.path().display().to_string()];
        if self.url.starts_with("postgres") {
            args.extend(["--database-url".into(), self.url.clone()]);
        }
        args
    }

    /// Connects with the audit key kept in this database's data folder, as the binary does.
    pub async fn connect(&self) -> Db {
        let key = fazhi_store::audit_key::load_or_create(self.data_dir.path(), None).expect("audit key");
        Db::connect(&self.url, key).await.expect("connect and migrate")
    }
}

/// The organizations the harness creates.
#[derive(Clone, Copy, Debug)]
pub struct Orgs {
    pub district: i64,
    pub township: i64,
    pub village: i64,
    pub other_township: i64,
    pub other_village: i64,
}

pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub test_db: TestDb,
    pub orgs: Orgs,
    /// Login name of the account holding each role.
    pub accounts: Vec<(Role, String)>,
}

impl TestApp {
    /// SQLite, or PostgreSQL when FAZHI_TEST_DATABASE_URL is set.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_on(postgres_base_url().as_deref()).await
    }

    pub async fn spawn_on(postgres: Option<&str>) -> TestApp {
        let test_db = TestDb::new(postgres).await;
        let db = test_db.connect().await;
        let orgs = seed_orgs(&db).await;
        let mut accounts = Vec::new();
        for (role, name, org) in [
            (Role::Admin, "t_admin", orgs.district),
            (Role::Auditor, "t_auditor", orgs.district),
            (Role::Supervisor, "t_supervisor", orgs.district),
            (Role::Leader, "t_leader", orgs.township),
            (Role::Clerk, "t_clerk", orgs.township),
            (Role::Adviser, "t_adviser", orgs.township),
        ] {
            add_user(&db, name, org, vec![role], false).await;
            accounts.push((role, name.to_owned()));
        }
        add_user(&db, "t_other_clerk", orgs.other_township, vec![Role::Clerk], false).await;
        without_two_factor(&db, "t_admin").await;
        let address = serve_with_files(db.clone(), test_db.data_dir.path()).await;
        TestApp { address, db, test_db, orgs, accounts }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn account(&self, role: Role) -> &str {
        &self.accounts.iter().find(|(r, _)| *r == role).expect("seeded").1
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        users::find_by_username(&self.db, username).await.unwrap().id
    }

    /// A signed-in browser-like client, through the login form.
    pub async fn login(&self, username: &str) -> Session {
        self.login_with(username, PASSWORD).await.expect("login succeeds")
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Result<Session, reqwest::Response> {
        let client = client();
        let form = client.get(self.url("/login")).send().await.unwrap().text().await.unwrap();
        let csrf = hidden_csrf(&form).expect("login form has a CSRF token");
        let response = client
            .post(self.url("/login"))
            .form(&[("username", username), ("password", password), ("csrf_token", &csrf), ("next", "/")])
            .send()
            .await
            .unwrap();
        if response.status() != reqwest::StatusCode::SEE_OTHER {
            return Err(response);
        }
        // Follow where the sign-in leads (home, the password change, the second factor's code or
        // enrolment): every one of those pages carries the session's CSRF token.
        let mut location = response.headers()["location"].to_str().unwrap().to_owned();
        for _ in 0..3 {
            let page = client.get(self.url(&location)).send().await.unwrap();
            match page.headers().get("location") {
                Some(next) => location = next.to_str().unwrap().to_owned(),
                None => {
                    let text = page.text().await.unwrap();
                    let csrf = hidden_csrf(&text).expect("signed-in pages carry the session CSRF token");
                    return Ok(Session { client, csrf, base: self.address.clone() });
                }
            }
        }
        panic!("the sign-in of {username} redirects in a loop, last to {location}")
    }
}

/// Makes a database of this release look as one of the release before (schema 6) did: without the
/// columns schema 7 added, whose migration then runs again on the next connect.
pub async fn drop_columns_added_after_schema_6(db: &Db) {
    use sea_orm::ConnectionTrait;
    // The search index of schema 13 reads the search texts: it goes first (SQLite refuses to drop
    // a column a trigger names; PostgreSQL drops the indexes with the column).
    if db.backend_name() == "SQLite" {
        for (kind, name) in fazhi_store::SQLITE_SEARCH_INDEX_OBJECTS {
            db.raw_for_tests().execute_unprepared(&format!("DROP {kind} {name}")).await.unwrap();
        }
    }
    for (table, column) in [
        ("users", "service_account"),
        ("users", "totp_secret"),
        ("users", "totp_enabled"),
        ("users", "totp_last_step"),
        ("users", "recovery_codes"),
        ("sessions", "pending"),
        ("sessions", "failed_codes"),
        ("api_tokens", "expires_at"),
        ("api_tokens", "read_only"),
        ("ledger_uploads", "file_name"),
        ("ledger_records", "personal_text"),
        ("annual_reports", "revising_since"),
    ] {
        db.raw_for_tests().execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN {column}")).await.unwrap();
    }
}

/// Two-factor sign-in is the district's choice, by default for administrators and auditors; the
/// tests of it turn it on (tests/two_factor.rs), the rest sign in with passwords only. `admin` is
/// the district administrator who decides it.
pub async fn without_two_factor(db: &Db, admin: &str) {
    let admin = users::find_by_username(db, admin).await.unwrap().id;
    let admin = users::principal_by_id(db, admin).await.unwrap().unwrap();
    fazhi_store::two_factor::set_required_roles(db, &admin, "127.0.0.1", &[]).await.unwrap();
}

pub async fn seed_orgs(db: &Db) -> Orgs {
    let actor = Actor::system();
    let all = Scope::everything();
    let mk = |name: &str, kind: &str, parent: Option<i64>| NewOrg {
        name: name.into(),
        kind: kind.into(),
        parent_id: parent,
        sort_order: 0,
    };
    let district = orgs::create(db, &actor, &all, mk("测试区", "district", None)).await.unwrap().id;
    let township = orgs::create(db, &actor, &all, mk("杉岭乡", "township", Some(district))).await.unwrap().id;
    let village = orgs::create(db, &actor, &all, mk("杉岭村", "village", Some(township))).await.unwrap().id;
    let other_township = orgs::create(db, &actor, &all, mk("安稳镇", "township", Some(district))).await.unwrap().id;
    let other_village = orgs::create(db, &actor, &all, mk("羊角村", "village", Some(other_township))).await.unwrap().id;
    Orgs { district, township, village, other_township, other_village }
}

pub async fn add_user(db: &Db, username: &str, org_id: i64, roles: Vec<Role>, must_change: bool) -> i64 {
    users::create(
        db,
        &Actor::system(),
        &Scope::everything(),
        NewUser {
            username: username.into(),
            display_name: format!("测试{username}"),
            org_id,
            roles,
            password: PASSWORD.into(),
            must_change_password: must_change,
            service_account: false,
        },
    )
    .await
    .unwrap()
    .id
}

/// Starts the real application on a random port of the loopback interface.
pub async fn serve(db: Db) -> String {
    serve_with_files(db, &files_dir()).await
}

/// Where [`serve`] keeps attachments: one folder per test process.
pub fn files_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fazhi-test-files-{}", std::process::id()))
}

/// Starts the application with attachments kept under `data_dir`.
pub async fn serve_with_files(db: Db, data_dir: &std::path::Path) -> String {
    serve_with_config(db, data_dir, WebConfig::default()).await
}

/// Starts the application as `fazhi serve` would with these flags (`--public-url https://…`,
/// `--trust-proxy`).
pub async fn serve_with_config(db: Db, data_dir: &std::path::Path, config: WebConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let files = fazhi_store::attachments::FileStore::of(&db, data_dir);
    let state = AppState::new(db, config, files);
    tokio::spawn(fazhi_web::serve(listener, state, std::future::pending()));
    address
}

/// A client that keeps cookies and does not follow redirects, so tests see the 303s.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub fn hidden_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

pub struct Session {
    pub client: reqwest::Client,
    pub csrf: String,
    pub base: String,
}

impl Session {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &self.csrf));
        self.client.post(self.url(path)).form(&all).send().await.unwrap()
    }

    /// Uploads an .xlsx file through an import form, as a browser sends it: status and page.
    pub async fn upload_spreadsheet(&self, path: &str, file: Vec<u8>) -> (reqwest::StatusCode, String) {
        let form = reqwest::multipart::Form::new().text("csrf_token", self.csrf.clone()).part(
            "file",
            reqwest::multipart::Part::bytes(file)
                .file_name("台账.xlsx")
                .mime_str("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .unwrap(),
        );
        let r = self.client.post(self.url(path)).multipart(form).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Calls the JSON API with the session cookie and the CSRF header.
    pub async fn api(&self, method: reqwest::Method, path: &str, body: Option<serde_json::Value>) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path)).header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }
}

/// An .xlsx file of one sheet: the header row, then rows of text cells, as a clerk types them.
pub fn text_sheet<const N: usize>(title: &str, headers: &[&str; N], rows: &[[&str; N]]) -> Vec<u8> {
    use fazhi_office::xlsx::{Cell, TableWriter};
    let mut w = TableWriter::new(title, headers).unwrap();
    for row in rows {
        w.push(&row.iter().map(|c| Cell::Text(c.to_string())).collect::<Vec<_>>()).unwrap();
    }
    w.finish().unwrap()
}

/// Runs the real `fazhi` binary on the test app's database: success, standard output and error.
pub fn fazhi_on(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let mut all: Vec<String> = app.test_db.backend_args();
    all.extend(args.iter().map(|a| a.to_string()));
    let out = run_fazhi(&all, None);
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Runs the real `fazhi` binary with these arguments, writing `stdin` to it, and waits.
pub fn run_fazhi<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Takes one step of a ledger record as `who`, through the store, and expects it to be taken.
pub async fn take_ledger_step(
    db: &Db,
    kind: &'static fazhi_domain::ledger::LedgerKind,
    record: fazhi_store::ledger::RecordView,
    step: &str,
    fields: &[(&str, &str)],
    who: fazhi_domain::ledger::ActorFacts<'_>,
) -> fazhi_store::ledger::RecordView {
    let (calendar, settings) = (fazhi_domain::calendar::Calendar::shipped(), fazhi_domain::ledger::Settings::default());
    let ctx = fazhi_domain::ledger::Context::new(&calendar, &settings);
    let input = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    fazhi_store::ledger::take(
        db,
        &Actor::system(),
        who,
        &Scope::everything(),
        kind,
        record.id,
        record.version,
        step,
        &input,
        &ctx,
    )
    .await
    .unwrap_or_else(|e| panic!("{step}: {e}"))
}

/// A normative document of an organization walked up to the principal leader's signature, in
/// September to November of `year`.
pub async fn signed_document(db: &Db, org: i64, title: &str, year: i32) -> fazhi_store::ledger::RecordView {
    use fazhi_domain::ledger::ActorFacts;
    let kind = &fazhi_domain::ledgers::normative_documents::KIND;
    let clerk = ActorFacts { name: "经办人", roles: &[Role::Clerk], principal_leader: false };
    let head = ActorFacts { name: "乡长", roles: &[Role::Leader], principal_leader: true };
    let day = |md: &str| format!("{year}-{md}");
    let input =
        [("title", title), ("drafting_unit", "党政办")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let rules = fazhi_store::rules::current(db).await.unwrap();
    let mut r =
        fazhi_store::ledger::create(db, &Actor::system(), &Scope::everything(), kind, org, &input, &rules.ctx())
            .await
            .unwrap();
    let steps = [
        ("publish_draft", vec![("draft_published_on", day("09-28"))], clerk),
        (
            "close_consultation",
            vec![("comment_closed_on", day("10-16")), ("comments_adoption", "无意见".into())],
            clerk,
        ),
        ("submit_review", vec![("review_submitted_on", day("10-19")), ("reviewer", "司法所".into())], clerk),
        (
            "record_review",
            vec![("reviewer_name", "司法所".into()), ("review_on", day("10-26")), ("review_opinion", "合法".into())],
            clerk,
        ),
        (
            "deliberate",
            vec![
                ("meeting_name", "乡政府常务会议".into()),
                ("meeting_on", day("11-02")),
                ("minutes", "审议通过".into()),
            ],
            clerk,
        ),
        ("sign", vec![("signed_on", day("11-03"))], head),
    ];
    for (step, fields, who) in steps {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        r = take_ledger_step(db, kind, r, step, &fields, who).await;
    }
    assert_eq!(r.state, "signed");
    r
}

/// A normative document signed in 2025, registered (its number 〔2025〕n号) and published on
/// 2026-01-05 — so its 30-day filing deadline has passed.
pub async fn published_document(db: &Db, org: i64, title: &str) -> fazhi_store::ledger::RecordView {
    use fazhi_domain::ledger::ActorFacts;
    let kind = &fazhi_domain::ledgers::normative_documents::KIND;
    let clerk = ActorFacts { name: "经办人", roles: &[Role::Clerk], principal_leader: false };
    let r = signed_document(db, org, title, 2025).await;
    let r = take_ledger_step(db, kind, r, "register", &[], clerk).await;
    let published = [("published_on", "2026-01-05"), ("publish_channel", "乡政府网站")];
    take_ledger_step(db, kind, r, "publish", &published, clerk).await
}

/// Registers a lawyer as the township's legal adviser (2020–2030), so legality reviews may name them.
pub async fn lawyer(db: &Db, org: i64, name: &str) {
    let kind = &fazhi_domain::ledgers::legal_advisers::KIND;
    let input =
        [("lawyer", name), ("firm", "重庆明德律师事务所"), ("term_start", "2020-01-01"), ("term_end", "2030-12-31")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    let rules = fazhi_store::rules::current(db).await.unwrap();
    fazhi_store::ledger::create(db, &Actor::system(), &Scope::everything(), kind, org, &input, &rules.ctx())
        .await
        .unwrap();
}

/// Posts a form of a record's page (a step `steps/CODE`, a correction `corrections/CODE`) with the
/// version the page shows; the record's page after, or the refusal.
pub async fn post_on_record(
    s: &Session,
    record: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (reqwest::StatusCode, String) {
    let page = s.get(record).await.text().await.unwrap();
    let version = page.split("data-version=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("0").to_owned();
    let mut all = fields.to_vec();
    all.push(("version", &version));
    let r = s.post_form(&format!("{record}/{action}"), &all).await;
    let status = r.status();
    let body = if status == reqwest::StatusCode::SEE_OTHER {
        s.get(record).await.text().await.unwrap()
    } else {
        r.text().await.unwrap()
    };
    (status, body)
}

/// A sheet as a clerk saves it after editing it: every cell as text, empty cells empty.
pub fn edited_sheet(title: &str, headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    use fazhi_office::xlsx::{Cell, TableWriter};
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut w = TableWriter::new(title, &headers).unwrap();
    for row in rows {
        w.push(&row.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text(c.clone()) }).collect::<Vec<_>>())
            .unwrap();
    }
    w.finish().unwrap()
}

/// The open-limit counts kept with every write equal a recount of the open limits stored, month
/// by month.
pub async fn assert_open_counts_match(db: &Db) {
    use chrono::Datelike;
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.raw_for_tests().get_database_backend();
    let read = |sql: &'static str| db.raw_for_tests().query_all_raw(Statement::from_string(backend, sql));
    let mut kept: Vec<(i64, String, String, i32, i64)> =
        read("SELECT org_id, kind, code, month, open FROM ledger_open_counts WHERE open <> 0")
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.try_get_by_index(0).unwrap(),
                    r.try_get_by_index(1).unwrap(),
                    r.try_get_by_index(2).unwrap(),
                    r.try_get_by_index(3).unwrap(),
                    r.try_get_by_index(4).unwrap(),
                )
            })
            .collect();
    kept.sort();
    let mut recounted: std::collections::BTreeMap<(i64, String, String, i32), i64> = Default::default();
    for r in read("SELECT org_id, kind, code, due FROM ledger_deadlines").await.unwrap() {
        let due: chrono::NaiveDate = r.try_get_by_index(3).unwrap();
        let key = (
            r.try_get_by_index(0).unwrap(),
            r.try_get_by_index(1).unwrap(),
            r.try_get_by_index(2).unwrap(),
            due.year() * 100 + due.month() as i32,
        );
        *recounted.entry(key).or_default() += 1;
    }
    let recounted: Vec<(i64, String, String, i32, i64)> =
        recounted.into_iter().map(|((o, k, c, m), n)| (o, k, c, m, n)).collect();
    assert_eq!(kept, recounted, "the open-limit counts follow the open limits, month by month");
}

/// Where a redirect leads, without the `?done=…` that tells the page what succeeded: the address of
/// the record or report a form created or changed.
pub fn location(r: &reqwest::Response) -> String {
    let full = r.headers()["location"].to_str().unwrap();
    full.split(['?', '#']).next().unwrap_or(full).to_owned()
}
