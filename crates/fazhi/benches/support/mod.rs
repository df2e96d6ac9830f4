//! What the load benchmarks share: the server as a child process, its memory, and wrk.
#![allow(dead_code)]

use std::process::{Child, Command};

use fazhi_office::xlsx::Cell;

/// The password of every account the benchmarks seed.
pub const PASSWORD: &str = "Bench-Passw0rd";

/// Signs in through the API: the session cookie to send with each request.
pub async fn login(base: &str, username: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
}

/// The SQLite database of a data folder, with its audit key, as `fazhi serve` opens it.
pub async fn open_db(dir: &std::path::Path) -> fazhi_store::Db {
    let url = fazhi_store::sqlite_url_for_data_dir(dir).unwrap();
    fazhi_store::Db::connect(&url, fazhi_store::audit_key::load_or_create(dir, None).unwrap()).await.unwrap()
}

/// An account the benchmarks sign in with: these roles in this organization, the benchmarks'
/// password, nothing to change at the first sign-in.
pub async fn bench_account(db: &fazhi_store::Db, username: &str, org_id: i64, roles: Vec<fazhi_domain::role::Role>) {
    let user = fazhi_store::users::NewUser {
        username: username.into(),
        display_name: username.into(),
        org_id,
        roles,
        password: PASSWORD.into(),
        must_change_password: false,
        service_account: false,
    };
    fazhi_store::users::create(db, &fazhi_store::Actor::system(), &fazhi_store::Scope::everything(), user)
        .await
        .unwrap();
}

/// `fazhi serve` on the data folder at a free port of this machine, with these further
/// arguments; its address.
pub fn serve(dir: &std::path::Path, args: &[&str]) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_fazhi"))
            .args(["--data-dir", &dir.display().to_string(), "serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(args)
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    (server, format!("http://127.0.0.1:{port}"))
}

/// Waits until the server at `base` answers (up to five seconds).
pub async fn ready(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..500 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

pub fn rss_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

pub struct WrkResult {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub non_2xx: bool,
}

fn millis(s: &str) -> f64 {
    let (num, unit) = s.split_at(s.find(|c: char| c.is_alphabetic()).unwrap_or(s.len()));
    let v: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => v / 1000.0,
        "ms" => v,
        "s" => v * 1000.0,
        _ => f64::NAN,
    }
}

pub fn wrk(url: &str, cookie: Option<&str>, seconds: u32, connections: u32) -> WrkResult {
    wrk_with(url, cookie, seconds, connections, None)
}

/// wrk with a Lua script (`-s`), for requests other than a plain GET.
pub fn wrk_with(url: &str, cookie: Option<&str>, seconds: u32, connections: u32, script: Option<&str>) -> WrkResult {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "--timeout", "30s"]);
    if let Some(c) = cookie {
        cmd.args(["-H", &format!("Cookie: {c}")]);
    }
    if let Some(script) = script {
        cmd.args(["-s", script]);
    }
    let out = cmd.arg(url).output().expect("wrk is installed (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let find = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("")
    };
    WrkResult {
        rps: find("Requests/sec:").parse().unwrap_or(0.0),
        p50_ms: millis(find("50%")),
        p99_ms: millis(find("99%")),
        non_2xx: text.contains("Non-2xx"),
    }
}

/// Runs a command to its end and returns how long it took and its peak resident memory, from the
/// kernel's own account of that one child (wait4), not a sample.
// The child is reaped by wait4 below, which std does not know of.
#[allow(clippy::zombie_processes)]
pub fn timed(cmd: &mut Command) -> (std::time::Duration, u64, std::process::ExitStatus, String) {
    use std::os::unix::process::ExitStatusExt;
    let started = std::time::Instant::now();
    let child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own child, waited for once, with pointers to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let elapsed = started.elapsed();
    let mut out = String::new();
    if let Some(mut s) = child.stdout {
        std::io::Read::read_to_string(&mut s, &mut out).ok();
    }
    if let Some(mut s) = child.stderr {
        std::io::Read::read_to_string(&mut s, &mut out).ok();
    }
    (elapsed, usage.ru_maxrss as u64, std::process::ExitStatus::from_raw(status), out)
}

