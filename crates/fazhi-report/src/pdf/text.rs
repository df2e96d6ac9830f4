//! A PDF's text with its place on the page: each page's content interpreted for the text it shows
//! (PDF 32000-1, 9.4), each character decoded through its font's ToUnicode map (or, for a simple
//! font without one, its encoding) and placed by the text rendering matrix, for the layout
//! (`layout.rs`) to rebuild the paragraphs. Only what the text needs is read: the pages, their
//! fonts' maps and widths, their content; never a glyph's drawing or an image.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::syntax::{Dict, Document, Fail, Lexer, Obj, Result, Token};
use crate::layout::Run;

/// More pages than any report has.
pub(super) const MAX_PAGES: usize = 2_000;
/// How deep forms may draw forms, and how many form drawings a file may hold in all.
const MAX_FORM_DEPTH: usize = 16;
const MAX_FORM_DRAWS: usize = 10_000;
/// Saved graphics states kept at once (`q` without `Q`).
const MAX_SAVED: usize = 256;
/// Characters a file may place in all: a report places tens of thousands.
const MAX_CHARACTERS: usize = 2_000_000;
/// Codes one ToUnicode map may name.
const MAX_MAPPINGS: usize = 65_536;

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (row vectors, as PDF writes its matrices).
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(m: &mut Matrix, tx: f64, ty: f64) {
    m[4] += tx * m[0] + ty * m[2];
    m[5] += tx * m[1] + ty * m[3];
}

enum Widths {
    /// A simple font's: from its first code on.
    Simple { first: u32, widths: Vec<f64> },
    /// A CID font's (`/W`): single codes, ranges of one width, and the default.
    Cid { default: f64, single: HashMap<u32, f64>, ranges: Vec<(u32, u32, f64)> },
}

/// The entries of a font dictionary its text needs. Its encoding, which for a Type3 font names
/// every glyph, is read only where it is needed (`Font::load`).
const FONT_KEYS: &[&[u8]] = &[b"Subtype", b"ToUnicode", b"DescendantFonts", b"Widths", b"FirstChar", b"FontMatrix"];

struct Font {
    /// Type0 fonts with an Identity encoding read two bytes a code; simple fonts one.
    two_bytes: bool,
    to_unicode: Option<HashMap<u32, Box<str>>>,
    /// A simple font without a ToUnicode map: each code's character by its encoding.
    encoding: Option<Box<[Option<char>; 256]>>,
    widths: Widths,
    /// Glyph space to text space: a thousandth, except for a Type3 font's own matrix.
    scale: f64,
}

