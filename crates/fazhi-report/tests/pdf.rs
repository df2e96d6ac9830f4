//! PDF as a township's website publishes it: each seed set as an official document in HTML
//! (paragraphs indented two characters, the title centred, the signature and date set right, a
//! running title and the page number in the page margins) and printed to PDF by headless
//! Chromium. Read back, it is the seed: the same paragraphs, parts and indicators. A PDF without a
//! text layer, a damaged, an encrypted-looking and a bomb PDF each get one Chinese line. The
//! lazy reader reads these files and agrees with the general reader, character for character,
//! also when the file is written with object and cross-reference streams (PDF 1.5).

use std::path::Path;

mod paged;

use fazhi_report::input;
use fazhi_report::pdf::{Reader, read_with};
use paged::write::{chromium, html, print_to_pdf};
use paged::{SEEDS, seed};

#[test]
fn the_seeds_printed_to_pdf_read_back_as_the_seeds() {
    let Some(chromium) = chromium("the_seeds_printed_to_pdf_read_back_as_the_seeds") else { return };
    let dir = tempfile::tempdir().unwrap();
    for name in SEEDS {
        let text = seed(name);
        let bytes = print_to_pdf(&chromium, &html(&text), dir.path(), name);
        let read = input::decode(&format!("{name}.pdf"), "pdf", &bytes).unwrap();
        paged::assert_reads_as_seed(name, &text, &read);
        assert_both_readers_read(name, &bytes, &read);
        // The same file as Word and Acrobat write it: objects packed in object streams, the
        // cross-reference table a stream.
        let mut doc = lopdf::Document::load_mem(&bytes).unwrap();
        let mut packed = Vec::new();
        let options = lopdf::SaveOptions::builder().use_object_streams(true).use_xref_streams(true).build();
        doc.save_with_options(&mut packed, options).unwrap();
        let holds = |word: &[u8]| packed.windows(word.len()).any(|w| w == word);
        assert!(holds(b"ObjStm") && holds(b"XRef") && !holds(b"\nxref"), "{name}: packed in streams, no table");
        assert_both_readers_read(&format!("{name}（对象流）"), &packed, &read);
    }
}

/// The lazy reader reads the file (it does not hand it to the general reader), and both readers
/// read it as `expected`.
fn assert_both_readers_read(name: &str, bytes: &[u8], expected: &str) {
    let lazy = read_with(Reader::Lazy, name, bytes);
    let lazy = lazy.unwrap_or_else(|| panic!("{name}: the lazy reader handed the file on")).unwrap();
    assert_eq!(lazy, expected, "{name}: the lazy reader");
    assert_eq!(read_with(Reader::General, name, bytes).unwrap().unwrap(), expected, "{name}: the general reader");
}

#[test]
fn a_pdf_without_a_text_layer_is_refused_as_a_scan() {
    let Some(chromium) = chromium("a_pdf_without_a_text_layer_is_refused_as_a_scan") else { return };
    // A page holding only a drawing, as a scanner's PDF holds only an image.
    let page = r##"<!doctype html><html><body><svg width="600" height="800"><rect x="50" y="50" width="500" height="700" fill="#ddd"/><circle cx="300" cy="300" r="120" fill="#888"/></svg></body></html>"##;
    let dir = tempfile::tempdir().unwrap();
    let bytes = print_to_pdf(&chromium, page, dir.path(), "scan");
    let err = input::decode("扫描件.pdf", "pdf", &bytes).unwrap_err();
    assert!(err.0.starts_with("扫描件.pdf：") && err.0.contains("没有文字层"), "{}", err.0);
}

#[test]
fn a_damaged_or_misnamed_pdf_gets_one_chinese_line() {
    let err =
        input::decode("坏.pdf", "pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage").unwrap_err();
    assert!(err.0.starts_with("坏.pdf：") && err.0.contains("PDF"), "{}", err.0);
    let err = input::decode("假.pdf", "pdf", "这其实是一段文字".as_bytes()).unwrap_err();
    assert!(err.0.contains("不是 PDF"), "{}", err.0);
}

/// A PDF of the given objects (numbered from 1; the first is the catalog), with its cross-reference
/// table.
fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", n + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for o in &offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", offsets.len() + 1).as_bytes(),
    );
    pdf
}

fn stream(dict: &str, content: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {} {dict} >>\nstream\n", content.len()).into_bytes();
    s.extend_from_slice(content);
    s.extend_from_slice(b"\nendstream");
    s
}

/// A PDF whose one content stream unpacks to 80 MB of spaces: refused before anything reads it.
#[test]
fn a_pdf_bomb_is_refused() {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..80 {
        z.write_all(&chunk).unwrap();
    }
    let packed = z.finish().unwrap();
    assert!(packed.len() < 1024 * 1024);
    let pdf = pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        stream("/Filter /FlateDecode", &packed),
    ]);
    let err = input::decode("bomb.pdf", "pdf", &pdf).unwrap_err();
    assert!(err.0.contains("过大"), "{}", err.0);
}

