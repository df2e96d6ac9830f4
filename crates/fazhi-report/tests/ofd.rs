//! OFD (GB/T 33190) as converters write it, made here by hand: each seed typeset on A4 pages the
//! way GB/T 9704 sets an official document (a 156 mm text block, paragraphs indented two
//! characters, Latin characters half as wide, the title centred, the signature and date set right,
//! a running title and the page number on every page), each visual line split into two text
//! objects. Read back, it is the seed: the same paragraphs, parts and indicators.

mod paged;

use fazhi_report::input;
use paged::write::{NS, ofd, ofd_of_pages, zip};
use paged::{SEEDS, seed};

#[test]
fn the_seeds_as_ofd_read_back_as_the_seeds() {
    for name in SEEDS {
        let text = seed(name);
        let bytes = ofd(&text);
        let read = input::decode(&format!("{name}.ofd"), "ofd", &bytes).unwrap();
        paged::assert_reads_as_seed(name, &text, &read);
    }
}

#[test]
fn the_cli_reads_an_ofd_by_its_content() {
    // A file named .ofd, and one whose name says nothing, are both read as OFD.
    let text = seed("houshan-2023");
    let bytes = ofd(&text);
    let dir = tempfile::tempdir().unwrap();
    for file in ["houshan.ofd", "houshan.bin.zip"] {
        let path = dir.path().join(file);
        std::fs::write(&path, &bytes).unwrap();
        let report = fazhi_report::check_path(&path).unwrap();
        assert_eq!(report.year, Some(2023), "{file}");
        // Each finding names the page its line starts on; the report runs over several.
        let pages: Vec<u32> = report.diagnostics.iter().map(|d| d.page.expect("a page")).collect();
        assert!(!pages.is_empty() && pages.iter().all(|p| *p >= 1), "{pages:?}");
        let last = report.diagnostics.iter().max_by_key(|d| d.line).unwrap();
        assert!(last.page.unwrap() > 1, "the report's last finding is past its first page");
        assert!(
            fazhi_report::render::diagnostic_text(&report, last, false)
                .contains(&format!("（第{}页）", last.page.unwrap()))
        );
    }
}

#[test]
fn an_ofd_without_text_is_refused_as_a_scan() {
    let image = r#"<ofd:ImageObject ID="5" Boundary="0 0 210 297" ResourceID="6"/>"#.to_owned();
    let err = input::decode("扫描件.ofd", "ofd", &ofd_of_pages(&[image.clone(), image])).unwrap_err();
    assert!(err.0.contains("没有文字") && err.0.contains("扫描件"), "{}", err.0);
}

#[test]
fn a_damaged_or_foreign_ofd_gets_one_chinese_line() {
    let err = input::decode("x.ofd", "ofd", b"this is not a zip").unwrap_err();
    assert!(err.0.starts_with("x.ofd：") && err.0.contains("OFD"), "{}", err.0);
    // A zip without OFD.xml named .ofd.
    let bytes = zip(&[("readme.txt".to_owned(), "hello".to_owned())]);
    let err = input::decode("y.ofd", "ofd", &bytes).unwrap_err();
    assert!(err.0.contains("没有 OFD.xml"), "{}", err.0);
    // OFD.xml naming a document that is not there.
    let root =
        format!(r#"<ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#);
    let err = input::decode("z.ofd", "ofd", &zip(&[("OFD.xml".to_owned(), root)])).unwrap_err();
    assert!(err.0.contains("缺少 Doc_0/Document.xml"), "{}", err.0);
}

#[test]
fn an_ofd_page_unpacking_past_the_limit_is_refused_as_a_bomb() {
    // 80 MB of spaces compress to a few hundred kilobytes.
    let page = " ".repeat(80 * 1024 * 1024);
    let bytes = ofd_of_pages(&[page]);
    assert!(bytes.len() < 1024 * 1024);
    let err = input::decode("bomb.ofd", "ofd", &bytes).unwrap_err();
    assert!(err.0.contains("过大"), "{}", err.0);
}
