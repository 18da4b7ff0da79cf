//! A file's findings in their final order, with memory that does not grow with their number.
//!
//! The merger hands every finding to a [`Store`] as it is made. The store keeps at most a
//! budget of them in memory (shared by every file of the run, see [`Spill`]); when the budget
//! is reached it sorts what it holds and writes it as a *run* to one anonymous temporary file
//! (`tempfile::tempfile()`: unlinked at once, so nothing is left behind even after `kill -9`),
//! in a compact encoding (numbers as varints, positions as deltas, a message, help, pointer or
//! snippet equal to the previous one of the same rule as one bit). When the file ends,
//! [`Findings::into_stream`] merges the runs and what is still in memory (k-way, a binary heap
//! of one head per run) into the order every output format prints: file-level findings first,
//! then by line, column and code, ties in the order the findings were made (each carries its
//! sequence number, so the merge equals the stable sort the engine did before).
//!
//! A finding said once for the whole file or once per value (`RuleDef::once_per_file`,
//! `once_per_value`) is stored like any other; what the rest of the file adds to it (the count,
//! the other lines, the edits of its fix) is kept beside the store as a [`Patch`] and applied
//! when the finding comes out of the merge.
//!
//! A file with more runs than [`Spill`]'s fan-in merges them into one run of the next level
//! (each finding is then written log_fan-in(runs) times), so the final merge never holds more
//! than a fan-in of read buffers.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location, Snippet};
use crate::rules::{RuleMeta, Severity};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Findings held in memory at once, across the run, by default: about 500 bytes each, so
/// ~32 MiB. Override (for tests) with `FTLINT_FINDINGS_BUDGET`.
pub const DEFAULT_BUDGET: usize = 65_536;

/// Runs merged at once, by default (each needs a read buffer of [`READ_BUFFER`] bytes).
pub const DEFAULT_FAN_IN: usize = 1024;

/// The read buffer of one run during a merge.
const READ_BUFFER: usize = 8 << 10;

/// A failure of the temporary file findings spill to (a full disk, no temporary folder). Its
/// message is the whole error line the CLI prints.
#[derive(Debug, thiserror::Error)]
#[error("cannot keep the findings in a temporary file in `{}`: {}", .dir.display(), crate::input::io_reason(.source))]
pub struct SpillError {
    pub dir: std::path::PathBuf,
    #[source]
    pub source: io::Error,
}

impl SpillError {
    fn wrap(source: io::Error) -> io::Error {
        if source.get_ref().is_some_and(|e| e.is::<SpillError>()) {
            return source;
        }
        io::Error::other(SpillError {
            dir: std::env::temp_dir(),
            source,
        })
    }
}

/// The run's memory budget for findings and the one temporary file every file's runs go to.
pub struct Spill {
    budget: usize,
    fan_in: usize,
    /// Created at the first spill.
    file: Mutex<Option<SpillFile>>,
    /// Findings in memory now, over every store of the run.
    held: AtomicUsize,
    /// Of which in stores whose file is done.
    sealed: AtomicUsize,
    /// The most ever held at once (what the memory tests assert).
    peak: AtomicUsize,
    /// Runs written (merges included), for tests.
    runs_written: AtomicUsize,
    /// Opens the temporary file (tests give one that fails).
    open: fn() -> io::Result<File>,
}

struct SpillFile {
    file: File,
    len: u64,
}

impl std::fmt::Debug for Spill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spill")
            .field("budget", &self.budget)
            .field("fan_in", &self.fan_in)
            .finish()
    }
}

impl Spill {
    /// A budget of `budget` findings in memory (at least 1) and merges of `fan_in` runs (at
    /// least 2).
    pub fn new(budget: usize, fan_in: usize) -> Arc<Spill> {
        Arc::new(Spill {
            budget: budget.max(1),
            fan_in: fan_in.max(2),
            file: Mutex::new(None),
            held: AtomicUsize::new(0),
            sealed: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            runs_written: AtomicUsize::new(0),
            open: tempfile::tempfile,
        })
    }

