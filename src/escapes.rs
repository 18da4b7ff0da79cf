//! Mapping between a raw JSON string literal and its decoded text.
//!
//! Rules that match inside strings (secrets, e-mails, special tokens…) run on the *decoded*
//! string, but a finding must point at the exact characters **in the raw line**. Every escape
//! shifts columns: `\n` is 2 raw bytes for 1 decoded byte, `\u00e9` is 6 raw bytes for 2 decoded
//! bytes, and a surrogate pair `\ud83d\ude00` is 12 raw bytes for one 4-byte character.
//!
//! [`EscapeMap`] walks the literal once, records where each escape sits, and then maps any
//! decoded byte offset back to a raw byte offset with a binary search. Literals without a
//! backslash (the vast majority) take a fast path that allocates nothing: raw = decoded + 1
//! (the opening quote).
//!
//! Offsets in the raw literal are relative to its first byte, the opening quote. Malformed input
//! (no quotes, bad escape, lone surrogate, truncated literal) yields `None`, never a panic.

use std::ops::Range;

/// One escape sequence: where it starts in decoded and raw bytes and how long it is in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Escape {
    decoded_start: usize,
    decoded_len: usize,
    raw_start: usize,
    raw_len: usize,
}

/// Decoded→raw offset map of one JSON string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscapeMap {
    /// Escapes in order; empty for a literal without backslashes.
    escapes: Vec<Escape>,
    /// Length of the decoded string in bytes.
    decoded_len: usize,
}

impl EscapeMap {
    /// Builds the map of `raw`, the exact bytes of a JSON string literal including both quotes.
    /// Returns `None` when `raw` is not a well-formed literal.
    pub fn new(raw: &[u8]) -> Option<EscapeMap> {
        if raw.len() < 2 || raw[0] != b'"' || raw[raw.len() - 1] != b'"' {
            return None;
        }
        let body = &raw[1..raw.len() - 1];
        if memchr::memchr(b'\\', body).is_none() {
            // Fast path: an unescaped quote inside would mean this is not one literal.
            if memchr::memchr(b'"', body).is_some() || std::str::from_utf8(body).is_err() {
                return None;
            }
            return Some(EscapeMap {
                escapes: Vec::new(),
                decoded_len: body.len(),
            });
        }
        let mut escapes = Vec::new();
        let mut decoded = 0usize;
        let mut i = 1usize; // raw index, just past the opening quote
        let end = raw.len() - 1; // index of the closing quote
        while i < end {
            match raw[i] {
                b'"' => return None,
                b'\\' => {
                    let (raw_len, decoded_len) = escape_at(raw, i, end)?;
                    escapes.push(Escape {
                        decoded_start: decoded,
                        decoded_len,
                        raw_start: i,
                        raw_len,
                    });
                    decoded += decoded_len;
                    i += raw_len;
                }
                _ => {
                    // Copy a run of plain bytes at once.
                    let run_end = memchr::memchr2(b'\\', b'"', &raw[i..end]).map_or(end, |p| i + p);
                    std::str::from_utf8(&raw[i..run_end]).ok()?;
                    decoded += run_end - i;
                    i = run_end;
                }
            }
        }
        Some(EscapeMap {
            escapes,
            decoded_len: decoded,
        })
    }

    /// Whether the literal contains no escape at all (decoded offset + 1 = raw offset).
    pub fn is_plain(&self) -> bool {
        self.escapes.is_empty()
    }

    /// Length of the decoded string in bytes.
    pub fn decoded_len(&self) -> usize {
        self.decoded_len
    }

    /// Maps a decoded byte offset to a raw byte offset (relative to the opening quote).
    /// `None` if the offset is past the end or falls inside an escape's decoded character.
    pub fn offset_to_raw(&self, decoded: usize) -> Option<usize> {
        if decoded > self.decoded_len {
            return None;
        }
        // Last escape starting at or before `decoded`.
        let idx = self.escapes.partition_point(|e| e.decoded_start <= decoded);
        if idx == 0 {
            return Some(decoded + 1);
        }
        let e = self.escapes[idx - 1];
        if decoded == e.decoded_start {
            Some(e.raw_start)
        } else if decoded < e.decoded_start + e.decoded_len {
            None
        } else {
            Some(e.raw_start + e.raw_len + (decoded - e.decoded_start - e.decoded_len))
        }
    }

    /// Maps a byte range of the decoded string to the byte range in the raw literal.
    pub fn range_to_raw(&self, decoded: Range<usize>) -> Option<Range<usize>> {
        if decoded.start > decoded.end {
            return None;
        }
        Some(self.offset_to_raw(decoded.start)?..self.offset_to_raw(decoded.end)?)
    }
}

/// One-shot form of [`EscapeMap::range_to_raw`]: maps `decoded` (a byte range of the decoded
/// string) to the byte range of the same characters in `raw` (the literal, quotes included).
pub fn decoded_range_to_raw(raw: &[u8], decoded: Range<usize>) -> Option<Range<usize>> {
    EscapeMap::new(raw)?.range_to_raw(decoded)
}