impl Font {
    /// The font of dictionary `font`, object `id` when it has one (its dictionary then holds only
    /// `FONT_KEYS`).
    fn load(doc: &Document<'_>, font: &Dict, id: Option<u32>) -> Result<Font> {
        let encoding_entry = || -> Option<Obj> {
            let entry = match id {
                Some(id) => doc.dict_of(id, &[b"Encoding"])?.get(b"Encoding").cloned(),
                None => font.get(b"Encoding").cloned(),
            };
            doc.resolve(&entry?)
        };
        let to_unicode = match doc.lookup(font, b"ToUnicode") {
            Some(Obj::Stream(dict, range)) => Some(to_unicode(&doc.decoded(&dict, range)?)),
            _ => None,
        };
        let numbers = |o: Option<Obj>| -> Vec<f64> {
            let number = |w: &Obj| w.number().or_else(|| doc.resolve(w).and_then(|w| w.number())).unwrap_or(0.0);
            o.and_then(|o| o.array().map(|a| a.iter().map(number).collect())).unwrap_or_default()
        };
        match font.get(b"Subtype").and_then(Obj::name) {
            Some(b"Type0") => {
                match encoding_entry().as_ref().and_then(Obj::name) {
                    Some(b"Identity-H" | b"Identity-V") => {}
                    _ => return Err(Fail::Unsupported),
                }
                // A CID font without a ToUnicode map needs its character collection's tables.
                let to_unicode = Some(to_unicode.ok_or(Fail::Unsupported)?);
                let descendant = doc
                    .lookup(font, b"DescendantFonts")
                    .and_then(|d| d.array().and_then(|a| a.first().cloned()))
                    .and_then(|d| doc.resolve(&d))
                    .and_then(|d| d.dict().cloned())
                    .ok_or(Fail::Unsupported)?;
                let default = descendant.get(b"DW").and_then(Obj::number).unwrap_or(1000.0);
                let (mut single, mut ranges) = (HashMap::new(), Vec::new());
                let w = doc.lookup(&descendant, b"W");
                let items: Vec<Obj> = w.and_then(|w| w.array().map(<[Obj]>::to_vec)).unwrap_or_default();
                let mut i = 0;
                while i < items.len() {
                    let first = doc.resolve(&items[i]).and_then(|o| o.int());
                    match (first, items.get(i + 1).and_then(|o| doc.resolve(o))) {
                        (Some(first), Some(Obj::Array(list))) => {
                            for (k, w) in list.iter().enumerate() {
                                let code = first.saturating_add(k as i64);
                                if let (Ok(code), Some(w)) =
                                    (u32::try_from(code), doc.resolve(w).and_then(|w| w.number()))
                                {
                                    single.insert(code, w);
                                }
                            }
                            i += 2;
                        }
                        (Some(first), Some(last)) => {
                            let width = items.get(i + 2).and_then(|o| doc.resolve(o)).and_then(|o| o.number());
                            if let (Ok(first), Some(Ok(last)), Some(width)) =
                                (u32::try_from(first), last.int().map(u32::try_from), width)
                            {
                                ranges.push((first, last, width));
                            }
                            i += 3;
                        }
                        _ => break,
                    }
                }
                Ok(Font {
                    two_bytes: true,
                    to_unicode,
                    encoding: None,
                    widths: Widths::Cid { default, single, ranges },
                    scale: 0.001,
                })
            }
            Some(b"Type1" | b"TrueType" | b"MMType1" | b"Type3") => {
                // A font without its widths is one of the standard fourteen, whose metrics the
                // general reader carries.
                let widths = numbers(doc.lookup(font, b"Widths"));
                if widths.is_empty() {
                    return Err(Fail::Unsupported);
                }
                let first = font.get(b"FirstChar").and_then(Obj::int).and_then(|f| u32::try_from(f).ok()).unwrap_or(0);
                let scale = match font.get(b"Subtype").and_then(Obj::name) {
                    Some(b"Type3") => numbers(doc.lookup(font, b"FontMatrix"))
                        .first()
                        .copied()
                        .filter(|s| s.is_finite() && *s != 0.0)
                        .map_or(0.001, f64::abs),
                    _ => 0.001,
                };
                let encoding = match &to_unicode {
                    Some(_) => None,
                    None => Some(encoding(doc, encoding_entry())?),
                };
                Ok(Font { two_bytes: false, to_unicode, encoding, widths: Widths::Simple { first, widths }, scale })
            }
            _ => Err(Fail::Unsupported),
        }
    }

    /// A code's advance in text space units (before the font size).
    fn width(&self, code: u32) -> f64 {
        let glyph = match &self.widths {
            Widths::Simple { first, widths } => {
                code.checked_sub(*first).and_then(|i| widths.get(i as usize)).copied().unwrap_or(0.0)
            }
            Widths::Cid { default, single, ranges } => single
                .get(&code)
                .copied()
                .or_else(|| ranges.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&code)).map(|r| r.2))
                .unwrap_or(*default),
        };
        glyph * self.scale
    }

    /// What a code reads as: nothing for a code its map leaves out (the empty glyph); a code no
    /// encoding names is for the general reader.
    fn text(&self, code: u32) -> Result<Option<String>> {
        if let Some(map) = &self.to_unicode {
            return Ok(map.get(&code).map(|t| t.to_string()));
        }
        match self.encoding.as_ref().and_then(|e| e.get(code as usize).copied()) {
            Some(Some(c)) => Ok(Some(c.to_string())),
            _ => Err(Fail::Unsupported),
        }
    }
}

