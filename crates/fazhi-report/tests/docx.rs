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

fn cell(text: &str) -> String {
    format!("<w:tc>{}</w:tc>", p(text))
}

fn row(cells: &[&str]) -> String {
    format!("<w:tr>{}</w:tr>", cells.iter().map(|c| cell(c)).collect::<String>())
}

fn table(rows: &[&[&str]]) -> String {
    format!("<w:tbl>{}</w:tbl>", rows.iter().map(|r| row(r)).collect::<String>())
}

/// A report whose figures stand in tables: disputes by row (units in the labels); petitions by
/// channel with last year's column beside this year's and a total row (the unit in the caption);
/// disputes by village and type with a total column and a total row.
fn report_with_tables(text_received: u32, petitions_total: u32, village_total: u32) -> Vec<u8> {
    let body = [
        p("示范镇2023年法治政府建设年度报告"),
        p("现将有关情况报告如下："),
        p("一、2023年推进法治政府建设的主要举措和成效"),
        p(&format!("（一）化解矛盾纠纷。全年共受理矛盾纠纷{text_received}起，调处38起。")),
        p("表1 矛盾纠纷排查调处情况"),
        table(&[&["项目", "数量"], &["受理矛盾纠纷（起）", "40"], &["调处矛盾纠纷（起）", "38"]]),
        p("表2 各村矛盾纠纷类型（起）"),
        table(&[
            &["村（社区）", "婚姻家庭", "邻里纠纷", "其他", "合计"],
            &["青石村", "3", "5", "2", &village_total.to_string()],
            &["白水村", "4", "6", "—", "10"],
            &["合计", "7", "11", "2", "20"],
        ]),
        p("（二）办理信访。全年共受理信访60件，办理情况见表3。"),
        p("表3 信访办理情况（件）"),
        table(&[
            &["序号", "渠道", "2022年", "2023年"],
            &["1", "来信", "12", "10"],
            &["2", "来访", "25", "20"],
            &["3", "网上投诉", "31", "30"],
            &["", "合计", "68", &petitions_total.to_string()],
        ]),
        p("二、存在的不足和原因"),
        p("一是普法形式较单一，主要原因是专职人员少。"),
        p("三、党政主要负责人履行推进法治建设第一责任人职责情况"),
        p("党委书记带头学法。"),
        p("四、2024年推进法治政府建设的主要安排"),
        p("一是加强学习。"),
        p("五、其他需要报告的情况"),
        p("无。"),
        p("示范县示范镇人民政府"),
        p("2024年1月15日"),
    ]
    .concat();
    docx(&body)
}

#[test]
fn figures_in_tables_are_read_with_their_headers_and_checked() {
    let text = input::decode("表格.docx", "docx", &report_with_tables(40, 60, 10)).unwrap();
    assert!(text.contains("受理矛盾纠纷（起）｜40"), "{text}");
    let r = fazhi_report::check_text("表格.docx", &text);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    let value = |id: &str| r.indicators.iter().filter(|i| i.id == id).map(|i| i.number).collect::<Vec<_>>();
    assert_eq!(value("disputes.received"), [40.0, 40.0], "the text's and the table's");
    assert_eq!(value("disputes.resolved"), [38.0, 38.0]);
    // Last year's column is a comparison: this year's letters are 10, not 12.
    assert_eq!(value("petitions.letters"), [10.0]);
    assert_eq!(value("petitions.visits"), [20.0]);
    assert_eq!(value("petitions.online"), [30.0]);
    assert_eq!(value("petitions.total"), [60.0, 60.0], "the text's and the table's total");
    // The cell a figure comes from is where a finding points.
    let line = text.lines().position(|l| l.starts_with("受理矛盾纠纷")).unwrap() + 1;
    let from_table = r.indicators.iter().find(|i| i.line == line).unwrap();
    assert_eq!(from_table.column, "受理矛盾纠纷（起）｜".chars().count() + 1);
}

#[test]
fn a_table_total_that_is_not_the_sum_of_its_rows_or_differs_from_the_text() {
    let findings = |received, row, column| {
        let text = input::decode("表格.docx", "docx", &report_with_tables(received, row, column)).unwrap();
        let r = fazhi_report::check_text("表格.docx", &text);
        r.diagnostics.iter().map(|d| (d.rule, d.severity, d.message.clone())).collect::<Vec<_>>()
    };
    let row = findings(40, 61, 10);
    assert_eq!(row.len(), 2, "{row:?}");
    let sum = row.iter().find(|f| f.0 == "sum-mismatch").expect("the total row");
    assert_eq!(sum.1, fazhi_report::Severity::Error);
    assert!(sum.2.contains("“2023年”列") && sum.2.contains("61") && sum.2.contains("60"), "{}", sum.2);
    assert!(row.iter().any(|f| f.0 == "inconsistent-figure" && f.2.contains("正文")), "the text says 60: {row:?}");
    // 11 in 青石村's total: its row's columns sum to 10, and the total column's rows to 21.
    let column = findings(40, 60, 11);
    assert_eq!(column.len(), 2, "{column:?}");
    assert!(column.iter().all(|f| f.0 == "sum-mismatch"), "{column:?}");
    assert!(
        column.iter().any(|f| f.2.contains("“青石村”行") && f.2.contains("11") && f.2.contains("10")),
        "{column:?}"
    );
    assert!(column.iter().any(|f| f.2.contains("“合计”列") && f.2.contains("21")), "{column:?}");
    let text = findings(45, 60, 10);
    assert_eq!(text.len(), 1, "{text:?}");
    assert_eq!(text[0].0, "inconsistent-figure");
}

#[test]
fn a_crafted_table_stays_within_bounds() {
    // One row of ten thousand cells each claiming to span 64 columns: the row is padded no wider
    // than a table read as one, and its text is no larger than the file's.
    let cells: String = (0..10_000).map(|_| "<w:tc><w:tcPr><w:gridSpan w:val=\"64\"/></w:tcPr><w:p/></w:tc>").collect();
    let body = format!("{}<w:tbl><w:tr>{cells}</w:tr></w:tbl>", p("示范镇2023年法治政府建设年度报告"));
    let text = input::decode("跨列.docx", "docx", &docx(&body)).unwrap();
    assert!(text.chars().filter(|c| *c == '｜').count() < 10_000 + fazhi_report::tables::MAX_COLUMNS, "{}", text.len());
    // A table longer than any report's is read as text, not cell by cell.
    let rows: String = (0..=fazhi_report::tables::MAX_ROWS).map(|k| row(&["来信", &k.to_string()])).collect();
    let long = format!("{}{}<w:tbl>{rows}</w:tbl>", p("示范镇2023年法治政府建设年度报告"), p("表1 信访情况（件）"));
    let r = fazhi_report::check_text("长表.docx", &input::decode("长表.docx", "docx", &docx(&long)).unwrap());
    assert!(!r.indicators.iter().any(|i| i.id == "petitions.letters"), "{:?}", r.indicators.len());
}
