//! The ledgers' search at the scale of a large district (issue 20), beside the substring scan it
//! replaced, in one run:
//! - search pages (and, beside them, the list without words and 我的待办) under 32 concurrent
//!   clients (wrk) on the 1,000,000-record database that
//!   `ledger_scale` seeds: a township clerk's and the district supervisor's searches of 1, 2, 3, 4
//!   and 8 characters — served by this build, and by another build (`FAZHI_BASELINE_BIN`) from a
//!   copy of the database taken back to schema 12: a build from before the index scans it, a later
//!   one migrates it first and is compared as it stands (target p99 ≤ 50 ms);
//! - the index built by this build's migration of that copy, with the progress it prints
//!   (target ≤ 2 minutes);
//! - writes with the indexes beside the same writes on a database whose indexes were dropped
//!   (target ≥ 80 %), in a township as large as one of `ledger_scale`'s: step-taking as people
//!   do it (a decision created and its draft published, one transaction each, two clerks at once,
//!   the indexes brought up to date beside them as `fazhi serve` does), and the township's
//!   generated years in one bulk transaction, indexed after it (the indexes' whole cost on the
//!   writers' clock).
//!
//! Run: `FAZHI_BENCH_DIR=/path cargo bench -p fazhi --bench ledger_scale` once to seed, then
//! `FAZHI_BENCH_DIR=/path FAZHI_BASELINE_BIN=/path/to/old/fazhi cargo bench -p fazhi --bench
//! search_scale` (needs `wrk`). `FAZHI_BENCH_WRITES_ONLY=1` measures only the write rate, which
//! needs no seeded database.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fazhi_store::Db;
use sea_orm::{ConnectionTrait, Database};
use support::{Server, WrkResult, wrk};

fn fazhi(bin: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(bin);
    c.args(["--data-dir", &dir.display().to_string()]).args(args).env("RUST_LOG", "info");
    c
}

