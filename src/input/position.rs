//! Byte offsets → line/column and snippet windows, computed only for lines with findings.

use crate::diagnostic::{Location, Snippet};
use std::ops::Range;

/// Characters of context kept left of a span in a snippet.
const LEFT: usize = 50;
/// Characters of a span shown before it is cut.
const SPAN: usize = 80;
/// Characters of context kept right of a span.
const RIGHT: usize = 30;

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

/// A window of `text` around `range`: the whole line when it is short, otherwise a few dozen
/// characters either side, with `…` where it was cut.
pub fn snippet(text: &str, range: &Range<usize>) -> Snippet {
    let start = back_chars(text, range.start, LEFT);
    let span_end = forward_chars(text, range.start, SPAN).min(range.end);
    let end = forward_chars(
        text,
        span_end,
        RIGHT + SPAN.saturating_sub(chars(&text[range.start..span_end])),
    );
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

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(from, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let t = r#"{"é": "日本", "x": 1}"#;
        let start = t.find("\"x\"").unwrap();
        let loc = location(t, &(start..start + 3), 7, 100);
        assert_eq!((loc.line, loc.column, loc.end_column), (7, 13, 16));
        assert_eq!((loc.byte_offset, loc.byte_length), (100 + start as u64, 3));
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
        assert!(s.text.chars().count() < 200);
    }
}
