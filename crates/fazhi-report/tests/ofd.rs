//! OFD (GB/T 33190) as converters write it, made here by hand: each seed typeset on A4 pages the
//! way GB/T 9704 sets an official document (a 156 mm text block, paragraphs indented two
//! characters, Latin characters half as wide, the title centred, the signature and date set right,
//! a running title and the page number on every page), each visual line split into two text
//! objects. Read back, it is the seed: the same paragraphs, parts and indicators.

use std::io::Write;

mod paged;

use fazhi_report::input;
use paged::{SEEDS, seed};
use zip::write::SimpleFileOptions;

const SIZE: f64 = 5.6;
const LEFT: f64 = 27.0;
const WIDTH: f64 = 156.0;
const TOP: f64 = 37.0;
const PITCH: f64 = 10.6;
const LINES_PER_PAGE: usize = 22;

fn advance(c: char) -> f64 {
    if c.is_ascii() { SIZE / 2.0 } else { SIZE }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// One text object: its characters from `x` on the baseline `y`.
fn text_object(id: usize, x: f64, y: f64, text: &str) -> String {
    let deltas: Vec<String> = text.chars().map(|c| format!("{:.2}", advance(c))).collect();
    let width: f64 = text.chars().map(advance).sum();
    format!(
        r#"<ofd:TextObject ID="{id}" Boundary="{x:.2} {top:.2} {width:.2} {SIZE}" Font="3" Size="{SIZE}"><ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="{SIZE}" DeltaX="{}">{}</ofd:TextCode></ofd:TextObject>"#,
        deltas[..deltas.len().saturating_sub(1)].join(" "),
        escape(text),
        top = y - SIZE,
    )
}

/// The visual lines of a report: (x, text) each, typeset as GB/T 9704 sets them.
fn typeset(report: &str) -> Vec<(f64, String)> {
    let paragraphs: Vec<&str> = report.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut lines = Vec::new();
    let width = |s: &str| s.chars().map(advance).sum::<f64>();
    for (k, p) in paragraphs.iter().enumerate() {
        let tail = k + 2 >= paragraphs.len() && width(p) < WIDTH * 0.6;
        if k == 0 && width(p) <= WIDTH {
            lines.push((LEFT + (WIDTH - width(p)) / 2.0, p.to_string()));
            continue;
        }
        if tail {
            lines.push((LEFT + WIDTH - width(p), p.to_string()));
            continue;
        }
        // Wrapped to the text block, the first line indented two characters.
        let mut x = LEFT + 2.0 * SIZE;
        let mut line = String::new();
        for c in p.chars() {
            if x + width(&line) + advance(c) > LEFT + WIDTH + 0.01 {
                lines.push((x, std::mem::take(&mut line)));
                x = LEFT;
            }
            line.push(c);
        }
        lines.push((x, line));
    }
    lines
}

fn zip(parts: &[(String, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        w.start_file(name.as_str(), SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated))
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const NS: &str = r#"xmlns:ofd="http://www.ofdspec.org/2016""#;

fn ofd_of_pages(pages: &[String]) -> Vec<u8> {
    let root = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0C1D4F7159954EEEDE517F7285E84DC4</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    );
    let list: String = (0..pages.len())
        .map(|n| format!(r#"<ofd:Page ID="{}" BaseLoc="Pages/Page_{n}/Content.xml"/>"#, n + 100))
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>9999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>{list}</ofd:Pages></ofd:Document>"#
    );
    let mut parts = vec![("OFD.xml".to_owned(), root), ("Doc_0/Document.xml".to_owned(), document)];
    for (n, content) in pages.iter().enumerate() {
        parts.push((
            format!("Doc_0/Pages/Page_{n}/Content.xml"),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content><ofd:Layer ID="{}">{content}</ofd:Layer></ofd:Content></ofd:Page>"#,
                n + 1
            ),
        ));
    }
    zip(&parts)
}

/// A report as an OFD: pages of typeset lines, each with its running title and page number.
fn ofd(report: &str) -> Vec<u8> {
    let lines = typeset(report);
    let running = "法治政府建设年度报告（公开）";
    let mut id = 1000;
    let mut next = || {
        id += 1;
        id
    };
    let pages: Vec<String> = lines
        .chunks(LINES_PER_PAGE)
        .enumerate()
        .map(|(n, page)| {
            let mut objects = text_object(next(), LEFT + WIDTH - running.chars().count() as f64 * 4.0, 20.0, running);
            for (k, (x, text)) in page.iter().enumerate() {
                let y = TOP + k as f64 * PITCH;
                // Converters cut a line into several objects; the reader puts them together.
                let half: String = text.chars().take(text.chars().count() / 2).collect();
                let rest = &text[half.len()..];
                objects.push_str(&text_object(next(), *x, y, &half));
                let after: f64 = half.chars().map(advance).sum();
                if !rest.is_empty() {
                    objects.push_str(&text_object(next(), x + after, y, rest));
                }
            }
            objects.push_str(&text_object(next(), 95.0, 283.0, &format!("— {} —", n + 1)));
            objects
        })
        .collect();
    ofd_of_pages(&pages)
}

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