    /// The command line's: [`DEFAULT_BUDGET`], or `FTLINT_FINDINGS_BUDGET` (a hidden setting
    /// for tests: a budget of 1 spills every finding).
    pub fn from_env() -> Arc<Spill> {
        let budget = std::env::var("FTLINT_FINDINGS_BUDGET")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_BUDGET);
        let fan_in = std::env::var("FTLINT_FINDINGS_FAN_IN")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_FAN_IN);
        Spill::new(budget, fan_in)
    }

    /// Everything in memory, never a file: for one editor document, `--fix` and `convert`.
    pub fn unbounded() -> Arc<Spill> {
        Spill::new(usize::MAX, DEFAULT_FAN_IN)
    }

    /// A spill whose temporary file is opened by `open` (tests: a full disk).
    pub fn with_file(budget: usize, fan_in: usize, open: fn() -> io::Result<File>) -> Arc<Spill> {
        let mut s = Spill::new(budget, fan_in);
        Arc::get_mut(&mut s).expect("just made").open = open;
        s
    }

    /// The most findings held in memory at once so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Runs written to the temporary file so far.
    pub fn runs_written(&self) -> usize {
        self.runs_written.load(Ordering::Relaxed)
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    fn hold(&self, n: usize) {
        let now = self.held.fetch_add(n, Ordering::Relaxed) + n;
        self.peak.fetch_max(now, Ordering::Relaxed);
    }

    fn release(&self, n: usize) {
        self.held.fetch_sub(n, Ordering::Relaxed);
    }

    /// Appends `bytes` as a segment; returns where it starts.
    fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(SpillFile {
                file: (self.open)().map_err(SpillError::wrap)?,
                len: 0,
            });
        }
        let f = guard.as_mut().expect("just opened");
        let start = f.len;
        f.file
            .seek(SeekFrom::Start(start))
            .and_then(|_| f.file.write_all(bytes))
            .map_err(SpillError::wrap)?;
        f.len += bytes.len() as u64;
        Ok(start)
    }

    /// Reads up to `buf.len()` bytes at `at`.
    fn read_at(&self, at: u64, buf: &mut [u8]) -> io::Result<usize> {
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let Some(f) = guard.as_mut() else {
            return Ok(0);
        };
        f.file.seek(SeekFrom::Start(at)).map_err(SpillError::wrap)?;
        f.file.read(buf).map_err(SpillError::wrap)
    }
}

/// A finding with its sequence number (the order it was made in).
type Held = (u64, Diagnostic);

/// Where a finding goes in the output: (line, column, code, sequence number).
type OrderKey = (u64, u64, &'static str, u64);

/// The order of the output: file-level first, then line, column, code; ties as made.
fn order_key(h: &Held) -> OrderKey {
    let (l, c, code) = h.1.sort_key();
    (l, c, code, h.0)
}

/// One sorted run in the temporary file.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: u64,
    len: u64,
    level: u32,
}

/// What a finding said once for many (`RuleDef::once_per_file`, `once_per_value`) learns from
/// the rest of the file: applied when it leaves the merge.
#[derive(Debug, Clone, Default)]
pub struct Patch {
    /// The message to put in its place, made from the first one.
    pub message: Option<fn(&Diagnostic, &PatchData) -> String>,
    pub data: PatchData,
    /// Edits of the other occurrences, added to the finding's fix (when it has one).
    pub edits: Vec<Edit>,
    /// The others' edits were too many to keep (`OnceBounds::edits`): the finding is said
    /// without its fix, and its help says so.
    pub fix_dropped: bool,
}

/// What a [`Patch`]'s message is made of.
#[derive(Debug, Clone, Default)]
pub struct PatchData {
    /// Occurrences in the file, the first included.
    pub count: u64,
    /// The other lines, as `OtherLines` keeps them.
    pub others: crate::rules::OtherLines,
}

/// The findings of one file as they are made: some in memory, the rest in sorted runs.
pub struct Store {
    spill: Arc<Spill>,
    memory: Vec<Held>,
    runs: Vec<Run>,
    next_seq: u64,
    /// The rules and fix messages seen, so that a run names them by index.
    codec: Arc<Mutex<Tables>>,
    /// Set by a failed write: the findings are no longer complete.
    error: Option<io::Error>,
    sealed: bool,
}

impl Store {
    pub fn new(spill: Arc<Spill>) -> Store {
        Store {
            spill,
            memory: Vec::new(),
            runs: Vec::new(),
            next_seq: 0,
            codec: Default::default(),
            error: None,
            sealed: false,
        }
    }

