//! Lays out the tables of the backtracking byte-pair counter (`src/backtrack.rs`) for one
//! vocabulary, so that long pieces are counted with no start-up work at run time.
//!
//! The counter needs, for the tokens `0..ranks` (a token's id is its rank):
//! - the longest token that is a prefix of some text: a double-array trie over all tokens;
//! - for each token, the longest token that is a proper prefix of it (`next_prefix`) and its
//!   length in bytes;
//! - for each token, the pair of tokens whose merge produces it when byte-pair encoding merges
//!   its own bytes (`split`; a token no pair produces, such as a single byte, is split into
//!   itself), and the reverse map from such a pair to the token (`pairs`). With these, "would
//!   byte-pair encoding of `a`'s bytes followed by `b`'s bytes end as exactly `a`, `b`?" is a
//!   walk down the two tokens' merge trees (see `valid_pair`).
//!
//! Blob (all integers u32 little-endian):
//!   ranks, slots, pair_bits                  header
//!   trie[slots * 2]                          per slot: base, check (parent slot, u32::MAX if
//!                                            free); slot 0 is the root; `slots` includes 256
//!                                            slots of padding so that `base + byte` is always
//!                                            in bounds
//!   best[slots]                              per slot: the longest token that is a prefix of
//!                                            the slot's bytes (u32::MAX if none), so a walk
//!                                            reads it once, where it stops
//!   next_prefix[ranks]                       u32::MAX if none
//!   split[ranks * 2]
//!   pairs[(1 << pair_bits) * 3]              open addressing by `pair_hash::slot`: left, right,
//!                                            token;
//!                                            left = u32::MAX marks an empty slot
//!   len[ranks] (bytes, u8)                   token lengths (tokens are at most 255 bytes)

use std::collections::HashMap;

#[path = "../src/pair_hash.rs"]
mod pair_hash;

const NONE: u32 = u32::MAX;

/// `tokens[rank]` is the token of that rank (`None` for an unused rank).
pub fn generate(tokens: &[Option<Vec<u8>>]) -> Vec<u8> {
    let ranks = tokens.len();
    let by_bytes: HashMap<&[u8], u32> = tokens
        .iter()
        .enumerate()
        .filter_map(|(r, t)| Some((t.as_deref()?, r as u32)))
        .collect();
    let len = |r: u32| tokens[r as usize].as_ref().map_or(0, Vec::len);

    let next_prefix: Vec<u32> = tokens
        .iter()
        .map(|t| {
            let Some(t) = t else { return NONE };
            (1..t.len())
                .rev()
                .find_map(|l| by_bytes.get(&t[..l]).copied())
                .unwrap_or(NONE)
        })
        .collect();

    // In rank order, so that a token's parts (lower ranks) already have their splits.
    let mut split: Vec<(u32, u32)> = Vec::with_capacity(ranks);
    let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
    for (id, t) in tokens.iter().enumerate() {
        let id = id as u32;
        let mut found = (id, id);
        if let Some(t) = t {
            let mut left = next_prefix[id as usize];
            while left != NONE {
                if let Some(&right) = by_bytes.get(&t[len(left)..]) {
                    if left < id
                        && right < id
                        && valid_pair(|a, b| pairs.get(&(a, b)).copied(), &split, left, right)
                    {
                        found = (left, right);
                        pairs.insert(found, id);
                        break;
                    }
                }
                left = next_prefix[left as usize];
            }
        }
        split.push(found);
    }

    let (trie, best) = double_array(tokens);
    let slots = best.len();

    // Load factor under 0.4, as for the vocabulary table.
    let pair_bits = (pairs.len().max(1) as f64 * 2.5).log2().ceil() as u32;
    let mut table = vec![[NONE, NONE, NONE]; 1 << pair_bits];
    let mask = (1usize << pair_bits) - 1;
    // Sorted, so that the blob is the same bytes on every build.
    let mut sorted: Vec<_> = pairs.iter().collect();
    sorted.sort();
    for (&(a, b), &id) in sorted {
        let mut s = pair_hash::slot(a, b, pair_bits);
        while table[s][0] != NONE {
            s = (s + 1) & mask;
        }
        table[s] = [a, b, id];
    }

    let mut blob = Vec::new();
    for v in [ranks as u32, slots as u32, pair_bits] {
        blob.extend_from_slice(&v.to_le_bytes());
    }
    let words = trie
        .iter()
        .chain(&best)
        .chain(&next_prefix)
        .chain(split.iter().flat_map(|(a, b)| [a, b]))
        .chain(table.iter().flatten());
    for v in words {
        blob.extend_from_slice(&v.to_le_bytes());
    }
    for r in 0..ranks {
        let l = len(r as u32);
        assert!(l <= 255, "token {r} is longer than 255 bytes");
        blob.push(l as u8);
    }
    blob
}

