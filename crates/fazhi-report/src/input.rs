//! Turning a file into lines of text: .txt in UTF-8 (with or without BOM), UTF-16 or GB18030;
//! .docx with the numbers Word's automatic numbering draws; PDF and OFD pages (`pdf.rs`, `ofd.rs`);
//! .html article bodies. Anything else,
//! and anything damaged, is refused with a Chinese message that says what to do.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// A .docx or OFD part larger than this once unpacked is taken for a zip bomb.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// The reason alone, for a page that already names the file in its own column.
    pub fn reason(&self, name: &str) -> String {
        self.0.strip_prefix(&format!("{name}：")).unwrap_or(&self.0).to_owned()
    }
}

/// A report's text as read, and for a paged file (PDF, OFD) the page each line starts on; empty
/// for the others.
#[derive(Debug, Clone, Default)]
pub struct ReadText {
    pub text: String,
    pub pages: Vec<u32>,
}

impl From<String> for ReadText {
    fn from(text: String) -> ReadText {
        ReadText { text, pages: Vec::new() }
    }
}

/// Reads a file from disk; never writes to it.
pub fn read_path(path: &Path) -> Result<String, ReadError> {
    read_path_paged(path).map(|t| t.text)
}

/// The same, with the pages of a paged file.
pub fn read_path_paged(path: &Path) -> Result<ReadText, ReadError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ReadError(format!("{name}：无法读取（{e}）")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError(format!(
            "{name}：文件过大（{} MB），年度报告通常不足 1 MB；请确认文件是否正确",
            meta.len() / 1024 / 1024
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError(format!("{name}：无法读取（{e}）")))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    decode_paged(&name, &ext, &bytes)
}

/// Decodes bytes by their content first and their extension second.
pub fn decode(name: &str, ext: &str, bytes: &[u8]) -> Result<String, ReadError> {
    decode_paged(name, ext, bytes).map(|t| t.text)
}

/// The same, with the pages of a paged file.
pub fn decode_paged(name: &str, ext: &str, bytes: &[u8]) -> Result<ReadText, ReadError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ReadError(format!(
            "{name}：这是旧版 Word（.doc）、WPS（.wps）或已加密的文档，无法直接读取；请在 Word 或 WPS 中“另存为”.docx（不加密）后再检查"
        )));
    }
    if bytes.starts_with(b"%PDF") {
        let (text, pages) = crate::pdf::read_pdf(name, bytes)?;
        return Ok(ReadText { text, pages });
    }
    if ext == "pdf" {
        return Err(ReadError(format!("{name}：扩展名是 .pdf，但文件内容不是 PDF；请确认文件是否正确")));
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G'])
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
    {
        return Err(ReadError(format!("{name}：这是图片，不是文字报告；请提供 .docx 或 .txt 文件")));
    }
    if bytes.starts_with(b"PK\x03\x04") || ext == "docx" || ext == "ofd" {
        return read_zip(name, ext, bytes);
    }
    let text = decode_text(name, bytes)?;
    if ext == "html" || ext == "htm" || looks_like_html(&text) {
        return Ok(html_to_text(&text).into());
    }
    if !matches!(ext, "txt" | "text" | "md" | "") {
        return Err(ReadError(format!(
            "{name}：不支持的文件类型 .{ext}；请提供 .txt、.docx、.pdf、.ofd 或 .html 文件"
        )));
    }
    if ext == "md" {
        return Ok(markdown_to_text(&text).into());
    }
    Ok(text.into())
}

