//! Lines too large to hold: read as a stream and checked as they pass, in constant memory.
//!
//! A line over `rules/line.toml`'s `max_line_bytes` (the largest example any service ftlint
//! knows takes) is never accumulated. Its bytes go once through a small scanner — UTF-8, the
//! character count that columns need, the nesting depth and `\uXXXX` surrogate escapes — and
//! through serde_json's own parser, which reads the line through a buffered reader and ignores
//! its values (`IgnoredAny`: strings are skipped, not collected). The result says what a held
//! line would have been told by the raw-line and parse phases, each at its byte and column: the
//! first invalid UTF-8 byte, serde_json's first syntax error with its message, nesting beyond
//! serde_json's limit, the lone surrogates, the top-level value's kind, BOM and line ending.
//!
//! What needs the parsed value (schemas, examples, duplicate keys, numbers out of `f64`'s
//! range) is not checked: the line cannot be an example anyway.

use crate::json::ParseErrorKind;
use serde::Deserialize;
use std::io::{self, BufReader, Read};
use std::sync::LazyLock;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineLimits {
    max_line_bytes: u64,
}

static LIMITS: LazyLock<LineLimits> = LazyLock::new(|| {
    toml::from_str(include_str!("../../rules/line.toml")).expect("rules/line.toml parses")
});

/// The largest line held in memory and checked as an example; a longer one streams.
pub fn max_line_bytes() -> u64 {
    LIMITS.max_line_bytes
}

/// serde_json's nesting limit: the 128th nested `[` or `{` is an error (`json::parse_line`
/// reports it as [`ParseErrorKind::TooDeep`]).
const MAX_DEPTH: u32 = 128;

/// Lone surrogates kept per line, so a line of a billion of them stays small; the count is
/// kept whole.
pub const MAX_SURROGATES: usize = 100;

/// The bytes a read asks for: one block, as the reader reads.
const CHUNK: usize = super::reader::BLOCK_SIZE;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The first invalid UTF-8 sequence of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utf8Error {
    /// Byte of the raw line (a BOM included) where it starts.
    pub at: u64,
    /// The invalid bytes (as `str::from_utf8` delimits them).
    pub bad: Vec<u8>,
    /// 1-based column of `at`.
    pub column: u64,
}

/// serde_json's first error on the line, or nesting over its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: ParseErrorKind,
    /// Byte of the raw line where the parser stopped (the content's end for a truncated value).
    pub at: u64,
    /// Bytes of the character there (0 at the content's end).
    pub len: u64,
    /// 1-based column of `at`.
    pub column: u64,
    /// serde_json's description without its "at line 1 column N" suffix.
    pub message: String,
    /// A `\r` stands before `at` in the content.
    pub cr_before: bool,
}

/// A `\uD800`–`\uDFFF` escape without its pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surrogate {
    /// Byte of the raw line where its `\` is.
    pub at: u64,
    pub column: u64,
    /// The six bytes of the escape, e.g. `\uD83D`.
    pub escape: String,
}

/// What streaming a line found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OversizeLine {
    /// Bytes of the line without its `\n` (a BOM and a `\r` included).
    pub len: u64,
    pub has_newline: bool,
    pub first_in_file: bool,
    /// The file's line ending before this line was `\r\n` (see `reader::after_line`).
    pub prev_crlf: bool,
    /// Length of the BOM that starts the file on this line (0 or 3).
    pub bom: u64,
    /// One `\r` ends the line's content (before its `\n`, or the file's end).
    pub crlf: bool,
    /// Characters of the content (after the BOM, before the `\r`).
    pub chars: u64,
    /// The content is spaces and tabs only.
    pub blank: bool,
    /// The content is ASCII whitespace only (what `reader::after_line` asks).
    pub whitespace: bool,
    /// The first byte of the top-level value, its byte and its column.
    pub top: Option<(u8, u64, u64)>,
    /// Where the content's last non-whitespace character ends: byte and column (when the
    /// top-level value is not an object, whose span then ends there).
    pub last: Option<(u64, u64)>,
    pub utf8: Option<Utf8Error>,
    pub syntax: Option<SyntaxError>,
    /// The first [`MAX_SURROGATES`] lone surrogates.
    pub surrogates: Vec<Surrogate>,
    pub surrogates_total: u64,
    /// The content holds a `'` (J002's help mentions Python's quotes then).
    pub quote: bool,
}

