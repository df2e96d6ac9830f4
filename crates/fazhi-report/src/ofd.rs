//! OFD (GB/T 33190), the national format of electronic official documents: a zip of XML.
//! `OFD.xml` names the document (`DocRoot`), the document lists its pages (`Page BaseLoc`), and
//! each page's `Content.xml` places its text: `TextObject` (its `Boundary` "x y w h" in
//! millimetres, its `Size`) holding `TextCode`s (X and Y of the baseline within the boundary,
//! `DeltaX` the advances of its characters). Templates (a page's running header and footer) are
//! not read. The same size limits as a .docx hold: no part is unpacked past them.

use quick_xml::events::{BytesStart, Event};

use crate::input::{ReadError, ZipParts};
use crate::layout::Run;

/// More pages than any report has: a document listing more is refused, not read.
const MAX_PAGES: usize = 2_000;

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

/// An attribute's value as written, without unescaping: the numbers of a page's text (a
/// `Boundary`, `X`, `DeltaX`) hold no entities, and a page holds thousands of them.
fn raw<'e>(e: &'e BytesStart<'_>, key: &str) -> Option<std::borrow::Cow<'e, str>> {
    e.attributes().with_checks(false).flatten().find(|a| a.key.local_name().as_ref() == key).map(|a| a.value)
}

/// A number as OFD writes its coordinates (`5.60`, `-3`, `1e-2`): the plain forms read here at
/// once, others by the standard parser. A page holds thousands of them.
fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mut value, mut scale, mut point, mut any) = (0u64, 1u64, false, false);
    for &b in digits.as_bytes() {
        match b {
            b'0'..=b'9' if value < 1 << 50 && scale < 1 << 40 => {
                value = value * 10 + (b - b'0') as u64;
                if point {
                    scale *= 10;
                }
                any = true;
            }
            b'.' if !point => point = true,
            _ => return text.parse().ok(),
        }
    }
    let value = value as f64 / scale as f64;
    any.then_some(if negative { -value } else { value })
}

fn numbers(text: &str) -> impl Iterator<Item = f64> + '_ {
    text.split_ascii_whitespace().filter_map(number)
}

/// The sum of the first `n` advances of `DeltaX`, with its run-length form ("g 3 5.2" is three
/// advances of 5.2), and `size` for each advance it does not give.
fn advance_of(delta_x: &str, n: usize, size: f64) -> f64 {
    let mut tokens = delta_x.split_ascii_whitespace();
    let (mut sum, mut taken) = (0.0, 0);
    while taken < n {
        let Some(t) = tokens.next() else { break };
        if t == "g" {
            let count = tokens.next().and_then(number).map_or(0, |c| c as usize).min(n - taken);
            let value = tokens.next().and_then(number).unwrap_or(0.0);
            sum += value * count as f64;
            taken += count;
        } else if let Some(v) = number(t) {
            sum += v;
            taken += 1;
        }
    }
    sum + size * (n - taken) as f64
}

/// The path of a part named from inside another: relative to the naming part's folder, or from
/// the package's root when it starts with `/`.
fn resolve(from: &str, location: &str) -> String {
    let location = location.trim();
    if let Some(rooted) = location.strip_prefix('/') {
        return rooted.to_owned();
    }
    let folder = from.rsplit_once('/').map(|(f, _)| f).unwrap_or("");
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for p in location.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The text of the first element named `name` (by its local name).
fn element_text(xml: &str, name: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut inside = false;
    loop {
        match reader.read_event().ok()? {
            Event::Eof => return None,
            Event::Start(e) if e.local_name().as_ref() == name => inside = true,
            Event::Text(t) if inside => return Some(t.xml10_content().trim().to_owned()),
            Event::End(_) if inside => return None,
            _ => {}
        }
    }
}

/// The runs of one page's content.
fn page_runs(xml: &str) -> Result<Vec<Run>, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut runs = Vec::new();
    // The text object being read: its origin and character size; then the code being read (its
    // origin, its advances as written, its text).
    let mut object: Option<(f64, f64, f64)> = None;
    let mut code: Option<(f64, f64, String, String)> = None;
    loop {
        match reader.read_event()? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "TextObject" => {
                    let (x, y) = raw(&e, "Boundary").map_or((0.0, 0.0), |b| {
                        let mut at = numbers(&b);
                        (at.next().unwrap_or(0.0), at.next().unwrap_or(0.0))
                    });
                    let size = raw(&e, "Size").and_then(|s| number(&s)).filter(|s| *s > 0.0).unwrap_or(3.5);
                    object = Some((x, y, size));
                }
                "TextCode" => {
                    // Its three attributes read in one pass: a page holds thousands of codes.
                    let (mut x, mut y, mut deltas) = (0.0, 0.0, String::new());
                    for a in e.attributes().with_checks(false).flatten() {
                        match a.key.local_name().as_ref() {
                            "X" => x = number(&a.value).unwrap_or(0.0),
                            "Y" => y = number(&a.value).unwrap_or(0.0),
                            "DeltaX" => deltas = a.value.into_owned(),
                            _ => {}
                        }
                    }
                    code = Some((x, y, deltas, String::new()));
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some((_, _, _, text)) = &mut code {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, _, _, text)) = &mut code {
                    text.push_str(crate::input::entity(&r));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "TextCode" => {
                    if let (Some((ox, oy, size)), Some((x, y, deltas, text))) = (object, code.take()) {
                        // Each character advances by its DeltaX (by its size where none is
                        // given), and the last takes its size.
                        let count = text.chars().count();
                        let width = advance_of(&deltas, count.saturating_sub(1), size) + size;
                        runs.push(Run { x: ox + x, y: oy + y, width, size, text });
                    }
                }
                "TextObject" => object = None,
                _ => {}
            },
            _ => {}
        }
    }
    Ok(runs)
}

