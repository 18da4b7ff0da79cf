//! One parse per line: a `serde_json::Value`, plus the duplicate keys a plain `Value` would hide.

use super::pointer::{Pointer, Seg};
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// A key that appears more than once in one object (the last occurrence wins in every JSON
/// library the services use, so the earlier value is silently lost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The object holding the key.
    pub object: Pointer,
    pub key: String,
    /// Which occurrence this is: 2 for the first repeat.
    pub occurrence: usize,
}

#[derive(Debug)]
pub struct Parsed {
    pub value: Value,
    pub duplicates: Vec<Duplicate>,
    /// Byte ranges (in the line) of `\uD800`–`\uDFFF` escapes without their pair. They were
    /// parsed as U+FFFD so the rest of the line could still be checked.
    pub lone_surrogates: Vec<std::ops::Range<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Not JSON at all, or truncated.
    Syntax,
    /// Deeper than serde_json's recursion limit (128).
    TooDeep,
}

#[derive(Debug, Clone)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    /// 0-based byte in the line where the parser stopped.
    pub byte: usize,
    /// serde_json's description without its "at line 1 column N" suffix.
    pub message: String,
}

/// Parses one line (already known to be UTF-8, without its line ending).
pub fn parse_line(text: &str) -> Result<Parsed, ParseError> {
    match parse_value(text) {
        Ok((value, duplicates)) => Ok(Parsed {
            value,
            duplicates,
            lone_surrogates: Vec::new(),
        }),
        Err(err) => {
            // serde_json rejects unpaired surrogate escapes that Python accepts. Replace each
            // with `\uFFFD` (also six bytes, so every position stays valid) and parse again, so
            // the line gets J008 at the escape plus every other finding it deserves.
            let lone = find_lone_surrogates(text);
            if lone.is_empty() {
                return Err(convert_error(text, &err));
            }
            let mut patched = text.as_bytes().to_vec();
            for r in &lone {
                patched[r.start..r.end].copy_from_slice(b"\\uFFFD");
            }
            // Replacing ASCII escapes by ASCII keeps the text valid UTF-8.
            let patched = String::from_utf8(patched).map_err(|_| convert_error(text, &err))?;
            match parse_value(&patched) {
                Ok((value, duplicates)) => Ok(Parsed {
                    value,
                    duplicates,
                    lone_surrogates: lone,
                }),
                Err(err) => Err(convert_error(text, &err)),
            }
        }
    }
}

fn parse_value(text: &str) -> Result<(Value, Vec<Duplicate>), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut state = State::default();
    let value = ValueSeed { state: &mut state }.deserialize(&mut de)?;
    de.end()?;
    Ok((value, state.duplicates))
}

fn convert_error(text: &str, err: &serde_json::Error) -> ParseError {
    let full = err.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    let kind = if message.contains("recursion limit exceeded") {
        ParseErrorKind::TooDeep
    } else {
        ParseErrorKind::Syntax
    };
    // serde_json reports a 1-based line and a byte column; a JSONL line has no raw newline, so
    // line is 1 and the column counts bytes from the line start (0 means "before anything").
    let byte = if err.is_eof() {
        text.len()
    } else {
        err.column().saturating_sub(1).min(text.len())
    };
    let byte = floor_char_boundary(text, byte);
    ParseError {
        kind,
        byte,
        message,
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte ranges of `\uXXXX` escapes inside strings that encode a surrogate without its pair.
pub fn find_lone_surrogates(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if !in_string {
            if c == b'"' {
                in_string = true;
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_string = false;
                i += 1;
            }
            b'\\' if b.get(i + 1) == Some(&b'u') => {
                match hex4(b, i + 2) {
                    Some(u) if (0xD800..0xDC00).contains(&u) => {
                        // A high surrogate needs a low one right after it.
                        let low = if b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u') {
                            hex4(b, i + 8)
                        } else {
                            None
                        };
                        if matches!(low, Some(l) if (0xDC00..0xE000).contains(&l)) {
                            i += 12;
                        } else {
                            out.push(i..i + 6);
                            i += 6;
                        }
                    }
                    Some(u) if (0xDC00..0xE000).contains(&u) => {
                        out.push(i..i + 6);
                        i += 6;
                    }
                    _ => i += 2,
                }
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    out
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = b.get(at..at + 4)?;
    let s = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(s, 16).ok()
}

#[derive(Default)]
struct State {
    /// The path to the value being parsed. Keys are moved in and out (never cloned) so the
    /// happy path allocates nothing beyond the `Value` itself.
    path: Vec<Seg>,
    duplicates: Vec<Duplicate>,
}

struct ValueSeed<'s> {
    state: &'s mut State,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            self.state.path.push(Seg::Index(out.len()));
            let next = seq.next_element_seed(ValueSeed {
                state: &mut *self.state,
            });
            self.state.path.pop();
            match next? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.state.path.push(Seg::Key(key));
            let value = map.next_value_seed(ValueSeed {
                state: &mut *self.state,
            });
            let Some(Seg::Key(key)) = self.state.path.pop() else {
                unreachable!("the path stack is balanced")
            };
            let value = value?;
            if out.contains_key(&key) {
                let occurrence = 1
                    + self
                        .state
                        .duplicates
                        .iter()
                        .filter(|d| d.key == key && d.object.0 == self.state.path)
                        .count()
                    + 1;
                self.state.duplicates.push(Duplicate {
                    object: Pointer(self.state.path.clone()),
                    key: key.clone(),
                    occurrence,
                });
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_duplicates_with_their_object() {
        let p = parse_line(r#"{"a":1,"b":{"c":1,"c":2,"c":3},"a":2}"#).unwrap();
        assert_eq!(p.value["a"], 2);
        let got: Vec<_> = p
            .duplicates
            .iter()
            .map(|d| (d.object.to_string(), d.key.as_str(), d.occurrence))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/b".into(), "c", 2),
                ("/b".into(), "c", 3),
                ("".into(), "a", 2)
            ]
        );
    }

    #[test]
    fn syntax_error_byte_is_where_the_parser_stopped() {
        let e = parse_line(r#"{"a": x}"#).unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::Syntax);
        assert_eq!(e.byte, 6);
        assert_eq!(e.message, "expected value");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let e = parse_line(&text).unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::TooDeep);
    }

    #[test]
    fn lone_surrogates_are_found_and_patched() {
        let text = r#"{"a":"x\ud800y","b":"\ud83d\ude00","c":"\\ud800","d":"\udc00"}"#;
        let p = parse_line(text).unwrap();
        let spans: Vec<&str> = p.lone_surrogates.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(spans, vec![r"\ud800", r"\udc00"]);
        assert_eq!(p.value["a"], "x\u{FFFD}y");
        assert_eq!(p.value["b"], "😀");
    }
}
