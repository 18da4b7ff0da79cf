//! Count-only byte-pair encoding of a piece by backtracking — the same count as merging
//! (tiktoken's algorithm, [`super::merge`]), in about linear time.
//!
//! A run of CJK text without spaces is one piece of hundreds of bytes, where merging costs a
//! heap operation and a pair lookup per byte (tiktoken's own loop is quadratic). Instead, take
//! the longest token that prefixes the rest of the piece, and keep it only if it can stand next
//! to the token before it: byte-pair encoding of the two tokens' bytes alone must end as exactly
//! those two tokens. If no prefix token can, step back one token. Byte-pair encoding is the
//! unique tokenization in which every adjacent pair is compatible this way, and the search finds
//! it. This is the algorithm of the `bpe` crate (GitHub's "so many tokens, so little time"); the
//! tables it needs are built at compile time (`build/bpe.rs`) and read in place, so nothing is
//! built at start-up, and the compatibility of each pair is memoised per thread, as the same
//! pairs recur all the time. Measured, it is faster than merging on short pieces too, so every
//! piece of two bytes or more that the piece memo does not answer comes here.

use std::cell::RefCell;

use super::merge;
use super::vocab::{u32s, Aligned, Vocab};

#[path = "pair_hash.rs"]
mod pair_hash;

const NONE: u32 = u32::MAX;

static O200K: &Aligned<[u8]> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/o200k_base.bpe")));
static CL100K: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/cl100k_base.bpe"
)));

/// The tables of one vocabulary (layout in `build/bpe.rs`).
pub struct Tables {
    /// Tells vocabularies apart in the per-thread memo.
    id: u8,
    /// Per slot: base, check.
    trie: &'static [u32],
    /// Per slot: the longest token prefixing its bytes.
    best: &'static [u32],
    next_prefix: &'static [u32],
    split: &'static [u32],
    pair_bits: u32,
    pairs: &'static [u32],
    len: &'static [u8],
}

impl Tables {
    fn parse(id: u8, blob: &'static [u8]) -> Tables {
        let words = u32s(blob);
        let (ranks, slots, pair_bits) = (words[0] as usize, words[1] as usize, words[2]);
        let (trie, rest) = words[3..].split_at(2 * slots);
        let (best, rest) = rest.split_at(slots);
        let (next_prefix, rest) = rest.split_at(ranks);
        let (split, rest) = rest.split_at(2 * ranks);
        let (pairs, _) = rest.split_at(3 << pair_bits);
        // The lengths, one byte per token, end the blob.
        let len_start = 4 * (3 + 3 * slots + 3 * ranks + (3 << pair_bits));
        assert_eq!(len_start + ranks, blob.len(), "token table layout");
        Tables {
            id,
            trie,
            best,
            next_prefix,
            split,
            pair_bits,
            pairs,
            len: &blob[len_start..len_start + ranks],
        }
    }

    pub fn o200k_base() -> &'static Tables {
        static T: std::sync::LazyLock<Tables> =
            std::sync::LazyLock::new(|| Tables::parse(0, &O200K.0));
        &T
    }

    pub fn cl100k_base() -> &'static Tables {
        static T: std::sync::LazyLock<Tables> =
            std::sync::LazyLock::new(|| Tables::parse(1, &CL100K.0));
        &T
    }

    /// The longest token that is a prefix of `text` (non-empty: every byte is a token).
    #[inline]
    fn longest_prefix(&self, text: &[u8]) -> u32 {
        let mut slot = 0usize;
        for &b in text {
            // Every base is at least 256 slots from the end, so `t` is in bounds.
            let t = self.trie[2 * slot] as usize + b as usize;
            if self.trie[2 * t + 1] != slot as u32 {
                break;
            }
            slot = t;
        }
        self.best[slot]
    }

    #[inline]
    fn len(&self, token: u32) -> usize {
        self.len[token as usize] as usize
    }

    /// The token that merging `left` and `right` produces, if byte-pair encoding merges them.
    fn pair(&self, left: u32, right: u32) -> u32 {
        let mask = (1usize << self.pair_bits) - 1;
        let mut s = pair_hash::slot(left, right, self.pair_bits);
        loop {
            let e = &self.pairs[3 * s..3 * s + 3];
            if e[0] == NONE {
                return NONE;
            }
            if e[0] == left && e[1] == right {
                return e[2];
            }
            s = (s + 1) & mask;
        }
    }

    /// Would byte-pair encoding of `left`'s bytes followed by `right`'s end as exactly `left`,
    /// `right`? The same walk as the build script's `valid_pair`, which explains it.
    fn valid_pair(&self, mut left: u32, mut right: u32) -> bool {
        let mut limit = NONE;
        loop {
            let u = self.pair(left, right);
            if u != NONE && u < limit {
                return false;
            }
            if left > right {
                limit = left;
                left = self.split[2 * left as usize + 1];
                if left == limit {
                    limit = right + 1;
                    right = self.split[2 * right as usize];
                    if right + 1 == limit {
                        return true;
                    }
                }
            } else {
                limit = right + 1;
                right = self.split[2 * right as usize];
                if right + 1 == limit {
                    limit = left;
                    left = self.split[2 * left as usize + 1];
                    if left == limit {
                        return true;
                    }
                }
            }
        }
    }
}