impl WrkResult {
    /// One line of a results table: label, requests per second, p50 and p99.
    pub fn print_row(&self, label: &str, width: usize) {
        println!("{label:<width$} {:>10.0} {:>10.2} {:>10.2}", self.rps, self.p50_ms, self.p99_ms);
    }
}

/// A district with one township, 杉岭乡, as the benchmarks that need no more seed them.
/// A new installation in `dir` with a district, its township and one account: a supervisor of the
/// district, or a township's person of another role.
pub async fn installation_with_account(dir: &std::path::Path, username: &str, role: fazhi_domain::role::Role) {
    let db = open_db(dir).await;
    let (district, township) = district_with_township(&db).await;
    let org = if role == fazhi_domain::role::Role::Supervisor { district } else { township };
    bench_account(&db, username, org, vec![role]).await;
    db.close().await;
}

pub async fn district_with_township(db: &fazhi_store::Db) -> (i64, i64) {
    use fazhi_store::orgs::{self, NewOrg};
    let (actor, all) = (fazhi_store::Actor::system(), fazhi_store::Scope::everything());
    let org = |name: &str, kind: &str, parent_id: Option<i64>| NewOrg {
        name: name.into(),
        kind: kind.into(),
        parent_id,
        sort_order: 0,
    };
    let district = orgs::create(db, &actor, &all, org("基准区", "district", None)).await.unwrap().id;
    let township = orgs::create(db, &actor, &all, org("杉岭乡", "township", Some(district))).await.unwrap().id;
    (district, township)
}

/// One normative document as a clerk's spreadsheet holds it (`title_prefix` names whose), in one
/// of the states a township's ledger holds: most in force (every step of the
/// procedure replayed, most of them filed upward), some under review, some drafts. Dates from
/// 2018 to 2025; a tenth related to business, with its thirty days of comment and its
/// fair-competition review.
pub fn document_row(headers: &[&str], title_prefix: &str, n: usize) -> Vec<Cell> {
    let year = 2018 + (n % 8) as i32;
    let day = |m: u32, d: u32| Cell::Date(chrono::NaiveDate::from_ymd_opt(year, m, d).unwrap());
    let text = |s: &str| Cell::Text(s.to_owned());
    let stage = n % 20;
    let state = match stage {
        0..=9 => "有效",
        10..=13 => "有效",
        14..=16 => "合法性审核中",
        _ => "起草中",
    };
    let business = n.is_multiple_of(10);
    headers
        .iter()
        .map(|h| match *h {
            "状态" => text(state),
            "文件名称" => Cell::Text(format!("{title_prefix}关于加强第{n}项工作管理的规定")),
            "起草单位" => text(["党政办", "司法所", "村镇建设办", "社会事务办"][n % 4]),
            "与市场主体生产经营活动密切相关" => text(if business { "是" } else { "否" }),
            "征求意见稿公布日期" if stage < 17 => day(3, 2),
            "征求意见结束日期" if stage < 17 => day(4, 6),
            "意见采纳情况" if stage < 17 => text("未收到意见"),
            "送请合法性审核日期" if stage < 17 => day(4, 8 + (n % 10) as u32),
            "审核机构" if stage < 17 => text("司法所"),
            "审核人" if stage < 14 => text("司法所"),
            "审核意见日期" if stage < 14 => day(4, 22),
            "审核意见" if stage < 14 => text("合法"),
            "公平竞争审查" if stage < 14 && business => text("已审查"),
            "审议会议" if stage < 14 => text("乡政府常务会议"),
            "审议日期" if stage < 14 => day(5, 6),
            "审议情况" if stage < 14 => text("审议通过"),
            "签发日期" if stage < 14 => day(5, 8),
            "公布日期" if stage < 14 => day(5, 12),
            "公布渠道" if stage < 14 => text("乡政府网站"),
            "报送备案日期" if stage < 10 => day(5, 20),
            "备案机关" if stage < 10 => text("区司法局"),
            _ => Cell::Empty,
        })
        .collect()
}
