//! Content hashes of parsed values, for duplicate and conflict detection.
//!
//! Hashing the parsed value (not the raw bytes) makes `{"a":1,"b":2}` and `{ "b": 2, "a": 1 }`
//! the same example, as they are to a trainer. 128-bit xxh3: fast, and collisions are out of
//! reach at any dataset size, so equal hashes are reported as equal examples.

use serde_json::Value;
use xxhash_rust::xxh3::Xxh3;

pub fn hash_value(v: &Value) -> u128 {
    let mut h = Xxh3::new();
    feed(&mut h, v);
    h.digest128()
}

/// Hashes a sequence of values as one (a conversation prefix, say).
pub fn hash_values<'a>(vs: impl IntoIterator<Item = &'a Value>) -> u128 {
    let mut h = Xxh3::new();
    for v in vs {
        feed(&mut h, v);
    }
    h.digest128()
}

fn feed(h: &mut Xxh3, v: &Value) {
    // A type tag before each value and a length before each string keep different shapes from
    // producing the same byte stream (`["ab"]` vs `["a","b"]`). Recursion depth is bounded by
    // the parser's nesting limit.
    match v {
        Value::Null => h.update(b"n"),
        Value::Bool(b) => h.update(if *b { b"t" } else { b"f" }),
        Value::Number(n) => {
            h.update(b"#");
            let s = n.to_string();
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        Value::String(s) => {
            h.update(b"s");
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        Value::Array(a) => {
            h.update(b"[");
            h.update(&(a.len() as u64).to_le_bytes());
            for x in a {
                feed(h, x);
            }
        }
        Value::Object(o) => {
            // serde_json's map is ordered by key, so key order in the file does not matter.
            h.update(b"{");
            h.update(&(o.len() as u64).to_le_bytes());
            for (k, x) in o {
                h.update(&(k.len() as u64).to_le_bytes());
                h.update(k.as_bytes());
                feed(h, x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_and_spacing_do_not_matter_but_content_does() {
        let a: Value = serde_json::from_str(r#"{"a":1,"b":[1,"x"]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{ "b": [1, "x"], "a": 1 }"#).unwrap();
        let c: Value = serde_json::from_str(r#"{"a":1,"b":[1,"y"]}"#).unwrap();
        assert_eq!(hash_value(&a), hash_value(&b));
        assert_ne!(hash_value(&a), hash_value(&c));
        let d: Value = serde_json::from_str(r#"["ab"]"#).unwrap();
        let e: Value = serde_json::from_str(r#"["a","b"]"#).unwrap();
        assert_ne!(hash_value(&d), hash_value(&e));
    }
}
