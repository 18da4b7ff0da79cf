//! Which consumers (patterns, the birth cue, the name patterns) can match a text: an
//! Aho-Corasick automaton over their trigger literals, a `memchr` per single-byte trigger and a
//! count of the longest digit cluster, in one pass over the text each.

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::ScannerError;

/// Decides which consumers (patterns, cue, names) can match a text, in one pass.
#[derive(Debug)]
pub(crate) struct Prefilter {
    /// Over the distinct multi-byte trigger literals (case-sensitive: cheaper, and most regexes
    /// are).
    ac: Option<AhoCorasick>,
    /// For each literal of `ac`, the consumers it triggers.
    owners: Vec<Vec<usize>>,
    /// Single-byte triggers (`@`, `-`, `+`): byte → consumers. They would flood the automaton
    /// with matches; a SIMD `memchr` answers "present?" instead.
    byte_owners: Vec<(u8, Vec<usize>)>,
    /// Consumers without triggers: always candidates.
    always: Vec<bool>,
    min_digits: Vec<usize>,
}

impl Prefilter {
    pub(crate) fn new(consumers: &[(&[String], usize)]) -> Result<Prefilter, ScannerError> {
        let mut literals: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut byte_owners: Vec<(u8, Vec<usize>)> = Vec::new();
        for (c, (triggers, _)) in consumers.iter().enumerate() {
            for t in triggers.iter() {
                if t.is_empty() {
                    return Err(ScannerError("empty trigger literal".into()));
                }
                if t.len() == 1 {
                    let b = t.as_bytes()[0];
                    match byte_owners.iter_mut().find(|(x, _)| *x == b) {
                        Some((_, o)) => o.push(c),
                        None => byte_owners.push((b, vec![c])),
                    }
                    continue;
                }
                let key = t.clone();
                match literals.iter().position(|l| *l == key) {
                    Some(i) => owners[i].push(c),
                    None => {
                        literals.push(key);
                        owners.push(vec![c]);
                    }
                }
            }
        }
        let ac = if literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&literals)
                    .map_err(|e| ScannerError(format!("trigger literals: {e}")))?,
            )
        };
        Ok(Prefilter {
            ac,
            owners,
            byte_owners,
            always: consumers.iter().map(|(t, _)| t.is_empty()).collect(),
            min_digits: consumers.iter().map(|(_, d)| *d).collect(),
        })
    }

    /// The consumers to run on `text`, ascending.
    pub(crate) fn active(&self, text: &str) -> impl Iterator<Item = usize> + '_ {
        // Small enough to live on the stack for the built-in set plus ~100 user patterns; beyond
        // that it spills to the heap (SmallVec-like, without the dependency).
        let mut on = Bits::new(self.always.len());
        for (c, &a) in self.always.iter().enumerate() {
            if a {
                on.set(c);
            }
        }
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                for &c in &self.owners[m.pattern().as_usize()] {
                    on.set(c);
                }
            }
        }
        let digits = if self.min_digits.iter().any(|&d| d > 0) {
            scan_bytes(text.as_bytes())
        } else {
            0
        };
        for (b, owners) in &self.byte_owners {
            if memchr::memchr(*b, text.as_bytes()).is_some() {
                for &c in owners {
                    on.set(c);
                }
            }
        }
        (0..self.always.len()).filter(move |&c| on.get(c) && digits >= self.min_digits[c])
    }
}

/// A bit set: inline for up to 128 bits, on the heap beyond.
enum Bits {
    Inline(u128),
    Heap(Vec<u64>),
}

impl Bits {
    fn new(n: usize) -> Bits {
        if n <= 128 {
            Bits::Inline(0)
        } else {
            Bits::Heap(vec![0; n.div_ceil(64)])
        }
    }
    fn set(&mut self, i: usize) {
        match self {
            Bits::Inline(b) => *b |= 1u128 << i,
            Bits::Heap(v) => v[i / 64] |= 1u64 << (i % 64),
        }
    }
    fn get(&self, i: usize) -> bool {
        match self {
            Bits::Inline(b) => *b & (1u128 << i) != 0,
            Bits::Heap(v) => v[i / 64] & (1u64 << (i % 64)) != 0,
        }
    }
}

