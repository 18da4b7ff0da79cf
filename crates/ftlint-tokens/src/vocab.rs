//! A tiktoken vocabulary read in place from the blob the build script lays out (format in
//! `build/vocab.rs`): byte string → rank lookups with no start-up work at all.

#[path = "vocab_hash.rs"]
mod vocab_hash;

/// A blob, 4-byte aligned so that its u32 arrays can be read directly.
#[repr(C, align(4))]
pub(super) struct Aligned<T: ?Sized>(pub T);

// The build script writes little-endian integers, read in place below.
#[cfg(not(target_endian = "little"))]
compile_error!("the token tables are little-endian");

/// The u32 words of a 4-byte aligned blob (a trailing partial word is left out).
pub(super) fn u32s(blob: &'static [u8]) -> &'static [u32] {
    // SAFETY: every bit pattern is a valid u32, and `align_to` only yields aligned words.
    let (head, words, _) = unsafe { blob.align_to::<u32>() };
    assert!(head.is_empty(), "blob is 4-byte aligned");
    words
}

static O200K: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/o200k_base.vocab"
)));
static CL100K: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/cl100k_base.vocab"
)));

/// One vocabulary: ranks are token ids, and a lower rank merges first.
pub struct Vocab {
    /// Tells vocabularies apart where token ids from both meet (the merge memo).
    pub id: u8,
    bits: u32,
    offsets: &'static [u32],
    table: &'static [u32],
    pairs: &'static [u32],
    bytes: &'static [u8],
    /// The token of each single byte.
    single: [u32; 256],
}

impl Vocab {
    fn parse(id: u8, blob: &'static [u8]) -> Vocab {
        let words = u32s(blob);
        let (ranks, bits) = (words[0] as usize, words[1]);
        let (offsets, rest) = words[2..].split_at(ranks + 1);
        let (table, rest) = rest.split_at(1 << bits);
        let pairs = &rest[..1 << 16];
        // The token bytes follow the last table.
        let bytes = &blob[4 * (2 + ranks + 1 + (1 << bits) + (1 << 16))..];
        let mut v = Vocab {
            id,
            bits,
            offsets,
            table,
            pairs,
            bytes,
            single: [0; 256],
        };
        for b in 0..=255u8 {
            // The build script checked that every byte is a token.
            v.single[b as usize] = v.rank(&[b]).unwrap_or(u32::MAX);
        }
        v
    }

    pub fn o200k_base() -> &'static Vocab {
        static V: std::sync::LazyLock<Vocab> =
            std::sync::LazyLock::new(|| Vocab::parse(0, &O200K.0));
        &V
    }

    pub fn cl100k_base() -> &'static Vocab {
        static V: std::sync::LazyLock<Vocab> =
            std::sync::LazyLock::new(|| Vocab::parse(1, &CL100K.0));
        &V
    }

    /// Number of ranks (tests walk every token).
    #[cfg(test)]
    pub fn ranks(&self) -> u32 {
        (self.offsets.len() - 1) as u32
    }

    /// The bytes of token `rank`, `None` for an unused rank.
    #[cfg(test)]
    pub fn token_bytes(&self, rank: u32) -> Option<&'static [u8]> {
        Some(self.token(rank)).filter(|t| !t.is_empty())
    }

    fn token(&self, rank: u32) -> &'static [u8] {
        let r = rank as usize;
        &self.bytes[self.offsets[r] as usize..self.offsets[r + 1] as usize]
    }

    /// The rank of the token whose bytes are exactly `bytes`.
    #[inline]
    pub fn rank(&self, bytes: &[u8]) -> Option<u32> {
        if bytes.len() == 2 {
            return self.pair(bytes[0], bytes[1]);
        }
        let mask = (1usize << self.bits) - 1;
        let mut s = vocab_hash::slot(bytes, self.bits);
        loop {
            let v = self.table[s];
            if v == 0 {
                return None;
            }
            if self.token(v - 1) == bytes {
                return Some(v - 1);
            }
            s = (s + 1) & mask;
        }
    }

    /// The rank of the 1-byte token `b` (every byte is one).
    #[inline]
    pub fn byte(&self, b: u8) -> u32 {
        self.single[b as usize]
    }

    /// The rank of the 2-byte token `a b` (a direct table: the first step of every merge asks
    /// this for each adjacent byte pair).
    #[inline]
    pub fn pair(&self, a: u8, b: u8) -> Option<u32> {
        let v = self.pairs[(a as usize) << 8 | b as usize];
        (v != u32::MAX).then_some(v)
    }
}
