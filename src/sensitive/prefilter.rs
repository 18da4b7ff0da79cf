//! Which consumers (patterns, the birth cue, the name patterns) can match a text: an
//! Aho-Corasick DFA over their trigger literals (walked in interleaved streams), `memchr3` for
//! the single-byte triggers and a count of the longest digit cluster, one pass over the text
//! each.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

use super::ScannerError;

/// Decides which consumers (patterns, cue, names) can match a text, in one pass.
#[derive(Debug)]
pub(crate) struct Prefilter {
    /// Over the distinct multi-byte trigger literals (case-sensitive: cheaper, and most regexes
    /// are).
    literals: Option<Literals>,
    /// For each literal of `literals`, the consumers it triggers.
    owners: Vec<Vec<usize>>,
    /// Single-byte triggers (`@`, `-`, `+`): byte → consumers. They would flood the automaton
    /// with matches; a SIMD `memchr` answers "present?" instead.
    byte_owners: Vec<(u8, Vec<usize>)>,
    /// Consumers without triggers: always candidates.
    always: Bits,
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
                    return Err(ScannerError::EmptyTrigger);
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
        let literals = if literals.is_empty() {
            None
        } else {
            Some(Literals::new(&literals)?)
        };
        Ok(Prefilter {
            literals,
            owners,
            byte_owners,
            always: {
                let mut always = Bits::new(consumers.len());
                for (c, (t, _)) in consumers.iter().enumerate() {
                    if t.is_empty() {
                        always.set(c);
                    }
                }
                always
            },
            min_digits: consumers.iter().map(|(_, d)| *d).collect(),
        })
    }

    /// The consumers to run on `text`, ascending.
    pub(crate) fn active(&self, text: &str) -> impl Iterator<Item = usize> + '_ {
        // Small enough to live on the stack for the built-in set plus ~100 user patterns; beyond
        // that it spills to the heap (SmallVec-like, without the dependency).
        let mut on = self.always.clone();
        if let Some(literals) = &self.literals {
            literals.find(text.as_bytes(), |pattern| {
                for &c in &self.owners[pattern] {
                    on.set(c);
                }
            });
        }
        let digits = if self.min_digits.iter().any(|&d| d > 0) {
            scan_bytes(text.as_bytes())
        } else {
            0
        };
        // One `memchr3` pass tells whether any of three bytes occurs; only then is each looked
        // for alone. (In most texts none does, and three passes cost as much as one digit count.)
        let hay = text.as_bytes();
        for group in self.byte_owners.chunks(3) {
            let any = match group {
                [(a, _), (b, _), (c, _)] => memchr::memchr3(*a, *b, *c, hay).is_some(),
                [(a, _), (b, _)] => memchr::memchr2(*a, *b, hay).is_some(),
                _ => true,
            };
            if !any {
                continue;
            }
            for (b, owners) in group {
                if memchr::memchr(*b, hay).is_some() {
                    for &c in owners {
                        on.set(c);
                    }
                }
            }
        }
        on.ones().filter(move |&c| digits >= self.min_digits[c])
    }
}

/// The trigger literals as a DFA of standard (overlapping) Aho-Corasick semantics, walked by
/// hand: only which literals occur matters, not where, which allows splitting a text in streams.
#[derive(Debug)]
struct Literals {
    dfa: DFA,
    /// The longest literal, less one byte: how far at most a stream reads past its part of the
    /// text.
    overlap: usize,
}

/// Streams walked side by side. A DFA walk is bound by the latency of each transition's load,
/// which depends on the one before; independent streams overlap those loads. Measured on the
/// benchmark's chat text: 1 stream ~550 MB/s, 3 ~1.2 GB/s, 4 ~1.35 GB/s.
const STREAMS: usize = 4;

/// Texts shorter than `STREAMS` times this are walked in one stream: the set-up and the walks
/// past each part's end would cost more than the streams save.
const MIN_PART: usize = 16;

impl Literals {
    fn new(literals: &[String]) -> Result<Literals, ScannerError> {
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            // The walk below never consults a prefilter.
            .prefilter(false)
            .build(literals)
            .map_err(|source| ScannerError::TriggerLiterals { source })?;
        let longest = literals.iter().map(String::len).max().unwrap_or(1);
        Ok(Literals {
            dfa,
            overlap: longest - 1,
        })
    }

