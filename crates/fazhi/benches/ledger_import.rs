//! `fazhi import` of 100,000 normative-document rows, each replayed through the ledger engine step
//! by step (issue 15: ≤ 20 s and ≤ 300 MB on this machine), beside another build's import of the
//! same file (FAZHI_BASELINE_BIN: the direct import it replaced), and the export of what was
//! imported (≤ 5 s). Each command runs in its own process on a fresh embedded database, with its
//! peak memory.
//!
//! Run: `cargo bench -p fazhi --bench ledger_import`; with a baseline,
//! `FAZHI_BASELINE_BIN=/path/to/old/fazhi cargo bench -p fazhi --bench ledger_import`.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use fazhi_domain::ledgers::normative_documents;
use fazhi_office::xlsx::{Cell, TableWriter};
use support::timed;

const ROWS: usize = 100_000;
const PASSWORD: &str = "Bench-Passw0rd";

/// One document, in one of the states a township's ledger holds: most in force (every step of the
/// procedure replayed, most of them filed upward), some under review, some drafts. Dates from
/// 2018 to 2025; a tenth related to business, with its thirty days of comment and its
/// fair-competition review.
fn document_row(headers: &[&str], n: usize) -> Vec<Cell> {
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
            "文件名称" => Cell::Text(format!("关于加强第{n}项工作管理的规定")),
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

fn run(bin: &Path, dir: &Path, args: &[&str], stdin: Option<&str>) {
    let mut child = Command::new(bin)
        .args(["--data-dir", &dir.display().to_string()])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A fresh installation with a district, 乡镇00 and its principal leader who is also a clerk (so
/// every step of the procedure is theirs to replay), then the import timed.
fn measure(bin: &Path, file: &Path, replay: bool) -> (f64, f64, String, Option<(f64, f64)>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(bin, d, &["org", "add", "--kind", "district", "基准区"], None);
    run(bin, d, &["org", "add", "--kind", "township", "--parent", "基准区", "乡镇00"], None);
    let user = ["user", "add", "--org", "乡镇00", "--role", "clerk", "--role", "leader", "--keep-password", "bench"];
    run(bin, d, &user, Some(&format!("{PASSWORD}\n{PASSWORD}\n")));
    run(bin, d, &["org", "principals", "乡镇00", "bench"], None);
    let file = file.display().to_string();
    let mut args = vec!["import", "--kind", "normative_documents", "--org", "乡镇00"];
    if replay {
        args.extend(["--as", "bench"]);
    }
    args.push(&file);
    let mut import = Command::new(bin);
    import.args(["--data-dir", &d.display().to_string()]).args(&args).env("RUST_LOG", "warn");
    let (took, rss, status, out) = timed(&mut import);
    assert!(status.success(), "{out}");
    let export = replay.then(|| {
        let target = d.join("export.xlsx").display().to_string();
        let mut export = Command::new(bin);
        export.args(["--data-dir", &d.display().to_string()]).env("RUST_LOG", "warn").args([
            "export",
            "--kind",
            "normative_documents",
            "--org",
            "乡镇00",
            "--with-personal-data",
            &target,
        ]);
        let (took, rss, status, out) = timed(&mut export);
        assert!(status.success(), "{out}");
        (took.as_secs_f64(), rss as f64 / 1024.0)
    });
    (took.as_secs_f64(), rss as f64 / 1024.0, out.trim().to_owned(), export)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("documents.xlsx");
    let kind = &normative_documents::KIND;
    let headers: Vec<&str> = kind.table_headers().into_iter().filter(|h| *h != "编号" && *h != "版本").collect();
    let mut w = TableWriter::new(kind.label, &headers).unwrap();
    for n in 0..ROWS {
        w.push(&document_row(&headers, n)).unwrap();
    }
    std::fs::write(&file, w.finish().unwrap()).unwrap();
    println!("{ROWS} normative-document rows, {} MB", std::fs::metadata(&file).unwrap().len() / 1_000_000);

    let this = Path::new(env!("CARGO_BIN_EXE_fazhi"));
    let (s, mb, out, export) = measure(this, &file, true);
    println!("replayed import (this build):  {s:>6.2} s, peak {mb:>6.1} MB   (targets ≤ 20 s, ≤ 300 MB)   {out}");
    if let Some((s, mb)) = export {
        println!("export of what was imported:   {s:>6.2} s, peak {mb:>6.1} MB   (target ≤ 5 s)");
    }
    if let Some(base) = std::env::var_os("FAZHI_BASELINE_BIN") {
        let (s, mb, out, _) = measure(Path::new(&base), &file, false);
        println!("direct import (baseline):      {s:>6.2} s, peak {mb:>6.1} MB   {out}");
    }
}
