//! A storm of sign-in attempts: 200 connections trying wrong passwords for 60 s, each from its own
//! address and at its own name (behind `--trust-proxy`, so neither rate limit stops them and every
//! attempt costs a password hash), while a signed-in person keeps using the system. Reports the
//! server's memory and that person's latency beside the same measurement at rest.
//!
//! Run: `cargo bench -p fazhi --bench signin_storm` (needs `wrk`, Debian's package).
//! Targets (issue 16): server RSS ≤ 300 MB; the signed-in page's p99 under the storm ≤ 2× at rest.

use std::time::Duration;

use fazhi_domain::role::Role;

mod support;

use support::{rss_kib, wrk, wrk_with};

/// Each request a wrong password for a fresh name from a fresh address.
const STORM: &str = r#"
counter = 0
request = function()
  counter = counter + 1
  local address = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local body = string.format('{"username":"guess%d_%d","password":"Wrong-passw0rd"}', math.random(1, 1000000), counter)
  return wrk.format("POST", "/api/v1/session", {["Content-Type"] = "application/json", ["X-Forwarded-For"] = address}, body)
end
"#;

/// People using the system: one page request every 20 ms (fifty a second, a district's worth of
/// clerks at work), each timed; p50 and p99 in ms.
async fn paced(page: &str, cookie: &str, seconds: u64) -> (f64, f64) {
    let client = reqwest::Client::new();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut times = Vec::new();
    let until = std::time::Instant::now() + Duration::from_secs(seconds);
    while std::time::Instant::now() < until {
        tick.tick().await;
        let started = std::time::Instant::now();
        let r = client.get(page).header("cookie", cookie).send().await.unwrap();
        assert!(r.status().is_success());
        r.bytes().await.unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    (at(0.5), at(0.99))
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().to_owned();
    runtime.block_on(support::installation_with_account(&dir, "bench_clerk", Role::Clerk));

    let (server, base) = support::serve(&dir, &["--trust-proxy"]);
    let cookie = runtime.block_on(async {
        support::ready(&base).await;
        support::login(&base, "bench_clerk").await
    });
    let pid = server.0.id();
    let page = format!("{base}/ledgers/petitions");
    // At rest: one person's page, four requests at a time.
    wrk(&page, Some(&cookie), 2, 4);
    let rest = wrk(&page, Some(&cookie), 10, 4);
    let rest_paced = runtime.block_on(paced(&page, &cookie, 15));
    let rest_rss = rss_kib(pid, "VmRSS:");

    let script = dir.join("storm.lua");
    std::fs::write(&script, STORM).unwrap();
    let script = script.display().to_string();
    let storm_base = base.clone();
    let storm = std::thread::spawn(move || wrk_with(&storm_base, None, 60, 200, Some(&script)));
    std::thread::sleep(Duration::from_secs(10));
    let during_paced = runtime.block_on(paced(&page, &cookie, 20));
    let during = wrk(&page, Some(&cookie), 20, 4);
    let storm = storm.join().unwrap();
    let peak_rss = rss_kib(pid, "VmHWM:");

    println!("\nsign-in storm: 200 connections, wrong passwords from random addresses and names, 60 s");
    println!("{:<40} {:>10} {:>10} {:>10}", "", "req/s", "p50 ms", "p99 ms");
    rest.print_row("signed-in page at rest (4 conns)", 40);
    during.print_row("signed-in page during the storm", 40);
    storm.print_row("sign-in attempts (the storm)", 40);
    println!("{:<40} {:>10} {:>10.2} {:>10.2}", "people's pages at rest (50/s, paced)", 50, rest_paced.0, rest_paced.1);
    println!("{:<40} {:>10} {:>10.2} {:>10.2}", "people's pages during the storm", 50, during_paced.0, during_paced.1);
    println!(
        "p99 during / at rest: {:.2}× for people's pages (target ≤ 2×); {:.2}× with wrk saturating both cores",
        during_paced.1 / rest_paced.1,
        during.p99_ms / rest.p99_ms
    );
    println!(
        "server RSS: {:.1} MB at rest, {:.1} MB peak   (target ≤ 300 MB)",
        rest_rss as f64 / 1024.0,
        peak_rss as f64 / 1024.0
    );
}