    /// Calls `found` with the index of every literal occurring in `bytes` (some more than once).
    ///
    /// The text is cut into [`STREAMS`] parts, each walked from the unanchored start state and
    /// on for up to `overlap` bytes past its end (the last to the end of the text). Such a walk
    /// reports exactly the occurrences that lie wholly inside what it reads, and every
    /// occurrence starting in a part ends within `overlap` bytes after it: no literal is missed.
    /// (Some are reported twice, by two streams, until [`Literals::walk_until_joined`] stops.)
    fn find(&self, bytes: &[u8], mut found: impl FnMut(usize)) {
        let start = self.start();
        let part = bytes.len() / STREAMS;
        if part < MIN_PART {
            self.walk(start, bytes, &mut found);
            return;
        }
        let (a, rest) = bytes.split_at(part);
        let (b, rest) = rest.split_at(part);
        let (c, d) = rest.split_at(part);
        let mut states = [start; STREAMS];
        let mut at = 0;
        while at < part {
            at += self.advance(&a[at..], &b[at..], &c[at..], &d[at..part], &mut states);
            for &sid in &states {
                self.report(sid, &mut found);
            }
        }
        let [s0, s1, s2, s3] = states;
        let overlap = |from: usize| &bytes[from..(from + self.overlap).min(bytes.len())];
        self.walk_until_joined(s0, overlap(part), &mut found);
        self.walk_until_joined(s1, overlap(2 * part), &mut found);
        self.walk_until_joined(s2, overlap(3 * part), &mut found);
        // `d` is the rest of the text, longer than the other parts by up to `STREAMS - 1` bytes.
        self.walk(s3, &d[part..], &mut found);
    }

    /// Walks the streams over `a`, `b`, `c` and `d` (`d` may be longer) until one of them
    /// reaches a special state (a match state) or `a` ends; returns the bytes consumed. A
    /// function of its own so that the loop makes no call: the states and the DFA's tables stay
    /// in registers (inlined, the states were spilled to the stack).
    #[inline(never)]
    fn advance(
        &self,
        a: &[u8],
        b: &[u8],
        c: &[u8],
        d: &[u8],
        states: &mut [StateID; STREAMS],
    ) -> usize {
        let [mut s0, mut s1, mut s2, mut s3] = *states;
        let mut n = 0;
        for (((&x, &y), &z), &w) in a.iter().zip(b).zip(c).zip(d) {
            s0 = self.dfa.next_state(Anchored::No, s0, x);
            s1 = self.dfa.next_state(Anchored::No, s1, y);
            s2 = self.dfa.next_state(Anchored::No, s2, z);
            s3 = self.dfa.next_state(Anchored::No, s3, w);
            n += 1;
            if self.dfa.is_special(s0)
                | self.dfa.is_special(s1)
                | self.dfa.is_special(s2)
                | self.dfa.is_special(s3)
            {
                break;
            }
        }
        *states = [s0, s1, s2, s3];
        n
    }

    fn start(&self) -> StateID {
        // Built with an unanchored start state, so this cannot fail.
        self.dfa
            .start_state(Anchored::No)
            .expect("unanchored start state")
    }

    fn walk(&self, mut sid: StateID, bytes: &[u8], found: &mut impl FnMut(usize)) {
        for &x in bytes {
            sid = self.dfa.next_state(Anchored::No, sid, x);
            if self.dfa.is_special(sid) {
                self.report(sid, found);
            }
        }
    }

    /// Walks a stream on past the end of its part, beside a walk from the start state, which is
    /// what the next stream did over the same bytes. Once the two are in the same state they
    /// stay so: everything further is the next stream's to report (usually after a few bytes).
    fn walk_until_joined(&self, mut sid: StateID, bytes: &[u8], found: &mut impl FnMut(usize)) {
        let mut next = self.start();
        for &x in bytes {
            sid = self.dfa.next_state(Anchored::No, sid, x);
            next = self.dfa.next_state(Anchored::No, next, x);
            if sid == next {
                return;
            }
            if self.dfa.is_special(sid) {
                self.report(sid, found);
            }
        }
    }

    /// The literals ending at a state (none unless it is a match state).
    fn report(&self, sid: StateID, found: &mut impl FnMut(usize)) {
        if self.dfa.is_match(sid) {
            for i in 0..self.dfa.match_len(sid) {
                found(self.dfa.match_pattern(sid, i).as_usize());
            }
        }
    }
}

/// A bit set: inline for up to 128 bits, on the heap beyond.
#[derive(Debug, Clone)]
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
    /// Word `i` of 64 bits, if there is one.
    fn word(&self, i: usize) -> Option<u64> {
        match self {
            Bits::Inline(b) => (i < 2).then(|| (*b >> (64 * i)) as u64),
            Bits::Heap(v) => v.get(i).copied(),
        }
    }
    /// The set bits, ascending: a few per text, among dozens of consumers.
    fn ones(self) -> Ones {
        let left = self.word(0).unwrap_or(0);
        Ones {
            bits: self,
            word: 0,
            left,
        }
    }
}

