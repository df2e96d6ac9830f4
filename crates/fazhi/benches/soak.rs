//! Mixed load for a long while (issue 20): 200 signed-in clients of every role on the
//! 1,000,000-record database `ledger_scale` seeds, each looping over a mix of what people do —
//! 60 % list and record pages, 15 % search, 10 % 我的待办, 10 % step-taking writes (a decision
//! created and its draft published), 5 % report pages and .docx export — for ten minutes. Reports
//! requests per second, p50/p99 per request type, errors (target 0), each server's RSS every
//! 30 seconds (target ≤ 300 MB per instance), and the writes that completed, checked afterwards by
//! `fazhi audit verify` and by counting them on the audit trail.
//!
//! On SQLite (one instance), or on PostgreSQL with two instances when FAZHI_SOAK_DATABASE_URL
//! names an empty database (the seeded SQLite installation is backed up and restored into it the
//! first time).
//!
//! Run: `FAZHI_BENCH_DIR=/path cargo bench -p fazhi --bench ledger_scale` once to seed, then
//! `FAZHI_BENCH_DIR=/path [FAZHI_SOAK_DATABASE_URL=postgres://…] [FAZHI_SOAK_SECONDS=600] cargo
//! bench -p fazhi --bench soak`.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fazhi_domain::role::Role;
use fazhi_store::users::{self, NewUser};
use fazhi_store::{Actor, Db, Scope};
use serde_json::{Value, json};
use support::{PASSWORD, Server, rss_kib};

const CLIENTS: usize = 200;
const WORDS: &[&str] = &["拖欠工资", "征地拆迁", "邻里纠纷", "土地权属", "婚姻家庭", "环境污染", "反映拖欠工资问题"];

fn fazhi(dir: &Path, url: Option<&str>, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fazhi"));
    c.args(["--data-dir", &dir.display().to_string()]);
    if let Some(url) = url {
        c.args(["--database-url", url]);
    }
    c.args(args).env("RUST_LOG", "warn");
    c
}

/// The accounts the clients sign in as: a clerk and a leader of every township with generated
/// years, three supervisors and an auditor (two factors turned off: a benchmark has no phone).
async fn accounts(db: &Db) -> Vec<(String, Role)> {
    let (actor, all) = (Actor::system(), Scope::everything());
    let orgs = fazhi_store::orgs::list(db, &all).await.unwrap();
    let district = orgs.iter().find(|o| o.name == "基准区").unwrap().id;
    let mut out = Vec::new();
    let mut add = async |name: String, org: i64, role: Role| {
        if users::find_by_username(db, &name).await.is_err() {
            let user = NewUser {
                username: name.clone(),
                display_name: name.clone(),
                org_id: org,
                roles: vec![role],
                password: PASSWORD.into(),
                must_change_password: false,
                service_account: false,
            };
            users::create(db, &actor, &all, user).await.unwrap();
        }
        out.push((name, role));
    };
    for t in 1..30 {
        let org = orgs.iter().find(|o| o.name == format!("乡镇{t:02}")).unwrap().id;
        add(format!("soak_clerk_{t:02}"), org, Role::Clerk).await;
        add(format!("soak_leader_{t:02}"), org, Role::Leader).await;
    }
    for n in 0..3 {
        add(format!("soak_supervisor_{n}"), district, Role::Supervisor).await;
    }
    add("soak_auditor".into(), district, Role::Auditor).await;
    add("soak_admin".into(), district, Role::Admin).await;
    let admin = users::find_by_username(db, "soak_admin").await.unwrap().id;
    let admin = users::principal_by_id(db, admin).await.unwrap().unwrap();
    fazhi_store::two_factor::set_required_roles(db, &admin, "127.0.0.1", &[]).await.unwrap();
    out.retain(|(_, role)| *role != Role::Admin);
    out
}

struct Client {
    http: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
    role: Role,
    /// Records the client may open: ids per kind, from its first list pages.
    ids: BTreeMap<&'static str, Vec<i64>>,
    report: Option<i64>,
}

