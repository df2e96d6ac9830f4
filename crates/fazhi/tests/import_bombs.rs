//! Spreadsheets built to exhaust the server's memory: a sheet that declares a vast grid with two
//! cells, a shared string that unpacks to 1 GiB, a header cell far longer than any cell can be.
//! Each is refused with a short Chinese message while the server grows by at most 100 MB. This
//! file holds one test, so the process's peak memory is this test's alone.

mod common;

use std::io::Write;

use common::TestApp;
use reqwest::StatusCode;

/// Writes a part's content straight into the package, so a huge part is never held whole.
type PartWriter<'a> = &'a mut dyn FnMut(&mut dyn Write);

/// A minimal .xlsx package: one sheet, and shared strings when given.
fn package(sheet_data: &[u8], shared_strings: Option<PartWriter<'_>>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    let mut part = |name: &str, bytes: &[u8]| {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    };
    part(
        "[Content_Types].xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        "xl/_rels/workbook.xml.rels",
        br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    part("xl/worksheets/sheet1.xml", sheet_data);
    if let Some(write) = shared_strings {
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        write(&mut zip);
    }
    zip.finish().unwrap().into_inner()
}

fn sheet(dimension: &str, cells: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
    )
    .into_bytes()
}

/// Peak and current resident memory of this process, in MB.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| -> u64 {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[tokio::test]
async fn spreadsheet_bombs_are_refused_in_bounded_memory() {
    let sparse = package(
        &sheet(
            "A1:XFD1048576",
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>状态</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
        ),
        None,
    );
    let sparse_undeclared = package(
        &sheet(
            "A1",
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>状态</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
        ),
        None,
    );
    let mut one_gib_string = |out: &mut dyn Write| {
        out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#).unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..1024 {
            out.write_all(&chunk).unwrap();
        }
        out.write_all(b"</t></si></sst>").unwrap();
    };
    let shared = package(&sheet("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#), Some(&mut one_gib_string));
    let long_header = package(
        &sheet(
            "A1",
            &format!(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row>"#, "标".repeat(40_000)),
        ),
        None,
    );
    assert!(shared.len() < 20 * 1024 * 1024, "the 1 GiB string packs small: {} bytes", shared.len());

    let app = TestApp::spawn().await;
    let clerk = app.login("t_clerk").await;
    let (_, before) = memory();
    for (name, file, expected) in [
        ("sparse", sparse, "一次最多导入"),
        ("sparse without its dimension", sparse_undeclared, "一次最多导入"),
        ("1 GiB shared string", shared, "解压后过大"),
        ("long header cell", long_header, "超过 32767 个字符"),
    ] {
        let (status, page) = clerk.upload_spreadsheet("/ledgers/normative_documents/import", file).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}");
        assert!(page.contains(expected), "{name}: {}", page.chars().take(300).collect::<String>());
        assert!(!page.contains("aaaaaaaaaa") && !page.contains(&"标".repeat(101)), "{name}: content echoed");
        let (peak, _) = memory();
        assert!(peak.saturating_sub(before) <= 100, "{name}: grew from {before} MB to a peak of {peak} MB");
    }
}