/// Would byte-pair encoding of `left`'s bytes followed by `right`'s end as exactly `left`,
/// `right`? Walks the two merge trees down from the top, undoing the later merge first (a higher
/// rank merges later): at each step, the parts facing each other across the boundary exist at the
/// same time, and if their union is a token that merges before the merge we are about to undo
/// (`limit`), encoding would merge across the boundary instead. The run-time counter has the same
/// walk over the blob's tables.
fn valid_pair(
    pair: impl Fn(u32, u32) -> Option<u32>,
    split: &[(u32, u32)],
    mut left: u32,
    mut right: u32,
) -> bool {
    let mut limit = NONE;
    loop {
        if pair(left, right).is_some_and(|u| u < limit) {
            return false;
        }
        // A tie in rank goes to the leftmost pair: a union equal to the right part's own merge
        // (rank `right`) still wins, one equal to the left part's does not.
        if left > right {
            limit = left;
            left = split[left as usize].1;
            if left == limit {
                limit = right + 1;
                right = split[right as usize].0;
                if right + 1 == limit {
                    return true;
                }
            }
        } else {
            limit = right + 1;
            right = split[right as usize].0;
            if right + 1 == limit {
                limit = left;
                left = split[left as usize].1;
                if left == limit {
                    return true;
                }
            }
        }
    }
}

/// A double-array trie of the tokens: from slot `s`, byte `b` leads to `t = base[s] + b` if
/// `check[t] == s`. Returned as `[base, check]` per slot, and the best token per slot.
fn double_array(tokens: &[Option<Vec<u8>>]) -> (Vec<u32>, Vec<u32>) {
    let mut sorted: Vec<(&[u8], u32)> = tokens
        .iter()
        .enumerate()
        .filter_map(|(r, t)| Some((t.as_deref()?, r as u32)))
        .collect();
    sorted.sort();
    let mut da = DoubleArray {
        base: vec![0],
        check: vec![NONE],
        best: vec![NONE],
        free: FreeList::default(),
    };
    // Work: (slot, depth, range of `sorted` whose tokens have this slot's prefix, the best
    // token of its parent).
    let mut work = vec![(0u32, 0usize, 0usize, sorted.len(), NONE)];
    while let Some((slot, depth, lo, hi, parent_best)) = work.pop() {
        let mut i = lo;
        da.best[slot as usize] = parent_best;
        if i < hi && sorted[i].0.len() == depth {
            da.best[slot as usize] = sorted[i].1;
            i += 1;
        }
        let best = da.best[slot as usize];
        // Children: the distinct bytes at `depth`, each with its range.
        let mut children: Vec<(u8, usize, usize)> = Vec::new();
        while i < hi {
            let b = sorted[i].0[depth];
            let start = i;
            while i < hi && sorted[i].0[depth] == b {
                i += 1;
            }
            children.push((b, start, i));
        }
        if children.is_empty() {
            continue;
        }
        let bytes: Vec<u32> = children.iter().map(|c| c.0 as u32).collect();
        let b = da.place(&bytes);
        da.base[slot as usize] = b;
        for &c in &bytes {
            da.check[(b + c) as usize] = slot;
        }
        for &(c, start, end) in children.iter().rev() {
            work.push((b + c as u32, depth + 1, start, end, best));
        }
    }
    let trie = (0..da.check.len())
        .flat_map(|s| [da.base[s], da.check[s]])
        .collect();
    (trie, da.best)
}

struct DoubleArray {
    base: Vec<u32>,
    check: Vec<u32>,
    best: Vec<u32>,
    free: FreeList,
}

impl DoubleArray {
    /// Finds a base for children `bytes` (ascending) whose slots are all free, takes those
    /// slots, and keeps 256 slots past the base so that `base + any byte` is in bounds.
    fn place(&mut self, bytes: &[u32]) -> u32 {
        let first = bytes[0];
        let free = |check: &[u32], b: u32| {
            bytes.iter().all(|&c| {
                let t = (b + c) as usize;
                t >= check.len() || check[t] == NONE
            })
        };
        // First fit over the free slots (slot 0, the root, is never free: bases start at 1).
        let mut b = None;
        let mut f = self.free.head;
        while f != NONE {
            if f > first && free(&self.check, f - first) {
                b = Some(f - first);
                break;
            }
            f = self.free.next[f as usize];
        }
        let b = b.unwrap_or_else(|| (self.check.len() as u32).max(first + 1) - first);
        while self.check.len() < (b + 256) as usize {
            let s = self.check.len() as u32;
            self.base.push(0);
            self.check.push(NONE);
            self.best.push(NONE);
            self.free.push(s);
        }
        for &c in bytes {
            self.free.remove(b + c);
        }
        b
    }
}

/// The free slots, ascending, as a doubly linked list over slot numbers.
struct FreeList {
    head: u32,
    tail: u32,
    next: Vec<u32>,
    prev: Vec<u32>,
}

impl Default for FreeList {
    fn default() -> FreeList {
        FreeList {
            head: NONE,
            tail: NONE,
            next: Vec::new(),
            prev: Vec::new(),
        }
    }
}

impl FreeList {
    /// Appends slot `s`, the highest yet (`next`/`prev` grow to cover it).
    fn push(&mut self, s: u32) {
        self.next.resize(s as usize + 1, NONE);
        self.prev.resize(s as usize + 1, NONE);
        self.prev[s as usize] = self.tail;
        if self.tail == NONE {
            self.head = s;
        } else {
            self.next[self.tail as usize] = s;
        }
        self.tail = s;
    }

    fn remove(&mut self, s: u32) {
        let (p, n) = (self.prev[s as usize], self.next[s as usize]);
        if p == NONE {
            self.head = n;
        } else {
            self.next[p as usize] = n;
        }
        if n == NONE {
            self.tail = p;
        } else {
            self.prev[n as usize] = p;
        }
    }
}
