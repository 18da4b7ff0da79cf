//! Bounded memory for the dataset rules' state over files of any length.
//!
//! A rule that remembers every example (the first line of each content hash, the lines of each
//! format) keeps what fits a fixed budget in memory and spills the rest to an anonymous
//! temporary file (`tempfile::tempfile()`: deleted by the OS when closed, even after a crash),
//! resolved when the file ends:
//!
//! - [`FirstSeen`]: the first line of each key, for D003 and D004. Keys met while the map has
//!   room are answered at once, as before; once it is full, a key it does not hold is written
//!   to a sorted run, and at the end the runs are merged (an external sort by key, then line),
//!   which gives each key's first line and every later one. Every key in the map was seen
//!   before any spilled line, so the two never disagree about which line came first.
//! - [`Log`]: an append-only record of bytes (D005's line positions), in memory up to its
//!   budget, then in chunks on disk, read back in order.
//!
//! If the disk refuses a write, the records stay in memory: the result is the same, only the
//! memory bound is lost.

use crate::json::hash;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};

/// How much a rule's state keeps in memory.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Keys a [`FirstSeen`] map holds. 7/8 of a power of two: the map's table is full then,
    /// and never doubles past it.
    pub map: usize,
    /// Records of a spilled run, sorted in memory before they are written.
    pub run: usize,
    /// Bytes a [`Log`] keeps before it writes them out.
    pub log: usize,
}

impl Budget {
    /// Per rule: a map of 2^19 buckets (24 bytes of key and value and a control byte each for
    /// D003, 32 and one for D004: 13 and 17 MiB), runs of 131,072 records (~64 bytes each in
    /// memory, ~30 on disk: 8 MiB), 1 MiB per log. The README's Performance section has the
    /// peak memory this gives.
    pub const DEFAULT: Budget = Budget {
        map: (1 << 19) / 8 * 7,
        run: 1 << 17,
        log: 1 << 20,
    };
}

/// What a spilled record keeps besides its key and line, written in a few bytes.
pub trait Spilled: Sized {
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(b: &mut &[u8]) -> Option<Self>;
}

