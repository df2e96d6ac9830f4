//! `fazhi check`, `extract` and `compare` as a reviewer runs them.

mod common;

use std::path::PathBuf;
use std::process::Output;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn fazhi(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run_fazhi(args, stdin)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn seed(name: &str) -> String {
    fixtures().join("seeds").join(name).display().to_string()
}

#[test]
fn a_report_with_errors_exits_1_and_shows_them_like_a_compiler() {
    let o = fazhi(&["check", &seed("houshan-2023.txt")], None);
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    assert!(text.contains("错误[missing-part]: 缺少第五部分：其他需要报告的情况"), "{text}");
    assert!(text.contains("--> houshan-2023.txt:33:1"));
    assert!(text.contains("13 | [bookmark: _GoBack]1.深入开展法律进机关活动"));
    assert!(text.contains("   | ^^^^^^^^^^^^^^^^^^^"), "the debris is underlined");
    assert!(text.contains("houshan-2023.txt：3 个错误，1 个警告"));
}

#[test]
fn a_clean_report_exits_0() {
    let o = fazhi(&["check", &fixtures().join("reports/shifan-2023.txt").display().to_string()], None);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("0 个错误，0 个警告"));
}

#[test]
fn unreadable_files_exit_2_and_the_others_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(seed("anwen-2021.txt"), dir.path().join("anwen-2021.txt")).unwrap();
    std::fs::write(dir.path().join("旧格式.doc"), [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).unwrap();
    std::fs::write(dir.path().join("扫描件.pdf"), b"%PDF-1.4 ...").unwrap();
    let before = std::fs::read(dir.path().join("anwen-2021.txt")).unwrap();
    let o = fazhi(&["check", &dir.path().display().to_string()], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("旧格式.doc") && err.contains("另存为"), "{err}");
    assert!(err.contains("扫描件.pdf") && err.contains("PDF"), "{err}");
    assert!(out(&o).contains("anwen-2021.txt：3 个错误"), "the readable report is checked");
    assert!(out(&o).contains("共检查 3 个文件"));
    assert_eq!(std::fs::read(dir.path().join("anwen-2021.txt")).unwrap(), before, "input is never modified");
}

#[test]
fn pdf_and_ofd_files_are_read_like_the_others() {
    // The fuzzers' starting files: a PDF with a CID font and its ToUnicode map, an OFD page.
    let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(seeds.join("pdf/cid-tounicode.pdf"), dir.path().join("网页下载.pdf")).unwrap();
    std::fs::copy(seeds.join("ofd/houshan-short.ofd"), dir.path().join("后山镇.ofd")).unwrap();
    let o = fazhi(&["extract", "--format", "csv", &dir.path().display().to_string()], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let table = out(&o);
    assert!(table.contains("网页下载.pdf") && table.contains("disputes.received") && table.contains(",40,"), "{table}");
    let o = fazhi(&["check", &dir.path().join("后山镇.ofd").display().to_string()], None);
    assert!(out(&o).contains("后山镇.ofd："), "{}", out(&o));
    assert!(out(&o).contains("（第1页）"), "a finding names its page: {}", out(&o));
    assert!(!out(&o).contains("缺少第一部分"), "the OFD's parts are found: {}", out(&o));
}

#[test]
fn json_from_stdin_in_gb18030_follows_the_contract() {
    let text = std::fs::read_to_string(seed("houshan-2023.txt")).unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let o = fazhi(&["check", "--format", "json"], Some(&gbk));
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["title"], "重庆市万州区后山镇人民政府关于2023年法治政府建设情况的报告");
    assert_eq!(v["year"], 2023);
    assert_eq!(v["signature"], serde_json::Value::Null);
    assert_eq!(v["parts"][1]["kind"], "leaders");
    assert_eq!(v["parts"][1]["line"], 23);
    let petitions = v["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "petitions.total").unwrap();
    assert_eq!(
        (petitions["value"].as_i64(), petitions["unit"].as_str(), petitions["line"].as_i64()),
        (Some(118), Some("件次"), Some(19))
    );
}

#[test]
fn several_files_give_a_json_array_and_an_html_page() {
    let seeds = fixtures().join("seeds").display().to_string();
    let o = fazhi(&["check", "--format", "json", &seeds], None);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 5);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("结果.html");
    let o = fazhi(&["check", "--format", "html", "-o", &page.display().to_string(), &seeds], None);
    assert_eq!(o.status.code(), Some(1));
    let html = std::fs::read_to_string(page).unwrap();
    assert!(html.contains("法治政府建设年度报告检查结果") && html.contains("<mark>[bookmark: _GoBack]</mark>"));
    assert!(html.contains("@media print"));
}

#[test]
fn extract_lists_the_indicators_as_csv() {
    let o = fazhi(&["extract", "--format", "csv", &seed("houshan-2023.txt")], None);
    assert_eq!(o.status.code(), Some(0));
    let csv = out(&o);
    assert!(csv.starts_with("file,id,value,unit,qualifier,line,text\n"));
    assert!(csv.contains("houshan-2023.txt,petitions.total,118,件次,exact,19,2023年办结信访、来访共118件次"), "{csv}");
    assert!(csv.contains("houshan-2023.txt,publicity.materials,3000,份,at_least,14,"));
}

#[test]
fn compare_lines_reports_up_side_by_side() {
    let o = fazhi(&["compare", &seed("anwen-2021.txt"), &seed("houshan-2023.txt")], None);
    assert_eq!(o.status.code(), Some(0));
    let table = out(&o);
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("重庆市綦江区安稳镇人民政府 2021") && header.contains("重庆市万州区后山镇人民政府 2023"),
        "{table}"
    );
    let other = table.lines().find(|l| l.starts_with("部分：其他需要报告的情况")).unwrap();
    assert!(other.contains('有') && other.contains('缺'), "{other}");
    let thematic = table.lines().find(|l| l.starts_with("study.thematic_sessions")).unwrap();
    assert!(thematic.contains("3次 / 5次") && thematic.contains("8次"), "{thematic}");
    let json = fazhi(&["compare", "--format", "json", &seed("anwen-2021.txt"), &seed("houshan-2023.txt")], None);
    let v: serde_json::Value = serde_json::from_str(&out(&json)).unwrap();
    assert_eq!(v[1]["indicators"]["petitions.total"][0], "118件次");
}