    /// Adds a finding; returns its sequence number (for a [`Patch`]).
    pub fn push(&mut self, d: Diagnostic) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.error.is_some() {
            return seq;
        }
        self.memory.push((seq, d));
        self.spill.hold(1);
        let sealed = self.spill.sealed.load(Ordering::Relaxed);
        if self.memory.len() + sealed >= self.spill.budget {
            if let Err(e) = self.flush() {
                self.error = Some(e);
            }
        }
        seq
    }

    /// Findings made so far.
    pub fn len(&self) -> u64 {
        self.next_seq
    }

    pub fn is_empty(&self) -> bool {
        self.next_seq == 0
    }

    /// The first write error, if any (the findings are then incomplete).
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    /// Writes what is in memory as a sorted run, and merges runs a level up when a level
    /// holds `fan_in` of them.
    fn flush(&mut self) -> io::Result<()> {
        if self.memory.is_empty() {
            return Ok(());
        }
        let mut memory = std::mem::take(&mut self.memory);
        let n = memory.len();
        memory.sort_unstable_by(|a, b| order_key(a).cmp(&order_key(b)));
        let mut enc = Encoder::new(self.codec.clone());
        for h in &memory {
            enc.put(h);
        }
        drop(memory);
        self.spill.release(n);
        let start = self.spill.append(&enc.buf)?;
        self.spill.runs_written.fetch_add(1, Ordering::Relaxed);
        self.runs.push(Run {
            start,
            len: enc.buf.len() as u64,
            level: 0,
        });
        self.cascade()
    }

    /// Merges the last `fan_in` runs of a level into one of the next, while a level is full.
    fn cascade(&mut self) -> io::Result<()> {
        loop {
            let Some(last) = self.runs.last() else {
                return Ok(());
            };
            let level = last.level;
            let same = self
                .runs
                .iter()
                .rev()
                .take_while(|r| r.level == level)
                .count();
            if same < self.spill.fan_in {
                return Ok(());
            }
            let from = self.runs.len() - same;
            let merged: Vec<Run> = self.runs.drain(from..).collect();
            let mut sources: Vec<Source> = Vec::with_capacity(merged.len());
            for r in &merged {
                sources.push(Source::run(&self.spill, &self.codec, *r));
            }
            let mut merge = Merge::new(sources)?;
            let mut enc = Encoder::new(self.codec.clone());
            let mut start = None;
            let mut len = 0u64;
            while let Some(h) = merge.next_held()? {
                enc.put(&h);
                if enc.buf.len() >= 1 << 20 {
                    let at = self.spill.append(&enc.buf)?;
                    start.get_or_insert(at);
                    len += enc.buf.len() as u64;
                    enc.buf.clear();
                }
            }
            if !enc.buf.is_empty() || start.is_none() {
                let at = self.spill.append(&enc.buf)?;
                start.get_or_insert(at);
                len += enc.buf.len() as u64;
            }
            self.spill.runs_written.fetch_add(1, Ordering::Relaxed);
            self.runs.push(Run {
                start: start.unwrap_or(0),
                len,
                level: level + 1,
            });
        }
    }

    /// The file is done: what is left in memory stays there only while the run's finished
    /// files hold little (a run of many small files keeps their findings in memory, a large
    /// one spills).
    pub fn seal(&mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if self.sealed {
            return Ok(());
        }
        self.sealed = true;
        let budget = self.spill.budget;
        let sealed = self.spill.sealed.load(Ordering::Relaxed);
        let keep = self.runs.is_empty()
            && (budget == usize::MAX
                || (self.memory.len() <= budget / 16 && sealed + self.memory.len() <= budget / 4));
        if keep {
            self.spill
                .sealed
                .fetch_add(self.memory.len(), Ordering::Relaxed);
        } else {
            self.flush()?;
        }
        Ok(())
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.spill.release(self.memory.len());
        if self.sealed && self.runs.is_empty() {
            self.spill
                .sealed
                .fetch_sub(self.memory.len(), Ordering::Relaxed);
        }
    }
}

/// A finished file's findings, with the patches of its once-said findings.
pub struct Findings {
    store: Store,
    patches: HashMap<u64, Patch>,
}

impl Findings {
    /// `store` is sealed here.
    pub fn new(mut store: Store, patches: HashMap<u64, Patch>) -> io::Result<Findings> {
        store.seal()?;
        Ok(Findings { store, patches })
    }