impl OversizeLine {
    /// Byte of the raw line where the content ends (before a `\r`).
    pub fn content_end(&self) -> u64 {
        self.len - u64::from(self.crlf)
    }

    /// The 1-based column of a byte of the raw line, for the bytes the line's findings name
    /// (the marks this scan recorded, the BOM, the content's end and the line ending).
    pub fn column_at(&self, byte: u64) -> u64 {
        if byte <= self.bom {
            return 1;
        }
        let end = self.content_end();
        if byte >= end {
            return self.chars + 1 + (byte - end);
        }
        let mut marks: Vec<(u64, u64)> = Vec::new();
        if let Some((_, at, col)) = self.top {
            marks.push((at, col));
        }
        if let Some(last) = self.last {
            marks.push(last);
        }
        if let Some(u) = &self.utf8 {
            marks.push((u.at, u.column));
            // The invalid bytes count as one character, as `String::from_utf8_lossy` has it.
            marks.push((u.at + u.bad.len() as u64, u.column + 1));
        }
        if let Some(s) = &self.syntax {
            marks.push((s.at, s.column));
            marks.push((s.at + s.len, s.column + u64::from(s.len > 0)));
        }
        for s in &self.surrogates {
            marks.push((s.at, s.column));
            marks.push((s.at + 6, s.column + 6));
        }
        marks
            .into_iter()
            .find(|&(b, _)| b == byte)
            .map_or(1, |(_, c)| c)
    }
}

/// A line streamed: what was found, and what the reader read past its `\n`.
pub struct Streamed {
    pub line: OversizeLine,
    /// The bytes after the line's `\n` that were read with it (whole lines and the start of
    /// the next).
    pub rest: Vec<u8>,
    /// The input is at its end.
    pub eof: bool,
}

/// Streams the line that starts `start` (a line start: the file's first byte or one after a
/// `\n`): `start` holds the line's first bytes, and maybe its `\n` and what follows; the rest of
/// the line is read from `input`, a block at a time, and never held.
pub fn stream_line<R: Read>(
    start: Vec<u8>,
    input: &mut R,
    first_in_file: bool,
    prev_crlf: bool,
) -> io::Result<Streamed> {
    let bom = if first_in_file && start.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    let mut src = Source {
        input,
        chunk: start,
        pos: bom,
        end: bom,
        last: false,
        rest: Vec::new(),
        eof: false,
        has_newline: false,
        crlf: false,
        held_cr: false,
        scan: Scan::new(bom as u64),
        cut: false,
    };
    src.settle(bom);
    let parsed = {
        let mut buffered = BufReader::with_capacity(1 << 16, &mut src);
        let mut de = serde_json::Deserializer::from_reader(&mut buffered);
        serde::de::IgnoredAny::deserialize(&mut de).and_then(|_| de.end())
    };
    // The rest of the line: UTF-8 and columns still count, the parser's view no longer does.
    src.scan.lexing = false;
    loop {
        if src.pos < src.end {
            let (pos, end) = (src.pos, src.end);
            src.scan.feed(&src.chunk[pos..end]);
            src.pos = end;
        }
        if src.last {
            break;
        }
        src.refill()?;
    }
    let Source {
        scan,
        rest,
        eof,
        has_newline,
        crlf,
        ..
    } = src;
    let len = bom as u64 + scan.bytes + u64::from(crlf);
    let content_len = scan.bytes;
    let mut scan = scan;
    scan.finish();
    let syntax = match parsed {
        // A blank line is not parsed, held or not (J004 says what it is).
        _ if scan.blank => None,
        Ok(()) => None,
        Err(e) => Some(scan.syntax_error(&e, content_len)),
    };
    // Nesting over the limit stopped the parser's input there: the EOF it then met is not the
    // line's, and serde_json would have stopped at that bracket itself.
    let syntax = match (syntax, scan.cut_at) {
        (Some(s), Some((at, column))) if s.at >= bom as u64 + content_len || s.at > at => {
            Some(SyntaxError {
                kind: ParseErrorKind::TooDeep,
                at,
                len: 1,
                column,
                message: "recursion limit exceeded".into(),
                cr_before: scan.first_cr.is_some_and(|cr| cr < at),
            })
        }
        (s, _) => s,
    };
    Ok(Streamed {
        line: OversizeLine {
            len,
            has_newline,
            first_in_file,
            prev_crlf,
            bom: bom as u64,
            crlf,
            chars: scan.chars,
            blank: scan.blank,
            whitespace: scan.whitespace,
            top: scan.top,
            last: scan.last,
            utf8: scan.utf8,
            syntax,
            surrogates: scan.surrogates,
            surrogates_total: scan.surrogates_total,
            quote: scan.quote,
        },
        rest,
        eof,
    })
}