/// Markdown as the text it stands for: heading marks and hard line breaks dropped, a table's rows
/// as cells separated by `｜` and its rule line (|---|---|) dropped.
fn markdown_to_text(text: &str) -> String {
    let sep = crate::tables::CELL_SEPARATOR.to_string();
    text.lines()
        .filter(|line| {
            let t = line.trim();
            !(t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
        })
        .map(|line| -> std::borrow::Cow<'_, str> {
            let t = line.trim();
            if t.len() > 1 && t.starts_with('|') && t.ends_with('|') {
                let cells: Vec<&str> = t[1..t.len() - 1].split('|').map(str::trim).collect();
                return cells.join(&sep).into();
            }
            let line = line.trim_end();
            let unmarked = line.trim_start_matches('#');
            if unmarked.len() < line.len() && (unmarked.starts_with(' ') || unmarked.is_empty()) {
                unmarked.trim_start()
            } else {
                line
            }
            .into()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(512).collect::<String>().to_ascii_lowercase();
    head.contains("<!doctype html") || head.contains("<html")
}

/// UTF-8 (BOM or not), UTF-16 (BOM, or the zero bytes of mostly-ASCII text), else GB18030.
pub fn decode_text(name: &str, bytes: &[u8]) -> Result<String, ReadError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(ReadError(format!("{name}：文件按 {} 编码无法完整解码，可能已损坏", encoding.name())));
        }
        return Ok(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains('\0') {
            return Err(ReadError(format!("{name}：含有二进制内容，不是文本文件")));
        }
        return Ok(text.to_owned());
    }
    let even_zeros = bytes.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_zeros = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if bytes.len() >= 4 && (odd_zeros * 4 > bytes.len() || even_zeros * 4 > bytes.len()) {
        let encoding = if odd_zeros > even_zeros { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if !had_errors {
            return Ok(text.into_owned());
        }
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors || text.contains('\0') {
        return Err(ReadError(format!(
            "{name}：无法识别文件编码（既不是 UTF-8，也不是 GB18030/GBK 或 UTF-16）；请用记事本“另存为”UTF-8 后再检查"
        )));
    }
    Ok(text.into_owned())
}

// ---------------------------------------------------------------- .docx

/// The parts of a zip package (.docx, OFD), each unpacked only up to the limit a report's part
/// can need: a larger one is taken for a zip bomb and refused.
pub(crate) struct ZipParts<'a> {
    name: &'a str,
    /// How the messages call the package: .docx, OFD.
    kind: &'static str,
    archive: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
}

impl<'a> ZipParts<'a> {
    fn open(name: &'a str, kind: &'static str, bytes: &'a [u8]) -> Result<ZipParts<'a>, ReadError> {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| ReadError(format!("{name}：不是有效的 {kind} 文件（{e}）；请用原来的软件重新保存或导出")))?;
        Ok(ZipParts { name, kind, archive })
    }

    fn has(&self, part: &str) -> bool {
        self.archive.index_for_name(part).is_some()
    }

    pub(crate) fn part(&mut self, part: &str) -> Result<Option<String>, ReadError> {
        let (name, kind) = (self.name, self.kind);
        let mut file = match self.archive.by_name(part) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(ReadError(format!("{name}：{kind} 文件已损坏（{e}）；请用原来的软件重新保存或导出"))),
        };
        if file.size() > MAX_PART_BYTES {
            return Err(ReadError(format!(
                "{name}：{kind} 中的 {part} 解压后过大，文件可能被构造为压缩炸弹，已拒绝读取"
            )));
        }
        // The declared size is checked above, so it is safe to make room for it at once; a part
        // that unpacks larger than it says is still cut at the limit below.
        let mut out = String::with_capacity(file.size() as usize);
        file.by_ref().take(MAX_PART_BYTES + 1).read_to_string(&mut out).map_err(|e| {
            ReadError(format!("{name}：{kind} 中的 {part} 无法读取（{e}）；请用原来的软件重新保存或导出"))
        })?;
        if out.len() as u64 > MAX_PART_BYTES {
            return Err(ReadError(format!("{name}：{kind} 中的 {part} 解压后过大，已拒绝读取")));
        }
        Ok(Some(out))
    }
}

/// A zip package by what it holds: OFD.xml makes it an OFD, anything else is read as a .docx.
fn read_zip(name: &str, ext: &str, bytes: &[u8]) -> Result<ReadText, ReadError> {
    let ofd = ext == "ofd";
    let mut zip = ZipParts::open(name, if ofd { "OFD" } else { ".docx" }, bytes)?;
    if zip.has("OFD.xml") {
        zip.kind = "OFD";
        let (text, pages) = crate::ofd::read_ofd(name, &mut zip)?;
        return Ok(ReadText { text, pages });
    }
    if ofd {
        return Err(ReadError(format!("{name}：扩展名是 .ofd，但文件中没有 OFD.xml，不是有效的 OFD 文件")));
    }
    read_docx(name, &mut zip).map(ReadText::from)
}