    /// How many findings (before any filter of the CLI).
    pub fn len(&self) -> u64 {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// The findings in output order, patched.
    pub fn into_stream(mut self) -> io::Result<Stream> {
        let mut sources = Vec::with_capacity(self.store.runs.len() + 1);
        for r in &self.store.runs {
            sources.push(Source::run(&self.store.spill, &self.store.codec, *r));
        }
        let mut memory = std::mem::take(&mut self.store.memory);
        memory.sort_unstable_by(|a, b| order_key(a).cmp(&order_key(b)));
        // The memory source releases its hold as it is consumed (see `Stream::next`).
        let held = memory.len();
        sources.push(Source::Memory(memory.into_iter()));
        if self.store.sealed && self.store.runs.is_empty() {
            self.store.spill.sealed.fetch_sub(held, Ordering::Relaxed);
            self.store.sealed = false;
        }
        Ok(Stream {
            merge: Merge::new(sources)?,
            patches: std::mem::take(&mut self.patches),
            spill: self.store.spill.clone(),
            held,
            _store: self.store,
        })
    }

    /// Every finding in a Vec, in output order (in-memory callers).
    pub fn into_vec(self) -> io::Result<Vec<Diagnostic>> {
        let mut out = Vec::with_capacity(self.len() as usize);
        let mut s = self.into_stream()?;
        while let Some(d) = s.next_diagnostic()? {
            out.push(d);
        }
        Ok(out)
    }
}

/// A file's findings coming out of the merge, in output order.
pub struct Stream {
    merge: Merge,
    patches: HashMap<u64, Patch>,
    spill: Arc<Spill>,
    /// Findings of the memory source not yet given out.
    held: usize,
    _store: Store,
}

impl Stream {
    pub fn next_diagnostic(&mut self) -> io::Result<Option<Diagnostic>> {
        let Some((seq, mut d, from_memory)) = self.merge.next_tagged()? else {
            return Ok(None);
        };
        if from_memory && self.held > 0 {
            self.held -= 1;
            self.spill.release(1);
        }
        if let Some(p) = self.patches.remove(&seq) {
            if let Some(message) = p.message {
                d.message = message(&d, &p.data);
            }
            if p.fix_dropped && d.fix.take().is_some() {
                let note = format!(
                    "its fix (an edit for each of the {} occurrences) is too large to carry in this report; `ftlint check --fix` applies it",
                    p.data.count
                );
                d.help = Some(match d.help.take() {
                    Some(h) => format!("{h}; {note}"),
                    None => note,
                });
            } else if let Some(fix) = d.fix.as_mut() {
                fix.edits.extend(p.edits);
            }
        }
        Ok(Some(d))
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        // What the memory source still holds; the store's own count is already zero.
        self.spill.release(self.held);
        self.held = 0;
    }
}

impl Iterator for Stream {
    type Item = io::Result<Diagnostic>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_diagnostic().transpose()
    }
}

/// One sorted input of a merge.
enum Source {
    Memory(std::vec::IntoIter<Held>),
    Run(Box<Decoder>),
}

impl Source {
    fn run(spill: &Arc<Spill>, codec: &Arc<Mutex<Tables>>, r: Run) -> Source {
        Source::Run(Box::new(Decoder::new(
            BufReader::with_capacity(
                READ_BUFFER,
                Segment {
                    spill: spill.clone(),
                    at: r.start,
                    end: r.start + r.len,
                },
            ),
            codec.clone(),
        )))
    }

    fn next(&mut self) -> io::Result<Option<Held>> {
        match self {
            Source::Memory(it) => Ok(it.next()),
            Source::Run(d) => d.next(),
        }
    }
}

/// The k-way merge: one head per source in a min-heap by output order.
struct Merge {
    sources: Vec<Source>,
    heads: Vec<Option<Held>>,
    heap: BinaryHeap<Reverse<(OrderKey, usize)>>,
}

impl Merge {
    fn new(mut sources: Vec<Source>) -> io::Result<Merge> {
        let mut heads = Vec::with_capacity(sources.len());
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (i, s) in sources.iter_mut().enumerate() {
            let h = s.next()?;
            if let Some(h) = &h {
                heap.push(Reverse((order_key(h), i)));
            }
            heads.push(h);
        }
        Ok(Merge {
            sources,
            heads,
            heap,
        })
    }