/// The line's content as a `Read` for serde_json: the bytes of the current chunk up to the
/// line's end (or to a `\r` that may end it), a new chunk read when one is used up. Every byte
/// served goes through the scanner first.
struct Source<'r, R> {
    input: &'r mut R,
    chunk: Vec<u8>,
    pos: usize,
    /// Serve up to here.
    end: usize,
    /// The line ends at `end`.
    last: bool,
    rest: Vec<u8>,
    eof: bool,
    has_newline: bool,
    crlf: bool,
    /// The chunk ended with a `\r` not served yet: the line's end if a `\n` or the file's end
    /// follows, content otherwise.
    held_cr: bool,
    scan: Scan,
    /// Nesting reached the limit: the parser gets nothing more.
    cut: bool,
}

impl<R: Read> Source<'_, R> {
    /// Sets what the chunk serves from `from`: up to the `\n` (the rest kept), or to its end.
    fn settle(&mut self, from: usize) {
        match memchr::memchr(b'\n', &self.chunk[from..]) {
            Some(i) => {
                let nl = from + i;
                self.rest = self.chunk.split_off(nl + 1);
                self.chunk.truncate(nl);
                self.has_newline = true;
                self.end_line();
            }
            None if self.eof => self.end_line(),
            None => {
                self.held_cr = self.chunk[from..].ends_with(b"\r");
                self.end = self.chunk.len() - usize::from(self.held_cr);
            }
        }
    }

    /// The chunk ends the line.
    fn end_line(&mut self) {
        self.last = true;
        self.crlf = self.chunk[self.pos..].ends_with(b"\r");
        self.end = self.chunk.len() - usize::from(self.crlf);
    }

    /// Reads the next chunk of the line (the current one is used up).
    fn refill(&mut self) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.chunk);
        if buf.capacity() > 4 * CHUNK {
            // The held start of the line: give its memory back.
            buf = Vec::with_capacity(CHUNK + 1);
        }
        buf.clear();
        if std::mem::take(&mut self.held_cr) {
            buf.push(b'\r');
        }
        let want = buf.len() + CHUNK;
        while buf.len() < want {
            match (&mut *self.input)
                .take((want - buf.len()) as u64)
                .read_to_end(&mut buf)
            {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.chunk = buf;
        self.pos = 0;
        self.settle(0);
        Ok(())
    }
}

impl<R: Read> Read for Source<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.cut || out.is_empty() {
                return Ok(0);
            }
            if self.pos < self.end {
                let n = out.len().min(self.end - self.pos);
                let slice = &self.chunk[self.pos..self.pos + n];
                let served = self.scan.feed(slice);
                out[..served].copy_from_slice(&slice[..served]);
                self.pos += served;
                self.cut = self.scan.cut_at.is_some();
                return Ok(served);
            }
            if self.last {
                return Ok(0);
            }
            self.refill()?;
        }
    }
}

/// Where the lexer is, for nesting and surrogate escapes (as `json::parse::find_lone_surrogates`
/// reads them).
#[derive(Clone, Copy)]
enum Lex {
    Out,
    Str,
    /// After a `\` in a string (its byte and column).
    Esc(u64, u64),
    /// In `\uXXXX`: the escape's byte and column, digits read, their value, and the high
    /// surrogate this escape may complete.
    Hex(u64, u64, u8, u32, Option<(u64, u64)>),
    /// After a high surrogate escape (its byte, column and value): a low one must follow. The
    /// step: 0 wants `\`, 1 wants `u` (with the `\`'s byte and column).
    High(u64, u64, u8, u64, u64),
}

