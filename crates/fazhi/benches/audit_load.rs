//! The audit list page under load (issue 20's target): 10,000,000 audit records, 1,000 users, 64
//! concurrent clients (wrk) — the page filtered by user and date, and the unfiltered first page —
//! beside `/api/v1/me` (a signed-in request with one session lookup) and `/healthz` in the same
//! run; server memory; and the time from start to first answer on an existing database. Targets:
//! p99 ≤ 50 ms and ≥ 2,000 pages/s for both pages, RSS ≤ 150 MB.
//!
//! Run: `cargo bench -p fazhi --bench audit_load` (needs `wrk`, Debian's package). Seeding ten
//! million records takes minutes: FAZHI_BENCH_DIR keeps the database for the next run, and
//! FAZHI_AUDIT_RECORDS seeds another number. FAZHI_BIN serves with another build of `fazhi` (a
//! baseline) in place of this one.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fazhi_domain::role::Role;
use fazhi_store::audit::Change;
use fazhi_store::orgs::{self, NewOrg};
use fazhi_store::users::{self, NewUser};
use fazhi_store::{Actor, Db, Scope};

mod support;

use support::{PASSWORD, Server, rss_kib, wrk};

const USERS: usize = 1_000;
/// How many audit records to seed: FAZHI_AUDIT_RECORDS, or ten million.
fn records() -> usize {
    std::env::var("FAZHI_AUDIT_RECORDS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000_000)
}

async fn seed(db: &Db) -> String {
    let actor = Actor::system();
    let all = Scope::everything();
    let district = orgs::create(
        db,
        &actor,
        &all,
        NewOrg { name: "基准区".into(), kind: "district".into(), parent_id: None, sort_order: 0 },
    )
    .await
    .unwrap();
    let mut townships = Vec::new();
    for i in 0..30 {
        let t = orgs::create(
            db,
            &actor,
            &all,
            NewOrg {
                name: format!("乡镇{i:02}"),
                kind: "township".into(),
                parent_id: Some(district.id),
                sort_order: i,
            },
        )
        .await
        .unwrap();
        townships.push(t.id);
    }
    users::create(
        db,
        &actor,
        &all,
        NewUser {
            username: "bench_auditor".into(),
            display_name: "审计员".into(),
            org_id: district.id,
            roles: vec![Role::Auditor],
            password: PASSWORD.into(),
            must_change_password: false,
            service_account: false,
        },
    )
    .await
    .unwrap();
    // The auditor signs in with a password alone here: two factors are the district's choice,
    // and a benchmark has no phone.
    let admin = users::create(
        db,
        &actor,
        &all,
        NewUser {
            username: "bench_admin".into(),
            display_name: "管理员".into(),
            org_id: district.id,
            roles: vec![Role::Admin],
            password: PASSWORD.into(),
            must_change_password: false,
            service_account: false,
        },
    )
    .await
    .unwrap();
    let admin = users::principal_by_id(db, admin.id).await.unwrap().unwrap();
    fazhi_store::two_factor::set_required_roles(db, &admin, "127.0.0.1", &[]).await.unwrap();
    let mut ids = Vec::with_capacity(USERS);
    for i in 0..USERS {
        let u = users::create(
            db,
            &actor,
            &all,
            NewUser {
                username: format!("user{i:04}"),
                display_name: format!("用户{i:04}"),
                org_id: townships[i % townships.len()],
                roles: vec![Role::Clerk],
                password: PASSWORD.into(),
                must_change_password: false,
                service_account: false,
            },
        )
        .await
        .unwrap();
        ids.push((u.id, u.username));
    }
    // The rest of the 100,000 records: changes by those users, as their actions would record them.
    let existing = fazhi_store::audit::verify(db).await.unwrap().head_id as usize;
    let remaining = records().saturating_sub(existing);
    for start in (0..remaining).step_by(10_000) {
        // Each record is attributed to the user who made the change.
        let entries: Vec<(Actor, Change)> = (start..(start + 10_000).min(remaining))
            .map(|i| {
                let (id, name) = &ids[i % USERS];
                let who = Actor { user_id: Some(*id), name: name.clone(), ip: "10.0.0.1".into() };
                let change = Change::new("org.update", "organization", townships[i % townships.len()])
                    .before(serde_json::json!({"name": "乡镇", "version": i}))
                    .after(serde_json::json!({"name": "乡镇", "version": i + 1}));
                (who, change)
            })
            .collect();
        fazhi_store::audit::record_batch(db, entries).await.unwrap();
        if start % 500_000 == 0 {
            eprint!("{} ", existing + start);
        }
    }
    eprintln!();
    ids[42].1.clone()
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // FAZHI_BENCH_DIR keeps the seeded database between runs; without it a temporary one is used.
    let temp = tempfile::tempdir().unwrap();
    let kept = std::env::var("FAZHI_BENCH_DIR").ok().map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| temp.path().to_owned());
    let url = fazhi_store::sqlite_url_for_data_dir(&dir).unwrap();
    let started = Instant::now();
    let (user, records_seen) = runtime.block_on(async {
        let db = Db::connect(&url, fazhi_store::audit_key::load_or_create(&dir, None).unwrap()).await.unwrap();
        let seeded = users::find_by_username(&db, "bench_auditor").await.is_ok();
        let user = if seeded { "user0042".to_owned() } else { seed(&db).await };
        let report = fazhi_store::audit::verify(&db).await.unwrap();
        assert!(report.result.is_ok());
        eprintln!(
            "seeded {} audit records and {USERS} users in {:.1} s",
            report.checked,
            started.elapsed().as_secs_f64()
        );
        db.close().await;
        (user, report.checked)
    });

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let t0 = Instant::now();
    let server = Server(
        Command::new(std::env::var_os("FAZHI_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_fazhi").into()))
            .args(["--data-dir", &dir.display().to_string(), "serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let startup = runtime.block_on(async {
        let c = reqwest::Client::new();
        loop {
            if let Ok(r) = c.get(format!("{base}/healthz")).send().await
                && r.status().is_success()
            {
                return t0.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    });
    let cookie = runtime.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{base}/api/v1/session"))
            .json(&serde_json::json!({"username": "bench_auditor", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
    });
    let pid = server.0.id();
    let idle_rss = rss_kib(pid, "VmRSS:");
    // The filter's dates are Beijing days, as the page reads them: after 16:00 UTC it is tomorrow.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let from = today - chrono::Duration::days(30);
    let page = format!("{base}/audit?user={user}&from={from}&to={today}");
    // The page under test must show a full page of the user's records, not an empty list.
    let body = runtime.block_on(async {
        reqwest::Client::new().get(&page).header("cookie", &cookie).send().await.unwrap().text().await.unwrap()
    });
    let rows = body.matches("data-label=\"序号\"").count();
    assert_eq!(rows, 50, "the filtered audit page should list 50 records of {user}");
    // Warm up, then measure.
    wrk(&page, Some(&cookie), 2, 64);
    let ceiling = wrk(&format!("{base}/healthz"), None, 10, 64);
    // The least any signed-in page costs: the session looked up in the database, nothing else.
    let signed_in = wrk(&format!("{base}/api/v1/me"), Some(&cookie), 10, 64);
    let audit = wrk(&page, Some(&cookie), 10, 64);
    let first = format!("{base}/audit");
    wrk(&first, Some(&cookie), 2, 64);
    let unfiltered = wrk(&first, Some(&cookie), 10, 64);
    let peak_rss = rss_kib(pid, "VmHWM:");

    println!("\naudit list page, {} records, {USERS} users, 64 connections, 2 wrk threads, same 2 cores", records_seen);
    println!("{:<34} {:>10} {:>10} {:>10}", "endpoint", "req/s", "p50 ms", "p99 ms");
    println!(
        "{:<34} {:>10.0} {:>10.2} {:>10.2}",
        "GET /healthz (ceiling)", ceiling.rps, ceiling.p50_ms, ceiling.p99_ms
    );
    println!(
        "{:<34} {:>10.0} {:>10.2} {:>10.2}",
        "GET /api/v1/me (signed in)", signed_in.rps, signed_in.p50_ms, signed_in.p99_ms
    );
    println!(
        "{:<34} {:>10.0} {:>10.2} {:>10.2}",
        "GET /audit?user=…&from=…&to=…", audit.rps, audit.p50_ms, audit.p99_ms
    );
    println!(
        "{:<34} {:>10.0} {:>10.2} {:>10.2}",
        "GET /audit (first page)", unfiltered.rps, unfiltered.p50_ms, unfiltered.p99_ms
    );
    println!(
        "audit pages to the signed-in floor: {:.1} % filtered, {:.1} % first page",
        100.0 * audit.rps / signed_in.rps,
        100.0 * unfiltered.rps / signed_in.rps
    );
    println!("targets: p99 ≤ 50 ms and ≥ 2,000 pages/s on each audit page");
    println!(
        "server RSS: {:.1} MB idle, {:.1} MB peak   (target ≤ 150 MB)",
        idle_rss as f64 / 1024.0,
        peak_rss as f64 / 1024.0
    );
    println!("start-up to first answer on the existing database: {} ms   (target ≤ 1000 ms)", startup.as_millis());
    assert!(!audit.non_2xx && !unfiltered.non_2xx, "the audit page answered with errors under load");
}