    /// The next finding, and whether it came from memory.
    fn next_tagged(&mut self) -> io::Result<Option<(u64, Diagnostic, bool)>> {
        let Some(Reverse((_, i))) = self.heap.pop() else {
            return Ok(None);
        };
        let Some((seq, d)) = self.heads[i].take() else {
            return Ok(None);
        };
        let next = self.sources[i].next()?;
        if let Some(h) = &next {
            self.heap.push(Reverse((order_key(h), i)));
        }
        self.heads[i] = next;
        Ok(Some((seq, d, matches!(self.sources[i], Source::Memory(_)))))
    }

    fn next_held(&mut self) -> io::Result<Option<Held>> {
        Ok(self.next_tagged()?.map(|(s, d, _)| (s, d)))
    }
}

/// A run's bytes in the temporary file, read at their own offset.
struct Segment {
    spill: Arc<Spill>,
    at: u64,
    end: u64,
}

impl Read for Segment {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = (self.end - self.at).min(buf.len() as u64) as usize;
        if left == 0 {
            return Ok(0);
        }
        let n = self.spill.read_at(self.at, &mut buf[..left])?;
        if n == 0 {
            return Err(SpillError::wrap(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the temporary file is shorter than what was written to it",
            )));
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// Rules and fix messages by index: a run stores the index.
#[derive(Default)]
struct Tables {
    rules: Vec<&'static RuleMeta>,
    fix_messages: Vec<&'static str>,
}

impl Tables {
    fn rule(&mut self, r: &'static RuleMeta) -> usize {
        match self.rules.iter().position(|x| std::ptr::eq(*x, r)) {
            Some(i) => i,
            None => {
                self.rules.push(r);
                self.rules.len() - 1
            }
        }
    }