/// A ToUnicode CMap: `bfchar` pairs and `bfrange`s, each target in UTF-16BE.
fn to_unicode(data: &[u8]) -> HashMap<u32, Box<str>> {
    fn code(bytes: &[u8]) -> Option<u32> {
        (bytes.len() <= 4).then(|| bytes.iter().fold(0u32, |c, &b| c << 8 | b as u32))
    }
    fn units(bytes: &[u8]) -> Vec<u16> {
        bytes.chunks(2).map(|p| if p.len() == 2 { u16::from_be_bytes([p[0], p[1]]) } else { p[0] as u16 }).collect()
    }
    fn text(units: &[u16]) -> Box<str> {
        char::decode_utf16(units.iter().copied())
            .filter_map(|c| c.ok())
            .map(super::ideograph)
            .collect::<String>()
            .into()
    }
    let mut map = HashMap::new();
    let mut lexer = Lexer::new(data, 0);
    while let Some(token) = lexer.token() {
        match token {
            Token::Word(b"beginbfchar") => {
                while let (Some(Token::Str(source)), Some(Token::Str(target))) = (lexer.token(), lexer.token()) {
                    if let Some(c) = code(&source)
                        && map.len() < MAX_MAPPINGS
                    {
                        map.insert(c, text(&units(&target)));
                    }
                }
            }
            Token::Word(b"beginbfrange") => {
                while let (Some(Token::Str(lo)), Some(Token::Str(hi))) = (lexer.token(), lexer.token()) {
                    let (Some(lo), Some(hi)) = (code(&lo), code(&hi)) else { break };
                    match lexer.token() {
                        Some(Token::Str(target)) => {
                            let base = units(&target);
                            for c in lo..=hi.min(lo.saturating_add(MAX_MAPPINGS as u32)) {
                                if map.len() >= MAX_MAPPINGS {
                                    break;
                                }
                                // Each code of the range adds to the target's last unit.
                                let mut units = base.clone();
                                if let Some(last) = units.last_mut() {
                                    *last = last.wrapping_add((c - lo) as u16);
                                }
                                map.insert(c, text(&units));
                            }
                        }
                        Some(Token::ArrayStart) => {
                            let mut c = lo;
                            while let Some(Token::Str(target)) = lexer.token() {
                                if c <= hi && map.len() < MAX_MAPPINGS {
                                    map.insert(c, text(&units(&target)));
                                }
                                c = c.saturating_add(1);
                            }
                        }
                        _ => break,
                    }
                }
            }
            _ => {}
        }
    }
    map
}

/// A simple font's codes by its encoding, when it has no ToUnicode map: printable ASCII as every
/// base encoding has it, WinAnsi's upper half, and the glyph names of its differences.
fn encoding(doc: &Document<'_>, entry: Option<Obj>) -> Result<Box<[Option<char>; 256]>> {
    let (base, differences) = match entry {
        Some(Obj::Name(name)) => (name, None),
        Some(Obj::Dict(dict)) => (
            dict.get(b"BaseEncoding").and_then(Obj::name).unwrap_or_default().to_vec(),
            doc.lookup(&dict, b"Differences"),
        ),
        // A font's built-in encoding (a symbol font's, say) is for the general reader.
        _ => return Err(Fail::Unsupported),
    };
    let mut table = Box::new([None; 256]);
    for c in 32u8..127 {
        table[c as usize] = Some(c as char);
    }
    if base == b"WinAnsiEncoding" {
        for (i, c) in WIN_ANSI_HIGH.chars().enumerate() {
            table[0x80 + i] = (c != '\u{0}').then_some(c);
        }
        for c in 0xA0u32..=0xFF {
            table[c as usize] = char::from_u32(c);
        }
    }
    if let Some(Obj::Array(items)) = differences {
        let mut code = 0usize;
        for item in items {
            match item {
                Obj::Int(n) => code = usize::try_from(n).unwrap_or(usize::MAX),
                Obj::Name(name) => {
                    if let Some(slot) = table.get_mut(code) {
                        *slot = glyph(&name);
                    }
                    code = code.saturating_add(1);
                }
                _ => {}
            }
        }
    }
    Ok(table)
}

/// WinAnsi's 0x80–0x9F (NUL where it names nothing).
const WIN_ANSI_HIGH: &str = "€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ";