/// Bytes that do not start a UTF-8 character.
fn is_continuation(b: u8) -> bool {
    (b as i8) < -0x40
}

fn count_chars(s: &[u8]) -> u64 {
    s.iter().filter(|&&b| !is_continuation(b)).count() as u64
}

fn json_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Recent bytes kept: the parser stops at most one buffer (64 KiB) behind the scan, and an
/// escape is 12 bytes at most.
const KEEP: usize = (1 << 16) + 16;

/// A run of recent content bytes (where parse errors are looked up).
struct Recent {
    start: u64,
    chars_before: u64,
    bytes: Vec<u8>,
}

struct Scan {
    /// The BOM's length: content bytes are raw-line bytes less this.
    bom: u64,
    /// Content bytes scanned.
    bytes: u64,
    chars: u64,
    lexing: bool,
    lex: Lex,
    depth: u32,
    /// The bracket that went over the nesting limit: raw byte and column.
    cut_at: Option<(u64, u64)>,
    blank: bool,
    whitespace: bool,
    top: Option<(u8, u64, u64)>,
    last: Option<(u64, u64)>,
    first_cr: Option<u64>,
    quote: bool,
    /// The content's last byte that is not JSON whitespace.
    tail: Option<u8>,
    pending: Vec<u8>,
    pending_at: (u64, u64),
    utf8: Option<Utf8Error>,
    surrogates: Vec<Surrogate>,
    surrogates_total: u64,
    /// The last runs scanned, newest last: at least [`KEEP`] bytes.
    recent: std::collections::VecDeque<Recent>,
    recent_len: usize,
}

impl Scan {
    fn new(bom: u64) -> Scan {
        Scan {
            bom,
            bytes: 0,
            chars: 0,
            lexing: true,
            lex: Lex::Out,
            depth: 0,
            cut_at: None,
            blank: true,
            whitespace: true,
            top: None,
            last: None,
            first_cr: None,
            quote: false,
            tail: None,
            pending: Vec::new(),
            pending_at: (0, 0),
            utf8: None,
            surrogates: Vec::new(),
            surrogates_total: 0,
            recent: Default::default(),
            recent_len: 0,
        }
    }

    /// Scans the next content bytes; returns how many the parser may have (all of them, or up
    /// to the bracket that goes over the nesting limit).
    fn feed(&mut self, s: &[u8]) -> usize {
        let take = if self.lexing && self.cut_at.is_none() {
            self.lex(s)
        } else {
            s.len()
        };
        let s = &s[..take];
        let base = self.bytes;
        let chars_before = self.chars;
        self.utf8(s, base, chars_before);
        if self.blank {
            self.blank = s.iter().all(|&b| b == b' ' || b == b'\t');
        }
        if self.whitespace {
            self.whitespace = s.iter().all(u8::is_ascii_whitespace);
        }
        if self.first_cr.is_none() {
            self.first_cr = memchr::memchr(b'\r', s).map(|i| self.bom + base + i as u64);
        }
        if !self.quote {
            self.quote = memchr::memchr(b'\'', s).is_some();
        }
        if self.top.is_none() {
            if let Some(i) = s.iter().position(|&b| !json_ws(b)) {
                let col = chars_before + count_chars(&s[..i]) + 1;
                self.top = Some((s[i], self.bom + base + i as u64, col));
            }
        }
        if matches!(self.top, Some((t, _, _)) if t != b'{') {
            if let Some(i) = s.iter().rposition(|&b| !json_ws(b)) {
                let col = chars_before + count_chars(&s[..=i]) + 1;
                self.last = Some((self.bom + base + i as u64 + 1, col));
            }
        }
        if let Some(i) = s.iter().rposition(|&b| !json_ws(b)) {
            self.tail = Some(s[i]);
        }
        self.chars += count_chars(s);
        self.bytes += s.len() as u64;
        if self.lexing {
            self.recent_len += s.len();
            self.recent.push_back(Recent {
                start: base,
                chars_before,
                bytes: s.to_vec(),
            });
            while self
                .recent
                .front()
                .is_some_and(|r| self.recent_len - r.bytes.len() >= KEEP)
            {
                let r = self.recent.pop_front().expect("a front run");
                self.recent_len -= r.bytes.len();
            }
        }
        take
    }