/// Appends `v` as a LEB128 varint.
pub fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 varint.
pub fn get(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

/// Reads `buf.len()` bytes (fewer only at the file's end) at `offset`, leaving the file's
/// cursor alone, so several runs of one file are read side by side.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(file, &mut buf[done..], offset + done as u64);
        #[cfg(windows)]
        let n =
            std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], offset + done as u64);
        match n {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// The spill file, opened on first use.
#[derive(Default)]
struct SpillFile {
    file: Option<File>,
    len: u64,
    /// The disk refused: everything stays in memory from then on.
    failed: bool,
}

impl SpillFile {
    /// Writes `bytes` at the end; their offset, or `None` when the disk refuses.
    fn append(&mut self, bytes: &[u8]) -> Option<u64> {
        if self.failed {
            return None;
        }
        let result = (|| -> io::Result<u64> {
            if self.file.is_none() {
                self.file = Some(tempfile::tempfile()?);
            }
            let file = self.file.as_mut().expect("opened above");
            file.write_all(bytes)?;
            Ok(self.len)
        })();
        match result {
            Ok(at) => {
                self.len += bytes.len() as u64;
                Some(at)
            }
            Err(_) => {
                self.failed = true;
                None
            }
        }
    }
}

/// A sorted run: in the spill file (offset, length) or, when the disk refused it, in memory.
enum Run<R> {
    OnDisk(u64, u64),
    InMemory(std::vec::IntoIter<(u128, u64, R)>),
}

/// The first line of each key over a file, with at most `budget.map` keys and `budget.run`
/// records in memory (see the module's documentation).
pub struct FirstSeen<V, R> {
    map: HashMap<[u64; 2], V, hash::PreHashed>,
    budget: Budget,
    /// The run being filled: (key, line, record).
    run: Vec<(u128, u64, R)>,
    runs: Vec<Run<R>>,
    file: SpillFile,
}

impl<V, R: Spilled> FirstSeen<V, R> {
    pub fn new(budget: Budget) -> Self {
        FirstSeen {
            map: HashMap::default(),
            budget,
            run: Vec::new(),
            runs: Vec::new(),
            file: SpillFile::default(),
        }
    }

    /// What the key's first line left, when that line is in memory.
    pub fn get(&self, key: u128) -> Option<&V> {
        self.map.get(&hash::halves(key))
    }

    /// A key [`get`](Self::get) did not find, at `line` (lines come in file order): kept in
    /// memory as `value` while there is room, else spilled as `record` to be resolved at the
    /// end.
    pub fn insert(&mut self, key: u128, line: u64, value: V, record: impl FnOnce() -> R) {
        if self.runs.is_empty() && self.run.is_empty() && self.map.len() < self.budget.map {
            self.map.insert(hash::halves(key), value);
            return;
        }
        self.run.push((key, line, record()));
        if self.run.len() >= self.budget.run.max(1) {
            self.write_run();
        }
    }

    /// Sorts the run being filled and writes it out.
    fn write_run(&mut self) {
        let mut run = std::mem::take(&mut self.run);
        run.sort_unstable_by_key(|&(k, l, _)| (k, l));
        let mut bytes = Vec::with_capacity(run.len() * 32);
        let mut rec = Vec::with_capacity(64);
        for (k, l, r) in &run {
            rec.clear();
            rec.extend_from_slice(&k.to_le_bytes());
            put(&mut rec, *l);
            r.encode(&mut rec);
            // One length byte frames a record; none comes near 255 bytes.
            debug_assert!(rec.len() < 256);
            bytes.push(rec.len() as u8);
            bytes.extend_from_slice(&rec);
        }
        match self.file.append(&bytes) {
            Some(at) => self.runs.push(Run::OnDisk(at, bytes.len() as u64)),
            None => self.runs.push(Run::InMemory(run.into_iter())),
        }
    }

    /// The spilled lines, by key: `later(first, this)` for each line whose key an earlier
    /// spilled line had (`first`: the earliest such line's record). Keys come in hash order,
    /// each key's lines in file order.
    pub fn finish(mut self, mut later: impl FnMut(&(u64, R), &(u64, R))) {
        if self.runs.is_empty() && self.run.is_empty() {
            return;
        }
        drop(std::mem::take(&mut self.map));
        if !self.run.is_empty() {
            let mut run = std::mem::take(&mut self.run);
            run.sort_unstable_by_key(|&(k, l, _)| (k, l));
            self.runs.push(Run::InMemory(run.into_iter()));
        }
        let file = self.file.file.take();
        let mut readers: Vec<RunReader<R>> = std::mem::take(&mut self.runs)
            .into_iter()
            .map(|run| RunReader::new(run, file.as_ref()))
            .collect();
        // A k-way merge on (key, line).
        let mut heap = std::collections::BinaryHeap::new();
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some(rec) = r.next() {
                heap.push(std::cmp::Reverse((rec.0, rec.1, i)));
                r.head = Some(rec);
            }
        }
        let mut first: Option<(u128, (u64, R))> = None;
        while let Some(std::cmp::Reverse((_, _, i))) = heap.pop() {
            let (key, line, rec) = readers[i].head.take().expect("a head per heap entry");
            if let Some(next) = readers[i].next() {
                heap.push(std::cmp::Reverse((next.0, next.1, i)));
                readers[i].head = Some(next);
            }
            match &first {
                Some((k, f)) if *k == key => later(f, &(line, rec)),
                _ => first = Some((key, (line, rec))),
            }
        }
    }
}

/// Reads one run back, record by record, 64 KiB at a time.
struct RunReader<'f, R> {
    run: Run<R>,
    file: Option<&'f File>,
    buf: Vec<u8>,
    at: usize,
    /// Where the run's unread bytes start in the file, and how many there are.
    next: u64,
    left: u64,
    head: Option<(u128, u64, R)>,
}

impl<'f, R: Spilled> RunReader<'f, R> {
    fn new(run: Run<R>, file: Option<&'f File>) -> Self {
        let (next, left) = match &run {
            Run::OnDisk(at, len) => (*at, *len),
            Run::InMemory(_) => (0, 0),
        };
        RunReader {
            run,
            file,
            buf: Vec::new(),
            at: 0,
            next,
            left,
            head: None,
        }
    }

