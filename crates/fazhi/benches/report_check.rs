//! 报告检查 as a district supervisor uses it: a batch of 40 reports of seed size (the five seeds,
//! each eight times under another township's file name) uploaded to the running server, checked
//! and answered as the results page; the target is under 2 seconds on this machine. The same
//! batch as one .zip, and as the .xlsx answer, beside it; and the 40 as OFD files, and as PDF files
//! printed by Chromium (when it is installed), the formats government sites publish.
//!
//! Run: `cargo bench -p fazhi --bench report_check`.

use std::time::Instant;

use fazhi_domain::role::Role;

mod support;

#[path = "../../fazhi-report/tests/paged/mod.rs"]
mod paged;

const SEEDS: [&str; 5] = ["shanling-2021", "anwen-2021", "houshan-2023", "caijiang-2022", "fenghuang-2021"];

fn batch() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    (0..40)
        .map(|n| {
            let seed = SEEDS[n % SEEDS.len()];
            (format!("第{}乡镇-{seed}.txt", n + 1), std::fs::read(dir.join(format!("{seed}.txt"))).unwrap())
        })
        .collect()
}

/// The batch with each report made into another format by `make`, each seed made once.
fn batch_as(ext: &str, make: impl Fn(&str) -> Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let made: Vec<Vec<u8>> = SEEDS.iter().map(|s| make(&paged::seed(s))).collect();
    (0..40)
        .map(|n| (format!("第{}乡镇-{}.{ext}", n + 1, SEEDS[n % SEEDS.len()]), made[n % SEEDS.len()].clone()))
        .collect()
}

fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().to_owned();
    runtime.block_on(support::installation_with_account(&dir, "bench_supervisor", Role::Supervisor));
    let (_server, base) = support::serve(&dir, &[]);
    let files = batch();
    let zipped = zip_of(&files);
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!("batch: {} reports, {:.0} KB", files.len(), bytes as f64 / 1024.0);
    runtime.block_on(async {
        let client = reqwest::Client::new();
        support::ready(&base).await;
        let cookie = support::login(&base, "bench_supervisor").await;
        let page = client.get(format!("{base}/reports/check")).header("cookie", &cookie).send().await.unwrap();
        let html = page.text().await.unwrap();
        let marker = "name=\"csrf_token\" value=\"";
        let at = html.find(marker).unwrap() + marker.len();
        let csrf = html[at..at + html[at..].find('"').unwrap()].to_owned();
        let send = |parts: Vec<(String, Vec<u8>)>, format: &'static str| {
            let (client, cookie, csrf, base) = (client.clone(), cookie.clone(), csrf.clone(), base.clone());
            async move {
                let mut form = reqwest::multipart::Form::new().text("format", format);
                for (name, bytes) in parts {
                    form = form.part("files", reqwest::multipart::Part::bytes(bytes).file_name(name));
                }
                let started = Instant::now();
                let r = client
                    .post(format!("{base}/reports/check"))
                    .header("cookie", cookie)
                    .header("x-csrf-token", csrf)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "{}", r.status());
                let body = r.bytes().await.unwrap();
                (started.elapsed(), body)
            }
        };
        let mut batches = vec![
            ("40 files, results page", files.clone(), "page"),
            ("one .zip of 40, results page", vec![("县区报告.zip".to_owned(), zipped.clone())], "page"),
            ("40 files, .xlsx answer", files.clone(), "xlsx"),
            ("40 OFD files, results page", batch_as("ofd", paged::write::ofd), "page"),
        ];
        let printed = tempfile::tempdir().unwrap();
        if let Some(chromium) = paged::write::chromium("report_check") {
            let pdf = |text: &str| {
                let name = format!("r{}", text.len());
                paged::write::print_to_pdf(&chromium, &paged::write::html(text), printed.path(), &name)
            };
            batches.push(("40 PDF files, results page", batch_as("pdf", pdf), "page"));
        }
        for (label, parts, format) in batches {
            let mut runs = Vec::new();
            let mut size = 0;
            for _ in 0..9 {
                let (took, body) = send(parts.clone(), format).await;
                if format == "page" {
                    assert!(String::from_utf8_lossy(&body).contains("检查结果（40 份报告）"));
                }
                size = body.len();
                runs.push(took);
            }
            runs.sort();
            println!(
                "{label:<32} median {:7.1} ms, slowest {:7.1} ms, answer {:.0} KB   (target < 2000 ms)",
                runs[4].as_secs_f64() * 1000.0,
                runs[8].as_secs_f64() * 1000.0,
                size as f64 / 1024.0
            );
        }
    });
}