    fn fix_message(&mut self, m: &'static str) -> usize {
        match self.fix_messages.iter().position(|x| std::ptr::eq(*x, m)) {
            Some(i) => i,
            None => {
                self.fix_messages.push(m);
                self.fix_messages.len() - 1
            }
        }
    }
}

/// The strings of the last finding of a rule in a run: a repeat is one bit.
#[derive(Default, Clone)]
struct Last {
    message: String,
    help: String,
    pointer: String,
    snippet: String,
}

const HAS_LOCATION: u8 = 1;
const HAS_HELP: u8 = 1 << 1;
const HAS_POINTER: u8 = 1 << 2;
const HAS_SNIPPET: u8 = 1 << 3;
const HAS_FIX: u8 = 1 << 4;
const SAME_MESSAGE: u8 = 1 << 5;
const SAME_HELP: u8 = 1 << 6;
const SAME_POINTER: u8 = 1 << 7;

struct Encoder {
    buf: Vec<u8>,
    tables: Arc<Mutex<Tables>>,
    last: Vec<Last>,
    prev_seq: u64,
    prev_line: u64,
    prev_offset: u64,
}

fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_str(buf: &mut Vec<u8>, s: &str) {
    put_varint(buf, s.len() as u64);
    buf.extend_from_slice(s.as_bytes());
}

fn severity_byte(s: Severity) -> u8 {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

impl Encoder {
    fn new(tables: Arc<Mutex<Tables>>) -> Encoder {
        Encoder {
            buf: Vec::new(),
            tables,
            last: Vec::new(),
            prev_seq: 0,
            prev_line: 0,
            prev_offset: 0,
        }
    }

    fn put(&mut self, (seq, d): &Held) {
        let (rule, fix_message) = {
            let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
            (
                t.rule(d.rule),
                d.fix.as_ref().map(|f| t.fix_message(f.message)),
            )
        };
        if self.last.len() <= rule {
            self.last.resize(rule + 1, Last::default());
        }
        let last = &mut self.last[rule];
        let mut flags = 0u8;
        if d.location.is_some() {
            flags |= HAS_LOCATION;
        }
        if d.help.is_some() {
            flags |= HAS_HELP;
        }
        if d.pointer.is_some() {
            flags |= HAS_POINTER;
        }
        if d.snippet.is_some() {
            flags |= HAS_SNIPPET;
        }
        if d.fix.is_some() {
            flags |= HAS_FIX;
        }
        if d.message == last.message {
            flags |= SAME_MESSAGE;
        }
        if d.help.as_deref().is_some_and(|h| h == last.help) {
            flags |= SAME_HELP;
        }
        if d.pointer.as_deref().is_some_and(|p| p == last.pointer) {
            flags |= SAME_POINTER;
        }
        let same_snippet = d.snippet.as_ref().is_some_and(|s| s.text == last.snippet);
        let b = &mut self.buf;
        put_varint(b, zigzag(*seq as i64 - self.prev_seq as i64));
        self.prev_seq = *seq;
        put_varint(b, rule as u64);
        b.push(severity_byte(d.severity) | (u8::from(same_snippet) << 4));
        b.push(flags);
        if let Some(l) = &d.location {
            put_varint(b, zigzag(l.line as i64 - self.prev_line as i64));
            self.prev_line = l.line;
            put_varint(b, l.column);
            put_varint(b, zigzag(l.end_line as i64 - l.line as i64));
            put_varint(b, l.end_column);
            put_varint(b, zigzag(l.byte_offset as i64 - self.prev_offset as i64));
            self.prev_offset = l.byte_offset;
            put_varint(b, l.byte_length);
        }
        if flags & SAME_MESSAGE == 0 {
            put_str(b, &d.message);
            last.message.clone_from(&d.message);
        }
        if let (Some(h), 0) = (&d.help, flags & SAME_HELP) {
            put_str(b, h);
            last.help.clone_from(h);
        }
        if let (Some(p), 0) = (&d.pointer, flags & SAME_POINTER) {
            put_str(b, p);
            last.pointer.clone_from(p);
        }
        if let Some(s) = &d.snippet {
            if !same_snippet {
                put_str(b, &s.text);
                last.snippet.clone_from(&s.text);
            }
            put_varint(b, s.span.start as u64);
            put_varint(b, zigzag(s.span.end as i64 - s.span.start as i64));
        }
        if let (Some(f), Some(m)) = (&d.fix, fix_message) {
            b.push(match f.applicability {
                Applicability::Safe => 0,
                Applicability::Unsafe => 1,
            });
            put_varint(b, m as u64);
            put_varint(b, f.edits.len() as u64);
            let base = d.location.map_or(0, |l| l.byte_offset);
            for e in &f.edits {
                put_varint(b, zigzag(e.range.start as i64 - base as i64));
                put_varint(b, zigzag(e.range.end as i64 - e.range.start as i64));
                put_str(b, &e.content);
            }
        }
    }
}

struct Decoder {
    input: BufReader<Segment>,
    tables: Arc<Mutex<Tables>>,
    last: Vec<Last>,
    prev_seq: u64,
    prev_line: u64,
    prev_offset: u64,
}

fn corrupt() -> io::Error {
    SpillError::wrap(io::Error::new(
        io::ErrorKind::InvalidData,
        "the temporary file does not read back as it was written",
    ))
}

impl Decoder {
    fn new(input: BufReader<Segment>, tables: Arc<Mutex<Tables>>) -> Decoder {
        Decoder {
            input,
            tables,
            last: Vec::new(),
            prev_seq: 0,
            prev_line: 0,
            prev_offset: 0,
        }
    }

    /// One byte, or `None` at the end of the run.
    fn byte(&mut self) -> io::Result<Option<u8>> {
        let mut b = [0u8; 1];
        match self.input.read(&mut b)? {
            0 => Ok(None),
            _ => Ok(Some(b[0])),
        }
    }

    fn must_byte(&mut self) -> io::Result<u8> {
        self.byte()?.ok_or_else(corrupt)
    }

    fn varint_from(&mut self, first: u8) -> io::Result<u64> {
        let mut v = u64::from(first & 0x7f);
        let mut shift = 7;
        let mut b = first;
        while b & 0x80 != 0 {
            if shift > 63 {
                return Err(corrupt());
            }
            b = self.must_byte()?;
            v |= u64::from(b & 0x7f) << shift;
            shift += 7;
        }
        Ok(v)
    }

    fn varint(&mut self) -> io::Result<u64> {
        let b = self.must_byte()?;
        self.varint_from(b)
    }

    fn string(&mut self) -> io::Result<String> {
        let n = self.varint()?;
        let mut bytes = Vec::with_capacity(n.min(1 << 20) as usize);
        (&mut self.input).take(n).read_to_end(&mut bytes)?;
        if bytes.len() as u64 != n {
            return Err(corrupt());
        }
        String::from_utf8(bytes).map_err(|_| corrupt())
    }

    fn next(&mut self) -> io::Result<Option<Held>> {
        let Some(first) = self.byte()? else {
            return Ok(None);
        };
        let seq = (self.prev_seq as i64 + unzigzag(self.varint_from(first)?)) as u64;
        self.prev_seq = seq;
        let rule_ix = self.varint()? as usize;
        let sev = self.must_byte()?;
        let flags = self.must_byte()?;
        let rule = {
            let t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
            t.rules.get(rule_ix).copied()
        };
        let rule = rule.ok_or_else(corrupt)?;
        let severity = match sev & 0x0f {
            0 => Severity::Info,
            1 => Severity::Warning,
            2 => Severity::Error,
            _ => return Err(corrupt()),
        };
        let same_snippet = sev & 0x10 != 0;
        if self.last.len() <= rule_ix {
            self.last.resize(rule_ix + 1, Last::default());
        }
        let location = if flags & HAS_LOCATION != 0 {
            let line = (self.prev_line as i64 + unzigzag(self.varint()?)) as u64;
            self.prev_line = line;
            let column = self.varint()?;
            let end_line = (line as i64 + unzigzag(self.varint()?)) as u64;
            let end_column = self.varint()?;
            let byte_offset = (self.prev_offset as i64 + unzigzag(self.varint()?)) as u64;
            self.prev_offset = byte_offset;
            let byte_length = self.varint()?;
            Some(Location {
                line,
                column,
                end_line,
                end_column,
                byte_offset,
                byte_length,
            })
        } else {
            None
        };
        let message = if flags & SAME_MESSAGE != 0 {
            self.last[rule_ix].message.clone()
        } else {
            let m = self.string()?;
            self.last[rule_ix].message.clone_from(&m);
            m
        };
        let help = match (flags & HAS_HELP != 0, flags & SAME_HELP != 0) {
            (false, _) => None,
            (true, true) => Some(self.last[rule_ix].help.clone()),
            (true, false) => {
                let h = self.string()?;
                self.last[rule_ix].help.clone_from(&h);
                Some(h)
            }
        };
        let pointer = match (flags & HAS_POINTER != 0, flags & SAME_POINTER != 0) {
            (false, _) => None,
            (true, true) => Some(self.last[rule_ix].pointer.clone()),
            (true, false) => {
                let p = self.string()?;
                self.last[rule_ix].pointer.clone_from(&p);
                Some(p)
            }
        };
        let snippet = if flags & HAS_SNIPPET != 0 {
            let text = if same_snippet {
                self.last[rule_ix].snippet.clone()
            } else {
                let t = self.string()?;
                self.last[rule_ix].snippet.clone_from(&t);
                t
            };
            let start = self.varint()? as i64;
            let end = start + unzigzag(self.varint()?);
            Some(Snippet {
                text,
                span: start as usize..end as usize,
            })
        } else {
            None
        };
        let fix = if flags & HAS_FIX != 0 {
            let applicability = match self.must_byte()? {
                0 => Applicability::Safe,
                1 => Applicability::Unsafe,
                _ => return Err(corrupt()),
            };
            let ix = self.varint()? as usize;
            let message = {
                let t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
                t.fix_messages.get(ix).copied()
            };
            let message = message.ok_or_else(corrupt)?;
            let n = self.varint()?;
            let base = location.map_or(0, |l| l.byte_offset) as i64;
            let mut edits = Vec::with_capacity(n.min(1 << 16) as usize);
            for _ in 0..n {
                let start = (base + unzigzag(self.varint()?)) as u64;
                let end = (start as i64 + unzigzag(self.varint()?)) as u64;
                edits.push(Edit {
                    range: start..end,
                    content: self.string()?,
                });
            }
            Some(Fix {
                applicability,
                message,
                edits,
            })
        } else {
            None
        };
        Ok(Some((
            seq,
            Diagnostic {
                rule,
                severity,
                message,
                help,
                location,
                pointer,
                snippet,
                fix,
            },
        )))
    }
}

#[cfg(test)]
mod tests;