    /// Validates UTF-8 across runs (a character may be split between two).
    fn utf8(&mut self, mut s: &[u8], mut base: u64, chars: u64) {
        if self.utf8.is_some() {
            return;
        }
        while !self.pending.is_empty() && !s.is_empty() {
            self.pending.push(s[0]);
            s = &s[1..];
            base += 1;
            match std::str::from_utf8(&self.pending) {
                Ok(_) => self.pending.clear(),
                Err(e) => {
                    if let Some(n) = e.error_len() {
                        self.utf8 = Some(Utf8Error {
                            at: self.bom + self.pending_at.0,
                            bad: self.pending[..n].to_vec(),
                            column: self.pending_at.1,
                        });
                        return;
                    }
                }
            }
        }
        if s.is_empty() {
            return;
        }
        if let Err(e) = std::str::from_utf8(s) {
            let v = e.valid_up_to();
            let column = chars + count_chars(&s[..v]) + 1;
            match e.error_len() {
                Some(n) => {
                    self.utf8 = Some(Utf8Error {
                        at: self.bom + base + v as u64,
                        bad: s[v..v + n].to_vec(),
                        column,
                    })
                }
                None => {
                    self.pending = s[v..].to_vec();
                    self.pending_at = (base + v as u64, column);
                }
            }
        }
    }

    /// The lexer over the next bytes: nesting and surrogate escapes. Returns the bytes the
    /// parser may have.
    fn lex(&mut self, s: &[u8]) -> usize {
        let mut i = 0;
        let mut col = self.chars + 1;
        while i < s.len() {
            let b = s[i];
            let at = self.bom + self.bytes + i as u64;
            match self.lex {
                Lex::Str => {
                    // Skip to the next quote or backslash, counting the characters passed.
                    let skip = memchr::memchr2(b'"', b'\\', &s[i..]).unwrap_or(s.len() - i);
                    if skip > 0 {
                        col += count_chars(&s[i..i + skip]);
                        i += skip;
                        continue;
                    }
                    self.lex = if b == b'"' {
                        Lex::Out
                    } else {
                        Lex::Esc(at, col)
                    };
                }
                Lex::Out => match b {
                    b'"' => self.lex = Lex::Str,
                    b'[' | b'{' => {
                        self.depth += 1;
                        if self.depth >= MAX_DEPTH {
                            self.cut_at = Some((at, col));
                            return i + 1;
                        }
                    }
                    b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                },
                Lex::Esc(e, c) => {
                    self.lex = if b == b'u' {
                        Lex::Hex(e, c, 0, 0, None)
                    } else {
                        Lex::Str
                    };
                }
                Lex::Hex(e, c, k, v, high) => match (b as char).to_digit(16) {
                    Some(d) if k < 3 => self.lex = Lex::Hex(e, c, k + 1, v * 16 + d, high),
                    Some(d) => self.escape(e, c, v * 16 + d, high, s),
                    None => {
                        // Not an escape the parser accepts; its bytes are plain text.
                        if let Some((h, hc)) = high {
                            self.lone(h, hc, s);
                        }
                        self.lex = Lex::Str;
                        continue; // this byte again, in the string
                    }
                },
                Lex::High(h, hc, 0, _, _) => {
                    if b == b'\\' {
                        self.lex = Lex::High(h, hc, 1, at, col);
                    } else {
                        self.lone(h, hc, s);
                        self.lex = Lex::Str;
                        continue;
                    }
                }
                Lex::High(h, hc, _, e, c) => {
                    if b == b'u' {
                        self.lex = Lex::Hex(e, c, 0, 0, Some((h, hc)));
                    } else {
                        // `\` and another escape character.
                        self.lone(h, hc, s);
                        self.lex = Lex::Str;
                    }
                }
            }
            if !is_continuation(b) {
                col += 1;
            }
            i += 1;
        }
        s.len()
    }

