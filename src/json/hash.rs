//! Content hashes of parsed values, for duplicate and conflict detection.
//!
//! Hashing the parsed value (not the raw bytes) makes `{"a":1,"b":2}` and `{ "b": 2, "a": 1 }`
//! the same example, as they are to a trainer. 128-bit xxh3: fast, and collisions are out of
//! reach at any dataset size, so equal hashes are reported as equal examples.

use std::cell::RefCell;
use std::io::Write as _;

use serde_json::Value;
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

thread_local! {
    /// The value's canonical bytes, hashed in one call: a streaming hasher fed one small piece
    /// at a time costs several times more.
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Buffers above this are released after use, so one huge line does not pin its size.
const KEEP: usize = 1 << 20;

/// Strings at least this long are hashed in place (streamed into the hasher) instead of copied
/// into the buffer: a held line's one huge string would otherwise be copied whole, into a
/// buffer grown by doubling (up to twice its size again). The bytes hashed are the same, and
/// xxh3 streamed over them equals xxh3 over them at once, so the hash does not change.
const IN_PLACE: usize = 64 << 10;

/// The canonical bytes being hashed: small pieces gathered in `buf`, long strings streamed.
struct Sink<'b> {
    buf: &'b mut Vec<u8>,
    /// Set once a long string arrived: everything before it was streamed into it.
    stream: Option<Box<Xxh3>>,
}

impl Sink<'_> {
    fn bytes(&mut self, s: &[u8]) {
        if s.len() < IN_PLACE {
            self.buf.extend_from_slice(s);
            return;
        }
        let stream = self.stream.get_or_insert_with(|| Box::new(Xxh3::new()));
        stream.update(self.buf);
        self.buf.clear();
        stream.update(s);
    }

    fn finish(self) -> u128 {
        match self.stream {
            None => xxh3_128(self.buf),
            Some(mut stream) => {
                stream.update(self.buf);
                stream.digest128()
            }
        }
    }
}

fn hashed(encode: impl FnOnce(&mut Sink<'_>)) -> u128 {
    BUF.with(|b| {
        let mut b = b.borrow_mut();
        b.clear();
        let mut sink = Sink {
            buf: &mut b,
            stream: None,
        };
        encode(&mut sink);
        let h = sink.finish();
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

fn len(b: &mut Sink<'_>, n: usize) {
    b.buf.extend_from_slice(&(n as u64).to_le_bytes());
}

fn feed(b: &mut Sink<'_>, v: &Value) {
    // A type tag before each value and a length before each string keep different shapes from
    // producing the same byte stream (`["ab"]` vs `["a","b"]`). Recursion depth is bounded by
    // the parser's nesting limit.
    match v {
        Value::Null => b.buf.push(b'n'),
        Value::Bool(x) => b.buf.push(if *x { b't' } else { b'f' }),
        Value::Number(n) => {
            b.buf.push(b'#');
            let at = b.buf.len();
            len(b, 0);
            let _ = write!(b.buf, "{n}");
            let n = (b.buf.len() - at - 8) as u64;
            b.buf[at..at + 8].copy_from_slice(&n.to_le_bytes());
        }
        Value::String(s) => {
            b.buf.push(b's');
            len(b, s.len());
            b.bytes(s.as_bytes());
        }
        Value::Array(a) => {
            b.buf.push(b'[');
            len(b, a.len());
            for x in a {
                feed(b, x);
            }
        }
        Value::Object(o) => {
            // serde_json's map is ordered by key, so key order in the file does not matter.
            b.buf.push(b'{');
            len(b, o.len());
            for (k, x) in o {
                len(b, k.len());
                b.bytes(k.as_bytes());
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

    /// Long strings are streamed into the hasher, not copied: the hash is the one of the same
    /// bytes at once (the canonical bytes are rebuilt here by hand).
    #[test]
    fn long_strings_hash_as_the_same_bytes_at_once() {
        let long = "déjà vu ".repeat(IN_PLACE / 4);
        let v = serde_json::json!({"k": [1.5, long.clone(), null], "z": long.clone()});
        let mut want = Vec::new();
        want.push(b'{');
        want.extend_from_slice(&2u64.to_le_bytes());
        want.extend_from_slice(&1u64.to_le_bytes());
        want.push(b'k');
        want.push(b'[');
        want.extend_from_slice(&3u64.to_le_bytes());
        want.push(b'#');
        want.extend_from_slice(&3u64.to_le_bytes());
        want.extend_from_slice(b"1.5");
        want.push(b's');
        want.extend_from_slice(&(long.len() as u64).to_le_bytes());
        want.extend_from_slice(long.as_bytes());
        want.push(b'n');
        want.extend_from_slice(&1u64.to_le_bytes());
        want.push(b'z');
        want.push(b's');
        want.extend_from_slice(&(long.len() as u64).to_le_bytes());
        want.extend_from_slice(long.as_bytes());
        assert!(long.len() >= IN_PLACE);
        assert_eq!(hash_value(&v), xxh3_128(&want));
        // And a short value still goes through the buffer alone.
        let short = serde_json::json!({"k": "v"});
        assert_ne!(hash_value(&short), hash_value(&v));
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
