//! Report files made from a report's text, as the PDF and OFD tests and the formats benchmark
//! need them: an OFD typeset by hand (as converters write it) and a PDF printed by headless
//! Chromium from the report set as an official document.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use zip::write::SimpleFileOptions;

pub const SIZE: f64 = 5.6;
pub const LEFT: f64 = 27.0;
pub const WIDTH: f64 = 156.0;
pub const TOP: f64 = 37.0;
pub const PITCH: f64 = 10.6;
pub const LINES_PER_PAGE: usize = 22;

pub fn advance(c: char) -> f64 {
    if c.is_ascii() { SIZE / 2.0 } else { SIZE }
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// One text object: its characters from `x` on the baseline `y`.
pub fn text_object(id: usize, x: f64, y: f64, text: &str) -> String {
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
pub fn typeset(report: &str) -> Vec<(f64, String)> {
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

pub fn zip(parts: &[(String, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        w.start_file(name.as_str(), SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated))
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub const NS: &str = r#"xmlns:ofd="http://www.ofdspec.org/2016""#;

pub fn ofd_of_pages(pages: &[String]) -> Vec<u8> {
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
pub fn ofd(report: &str) -> Vec<u8> {
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

/// Debian's Chromium, or `None` (after saying why) when it is missing and the run does not
/// require the browser.
pub fn chromium(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("FAZHI_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| "/usr/bin/chromium".into());
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("FAZHI_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "{test}: FAZHI_REQUIRE_BROWSER=1 but chromium is missing"
    );
    eprintln!("skipped {test}: install Debian's chromium and fonts-noto-cjk to run it");
    None
}

/// A report set as GB/T 9704 sets an official document, in HTML for Chromium to print.
pub fn html(report: &str) -> String {
    let lines: Vec<&str> = report.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let body: String = lines
        .iter()
        .enumerate()
        .map(|(k, l)| {
            // A short first line is the title; a long one is the opening paragraph.
            let class = if k == 0 && l.chars().count() <= 28 {
                "title"
            } else if k + 2 >= lines.len() && l.chars().count() < 20 {
                "tail"
            } else {
                "p"
            };
            format!("<p class=\"{class}\">{}</p>\n", escape(l))
        })
        .collect();
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
  @top-center {{ content: "法治政府建设年度报告（公开）"; font-size: 10pt; }}
  @bottom-center {{ content: "— " counter(page) " —"; font-size: 14pt; }} }}
body {{ font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 16pt; line-height: 28pt; margin: 0; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
p.title {{ text-indent: 0; text-align: center; font-size: 22pt; line-height: 36pt; }}
p.tail {{ text-indent: 0; text-align: right; }}
</style></head><body>{body}</body></html>"#
    )
}

pub fn print_to_pdf(chromium: &Path, html: &str, dir: &Path, name: &str) -> Vec<u8> {
    let page = dir.join(format!("{name}.html"));
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&page, html).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "chromium could not print {name}");
    std::fs::read(pdf).unwrap()
}
