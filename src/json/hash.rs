//! Content hashes of parsed values, for duplicate and conflict detection.
//!
//! Hashing the parsed value (not the raw bytes) makes `{"a":1,"b":2}` and `{ "b": 2, "a": 1 }`
//! the same example, as they are to a trainer. 128-bit xxh3: fast, and collisions are out of
//! reach at any dataset size, so equal hashes are reported as equal examples.

use std::cell::RefCell;
use std::io::Write as _;

use serde_json::Value;
use xxhash_rust::xxh3::xxh3_128;

thread_local! {
    /// The value's canonical bytes, hashed in one call: a streaming hasher fed one small piece
    /// at a time costs several times more.
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Buffers above this are released after use, so one huge line does not pin its size.
const KEEP: usize = 1 << 20;

fn hashed(encode: impl FnOnce(&mut Vec<u8>)) -> u128 {
    BUF.with(|b| {
        let mut b = b.borrow_mut();
        b.clear();
        encode(&mut b);
        let h = xxh3_128(&b);
        if b.capacity() > KEEP {
            *b = Vec::new();
        }
        h
    })
}

pub fn hash_value(v: &Value) -> u128 {
    hashed(|b| feed(b, v))
}

/// Hashes a sequence of values as one (a conversation prefix, say).
pub fn hash_values<'a>(vs: impl IntoIterator<Item = &'a Value>) -> u128 {
    hashed(|b| {
        for v in vs {
            feed(b, v);
        }
    })
}

fn len(b: &mut Vec<u8>, n: usize) {
    b.extend_from_slice(&(n as u64).to_le_bytes());
}

fn feed(b: &mut Vec<u8>, v: &Value) {
    // A type tag before each value and a length before each string keep different shapes from
    // producing the same byte stream (`["ab"]` vs `["a","b"]`). Recursion depth is bounded by
    // the parser's nesting limit.
    match v {
        Value::Null => b.push(b'n'),
        Value::Bool(x) => b.push(if *x { b't' } else { b'f' }),
        Value::Number(n) => {
            b.push(b'#');
            let at = b.len();
            len(b, 0);
            let _ = write!(b, "{n}");
            let n = (b.len() - at - 8) as u64;
            b[at..at + 8].copy_from_slice(&n.to_le_bytes());
        }
        Value::String(s) => {
            b.push(b's');
            len(b, s.len());
            b.extend_from_slice(s.as_bytes());
        }
        Value::Array(a) => {
            b.push(b'[');
            len(b, a.len());
            for x in a {
                feed(b, x);
            }
        }
        Value::Object(o) => {
            // serde_json's map is ordered by key, so key order in the file does not matter.
            b.push(b'{');
            len(b, o.len());
            for (k, x) in o {
                len(b, k.len());
                b.extend_from_slice(k.as_bytes());
                feed(b, x);
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

/// The maps' keys are already 128-bit content hashes: hashing them again with SipHash on the
/// one thread that merges in order would only cost time.
pub type PreHashed = std::hash::BuildHasherDefault<KeyBits>;

/// A hasher that takes the key's own first 8 bytes.
#[derive(Default)]
pub struct KeyBits(u64);

impl std::hash::Hasher for KeyBits {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // `[u64; 2]` arrives as one 16-byte write (after its length, as a `usize`).
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }
    fn write_usize(&mut self, _: usize) {}
}

/// A 128-bit hash as a map key: `[u64; 2]`, not `u128`, since 8-byte alignment makes a map
/// entry 24 bytes instead of 32, which matters at millions of lines.
pub fn halves(h: u128) -> [u64; 2] {
    [h as u64, (h >> 64) as u64]
}
