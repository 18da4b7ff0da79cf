//! tiktoken's pre-tokenization, hand-written: the text is cut into pieces exactly where the
//! encoding's split regex would cut it, and each piece is merged on its own.
//!
//! The regexes are alternations tried left to right, with backtracking inside each alternative;
//! every function below mirrors one alternative and says what its backtracking amounts to. The
//! character classes come from `regex-syntax` (see `build/unicode.rs`), and the whole splitter is
//! tested against the `bpe-openai` regex splitter on random and adversarial text.
//!
//! o200k_base:
//! ```text
//! [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//! |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//! |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//! ```
//! cl100k_base:
//! ```text
//! (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*
//! |\s*[\r\n]+|\s+(?!\S)|\s+
//! ```

/// Class bits, as `build/unicode.rs` assigns them.
const L: u8 = 1;
const N: u8 = 2;
/// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`: upper-case-like (o200k).
const UP: u8 = 4;
/// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`: lower-case-like (o200k).
const LO: u8 = 8;
/// `\s`
const WS: u8 = 16;

static CLASSES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/unicode_classes.bin"));

/// Byte offset of the class blocks, after the index of 0x1100 u16 block numbers.
const BLOCKS: usize = 2 * 0x1100;

/// Classes of ASCII, the bulk of most text, without the two-level lookup.
static ASCII: [u8; 128] = {
    let block = u16::from_le_bytes([CLASSES[0], CLASSES[1]]) as usize;
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = CLASSES[BLOCKS + 256 * block + i];
        i += 1;
    }
    t
};

/// Class bits of the character starting at byte `i` of valid UTF-8 `s`, and its length.
#[inline(always)]
fn class_at(s: &[u8], i: usize) -> (u8, usize) {
    let b = s[i];
    if b < 0x80 {
        return (ASCII[b as usize], 1);
    }
    class_at_wide(s, i)
}

fn class_at_wide(s: &[u8], i: usize) -> (u8, usize) {
    let b = s[i];
    let (cp, len) = if b < 0xE0 {
        (((b as u32 & 0x1F) << 6) | (s[i + 1] as u32 & 0x3F), 2)
    } else if b < 0xF0 {
        (
            ((b as u32 & 0x0F) << 12) | ((s[i + 1] as u32 & 0x3F) << 6) | (s[i + 2] as u32 & 0x3F),
            3,
        )
    } else {
        (
            ((b as u32 & 0x07) << 18)
                | ((s[i + 1] as u32 & 0x3F) << 12)
                | ((s[i + 2] as u32 & 0x3F) << 6)
                | (s[i + 3] as u32 & 0x3F),
            4,
        )
    };
    let at = 2 * (cp >> 8) as usize;
    let block = u16::from_le_bytes([CLASSES[at], CLASSES[at + 1]]) as usize;
    (CLASSES[BLOCKS + 256 * block + (cp & 0xFF) as usize], len)
}

/// `[^\r\n\p{L}\p{N}]`: the optional one-character prefix of a word.
fn is_prefix(s: &[u8], i: usize, class: u8) -> bool {
    class & (L | N) == 0 && s[i] != b'\r' && s[i] != b'\n'
}

/// `[^\s\p{L}\p{N}]`: punctuation, symbols, marks, controls.
fn is_other(class: u8) -> bool {
    class & (WS | L | N) == 0
}

/// End of the longest run from `i` of characters with any of `bits`.
fn run(s: &[u8], mut i: usize, bits: u8) -> usize {
    while i < s.len() {
        let (c, len) = class_at(s, i);
        if c & bits == 0 {
            break;
        }
        i += len;
    }
    i
}

/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `i`: its end, if it matches. Case folding adds only the
/// ASCII upper case and, for `s`, `ſ` (U+017F) — checked against `regex-syntax` at build time.
fn contraction(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'\'') {
        return None;
    }
    let at = |k: usize| s.get(i + k).map(u8::to_ascii_lowercase);
    match at(1)? {
        b's' | b't' | b'm' | b'd' => Some(i + 2),
        b'r' | b'v' if at(2) == Some(b'e') => Some(i + 3),
        b'l' if at(2) == Some(b'l') => Some(i + 3),
        0xC5 if s.get(i + 2) == Some(&0xBF) => Some(i + 3), // ſ
        _ => None,
    }
}