/// A glyph name's character: `uni` or `u` and the code point in hexadecimal (`uni540E`, `u540E`),
/// a letter or digit, or a common name.
fn glyph(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    let base = name.split('.').next()?;
    let hex = base
        .strip_prefix("uni")
        .filter(|h| h.len() == 4)
        .or_else(|| base.strip_prefix('u').filter(|h| (4..=6).contains(&h.len())));
    if let Some(hex) = hex
        && let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
    {
        return Some(c);
    }
    if base.len() == 1 && base.as_bytes()[0].is_ascii_alphanumeric() {
        return base.chars().next();
    }
    const DIGITS: [&str; 10] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    if let Some(d) = DIGITS.iter().position(|d| *d == base) {
        return char::from_digit(d as u32, 10);
    }
    Some(match base {
        "space" | "nbspace" => ' ',
        "exclam" => '!',
        "quotedbl" => '"',
        "numbersign" => '#',
        "dollar" => '$',
        "percent" => '%',
        "ampersand" => '&',
        "quotesingle" => '\'',
        "parenleft" => '(',
        "parenright" => ')',
        "asterisk" => '*',
        "plus" => '+',
        "comma" => ',',
        "hyphen" | "minus" => '-',
        "period" => '.',
        "slash" => '/',
        "colon" => ':',
        "semicolon" => ';',
        "less" => '<',
        "equal" => '=',
        "greater" => '>',
        "question" => '?',
        "at" => '@',
        "bracketleft" => '[',
        "backslash" => '\\',
        "bracketright" => ']',
        "underscore" => '_',
        "braceleft" => '{',
        "bar" => '|',
        "braceright" => '}',
        "quoteleft" => '‘',
        "quoteright" => '’',
        "quotedblleft" => '“',
        "quotedblright" => '”',
        "endash" => '–',
        "emdash" => '—',
        "bullet" => '•',
        "ellipsis" => '…',
        "degree" => '°',
        _ => return None,
    })
}

/// The text state a `q` saves and a `Q` restores, with the transformation.
#[derive(Clone)]
struct State {
    ctm: Matrix,
    /// The font set by `Tf`: `Err` when it is one the lazy reader cannot decode.
    font: Option<std::result::Result<Rc<Font>, ()>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scaling: f64,
    leading: f64,
    rise: f64,
}

struct Reader<'d, 'a> {
    doc: &'d Document<'a>,
    fonts: HashMap<u32, Rc<Font>>,
    draws: usize,
    characters: usize,
}

/// Each page's characters, in the order the pages come.
pub(super) fn pages(doc: &Document<'_>) -> Result<Vec<Vec<Run>>> {
    let catalog = doc.lookup(&doc.trailer, b"Root").ok_or(Fail::Unsupported)?;
    let Some(Obj::Ref(root)) = catalog.dict().and_then(|c| c.get(b"Pages")) else { return Err(Fail::Unsupported) };
    let mut reader = Reader { doc, fonts: HashMap::new(), draws: 0, characters: 0 };
    let mut pages = Vec::new();
    // The page tree walked from its root, each node with the parent it must name and what it
    // inherits (resources and media box).
    let mut stack = vec![(*root, None::<u32>, None::<Obj>, None::<Obj>)];
    let mut seen = HashSet::new();
    while let Some((id, parent, resources, media_box)) = stack.pop() {
        if !seen.insert(id) {
            return Err(Fail::Unsupported);
        }
        let node = doc.get(id).and_then(|n| n.dict().cloned()).ok_or(Fail::Unsupported)?;
        // A node naming another parent than the one that lists it is for the general reader,
        // which refuses the loops among such files.
        if node.get(b"Parent") != parent.map(Obj::Ref).as_ref() {
            return Err(Fail::Unsupported);
        }
        let resources = node.get(b"Resources").cloned().or(resources);
        let media_box = node.get(b"MediaBox").cloned().or(media_box);
        match doc.lookup(&node, b"Kids") {
            Some(Obj::Array(kids)) => {
                for kid in kids.iter().rev() {
                    let Obj::Ref(kid) = kid else { return Err(Fail::Unsupported) };
                    stack.push((*kid, Some(id), resources.clone(), media_box.clone()));
                }
            }
            _ => {
                if pages.len() >= MAX_PAGES {
                    return Err(Fail::TooManyPages);
                }
                pages.push(reader.page(&node, resources, media_box)?);
            }
        }
        if seen.len() > 4 * MAX_PAGES {
            return Err(Fail::TooManyPages);
        }
    }
    Ok(pages)
}