/// The decoded text of `raw`, a JSON string literal with both quotes, exactly as
/// `serde_json::from_str::<String>` decodes it (`None` where it fails: a bad escape, a lone
/// surrogate, a control character, a stray quote), into a buffer of the literal's size: no
/// parser's scratch buffer grown by doubling, then copied (three times a long string's size).
pub fn decode(raw: &[u8]) -> Option<String> {
    if raw.len() < 2 || raw[0] != b'"' || raw[raw.len() - 1] != b'"' {
        return None;
    }
    let end = raw.len() - 1;
    let mut out = Vec::with_capacity(end - 1);
    let mut i = 1usize;
    while i < end {
        match raw[i] {
            b'"' => return None,
            b'\\' => {
                let (raw_len, _) = escape_at(raw, i, end)?;
                let c = match raw[i + 1] {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    _ => {
                        let hi = hex4(raw, i + 2, end)?;
                        if raw_len == 12 {
                            let lo = hex4(raw, i + 8, end)?;
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                        } else {
                            char::from_u32(hi)?
                        }
                    }
                };
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += raw_len;
            }
            _ => {
                let run_end = memchr::memchr2(b'\\', b'"', &raw[i..end]).map_or(end, |p| i + p);
                let run = &raw[i..run_end];
                if run.iter().any(|&b| b < 0x20) {
                    return None;
                }
                out.extend_from_slice(run);
                i = run_end;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Length in raw and decoded bytes of the escape starting at `raw[i] == b'\\'`.
fn escape_at(raw: &[u8], i: usize, end: usize) -> Option<(usize, usize)> {
    let kind = *raw.get(i + 1).filter(|_| i + 1 < end)?;
    match kind {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some((2, 1)),
        b'u' => {
            let hi = hex4(raw, i + 2, end)?;
            match hi {
                0xD800..=0xDBFF => {
                    // A high surrogate must be followed by `\u` + a low surrogate.
                    if raw.get(i + 6) != Some(&b'\\') || raw.get(i + 7) != Some(&b'u') {
                        return None;
                    }
                    let lo = hex4(raw, i + 8, end)?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return None;
                    }
                    Some((12, 4))
                }
                0xDC00..=0xDFFF => None,
                cp => Some((6, char::from_u32(cp)?.len_utf8())),
            }
        }
        _ => None,
    }
}

/// Parses 4 hex digits at `raw[at..at + 4]`, all before `end`.
fn hex4(raw: &[u8], at: usize, end: usize) -> Option<u32> {
    if at + 4 > end {
        return None;
    }
    let s = std::str::from_utf8(&raw[at..at + 4]).ok()?;
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(raw: &str, decoded: Range<usize>) -> Option<Range<usize>> {
        decoded_range_to_raw(raw.as_bytes(), decoded)
    }

    /// [`decode`] decodes what serde_json decodes and refuses what it refuses.
    #[test]
    fn decode_agrees_with_serde_json() {
        for raw in [
            r#""""#,
            r#""plain déjà 日本""#,
            r#""x\n\"y\\z\ud83d\ude00!\/\b\f\r\t""#,
            r#""a\u00e9b\u0041\uFFFF""#,
            r#""lone \ud83d here""#,
            r#""lone \ude00""#,
            r#""high then bad \ud83d\u0041""#,
            r#""bad \x escape""#,
            r#""short \u12""#,
            r#""ends \""#,
            "\"tab\tinside\"",
            "\"nul\u{0}inside\"",
            r#""stray " quote""#,
            r#""\u+123""#,
            r#""#,
            r#"""#,
        ] {
            let want = serde_json::from_str::<String>(raw).ok();
            assert_eq!(decode(raw.as_bytes()), want, "{raw}");
        }
    }

    #[test]
    fn plain_literal_shifts_by_the_quote() {
        assert_eq!(map(r#""hello""#, 1..3), Some(2..4));
        assert_eq!(map(r#""""#, 0..0), Some(1..1));
    }

    #[test]
    fn design_example_a_u00e9_b() {
        // "a\u00e9b": decoded "aéb"; `b` is decoded bytes 3..4 but raw bytes 8..9.
        assert_eq!(map(r#""a\u00e9b""#, 3..4), Some(8..9));
        assert_eq!(map(r#""a\u00e9b""#, 1..3), Some(2..8));
        assert_eq!(map(r#""a\u00e9b""#, 2..3), None, "inside a decoded char");
    }

    #[test]
    fn simple_escapes_and_surrogates() {
        let raw = r#""x\n\"y\\z\ud83d\ude00!""#;
        let decoded: String = serde_json::from_str(raw).unwrap();
        assert_eq!(decoded, "x\n\"y\\z😀!");
        let y = decoded.find('y').unwrap();
        assert_eq!(map(raw, y..y + 1), Some(6..7));
        let e = decoded.find('😀').unwrap();
        let r = map(raw, e..e + 4).unwrap();
        assert_eq!(&raw[r], r"\ud83d\ude00");
        let bang = decoded.find('!').unwrap();
        let r = map(raw, bang..bang + 1).unwrap();
        assert_eq!(&raw[r], "!");
    }

    #[test]
    fn malformed_is_none_not_panic() {
        for raw in [
            "",
            "\"",
            "abc",
            "\"abc",
            "\"a\\\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83d\\u0041\"",
            "\"a\"b\"",
            "\"\\u00zz\"",
            "\"\\\"",
        ] {
            assert_eq!(map(raw, 0..0), None, "{raw:?}");
        }
        assert_eq!(map("\"ab\"", 0..5), None);
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 2..1;
        assert_eq!(map("\"ab\"", reversed), None);
        assert!(EscapeMap::new(b"\"\xff\"").is_none());
    }
}