/// `\p{N}{1,3}` at `i` (a number there).
fn digits(s: &[u8], mut i: usize) -> usize {
    for _ in 0..3 {
        if i >= s.len() {
            break;
        }
        let (c, len) = class_at(s, i);
        if c & N == 0 {
            break;
        }
        i += len;
    }
    i
}

/// ` ?[^\s\p{L}\p{N}]+` then `[\r\n]*` (cl100k) or `[\r\n/]*` (o200k) at `i`.
fn punctuation(s: &[u8], i: usize, slash: bool) -> Option<usize> {
    let start = if is_other(class_at(s, i).0) {
        i
    } else if s[i] == b' ' && i + 1 < s.len() && is_other(class_at(s, i + 1).0) {
        i + 1
    } else {
        return None;
    };
    let mut end = start;
    while end < s.len() {
        let (c, len) = class_at(s, end);
        if !is_other(c) {
            break;
        }
        end += len;
    }
    while end < s.len() && (s[end] == b'\r' || s[end] == b'\n' || (slash && s[end] == b'/')) {
        end += 1;
    }
    Some(end)
}

/// `\s*[\r\n]+|\s+(?!\S)|\s+` at `i` (a space there).
fn spaces(s: &[u8], i: usize) -> usize {
    let mut end = i;
    let mut last_newline = None;
    let mut last_start = i;
    while end < s.len() {
        let (c, len) = class_at(s, end);
        if c & WS == 0 {
            break;
        }
        if s[end] == b'\r' || s[end] == b'\n' {
            last_newline = Some(end);
        }
        last_start = end;
        end += len;
    }
    // `\s*[\r\n]+`: the greedy `\s*` gives back up to the last line break in the run.
    if let Some(nl) = last_newline {
        return nl + 1;
    }
    // `\s+(?!\S)`: the whole run at the end of the text, else all but its last character, which
    // then starts the next piece (as the prefix of a word, say).
    if end == s.len() || last_start == i {
        end
    } else {
        last_start
    }
}

/// o200k's first alternative from `q`: `[UP]*[LO]+` then a contraction. The greedy `[UP]*`
/// gives back characters until `[LO]+` can start: the start is the last position within (or
/// just after) the upper-case run holding a lower-case-like character.
fn o200k_word_lower(s: &[u8], q: usize) -> Option<usize> {
    let mut i = q;
    let mut lo_start = None;
    while i < s.len() {
        let (c, len) = class_at(s, i);
        if c & LO != 0 {
            lo_start = Some(i);
        }
        if c & UP == 0 {
            break;
        }
        i += len;
    }
    let start = lo_start?;
    let end = run(s, start, LO);
    Some(contraction(s, end).unwrap_or(end))
}

/// o200k's second alternative from `q`: `[UP]+[LO]*` then a contraction.
fn o200k_word_upper(s: &[u8], q: usize) -> Option<usize> {
    let up = run(s, q, UP);
    if up == q {
        return None;
    }
    let end = run(s, up, LO);
    Some(contraction(s, end).unwrap_or(end))
}

/// End of the o200k_base piece starting at `i` (< `s.len()`).
pub fn o200k_piece(s: &[u8], i: usize) -> usize {
    let (c0, l0) = class_at(s, i);
    let prefix = is_prefix(s, i, c0) && i + l0 < s.len();
    if prefix {
        if let Some(e) = o200k_word_lower(s, i + l0) {
            return e;
        }
    }
    if let Some(e) = o200k_word_lower(s, i) {
        return e;
    }
    if prefix {
        if let Some(e) = o200k_word_upper(s, i + l0) {
            return e;
        }
    }
    if let Some(e) = o200k_word_upper(s, i) {
        return e;
    }
    tail(s, i, c0, l0, true)
}

/// The alternatives both encodings share: numbers, punctuation, spaces.
fn tail(s: &[u8], i: usize, c0: u8, l0: usize, slash: bool) -> usize {
    if c0 & N != 0 {
        return digits(s, i);
    }
    if let Some(e) = punctuation(s, i, slash) {
        return e;
    }
    if c0 & WS != 0 {
        return spaces(s, i);
    }
    // Unreachable (every character is a letter, number, space or other); never loop.
    i + l0
}

