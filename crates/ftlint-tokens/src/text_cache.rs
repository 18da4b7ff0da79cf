//! A per-thread memo of whole texts' token counts. Training files repeat texts verbatim: the same
//! system prompt on every line, the same tool definitions, the same few-shot instructions.
//! Counting one again costs a 64-bit hash and a compare instead of a tokenization.
//!
//! Direct-mapped, keyed by the text's bytes (compared in full, so a hash collision can only
//! evict, never give a wrong count); a miss is simply counted and replaces the entry. A text
//! seen once leaves only its hash; its bytes are kept when it comes again, so files of unique
//! texts do not pay for copying every one.

use xxhash_rust::xxh3::xxh3_64;

/// Texts shorter than this go through the piece memo alone; longer than `MAX`, not memoised
/// (bounds the memo at 512 × 16 KiB per thread).
pub const MIN: usize = 32;
pub const MAX: usize = 16 << 10;

const BITS: u32 = 9;

#[derive(Default)]
struct Entry {
    hash: u64,
    vocab: u8,
    count: u32,
    text: Vec<u8>,
}

pub struct TextCache {
    entries: Vec<Entry>,
}

impl Default for TextCache {
    fn default() -> TextCache {
        TextCache {
            entries: (0..1 << BITS).map(|_| Entry::default()).collect(),
        }
    }
}

impl TextCache {
    /// The count of `text` in vocabulary `vocab`, from the memo or `count`.
    pub fn get_or(&mut self, vocab: u8, text: &str, count: impl FnOnce() -> usize) -> usize {
        let hash = xxh3_64(text.as_bytes());
        let e = &mut self.entries[(hash >> (64 - BITS)) as usize];
        let seen = e.hash == hash && e.vocab == vocab;
        if seen && e.text == text.as_bytes() {
            return e.count as usize;
        }
        let n = count();
        e.text.clear();
        if seen {
            // The second time: worth keeping.
            e.text.extend_from_slice(text.as_bytes());
        }
        e.hash = hash;
        e.vocab = vocab;
        e.count = n as u32;
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_hit_and_vocabularies_are_apart() {
        let mut c = TextCache::default();
        let t = "You are a helpful assistant for a shipping company.";
        assert_eq!(c.get_or(0, t, || 11), 11);
        // Seen once: only its hash was kept, so it is counted again, then kept.
        assert_eq!(c.get_or(0, t, || 11), 11);
        assert_eq!(c.get_or(0, t, || unreachable!()), 11);
        assert_eq!(c.get_or(1, t, || 12), 12);
        assert_eq!(c.get_or(1, t, || 12), 12);
        assert_eq!(c.get_or(1, t, || unreachable!()), 12);
        assert_eq!(c.get_or(1, "another text that is long enough", || 7), 7);
    }
}