fn read_docx(name: &str, zip: &mut ZipParts<'_>) -> Result<String, ReadError> {
    let types = zip.part("[Content_Types].xml")?.unwrap_or_default();
    if !types.contains("wordprocessingml.document.main") {
        return Err(ReadError(format!(
            "{name}：这个压缩包不是 Word 文档（可能是 .xlsx 或其他格式）；请提供 .docx 文件"
        )));
    }
    let document = zip
        .part("word/document.xml")?
        .ok_or_else(|| ReadError(format!("{name}：.docx 中缺少正文 word/document.xml，文件已损坏")))?;
    let numbering = zip.part("word/numbering.xml")?.map(|x| Numbering::parse(&x)).unwrap_or_default();
    docx_text(&document, numbering)
        .map_err(|e| ReadError(format!("{name}：.docx 正文无法解析（{e}）；请在 Word 或 WPS 中重新保存")))
}

/// The character an XML entity reference stands for (&amp; and the other four XML knows).
pub(crate) fn entity(name: &str) -> &'static str {
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
}

#[derive(Default, Debug)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// Word's list definitions: which levels a list has, how each counts and what it draws.
#[derive(Default, Debug)]
struct Numbering {
    abstracts: HashMap<String, HashMap<u32, Level>>,
    nums: HashMap<String, (String, HashMap<u32, u32>)>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        use quick_xml::events::Event;
        let mut out = Numbering::default();
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<u32> = None;
        let mut override_level: Option<u32> = None;
        loop {
            let event = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                    "w:abstractNum" => abstract_id = attr(&e, "w:abstractNumId"),
                    "w:num" => num_id = attr(&e, "w:numId"),
                    "w:lvl" => {
                        level = attr(&e, "w:ilvl").and_then(|v| v.parse().ok());
                        if let (Some(a), Some(l)) = (&abstract_id, level) {
                            out.abstracts
                                .entry(a.clone())
                                .or_default()
                                .insert(l, Level { start: 1, ..Default::default() });
                        }
                    }
                    "w:lvlOverride" => override_level = attr(&e, "w:ilvl").and_then(|v| v.parse().ok()),
                    "w:abstractNumId" => {
                        if let (Some(n), Some(v)) = (&num_id, attr(&e, "w:val")) {
                            out.nums.entry(n.clone()).or_default().0 = v;
                        }
                    }
                    "w:startOverride" => {
                        if let (Some(n), Some(l), Some(v)) =
                            (&num_id, override_level, attr(&e, "w:val").and_then(|v| v.parse().ok()))
                        {
                            out.nums.entry(n.clone()).or_default().1.insert(l, v);
                        }
                    }
                    tag @ ("w:start" | "w:numFmt" | "w:lvlText") => {
                        if let (Some(a), Some(l), Some(v)) = (&abstract_id, level, attr(&e, "w:val")) {
                            let lvl = out.abstracts.entry(a.clone()).or_default().entry(l).or_default();
                            match tag {
                                "w:start" => lvl.start = v.parse().unwrap_or(1),
                                "w:numFmt" => lvl.format = v,
                                _ => lvl.text = v,
                            }
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.name().as_ref() {
                    "w:abstractNum" => abstract_id = None,
                    "w:num" => num_id = None,
                    "w:lvl" => level = None,
                    _ => {}
                },
                _ => {}
            }
        }
        out
    }
}

fn format_counter(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "japaneseCounting"
        | "taiwaneseCounting" => crate::numerals::to_chinese(n as u64),
        "ideographDigital" => n
            .to_string()
            .chars()
            .map(|c| ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'][c as usize - '0' as usize])
            .collect(),
        "upperLetter" => ((b'A' + ((n - 1) % 26) as u8) as char).to_string(),
        "lowerLetter" => ((b'a' + ((n - 1) % 26) as u8) as char).to_string(),
        "upperRoman" | "lowerRoman" => {
            let roman = roman(n);
            if format == "lowerRoman" { roman.to_lowercase() } else { roman }
        }
        "none" => String::new(),
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Counters per list, advancing as Word does: a level's counter steps on, deeper levels restart.
struct Counters<'a> {
    numbering: &'a Numbering,
    state: HashMap<String, Vec<u32>>,
}

impl Counters<'_> {
    fn label(&mut self, num_id: &str, ilvl: u32) -> Option<String> {
        let (abstract_id, overrides) = self.numbering.nums.get(num_id)?;
        let levels = self.numbering.abstracts.get(abstract_id)?;
        let level = levels.get(&ilvl)?;
        let start_of = |l: u32| overrides.get(&l).copied().or(levels.get(&l).map(|x| x.start)).unwrap_or(1);
        let counters = self.state.entry(abstract_id.clone()).or_insert_with(|| vec![0; 9]);
        let i = (ilvl as usize).min(8);
        counters[i] = if counters[i] == 0 { start_of(ilvl) } else { counters[i] + 1 };
        for deeper in counters.iter_mut().skip(i + 1) {
            *deeper = 0;
        }
        let mut text = level.text.clone();
        for (l, counter) in counters.iter().enumerate().take(i + 1) {
            let n = if *counter == 0 { start_of(l as u32) } else { *counter };
            let format = levels.get(&(l as u32)).map(|x| x.format.as_str()).unwrap_or("decimal");
            text = text.replace(&format!("%{}", l + 1), &format_counter(n, format));
        }
        Some(text)
    }
}

