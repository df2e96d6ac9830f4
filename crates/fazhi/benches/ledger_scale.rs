//! The ledger engine at the scale of a large district: 1,000,000 records across 30 townships and
//! all the ledger kinds (township 00 holds 100,000 normative documents; the other 29 the demo's
//! generated years, every kind, at 30 times the seeds' volumes). Measures, against the targets of
//! issue 4 (rerun for issue 5 with every kind present):
//! - `fazhi import` of 100,000 rows (≤ 10 s) and `fazhi export` of them (≤ 5 s), each in its own
//!   process, with its peak memory (≤ 300 MB);
//! - `fazhi calendar load` recounting every open deadline (≤ 10 s);
//! - a filtered, sorted list page under 32 concurrent clients (wrk): p99 ≤ 50 ms;
//! - the district's overview of a year under 16 concurrent supervisors: p99 ≤ 100 ms, and the
//!   comparison workbook of 30 townships × 5 years: ≤ 2 s (issue 17);
//! - the district's open-limit counts walked limit by limit (issue 17's first way) beside the
//!   counts kept with each write, in the same run.
//!
//! Run: `cargo bench -p fazhi --bench ledger_scale` (needs `wrk`, Debian's package). Seeding takes
//! a few minutes; FAZHI_BENCH_DIR keeps the seeded database for the next run, and FAZHI_BIN runs
//! another build of `fazhi` (a baseline) in place of this one.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fazhi_domain::ledger::LedgerKind;
use fazhi_domain::ledgers::normative_documents;
use fazhi_domain::role::Role;
use fazhi_office::xlsx::TableWriter;
use fazhi_store::orgs::{self, NewOrg};
use fazhi_store::users::{self, NewUser};
use fazhi_store::{Actor, Db, Scope};
use support::{PASSWORD, Server, document_row, rss_kib, timed, wrk};

const TOWNSHIPS: usize = 30;
const TOTAL: usize = 1_000_000;
/// The township whose import and export are timed.
const BIG: usize = 100_000;
/// The demo's volumes times this, per township over its five years: about 31,000 records each,
/// 900,000 in all.
const SCALE: f64 = 18.0;

/// Township `t`'s documents as a spreadsheet, replayed through the procedure on import.
fn sheet(kind: &LedgerKind, t: usize, rows: usize) -> Vec<u8> {
    let headers = kind.table_headers();
    let mut w = TableWriter::new(kind.label, &headers).unwrap();
    for n in 0..rows {
        w.push(&document_row(&headers, &format!("乡镇{t:02}"), n)).unwrap();
    }
    w.finish().unwrap()
}

fn fazhi(dir: &Path, args: &[&str]) -> Command {
    // FAZHI_BIN measures another build (a baseline) on the same data, side by side.
    let mut c = Command::new(std::env::var_os("FAZHI_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_fazhi").into()));
    c.args(["--data-dir", &dir.display().to_string()]).args(args).env("RUST_LOG", "warn");
    c
}

struct Measured {
    import_s: f64,
    import_mb: f64,
    export_s: f64,
    export_mb: f64,
    recount_s: f64,
    recount_out: String,
}