    /// A complete `\uXXXX` escape at byte `e`, column `c`, of value `v`; `high` is the high
    /// surrogate before it, if any.
    fn escape(&mut self, e: u64, c: u64, v: u32, high: Option<(u64, u64)>, s: &[u8]) {
        if let Some((h, hc)) = high {
            if (0xDC00..0xE000).contains(&v) {
                self.lex = Lex::Str;
                return;
            }
            self.lone(h, hc, s);
        }
        self.lex = Lex::Str;
        if (0xD800..0xDC00).contains(&v) {
            self.lex = Lex::High(e, c, 0, 0, 0);
        } else if (0xDC00..0xE000).contains(&v) {
            self.lone(e, c, s);
        }
    }

    /// A lone surrogate escape at raw byte `at`. Its six bytes are in the current run `s` or
    /// in the recent ones.
    fn lone(&mut self, at: u64, column: u64, s: &[u8]) {
        self.surrogates_total += 1;
        if self.surrogates.len() >= MAX_SURROGATES {
            return;
        }
        let content = at - self.bom;
        let mut escape = Vec::with_capacity(6);
        for k in content..content + 6 {
            let b = if k >= self.bytes {
                s.get((k - self.bytes) as usize).copied()
            } else {
                self.recent_byte(k)
            };
            escape.extend(b);
        }
        self.surrogates.push(Surrogate {
            at,
            column,
            escape: String::from_utf8_lossy(&escape).into_owned(),
        });
    }

    fn recent_byte(&self, k: u64) -> Option<u8> {
        self.recent
            .iter()
            .find(|r| k >= r.start && k < r.start + r.bytes.len() as u64)
            .map(|r| r.bytes[(k - r.start) as usize])
    }

    /// At the line's end: a character cut by it, a high surrogate without its low one.
    fn finish(&mut self) {
        if self.utf8.is_none() && !self.pending.is_empty() {
            self.utf8 = Some(Utf8Error {
                at: self.bom + self.pending_at.0,
                bad: std::mem::take(&mut self.pending),
                column: self.pending_at.1,
            });
        }
        match self.lex {
            Lex::High(h, hc, ..) | Lex::Hex(_, _, _, _, Some((h, hc))) => {
                self.lone(h, hc, &[]);
            }
            _ => {}
        }
    }

    /// serde_json's error as `json::parse_line` reports it: its byte (the content's end for an
    /// EOF), on a character boundary, with its column.
    fn syntax_error(&self, e: &serde_json::Error, content_len: u64) -> SyntaxError {
        let full = e.to_string();
        let mut message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        let kind = if message.contains("recursion limit exceeded") {
            ParseErrorKind::TooDeep
        } else {
            ParseErrorKind::Syntax
        };
        let mut byte = if e.is_eof() {
            content_len
        } else {
            (e.column().saturating_sub(1) as u64).min(content_len)
        };
        while byte > 0 && self.recent_byte(byte).is_some_and(is_continuation) {
            byte -= 1;
        }
        // serde_json ignoring values words three things otherwise than when it builds them
        // (`json::parse_line`): say them as that parse does.
        let before = |at: u64| -> Option<u8> {
            (0..at)
                .rev()
                .take(KEEP)
                .map(|k| self.recent_byte(k))
                .find(|b| !b.is_some_and(json_ws))
                .flatten()
        };
        let here = self.recent_byte(byte);
        if (message == "expected value" && here == Some(b']')
            || message == "key must be a string" && here == Some(b'}'))
            && before(byte) == Some(b',')
        {
            // `[1,]`, `{"a": 1,}`
            message = "trailing comma".into();
        } else if message == "EOF while parsing an object" && self.tail == Some(b',') {
            // `{"a": 1,` and the line ends
            message = "EOF while parsing a value".into();
        } else if message == "invalid number"
            && byte + 1 == content_len
            && here.is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            // A number the line's end cuts (`-`, `1.`, `2e+`): the parse that builds it
            // meets the end, not a bad character.
            let mut start = byte + 1;
            while start > 0
                && self
                    .recent_byte(start - 1)
                    .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            {
                start -= 1;
            }
            let token: Vec<u8> = (start..content_len)
                .filter_map(|k| self.recent_byte(k))
                .collect();
            if serde_json::from_slice::<serde_json::Value>(&token).is_err_and(|e| e.is_eof()) {
                message = "EOF while parsing a value".into();
                byte = content_len;
            }
        }
        let (column, len) = if byte >= content_len {
            (self.chars + 1, 0)
        } else {
            match self
                .recent
                .iter()
                .find(|r| byte >= r.start && byte < r.start + r.bytes.len() as u64)
            {
                Some(r) => {
                    let i = (byte - r.start) as usize;
                    let lead = r.bytes[i];
                    let len = match lead {
                        0xF0.. => 4,
                        0xE0.. => 3,
                        0xC0.. => 2,
                        _ => 1,
                    };
                    (r.chars_before + count_chars(&r.bytes[..i]) + 1, len)
                }
                None => (1, 1),
            }
        };
        let at = self.bom + byte;
        SyntaxError {
            kind,
            at,
            len,
            column,
            message,
            cr_before: self.first_cr.is_some_and(|cr| cr < at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streams `line` (one line, its `\n` optional) in reads of `piece` bytes.
    pub(crate) fn stream(line: &[u8], piece: usize) -> OversizeLine {
        struct Pieces<'a>(&'a [u8], usize);
        impl Read for Pieces<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.1).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let cut = piece.min(line.len());
        let mut rest = Pieces(&line[cut..], piece);
        stream_line(line[..cut].to_vec(), &mut rest, true, false)
            .unwrap()
            .line
    }