/// The text of an OFD package, one paragraph a line, and the page each line starts on.
pub(crate) fn read_ofd(name: &str, zip: &mut ZipParts<'_>) -> Result<(String, Vec<u32>), ReadError> {
    let damaged = |what: &str| ReadError(format!("{name}：OFD 文件已损坏（{what}）；请用 OFD 阅读器重新导出"));
    let root = zip.part("OFD.xml")?.ok_or_else(|| damaged("缺少 OFD.xml"))?;
    let doc_path = element_text(&root, "DocRoot").map(|d| resolve("", &d)).ok_or_else(|| damaged("未指明文档"))?;
    let document = zip.part(&doc_path)?.ok_or_else(|| damaged(&format!("缺少 {doc_path}")))?;
    let mut locations = Vec::new();
    let mut reader = quick_xml::Reader::from_str(&document);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Page" => {
                if let Some(at) = attr(&e, "BaseLoc") {
                    locations.push(resolve(&doc_path, &at));
                }
            }
            Ok(_) => {}
            Err(e) => return Err(damaged(&format!("{doc_path} 无法解析：{e}"))),
        }
        if locations.len() > MAX_PAGES {
            return Err(ReadError(format!("{name}：OFD 文件超过 {MAX_PAGES} 页，不像年度报告，已拒绝读取")));
        }
    }
    let mut pages = Vec::with_capacity(locations.len());
    for location in &locations {
        let content = zip.part(location)?.ok_or_else(|| damaged(&format!("缺少页面 {location}")))?;
        pages.push(page_runs(&content).map_err(|e| damaged(&format!("{location} 无法解析：{e}")))?);
    }
    if pages.iter().all(|p| p.iter().all(|r| r.text.trim().is_empty())) {
        return Err(ReadError(format!(
            "{name}：OFD 文件中没有文字（可能是扫描件或图片），无法检查；请提供原始的 .docx 或 .txt 文件"
        )));
    }
    Ok(crate::layout::paragraphs(pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_found_from_the_naming_part() {
        assert_eq!(resolve("", "Doc_0/Document.xml"), "Doc_0/Document.xml");
        assert_eq!(resolve("Doc_0/Document.xml", "Pages/Page_0/Content.xml"), "Doc_0/Pages/Page_0/Content.xml");
        assert_eq!(resolve("Doc_0/Document.xml", "/Doc_0/Pages/P1.xml"), "Doc_0/Pages/P1.xml");
        assert_eq!(resolve("Doc_0/Document.xml", "../Res/x.xml"), "Res/x.xml");
    }

    #[test]
    fn numbers_read_in_every_form_ofd_writes() {
        assert_eq!(number("5.60"), Some(5.6));
        assert_eq!(number(" -3 "), Some(-3.0));
        assert_eq!(number(".5"), Some(0.5));
        assert_eq!(number("1e-2"), Some(0.01));
        assert_eq!(number("12345678901234567890.5"), Some(12345678901234567890.5));
        assert_eq!(number("x"), None);
        assert_eq!(number("-"), None);
    }

    #[test]
    fn advances_are_summed_in_their_run_length_form_and_missing_ones_take_the_size() {
        assert_eq!(advance_of("g 3 5.2 4", 4, 9.0), 5.2 * 3.0 + 4.0);
        assert_eq!(advance_of("g 3 5.2 4", 2, 9.0), 5.2 * 2.0);
        assert_eq!(advance_of("1 2", 4, 9.0), 3.0 + 18.0);
        assert_eq!(advance_of("g 99999999999 1", 3, 9.0), 3.0, "a huge run counts only the characters there are");
        assert_eq!(advance_of("x g", 1, 9.0), 9.0);
    }
}