impl Reader<'_, '_> {
    fn page(&mut self, node: &Dict, resources: Option<Obj>, media_box: Option<Obj>) -> Result<Vec<Run>> {
        let media_box: Vec<f64> = media_box
            .and_then(|m| self.doc.resolve(&m))
            .and_then(|m| m.array().map(|a| a.iter().filter_map(|n| self.doc.resolve(n)?.number()).collect()))
            .filter(|m: &Vec<f64>| m.len() == 4)
            .ok_or(Fail::Unsupported)?;
        let height = media_box[3] - media_box[1];
        let resources =
            resources.and_then(|r| self.doc.resolve(&r)).and_then(|r| r.dict().cloned()).unwrap_or_default();
        let mut content = Vec::new();
        match self.doc.lookup(node, b"Contents") {
            Some(Obj::Stream(dict, range)) => content = self.doc.decoded(&dict, range)?,
            Some(Obj::Array(parts)) => {
                for part in parts {
                    if let Some(Obj::Stream(dict, range)) = self.doc.resolve(&part) {
                        content.extend_from_slice(&self.doc.decoded(&dict, range)?);
                        content.push(b'\n');
                    }
                }
            }
            _ => {}
        }
        let mut runs = Vec::new();
        self.content(&content, &resources, IDENTITY, &mut Vec::new(), height, &mut runs)?;
        Ok(runs)
    }

    /// The font a resource dictionary names `name`; fonts are loaded once however many pages and
    /// forms use them.
    fn font(&mut self, fonts: &Dict, name: &[u8]) -> std::result::Result<Rc<Font>, ()> {
        match fonts.get(name) {
            Some(Obj::Ref(id)) => {
                if let Some(font) = self.fonts.get(id) {
                    return Ok(font.clone());
                }
                // A font's entries for its text; its glyphs' drawings (a Type3 font's CharProcs,
                // most of a printed report) are passed over unbuilt.
                let dict = self.doc.dict_of(*id, FONT_KEYS).ok_or(())?;
                let font = Rc::new(Font::load(self.doc, &dict, Some(*id)).map_err(|_| ())?);
                self.fonts.insert(*id, font.clone());
                Ok(font)
            }
            Some(Obj::Dict(dict)) => Font::load(self.doc, dict, None).map(Rc::new).map_err(|_| ()),
            _ => Err(()),
        }
    }

