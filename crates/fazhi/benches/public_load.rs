//! The public side under load (issue 24): 200 concurrent anonymous readers (wrk) on the
//! 1,000,000-record database `ledger_scale` seeds, reading townships' public pages, lists (township
//! 00's library of 100,000 normative documents among them), items, feeds and the open data, target
//! p99 ≤ 50 ms; the same pages asked conditionally (If-None-Match), answered 304; and, beside them
//! in the same run, each page's first answer after a write (made, not kept) and `/healthz`.
//!
//! Run: `FAZHI_BENCH_DIR=/path cargo bench -p fazhi --bench ledger_scale` once to seed, then
//! `FAZHI_BENCH_DIR=/path cargo bench -p fazhi --bench public_load` (needs `wrk`).

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use support::{rss_kib, wrk, wrk_with};

const READERS: u32 = 200;
const SECONDS: u32 = 20;

fn main() {
    let dir = PathBuf::from(std::env::var("FAZHI_BENCH_DIR").expect("FAZHI_BENCH_DIR: the folder ledger_scale seeded"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (server, base) = support::serve(&dir, &[]);
    runtime.block_on(support::ready(&base));
    let client = reqwest::Client::new();
    let get = |path: String| {
        let (client, url) = (client.clone(), format!("{base}{path}"));
        runtime.block_on(async move {
            let started = Instant::now();
            let r = client.get(&url).send().await.unwrap();
            let status = r.status();
            let tag = r.headers().get("etag").map(|t| t.to_str().unwrap().to_owned());
            let body = r.text().await.unwrap();
            (status, tag, body, started.elapsed())
        })
    };

    // The townships as the portal lists them; items found on their lists.
    let (_, _, index, _) = get("/gongkai".into());
    let townships: Vec<String> = index
        .split("href=\"/gongkai/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|s| !s.contains('/'))
        .map(str::to_owned)
        .collect();
    assert!(townships.len() >= 30, "the seeded townships: {}", townships.len());
    let (t00, t05) = (&townships[0], &townships[5]);
    let mut pages: Vec<String> = vec!["/gongkai".into()];
    for t in townships.iter().take(10) {
        pages.push(format!("/gongkai/{t}"));
    }
    for list in ["zhengqiu", "mulu", "juece", "guifan", "zhifa", "zhudong"] {
        pages.push(format!("/gongkai/{t05}/{list}"));
        pages.push(format!("/gongkai/{t05}/{list}/atom.xml"));
        pages.push(format!("/api/v1/public/{t05}/{list}"));
    }
    pages.push(format!("/gongkai/{t00}/guifan"));
    pages.push(format!("/gongkai/{t00}/guifan?page=50"));
    pages.push(format!("/gongkai/{t00}/guifan?q=%E7%AE%A1%E7%90%86%E5%8A%9E%E6%B3%95"));
    pages.push(format!("/api/v1/public/{t00}/guifan?year=2024"));
    pages.push(format!("/gongkai/{t05}/zhinan"));
    for list in ["guifan", "zhifa", "zhudong"] {
        let (_, _, body, _) = get(format!("/api/v1/public/{t05}/{list}"));
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        for item in page["items"].as_array().unwrap().iter().take(10) {
            pages.push(item["url"].as_str().unwrap().to_owned());
        }
    }

    // Each page's first answer: made from the records (nothing kept yet).
    let mut cold = Vec::new();
    let mut tags = Vec::new();
    let mut slow = Vec::new();
    for p in &pages {
        let (status, tag, _, took) = get(p.clone());
        assert!(status.is_success(), "{p}: {status}");
        let ms = took.as_secs_f64() * 1000.0;
        if ms > 50.0 {
            slow.push(format!("  {ms:.0} ms {p}"));
        }
        cold.push(ms);
        tags.push((p.clone(), tag.expect("every public answer carries an ETag")));
    }
    cold.sort_by(f64::total_cmp);
    let pct = |v: &[f64], p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    eprintln!(
        "{} public pages, first answer made from the records: median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        pages.len(),
        pct(&cold, 0.5),
        pct(&cold, 0.9),
        cold.last().unwrap()
    );
    eprintln!("made in more than 50 ms:\n{}", slow.join("\n"));

    // 200 readers over all of them, round robin; then every request conditional (304).
    let script = dir.join("public_load.lua");
    let quoted: Vec<String> = pages.iter().map(|p| format!("{p:?}")).collect();
    std::fs::write(
        &script,
        format!(
            "local paths = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
            quoted.join(", ")
        ),
    )
    .unwrap();
    let conditional = dir.join("public_load_304.lua");
    let pairs: Vec<String> = tags.iter().map(|(p, t)| format!("{{{p:?}, {t:?}}}")).collect();
    std::fs::write(
        &conditional,
        format!(
            "local pages = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  local p = pages[(i % #pages) + 1]\n  return wrk.format(\"GET\", p[1], {{[\"If-None-Match\"] = p[2]}})\nend\n",
            pairs.join(", ")
        ),
    )
    .unwrap();
    let pid = server.0.id();
    let seconds: u32 = std::env::var("FAZHI_PUBLIC_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(SECONDS);
    let health = wrk(&format!("{base}/healthz"), None, seconds, READERS);
    let mixed = wrk_with(&base, None, seconds, READERS, Some(&script.display().to_string()));
    let rss_mixed = rss_kib(pid, "VmRSS:");
    let not_modified = wrk_with(&base, None, seconds, READERS, Some(&conditional.display().to_string()));
    // The same mix while something is written 20 times a second (an unauthenticated API call is
    // refused on the audit trail): every write empties the kept answers.
    let writer = {
        let (client, url) = (client.clone(), format!("{base}/api/v1/me"));
        runtime.spawn(async move {
            loop {
                client.get(&url).send().await.ok();
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let before = runtime.block_on(async { fazhi_store::audit::last_id(&support::open_db(&dir).await).await.unwrap() });
    let written = wrk_with(&base, None, seconds, READERS, Some(&script.display().to_string()));
    writer.abort();
    let after = runtime.block_on(async { fazhi_store::audit::last_id(&support::open_db(&dir).await).await.unwrap() });
    let township = wrk(&format!("{base}/gongkai/{t05}"), None, seconds, READERS);
    let library = wrk(&format!("{base}/gongkai/{t00}/guifan"), None, seconds, READERS);
    // A conditional request the client's copy still matches, checked by hand once more.
    let (p, t) = &tags[1];
    let status = runtime
        .block_on(async { client.get(format!("{base}{p}")).header("if-none-match", t).send().await.unwrap().status() });
    assert_eq!(status, reqwest::StatusCode::NOT_MODIFIED);
    println!("| request ({READERS} readers, {seconds} s) | req/s | p50 | p99 | errors |");
    println!("|---|---|---|---|---|");
    for (name, r) in [
        ("/healthz (beside)", &health),
        ("mixed public pages, feeds, JSON", &mixed),
        ("the same, conditional (304)", &not_modified),
        ("the mix, 20 writes a second beside it", &written),
        ("a township's page", &township),
        ("township 00's library of 100,000 documents", &library),
    ] {
        println!(
            "| {name} | {:.0} | {:.1} ms | {:.1} ms | {} |",
            r.rps,
            r.p50_ms,
            r.p99_ms,
            if r.non_2xx { "some" } else { "0" }
        );
    }
    println!("audit records written during the run with writes: {}", after - before);
    println!("server RSS after the mixed run: {} MB; peak {} MB", rss_mixed / 1024, rss_kib(pid, "VmHWM:") / 1024);
    drop(server);
    std::thread::sleep(Duration::from_millis(100));
}
