//! What the load benchmarks share: the server as a child process, its memory, and wrk.
#![allow(dead_code)]

use std::process::{Child, Command};

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
