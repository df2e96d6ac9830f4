//! 报告检查 in the browser's requests: a district supervisor uploads a folder's reports, a .zip of
//! them among the files, and gets one table with a row per report, each report's findings at their
//! lines, the reports side by side, and the same as .xlsx; what cannot be read is named, and the
//! others are still checked. Nothing uploaded is kept.

mod common;

use common::TestApp;
use fazhi_domain::role::Role;

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds").join(name))
        .unwrap()
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

async fn upload(s: &common::Session, files: Vec<(&str, Vec<u8>)>, format: &str) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("csrf_token", s.csrf.clone()).text("format", format.to_owned());
    for (name, bytes) in files {
        form = form.part("files", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    }
    s.client.post(s.url("/reports/check")).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn a_supervisor_checks_a_batch_and_gets_one_table() {
    let app = TestApp::spawn().await;
    let s = app.login(app.account(Role::Supervisor)).await;
    let page = s.get("/reports/check").await.text().await.unwrap();
    assert!(page.contains("年度报告检查") && page.contains("id=\"files\""), "{page}");

    let batch = zip_of(&[
        ("报告/anwen-2021.txt", seed("anwen-2021.txt")),
        ("报告/caijiang-2022.txt", seed("caijiang-2022.txt")),
        ("报告/嵌套.zip", zip_of(&[("x.txt", b"x".to_vec())])),
    ]);
    let files = vec![
        ("houshan-2023.txt", seed("houshan-2023.txt")),
        ("shanling-2021.txt", seed("shanling-2021.txt")),
        ("区县报告.zip", batch),
        ("扫描件.pdf", b"%PDF-1.4 broken".to_vec()),
        ("旧格式.doc", vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
    ];
    let r = upload(&s, files.clone(), "page").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    // A row per readable report, with its issuer, year and counts.
    assert!(html.contains("检查结果（4 份报告）"), "{html}");
    assert!(html.contains("重庆市万州区后山镇人民政府"), "the issuer is shown");
    assert!(html.contains("区县报告.zip/anwen-2021.txt") && html.contains("区县报告.zip/caijiang-2022.txt"));
    assert!(html.contains("缺“其他需要报告的情况”"), "a missing part is named");
    // Each report's findings at their lines, with the span marked.
    assert!(html.contains("第33行第1列") && html.contains("<mark>"), "{html}");
    // The reports side by side.
    assert!(html.contains("id=\"check-compare\"") && html.contains("第一部分：主要举措和成效"));
    // What could not be read, one line each; the others are still checked.
    assert!(html.contains("未能检查的文件（3 个）"), "{html}");
    assert!(html.contains("区县报告.zip/嵌套.zip") && html.contains("压缩包中的压缩包不会展开"));
    assert!(html.contains("旧格式.doc") && html.contains("另存为"));
    assert!(html.contains("扫描件.pdf") && html.contains("PDF"));
    assert!(!html.contains("扫描件.pdf：PDF"), "the file's name is not said twice");

    // The same as .xlsx: a summary sheet, the findings and the figures.
    let r = upload(&s, files, "xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    let book = fazhi_office::xlsx::read_sheets(&r.bytes().await.unwrap()).unwrap();
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["检查汇总", "问题清单", "提取的数字"]);
    let summary = &book[0].1;
    assert_eq!(summary.rows().count(), 7, "four reports and three refused files");
    let findings = &book[1].1;
    assert!(findings.rows().any(|(_, row)| row.iter().any(|c| c.contains("缺少第五部分"))));
}

#[tokio::test]
async fn an_empty_or_oversized_upload_gets_a_chinese_message() {
    let app = TestApp::spawn().await;
    let s = app.login(app.account(Role::Clerk)).await;
    let r = upload(&s, Vec::new(), "page").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("请选择要检查的报告文件"));
    let big = vec![b' '; 21 * 1024 * 1024];
    let r = upload(&s, vec![("很大的报告.txt", big), ("houshan-2023.txt", seed("houshan-2023.txt"))], "page").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("很大的报告.txt") && html.contains("文件超过 20 MB"), "{html}");
    assert!(html.contains("检查结果（1 份报告）"));
}

/// A .zip whose entries would unpack past what a batch may hold is not held whole: the entries
/// past the limit are named and left unchecked, the others are checked.
#[tokio::test]
async fn a_zip_unpacking_past_the_batch_limit_is_cut_short() {
    let app = TestApp::spawn().await;
    let s = app.login(app.account(Role::Adviser)).await;
    let mut entries: Vec<(String, Vec<u8>)> = vec![("houshan-2023.txt".into(), seed("houshan-2023.txt"))];
    // Seven pictures of 19 MB each (refused at once as pictures when read): 133 MB unpacked, well
    // under two megabytes packed.
    for n in 1..=7 {
        let mut picture = vec![0u8; 19 * 1024 * 1024];
        picture[..4].copy_from_slice(&[0x89, b'P', b'N', b'G']);
        entries.push((format!("扫描{n}.png"), picture));
    }
    let entries: Vec<(&str, Vec<u8>)> = entries.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let packed = {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in &entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    assert!(packed.len() < 2 * 1024 * 1024);
    let r = upload(&s, vec![("大批量.zip", packed)], "page").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("合计超过 128 MB"), "{html}");
    assert!(html.contains("大批量.zip/houshan-2023.txt"), "the entries within the limit are checked");
}