/// Loops the text extractor would follow for ever (the PDF fuzzer found the first): a page that is
/// its own parent, and a form that draws itself. Each is refused at once with one Chinese line.
#[test]
fn a_pdf_whose_structure_loops_is_refused() {
    let own_parent = pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        stream("", b"BT ET"),
    ]);
    let form_in_itself = pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X1 5 0 R >> >> /Contents 4 0 R >>"
            .to_vec(),
        stream("", b"/X1 Do"),
        stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]", b"/X1 Do"),
    ]);
    for (name, pdf) in [("自为父页.pdf", own_parent), ("自引用表单.pdf", form_in_itself)] {
        let started = std::time::Instant::now();
        let err = input::decode(name, "pdf", &pdf).unwrap_err();
        assert!(err.0.starts_with(&format!("{name}：")) && err.0.contains("循环引用"), "{}", err.0);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{name} was refused, not read for ever");
    }
}

/// A PDF as small as a hand can write it (fuzz/seeds/pdf): a CID font with Identity-H and only
/// its ToUnicode map, two lines and a page number. No browser is needed.
#[test]
fn a_cid_font_reads_through_its_tounicode_map() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/pdf/cid-tounicode.pdf");
    let bytes = std::fs::read(path).unwrap();
    let text = input::decode("cid.pdf", "pdf", &bytes).unwrap();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["后山镇2023年法治政府建设年度报告。", "全年受理矛盾纠纷40起，调处38起，调处成功率95%。"]
    );
    assert_both_readers_read("cid.pdf", &bytes, &text);
    // The same without the font's descriptor, which the text never needs: the lazy reader reads
    // it (the general reader's font decoder gives up on it).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/pdf/no-font-descriptor.pdf");
    assert_eq!(input::decode("无描述.pdf", "pdf", &std::fs::read(path).unwrap()).unwrap(), text);
}

/// A font the lazy reader does not decode (a CID font in a predefined CMap) goes to the general
/// reader; where that one's font decoder gives up (it panics inside), the file gets one Chinese
/// line and nothing else is printed.
#[test]
fn a_font_neither_reader_decodes_gets_one_chinese_line() {
    let pdf = pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_vec(),
        stream("", b"BT /F1 12 Tf 72 700 Td <4E2D> Tj ET"),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>".to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong /DW 1000 >>".to_vec(),
    ]);
    assert!(read_with(Reader::Lazy, "x.pdf", &pdf).is_none(), "the lazy reader hands the file on");
    let err = input::decode("预定义编码.pdf", "pdf", &pdf).unwrap_err();
    assert!(err.0.starts_with("预定义编码.pdf：PDF 文件已损坏或无法解析"), "{}", err.0);
}

/// Text in simple fonts without a ToUnicode map, by WinAnsi and by glyph names; a form drawn
/// twice through its matrix; an inline image passed over; a page inheriting its media box.
#[test]
fn simple_fonts_forms_and_inline_images_read_in_place() {
    let pdf = pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> /XObject << /X1 7 0 R >> >> /Contents 4 0 R >>"
            .to_vec(),
        stream(
            "",
            b"BT /F1 12 Tf 72 700 Td (Report 2023) Tj ET
              BI /W 2 /H 2 /BPC 8 /CS /G ID \x00EI\xff\x10 EI
              BT /F2 12 Tf 72 680 Td [(\x01) -250 (\x02)] TJ ET
              q 1 0 0 1 0 -100 cm /X1 Do Q q 1 0 0 1 0 -120 cm /X1 Do Q",
        ),
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 32 /LastChar 122 /Widths [278 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 556 556 556 556 556 556 556 556 556 556 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 667 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 556 0 0 0 0 0 0 0 0 0 556 0 556 0 0 278 556 0 0 0 0 0 0] /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Custom /FirstChar 1 /LastChar 2 /Widths [500 500] /Encoding << /Differences [1 /uni6CD5 /uni6CBB] >> >>"
            .to_vec(),
        stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 0 0] /Resources << /Font << /F1 5 0 R >> >>", b"BT /F1 12 Tf 72 700 Td (Form) Tj ET"),
    ]);
    // (The general reader's font decoder gives up on these fonts, which carry no descriptor.)
    let lazy = read_with(Reader::Lazy, "simple.pdf", &pdf).expect("the lazy reader reads it").unwrap();
    // The layout runs the first line on into the second (neither is indented as a paragraph
    // starts); the form's two drawings are lines of their own, 20 points apart.
    assert_eq!(lazy.lines().collect::<Vec<_>>(), ["Report 2023法治", "Form", "Form"]);
}