/// Paragraphs in document order, each prefixed with its list label; a table's rows one line each,
/// their cells separated by `｜` (crate::tables reads them back as a table).
fn docx_text(xml: &str, numbering: Numbering) -> Result<String, quick_xml::Error> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut counters = Counters { numbering: &numbering, state: HashMap::new() };
    let mut out = String::new();
    let mut paragraph = String::new();
    let mut in_text = false;
    let mut num_id: Option<String> = None;
    let mut ilvl = 0u32;
    // Tables: how deep (a table in a cell is read as that cell's text), the row's cells so far,
    // the cell being read and how many grid columns it spans.
    let mut table_depth = 0usize;
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut span = 1usize;
    loop {
        match reader.read_event()? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:p" => {
                    paragraph.clear();
                    num_id = None;
                    ilvl = 0;
                }
                "w:t" => in_text = true,
                "w:tab" => paragraph.push('\t'),
                "w:br" | "w:cr" => paragraph.push('\n'),
                "w:ilvl" => ilvl = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
                "w:numId" => num_id = attr(&e, "w:val").filter(|v| v != "0"),
                "w:tbl" => table_depth += 1,
                "w:tr" if table_depth == 1 => row.clear(),
                "w:tc" if table_depth == 1 => {
                    cell.clear();
                    span = 1;
                }
                "w:gridSpan" if table_depth == 1 => {
                    span = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
                }
                _ => {}
            },
            Event::Text(t) if in_text => paragraph.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => paragraph.push_str(entity(&r)),
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    let mut text = String::new();
                    if let Some(id) = &num_id
                        && let Some(label) = counters.label(id, ilvl)
                    {
                        text.push_str(&label);
                    }
                    text.push_str(&paragraph);
                    paragraph.clear();
                    if table_depth > 0 {
                        // A cell's paragraphs are one cell; its separator and line breaks are not.
                        let text = text.replace(crate::tables::CELL_SEPARATOR, "|").replace(['\n', '\r'], " ");
                        if !cell.is_empty() && !text.trim().is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(text.trim());
                    } else {
                        out.push_str(&text);
                        out.push('\n');
                    }
                }
                "w:tc" if table_depth == 1 => {
                    // A cell spanning columns keeps its place in each; the padding stops at the
                    // widest table read as one, so a crafted span cannot multiply the text.
                    let room = crate::tables::MAX_COLUMNS.saturating_sub(row.len() + 1);
                    row.push(std::mem::take(&mut cell));
                    row.extend(std::iter::repeat_n(String::new(), (span - 1).min(room)));
                }
                "w:tr" if table_depth == 1 => {
                    out.push_str(&row.join(&crate::tables::CELL_SEPARATOR.to_string()));
                    out.push('\n');
                    row.clear();
                }
                "w:tbl" => table_depth = table_depth.saturating_sub(1),
                _ => {}
            },
            _ => {}
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- .html

