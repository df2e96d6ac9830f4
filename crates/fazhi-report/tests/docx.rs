//! .docx as Word writes it: paragraph text in order, tables included, and the 一、（一）1. that
//! automatic numbering draws from numbering.xml rather than the text.

use std::io::Write;

use fazhi_report::{PartKind, input};
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>"#;

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn numbered(level: u32, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
    )
}

fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        w.start_file(*name, SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/numbering.xml", NUMBERING.as_bytes()),
    ])
}

#[test]
fn numbering_drawn_by_word_is_read_as_the_report_shows_it() {
    let body = [
        p("示范镇2023年法治政府建设年度报告"),
        p("现将有关情况报告如下："),
        numbered(0, "2023年推进法治政府建设的主要举措和成效"),
        numbered(1, "加强组织领导"),
        numbered(2, "全年听取法治建设工作汇报4次。"),
        numbered(2, "组织干部专题学习法律法规6次。"),
        numbered(1, "化解矛盾纠纷"),
        "<w:tbl><w:tr><w:tc>".to_owned() + &p("全年共受理矛盾纠纷40起，调处38起。") + "</w:tc></w:tr></w:tbl>",
        numbered(0, "存在的不足和原因"),
        p("一是普法形式较单一，主要原因是专职人员少。"),
        numbered(0, "党政主要负责人履行推进法治建设第一责任人职责情况"),
        p("党委书记带头学法。"),
        numbered(0, "2024年推进法治政府建设的主要安排"),
        p("一是加强学习。"),
        numbered(0, "其他需要报告的情况"),
        p("无。"),
        p("示范县示范镇人民政府"),
        p("2024年1月15日"),
    ]
    .concat();
    let text = input::decode("示范.docx", "docx", &docx(&body)).unwrap();
    assert!(text.contains("一、2023年推进法治政府建设的主要举措和成效"), "{text}");
    assert!(
        text.contains("（二）化解矛盾纠纷")
            && text.contains("2.组织干部专题学习")
            && text.contains("五、其他需要报告的情况"),
        "{text}"
    );
    let r = fazhi_report::check_text("示范.docx", &text);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    assert_eq!(r.parts.iter().map(|p| p.kind).collect::<Vec<_>>(), PartKind::STATUTORY);
    let received: Vec<f64> = r.indicators.iter().filter(|i| i.id == "disputes.received").map(|i| i.number).collect();
    assert_eq!(received, [40.0], "the table's text is read");
}

#[test]
fn damaged_or_hostile_archives_are_refused_with_a_reason() {
    let xlsx = zip(&[("[Content_Types].xml", b"<Types><Override ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>")]);
    assert!(input::decode("台账.docx", "docx", &xlsx).unwrap_err().0.contains("不是 Word 文档"));
    let truncated = &docx(&p("一、主要举措和成效"))[..40];
    assert!(input::decode("半截.docx", "docx", truncated).unwrap_err().0.contains("半截.docx"));
    // 70 MB of the same byte compresses to almost nothing: a zip bomb.
    let bomb =
        zip(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes()), ("word/document.xml", &vec![b' '; 70 * 1024 * 1024])]);
    assert!(bomb.len() < 1024 * 1024);
    assert!(input::decode("炸弹.docx", "docx", &bomb).unwrap_err().0.contains("压缩炸弹"));
}
