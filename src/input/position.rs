//! Byte offsets → line/column and snippet windows, computed only for lines with findings.

use crate::diagnostic::{Location, Snippet};
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

/// Display columns of context kept left of a span in a snippet.
const LEFT: usize = 30;
/// Display columns of a span shown before it is cut.
const SPAN: usize = 40;
/// Display columns of context kept right of a span.
const RIGHT: usize = 16;

/// The location of `range` (bytes of `text`, one physical line) in the file.
/// `line_start` is the file offset of `text[0]`.
pub fn location(text: &str, range: &Range<usize>, line: u64, line_start: u64) -> Location {
    let column = chars(&text[..range.start]) as u64 + 1;
    let end_column = column + chars(&text[range.clone()]) as u64;
    Location {
        line,
        column,
        end_line: line,
        end_column,
        byte_offset: line_start + range.start as u64,
        byte_length: range.len() as u64,
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The character columns of many byte offsets of one line, counted in one pass over it: a line
/// with thousands of findings is read once, not once per finding.
pub struct Columns {
    /// Sorted, distinct byte offsets, and the characters before each.
    offsets: Vec<usize>,
    chars: Vec<usize>,
}

impl Columns {
    /// `offsets` are char boundaries of `text`, in any order.
    pub fn new(text: &str, mut offsets: Vec<usize>) -> Columns {
        offsets.sort_unstable();
        offsets.dedup();
        let mut counted = Vec::with_capacity(offsets.len());
        let (mut at, mut n) = (0usize, 0usize);
        for &o in &offsets {
            n += chars(&text[at..o]);
            at = o;
            counted.push(n);
        }
        Columns {
            offsets,
            chars: counted,
        }
    }

    /// The 1-based column of byte `at`, one of the offsets given to [`Columns::new`].
    fn column(&self, at: usize) -> u64 {
        let i = self
            .offsets
            .binary_search(&at)
            .expect("every offset asked for was counted");
        self.chars[i] as u64 + 1
    }

    /// The location of `range` (both ends among the offsets given), like [`location`].
    pub fn location(&self, range: &Range<usize>, line: u64, line_start: u64) -> Location {
        Location {
            line,
            column: self.column(range.start),
            end_line: line,
            end_column: self.column(range.end),
            byte_offset: line_start + range.start as u64,
            byte_length: range.len() as u64,
        }
    }
}

/// A window of `text` around `range`: the whole line when it is short, otherwise some context
/// either side, with `…` where it was cut. Measured in display columns (a CJK character takes
/// two), so that the window fits a 100-column terminal with the gutter.
pub fn snippet(text: &str, range: &Range<usize>) -> Snippet {
    let start = back_cols(text, range.start, LEFT);
    let span_end = forward_cols(text, range.start, SPAN).min(range.end);
    let used = width(&text[range.start..span_end]);
    let end = forward_cols(text, span_end, RIGHT + SPAN.saturating_sub(used));
    let mut out = String::with_capacity(end - start + 8);
    if start > 0 {
        out.push('…');
    }
    let shift = out.len();
    out.push_str(&text[start..end]);
    if end < text.len() {
        out.push('…');
    }
    let mut span = range.start - start + shift..span_end - start + shift;
    if span.is_empty() {
        // A point (a missing newline, the end of a truncated line, an empty line): give the
        // caret one blank cell to sit on.
        out.insert(span.start, ' ');
        span.end = span.start + 1;
    }
    Snippet { text: out, span }
}

/// A secret as snippets show it: its first 8 and last 2 characters (enough to recognise which
/// key it is; fewer for short ones), the rest `•`, one for one, so columns stay true.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    let keep_head = if n > 16 { 8 } else { n / 4 };
    let keep_tail = if n > 16 { 2 } else { 0 };
    secret
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_head || i + keep_tail >= n {
                c
            } else {
                '•'
            }
        })
        .collect()
}

fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The byte offset `cols` display columns before `from` (or 0).
fn back_cols(text: &str, from: usize, cols: usize) -> usize {
    let mut used = 0;
    for (i, c) in text[..from].char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > cols {
            return i + c.len_utf8();
        }
    }
    0
}

/// The byte offset `cols` display columns after `from` (or the end).
fn forward_cols(text: &str, from: usize, cols: usize) -> usize {
    let mut used = 0;
    for (i, c) in text[from..].char_indices() {
        used += c.width().unwrap_or(0);
        if used > cols {
            return from + i;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_counted_once_agree_with_location() {
        let text = "aé\u{1F600}b \"x\" 漢字 end";
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let ranges: Vec<Range<usize>> = bounds
            .iter()
            .flat_map(|&a| bounds.iter().filter(move |&&b| b >= a).map(move |&b| a..b))
            .collect();
        let cols = Columns::new(text, ranges.iter().flat_map(|r| [r.end, r.start]).collect());
        for r in &ranges {
            assert_eq!(cols.location(r, 3, 100), location(text, r, 3, 100), "{r:?}");
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let t = r#"{"é": "日本", "x": 1}"#;
        let start = t.find("\"x\"").unwrap();
        let loc = location(t, &(start..start + 3), 7, 100);
        assert_eq!((loc.line, loc.column, loc.end_column), (7, 13, 16));
        assert_eq!((loc.byte_offset, loc.byte_length), (100 + start as u64, 3));
    }

    #[test]
    fn masking_keeps_head_tail_and_length() {
        assert_eq!(mask("sk-proj-ABCDEFGHIJKLMNOP"), "sk-proj-••••••••••••••OP");
        assert_eq!(mask("AKIA1234"), "AK••••••");
        assert_eq!(mask("sk-proj-ABCDEFGHIJKLMNOP").chars().count(), 24);
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let s = snippet("abc def", &(4..7));
        assert_eq!(s.text, "abc def");
        assert_eq!(&s.text[s.span.clone()], "def");
    }

    #[test]
    fn long_lines_are_windowed_around_the_span() {
        let text = format!("{}XYZ{}", "a".repeat(1000), "b".repeat(1000));
        let s = snippet(&text, &(1000..1003));
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(&s.text[s.span.clone()], "XYZ");
        assert!(width(&s.text) <= LEFT + SPAN + RIGHT + 2);
    }
}