/// The article body of a government web page: the container with the most text among those that
/// hold articles on such sites, else the whole body; block elements become lines.
pub fn html_to_text(html: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let candidates = [
        "#zoom",
        ".TRS_Editor",
        ".trs_editor",
        "#UCAP-CONTENT",
        ".article",
        ".article-content",
        "article",
        "#content",
        ".content",
        ".pages_content",
        ".detail",
        ".con",
        "main",
        "body",
    ];
    let mut best: Option<(usize, scraper::ElementRef<'_>)> = None;
    for selector in candidates {
        let Ok(sel) = scraper::Selector::parse(selector) else { continue };
        for element in document.select(&sel) {
            let len: usize = element.text().map(|t| t.trim().chars().count()).sum();
            if selector == "body" && best.is_some() {
                continue;
            }
            if best.as_ref().is_none_or(|(l, _)| len > *l + 200 || (*l == 0 && len > 0)) {
                best = Some((len, element));
            }
        }
    }
    let mut out = String::new();
    // A page's heading often sits outside the article body.
    if let Ok(h1) = scraper::Selector::parse("h1")
        && let Some(title) = document.select(&h1).next()
    {
        let t: String = title.text().collect::<String>().trim().to_owned();
        if let Some((_, body)) = &best
            && !t.is_empty()
            && !body.text().collect::<String>().contains(&t)
        {
            out.push_str(&t);
            out.push('\n');
        }
    }
    if let Some((_, body)) = best {
        walk(body, &mut out);
    }
    out.lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() && c != '\u{3000}').trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn walk(element: scraper::ElementRef<'_>, out: &mut String) {
    use scraper::node::Node;
    for child in element.children() {
        match child.value() {
            Node::Text(t) => out.push_str(&t.replace(['\n', '\r'], "")),
            Node::Element(e) => {
                let name = e.name();
                if matches!(name, "script" | "style" | "nav" | "header" | "footer" | "noscript") {
                    continue;
                }
                // A table row is one line, its cells separated as crate::tables reads them.
                if name == "tr"
                    && let Some(row) = scraper::ElementRef::wrap(child)
                {
                    let cells: Vec<String> = row
                        .children()
                        .filter_map(scraper::ElementRef::wrap)
                        .filter(|c| matches!(c.value().name(), "td" | "th"))
                        .map(|c| {
                            let mut text = String::new();
                            walk(c, &mut text);
                            let text = text.replace(crate::tables::CELL_SEPARATOR, "|");
                            text.split_whitespace().collect::<Vec<_>>().join(" ")
                        })
                        .collect();
                    out.push('\n');
                    out.push_str(&cells.join(&crate::tables::CELL_SEPARATOR.to_string()));
                    out.push('\n');
                    continue;
                }
                let block = matches!(
                    name,
                    "p" | "div"
                        | "br"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "li"
                        | "tr"
                        | "section"
                        | "table"
                        | "article"
                );
                if block {
                    out.push('\n');
                }
                if let Some(el) = scraper::ElementRef::wrap(child) {
                    walk(el, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let text = "一、主要举措和成效";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(decode_text("a", &gbk).unwrap(), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode_text("a", &bom).unwrap(), text);
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text("a", &utf16).unwrap(), text);
    }

    #[test]
    fn refusals_name_the_file_and_what_to_do() {
        let doc = decode("旧报告.doc", "doc", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).unwrap_err();
        assert!(doc.0.contains("旧报告.doc") && doc.0.contains("另存为"));
        assert!(decode("a.pdf", "pdf", b"%PDF-1.7").unwrap_err().0.contains("PDF"));
        assert!(decode("a.docx", "docx", b"PK\x03\x04garbage").unwrap_err().0.contains("a.docx"));
        assert_eq!(
            decode("a.md", "md", "# 标题\n\n## 一、主要举措  \n#号不是标题".as_bytes()).unwrap(),
            "标题\n\n一、主要举措\n#号不是标题"
        );
        assert!(decode("a.xlsx", "xlsx", b"plain").unwrap_err().0.contains("不支持"));
    }

    #[test]
    fn tables_of_web_pages_and_markdown_are_rows_of_cells() {
        let html = r#"<html><body><div class="TRS_Editor"><p>表1 信访情况（件）</p>
            <table><tr><th>渠道</th><th>数量</th></tr><tr><td>来信</td><td>10</td></tr><tr><td><p>来访</p></td><td>20</td></tr></table></div></body></html>"#;
        assert_eq!(html_to_text(html), "表1 信访情况（件）\n渠道｜数量\n来信｜10\n来访｜20");
        let md = "表1 信访情况（件）\n\n| 渠道 | 数量 |\n|---|---:|\n| 来信 | 10 |\n| 来访 | 20 |";
        assert_eq!(
            decode("a.md", "md", md.as_bytes()).unwrap(),
            "表1 信访情况（件）\n\n渠道｜数量\n来信｜10\n来访｜20"
        );
    }

    #[test]
    fn html_article_body_without_navigation() {
        let html = r#"<html><body><nav>首页 政务公开 网站地图</nav><h1>某镇2023年法治政府建设年度报告</h1>
            <div class="TRS_Editor"><p>一、主要举措和成效</p><p>全年办结信访118件次。</p></div><footer>版权所有</footer></body></html>"#;
        let text = html_to_text(html);
        assert_eq!(text, "某镇2023年法治政府建设年度报告\n一、主要举措和成效\n全年办结信访118件次。");
    }
}
