//! Byte-pair merging of one piece over a linked list of parts with a min-heap, shared by
//! tiktoken's rule ([`super::merge`]: a union's priority is its own token) and by Hugging Face
//! `tokenizers`' BPE (`Word::merge_all`: a pair's priority is its rank in the `merges` list).
//!
//! Starting from the piece's single bytes, the adjacent pair of lowest priority is merged, the
//! leftmost among equals, until no adjacent pair merges. O(n log n) instead of a rescan per
//! merge. Each part remembers the priority and token of its union with the next part, so a
//! queued entry is stale exactly when its part's priority has changed since it was queued:
//! a part's span only grows, so the union with its next part is a longer string after any
//! merge around it, and a priority names one pair (a rank is one line of `merges`; a tiktoken
//! token is one byte string). No second lookup is needed when an entry is taken.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// No merge.
pub const NONE: u32 = u32::MAX;

/// One part: its token, and its union with the next part (priority and token, or [`NONE`]).
#[derive(Clone, Copy)]
struct Part {
    token: u32,
    priority: u32,
    merged: u32,
}

/// Buffers reused from piece to piece (one per thread).
#[derive(Default)]
pub struct Scratch {
    parts: Vec<Part>,
    next: Vec<u32>,
    prev: Vec<u32>,
    heap: Vec<Reverse<u64>>,
}

impl Scratch {
    /// After [`merge`]: each part's `(start, end)` byte range in the piece, in order.
    pub fn spans(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let n = self.next.len();
        let mut i = 0;
        std::iter::from_fn(move || {
            if i >= n {
                return None;
            }
            let start = i;
            i = self.next[i] as usize;
            Some((start, i))
        })
    }
}

/// Merges a piece of `n` bytes (`n` ≥ 1); returns how many parts are left ([`Scratch::spans`]
/// says where).
///
/// - `byte(i)`: the token of byte `i`;
/// - `first(i)`: the union of bytes `i` and `i + 1` as `(priority, token)`, `None` when they do
///   not merge (a byte-pair table, when the caller has one);
/// - `union(left, right, a, c)`: the same for adjacent parts `[a, b)` (token `left`) and
///   `[b, c)` (token `right`).
pub fn merge(
    n: usize,
    s: &mut Scratch,
    mut byte: impl FnMut(usize) -> u32,
    mut first: impl FnMut(usize) -> Option<(u32, u32)>,
    mut union: impl FnMut(u32, u32, usize, usize) -> Option<(u32, u32)>,
) -> usize {
    let split = |m: Option<(u32, u32)>| m.unwrap_or((NONE, NONE));
    s.parts.clear();
    s.parts.extend((0..n).map(|i| {
        let (priority, merged) = if i + 1 < n {
            split(first(i))
        } else {
            (NONE, NONE)
        };
        Part {
            token: byte(i),
            priority,
            merged,
        }
    }));
    s.next.clear();
    s.next.extend(1..=n as u32);
    s.prev.clear();
    s.prev.extend((0..n as u32).map(|i| i.wrapping_sub(1)));
    let mut heap = BinaryHeap::from(std::mem::take(&mut s.heap));
    heap.clear();
    let key = |priority: u32, i: usize| Reverse((priority as u64) << 32 | i as u64);
    for (i, p) in s.parts.iter().enumerate() {
        if p.priority != NONE {
            heap.push(key(p.priority, i));
        }
    }
    let (parts, next, prev) = (&mut s.parts, &mut s.next, &mut s.prev);
    let mut count = n;
    while let Some(Reverse(k)) = heap.pop() {
        let (r, i) = ((k >> 32) as u32, (k as u32) as usize);
        if parts[i].priority != r {
            continue;
        }
        // Part i absorbs the next part j; k starts the part after.
        let j = next[i] as usize;
        let k = next[j] as usize;
        parts[j].priority = NONE;
        let token = parts[i].merged;
        parts[i].token = token;
        next[i] = k as u32;
        if k < n {
            prev[k] = i as u32;
        }
        count -= 1;
        (parts[i].priority, parts[i].merged) = if k < n {
            split(union(token, parts[k].token, i, next[k] as usize))
        } else {
            (NONE, NONE)
        };
        if parts[i].priority != NONE {
            heap.push(key(parts[i].priority, i));
        }
        let p = prev[i];
        if p != u32::MAX {
            let p = p as usize;
            (parts[p].priority, parts[p].merged) = split(union(parts[p].token, token, p, k));
            if parts[p].priority != NONE {
                heap.push(key(parts[p].priority, p));
            }
        }
    }
    s.heap = heap.into_vec();
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(left, right) → (priority, token)`.
    type Table = [((u32, u32), (u32, u32))];

    /// Merges `piece` (bytes `a`, `b`, `c` as tokens 0, 1, 2) with `table`; the parts' spans.
    fn spans(piece: &[u8], table: &Table) -> Vec<(usize, usize)> {
        let lookup = |l: u32, r: u32| table.iter().find(|(k, _)| *k == (l, r)).map(|(_, v)| *v);
        let byte = |i: usize| u32::from(piece[i] - b'a');
        let mut s = Scratch::default();
        let n = merge(
            piece.len(),
            &mut s,
            byte,
            |i| lookup(byte(i), byte(i + 1)),
            |l, r, _, _| lookup(l, r),
        );
        let out: Vec<_> = s.spans().collect();
        assert_eq!(out.len(), n);
        out
    }

    #[test]
    fn leftmost_among_equal_priorities() {
        // a + a → 10 (priority 0); 10 + 10 → 11 (priority 1).
        let t = [((0, 0), (0, 10)), ((10, 10), (1, 11))];
        assert_eq!(spans(b"aaa", &t), vec![(0, 2), (2, 3)]);
        assert_eq!(spans(b"aaaa", &t), vec![(0, 4)]);
        assert_eq!(spans(b"aaaaa", &t), vec![(0, 4), (4, 5)]);
    }

    #[test]
    fn lowest_priority_first_and_stale_entries_skipped() {
        // b + c (priority 0) before a + b (priority 1), whose queued entry is then stale;
        // a + bc (priority 2) follows.
        let t = [((0, 1), (1, 10)), ((1, 2), (0, 11)), ((0, 11), (2, 12))];
        assert_eq!(spans(b"abc", &t), vec![(0, 3)]);
        // Without a + bc, `a` stays alone even though a + b was queued first.
        assert_eq!(spans(b"abc", &t[..2]), vec![(0, 1), (1, 3)]);
        // Nothing merges: every byte is a part.
        assert_eq!(spans(b"cba", &t), vec![(0, 1), (1, 2), (2, 3)]);
        assert_eq!(spans(b"a", &t), vec![(0, 1)]);
    }
}