async fn seed(db: &Db, dir: &Path) -> Measured {
    let actor = Actor::system();
    let all = Scope::everything();
    let new_org = |name: String, kind: &str, parent: Option<i64>, i: usize| NewOrg {
        name,
        kind: kind.into(),
        parent_id: parent,
        sort_order: i as i32,
    };
    let district = orgs::create(db, &actor, &all, new_org("基准区".into(), "district", None, 0)).await.unwrap();
    let mut townships = Vec::new();
    for t in 0..TOWNSHIPS {
        let org = orgs::create(db, &actor, &all, new_org(format!("乡镇{t:02}"), "township", Some(district.id), t))
            .await
            .unwrap();
        townships.push(org);
    }
    for (name, org, roles) in [
        ("bench_clerk", townships[5].id, vec![Role::Clerk]),
        ("bench_supervisor", district.id, vec![Role::Supervisor]),
        // Township 00's principal leader, a clerk too: every step of its documents is theirs.
        ("bench_importer", townships[0].id, vec![Role::Clerk, Role::Leader]),
    ] {
        let user = NewUser {
            username: name.into(),
            display_name: name.into(),
            org_id: org,
            roles,
            password: PASSWORD.into(),
            must_change_password: false,
            service_account: false,
        };
        let created = users::create(db, &actor, &all, user).await.unwrap();
        if name == "bench_importer" {
            orgs::set_principals(db, &actor, &all, townships[0].id, &[created.id]).await.unwrap();
        }
    }

    // Township 00: 100,000 documents, imported by the command line in its own process.
    let big = dir.join("big.xlsx");
    std::fs::write(&big, sheet(&normative_documents::KIND, 0, BIG)).unwrap();
    let big = big.display().to_string();
    let (import, import_rss, status, out) = timed(&mut fazhi(
        dir,
        &["import", "--kind", "normative_documents", "--org", "乡镇00", "--as", "bench_importer", &big],
    ));
    assert!(status.success(), "{out}");
    eprintln!("township 00: {out}");
    let exported = dir.join("export.xlsx").display().to_string();
    let (export, export_rss, status, out) = timed(&mut fazhi(
        dir,
        &["export", "--kind", "normative_documents", "--org", "乡镇00", "--with-personal-data", &exported],
    ));
    assert!(status.success(), "{out}");
    assert!(out.contains(&format!("{BIG} 条")), "{out}");

    // The other 900,000 or so: every kind, generated and walked through the engine as the demo's
    // past years are, at 30 times the demo's volumes.
    let started = Instant::now();
    let mut generated = 0;
    for (t, org) in townships.iter().enumerate().skip(1) {
        let code = format!("{t:02}");
        generated += fazhi_store::demo::generate_history(db, org.id, &code, &["一村", "二村", "三村"], t as u64, SCALE)
            .await
            .unwrap();
        eprint!("{t} ");
    }
    eprintln!(
        "\ngenerated {generated} records of every kind in {} townships in {:.0} s",
        TOWNSHIPS - 1,
        started.elapsed().as_secs_f64()
    );

    // A newly published year: every open deadline is recounted.
    let notice = dir.join("2027.json");
    std::fs::write(&notice, r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#)
        .unwrap();
    let (recount, _, status, recount_out) =
        timed(&mut fazhi(dir, &["calendar", "load", &notice.display().to_string()]));
    assert!(status.success(), "{recount_out}");
    Measured {
        import_s: import.as_secs_f64(),
        import_mb: import_rss as f64 / 1024.0,
        export_s: export.as_secs_f64(),
        export_mb: export_rss as f64 / 1024.0,
        recount_s: recount.as_secs_f64(),
        recount_out,
    }
}

/// The district's open limits by township and kind, counted the way issue 17 first did (one
/// grouped walk of every limit due by the window's end, years of overdue ones included) and the
/// way it does now (the counts kept with each write, and a range of the limits not yet due):
/// median milliseconds of 20 runs each, in the same run, and whether both agree.
async fn open_limit_counts(db: &Db) -> (f64, f64, bool) {
    use sea_orm::{ConnectionTrait, Statement};
    let scope = Scope::everything();
    let townships = fazhi_store::district::Townships::of(db, &scope).await.unwrap();
    let calendar = fazhi_store::calendar::current(db).await.unwrap();
    let today = fazhi_store::beijing_today();
    let soon = fazhi_domain::ledger::due_soon_until(&calendar, today);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let walk_sql = format!(
        "SELECT org_id, kind, SUM(CASE WHEN due < '{today}' THEN 1 ELSE 0 END), COUNT(*) FROM ledger_deadlines \
         WHERE due <= '{soon}' GROUP BY org_id, kind"
    );
    let (mut walked, mut kept) = (Vec::new(), Vec::new());
    let (mut walked_total, mut agree) = ((0i64, 0i64), true);
    for _ in 0..20 {
        let started = Instant::now();
        let backend = db.raw_for_tests().get_database_backend();
        let rows = db.raw_for_tests().query_all_raw(Statement::from_string(backend, walk_sql.clone())).await.unwrap();
        walked.push(started.elapsed().as_secs_f64() * 1000.0);
        walked_total = rows.iter().fold((0, 0), |(o, s), r| {
            let (overdue, open) = (r.try_get_by_index::<i64>(2).unwrap(), r.try_get_by_index::<i64>(3).unwrap());
            (o + overdue, s + open - overdue)
        });
        let started = Instant::now();
        let counted = fazhi_store::district::open_limits(db, &scope, &townships, today, soon).await.unwrap();
        kept.push(started.elapsed().as_secs_f64() * 1000.0);
        let kept_total = counted.values().fold((0, 0), |(o, s), limits| (o + limits.overdue, s + limits.due_soon));
        agree &= kept_total == walked_total;
    }
    eprintln!("open limits: {} overdue, {} due within five working days", walked_total.0, walked_total.1);
    (median(walked), median(kept), agree)
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let temp = tempfile::tempdir().unwrap();
    let kept = std::env::var("FAZHI_BENCH_DIR").ok().map(std::path::PathBuf::from);
    let dir = kept.unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&dir).unwrap();
    let url = fazhi_store::sqlite_url_for_data_dir(&dir).unwrap();
    let measured = runtime.block_on(async {
        let db = Db::connect(&url, fazhi_store::audit_key::load_or_create(&dir, None).unwrap()).await.unwrap();
        let seeded = users::find_by_username(&db, "bench_clerk").await.is_ok();
        let m = if seeded { None } else { Some(seed(&db, &dir).await) };
        let counts = open_limit_counts(&db).await;
        db.close().await;
        (m, counts)
    });
    let (measured, counts) = measured;

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let server =
        Server(fazhi(&dir, &["serve", "--bind", &format!("127.0.0.1:{port}")]).stdout(Stdio::null()).spawn().unwrap());
    runtime.block_on(async {
        let c = reqwest::Client::new();
        while !c.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    let clerk = runtime.block_on(support::login(&base, "bench_clerk"));
    let supervisor = runtime.block_on(support::login(&base, "bench_supervisor"));
    let pages = [
        ("township clerk: petitions archived, last first", &clerk, "/ledgers/petitions?state=archived&sort=updated"),
        (
            "township clerk: search 拖欠工资",
            &clerk,
            "/ledgers/petitions?q=%E6%8B%96%E6%AC%A0%E5%B7%A5%E8%B5%84&sort=title",
        ),
        ("district supervisor: disputes closed, by name", &supervisor, "/ledgers/disputes?state=closed&sort=title"),
        (
            "district supervisor: documents under review",
            &supervisor,
            "/ledgers/normative_documents?state=reviewing&sort=title",
        ),
        ("township clerk: 我的待办", &clerk, "/todo"),
        ("district supervisor: 我的待办 (counts)", &supervisor, "/todo"),
    ];
    let mut results = Vec::new();
    for (label, cookie, path) in pages {
        let url = format!("{base}{path}");
        let body = runtime.block_on(async {
            reqwest::Client::new().get(&url).header("cookie", cookie).send().await.unwrap().text().await.unwrap()
        });
        assert!(!body.contains("没有符合条件的记录"), "{label}: the page under test lists records");
        wrk(&url, Some(cookie), 2, 32);
        results.push((label, wrk(&url, Some(cookie), 10, 32)));
    }
    // The district's overview of a year, and its comparison workbook of every township, five years.
    let cockpit_url = format!("{base}/cockpit?year=2024&indicator=petition_on_time_rate");
    let body = runtime.block_on(async {
        reqwest::Client::new()
            .get(&cockpit_url)
            .header("cookie", &supervisor)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert!(body.contains("乡镇29") && body.contains("id=\"row-petitions\""), "the overview lists every township");
    wrk(&cockpit_url, Some(&supervisor), 2, 16);
    let cockpit = wrk(&cockpit_url, Some(&supervisor), 10, 16);
    let every: Vec<&str> = fazhi_domain::key_indicators::ALL.iter().map(|k| k.code).collect();
    let export_url = format!("{base}/cockpit/compare/export?indicators={}&from=2021&to=2025", every.join(","));
    let (export_time, export_bytes) = runtime.block_on(async {
        let started = Instant::now();
        let r = reqwest::Client::new().get(&export_url).header("cookie", &supervisor).send().await.unwrap();
        assert!(r.status().is_success());
        let bytes = r.bytes().await.unwrap();
        (started.elapsed(), bytes.len())
    });
    let peak = rss_kib(server.0.id(), "VmHWM:") as f64 / 1024.0;

    println!(
        "\nledgers at scale: about {TOTAL} records of every kind, {TOWNSHIPS} townships, SQLite, 2 cores shared with the load"
    );
    if let Some(m) = measured {
        println!(
            "fazhi import, {BIG} rows:       {:>6.2} s, peak {:>6.1} MB   (targets ≤ 10 s, ≤ 300 MB)",
            m.import_s, m.import_mb
        );
        println!(
            "fazhi export, {BIG} rows:       {:>6.2} s, peak {:>6.1} MB   (targets ≤ 5 s, ≤ 300 MB)",
            m.export_s, m.export_mb
        );
        println!("calendar load + recount of all: {:>6.2} s                  (target ≤ 10 s)", m.recount_s);
        println!("  {}", m.recount_out.trim());
    } else {
        println!("(seeded database reused: import, export and recount were measured when it was seeded)");
    }
    println!("{:<46} {:>9} {:>8} {:>8}", "list page, 32 connections", "req/s", "p50 ms", "p99 ms");
    for (label, r) in &results {
        println!(
            "{label:<46} {:>9.0} {:>8.2} {:>8.2}{}",
            r.rps,
            r.p50_ms,
            r.p99_ms,
            if r.non_2xx { "  (errors!)" } else { "" }
        );
    }
    println!(
        "{:<46} {:>9.0} {:>8.2} {:>8.2}{}   (target p99 ≤ 100 ms, 16 connections)",
        "district overview of a year (30 townships)",
        cockpit.rps,
        cockpit.p50_ms,
        cockpit.p99_ms,
        if cockpit.non_2xx { "  (errors!)" } else { "" }
    );
    println!(
        "comparison workbook, 30 townships × 5 years, every indicator: {:.3} s, {} KB   (target ≤ 2 s)",
        export_time.as_secs_f64(),
        export_bytes / 1024
    );
    println!(
        "district open-limit counts, median of 20: walking every limit {:.1} ms, kept counts {:.1} ms{}",
        counts.0,
        counts.1,
        if counts.2 { "" } else { "  (the two disagree!)" }
    );
    println!("server peak RSS: {peak:.1} MB");
}
