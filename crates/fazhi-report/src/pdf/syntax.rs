//! A PDF file's syntax, read lazily: the cross-reference table (or stream) says where each object
//! starts, and an object is parsed only when the text reader asks for it. A report printed to PDF
//! is mostly its fonts' glyph drawings, which text extraction never needs; parsing the whole file
//! first (as lopdf does) cost 13 ms of every 15 for a report of eight pages.
//!
//! What this reader does not know (encryption, filters other than Flate, a damaged table) makes it
//! answer `Fail::Unsupported`, and the file is read by the general reader instead (`super`).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Why the lazy reader stopped: the file is one for the general reader, or it is refused.
#[derive(Debug)]
pub(super) enum Fail {
    Unsupported,
    /// A stream unpacks past the limits (a PDF bomb).
    TooLarge,
    /// Pages or forms refer back to themselves.
    Loops,
    TooManyPages,
}

pub(super) type Result<T> = std::result::Result<T, Fail>;

/// Arrays and dictionaries nest no deeper than this; deeper is not a report.
const MAX_NESTING: usize = 64;
/// No stream of a report unpacks past this; all of them together, past four times it.
pub(super) const MAX_STREAM_BYTES: u64 = 64 * 1024 * 1024;
/// Cross-reference sections chained by /Prev.
const MAX_SECTIONS: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Obj {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32),
    /// A stream's dictionary and where its bytes lie in the file (streams are never inside object
    /// streams, so they always lie in the file itself).
    Stream(Dict, std::ops::Range<usize>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Dict(Vec<(Vec<u8>, Obj)>);

impl Dict {
    pub fn get(&self, key: &[u8]) -> Option<&Obj> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Obj {
    pub fn number(&self) -> Option<f64> {
        match self {
            Obj::Int(i) => Some(*i as f64),
            Obj::Real(r) => Some(*r),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            Obj::Int(i) => Some(*i),
            Obj::Real(r) if r.fract() == 0.0 && r.abs() < 1e15 => Some(*r as i64),
            _ => None,
        }
    }

    pub fn name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }

    pub fn dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) | Obj::Stream(d, _) => Some(d),
            _ => None,
        }
    }

    pub fn array(&self) -> Option<&[Obj]> {
        match self {
            Obj::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// One token of PDF syntax (the file's objects and a page's content share it).
#[derive(Debug, PartialEq)]
pub(super) enum Token<'a> {
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    DictStart,
    DictEnd,
    ArrayStart,
    ArrayEnd,
    /// A keyword or an operator: `obj`, `R`, `true`, `Tj`, `BT`…
    Word(&'a [u8]),
}

pub(super) fn is_white(b: u8) -> bool {
    matches!(b, 0 | 9 | 10 | 12 | 13 | 32)
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

pub(super) struct Lexer<'a> {
    pub data: &'a [u8],
    pub pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Lexer { data, pos: pos.min(data.len()) }
    }

    pub fn skip_white(&mut self) {
        while let Some(&b) = self.data.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.data.get(self.pos).is_some_and(|&b| b != b'\n' && b != b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.data.get(self.pos).is_some_and(|&b| is_regular(b)) {
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    pub fn token(&mut self) -> Option<Token<'a>> {
        self.skip_white();
        let b = *self.data.get(self.pos)?;
        Some(match b {
            b'/' => {
                self.pos += 1;
                Token::Name(self.name())
            }
            b'(' => {
                self.pos += 1;
                Token::Str(self.literal())
            }
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Token::DictStart
            }
            b'<' => {
                self.pos += 1;
                Token::Str(self.hex_string())
            }
            b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Token::DictEnd
            }
            b'[' => {
                self.pos += 1;
                Token::ArrayStart
            }
            b']' => {
                self.pos += 1;
                Token::ArrayEnd
            }
            b'>' | b')' | b'{' | b'}' => {
                self.pos += 1;
                Token::Word(&self.data[self.pos - 1..self.pos])
            }
            _ => {
                let run = self.regular_run();
                number(run).unwrap_or(Token::Word(run))
            }
        })
    }

    fn name(&mut self) -> Vec<u8> {
        let run = self.regular_run();
        if !run.contains(&b'#') {
            return run.to_vec();
        }
        let mut name = Vec::with_capacity(run.len());
        let mut i = 0;
        while i < run.len() {
            match (run[i], run.get(i + 1).copied().and_then(hex), run.get(i + 2).copied().and_then(hex)) {
                (b'#', Some(h), Some(l)) => {
                    name.push(h << 4 | l);
                    i += 3;
                }
                (b, _, _) => {
                    name.push(b);
                    i += 1;
                }
            }
        }
        name
    }

    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth -= 1;
                    out.push(b);
                }
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut value = (e - b'0') as u32;
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        value = value * 8 + (d - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(value as u8);
                        }
                        // A backslash at the end of a line continues the string on the next.
                        b'\r' => {
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            let Some(d) = hex(b) else { continue };
            match high.take() {
                Some(h) => out.push(h << 4 | d),
                None => high = Some(d),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }

    /// Whether the next bytes are `G R` (the rest of a reference after its number), and if so
    /// where they end. Checked on the bytes, so an array of numbers is read once.
    fn reference_rest(&self) -> Option<usize> {
        let d = self.data;
        let mut p = self.pos;
        while d.get(p).is_some_and(|&b| is_white(b)) {
            p += 1;
        }
        let digits = p;
        while d.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
        if p == digits || !d.get(p).is_some_and(|&b| is_white(b)) {
            return None;
        }
        while d.get(p).is_some_and(|&b| is_white(b)) {
            p += 1;
        }
        (d.get(p) == Some(&b'R') && !d.get(p + 1).is_some_and(|&b| is_regular(b))).then_some(p + 1)
    }

    /// Passes over one value without building it (a font's glyph drawings, its differences).
    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_NESTING {
            return None;
        }
        self.skip_white();
        let (b, next) = (*self.data.get(self.pos)?, self.data.get(self.pos + 1).copied());
        match (b, next) {
            (b'/', _) => {
                self.pos += 1;
                self.regular_run();
            }
            (b'(', _) => {
                self.pos += 1;
                let mut open = 0usize;
                while let Some(&b) = self.data.get(self.pos) {
                    self.pos += 1;
                    match b {
                        b'\\' => self.pos += 1,
                        b'(' => open += 1,
                        b')' if open == 0 => break,
                        b')' => open -= 1,
                        _ => {}
                    }
                }
            }
            (b'<', Some(b'<')) | (b'[', _) => {
                let close: &[u8] = if b == b'[' { b"]" } else { b">>" };
                self.pos += close.len();
                loop {
                    self.skip_white();
                    if self.data[self.pos..].starts_with(close) {
                        self.pos += close.len();
                        break;
                    }
                    if self.pos >= self.data.len() {
                        return None;
                    }
                    self.skip(depth + 1)?;
                }
            }
            (b'<', _) => {
                self.pos +=
                    memchr::memchr(b'>', &self.data[self.pos..]).map_or(self.data.len() - self.pos, |at| at + 1);
            }
            _ => {
                if self.regular_run().is_empty() {
                    self.pos += 1;
                }
            }
        }
        Some(())
    }

    /// A dictionary with only the entries named in `keys` built; the others are passed over.
    fn dict_of(&mut self, keys: &[&[u8]]) -> Option<Dict> {
        if self.token()? != Token::DictStart {
            return None;
        }
        let mut entries = Vec::new();
        loop {
            match self.token()? {
                Token::DictEnd => break,
                Token::Name(key) if keys.contains(&key.as_slice()) => {
                    let t = self.token()?;
                    entries.push((key, self.value(t, 1)?));
                }
                Token::Name(_) => self.skip(1)?,
                _ => {}
            }
        }
        Some(Dict(entries))
    }

    /// The object that starts with `token`.
    pub fn value(&mut self, token: Token<'a>, depth: usize) -> Option<Obj> {
        if depth > MAX_NESTING {
            return None;
        }
        Some(match token {
            Token::Int(n) => match self.reference_rest() {
                Some(end) if (0..=u32::MAX as i64).contains(&n) => {
                    self.pos = end;
                    Obj::Ref(n as u32)
                }
                _ => Obj::Int(n),
            },
            Token::Real(r) => Obj::Real(r),
            Token::Name(n) => Obj::Name(n),
            Token::Str(s) => Obj::Str(s),
            Token::ArrayStart => {
                let mut items = Vec::new();
                loop {
                    match self.token()? {
                        Token::ArrayEnd => break,
                        t => items.push(self.value(t, depth + 1)?),
                    }
                }
                Obj::Array(items)
            }
            Token::DictStart => {
                let mut entries = Vec::new();
                loop {
                    match self.token()? {
                        Token::DictEnd => break,
                        Token::Name(key) => {
                            let t = self.token()?;
                            if t == Token::DictEnd {
                                break;
                            }
                            entries.push((key, self.value(t, depth + 1)?));
                        }
                        // A key that is not a name: the entry is skipped.
                        _ => {}
                    }
                }
                Obj::Dict(Dict(entries))
            }
            Token::Word(b"true") => Obj::Bool(true),
            Token::Word(b"false") => Obj::Bool(false),
            Token::Word(b"null") => Obj::Null,
            Token::DictEnd | Token::ArrayEnd | Token::Word(_) => return None,
        })
    }

    pub fn object(&mut self) -> Option<Obj> {
        let t = self.token()?;
        self.value(t, 0)
    }
}

