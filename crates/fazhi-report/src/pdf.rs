//! PDF: the text layer, in reading order. Every character with its place on the page goes to the
//! same layout as OFD (`layout.rs`), which rebuilds the paragraphs and leaves out running titles
//! and page numbers. A PDF without a text layer (a scan) is refused with a message saying so; no
//! OCR. No stream unpacks past the limits, so a PDF bomb is refused like a .docx one.
//!
//! Two readers, one answer. The lazy reader (`syntax.rs`, `text.rs`) parses only the objects the
//! text needs, through the cross-reference table: a report of eight pages in well under a
//! millisecond. A file it does not know (encrypted, a damaged table, a font without a ToUnicode map
//! or widths, a filter other than Flate) goes to the general reader: lopdf parses the whole file,
//! pdf-extract decodes every kind of font.

mod syntax;
mod text;

use std::io::Read;

use crate::input::ReadError;
use crate::layout::Run;
use syntax::{Fail, MAX_STREAM_BYTES};
use text::MAX_PAGES;

/// Characters of the Kangxi radicals block (U+2F00–U+2FD5) as the ideographs they stand for.
/// Fonts such as Noto CJK draw 人 and ⼈ with one glyph, and a PDF's ToUnicode map may name the
/// radical: 后⼭镇⼈⺠政府 is 后山镇人民政府.
const KANGXI: &str = "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠";

