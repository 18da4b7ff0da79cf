//! Property test of the decoded→raw span mapping: for random strings written with random
//! escaping, the raw span of any decoded sub-range, wrapped in quotes and parsed as JSON, decodes
//! to exactly that sub-string.

use ftlint::escapes::EscapeMap;
use proptest::prelude::*;

/// Characters worth mixing: ASCII, controls, quotes, backslashes, non-ASCII, astral (emoji).
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        1 => proptest::char::range('\u{0}', '\u{1f}'),
        1 => Just('"'),
        1 => Just('\\'),
        1 => Just('/'),
        2 => proptest::char::range('\u{a0}', '\u{7ff}'),
        2 => proptest::char::range('\u{3040}', '\u{30ff}'),
        1 => proptest::char::range('\u{e000}', '\u{fffd}'),
        2 => proptest::char::range('\u{1f300}', '\u{1f64f}'),
        1 => proptest::char::range('\u{10000}', '\u{10ffff}'),
    ]
}

/// Writes `c` as JSON allows: literally where permitted, or as a short escape, or `\uXXXX`
/// (surrogate pair for astral chars). `choice` picks among the allowed spellings.
fn escape_char(c: char, choice: u8, out: &mut String) {
    let must_escape = c == '"' || c == '\\' || (c as u32) < 0x20;
    let short = match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '/' => Some("\\/"),
        '\u{8}' => Some("\\b"),
        '\u{c}' => Some("\\f"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        _ => None,
    };
    match choice % 3 {
        0 if !must_escape => out.push(c),
        1 if short.is_some() => out.push_str(short.unwrap()),
        _ => {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                // Mix upper and lower case hex digits, both are valid.
                if choice & 4 == 0 {
                    out.push_str(&format!("\\u{unit:04x}"));
                } else {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn mapped_span_decodes_to_matched_text(
        chars in proptest::collection::vec((any_char(), any::<u8>()), 0..40),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
    ) {
        let decoded: String = chars.iter().map(|(c, _)| *c).collect();
        let mut raw = String::from("\"");
        for (c, choice) in &chars {
            escape_char(*c, *choice, &mut raw);
        }
        raw.push('"');
        // Sanity: the literal we wrote is valid JSON for the string.
        let parsed: String = serde_json::from_str(&raw).unwrap();
        prop_assert_eq!(&parsed, &decoded);

        // Random sub-range on char boundaries (possibly empty).
        let bounds: Vec<usize> = decoded.char_indices().map(|(i, _)| i)
            .chain(std::iter::once(decoded.len())).collect();
        let (mut s, mut e) = (a.get(&bounds), b.get(&bounds));
        if s > e { std::mem::swap(&mut s, &mut e); }
        let map = EscapeMap::new(raw.as_bytes()).expect("well-formed literal");
        prop_assert_eq!(map.decoded_len(), decoded.len());
        let r = map.range_to_raw(*s..*e).expect("char-boundary range maps");
        let slice = &raw[r];
        let wrapped = format!("\"{slice}\"");
        let back: String = serde_json::from_str(&wrapped).unwrap();
        prop_assert_eq!(back.as_str(), &decoded[*s..*e]);
    }

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..40),
                                       s in 0usize..50, e in 0usize..50) {
        let mut raw = vec![b'"'];
        raw.extend_from_slice(&bytes);
        raw.push(b'"');
        let parsed = serde_json::from_slice::<String>(&raw);
        prop_assert!(parsed.is_err() || EscapeMap::new(&raw).is_some());
        if let Some(map) = EscapeMap::new(&raw) {
            // When it parses, serde_json must agree on the decoded length.
            if let Ok(text) = serde_json::from_slice::<String>(&raw) {
                prop_assert_eq!(map.decoded_len(), text.len());
            }
            let _ = map.range_to_raw(s..e);
        }
        let _ = EscapeMap::new(&bytes);
    }
}
