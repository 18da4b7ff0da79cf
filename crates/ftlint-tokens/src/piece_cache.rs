//! A per-thread memo of short pieces' token counts. Text is Zipfian: a few thousand pieces
//! (` the`, ` and`, `、`, `\n\n`) make up most of any corpus, and each costs three dependent
//! cache misses in the 4 MB vocabulary tables. Here it costs one compare in a 64 KiB table.
//!
//! Direct-mapped: a colliding piece evicts the entry, and a miss is simply counted again, so the
//! memo changes speed, never a count.

/// Longest piece memoised (the key holds the bytes, zero-padded, and the length).
pub const MAX_LEN: usize = 15;

const BITS: u32 = 12;

#[derive(Clone, Copy, Default)]
struct Entry {
    /// The piece's bytes, zero-padded, with its length and vocabulary in the last byte.
    key: u128,
    count: u32,
}

pub struct PieceCache {
    entries: Vec<Entry>,
}

impl Default for PieceCache {
    fn default() -> PieceCache {
        // An all-zero key has length 0, which no piece has: empty slots never match.
        PieceCache {
            entries: vec![Entry::default(); 1 << BITS],
        }
    }
}

impl PieceCache {
    /// The count of the piece `text[start..end]` (1..=15 bytes) in vocabulary `vocab`, from the
    /// memo or `count`.
    #[inline]
    pub fn get_or(
        &mut self,
        vocab: u8,
        text: &[u8],
        start: usize,
        end: usize,
        count: impl FnOnce() -> usize,
    ) -> usize {
        let len = end - start;
        debug_assert!((1..=MAX_LEN).contains(&len));
        // One 16-byte load where the text has 16 bytes from `start` (copying `len` bytes into a
        // buffer and loading it back stalls on store forwarding), masked to the piece.
        let raw = match text.get(start..start + 16) {
            Some(w) => u128::from_le_bytes(w.try_into().expect("16 bytes")),
            None => {
                let mut buf = [0u8; 16];
                buf[..len].copy_from_slice(&text[start..end]);
                u128::from_le_bytes(buf)
            }
        };
        let key = raw & ((1u128 << (8 * len)) - 1) | (len as u128 | (vocab as u128) << 4) << 120;
        let h = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let e = &mut self.entries[(h >> (64 - BITS)) as usize];
        if e.key == key {
            return e.count as usize;
        }
        let n = count();
        *e = Entry {
            key,
            count: n as u32,
        };
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_misses_and_vocabularies_are_apart() {
        let mut c = PieceCache::default();
        let mut get =
            |vocab: u8, piece: &[u8], n: usize| c.get_or(vocab, piece, 0, piece.len(), || n);
        assert_eq!(get(0, b" the", 1), 1);
        assert_eq!(get(0, b" the", 9), 1);
        // Same bytes, other vocabulary: its own entry.
        assert_eq!(get(1, b" the", 2), 2);
        // A prefix with zero padding is not the same key (the length differs).
        assert_eq!(get(0, b" th", 3), 3);
        assert_eq!(get(0, b"\0", 4), 4);
        assert_eq!(get(0, b"\0\0", 5), 5);
        // Loaded 16 bytes at a time from a longer text, or copied near its end: the same key.
        let text = b" the cat sat on the mat, the end";
        assert_eq!(c.get_or(0, text, 0, 4, || 8), 1);
        assert_eq!(c.get_or(0, text, 15, 19, || 8), 1);
        assert_eq!(c.get_or(0, text, 24, 28, || 8), 1);
        assert_eq!(c.get_or(0, text, 28, 32, || 6), 6);
        assert_eq!(c.get_or(0, b" end", 0, 4, || 8), 6);
    }
}
