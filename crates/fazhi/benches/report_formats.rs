//! Reading a report from PDF and OFD beside reading the same report from .docx: the five seeds,
//! each made into a .docx (the official-document writer the exports use), an OFD typeset as
//! converters write it and a PDF printed by headless Chromium (the files the PDF and OFD tests
//! read). For each format: the median time to read the file into text, and to read and check it,
//! per report, and the ratio to .docx; beside the PDF, the general reader alone (`pdf*`), which
//! read every PDF before the lazy reader. Target: PDF and OFD within 3× .docx.
//!
//! `cargo bench -p fazhi --bench report_formats` (Chromium from Debian's package for the PDFs);
//! `FAZHI_BENCH_FILES=DIR` keeps the files it measured.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

#[path = "../../fazhi-report/tests/paged/mod.rs"]
mod paged;

use fazhi_office::docx::{Block, OfficialDocument};
use fazhi_report::pdf::{Reader, read_with};
use paged::{SEEDS, seed};

/// The median of `runs` timings of `f`, at least 20 and for at least half a second.
fn median(mut f: impl FnMut()) -> Duration {
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 20 || started.elapsed() < Duration::from_millis(500) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort_unstable();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let chromium = paged::write::chromium("report_formats");
    let mut files: Vec<(&str, &str, Vec<u8>)> = Vec::new();
    for name in SEEDS {
        let text = seed(name);
        let blocks = text.lines().map(|l| Block::Body(l.trim().to_owned())).collect();
        files.push((name, "docx", OfficialDocument { title: String::new(), blocks }.to_docx()));
        files.push((name, "ofd", paged::write::ofd(&text)));
        if let Some(chromium) = &chromium {
            let pdf = paged::write::print_to_pdf(chromium, &paged::write::html(&text), dir.path(), name);
            files.push((name, "pdf", pdf));
        }
    }
    // FAZHI_BENCH_FILES=DIR keeps the files measured, to look at or to profile.
    if let Some(keep) = std::env::var_os("FAZHI_BENCH_FILES") {
        for (name, ext, bytes) in &files {
            std::fs::write(std::path::Path::new(&keep).join(format!("{name}.{ext}")), bytes).unwrap();
        }
    }
    println!("{:<16}{:>6}{:>10}{:>12}{:>16}", "report", "format", "KB", "read ms", "read+check ms");
    let mut totals: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
    for (name, ext, bytes) in &files {
        let file = format!("{name}.{ext}");
        let read = fazhi_report::input::decode_paged(&file, ext, bytes).expect("the report reads");
        assert!(fazhi_report::check_text(&file, &read.text).parts.len() >= 3, "{file} reads as a report");
        let reading = median(|| {
            std::hint::black_box(fazhi_report::input::decode_paged(&file, ext, bytes).unwrap());
        });
        let checking = median(|| {
            let read = fazhi_report::input::decode_paged(&file, ext, bytes).unwrap();
            std::hint::black_box(fazhi_report::check_text(&file, &read.text));
        });
        println!("{name:<16}{ext:>6}{:>10.1}{:>12.2}{:>16.2}", bytes.len() as f64 / 1024.0, ms(reading), ms(checking));
        let t = totals.entry(ext).or_default();
        t.0 += ms(reading);
        t.1 += ms(checking);
        if *ext == "pdf" {
            // The general reader (lopdf and pdf-extract) on the same file, as every PDF was read
            // before the lazy reader: the baseline of the lazy one.
            let general = median(|| {
                std::hint::black_box(read_with(Reader::General, &file, bytes));
            });
            println!("{name:<16}{:>6}{:>10.1}{:>12.2}", "pdf*", bytes.len() as f64 / 1024.0, ms(general));
            totals.entry("pdf*").or_default().0 += ms(general);
        }
    }
    let (docx_read, docx_check) = totals["docx"];
    println!("\nall five seeds, per format (sum of the medians):");
    for (ext, (read, check)) in &totals {
        let checked = match *ext {
            // The general reader is timed reading only.
            "pdf*" => String::new(),
            _ => format!("   read+check {check:>7.2} ms ({:.2}× .docx)", check / docx_check),
        };
        println!("  {ext:<5} read {read:>7.2} ms ({:.2}× .docx){checked}", read / docx_read);
    }
    println!("  (pdf* is the general reader alone, read only: lopdf and pdf-extract, as PDFs were read before)");
    if chromium.is_none() {
        println!("PDF not measured: Chromium is missing");
    }
}