impl Client {
    /// Signs in from its own address (each client is a person at their own computer; the server
    /// trusts the proxy header, as behind nginx), so the per-address sign-in limit sees 200 people.
    async fn sign_in(base: &str, username: &str, role: Role, n: usize) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        let address = format!("10.20.{}.{}", n / 250, n % 250 + 1);
        headers.insert("x-forwarded-for", address.parse().unwrap());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap();
        let r = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{username} signs in");
        let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let csrf = r.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap_or_default().to_owned();
        let mut c = Client { http, base: base.to_owned(), cookie, csrf, role, ids: BTreeMap::new(), report: None };
        if role != Role::Auditor {
            for kind in ["petitions", "disputes", "decisions", "normative_documents", "enforcement_cases"] {
                let page: Value =
                    c.api(reqwest::Method::GET, &format!("/api/v1/ledgers/{kind}?page_size=20"), None).await;
                let ids = page["items"].as_array().map(|a| a.iter().filter_map(|r| r["id"].as_i64()).collect());
                c.ids.insert(kind, ids.unwrap_or_default());
            }
            let reports: Value = c.api(reqwest::Method::GET, "/api/v1/reports", None).await;
            c.report = reports.as_array().and_then(|a| a.first()).and_then(|r| r["id"].as_i64());
        }
        c
    }

    async fn api(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut r = self.http.request(method, format!("{}{path}", self.base)).header("cookie", &self.cookie);
        if let Some(body) = body {
            r = r.header("x-csrf-token", &self.csrf).json(&body);
        }
        r.send().await.unwrap().json().await.unwrap_or(Value::Null)
    }

    /// One request of the mix: its type and whether it succeeded; a write counts its two steps.
    async fn one(&self, rng: &mut fastrand::Rng) -> (&'static str, bool, u32) {
        let roll = rng.u32(..100);
        let get = |path: String| async move {
            let r = self.http.get(format!("{}{path}", self.base)).header("cookie", &self.cookie).send().await;
            r.is_ok_and(|r| r.status().is_success())
        };
        if self.role == Role::Auditor {
            let page = if roll < 50 { "/audit".to_owned() } else { format!("/audit?page={}", rng.u32(2..50)) };
            return ("audit page", get(page).await, 0);
        }
        let kinds: Vec<&'static str> = self.ids.keys().copied().collect();
        let kind = kinds[rng.usize(..kinds.len())];
        match roll {
            0..30 => ("list page", get(format!("/ledgers/{kind}?page={}", rng.u32(1..4))).await, 0),
            30..60 => match self.ids.get(kind).filter(|ids| !ids.is_empty()) {
                Some(ids) => ("record page", get(format!("/ledgers/{kind}/{}", ids[rng.usize(..ids.len())])).await, 0),
                None => ("list page", get(format!("/ledgers/{kind}")).await, 0),
            },
            60..75 => {
                let word = WORDS[rng.usize(..WORDS.len())];
                ("search", get(format!("/ledgers/petitions?q={}", support_url_encode(word))).await, 0)
            }
            75..85 => ("我的待办", get("/todo".into()).await, 0),
            85..95 if self.role == Role::Clerk => {
                let created = self
                    .http
                    .post(format!("{}/api/v1/ledgers/decisions", self.base))
                    .header("cookie", &self.cookie)
                    .header("x-csrf-token", &self.csrf)
                    .json(&json!({"title": format!("压力测试决策{}", rng.u32(..1_000_000)), "catalogue_year": "2026", "lead_unit": "党政办"}))
                    .send()
                    .await;
                let Ok(created) = created.filter_ok() else { return ("write", false, 0) };
                let record: Value = created.json().await.unwrap_or(Value::Null);
                let (id, version) = (record["id"].as_i64().unwrap_or(0), record["version"].as_i64().unwrap_or(0));
                let published = self
                    .http
                    .post(format!("{}/api/v1/ledgers/decisions/{id}/steps/publish_draft", self.base))
                    .header("cookie", &self.cookie)
                    .header("x-csrf-token", &self.csrf)
                    .json(&json!({"version": version, "draft_published_on": "2026-12-01", "comment_days": "30"}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                ("write", published, if published { 2 } else { 1 })
            }
            85..95 if self.role == Role::Supervisor => ("cockpit", get("/cockpit?year=2024".into()).await, 0),
            85..95 => ("list page", get(format!("/ledgers/{kind}?sort=updated")).await, 0),
            _ => match self.report {
                Some(id) if roll.is_multiple_of(2) => {
                    ("report export", get(format!("/reports/{id}/export/docx")).await, 0)
                }
                Some(id) => ("report page", get(format!("/reports/{id}")).await, 0),
                None => ("report page", get("/reports".into()).await, 0),
            },
        }
    }
}

trait FilterOk {
    fn filter_ok(self) -> Result<reqwest::Response, ()>;
}

impl FilterOk for Result<reqwest::Response, reqwest::Error> {
    fn filter_ok(self) -> Result<reqwest::Response, ()> {
        self.ok().filter(|r| r.status().is_success()).ok_or(())
    }
}

fn support_url_encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[derive(Default)]
struct Tally {
    latencies: BTreeMap<&'static str, Vec<f64>>,
    errors: BTreeMap<&'static str, u64>,
    writes: u64,
}

/// How many ledger records were created and steps taken, as the audit trail counts them.
async fn recorded_writes(db: &Db) -> u64 {
    let mut n = 0;
    for action in ["ledger.create", "ledger.transition"] {
        let filter = fazhi_store::audit::AuditFilter {
            action: Some(action.into()),
            page: 1,
            page_size: 1,
            ..Default::default()
        };
        n += fazhi_store::audit::list(db, &filter).await.unwrap().total;
    }
    n
}

fn serve(dir: &Path, url: Option<&str>) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let child = fazhi(dir, url, &["serve", "--trust-proxy", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    (Server(child), base)
}

fn main() {
    let dir = PathBuf::from(std::env::var("FAZHI_BENCH_DIR").expect("FAZHI_BENCH_DIR: the folder ledger_scale seeded"));
    let postgres = std::env::var("FAZHI_SOAK_DATABASE_URL").ok().filter(|u| !u.is_empty());
    let seconds: u64 = std::env::var("FAZHI_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(600);
    let runtime = tokio::runtime::Runtime::new().unwrap();

    // The database the servers run on, with the soak's accounts.
    let pg_dir = dir.join("soak-postgres");
    let (data, url) = match &postgres {
        None => (dir.clone(), None),
        Some(url) => {
            std::fs::create_dir_all(&pg_dir).unwrap();
            std::fs::copy(dir.join("audit.key"), pg_dir.join("audit.key")).unwrap();
            let probe = fazhi(&pg_dir, Some(url), &["user", "list"]).output().unwrap();
            if !String::from_utf8_lossy(&probe.stdout).contains("bench_clerk") {
                let archive = dir.join("soak-backup.zip").display().to_string();
                let started = Instant::now();
                assert!(fazhi(&dir, None, &["backup", &archive]).status().unwrap().success());
                let out = fazhi(&pg_dir, Some(url), &["restore", &archive]).output().unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                eprintln!("restored into PostgreSQL in {:.0} s", started.elapsed().as_secs_f64());
            }
            (pg_dir.clone(), Some(url.clone()))
        }
    };
    let db_url = url.clone().unwrap_or_else(|| fazhi_store::sqlite_url_for_data_dir(&data).unwrap());
    let (accounts, audit_before) = runtime.block_on(async {
        let db = Db::connect(&db_url, fazhi_store::audit_key::load_or_create(&data, None).unwrap()).await.unwrap();
        let accounts = accounts(&db).await;
        let writes = recorded_writes(&db).await;
        db.close().await;
        (accounts, writes)
    });

    // One instance on SQLite; two on PostgreSQL, each with a data folder of its own.
    let mut servers = Vec::new();
    let instances = if url.is_some() { 2 } else { 1 };
    for i in 0..instances {
        let folder = if url.is_some() {
            let f = data.join(format!("instance-{i}"));
            std::fs::create_dir_all(&f).unwrap();
            std::fs::copy(data.join("audit.key"), f.join("audit.key")).unwrap();
            f
        } else {
            data.clone()
        };
        servers.push(serve(&folder, url.as_deref()));
    }
    let bases: Vec<String> = servers.iter().map(|(_, b)| b.clone()).collect();
    runtime.block_on(async {
        for base in &bases {
            let c = reqwest::Client::new();
            while !c.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });

    let tally = Arc::new(Mutex::new(Tally::default()));
    let pids: Vec<u32> = servers.iter().map(|(s, _)| s.0.id()).collect();
    let started = Instant::now();
    let rss = runtime.block_on(async {
        let mut clients = Vec::new();
        for i in 0..CLIENTS {
            let (name, role) = accounts[i % accounts.len()].clone();
            let base = bases[i % bases.len()].clone();
            let tally = tally.clone();
            clients.push(tokio::spawn(async move {
                let client = Client::sign_in(&base, &name, role, i).await;
                let mut rng = fastrand::Rng::with_seed(i as u64);
                let end = Instant::now() + Duration::from_secs(seconds);
                while Instant::now() < end {
                    let t = Instant::now();
                    let (what, ok, writes) = client.one(&mut rng).await;
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    let mut tally = tally.lock().unwrap();
                    tally.latencies.entry(what).or_default().push(ms);
                    tally.writes += u64::from(writes);
                    if !ok {
                        *tally.errors.entry(what).or_default() += 1;
                    }
                }
            }));
        }
        let mut rss = Vec::new();
        let sampler = async {
            loop {
                tokio::time::sleep(Duration::from_secs(30)).await;
                let now: Vec<f64> = pids.iter().map(|p| rss_kib(*p, "VmRSS:") as f64 / 1024.0).collect();
                rss.push((started.elapsed().as_secs(), now));
            }
        };
        let all = async {
            for c in clients {
                c.await.ok();
            }
        };
        tokio::select! {
            _ = all => {}
            _ = sampler => {}
        }
        rss
    });
    let elapsed = started.elapsed().as_secs_f64();
    let peaks: Vec<f64> = pids.iter().map(|p| rss_kib(*p, "VmHWM:") as f64 / 1024.0).collect();
    drop(servers);

    let verify = fazhi(&data, url.as_deref(), &["audit", "verify"]).output().unwrap();
    let verified = verify.status.success();
    let audit_after = runtime.block_on(async {
        let db = Db::connect(&db_url, fazhi_store::audit_key::load_or_create(&data, None).unwrap()).await.unwrap();
        let writes = recorded_writes(&db).await;
        db.close().await;
        writes
    });

    let tally = tally.lock().unwrap();
    let total: usize = tally.latencies.values().map(Vec::len).sum();
    println!(
        "\nsoak: {CLIENTS} clients, {:.0} s, {} on the 1,000,000-record database, {instances} instance(s), 2 cores",
        elapsed,
        if url.is_some() { "PostgreSQL" } else { "SQLite" }
    );
    println!("{:<16} {:>9} {:>8} {:>8} {:>8} {:>7}", "request", "count", "req/s", "p50 ms", "p99 ms", "errors");
    for (what, lat) in &tally.latencies {
        let mut lat = lat.clone();
        lat.sort_by(f64::total_cmp);
        let at = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
        println!(
            "{what:<16} {:>9} {:>8.1} {:>8.1} {:>8.1} {:>7}",
            lat.len(),
            lat.len() as f64 / elapsed,
            at(0.5),
            at(0.99),
            tally.errors.get(what).copied().unwrap_or(0)
        );
    }
    println!(
        "all: {total} requests, {:.0} req/s, {} errors (target 0)",
        total as f64 / elapsed,
        tally.errors.values().sum::<u64>()
    );
    for (at, mb) in &rss {
        println!("  RSS at {at:>4} s: {}", mb.iter().map(|m| format!("{m:.0} MB")).collect::<Vec<_>>().join(", "));
    }
    println!(
        "peak RSS per instance: {}   (target ≤ 300 MB)",
        peaks.iter().map(|m| format!("{m:.0} MB")).collect::<Vec<_>>().join(", ")
    );
    println!(
        "writes completed: {} (create + publish_draft); on the audit trail: {} more; fazhi audit verify: {}",
        tally.writes,
        audit_after - audit_before,
        if verified { "chain whole" } else { "FAILED" }
    );
}
