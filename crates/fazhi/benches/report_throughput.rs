//! The report checker's speed and memory:
//! - throughput of check + extract over ≥ 100 MB of reports (the seeds repeated with varied names
//!   and numbers), on one core, beside the floor: decoding the same bytes and splitting them into
//!   lines;
//! - peak memory of `fazhi check` over 1,000 and 10,000 report files (it must stay flat);
//! - `fazhi check` on one seed as a whole process.

/// The engine runs here on the allocator the `fazhi` binary ships with (src/main.rs), as it runs
/// in `fazhi check` and the server; the floor's lines are allocated by it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SEEDS: [&str; 5] = ["shanling-2021", "anwen-2021", "houshan-2023", "caijiang-2022", "fenghuang-2021"];
const TOWNS: [&str; 5] = ["杉岭乡", "安稳镇", "后山镇", "蔡江乡", "凤凰镇"];

fn seeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    SEEDS.iter().map(|s| std::fs::read_to_string(dir.join(format!("{s}.txt"))).unwrap()).collect()
}

/// The n-th variant of a seed: another township's name and every figure shifted.
fn variant(seed: &str, n: usize) -> Vec<u8> {
    let mut text = seed.to_owned();
    for t in TOWNS {
        text = text.replace(t, &format!("第{n}{}", &t[t.len() - 3..]));
    }
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            let v: u64 = digits.parse().unwrap_or(0);
            // Years stay years; other figures move.
            let shifted = if (1990..2100).contains(&v) { v } else { v + (n as u64 % 9) };
            out.push_str(&shifted.to_string());
            digits.clear();
        }
        out.push(c);
    }
    out.push_str(&digits);
    out.into_bytes()
}

fn peak_rss_kib(mut cmd: Command) -> (u64, Duration) {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let pid = child.id();
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kib) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (peak, start.elapsed())
}

fn main() {
    let seeds = seeds();
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut bytes = 0usize;
    let mut n = 0;
    while bytes < 100 * 1024 * 1024 {
        let doc = variant(&seeds[n % seeds.len()], n);
        bytes += doc.len();
        corpus.push(doc);
        n += 1;
    }
    let mb = bytes as f64 / 1024.0 / 1024.0;
    println!("corpus: {} reports, {mb:.1} MB", corpus.len());

    // Floor: decode and split into lines, nothing else.
    let t = Instant::now();
    let mut lines = 0usize;
    for doc in &corpus {
        let text = fazhi_report::input::decode_text("x", doc).unwrap();
        let owned: Vec<String> = text.lines().map(|l| l.trim_end_matches('\r').to_owned()).collect();
        lines += owned.len();
    }
    let floor = t.elapsed();
    // The engine: decode, structure, rules and indicators.
    let t = Instant::now();
    let mut findings = 0usize;
    for doc in &corpus {
        let text = fazhi_report::input::decode_text("x", doc).unwrap();
        let report = fazhi_report::check_text("x", &text);
        findings += report.diagnostics.len() + report.indicators.len();
    }
    let engine = t.elapsed();
    let floor_rate = mb / floor.as_secs_f64();
    let engine_rate = mb / engine.as_secs_f64();
    println!("floor  (decode + split lines):      {floor_rate:8.1} MB/s  ({lines} lines)");
    println!("engine (check + extract, one core): {engine_rate:8.1} MB/s  ({findings} findings)   target ≥ 50 MB/s");
    println!("engine is {:.1}× slower than the floor   (target within 10×)", floor_rate / engine_rate);

    // Memory over a folder: 1,000 and 10,000 files.
    let bin = env!("CARGO_BIN_EXE_fazhi");
    for count in [1_000usize, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        for (i, doc) in corpus.iter().take(count).enumerate() {
            std::fs::write(dir.path().join(format!("{i:05}.txt")), doc).unwrap();
        }
        let mut cmd = Command::new(bin);
        cmd.args(["check", "--format", "json", &dir.path().display().to_string()]);
        let (peak, took) = peak_rss_kib(cmd);
        println!(
            "fazhi check --format json over {count:>6} files: peak RSS {:6.1} MB, {:.2} s",
            peak as f64 / 1024.0,
            took.as_secs_f64()
        );
    }

    // One seed, as a whole process.
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds/houshan-2023.txt");
    let mut runs: Vec<Duration> = (0..30)
        .map(|_| {
            let t = Instant::now();
            Command::new(bin).arg("check").arg(&seed).stdout(Stdio::null()).status().unwrap();
            t.elapsed()
        })
        .collect();
    runs.sort();
    println!(
        "fazhi check houshan-2023.txt, whole process: median {:.1} ms, slowest {:.1} ms   (target < 20 ms)",
        runs[15].as_secs_f64() * 1000.0,
        runs[29].as_secs_f64() * 1000.0
    );
}