/// End of the cl100k_base piece starting at `i` (< `s.len()`).
pub fn cl100k_piece(s: &[u8], i: usize) -> usize {
    if let Some(e) = contraction(s, i) {
        return e;
    }
    let (c0, l0) = class_at(s, i);
    if is_prefix(s, i, c0) && i + l0 < s.len() && class_at(s, i + l0).0 & L != 0 {
        return run(s, i + l0, L);
    }
    if c0 & L != 0 {
        return run(s, i, L);
    }
    tail(s, i, c0, l0, false)
}

/// `\p{N}` at `i` (a number there): one character (Qwen 2's pattern).
fn one_digit(s: &[u8], i: usize) -> usize {
    i + class_at(s, i).1
}

/// End of the piece starting at `i` (< `s.len()`) of Qwen 2's split pattern, which is
/// cl100k_base's with `\p{N}` in place of `\p{N}{1,3}`:
/// ```text
/// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*
/// |\s*[\r\n]+|\s+(?!\S)|\s+
/// ```
pub fn qwen2_piece(s: &[u8], i: usize) -> usize {
    if let Some(e) = contraction(s, i) {
        return e;
    }
    let (c0, l0) = class_at(s, i);
    if is_prefix(s, i, c0) && i + l0 < s.len() && class_at(s, i + l0).0 & L != 0 {
        return run(s, i + l0, L);
    }
    if c0 & L != 0 {
        return run(s, i, L);
    }
    if c0 & N != 0 {
        return one_digit(s, i);
    }
    tail(s, i, c0, l0, false)
}

/// `'s|'t|'re|'ve|'m|'ll|'d` at `i`, case-sensitive (GPT-2's pattern has no `(?i:)`).
fn gpt2_contraction(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'\'') {
        return None;
    }
    match *s.get(i + 1)? {
        b's' | b't' | b'm' | b'd' => Some(i + 2),
        b'r' | b'v' if s.get(i + 2) == Some(&b'e') => Some(i + 3),
        b'l' if s.get(i + 2) == Some(&b'l') => Some(i + 3),
        _ => None,
    }
}

/// End of the piece starting at `i` (< `s.len()`) of GPT-2's split pattern (the one Hugging
/// Face's `ByteLevel` pre-tokenizer runs with `use_regex`):
/// ```text
/// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
/// ```
pub fn gpt2_piece(s: &[u8], i: usize) -> usize {
    if let Some(e) = gpt2_contraction(s, i) {
        return e;
    }
    let (c0, l0) = class_at(s, i);
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: the optional space belongs to the run
    // of the class that follows it.
    let (body, class) = if s[i] == b' ' && i + 1 < s.len() {
        (i + 1, class_at(s, i + 1).0)
    } else {
        (i, c0)
    };
    if class & L != 0 {
        return run(s, body, L);
    }
    if class & N != 0 {
        return run(s, body, N);
    }
    if is_other(class) {
        let mut end = body;
        while end < s.len() {
            let (c, len) = class_at(s, end);
            if !is_other(c) {
                break;
            }
            end += len;
        }
        return end;
    }
    if c0 & WS != 0 {
        // `\s+(?!\S)|\s+`: the run at the end of the text whole, else all but its last
        // character, else (a run of one) that character.
        let mut end = i;
        let mut last_start = i;
        while end < s.len() {
            let (c, len) = class_at(s, end);
            if c & WS == 0 {
                break;
            }
            last_start = end;
            end += len;
        }
        return if end == s.len() || last_start == i {
            end
        } else {
            last_start
        };
    }
    // Unreachable (every character is a letter, number, space or other); never loop.
    i + l0
}

/// Where the pieces of `s` (valid UTF-8) start and end, cut by `piece_end`.
pub fn bounds(
    s: &[u8],
    piece_end: fn(&[u8], usize) -> usize,
) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= s.len() {
            return None;
        }
        let start = i;
        i = piece_end(s, i);
        Some((start, i))
    })
}

/// The pieces of `text`, cut by `piece_end`.
#[cfg(test)]
pub fn pieces(text: &str, piece_end: fn(&[u8], usize) -> usize) -> impl Iterator<Item = &[u8]> {
    let s = text.as_bytes();
    bounds(s, piece_end).map(move |(start, end)| &s[start..end])
}
