//! Drafting a township's annual report from 100,000 ledger records, and writing it as .docx,
//! against the targets of issue 6 (≤ 200 ms and ≤ 50 ms), each beside pandoc converting the same
//! report from Markdown to .docx on this machine (Debian's `pandoc`), as a ratio.
//!
//! Run: `cargo bench -p fazhi --bench report_draft`. Drafting is counted from the ledgers in the
//! database (SQLite) to the draft in memory: the year's figures, the open deadlines, the text.

use std::process::Command;
use std::time::{Duration, Instant};

use fazhi_store::{Db, Scope};

mod support;

const YEAR: i32 = 2022;
/// The demo's volumes times this: about 100,000 records in the township over 2021–2023.
const SCALE: f64 = 97.0;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = fazhi_store::sqlite_url_for_data_dir(dir.path()).unwrap();
    let (draft, records, draft_time) = runtime.block_on(async {
        let db = Db::connect(&url, fazhi_store::audit_key::load_or_create(dir.path(), None).unwrap()).await.unwrap();
        let all = Scope::everything();
        let (_, town) = support::district_with_township(&db).await;
        let records =
            fazhi_store::demo::generate_history(&db, town, "01", &["杉岭村", "枫香村", "三台村", "沙坝村"], 7, SCALE)
                .await
                .unwrap();
        // Warm the caches once, then time.
        fazhi_web::annual_report::new_draft(&db, &all, town, YEAR).await.unwrap();
        let mut runs = Vec::new();
        let mut draft = None;
        for _ in 0..9 {
            let started = Instant::now();
            draft = Some(fazhi_web::annual_report::new_draft(&db, &all, town, YEAR).await.unwrap());
            runs.push(started.elapsed());
        }
        let mut figure_runs = Vec::new();
        for _ in 0..9 {
            let started = Instant::now();
            fazhi_store::indicators::for_year(&db, &all, town, YEAR).await.unwrap();
            figure_runs.push(started.elapsed());
        }
        eprintln!("of which the year's figures: {:.1} ms", median(figure_runs).as_secs_f64() * 1000.0);
        (draft.unwrap(), records, median(runs))
    });
    let mut runs = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..51 {
        let started = Instant::now();
        bytes = fazhi_web::export::docx(&draft);
        runs.push(started.elapsed());
    }
    let docx_time = median(runs);
    assert!(bytes.starts_with(b"PK"), "a .docx is a zip");

    let md = dir.path().join("report.md");
    std::fs::write(&md, fazhi_web::export::markdown(&draft)).unwrap();
    let out = dir.path().join("pandoc.docx");
    let pandoc = |args: &[&str]| Command::new("pandoc").args(args).output();
    let pandoc_time = match pandoc(&["--version"]) {
        Ok(o) if o.status.success() => {
            let mut runs = Vec::new();
            for _ in 0..7 {
                let started = Instant::now();
                let o = pandoc(&[md.to_str().unwrap(), "-o", out.to_str().unwrap()]).unwrap();
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                runs.push(started.elapsed());
            }
            Some(median(runs))
        }
        _ => None,
    };

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("\nannual report of a township-year from its ledgers ({records} records in the township, SQLite)");
    println!("draft from the ledgers:   {:>8.1} ms   (target ≤ 200 ms)", ms(draft_time));
    println!("export .docx (GB/T 9704): {:>8.2} ms   (target ≤ 50 ms), {} bytes", ms(docx_time), bytes.len());
    match pandoc_time {
        Some(p) => {
            println!("pandoc .md → .docx:       {:>8.1} ms   (the same report, a new process each time)", ms(p));
            println!("ratio draft / pandoc:     {:>8.2}", ms(draft_time) / ms(p));
            println!("ratio .docx / pandoc:     {:>8.3}", ms(docx_time) / ms(p));
        }
        None => println!("pandoc not installed (apt-get install pandoc): no ratio"),
    }
}