/// A number as PDF writes it (`12`, `-3.5`, `.25`), or `None` for a keyword.
fn number(run: &[u8]) -> Option<Token<'static>> {
    let (negative, digits) = match run.first()? {
        b'-' => (true, &run[1..]),
        b'+' => (false, &run[1..]),
        _ => (false, run),
    };
    if digits.is_empty() || digits.len() > 40 {
        return None;
    }
    let (mut whole, mut fraction, mut scale, mut point, mut any) = (0i64, 0i64, 1i64, false, false);
    for &b in digits {
        match b {
            b'0'..=b'9' if !point => {
                whole = whole.checked_mul(10)?.checked_add((b - b'0') as i64)?;
                any = true;
            }
            b'0'..=b'9' => {
                // Digits past the eighth after the point change nothing a reader sees.
                if scale < 100_000_000 {
                    fraction = fraction * 10 + (b - b'0') as i64;
                    scale *= 10;
                }
                any = true;
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if !any {
        return None;
    }
    let sign = if negative { -1 } else { 1 };
    Some(if point {
        Token::Real(sign as f64 * (whole as f64 + fraction as f64 / scale as f64))
    } else {
        Token::Int(sign * whole)
    })
}

/// Where an object lies: at an offset of the file, or the n-th of an object stream.
#[derive(Debug, Clone, Copy)]
enum Entry {
    At(usize),
    InStream(u32, u32),
}

/// An object stream unpacked: its objects' numbers and where each starts.
struct ObjectStream {
    data: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

pub(super) struct Document<'a> {
    data: &'a [u8],
    entries: HashMap<u32, Entry>,
    pub trailer: Dict,
    object_streams: RefCell<HashMap<u32, Rc<ObjectStream>>>,
    /// Bytes unpacked so far from all streams: a file may not unpack past four times one stream's
    /// limit in all.
    unpacked: Cell<u64>,
    /// One inflater for every stream: a printed report has hundreds of small ones (a ToUnicode map
    /// for each font of each page), and making an inflater costs more than most of them.
    inflater: RefCell<flate2::Decompress>,
}

impl<'a> Document<'a> {
    /// The file's cross-reference sections, newest first, and its trailer.
    pub fn open(data: &'a [u8]) -> Result<Document<'a>> {
        let tail = data.len().saturating_sub(2048);
        let at = memchr::memmem::rfind(&data[tail..], b"startxref").ok_or(Fail::Unsupported)? + tail;
        let mut lexer = Lexer::new(data, at + b"startxref".len());
        let Some(Token::Int(first)) = lexer.token() else { return Err(Fail::Unsupported) };
        let mut doc = Document {
            data,
            entries: HashMap::new(),
            trailer: Dict::default(),
            object_streams: RefCell::default(),
            unpacked: Cell::new(0),
            inflater: RefCell::new(flate2::Decompress::new(true)),
        };
        let mut next = Some(first);
        let mut seen = HashSet::new();
        let mut trailer = None;
        while let Some(offset) = next.take() {
            let offset = usize::try_from(offset).map_err(|_| Fail::Unsupported)?;
            if !seen.insert(offset) || seen.len() > MAX_SECTIONS {
                return Err(Fail::Unsupported);
            }
            let section = doc.section(offset)?;
            if let Some(Obj::Int(stream_at)) = section.get(b"XRefStm") {
                doc.section(usize::try_from(*stream_at).map_err(|_| Fail::Unsupported)?)?;
            }
            next = section.get(b"Prev").and_then(Obj::int);
            trailer.get_or_insert(section);
        }
        doc.trailer = trailer.ok_or(Fail::Unsupported)?;
        // An encrypted file is for the general reader, which opens it with the empty password.
        if doc.trailer.get(b"Encrypt").is_some() || doc.trailer.get(b"Root").is_none() {
            return Err(Fail::Unsupported);
        }
        Ok(doc)
    }

    /// Reads one cross-reference section (a table and its trailer, or a stream) into the entries,
    /// keeping those a newer section already gave; answers its trailer.
    fn section(&mut self, offset: usize) -> Result<Dict> {
        let mut lexer = Lexer::new(self.data, offset);
        match lexer.token() {
            Some(Token::Word(b"xref")) => loop {
                match lexer.token() {
                    Some(Token::Int(start)) => {
                        let Some(Token::Int(count)) = lexer.token() else { return Err(Fail::Unsupported) };
                        if start < 0 || count < 0 || count as usize > self.data.len() / 18 + 1 {
                            return Err(Fail::Unsupported);
                        }
                        for n in 0..count {
                            let (Some(Token::Int(at)), Some(Token::Int(_)), Some(Token::Word(kind))) =
                                (lexer.token(), lexer.token(), lexer.token())
                            else {
                                return Err(Fail::Unsupported);
                            };
                            let number =
                                start.checked_add(n).and_then(|n| u32::try_from(n).ok()).ok_or(Fail::Unsupported)?;
                            if kind == b"n" && at > 0 {
                                self.entries.entry(number).or_insert(Entry::At(at as usize));
                            }
                        }
                    }
                    Some(Token::Word(b"trailer")) => {
                        return lexer.object().and_then(|o| o.dict().cloned()).ok_or(Fail::Unsupported);
                    }
                    _ => return Err(Fail::Unsupported),
                }
            },
            Some(Token::Int(_)) => {
                let Some(Obj::Stream(dict, range)) = self.parse_at(offset, true) else { return Err(Fail::Unsupported) };
                if dict.get(b"Type").and_then(Obj::name) != Some(b"XRef") {
                    return Err(Fail::Unsupported);
                }
                let widths: Vec<usize> = dict
                    .get(b"W")
                    .and_then(Obj::array)
                    .ok_or(Fail::Unsupported)?
                    .iter()
                    .map(|w| w.int().filter(|w| (0..=8).contains(w)).map(|w| w as usize))
                    .collect::<Option<_>>()
                    .ok_or(Fail::Unsupported)?;
                if widths.len() != 3 || widths.iter().sum::<usize>() == 0 {
                    return Err(Fail::Unsupported);
                }
                let size = dict.get(b"Size").and_then(Obj::int).unwrap_or(0);
                let index: Vec<i64> = match dict.get(b"Index").and_then(Obj::array) {
                    Some(index) => index.iter().map(Obj::int).collect::<Option<_>>().ok_or(Fail::Unsupported)?,
                    None => vec![0, size],
                };
                let rows = self.decoded(&dict, range)?;
                let row = widths.iter().sum::<usize>();
                let field = |bytes: &[u8]| bytes.iter().fold(0u64, |v, &b| v << 8 | b as u64);
                let mut rows = rows.chunks_exact(row);
                for pair in index.chunks_exact(2) {
                    for n in 0..pair[1].max(0) {
                        let Some(r) = rows.next() else { break };
                        let (kind, rest) = r.split_at(widths[0]);
                        let (a, b) = rest.split_at(widths[1]);
                        // A missing type field means type 1.
                        let kind = if widths[0] == 0 { 1 } else { field(kind) };
                        let number =
                            pair[0].checked_add(n).and_then(|n| u32::try_from(n).ok()).ok_or(Fail::Unsupported)?;
                        let entry = match kind {
                            1 => Entry::At(field(a) as usize),
                            2 => Entry::InStream(field(a) as u32, field(b) as u32),
                            _ => continue,
                        };
                        self.entries.entry(number).or_insert(entry);
                    }
                }
                Ok(dict)
            }
            _ => Err(Fail::Unsupported),
        }
    }

    /// The indirect object written at `offset` (`N G obj … endobj`), a stream with its bytes'
    /// place.
    /// A stream's /Length given as a reference is followed only from the outermost object: the
    /// length's own object never follows one (two streams naming each other would never end).
    fn parse_at(&self, offset: usize, follow_length: bool) -> Option<Obj> {
        let mut lexer = Lexer::new(self.data, offset);
        let (Some(Token::Int(_)), Some(Token::Int(_)), Some(Token::Word(b"obj"))) =
            (lexer.token(), lexer.token(), lexer.token())
        else {
            return None;
        };
        let value = lexer.object()?;
        let Obj::Dict(dict) = value else { return Some(value) };
        if lexer.token() != Some(Token::Word(b"stream")) {
            return Some(Obj::Dict(dict));
        }
        // The data starts after the end of the `stream` line.
        let mut start = lexer.pos;
        if self.data.get(start) == Some(&b'\r') {
            start += 1;
        }
        if self.data.get(start) == Some(&b'\n') {
            start += 1;
        }
        let declared = match dict.get(b"Length") {
            Some(Obj::Int(n)) => usize::try_from(*n).ok(),
            Some(Obj::Ref(id)) if follow_length => match self.entries.get(id).and_then(|e| self.parse_entry(*e, false))
            {
                Some(Obj::Int(n)) => usize::try_from(n).ok(),
                _ => None,
            },
            _ => None,
        };
        // The declared length is trusted when `endstream` follows it; otherwise the data runs to
        // the next `endstream`, as every reader repairs it.
        let end = declared
            .and_then(|n| start.checked_add(n))
            .filter(|&end| {
                end <= self.data.len() && {
                    let mut after = Lexer::new(self.data, end);
                    after.skip_white();
                    self.data[after.pos..].starts_with(b"endstream")
                }
            })
            .or_else(|| {
                memchr::memmem::find(&self.data[start..], b"endstream").map(|at| {
                    let mut end = start + at;
                    while end > start && matches!(self.data[end - 1], b'\r' | b'\n') {
                        end -= 1;
                    }
                    end
                })
            })?;
        Some(Obj::Stream(dict, start..end))
    }

    /// The object an entry points at; `outermost` when it is not itself looked up for another
    /// object (a stream's length, an object stream).
    fn parse_entry(&self, entry: Entry, outermost: bool) -> Option<Obj> {
        match entry {
            Entry::At(offset) => self.parse_at(offset, outermost),
            Entry::InStream(stream, index) if outermost => {
                let objects = self.object_stream(stream)?;
                let &(_, at) = objects.offsets.get(index as usize)?;
                Lexer::new(&objects.data, at).object()
            }
            Entry::InStream(..) => None,
        }
    }

    fn object_stream(&self, number: u32) -> Option<Rc<ObjectStream>> {
        if let Some(s) = self.object_streams.borrow().get(&number) {
            return Some(s.clone());
        }
        let Some(Entry::At(offset)) = self.entries.get(&number) else { return None };
        let Some(Obj::Stream(dict, range)) = self.parse_at(*offset, true) else { return None };
        let count = dict.get(b"N").and_then(Obj::int)?;
        let first = usize::try_from(dict.get(b"First").and_then(Obj::int)?).ok()?;
        let data = self.decoded(&dict, range).ok()?;
        let mut header = Lexer::new(&data, 0);
        let mut offsets = Vec::new();
        for _ in 0..count.clamp(0, 100_000) {
            let (Some(Token::Int(n)), Some(Token::Int(at))) = (header.token(), header.token()) else { break };
            offsets.push((n as u32, first.saturating_add(at as usize)));
        }
        let stream = Rc::new(ObjectStream { data, offsets });
        self.object_streams.borrow_mut().insert(number, stream.clone());
        Some(stream)
    }

    /// Object `number`, a dictionary, with only the entries named in `keys`.
    pub fn dict_of(&self, number: u32, keys: &[&[u8]]) -> Option<Dict> {
        match *self.entries.get(&number)? {
            Entry::At(offset) => {
                let mut lexer = Lexer::new(self.data, offset);
                let (Some(Token::Int(_)), Some(Token::Int(_)), Some(Token::Word(b"obj"))) =
                    (lexer.token(), lexer.token(), lexer.token())
                else {
                    return None;
                };
                lexer.dict_of(keys)
            }
            Entry::InStream(stream, index) => {
                let objects = self.object_stream(stream)?;
                let &(_, at) = objects.offsets.get(index as usize)?;
                Lexer::new(&objects.data, at).dict_of(keys)
            }
        }
    }

    /// Object `number`, or `None` when the file does not hold it.
    pub fn get(&self, number: u32) -> Option<Obj> {
        self.parse_entry(*self.entries.get(&number)?, true)
    }

    /// `obj` itself, or the object it refers to (through a few references at most).
    pub fn resolve(&self, obj: &Obj) -> Option<Obj> {
        let mut obj = obj.clone();
        for _ in 0..8 {
            match obj {
                Obj::Ref(id) => obj = self.get(id)?,
                other => return Some(other),
            }
        }
        None
    }

    /// A dictionary's entry, through its reference.
    pub fn lookup(&self, dict: &Dict, key: &[u8]) -> Option<Obj> {
        self.resolve(dict.get(key)?)
    }

    /// A stream's bytes unpacked: Flate only (what a content stream, a ToUnicode map or an object
    /// stream is written with), within the limits. A filter it does not know is for the general
    /// reader.
    pub fn decoded(&self, dict: &Dict, range: std::ops::Range<usize>) -> Result<Vec<u8>> {
        let raw = self.data.get(range).ok_or(Fail::Unsupported)?;
        let filter = match dict.get(b"Filter").map(|f| self.resolve(f)) {
            None | Some(None) => None,
            Some(Some(Obj::Name(n))) => Some(n),
            Some(Some(Obj::Array(a))) if a.is_empty() => None,
            Some(Some(Obj::Array(a))) if a.len() == 1 => Some(a[0].name().ok_or(Fail::Unsupported)?.to_vec()),
            Some(Some(_)) => return Err(Fail::Unsupported),
        };
        let remaining = (4 * MAX_STREAM_BYTES).saturating_sub(self.unpacked.get()).min(MAX_STREAM_BYTES);
        let mut out = match filter.as_deref() {
            None => {
                if raw.len() as u64 > remaining {
                    return Err(Fail::TooLarge);
                }
                raw.to_vec()
            }
            Some(b"FlateDecode" | b"Fl") => self.inflate(raw, remaining)?,
            Some(_) => return Err(Fail::Unsupported),
        };
        self.unpacked.set(self.unpacked.get() + out.len() as u64);
        if let Some(params) = dict.get(b"DecodeParms").and_then(|p| self.resolve(p)) {
            let params = match &params {
                Obj::Array(a) if a.len() == 1 => self.resolve(&a[0]).and_then(|p| p.dict().cloned()),
                other => other.dict().cloned(),
            };
            if let Some(params) = params {
                out = unpredict(&params, out)?;
            }
        }
        Ok(out)
    }
}

impl Document<'_> {
    /// Flate data unpacked, refused past `limit` bytes. A damaged end keeps what unpacked before
    /// it, as every reader does.
    fn inflate(&self, mut input: &[u8], limit: u64) -> Result<Vec<u8>> {
        let mut inflater = self.inflater.borrow_mut();
        inflater.reset(true);
        let mut out = Vec::with_capacity(input.len().saturating_mul(4).clamp(256, 1 << 20));
        loop {
            if out.len() == out.capacity() {
                if out.len() as u64 > limit {
                    return Err(Fail::TooLarge);
                }
                out.reserve(out.len());
            }
            let (read, written) = (inflater.total_in(), out.len());
            let status = inflater.decompress_vec(input, &mut out, flate2::FlushDecompress::None);
            input = &input[(inflater.total_in() - read) as usize..];
            match status {
                Ok(flate2::Status::StreamEnd) | Err(_) => break,
                Ok(_) if inflater.total_in() == read && out.len() == written => break,
                Ok(_) => {}
            }
        }
        if out.len() as u64 > limit {
            return Err(Fail::TooLarge);
        }
        Ok(out)
    }
}

/// Undoes the PNG predictors a cross-reference stream is written with (PDF 32000-1, 7.4.4.4).
fn unpredict(params: &Dict, data: Vec<u8>) -> Result<Vec<u8>> {
    let predictor = params.get(b"Predictor").and_then(Obj::int).unwrap_or(1);
    if predictor == 1 {
        return Ok(data);
    }
    let colors = params.get(b"Colors").and_then(Obj::int).unwrap_or(1);
    let bits = params.get(b"BitsPerComponent").and_then(Obj::int).unwrap_or(8);
    let columns = params.get(b"Columns").and_then(Obj::int).unwrap_or(1);
    if predictor < 10 || bits != 8 || !(1..=4).contains(&colors) || !(1..=1 << 16).contains(&columns) {
        return Err(Fail::Unsupported);
    }
    let pixel = colors as usize;
    let width = columns as usize * pixel;
    let mut out = Vec::with_capacity(data.len());
    let mut previous = vec![0u8; width];
    for row in data.chunks(width + 1) {
        let (&kind, bytes) = row.split_first().ok_or(Fail::Unsupported)?;
        let mut line = bytes.to_vec();
        line.resize(width, 0);
        for i in 0..width {
            let left = if i >= pixel { line[i - pixel] } else { 0 };
            let up = previous[i];
            let upper_left = if i >= pixel { previous[i - pixel] } else { 0 };
            line[i] = line[i].wrapping_add(match kind {
                0 => 0,
                1 => left,
                2 => up,
                3 => ((left as u16 + up as u16) / 2) as u8,
                4 => {
                    let p = left as i16 + up as i16 - upper_left as i16;
                    let (pa, pb, pc) = ((p - left as i16).abs(), (p - up as i16).abs(), (p - upper_left as i16).abs());
                    if pa <= pb && pa <= pc {
                        left
                    } else if pb <= pc {
                        up
                    } else {
                        upper_left
                    }
                }
                _ => return Err(Fail::Unsupported),
            });
        }
        out.extend_from_slice(&line);
        previous = line;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token<'_>> {
        let mut lexer = Lexer::new(text.as_bytes(), 0);
        std::iter::from_fn(|| lexer.token()).collect()
    }

    #[test]
    fn tokens_read_as_pdf_writes_them() {
        assert_eq!(
            tokens("12 -3.5 .25 /F#201 (a\\(b\\)\\101) <4E2D> << >> [ ] Tj % note\n+4"),
            [
                Token::Int(12),
                Token::Real(-3.5),
                Token::Real(0.25),
                Token::Name(b"F 1".to_vec()),
                Token::Str(b"a(b)A".to_vec()),
                Token::Str(vec![0x4E, 0x2D]),
                Token::DictStart,
                Token::DictEnd,
                Token::ArrayStart,
                Token::ArrayEnd,
                Token::Word(b"Tj"),
                Token::Int(4),
            ]
        );
    }

    #[test]
    fn references_are_told_from_numbers() {
        let mut lexer = Lexer::new(b"[1 0 R 2 0 3 4 0 R] << /A 5 0 R /B [ 1 2 ] >>", 0);
        assert_eq!(
            lexer.object(),
            Some(Obj::Array(vec![Obj::Ref(1), Obj::Int(2), Obj::Int(0), Obj::Int(3), Obj::Ref(4)]))
        );
        let dict = lexer.object().unwrap();
        assert_eq!(dict.dict().unwrap().get(b"A"), Some(&Obj::Ref(5)));
    }

    #[test]
    fn nesting_past_the_limit_is_not_an_object() {
        let deep = "[".repeat(10_000);
        assert_eq!(Lexer::new(deep.as_bytes(), 0).object(), None);
    }
}