    fn next(&mut self) -> Option<(u128, u64, R)> {
        if let Run::InMemory(it) = &mut self.run {
            return it.next();
        }
        // A whole record in the buffer: a length byte and that many bytes.
        let whole = |b: &[u8]| b.first().is_some_and(|&n| b.len() > n as usize);
        if !whole(&self.buf[self.at..]) {
            if self.left == 0 {
                return None;
            }
            self.buf.drain(..self.at);
            self.at = 0;
            let have = self.buf.len();
            let want = (1 << 16).min(self.left) as usize;
            self.buf.resize(have + want, 0);
            // An unreadable spill file ends the run: its lines are then not compared.
            let n = read_at(self.file?, &mut self.buf[have..], self.next).ok()?;
            self.buf.truncate(have + n);
            self.next += n as u64;
            self.left -= n as u64;
            if n == 0 || !whole(&self.buf) {
                return None;
            }
        }
        let len = self.buf[self.at] as usize;
        let mut rec = &self.buf[self.at + 1..self.at + 1 + len];
        self.at += 1 + len;
        let key = u128::from_le_bytes(rec.get(..16)?.try_into().ok()?);
        rec = &rec[16..];
        let line = get(&mut rec)?;
        let r = R::decode(&mut rec)?;
        Some((key, line, r))
    }
}

/// An append-only byte log, in memory up to its budget, the rest in chunks on disk.
pub struct Log {
    mem: Vec<u8>,
    budget: usize,
    file: SpillFile,
    /// Chunks written: (offset, length), in order.
    chunks: Vec<(u64, u64)>,
}

impl Log {
    pub fn new(budget: usize) -> Log {
        Log {
            mem: Vec::new(),
            budget: budget.max(1),
            file: SpillFile::default(),
            chunks: Vec::new(),
        }
    }

    /// The bytes written so far go on: append to this.
    pub fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.mem
    }

    /// Writes the bytes out when they are over the budget (call after appending).
    pub fn settle(&mut self) {
        if self.mem.len() >= self.budget {
            if let Some(at) = self.file.append(&self.mem) {
                self.chunks.push((at, self.mem.len() as u64));
                self.mem.clear();
            }
        }
    }

    /// Every byte appended, in order, in pieces (records may straddle two).
    pub fn for_each_piece(&self, mut f: impl FnMut(&[u8])) {
        if let Some(file) = &self.file.file {
            let mut buf = vec![0u8; 1 << 16];
            for &(at, len) in &self.chunks {
                let mut done = 0u64;
                while done < len {
                    let want = (len - done).min(buf.len() as u64) as usize;
                    match read_at(file, &mut buf[..want], at + done) {
                        Ok(n) if n > 0 => {
                            f(&buf[..n]);
                            done += n as u64;
                        }
                        _ => return,
                    }
                }
            }
        }
        f(&self.mem);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Pos(u64, u64);

    impl Spilled for Pos {
        fn encode(&self, out: &mut Vec<u8>) {
            put(out, self.0);
            put(out, self.1);
        }
        fn decode(b: &mut &[u8]) -> Option<Self> {
            Some(Pos(get(b)?, get(b)?))
        }
    }

    /// (later line, first line) for every repeated key, sorted.
    fn repeats(keys: &[u128], budget: Budget) -> Vec<(u64, u64)> {
        let mut seen: FirstSeen<u64, Pos> = FirstSeen::new(budget);
        let mut out = Vec::new();
        for (i, &k) in keys.iter().enumerate() {
            let line = i as u64 + 1;
            match seen.get(k) {
                Some(&first) => out.push((line, first)),
                None => seen.insert(k, line, line, || Pos(line, line * 1000)),
            }
        }
        seen.finish(|first, this| {
            assert_eq!(first.1 .1, first.0 * 1000);
            out.push((this.0, first.0))
        });
        out.sort_unstable();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// A tiny budget (everything spilled, runs of a few records) finds what memory finds.
        #[test]
        fn spilled_equals_in_memory(
            keys in proptest::collection::vec(
                prop_oneof![0u128..20, any::<u128>()], 0..300),
            map in 0usize..5,
            run in 1usize..7,
        ) {
            let all = repeats(&keys, Budget { map: usize::MAX, run: usize::MAX, log: 1 });
            let tiny = repeats(&keys, Budget { map, run, log: 1 });
            prop_assert_eq!(tiny, all);
        }

        #[test]
        fn the_log_gives_back_what_it_was_given(
            pieces in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..50),
            budget in 1usize..100,
        ) {
            let mut log = Log::new(budget);
            for p in &pieces {
                log.buf().extend_from_slice(p);
                log.settle();
            }
            let mut back = Vec::new();
            log.for_each_piece(|b| back.extend_from_slice(b));
            prop_assert_eq!(back, pieces.concat());
        }
    }

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            out.clear();
            put(&mut out, v);
            let mut b = &out[..];
            assert_eq!(get(&mut b), Some(v));
            assert!(b.is_empty());
        }
    }
}
