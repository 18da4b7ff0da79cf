//! Byte-pair merging, count only, exactly as tiktoken's `byte_pair_encode`: starting from single
//! bytes, repeatedly merge the adjacent pair whose union is the lowest-ranked token (the leftmost
//! on a tie) until no adjacent union is a token. The number of parts left is the token count.
//!
//! Each part carries its token, so "is the union of these two parts a token, and which?" is a
//! question about two token ids. A small per-thread memo answers it without hashing bytes again
//! (the same pairs recur all the time: the bytes of common CJK characters, say). A heap keeps
//! the cost O(n log n) instead of tiktoken's O(n²): the same merges in the same order, hence the
//! same count. The heap loop is shared with the Hugging Face BPE encoder ([`super::heap_merge`]).
//!
//! Counting goes through [`super::backtrack`], which is faster; merging is what its tests
//! compare against, and its fallback should its search ever fail.

use super::heap_merge;
use super::vocab::Vocab;
use std::cell::RefCell;

/// No token / no merge.
const NONE: u32 = u32::MAX;

/// Direct-mapped memo of `(vocabulary, left token, right token) → token of their union or
/// NONE`. A collision simply evicts; a miss asks the vocabulary. 16,384 entries (192 KiB) stay
/// in L2.
struct PairMemo {
    keys: Vec<u64>,
    values: Vec<u32>,
}

const MEMO_BITS: u32 = 14;

impl PairMemo {
    fn new() -> PairMemo {
        PairMemo {
            keys: vec![u64::MAX; 1 << MEMO_BITS],
            values: vec![NONE; 1 << MEMO_BITS],
        }
    }
}

thread_local! {
    static MEMO: RefCell<PairMemo> = RefCell::new(PairMemo::new());
}

/// Looks up merges for one piece.
struct Merger<'a> {
    vocab: &'a Vocab,
    piece: &'a [u8],
    memo: &'a mut PairMemo,
}

impl Merger<'_> {
    /// The token of `piece[a..c]`, the union of adjacent parts `piece[a..b]` (token `left`) and
    /// `piece[b..c]` (token `right`).
    #[inline]
    fn union(&mut self, left: u32, right: u32, a: usize, c: usize) -> u32 {
        // Token ids are below 2^31: the top bit says which vocabulary they belong to.
        let key = (self.vocab.id as u64) << 63 | (left as u64) << 32 | right as u64;
        let slot = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - MEMO_BITS)) as usize;
        if self.memo.keys[slot] == key {
            return self.memo.values[slot];
        }
        let v = self.vocab.rank(&self.piece[a..c]).unwrap_or(NONE);
        self.memo.keys[slot] = key;
        self.memo.values[slot] = v;
        v
    }
}

/// Tokens of `piece` by merging (the backtracking counter's fallback and test oracle).
pub fn count(v: &Vocab, piece: &[u8]) -> usize {
    if piece.len() <= 1 || v.rank(piece).is_some() {
        return piece.len().min(1);
    }
    MEMO.with(|memo| {
        large(&mut Merger {
            vocab: v,
            piece,
            memo: &mut memo.borrow_mut(),
        })
    })
}

thread_local! {
    static SCRATCH: RefCell<heap_merge::Scratch> = RefCell::new(heap_merge::Scratch::default());
}

/// The same merges with the shared heap merge ([`crate::heap_merge`]): a union's priority is
/// its own token (tiktoken merges the lowest-ranked union first).
fn large(m: &mut Merger<'_>) -> usize {
    let piece = m.piece;
    let vocab = m.vocab;
    SCRATCH.with(|s| {
        heap_merge::merge(
            piece.len(),
            &mut s.borrow_mut(),
            |i| vocab.byte(piece[i]),
            |i| vocab.pair(piece[i], piece[i + 1]).map(|t| (t, t)),
            |left, right, a, c| {
                let t = m.union(left, right, a, c);
                (t != NONE).then_some((t, t))
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_merger<T>(piece: &[u8], f: impl FnOnce(&mut Merger<'_>) -> T) -> T {
        let mut memo = PairMemo::new();
        f(&mut Merger {
            vocab: Vocab::o200k_base(),
            piece,
            memo: &mut memo,
        })
    }

    /// The heap path and `bpe-openai`'s encoder agree on long pieces.
    #[test]
    fn heap_path_and_encoder_agree_on_long_pieces() {
        let encoder = bpe_openai::o200k_base();
        let unit = "東京都品川区西五反田八丁目一番五号に住んでいる人の名前は何ですか教えてください";
        for reps in [1, 2, 7, 40] {
            let text = unit.repeat(reps);
            let piece = text.as_bytes();
            assert_eq!(
                with_merger(piece, large),
                encoder.bpe.count(piece),
                "x{reps}"
            );
        }
    }

    /// A memo entry is only a cache: a colliding pair evicts it and is recomputed.
    #[test]
    fn memo_collisions_do_not_change_counts() {
        let text = "東京都品川区西五反田八丁目一番五号".as_bytes();
        let cold = with_merger(text, large);
        let mut memo = PairMemo::new();
        // Poison every slot with a key no real pair has.
        memo.keys.fill(u64::MAX - 1);
        let warm = large(&mut Merger {
            vocab: Vocab::o200k_base(),
            piece: text,
            memo: &mut memo,
        });
        assert_eq!(cold, warm);
    }
}