    #[test]
    fn the_limit_is_read_from_the_data_file() {
        assert_eq!(max_line_bytes(), 150 * 1024 * 1024);
    }

    #[test]
    fn a_valid_object_has_no_finding_and_its_size_counted() {
        let o = stream(
            "{\"a\": [1, 2.5e3, \"é\\n\\uD83D\\uDE00\"], \"b\": null}\r\n".as_bytes(),
            3,
        );
        assert_eq!(o.syntax, None);
        assert_eq!(o.utf8, None);
        assert!(o.surrogates.is_empty());
        assert!(o.crlf && o.has_newline);
        assert_eq!(o.len, 49);
        assert_eq!(o.top, Some((b'{', 0, 1)));
        assert_eq!(o.chars, 47);
    }

    #[test]
    fn syntax_errors_as_the_held_parse_reports_them() {
        for (line, piece) in [
            (r#"{"a": 1,}"#, 2),
            (r#"{"a" 1}"#, 1),
            (r#"{"a": tru}"#, 4),
            (r#"{"a": "x"} x"#, 3),
            (r#"{"é": "x\q"}"#, 5),
            (r#"{"a": [1, 2"#, 7),
            ("{\"a\": \"\u{1}\"}", 2),
            (r#"{"a": -x}"#, 3),
            (r#"  'a'"#, 1),
            (r#"[1, 2,]"#, 2),
            (r#"{"a": 1 ,  }"#, 2),
            (r#"{"a": 1,"#, 2),
            (r#"{"a": -"#, 2),
            (r#"{"a": 1."#, 3),
            (r#"{"a": 1e+"#, 3),
            (r#"{"a": 01"#, 3),
            (r#"{"a": 1ee"#, 3),
            (r#"{"a": [,]}"#, 3),
            (r#"{,}"#, 3),
        ] {
            let held = crate::json::parse_line(line).unwrap_err();
            let o = stream(line.as_bytes(), piece);
            let s = o.syntax.expect(line);
            assert_eq!(
                (s.at as usize, s.message.as_str(), s.kind),
                (held.byte, held.message.as_str(), held.kind),
                "{line}"
            );
            assert_eq!(s.column as usize, line[..held.byte].chars().count() + 1);
        }
    }

    #[test]
    fn nesting_stops_at_the_same_bracket() {
        for line in [
            "[".repeat(200),
            format!("{}1{}", "[".repeat(127), "]".repeat(127)),
            format!("{{\"a\":{}", "[".repeat(300)),
        ] {
            let held = crate::json::parse_line(&line);
            let o = stream(line.as_bytes(), 10);
            match held {
                Ok(_) => assert_eq!(o.syntax, None),
                Err(e) => {
                    let s = o.syntax.unwrap();
                    assert_eq!((s.at as usize, s.kind), (e.byte, e.kind));
                }
            }
        }
    }

    #[test]
    fn lone_surrogates_as_the_held_parse_finds_them() {
        let line = r#"{"a": "\uD800x\uDC00 \uD83D\uDE00 \uD800\uD800\uDC00 \ud800\u0041 \uDBFF"}"#;
        let held = crate::json::parse_line(line).unwrap();
        for piece in [1, 2, 5, 7, 64] {
            let o = stream(line.as_bytes(), piece);
            assert_eq!(o.syntax, None);
            let got: Vec<(usize, String)> = o
                .surrogates
                .iter()
                .map(|s| (s.at as usize, s.escape.clone()))
                .collect();
            let want: Vec<(usize, String)> = held
                .lone_surrogates
                .iter()
                .map(|r| (r.start, line[r.clone()].to_string()))
                .collect();
            assert_eq!(got, want, "piece {piece}");
        }
    }

    #[test]
    fn invalid_utf8_at_its_first_byte_even_split_between_reads() {
        let mut line = "{\"a\": \"ééé".as_bytes().to_vec();
        line.extend_from_slice(b"\xE3\x81");
        line.extend_from_slice(b"x\"}");
        for piece in [1, 2, 3, 100] {
            let o = stream(&line, piece);
            let u = o.utf8.unwrap();
            assert_eq!(
                (u.at, u.bad.as_slice(), u.column),
                (13, &b"\xE3\x81"[..], 11)
            );
        }
        // Cut by the line's end.
        let o = stream(b"{\"a\": \"\xE3\x81", 4);
        assert_eq!(o.utf8.unwrap().bad, b"\xE3\x81");
    }

    #[test]
    fn bom_crlf_and_what_follows_the_newline() {
        let data = b"\xEF\xBB\xBF[1]\r\n{\"next\": 1}\nmore";
        let mut rest = &data[4..];
        let s = stream_line(data[..4].to_vec(), &mut rest, true, false).unwrap();
        assert_eq!(s.line.bom, 3);
        assert!(s.line.crlf && s.line.has_newline);
        assert_eq!(s.line.len, 7);
        assert_eq!(s.line.top, Some((b'[', 3, 1)));
        assert_eq!(s.line.last, Some((6, 4)));
        assert_eq!(s.rest, b"{\"next\": 1}\nmore");
        // The line's end was read with the input's end: the rest is still to be checked.
        assert!(s.eof);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// Whatever the line, streaming it in reads of any size finds what holding and parsing
        /// it finds: the same syntax error (kind, byte, column, message), the same lone
        /// surrogates, or none.
        #[test]
        fn streaming_finds_what_the_held_parse_finds(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "{", "}", "[", "]", ",", ":", " ", "\"", "\"a\"", "\"k\":", "1", "-", ".", "e", "+",
                "0", "\\", "u", "\\uD800", "\\uDC00", "\\u00e9", "\\n", "x", "é", "true", "nul",
                "null", "\r", "\t", "\u{1}", "'", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            ]), 0..40),
            piece in 1usize..20,
        ) {
            let line: String = parts.concat();
            let o = stream(line.as_bytes(), piece);
            // The content the engine parses: one `\r` that ends the line is its ending.
            let line = line.strip_suffix('\r').unwrap_or(&line);
            if line.trim_matches([' ', '\t']).is_empty() {
                // A blank line is J004's, parsed neither held nor streamed.
                proptest::prop_assert_eq!(o.syntax, None);
                return Ok(());
            }
            match crate::json::parse_line(line) {
                Ok(p) => {
                    proptest::prop_assert_eq!(o.syntax, None, "{:?}", line);
                    let want: Vec<usize> = p.lone_surrogates.iter().map(|r| r.start).collect();
                    let got: Vec<usize> = o.surrogates.iter().map(|s| s.at as usize).collect();
                    proptest::prop_assert_eq!(got, want, "{:?}", line);
                }
                Err(e) => {
                    let s = o.syntax.clone().unwrap_or_else(|| panic!("{line:?}: no error streamed"));
                    proptest::prop_assert_eq!(
                        (s.at as usize, s.message.as_str(), s.kind),
                        (e.byte, e.message.as_str(), e.kind),
                        "{:?}", line
                    );
                    proptest::prop_assert_eq!(s.column as usize, line[..e.byte].chars().count() + 1);
                }
            }
        }
    }
}
