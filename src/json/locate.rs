//! Pointer → byte span in the raw line.
//!
//! Runs only for lines that have a finding, so it re-scans the text instead of making the
//! parser record every position. Iterative (no recursion), so a deeply nested line cannot
//! overflow the stack; on anything it does not understand it returns `None` and the caller
//! falls back to a coarser span.

use super::pointer::{Pointer, Seg};
use std::ops::Range;

/// Where a value sits: its raw text (strings with their quotes) and, when the value is an
/// object member, the raw text of its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub value: Range<usize>,
    pub key: Option<Range<usize>>,
}

/// Finds the value at `ptr`. When a key repeats, the last occurrence is the one a parser keeps,
/// so that is the one returned.
pub fn locate(text: &str, ptr: &Pointer) -> Option<Located> {
    let b = text.as_bytes();
    let start = skip_ws(b, 0);
    let mut here = Located {
        value: start..skip_value(b, start)?,
        key: None,
    };
    for seg in &ptr.0 {
        here = child(b, here.value.start, seg, None)?;
    }
    Some(here)
}

/// The raw span of the `occurrence`-th (1-based) appearance of `key` in the object at `object`.
pub fn locate_key_occurrence(
    text: &str,
    object: &Pointer,
    key: &str,
    occurrence: usize,
) -> Option<Range<usize>> {
    let obj = locate(text, object)?;
    child(
        text.as_bytes(),
        obj.value.start,
        &Seg::Key(key.to_owned()),
        Some(occurrence),
    )?
    .key
}

fn child(b: &[u8], at: usize, seg: &Seg, occurrence: Option<usize>) -> Option<Located> {
    match b.get(at)? {
        b'{' => {
            let want: std::borrow::Cow<str> = match seg {
                Seg::Key(k) => k.into(),
                Seg::Index(i) => i.to_string().into(),
            };
            let mut found = None;
            let mut seen = 0;
            let mut pos = skip_ws(b, at + 1);
            if b.get(pos) == Some(&b'}') {
                return None;
            }
            loop {
                let key_end = skip_string(b, pos)?;
                let key = pos..key_end;
                pos = skip_ws(b, key_end);
                if b.get(pos) != Some(&b':') {
                    return None;
                }
                let vstart = skip_ws(b, pos + 1);
                let vend = skip_value(b, vstart)?;
                if key_equals(b, key.clone(), &want) {
                    seen += 1;
                    found = Some(Located {
                        value: vstart..vend,
                        key: Some(key),
                    });
                    if occurrence == Some(seen) {
                        return found;
                    }
                }
                pos = skip_ws(b, vend);
                match b.get(pos)? {
                    b',' => pos = skip_ws(b, pos + 1),
                    b'}' => break,
                    _ => return None,
                }
            }
            if occurrence.is_some() {
                None
            } else {
                found
            }
        }
        b'[' => {
            let want = match seg {
                Seg::Index(i) => *i,
                Seg::Key(k) => k.parse().ok()?,
            };
            let mut pos = skip_ws(b, at + 1);
            if b.get(pos) == Some(&b']') {
                return None;
            }
            let mut i = 0;
            loop {
                let vend = skip_value(b, pos)?;
                if i == want {
                    return Some(Located {
                        value: pos..vend,
                        key: None,
                    });
                }
                pos = skip_ws(b, vend);
                match b.get(pos)? {
                    b',' => pos = skip_ws(b, pos + 1),
                    _ => return None,
                }
                i += 1;
            }
        }
        _ => None,
    }
}

fn key_equals(b: &[u8], raw: Range<usize>, want: &str) -> bool {
    let inner = &b[raw.start + 1..raw.end - 1];
    if !inner.contains(&b'\\') {
        return inner == want.as_bytes();
    }
    std::str::from_utf8(&b[raw])
        .ok()
        .and_then(|s| serde_json::from_str::<String>(s).ok())
        .is_some_and(|k| k == want)
}