/// Direct-mapped memo of `(vocabulary, left, right) → valid_pair`. A collision evicts; a miss
/// walks the tables again.
struct Memo {
    keys: Vec<u64>,
    valid: Vec<bool>,
}

const MEMO_BITS: u32 = 14;

/// Per-thread buffers, reused from piece to piece.
struct State {
    memo: Memo,
    tokens: Vec<u32>,
    /// Bit `i` clear: no encoding of the piece has a token boundary at byte `i`.
    open: Vec<u64>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State {
        memo: Memo {
            keys: vec![u64::MAX; 1 << MEMO_BITS],
            valid: vec![false; 1 << MEMO_BITS],
        },
        tokens: Vec::new(),
        open: Vec::new(),
    });
}

impl Memo {
    #[inline]
    fn valid(&mut self, t: &Tables, left: u32, right: u32) -> bool {
        // Token ids are below 2^31: the top bit says which vocabulary they belong to.
        let key = (t.id as u64) << 63 | (left as u64) << 32 | right as u64;
        let slot = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - MEMO_BITS)) as usize;
        if self.keys[slot] != key {
            self.keys[slot] = key;
            self.valid[slot] = t.valid_pair(left, right);
        }
        self.valid[slot]
    }
}

/// Tokens of one pre-tokenized piece.
pub fn count_piece(t: &Tables, v: &Vocab, piece: &[u8]) -> usize {
    if piece.len() <= 1 {
        return piece.len();
    }
    // The search cannot fail on tables the build script derived from byte-pair encoding itself;
    // if it ever did, merging gives the count, so a count is never wrong.
    count(t, piece).unwrap_or_else(|| merge::count(v, piece))
}

/// Tokens of `piece` (non-empty), or `None` if the search fails.
fn count(t: &Tables, piece: &[u8]) -> Option<usize> {
    STATE.with(|s| {
        let s = &mut *s.borrow_mut();
        let n = piece.len();
        s.open.clear();
        s.open.resize(n / 64 + 1, u64::MAX);
        s.tokens.clear();
        let (memo, tokens, open) = (&mut s.memo, &mut s.tokens, &mut s.open);
        let is_open = |open: &[u64], i: usize| open[i / 64] >> (i % 64) & 1 == 1;
        let mut pos = 0;
        let mut next = t.longest_prefix(piece);
        while pos < n {
            let mut token = next;
            loop {
                let end = pos + t.len(token);
                if is_open(open, end)
                    && tokens.last().is_none_or(|&last| memo.valid(t, last, token))
                {
                    tokens.push(token);
                    pos = end;
                    if pos < n {
                        next = t.longest_prefix(&piece[pos..]);
                    }
                    break;
                }
                let shorter = t.next_prefix[token as usize];
                if shorter != NONE {
                    token = shorter;
                    continue;
                }
                // No token fits here: no encoding has a boundary at `pos`. Step back.
                open[pos / 64] &= !(1 << (pos % 64));
                let last = tokens.pop()?;
                pos -= t.len(last);
                // Retried from `last`, which now ends at a closed boundary, so a shorter one.
                next = last;
                break;
            }
        }
        let n = tokens.len();
        // A giant piece (a megabyte of CJK text without punctuation) should not leave its
        // buffers behind on every pool thread.
        if tokens.capacity() > KEEP {
            *tokens = Vec::new();
            *open = Vec::new();
        }
        Some(n)
    })
}