    /// Interprets one content stream (a page's or a form's) for the characters it shows.
    fn content(
        &mut self,
        content: &[u8],
        resources: &Dict,
        ctm: Matrix,
        forms: &mut Vec<u32>,
        height: f64,
        runs: &mut Vec<Run>,
    ) -> Result<()> {
        let mut state = State {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scaling: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut saved: Vec<State> = Vec::new();
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        let mut operands: Vec<Obj> = Vec::with_capacity(8);
        // The resources' fonts, looked up once, and each name's font as it is first set.
        let fonts = self.doc.lookup(resources, b"Font").and_then(|f| f.dict().cloned()).unwrap_or_default();
        let mut set: HashMap<Vec<u8>, std::result::Result<Rc<Font>, ()>> = HashMap::new();
        let mut lexer = Lexer::new(content, 0);
        while let Some(token) = lexer.token() {
            let Token::Word(op) = token else {
                if let Some(value) = lexer.value(token, 0) {
                    // Garbage of many operands keeps only the last ones, which an operator reads.
                    if operands.len() >= 64 {
                        operands.drain(..32);
                    }
                    operands.push(value);
                }
                continue;
            };
            let n = |i: usize| -> Option<f64> {
                let k = operands.len().checked_sub(i)?;
                operands.get(k).and_then(Obj::number).filter(|v| v.is_finite())
            };
            match op {
                b"q" if saved.len() < MAX_SAVED => saved.push(state.clone()),
                b"Q" => {
                    if let Some(s) = saved.pop() {
                        state = s;
                    }
                }
                b"cm" => {
                    if let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) = (n(6), n(5), n(4), n(3), n(2), n(1))
                    {
                        state.ctm = mul(&[a, b, c, d, e, f], &state.ctm);
                    }
                }
                b"BT" | b"ET" => (tm, tlm) = (IDENTITY, IDENTITY),
                b"Tf" => {
                    if let (Some(Obj::Name(name)), Some(size)) =
                        (operands.len().checked_sub(2).and_then(|k| operands.get(k)), n(1))
                    {
                        let font = match set.get(name) {
                            Some(font) => font.clone(),
                            None => {
                                let font = self.font(&fonts, name);
                                set.insert(name.clone(), font.clone());
                                font
                            }
                        };
                        state.font = Some(font);
                        state.size = size;
                    }
                }
                b"Tc" => state.char_spacing = n(1).unwrap_or(state.char_spacing),
                b"Tw" => state.word_spacing = n(1).unwrap_or(state.word_spacing),
                b"Tz" => state.scaling = n(1).map_or(state.scaling, |s| s / 100.0),
                b"TL" => state.leading = n(1).unwrap_or(state.leading),
                b"Ts" => state.rise = n(1).unwrap_or(state.rise),
                b"Td" | b"TD" => {
                    if let (Some(tx), Some(ty)) = (n(2), n(1)) {
                        if op == b"TD" {
                            state.leading = -ty;
                        }
                        translate(&mut tlm, tx, ty);
                        tm = tlm;
                    }
                }
                b"Tm" => {
                    if let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) = (n(6), n(5), n(4), n(3), n(2), n(1))
                    {
                        tlm = [a, b, c, d, e, f];
                        tm = tlm;
                    }
                }
                b"T*" => {
                    translate(&mut tlm, 0.0, -state.leading);
                    tm = tlm;
                }
                b"Tj" | b"'" | b"\"" => {
                    if op == b"\"" {
                        state.word_spacing = n(3).unwrap_or(state.word_spacing);
                        state.char_spacing = n(2).unwrap_or(state.char_spacing);
                    }
                    if op != b"Tj" {
                        translate(&mut tlm, 0.0, -state.leading);
                        tm = tlm;
                    }
                    if let Some(Obj::Str(text)) = operands.last() {
                        self.show(text, &state, &mut tm, height, runs)?;
                    }
                }
                b"TJ" => {
                    if let Some(Obj::Array(items)) = operands.last() {
                        for item in items {
                            match item {
                                Obj::Str(text) => self.show(text, &state, &mut tm, height, runs)?,
                                other => {
                                    let adjust = other.number().unwrap_or(0.0);
                                    translate(&mut tm, -adjust / 1000.0 * state.size * state.scaling, 0.0);
                                }
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(Obj::Name(name)) = operands.last() {
                        let name = name.clone();
                        self.form(resources, &name, &state, forms, height, runs)?;
                    }
                }
                b"BI" => skip_inline_image(&mut lexer),
                _ => {}
            }
            operands.clear();
        }
        Ok(())
    }

    /// Places each character of a shown string, advancing the text matrix by its width.
    fn show(&mut self, text: &[u8], state: &State, tm: &mut Matrix, height: f64, runs: &mut Vec<Run>) -> Result<()> {
        let font = match &state.font {
            Some(Ok(font)) => font.clone(),
            // Text shown without a font, or in one this reader cannot decode.
            _ => return Err(Fail::Unsupported),
        };
        let step = if font.two_bytes { 2 } else { 1 };
        for bytes in text.chunks_exact(step) {
            let code = bytes.iter().fold(0u32, |c, &b| c << 8 | b as u32);
            let trm = mul(&mul(&[state.scaling, 0.0, 0.0, 1.0, 0.0, state.rise], tm), &state.ctm);
            let width = font.width(code);
            // The text rendering matrix scales the font's size onto the page.
            let size = state.size * (trm[0] * trm[3] - trm[1] * trm[2]).abs().sqrt();
            if size > 0.0
                && size.is_finite()
                && let Some(text) = font.text(code)?
            {
                self.characters += 1;
                if self.characters > MAX_CHARACTERS {
                    return Err(Fail::TooLarge);
                }
                runs.push(Run { x: trm[4], y: height - trm[5], width: width * size, size, text });
            }
            let mut spacing = state.char_spacing;
            if step == 1 && code == 32 {
                spacing += state.word_spacing;
            }
            translate(tm, state.scaling * (width * state.size + spacing), 0.0);
        }
        Ok(())
    }

    /// A form XObject drawn by `Do`: its content read in its own resources and matrix. An image
    /// is passed over unread.
    fn form(
        &mut self,
        resources: &Dict,
        name: &[u8],
        state: &State,
        forms: &mut Vec<u32>,
        height: f64,
        runs: &mut Vec<Run>,
    ) -> Result<()> {
        let Some(Obj::Ref(id)) =
            self.doc.lookup(resources, b"XObject").and_then(|x| x.dict().and_then(|x| x.get(name).cloned()))
        else {
            return Ok(());
        };
        let Some(Obj::Stream(dict, range)) = self.doc.get(id) else { return Ok(()) };
        if dict.get(b"Subtype").and_then(Obj::name) != Some(b"Form") {
            return Ok(());
        }
        self.draws += 1;
        if forms.contains(&id) || forms.len() >= MAX_FORM_DEPTH || self.draws > MAX_FORM_DRAWS {
            return Err(Fail::Loops);
        }
        let matrix: Vec<f64> = self
            .doc
            .lookup(&dict, b"Matrix")
            .and_then(|m| m.array().map(|a| a.iter().filter_map(Obj::number).collect()))
            .unwrap_or_default();
        let matrix = <[f64; 6]>::try_from(matrix.as_slice()).unwrap_or(IDENTITY);
        let inner = self.doc.lookup(&dict, b"Resources").and_then(|r| r.dict().cloned());
        let content = self.doc.decoded(&dict, range)?;
        forms.push(id);
        let drawn =
            self.content(&content, inner.as_ref().unwrap_or(resources), mul(&matrix, &state.ctm), forms, height, runs);
        forms.pop();
        drawn
    }
}

/// Passes over an inline image (`BI … ID data EI`): its data is binary and holds no text.
fn skip_inline_image(lexer: &mut Lexer<'_>) {
    while let Some(token) = lexer.token() {
        if token == Token::Word(b"ID") {
            break;
        }
    }
    let data = lexer.data;
    let mut at = lexer.pos + 1;
    while let Some(found) = data.get(at..).and_then(|rest| memchr::memmem::find(rest, b"EI")) {
        let end = at + found;
        let before = end.checked_sub(1).map(|p| data[p]);
        let after = data.get(end + 2).copied();
        if before.is_some_and(super::syntax::is_white) && after.is_none_or(super::syntax::is_white) {
            lexer.pos = end + 2;
            return;
        }
        at = end + 2;
    }
    lexer.pos = data.len();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tounicode_map_reads_chars_ranges_and_lists() {
        let map = to_unicode(
            b"2 beginbfchar <0001> <540E> <0002> <2F2D> endbfchar\n\
              2 beginbfrange <0010> <0012> <0030> <0020> <0021> [<5C71> <D842DF9F>] endbfrange",
        );
        assert_eq!(&*map[&1], "后");
        assert_eq!(&*map[&2], "山", "a radical reads as its ideograph");
        assert_eq!((&*map[&0x10], &*map[&0x12]), ("0", "2"));
        assert_eq!(&*map[&0x20], "山");
        assert_eq!(&*map[&0x21], "\u{20B9F}", "a surrogate pair is one character");
    }

    #[test]
    fn a_huge_range_is_held_to_the_limit() {
        let map = to_unicode(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert_eq!(map.len(), MAX_MAPPINGS);
    }

    #[test]
    fn glyph_names_read_as_their_characters() {
        assert_eq!(glyph(b"uni540E"), Some('后'));
        assert_eq!(glyph(b"A"), Some('A'));
        assert_eq!(glyph(b"seven"), Some('7'));
        assert_eq!(glyph(b"comma.alt"), Some(','));
        assert_eq!(glyph(b"g3DC7"), None);
    }

    #[test]
    fn matrices_concatenate_as_pdf_writes_them() {
        let scale = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        let moved = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        assert_eq!(mul(&moved, &scale), [2.0, 0.0, 0.0, 2.0, 20.0, 40.0]);
        let mut m = scale;
        translate(&mut m, 3.0, 4.0);
        assert_eq!(m, [2.0, 0.0, 0.0, 2.0, 6.0, 8.0]);
    }
}