/// The iterator of [`Bits::ones`].
struct Ones {
    bits: Bits,
    word: usize,
    /// What is left of word `word`.
    left: u64,
}

impl Iterator for Ones {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.left == 0 {
            self.word += 1;
            self.left = self.bits.word(self.word)?;
        }
        let bit = self.left.trailing_zeros() as usize;
        self.left &= self.left - 1;
        Some(self.word * 64 + bit)
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
    // Most texts have no digit at all. Without an early exit this fold compiles to wide SIMD
    // compares over the whole text, ~3x faster than the walk below over the same bytes.
    if !bytes.iter().fold(false, |a, &b| a | starts_digit(b)) {
        return 0;
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

    /// Up to `max - 1` of `parts` drawn at random (a 64-bit LCG: reproducible), joined.
    fn random_text(seed: &mut u64, parts: &[&str], max: u64) -> String {
        let mut s = String::new();
        for _ in 0..(*seed % max) {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push_str(parts[(*seed >> 33) as usize % parts.len()]);
        }
        s
    }

    /// The streamed walk finds exactly the literals an overlapping search finds, wherever the
    /// parts are cut: each literal at every position of texts of every length up to 150 bytes,
    /// then random texts of literals overlapping and nested in each other.
    #[test]
    fn streamed_walk_finds_every_literal() {
        let literals: Vec<String> = [
            "ab",
            "abc",
            "bcd",
            "さん",
            "ちゃん",
            "生年月日",
            "年",
            "PRIVATE KEY-----",
            "KEY",
            " St.",
            "St",
        ]
        .map(String::from)
        .to_vec();
        let lits = Literals::new(&literals).unwrap();
        let ac = aho_corasick::AhoCorasick::new(&literals).unwrap();
        let check = |s: &str| {
            let mut want = vec![false; literals.len()];
            for m in ac.find_overlapping_iter(s) {
                want[m.pattern().as_usize()] = true;
            }
            let mut got = vec![false; literals.len()];
            lits.find(s.as_bytes(), |i| got[i] = true);
            assert_eq!(got, want, "{s:?}");
        };
        for lit in &literals {
            for len in lit.len()..150 {
                for at in 0..=len - lit.len() {
                    check(&format!(
                        "{}{lit}{}",
                        "x".repeat(at),
                        "x".repeat(len - lit.len() - at)
                    ));
                }
            }
        }
        let parts = [
            "a", "b", "c", "d", "x", " ", "さ", "ん", "ち", "ゃ", "生", "年", "月", "日",
            "PRIVATE ", "KEY-----", " St.", "S", "t",
        ];
        let mut seed = 7u64;
        for _ in 0..20000 {
            let s = random_text(&mut seed, &parts, 60);
            check(&s);
        }
    }

    /// Single-byte triggers, looked for three at a time, switch on exactly their consumers.
    #[test]
    fn byte_triggers_in_groups() {
        let triggers: Vec<Vec<String>> = [
            vec!["@"],
            vec!["-"],
            vec!["+", "ab"],
            vec!["#"],
            vec!["%"],
            vec![],
        ]
        .iter()
        .map(|t| t.iter().map(|s| s.to_string()).collect())
        .collect();
        let consumers: Vec<(&[String], usize)> =
            triggers.iter().map(|t| (t.as_slice(), 0)).collect();
        let pre = Prefilter::new(&consumers).unwrap();
        for text in ["", "x", "a@b", "-", "+", "ab", "#%", "x-y+z#", "@-+#%ab"] {
            let want: Vec<usize> = (0..triggers.len())
                .filter(|&c| triggers[c].is_empty() || triggers[c].iter().any(|t| text.contains(t)))
                .collect();
            assert_eq!(pre.active(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }

    /// `ones` yields the set bits in order, inline and on the heap, across word boundaries.
    #[test]
    fn bit_set_ones() {
        for (n, set) in [
            (10, vec![]),
            (128, vec![0, 5, 63, 64, 65, 127]),
            (300, vec![1, 63, 64, 128, 191, 192, 299]),
            (300, vec![]),
        ] {
            let mut bits = Bits::new(n);
            for &i in set.iter().rev() {
                bits.set(i);
            }
            assert_eq!(bits.ones().collect::<Vec<_>>(), set, "{n}");
        }
    }

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
            let s = random_text(&mut seed, &parts, 40);
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