/// A copy of the data folder's database and key, as a backup would carry them.
fn copy_data(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("fazhi.db") || name == "audit.key" {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// What drops the SQLite search index: its triggers, then its table.
fn drop_search_index() -> impl Iterator<Item = String> {
    fazhi_store::SQLITE_SEARCH_INDEX_OBJECTS.into_iter().map(|(kind, name)| format!("DROP {kind} {name}"))
}

/// Takes a database back to schema 12, as the build before the index left it.
async fn back_to_schema_12(dir: &Path) {
    let url = fazhi_store::sqlite_url_for_data_dir(dir).unwrap();
    let conn = Database::connect(url.as_str()).await.unwrap();
    for sql in drop_search_index().chain(
        [
            "DROP TABLE ledger_kind_numbers",
            "DROP TABLE attachment_chunks",
            "DELETE FROM seaql_migrations WHERE version > 'm013'",
            "UPDATE schema_meta SET value = '12' WHERE key = 'schema_version'",
            "VACUUM",
        ]
        .map(String::from),
    ) {
        conn.execute_unprepared(&sql).await.unwrap();
    }
    conn.close().await.unwrap();
}

fn serve(bin: &Path, dir: &Path) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let server = Server(
        fazhi(bin, dir, &["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let c = reqwest::Client::new();
        while !c.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    (server, base)
}

const SEARCHES: &[(&str, &str, &str)] = &[
    ("clerk", "3 chars 欠工资", "/ledgers/petitions?q=%E6%AC%A0%E5%B7%A5%E8%B5%84"),
    ("clerk", "4 chars 拖欠工资", "/ledgers/petitions?q=%E6%8B%96%E6%AC%A0%E5%B7%A5%E8%B5%84"),
    (
        "clerk",
        "8 chars 反映拖欠工资问题",
        "/ledgers/petitions?q=%E5%8F%8D%E6%98%A0%E6%8B%96%E6%AC%A0%E5%B7%A5%E8%B5%84%E9%97%AE%E9%A2%98",
    ),
    ("clerk", "2 chars 工资 (pair index; the baseline scans)", "/ledgers/petitions?q=%E5%B7%A5%E8%B5%84"),
    ("clerk", "1 char 资 (bounded scan)", "/ledgers/petitions?q=%E8%B5%84"),
    ("supervisor", "3 chars 欠工资, 30 townships", "/ledgers/petitions?q=%E6%AC%A0%E5%B7%A5%E8%B5%84"),
    ("supervisor", "4 chars 拖欠工资, 30 townships", "/ledgers/petitions?q=%E6%8B%96%E6%AC%A0%E5%B7%A5%E8%B5%84"),
    (
        "supervisor",
        "8 chars, 30 townships",
        "/ledgers/petitions?q=%E5%8F%8D%E6%98%A0%E6%8B%96%E6%AC%A0%E5%B7%A5%E8%B5%84%E9%97%AE%E9%A2%98",
    ),
    ("supervisor", "2 chars 工资, 30 townships", "/ledgers/petitions?q=%E5%B7%A5%E8%B5%84"),
    ("supervisor", "a word found nowhere, 30 townships", "/ledgers/petitions?q=%E6%97%A0%E6%AD%A4%E4%BA%8B%E9%A1%B9"),
    // Beside them, the pages people open most: the list without words, and 我的待办.
    ("clerk", "list without words", "/ledgers/petitions"),
    ("supervisor", "list without words, 30 townships", "/ledgers/petitions"),
    ("clerk", "我的待办", "/todo"),
    ("supervisor", "我的待办, 30 townships", "/todo"),
];

/// Every search under 32 connections against one server.
fn measure(bin: &Path, dir: &Path, seconds: u32) -> (Vec<WrkResult>, f64) {
    let (server, base) = serve(bin, dir);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let clerk = runtime.block_on(support::login(&base, "bench_clerk"));
    let supervisor = runtime.block_on(support::login(&base, "bench_supervisor"));
    let mut out = Vec::new();
    for (who, _, path) in SEARCHES {
        let cookie = if *who == "clerk" { &clerk } else { &supervisor };
        let url = format!("{base}{path}");
        wrk(&url, Some(cookie), 1, 32);
        out.push(wrk(&url, Some(cookie), seconds, 32));
    }
    let peak = support::rss_kib(server.0.id(), "VmHWM:") as f64 / 1024.0;
    (out, peak)
}

/// A fresh database with one township as large as each of `ledger_scale`'s (its scale, 18), so
/// that writes meet indexes of a real size, with the search indexes or with them dropped; the
/// township. The township's years are generated in one bulk transaction (the engine checks each
/// record): how long that took, and its records, counting the indexes' batches after it.
async fn township_database(dir: &Path, indexed: bool) -> (Db, i64, usize, f64) {
    let url = fazhi_store::sqlite_url_for_data_dir(dir).unwrap();
    let key = || fazhi_store::audit_key::load_or_create(dir, None).unwrap();
    let mut db = Db::connect(&url, key()).await.unwrap();
    if !indexed {
        let conn = Database::connect(url.as_str()).await.unwrap();
        for sql in drop_search_index() {
            conn.execute_unprepared(&sql).await.unwrap();
        }
        conn.close().await.unwrap();
        // Connected again, the store sees the indexes gone and keeps none of them.
        db.close().await;
        db = Db::connect(&url, key()).await.unwrap();
    }
    let (_, township) = support::district_with_township(&db).await;
    let started = Instant::now();
    let n = fazhi_store::demo::generate_history(&db, township, "01", &["一村", "二村", "三村"], 7, 18.0).await.unwrap();
    while db.index_pending_search().await.unwrap() > 0 {}
    (db, township, n, started.elapsed().as_secs_f64())
}

/// Records per second of the township's generated years, the indexes brought up to date after
/// them (their whole cost on the writers' clock).
async fn bulk_rate(indexed: bool) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let (db, _, n, seconds) = township_database(dir.path(), indexed).await;
    db.close().await;
    n as f64 / seconds
}

/// Step-taking writes as people make them, one write transaction each: decisions created and
/// their drafts published by two clerks at once, in the generated township, with the indexes
/// brought up to date every quarter second beside them, as `fazhi serve` does it, and at the end.
/// Writes per second, until the last is written and indexed.
async fn step_rate(indexed: bool) -> f64 {
    use fazhi_domain::ledger::ActorFacts;
    use fazhi_domain::ledgers::decisions;
    use fazhi_domain::role::Role;
    const CLERK: ActorFacts<'static> =
        ActorFacts { name: "杉岭乡经办人", roles: &[Role::Clerk], principal_leader: false };
    const EACH: usize = 1_500;
    let dir = tempfile::tempdir().unwrap();
    let (db, township, _, _) = township_database(dir.path(), indexed).await;
    let started = Instant::now();
    let indexer = tokio::spawn(db.clone().keep_search_indexed());
    let clerks: Vec<_> = (0..2u64)
        .map(|clerk| {
            let db = db.clone();
            tokio::spawn(async move {
                let rules = fazhi_store::rules::current(&db).await.unwrap();
                let (ctx, scope) = (rules.ctx(), fazhi_store::Scope::everything());
                let actor =
                    fazhi_store::Actor { user_id: None, name: "杉岭乡经办人".into(), ip: "127.0.0.1".into() };
                let mut rng = fastrand::Rng::with_seed(clerk);
                let field = |pairs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
                    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
                };
                for i in 0..EACH {
                    let title = format!(
                        "关于{}{}的决定（{clerk}-{i}）",
                        ["集镇", "村道", "敬老院", "农贸市场", "饮用水源"][rng.usize(..5)],
                        ["改造提升", "规划调整", "管理办法", "收费标准", "安全整治"][rng.usize(..5)]
                    );
                    let input = field(&[("title", &title), ("catalogue_year", "2026"), ("lead_unit", "党政办")]);
                    let kind = &decisions::KIND;
                    let made =
                        fazhi_store::ledger::create(&db, &actor, &scope, kind, township, &input, &ctx).await.unwrap();
                    let step = field(&[("draft_published_on", "2026-12-01"), ("comment_days", "30")]);
                    fazhi_store::ledger::take(
                        &db,
                        &actor,
                        CLERK,
                        &scope,
                        kind,
                        made.id,
                        made.version,
                        "publish_draft",
                        &step,
                        &ctx,
                    )
                    .await
                    .unwrap();
                }
            })
        })
        .collect();
    for clerk in clerks {
        clerk.await.unwrap();
    }
    indexer.abort();
    while db.index_pending_search().await.unwrap() > 0 {}
    let seconds = started.elapsed().as_secs_f64();
    db.close().await;
    (2 * 2 * EACH) as f64 / seconds
}

/// The writes with the indexes against without them, each the best of three runs taken in turn
/// (this machine's rate varies by a tenth from one run to the next).
struct WriteRates {
    bulk: (f64, f64),
    steps: (f64, f64),
}

fn write_rates(runtime: &tokio::runtime::Runtime) -> WriteRates {
    let best = |rate: &dyn Fn(bool) -> f64| {
        let (mut with_index, mut without) = (0f64, 0f64);
        for _ in 0..3 {
            with_index = with_index.max(rate(true));
            without = without.max(rate(false));
        }
        (with_index, without)
    };
    WriteRates {
        steps: best(&|indexed| runtime.block_on(step_rate(indexed))),
        bulk: best(&|indexed| runtime.block_on(bulk_rate(indexed))),
    }
}

fn print_write_rates(rates: &WriteRates) {
    for (label, unit, (with_index, without)) in [
        ("step-taking, two clerks at once, indexed beside them as `fazhi serve` does", "writes", rates.steps),
        ("a township's years in one bulk transaction, indexed after it", "records", rates.bulk),
    ] {
        println!(
            "{label}: {with_index:.0} {unit}/s with the indexes, {without:.0} without: {:.0} %   (target ≥ 80 %)",
            with_index / without * 100.0
        );
    }
}

fn main() {
    if std::env::var_os("FAZHI_BENCH_WRITES_ONLY").is_some() {
        print_write_rates(&write_rates(&tokio::runtime::Runtime::new().unwrap()));
        return;
    }
    let dir = PathBuf::from(std::env::var("FAZHI_BENCH_DIR").expect("FAZHI_BENCH_DIR: the folder ledger_scale seeded"));
    let baseline = std::env::var_os("FAZHI_BASELINE_BIN").map(PathBuf::from);
    let current = PathBuf::from(env!("CARGO_BIN_EXE_fazhi"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seconds = 10;

    // This build's database first: a database seeded before the index gets it here.
    let out = fazhi(&current, &dir, &["calendar", "list"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let work = dir.join("search-bench");
    std::fs::remove_dir_all(&work).ok();
    let (old, migrated) = (work.join("schema-12"), work.join("migrated"));
    copy_data(&dir, &old);
    runtime.block_on(back_to_schema_12(&old));
    copy_data(&old, &migrated);

    // The index built by the migration of the copy taken back to schema 12.
    let started = Instant::now();
    let out = fazhi(&current, &migrated, &["calendar", "list"]).output().unwrap();
    let build = started.elapsed().as_secs_f64();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let progress: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("检索索引"))
        .map(|l| {
            // The console line as a person reads it: from the message on, colour codes dropped.
            let mut parts = l.split('\x1b');
            let mut plain = parts.next().unwrap_or_default().to_owned();
            for part in parts {
                plain.push_str(part.split_once('m').map_or(part, |(_, rest)| rest));
            }
            plain.split("fazhi_store::db:").last().unwrap_or(&plain).trim().to_owned()
        })
        .collect();

    let (indexed, peak) = measure(&current, &dir, seconds);
    let scanned = baseline.as_deref().map(|bin| measure(bin, &old, seconds));

    let writes = write_rates(&runtime);

    println!("\nsearch at scale: the 1,000,000-record database of ledger_scale, SQLite, 32 connections, 2 cores");
    println!("{:<40} {:>21} {:>24}", "", "this build", "baseline (FAZHI_BASELINE_BIN)");
    println!("{:<48} {:>8} {:>6} {:>6} {:>8} {:>7} {:>7}", "page", "req/s", "p50", "p99", "req/s", "p50", "p99");
    for (i, (who, label, _)) in SEARCHES.iter().enumerate() {
        let r = &indexed[i];
        let before = scanned
            .as_ref()
            .map(|(s, _)| format!("{:>8.0} {:>7.1} {:>7.1}", s[i].rps, s[i].p50_ms, s[i].p99_ms))
            .unwrap_or_else(|| "(no FAZHI_BASELINE_BIN)".into());
        println!(
            "{:<48} {:>8.0} {:>6.1} {:>6.1} {before}{}",
            format!("{who}: {label}"),
            r.rps,
            r.p50_ms,
            r.p99_ms,
            if r.non_2xx { "  (errors!)" } else { "" }
        );
    }
    println!(
        "server peak RSS: {peak:.0} MB with the index{}",
        match &scanned {
            Some((_, p)) => format!(", {p:.0} MB before"),
            None => String::new(),
        }
    );
    println!("index built by the migration of the copy at schema 12: {build:.1} s   (target ≤ 120 s)");
    for line in progress {
        println!("  {line}");
    }
    print_write_rates(&writes);
    std::fs::remove_dir_all(&work).ok();
}
