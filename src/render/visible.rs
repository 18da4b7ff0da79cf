//! Text from the data made safe for a terminal: a control character in a key or a value (a
//! newline, ESC, BEL) must not forge an output line or drive the terminal. The human formats
//! pass every message, help and snippet through here; JSON and SARIF escape by their own rules.

use std::borrow::Cow;
use std::ops::Range;

/// `s` with each control character written as an escape: `\n`, `\r`, `\t`, else `\u{1b}`.
pub fn escaped(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A snippet's text with each control character but the tab (which the renderer expands and
/// which drives nothing) shown as one visible character (its Control Pictures symbol, `␛` for
/// ESC; `�` for the C1 controls), so that columns stay true, and the span moved to the same
/// characters.
pub fn pictured<'t>(text: &'t str, span: &Range<usize>) -> (Cow<'t, str>, Range<usize>) {
    let shown = |c: char| c.is_control() && c != '\t';
    if !text.chars().any(shown) {
        return (Cow::Borrowed(text), span.clone());
    }
    let mut out = String::with_capacity(text.len() + 8);
    let (mut start, mut end) = (None, None);
    for (i, c) in text.char_indices() {
        if i == span.start {
            start = Some(out.len());
        }
        if i == span.end {
            end = Some(out.len());
        }
        out.push(match c as u32 {
            _ if !shown(c) => c,
            n @ 0..=0x1f => char::from_u32(0x2400 + n).unwrap_or('\u{FFFD}'),
            0x7f => '\u{2421}',
            _ => '\u{FFFD}',
        });
    }
    let len = out.len();
    let span = start.unwrap_or(len)..end.unwrap_or(len).max(start.unwrap_or(len));
    (Cow::Owned(out), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_escapes_and_plain_text_is_borrowed() {
        assert!(matches!(escaped("key `a` é 漢"), Cow::Borrowed(_)));
        assert_eq!(
            escaped("a\nforged.jsonl:9:9: S001 x\u{1b}[31m\u{7}\t\r\u{85}"),
            "a\\nforged.jsonl:9:9: S001 x\\u{1b}[31m\\u{7}\\t\\r\\u{85}"
        );
    }

    #[test]
    fn pictures_keep_one_character_each_and_the_span_follows() {
        let text = "a\u{1b}b\ncé\u{7f}\td";
        let span = text.find('c').unwrap()..text.find('\t').unwrap();
        let (shown, moved) = pictured(text, &span);
        assert_eq!(shown, "a␛b␊cé␡\td");
        assert_eq!(&shown[moved], "cé␡");
        assert_eq!(shown.chars().count(), text.chars().count());
        let (same, span2) = pictured("plain", &(1..3));
        assert_eq!((&*same, span2), ("plain", 1..3));
    }
}