/// The radicals supplement (U+2E80–U+2EF3) has no such mapping in Unicode; these are the ones that
/// stand for an ordinary simplified character.
const SUPPLEMENT: [(char, char); 30] = [
    ('⺟', '母'),
    ('⺠', '民'),
    ('⻁', '虎'),
    ('⻄', '西'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻉', '贝'),
    ('⻋', '车'),
    ('⻑', '長'),
    ('⻓', '长'),
    ('⻔', '门'),
    ('⻘', '青'),
    ('⻙', '韦'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻝', '食'),
    ('⻢', '马'),
    ('⻣', '骨'),
    ('⻤', '鬼'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻧', '卤'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻪', '黾'),
    ('⻬', '齐'),
    ('⻮', '齿'),
    ('⻰', '龙'),
    ('⻳', '龟'),
];

/// Kangxi radicals whose Unicode ideograph is the traditional variant of what a simplified font
/// draws with the same glyph: 户 (not 戶), 青 (not 靑).
const SIMPLIFIED_VARIANTS: [(char, char); 2] = [('⼾', '户'), ('⾭', '青')];

/// A character as the report meant it: a radical read as its ideograph.
pub fn ideograph(c: char) -> char {
    if let Some((_, i)) = SIMPLIFIED_VARIANTS.iter().find(|(r, _)| *r == c) {
        return *i;
    }
    match c {
        '\u{2F00}'..='\u{2FD5}' => KANGXI.chars().nth(c as usize - 0x2F00).unwrap_or(c),
        '\u{2E80}'..='\u{2EF3}' => SUPPLEMENT.iter().find(|(r, _)| *r == c).map(|(_, i)| *i).unwrap_or(c),
        _ => c,
    }
}

/// Collects each page's characters as runs, in millimetres from the page's top left.
struct Collector {
    pages: Vec<Vec<Run>>,
    height: f64,
}

impl pdf_extract::OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.height = media_box.ury - media_box.lly;
        self.pages.push(Vec::new());
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        // The text rendering matrix scales the font's size onto the page.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size * scale;
        if let Some(page) = self.pages.last_mut()
            && size > 0.0
        {
            page.push(Run {
                x: trm.m31,
                y: self.height - trm.m32,
                width: width * size,
                size,
                text: text.chars().map(ideograph).collect(),
            });
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

/// Every Flate-compressed stream unpacks within the limits, measured without keeping it.
fn within_limits(doc: &lopdf::Document) -> bool {
    let mut total = 0u64;
    for object in doc.objects.values() {
        let lopdf::Object::Stream(stream) = object else { continue };
        let flate = match stream.dict.get(b"Filter") {
            Ok(lopdf::Object::Name(name)) => name == b"FlateDecode",
            Ok(lopdf::Object::Array(filters)) => {
                filters.iter().any(|f| matches!(f, lopdf::Object::Name(n) if n == b"FlateDecode"))
            }
            _ => false,
        };
        if !flate {
            total += stream.content.len() as u64;
            continue;
        }
        let mut sink = std::io::sink();
        let mut reader = flate2::read::ZlibDecoder::new(stream.content.as_slice()).take(MAX_STREAM_BYTES + 1);
        let unpacked = std::io::copy(&mut reader, &mut sink).unwrap_or(0);
        total += unpacked;
        if unpacked > MAX_STREAM_BYTES || total > 4 * MAX_STREAM_BYTES {
            return false;
        }
    }
    true
}

/// How deep forms may draw forms, and how many form drawings a file may hold in all.
const MAX_FORM_DEPTH: usize = 16;
const MAX_FORM_DRAWS: usize = 10_000;

fn dictionary<'a>(doc: &'a lopdf::Document, object: &'a lopdf::Object) -> Option<&'a lopdf::Dictionary> {
    doc.dereference(object).ok().and_then(|(_, o)| o.as_dict().ok())
}

/// pdf-extract follows a page's /Parent for what the page inherits, and a form's `Do` into the
/// form's content, with no limit: a loop in either never ends (the fuzzer found a page that is its
/// own parent). Both are walked here first, bounded; a file with a loop is refused.
fn walkable(doc: &lopdf::Document) -> bool {
    let mut draws = 0;
    for page in doc.get_pages().into_values() {
        let mut chain = Vec::new();
        let mut at = Some(page);
        let mut resources = None;
        while let Some(id) = at {
            if chain.contains(&id) || chain.len() > 64 {
                return false;
            }
            chain.push(id);
            let Ok(node) = doc.get_dictionary(id) else { break };
            resources = resources.or_else(|| node.get(b"Resources").ok().and_then(|r| dictionary(doc, r)));
            at = node.get(b"Parent").ok().and_then(|p| p.as_reference().ok());
        }
        let Ok(content) = doc.get_page_content(page) else { continue };
        if !forms_end(doc, &content, resources, &mut Vec::new(), &mut draws) {
            return false;
        }
    }
    true
}

/// Every form a content stream draws (`Do`), and those they draw, ends: no form draws itself, the
/// nesting stays shallow and the drawings few.
fn forms_end(
    doc: &lopdf::Document,
    content: &[u8],
    resources: Option<&lopdf::Dictionary>,
    path: &mut Vec<lopdf::ObjectId>,
    draws: &mut usize,
) -> bool {
    if path.len() > MAX_FORM_DEPTH {
        return false;
    }
    // Content pdf-extract cannot parse makes it give up (a panic caught by the caller).
    let Ok(content) = lopdf::content::Content::decode(content) else { return true };
    for op in content.operations.iter().filter(|o| o.operator == "Do") {
        let Some(name) = op.operands.first().and_then(|n| n.as_name().ok()) else { continue };
        let Some(xobjects) = resources.and_then(|r| r.get(b"XObject").ok()).and_then(|x| dictionary(doc, x)) else {
            continue;
        };
        let Some(id) = xobjects.get(name).ok().and_then(|x| x.as_reference().ok()) else { continue };
        *draws += 1;
        if path.contains(&id) || *draws > MAX_FORM_DRAWS {
            return false;
        }
        let Ok(form) = doc.get_object(id).and_then(|o| o.as_stream()) else { continue };
        let inner = form.dict.get(b"Resources").ok().and_then(|r| dictionary(doc, r)).or(resources);
        let bytes = form.decompressed_content().unwrap_or_else(|_| form.content.clone());
        path.push(id);
        let ends = forms_end(doc, &bytes, inner, path, draws);
        path.pop();
        if !ends {
            return false;
        }
    }
    true
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with panics on this thread kept from the panic hook (the decoder's English message
/// would reach the person's terminal or the server's log); every other thread's, and this one's
/// afterwards, are reported as before.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let out = f();
    QUIET.with(|q| q.set(false));
    out
}

fn too_many_pages(name: &str) -> ReadError {
    ReadError(format!("{name}：PDF 文件超过 {MAX_PAGES} 页，不像年度报告，已拒绝读取"))
}

fn too_large(name: &str) -> ReadError {
    ReadError(format!("{name}：PDF 中的内容解压后过大，文件可能被构造为压缩炸弹，已拒绝读取"))
}

fn loops(name: &str) -> ReadError {
    ReadError(format!("{name}：PDF 文件的页面或图形结构循环引用、嵌套过深，已拒绝读取；请用原来的软件重新导出 PDF"))
}

/// The pages' characters as paragraphs, or the message for a file without a text layer.
fn paragraphs(name: &str, pages: Vec<Vec<Run>>) -> Result<(String, Vec<u32>), ReadError> {
    if pages.iter().all(|p| p.iter().all(|r| r.text.trim().is_empty())) {
        return Err(ReadError(format!(
            "{name}：PDF 文件中没有文字层（可能是扫描件或图片），无法检查；请提供原始的 .docx 或 .txt 文件，本系统不做文字识别"
        )));
    }
    Ok(crate::layout::paragraphs(pages))
}

/// The pages as the lazy reader reads them, `Ok(None)` when the file is for the general reader.
fn read_lazily(name: &str, bytes: &[u8]) -> Result<Option<Vec<Vec<Run>>>, ReadError> {
    match syntax::Document::open(bytes).and_then(|doc| text::pages(&doc)) {
        Ok(pages) => Ok(Some(pages)),
        Err(Fail::Unsupported) => Ok(None),
        Err(Fail::TooLarge) => Err(too_large(name)),
        Err(Fail::Loops) => Err(loops(name)),
        Err(Fail::TooManyPages) => Err(too_many_pages(name)),
    }
}

/// The text of a PDF, one paragraph a line, and the page each line starts on.
pub(crate) fn read_pdf(name: &str, bytes: &[u8]) -> Result<(String, Vec<u32>), ReadError> {
    match read_lazily(name, bytes)? {
        Some(pages) => paragraphs(name, pages),
        None => read_generally(name, bytes),
    }
}

/// The two readers, for the tests that hold them to one answer and the bench that times them side
/// by side.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Reader {
    Lazy,
    General,
}

/// What one reader makes of a file: `None` when the lazy reader hands it on.
#[doc(hidden)]
pub fn read_with(reader: Reader, name: &str, bytes: &[u8]) -> Option<Result<String, ReadError>> {
    match reader {
        Reader::Lazy => read_lazily(name, bytes).transpose().map(|r| r.and_then(|pages| paragraphs(name, pages))),
        Reader::General => Some(read_generally(name, bytes)),
    }
    .map(|r| r.map(|(text, _)| text))
}

/// The general reader: lopdf parses the whole file, pdf-extract decodes every kind of font.
fn read_generally(name: &str, bytes: &[u8]) -> Result<(String, Vec<u32>), ReadError> {
    let damaged = |e: &dyn std::fmt::Display| {
        ReadError(format!("{name}：PDF 文件已损坏或无法解析（{e}）；请用原来的软件重新导出 PDF，或提供 .docx 文件"))
    };
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => {
            ReadError(format!("{name}：PDF 文件已加密，无法读取；请提供未加密的 PDF 或原始的 .docx 文件"))
        }
        e => damaged(&e),
    })?;
    // A PDF encrypted only against changes opens with the empty password and is read; one that
    // needs a password to open is not.
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(ReadError(format!(
            "{name}：PDF 文件设有打开密码，无法读取；请提供未加密的 PDF 或原始的 .docx 文件"
        )));
    }
    if doc.get_pages().len() > MAX_PAGES {
        return Err(too_many_pages(name));
    }
    if !within_limits(&doc) {
        return Err(too_large(name));
    }
    if !walkable(&doc) {
        return Err(loops(name));
    }
    let mut collector = Collector { pages: Vec::new(), height: 0.0 };
    // The font decoder panics on some malformed fonts: that file is refused, the others go on,
    // and nobody sees the decoder's own message.
    let outcome = quietly(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pdf_extract::output_doc(&doc, &mut collector)))
    });
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(damaged(&e)),
        Err(_) => return Err(damaged(&"字体或页面内容无法解码")),
    }
    paragraphs(name, collector.pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicals_read_as_the_ideographs_they_stand_for() {
        let read: String = "后⼭镇⼈⺠政府⻓效，7216⼾".chars().map(ideograph).collect();
        assert_eq!(read, "后山镇人民政府长效，7216户");
        assert_eq!(KANGXI.chars().count(), 0x2FD6 - 0x2F00);
    }
}