/// What to delete to remove one member from its object and leave valid JSON: the member
/// (`key` and `value`, byte ranges of `text`) with the comma after it and the space up to the
/// next key, or — for the last member — with the comma before it and the space around that
/// comma. An only member leaves `{}` (with whatever space surrounded it).
pub fn member_removal(text: &str, key: &Range<usize>, value: &Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let after = skip_ws(b, value.end);
    if b.get(after) == Some(&b',') {
        return key.start..skip_ws(b, after + 1);
    }
    let back = |mut i: usize| {
        while i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'\r' | b'\n') {
            i -= 1;
        }
        i
    };
    let i = back(key.start);
    if i > 0 && b[i - 1] == b',' {
        // From the end of the previous value: `"a" , "k": 1}` becomes `"a"}`.
        back(i - 1)..value.end
    } else {
        key.start..value.end
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at `i` (which must be a quote).
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        let off = memchr::memchr2(b'"', b'\\', b.get(j..)?)?;
        j += off;
        if b[j] == b'\\' {
            j += 2;
        } else {
            return Some(j + 1);
        }
    }
}

/// End (exclusive) of the value starting at `i`, without recursion.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, ptr: &str) -> &'a str {
        &text[locate(text, &Pointer::parse(ptr)).unwrap().value]
    }

    #[test]
    fn finds_nested_values_with_their_raw_text() {
        let t = r#" {"messages": [ {"role":"bot" , "content": "a\"b"}, 1 ], "x": {"y": [true]}} "#;
        assert_eq!(at(t, ""), &t[1..t.len() - 1]);
        assert_eq!(at(t, "/messages/0/role"), r#""bot""#);
        assert_eq!(at(t, "/messages/0/content"), r#""a\"b""#);
        assert_eq!(at(t, "/messages/1"), "1");
        assert_eq!(at(t, "/x/y/0"), "true");
        assert!(locate(t, &Pointer::parse("/messages/2")).is_none());
        assert!(locate(t, &Pointer::parse("/nope")).is_none());
    }

    #[test]
    fn removing_a_member_leaves_valid_json() {
        let remove = |t: &str, ptr: &str| {
            let l = locate(t, &Pointer::parse(ptr)).unwrap();
            let r = member_removal(t, &l.key.unwrap(), &l.value);
            let out = format!("{}{}", &t[..r.start], &t[r.end..]);
            serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON");
            out
        };
        let t = r#"{"id": 1, "messages": [], "x": {"k": "v" }, "tail" : [1, {"a": 2}]}"#;
        assert_eq!(
            remove(t, "/id"),
            r#"{"messages": [], "x": {"k": "v" }, "tail" : [1, {"a": 2}]}"#
        );
        assert_eq!(
            remove(t, "/x"),
            r#"{"id": 1, "messages": [], "tail" : [1, {"a": 2}]}"#
        );
        assert_eq!(
            remove(t, "/tail"),
            r#"{"id": 1, "messages": [], "x": {"k": "v" }}"#
        );
        assert_eq!(
            remove(t, "/x/k"),
            r#"{"id": 1, "messages": [], "x": { }, "tail" : [1, {"a": 2}]}"#
        );
        assert_eq!(remove(r#"{"a":1,"b":"c,d"}"#, "/b"), r#"{"a":1}"#);
        assert_eq!(remove(r#"{"a":"x" , "b" : 1 }"#, "/b"), r#"{"a":"x" }"#);
    }

    #[test]
    fn escaped_keys_and_last_duplicate() {
        let t = r#"{"a\u0062":1,"ab":2}"#;
        assert_eq!(at(t, "/ab"), "2");
        let second = locate_key_occurrence(t, &Pointer::root(), "ab", 2).unwrap();
        assert_eq!(&t[second], r#""ab""#);
        let first = locate_key_occurrence(t, &Pointer::root(), "ab", 1).unwrap();
        assert_eq!(&t[first], r#""a\u0062""#);
    }
}