/// Tokens' worth of buffer kept between pieces.
const KEEP: usize = 1 << 16;

#[cfg(test)]
mod tests {
    use super::*;

    fn count_by_merging(v: &Vocab, piece: &[u8]) -> usize {
        merge::count(v, piece)
    }

    fn both() -> [(&'static Tables, &'static Vocab); 2] {
        [
            (Tables::o200k_base(), Vocab::o200k_base()),
            (Tables::cl100k_base(), Vocab::cl100k_base()),
        ]
    }

    /// splitmix64: a failure names a reproducible case.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) % n as u64) as usize
        }
    }

    fn agree(piece: &[u8]) {
        for (t, v) in both() {
            assert_eq!(
                count(t, piece),
                Some(count_by_merging(v, piece)),
                "vocab {}: {:?}",
                t.id,
                String::from_utf8_lossy(piece)
            );
        }
    }

    /// The same count as merging — tiktoken's algorithm — on any bytes at all: runs of each
    /// script a long piece is made of, mixed scripts, and raw bytes that are not UTF-8.
    #[test]
    fn agrees_with_merging_on_random_text() {
        let runs: &[&[&str]] = &[
            &[
                "東", "京", "都", "の", "は", "ア", "ー", "一", "二", "様", "す", "ま",
            ],
            &[
                "日本語",
                "の",
                "文章",
                "を",
                "します",
                "です",
                "ありがとうございます",
            ],
            &["a", "b", "c", "e", "s", "t", "th", "ing", "tion"],
            &["!", "?", ".", "/", "-", "=", "*", "#"],
            &["한", "국", "어", "ا", "ب", "я", "ω", "ก", "ั", "क", "ि"],
            &["🙂", "👍🏽", "\u{200d}", "\u{fe0f}", "é", "\u{301}"],
            &["a", "東", " ", "1", "\n", "!", "Ω", "🙂"],
        ];
        let mut rng = Rng(7);
        for run in runs {
            for _ in 0..300 {
                let len = 1 + rng.below(120);
                let text: String = (0..len).map(|_| run[rng.below(run.len())]).collect();
                agree(text.as_bytes());
            }
        }
        for _ in 0..2_000 {
            let len = 1 + rng.below(200);
            let bytes: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
            agree(&bytes);
        }
        // Bytes drawn from a few values, so that the same pairs meet again and again.
        for _ in 0..2_000 {
            let len = 1 + rng.below(200);
            let bytes: Vec<u8> = (0..len)
                .map(|_| [0xe3, 0x81, 0x82, 0x20, 0x61][rng.below(5)])
                .collect();
            agree(&bytes);
        }
    }

    /// Every token counts as one (byte-pair encoding of a token's bytes is the token itself,
    /// which the tables must agree with), and a token's bytes twice as merging counts them.
    #[test]
    fn every_token_is_one_token() {
        for (t, v) in both() {
            for rank in 0..v.ranks() {
                let Some(bytes) = v.token_bytes(rank) else {
                    continue;
                };
                assert_eq!(count(t, bytes), Some(1), "token {rank}");
                if rank % 7 == 0 {
                    let twice = [bytes, bytes].concat();
                    assert_eq!(
                        count(t, &twice),
                        Some(count_by_merging(v, &twice)),
                        "{rank} x2"
                    );
                }
            }
        }
    }

    /// A memo entry is only a cache: a poisoned memo gives the same counts.
    #[test]
    fn memo_collisions_do_not_change_counts() {
        let text = "東京都品川区西五反田八丁目一番五号に住んでいる人の名前は何ですか".as_bytes();
        let cold = count(Tables::o200k_base(), text);
        STATE.with(|s| s.borrow_mut().memo.keys.fill(u64::MAX - 1));
        assert_eq!(count(Tables::o200k_base(), text), cold);
    }
}