/// The most digits (ASCII or full-width) in one cluster: digits separated by at most three
/// other characters. An over-estimate is harmless (a regex runs needlessly); patterns declare
/// `min_digits` no larger than the digits of any of their matches.
#[cfg(test)]
fn max_digit_cluster(bytes: &[u8]) -> usize {
    scan_bytes(bytes)
}

/// One pass over the bytes: the largest digit cluster (see [`max_digit_cluster`]). The gap is
/// counted in bytes, up to 9 (three characters of up to three bytes: every separator the
/// patterns allow is ASCII or a 3-byte character such as `－` or `年`), which can only
/// over-estimate clusters.
fn scan_bytes(bytes: &[u8]) -> usize {
    const MAX_GAP: usize = 9;
    /// Starts a digit: ASCII `0-9`, or the lead byte of a full-width `０-９` (EF BC 90..99).
    /// (Not the last byte: 0x90..0x99 are everyday continuation bytes of CJK text.)
    fn starts_digit(b: u8) -> bool {
        b.is_ascii_digit() | (b == 0xEF)
    }
    let (mut best, mut count, mut gap) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        if gap > MAX_GAP {
            // Between clusters, skip 16-byte chunks with no digit at all (the fold compiles to
            // SIMD compares); the next digit starts a new cluster either way. The window reaches
            // two bytes back, so a full-width digit begun before the chunk is not skipped.
            while let Some(window) = bytes.get(i.saturating_sub(2)..i + 16) {
                if window.iter().fold(false, |a, &b| a | starts_digit(b)) {
                    break;
                }
                i += 16;
            }
            if i >= bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        let digit = b.is_ascii_digit()
            // Full-width ０-９ is EF BC 90..99: recognised on its last byte.
            || ((0x90..=0x99).contains(&b) && i >= 2 && bytes[i - 1] == 0xBC && bytes[i - 2] == 0xEF);
        if digit {
            if gap > MAX_GAP {
                count = 0;
            }
            // The EF BC of a full-width digit are not a gap.
            count += 1;
            gap = 0;
            best = best.max(count);
        } else {
            gap += 1;
        }
        i += 1;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunk-skipping scan equals the plain byte loop.
    #[test]
    fn digit_scan_skipping_changes_nothing() {
        /// The definition, char by char: the gap is the bytes between digits, and the lead
        /// bytes of a full-width digit count towards the gap before it.
        fn plain(text: &str) -> usize {
            let (mut best, mut count, mut gap) = (0usize, 0usize, 0usize);
            for c in text.chars() {
                let full_width = ('０'..='９').contains(&c);
                if c.is_ascii_digit() || full_width {
                    gap += if full_width { 2 } else { 0 };
                    count = if gap > 9 { 1 } else { count + 1 };
                    gap = 0;
                    best = best.max(count);
                } else {
                    gap += c.len_utf8();
                }
            }
            best
        }
        let parts = [
            "1",
            "23",
            " ",
            "abcdefghijklmnopq",
            "-",
            "１",
            "９",
            "年",
            "x",
            "\u{99}",
            "東京都",
            "（",
            "ｚ",
        ];
        let mut seed = 1u64;
        for _ in 0..5000 {
            let mut s = String::new();
            for _ in 0..(seed % 40) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            assert_eq!(scan_bytes(s.as_bytes()), plain(&s), "{s:?}");
        }
    }

    #[test]
    fn digit_clusters() {
        assert_eq!(max_digit_cluster(b""), 0);
        assert_eq!(max_digit_cluster("tel (415) 867-2309.".as_bytes()), 10);
        assert_eq!(max_digit_cluster("１２３４ ５６７８".as_bytes()), 8);
        assert_eq!(max_digit_cluster("1998年9月14日".as_bytes()), 7);
        assert_eq!(max_digit_cluster("12 then some words 34".as_bytes()), 2);
    }
}
