//! Official documents as .docx in the layout of GB/T 9704-2012 (党政机关公文格式): A4, top margin
//! 37 mm and binding margin 28 mm around a 156 × 225 mm text block of 22 lines of 28 characters;
//! the title in 2号 方正小标宋简体, the body in 3号 仿宋_GB2312, first-level headings in 黑体 and
//! second-level ones in 楷体_GB2312; page numbers "— 1 —" in 4号 宋体 at the bottom, on the outside
//! edge (right on odd pages, left on even ones).
//!
//! Written as WordprocessingML directly, not through a document library: the layout rests on a
//! line grid (22 lines a page), character spacing and odd and even footers, which must be exact,
//! and the East Asian font of every run must be named (a run without `w:eastAsia` falls back to
//! the theme's font). The fonts are named, not embedded; Word and WPS on an office
//! PC have them.

use std::io::Write;

use zip::write::SimpleFileOptions;

/// A block of an official document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// 一、…… in 黑体.
    Heading1(String),
    /// （一）…… in 楷体_GB2312.
    Heading2(String),
    /// A body paragraph, first line indented by two characters.
    Body(String),
    /// The issuing body, right-aligned above the date.
    Signature(String),
    /// 2027年1月15日, right-aligned, four characters from the edge.
    Date(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialDocument {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Twips per millimetre (1 inch = 1440 twips = 25.4 mm).
fn mm(v: f64) -> i64 {
    (v * 1440.0 / 25.4).round() as i64
}

// GB/T 9704-2012 §5.2.1, §5.2.2: sizes in half-points (2号 22 pt, 3号 16 pt, 4号 14 pt).
const TITLE_SIZE: u32 = 44;
const BODY_SIZE: u32 = 32;
const PAGE_NUMBER_SIZE: u32 = 28;
const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING1_FONT: &str = "黑体";
const HEADING2_FONT: &str = "楷体_GB2312";
const PAGE_NUMBER_FONT: &str = "宋体";

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str, font: &str, size: u32) -> String {
    // 28 characters of 3号 (16 pt, 5.64 mm) fill the 156 mm line when each gives up 0.2 pt
    // (GB/T 9704 §5.2.2: "一般每行排28个字"); a character grid would do the same in Word but is
    // read differently by other programs, so the spacing is set on the text itself.
    let spacing = if size == BODY_SIZE { r#"<w:spacing w:val="-4"/>"# } else { "" };
    format!(
        r#"<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>{spacing}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
        escape(text)
    )
}

fn paragraph(properties: &str, runs: &str) -> String {
    format!("<w:p><w:pPr>{properties}</w:pPr>{runs}</w:p>")
}

/// A title's lines: 20 characters of 2号 fill the line, and a longer title breaks where the
/// words allow (GB/T 9704 §7.3.3: 回行时要做到词意完整): after the issuing body, before 关于,
/// else in the middle.
pub fn title_lines(title: &str) -> Vec<String> {
    const PER_LINE: usize = 20;
    let chars: Vec<char> = title.chars().collect();
    if chars.len() <= PER_LINE {
        return vec![title.to_owned()];
    }
    let head: String = chars[..PER_LINE].iter().collect();
    let at = ["人民政府", "办事处"]
        .iter()
        .filter_map(|w| head.rfind(w).map(|i| head[..i].chars().count() + w.chars().count()))
        .chain(head.rfind("关于").map(|i| head[..i].chars().count()))
        .filter(|n| *n > 0 && *n < chars.len())
        .max()
        .unwrap_or(chars.len().div_ceil(2));
    let (first, rest) = chars.split_at(at);
    let mut lines = vec![first.iter().collect::<String>()];
    lines.extend(title_lines(&rest.iter().collect::<String>()));
    lines
}

fn body_xml(doc: &OfficialDocument) -> String {
    let mut body = String::new();
    // The title, then a blank line before the body (GB/T 9704 §7.3.3).
    for line in title_lines(&doc.title) {
        body.push_str(&paragraph(
            r#"<w:jc w:val="center"/><w:spacing w:line="700" w:lineRule="exact"/>"#,
            &run(&line, TITLE_FONT, TITLE_SIZE),
        ));
    }
    body.push_str(&paragraph("", ""));
    for block in &doc.blocks {
        body.push_str(&match block {
            Block::Heading1(t) => {
                paragraph(r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#, &run(t, HEADING1_FONT, BODY_SIZE))
            }
            Block::Heading2(t) => {
                paragraph(r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#, &run(t, HEADING2_FONT, BODY_SIZE))
            }
            Block::Body(t) => paragraph(
                r#"<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/>"#,
                &run(t, BODY_FONT, BODY_SIZE),
            ),
            Block::Signature(t) => {
                paragraph("", "")
                    + &paragraph(
                        r#"<w:jc w:val="right"/><w:ind w:rightChars="400" w:right="1280"/>"#,
                        &run(t, BODY_FONT, BODY_SIZE),
                    )
            }
            Block::Date(t) => paragraph(
                r#"<w:jc w:val="right"/><w:ind w:rightChars="400" w:right="1280"/>"#,
                &run(t, BODY_FONT, BODY_SIZE),
            ),
        });
    }
    // A4; margins around the 156 × 225 mm text block; 22 lines a page on a line grid.
    let (top, bottom, left, right) = (mm(37.0), mm(35.0), mm(28.0), mm(26.0));
    let line_pitch = mm(225.0 / 22.0);
    body.push_str(&format!(
        r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/><w:pgSz w:w="{}" w:h="{}"/><w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" w:header="851" w:footer="{}" w:gutter="0"/><w:pgNumType w:fmt="decimal"/><w:docGrid w:type="lines" w:linePitch="{line_pitch}"/></w:sectPr>"#,
        mm(210.0),
        mm(297.0),
        // The page number sits 7 mm below the text block.
        mm(35.0 - 7.0 - 5.0),
    ));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>"#
    )
}

/// A footer with the page number as "— 1 —", one character in from the outside edge.
fn footer_xml(align: &str) -> String {
    let field = |instr: &str| {
        format!(
            r#"<w:r><w:rPr><w:rFonts w:ascii="{PAGE_NUMBER_FONT}" w:hAnsi="{PAGE_NUMBER_FONT}" w:eastAsia="{PAGE_NUMBER_FONT}"/><w:sz w:val="{PAGE_NUMBER_SIZE}"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:rPr><w:sz w:val="{PAGE_NUMBER_SIZE}"/></w:rPr><w:instrText xml:space="preserve">{instr}</w:instrText></w:r><w:r><w:rPr><w:sz w:val="{PAGE_NUMBER_SIZE}"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:rFonts w:ascii="{PAGE_NUMBER_FONT}" w:hAnsi="{PAGE_NUMBER_FONT}" w:eastAsia="{PAGE_NUMBER_FONT}"/><w:sz w:val="{PAGE_NUMBER_SIZE}"/></w:rPr><w:t>1</w:t></w:r><w:r><w:rPr><w:sz w:val="{PAGE_NUMBER_SIZE}"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>"#
        )
    };
    let indent = if align == "right" { r#"<w:ind w:right="320"/>"# } else { r#"<w:ind w:left="320"/>"# };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:p><w:pPr><w:jc w:val="{align}"/>{indent}</w:pPr>{}{}{}</w:p></w:ftr>"#,
        run("— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE),
        field(" PAGE "),
        run(" —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE),
    )
}

fn styles_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:eastAsia="{BODY_FONT}" w:cs="{BODY_FONT}"/><w:kern w:val="2"/><w:sz w:val="{BODY_SIZE}"/><w:szCs w:val="{BODY_SIZE}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:snapToGrid w:val="1"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style></w:styles>"#
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>"#;

/// Odd and even pages have their own footers: the page number on the outside edge.
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

fn core_xml(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>法治政府建设管理平台</dc:creator></cp:coreProperties>"#,
        escape(title)
    )
}

impl OfficialDocument {
    /// The document as the bytes of a .docx file.
    pub fn to_docx(&self) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let parts: [(&str, String); 8] = [
            ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
            ("_rels/.rels", ROOT_RELS.to_owned()),
            ("docProps/core.xml", core_xml(&self.title)),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
            ("word/document.xml", body_xml(self)),
            ("word/styles.xml", styles_xml()),
            ("word/settings.xml", SETTINGS.to_owned()),
            ("word/footer1.xml", footer_xml("right")),
        ];
        for (name, content) in parts.iter().chain(std::iter::once(&("word/footer2.xml", footer_xml("left")))) {
            zip.start_file(*name, options).expect("zip entry");
            zip.write_all(content.as_bytes()).expect("write to memory");
        }
        zip.finish().expect("finish zip").into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> OfficialDocument {
        OfficialDocument {
            title: "杉岭乡人民政府2026年法治政府建设年度报告".into(),
            blocks: vec![
                Block::Heading1("一、主要举措和成效".into()),
                Block::Heading2("（一）推进依法决策".into()),
                Block::Body("全年作出重大行政决策3件。<A&B>".into()),
                Block::Signature("杉岭乡人民政府".into()),
                Block::Date("2027年1月15日".into()),
            ],
        }
    }

    fn entry(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut out).unwrap();
        out
    }

    #[test]
    fn a_long_title_breaks_where_the_words_allow() {
        assert_eq!(
            title_lines("杉岭乡人民政府2026年法治政府建设年度报告"),
            ["杉岭乡人民政府", "2026年法治政府建设年度报告"]
        );
        assert_eq!(
            title_lines("城关街道办事处2026年法治政府建设年度报告"),
            ["城关街道办事处", "2026年法治政府建设年度报告"]
        );
        assert_eq!(title_lines("短标题"), ["短标题"]);
        assert!(
            title_lines("一二三四五六七八九十一二三四五六七八九十一二三四五").iter().all(|l| l.chars().count() <= 20)
        );
    }

    #[test]
    fn the_layout_is_gb_t_9704_with_fonts_named_for_east_asian_text() {
        let bytes = doc().to_docx();
        let document = entry(&bytes, "word/document.xml");
        // A4, 37 mm top, 28 mm binding margin, 22 lines a page.
        assert!(document.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#), "{document}");
        assert!(document.contains(r#"w:top="2098""#) && document.contains(r#"w:left="1587""#));
        assert!(document.contains(r#"w:linePitch="580""#));
        assert!(document.contains(r#"w:eastAsia="方正小标宋简体""#) && document.contains(r#"<w:sz w:val="44"/>"#));
        assert!(document.contains(r#"w:eastAsia="黑体""#) && document.contains(r#"w:eastAsia="楷体_GB2312""#));
        assert!(document.contains("全年作出重大行政决策3件。&lt;A&amp;B&gt;"), "escaped");
        let odd = entry(&bytes, "word/footer1.xml");
        assert!(odd.contains(r#"<w:jc w:val="right"/>"#) && odd.contains("— ") && odd.contains(" PAGE "));
        assert!(entry(&bytes, "word/footer2.xml").contains(r#"<w:jc w:val="left"/>"#));
        assert!(entry(&bytes, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
    }
}
