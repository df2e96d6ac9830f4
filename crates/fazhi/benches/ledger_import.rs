//! `fazhi import` of 100,000 normative-document rows, each replayed through the ledger engine step
//! by step (issue 15: ≤ 20 s and ≤ 300 MB on this machine), beside another build's import of the
//! same file (FAZHI_BASELINE_BIN: the direct import it replaced, or a later build's replay), and the
//! export of what was
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
use fazhi_office::xlsx::TableWriter;
use support::{PASSWORD, document_row, timed};

const ROWS: usize = 100_000;

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
        w.push(&document_row(&headers, "", n)).unwrap();
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
        // A build from before issue 15 imports rows directly; a later one replays them too.
        let help = Command::new(&base).args(["import", "--help"]).output().unwrap();
        let replays = String::from_utf8_lossy(&help.stdout).contains("--as");
        let (s, mb, out, export) = measure(Path::new(&base), &file, replays);
        let how = if replays { "replayed import (baseline):" } else { "direct import (baseline):  " };
        println!("{how}    {s:>6.2} s, peak {mb:>6.1} MB   {out}");
        if let Some((s, mb)) = export {
            println!("export (baseline):             {s:>6.2} s, peak {mb:>6.1} MB");
        }
    }
}
