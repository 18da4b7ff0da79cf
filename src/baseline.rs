//! Baselines: accept today's findings, report only new ones.
//!
//! `check --write-baseline FILE` records every finding as an entry keyed by path, rule code and
//! a hash of its line's content (xxh3-128 of the raw bytes without the line ending), so an entry
//! still matches after lines move. `check --baseline FILE` hides the findings that match an
//! entry — as many as its `count` — and says how many entries matched nothing (`--show-stale-
//! baseline` lists them). `ftlint accept` adds entries one finding, line or rule at a time, and
//! `ftlint accept --prune` removes the stale ones.
//!
//! Writes merge: `--write-baseline` replaces the entries of the files it checked and the rules
//! it ran, and keeps every other entry (another file's, a rule left out by `--select`), so
//! accepting C002 and then C005 keeps both. An entry may carry a `reason`, kept across rewrites.
//!
//! ```json
//! {"version": 1, "entries": [{"path": "data/train.jsonl", "code": "C005",
//!   "line_hash": "…", "message": "…", "count": 1}]}
//! ```
//!
//! Paths are relative to the baseline file's folder when the input lies below it (so a
//! baseline works from any working directory), else as shown in diagnostics. File-level
//! findings use [`FILE_LEVEL`] as their hash.

use crate::diagnostic::Diagnostic;
use crate::engine::FileReport;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// A baseline file that cannot be read or written (exit 2). The message is the whole line the
/// CLI prints, cause included.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline `{}`: {}", .path.display(), crate::input::io_reason(.source))]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("baseline `{}` is not valid: {source}", .path.display())]
    Invalid {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("baseline `{}` has version {version}; this ftlint reads version 1", .path.display())]
    Version { path: PathBuf, version: u32 },
    #[error("cannot write baseline `{}`: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The `line_hash` of a finding about the whole file.
pub const FILE_LEVEL: &str = "file";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub code: String,
    pub line_hash: String,
    /// For people reading the file; not matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Why the finding was accepted (`ftlint accept --reason`); not matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default = "one")]
    pub count: u64,
}

impl Entry {
    fn key(&self) -> (&str, &str, &str) {
        (&self.path, &self.code, &self.line_hash)
    }
}

/// An entry that matched fewer findings than its count: `unmatched` of them are gone (their
/// line changed, or the problem was fixed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Index into [`Baseline::entries`].
    pub entry: usize,
    pub unmatched: u64,
}

fn one() -> u64 {
    1
}

/// One checked input as a baseline sees it: its key and its diagnostics' line hashes.
pub struct Keyed {
    pub path: String,
    /// One per diagnostic of the report, in order.
    pub hashes: Vec<String>,
}

impl Baseline {
    /// Entries for every diagnostic of `reports` (`keyed[i]` belongs to `reports[i]`).
    pub fn from_reports(reports: &[FileReport], keyed: &[Keyed]) -> Baseline {
        let mut b = Builder::default();
        for (r, k) in reports.iter().zip(keyed) {
            for (d, h) in r.diagnostics.iter().zip(&k.hashes) {
                b.add(&k.path, d, h);
            }
        }
        b.finish()
    }

    /// No entries.
    pub fn empty() -> Baseline {
        Baseline {
            version: 1,
            entries: Vec::new(),
        }
    }

    /// The baseline a write merges into: the file's entries, or none when there is no file
    /// yet, it is empty, or it is not a regular file (which the write then refuses).
    pub fn load_for_merge(path: &Path) -> Result<Baseline, BaselineError> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() && m.len() > 0 => Baseline::load(path),
            Ok(_) => Ok(Baseline::empty()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Baseline::empty()),
            Err(source) => Err(BaselineError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Replaces the entries `judged` says were checked again (their path was checked and their
    /// rule ran) by `fresh`'s, keeping every other entry; a reason recorded for a key that is
    /// still there is kept.
    pub fn replace_judged(&mut self, fresh: Baseline, judged: impl Fn(&Entry) -> bool) {
        let mut reasons: HashMap<(String, String, String), String> = HashMap::new();
        self.entries.retain(|e| {
            if !judged(e) {
                return true;
            }
            if let Some(r) = &e.reason {
                let (p, c, h) = e.key();
                reasons.insert((p.into(), c.into(), h.into()), r.clone());
            }
            false
        });
        for mut e in fresh.entries {
            let (p, c, h) = e.key();
            if let Some(r) = reasons.remove(&(p.to_string(), c.to_string(), h.to_string())) {
                e.reason.get_or_insert(r);
            }
            self.push(e);
        }
        self.sort();
    }

    /// Adds entries: an entry with the key of an existing one adds its count to it (and sets
    /// the reason, when it has one).
    pub fn add(&mut self, entries: Vec<Entry>) {
        for e in entries {
            self.push(e);
        }
        self.sort();
    }

    /// Makes each of `fresh`'s keys accept at least as many findings as there (a write that
    /// judged only some lines: nothing it did not see is removed).
    pub fn raise_to(&mut self, fresh: Baseline) {
        for e in fresh.entries {
            match self.entries.iter_mut().find(|x| x.key() == e.key()) {
                Some(x) => x.count = x.count.max(e.count),
                None => self.entries.push(e),
            }
        }
        self.sort();
    }

    fn push(&mut self, e: Entry) {
        match self.entries.iter_mut().find(|x| x.key() == e.key()) {
            Some(x) => {
                x.count += e.count;
                if e.reason.is_some() {
                    x.reason = e.reason;
                }
                if x.message.is_none() {
                    x.message = e.message;
                }
            }
            None => self.entries.push(e),
        }
    }

    fn sort(&mut self) {
        self.entries.sort_by(|a, b| a.key().cmp(&b.key()));
    }

    /// Removes what `stale` says matched nothing: the unmatched part of each count, and the
    /// entries left with none. Returns how many findings' worth of entries went.
    pub fn prune(&mut self, stale: &[Stale]) -> u64 {
        let mut removed = 0;
        for s in stale {
            if let Some(e) = self.entries.get_mut(s.entry) {
                let n = s.unmatched.min(e.count);
                e.count -= n;
                removed += n;
            }
        }
        self.entries.retain(|e| e.count > 0);
        removed
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read(path).map_err(|source| BaselineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let b: Baseline =
            serde_json::from_slice(&text).map_err(|source| BaselineError::Invalid {
                path: path.to_path_buf(),
                source,
            })?;
        if b.version != 1 {
            return Err(BaselineError::Version {
                path: path.to_path_buf(),
                version: b.version,
            });
        }
        Ok(b)
    }

    /// Writes the baseline atomically, never over something that is not a regular file (see
    /// [`crate::input::atomic`]).
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let fail = |source: io::Error| BaselineError::Write {
            path: path.to_path_buf(),
            source,
        };
        // serde_json's conversion keeps its message as the io::Error's.
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| fail(e.into()))?;
        json.push(b'\n');
        crate::input::atomic::write(path, |f| f.write_all(&json)).map_err(fail)
    }

    /// Which diagnostics an entry accepts: `hidden[i][j]` for diagnostic `j` of `reports[i]`
    /// (each entry accepts as many findings as its count, in report order), and the entries
    /// that accepted fewer than their count — only entries of the paths checked whose rule
    /// `judged` says ran (an entry of a rule left out by `--select` is not stale).
    pub fn matches(
        &self,
        reports: &[FileReport],
        keyed: &[Keyed],
        judged: impl Fn(&str) -> bool,
    ) -> (Vec<Vec<bool>>, Vec<Stale>) {
        let mut m = Matcher::new(self);
        let hidden = reports
            .iter()
            .zip(keyed)
            .map(|(r, k)| {
                r.diagnostics
                    .iter()
                    .zip(k.hashes.iter().map(Some).chain(std::iter::repeat(None)))
                    .map(|(d, h)| h.is_some_and(|h| m.accepts(&k.path, d.rule.code(), h)))
                    .collect()
            })
            .collect();
        let checked: std::collections::HashSet<&str> =
            keyed.iter().map(|k| k.path.as_str()).collect();
        (hidden, m.stale(&checked, judged))
    }

    /// Removes the diagnostics that match an entry (counting them in each report's
    /// `accepted`), and returns the stale entries (see [`Baseline::matches`]).
    pub fn apply(
        &self,
        reports: &mut [FileReport],
        keyed: &[Keyed],
        judged: impl Fn(&str) -> bool,
    ) -> Vec<Stale> {
        let (hidden, stale) = self.matches(reports, keyed, judged);
        for (r, hidden) in reports.iter_mut().zip(hidden) {
            let mut hidden = hidden.into_iter();
            let before = r.diagnostics.len();
            r.diagnostics.retain(|_| !hidden.next().unwrap_or(false));
            r.accepted += (before - r.diagnostics.len()) as u64;
        }
        stale
    }
}

/// Entries made one finding at a time, in any order: `check --write-baseline` reads the
/// findings once, as a stream. Memory is one entry per distinct (path, code, line hash).
#[derive(Default)]
pub struct Builder {
    counts: BTreeMap<(String, &'static str, String), (u64, String)>,
    findings: u64,
}

impl Builder {
    /// One finding of the file keyed `path`, on a line hashing to `hash`.
    pub fn add(&mut self, path: &str, d: &Diagnostic, hash: &str) {
        self.findings += 1;
        let key = (path.to_string(), d.rule.code(), hash.to_string());
        self.counts
            .entry(key)
            .or_insert_with(|| (0, d.message.clone()))
            .0 += 1;
    }

    /// Findings added.
    pub fn findings(&self) -> u64 {
        self.findings
    }

    pub fn finish(self) -> Baseline {
        Baseline {
            version: 1,
            entries: self
                .counts
                .into_iter()
                .map(|((path, code, hash), (count, message))| Entry {
                    path,
                    code: code.to_string(),
                    line_hash: hash,
                    message: Some(message),
                    reason: None,
                    count,
                })
                .collect(),
        }
    }
}

/// Which findings a baseline accepts, asked one finding at a time in report order: each entry
/// accepts as many findings as its count.
pub struct Matcher<'b> {
    base: &'b Baseline,
    /// What each key has left to accept: path → code → line hash (nested, so that a finding's
    /// borrowed strings look it up).
    left: HashMap<&'b str, HashMap<&'b str, HashMap<&'b str, u64>>>,
}

impl<'b> Matcher<'b> {
    pub fn new(base: &'b Baseline) -> Self {
        let mut left: HashMap<&str, HashMap<&str, HashMap<&str, u64>>> = HashMap::new();
        for e in &base.entries {
            let (p, c, h) = e.key();
            *left
                .entry(p)
                .or_default()
                .entry(c)
                .or_default()
                .entry(h)
                .or_default() += e.count;
        }
        Matcher { base, left }
    }

    fn left(&mut self, path: &str, code: &str, hash: &str) -> Option<&mut u64> {
        self.left.get_mut(path)?.get_mut(code)?.get_mut(hash)
    }

    /// Whether an entry accepts this finding (of the file keyed `path`, rule `code`, on a line
    /// hashing to `hash`); an accepting entry has one fewer left.
    pub fn accepts(&mut self, path: &str, code: &str, hash: &str) -> bool {
        match self.left(path, code, hash) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// The entries that accepted fewer than their count — only entries of the paths
    /// `checked` whose rule `judged` says ran (an entry of a rule left out by `--select` is not
    /// stale). Asked once every finding has been.
    pub fn stale(
        &mut self,
        checked: &std::collections::HashSet<&str>,
        judged: impl Fn(&str) -> bool,
    ) -> Vec<Stale> {
        // What is left of a key is taken from its entries in file order, the last first (the
        // first entry of a key keeps its count longest).
        let mut stale = Vec::new();
        for (i, e) in self.base.entries.iter().enumerate().rev() {
            let key = e.key();
            if !(checked.contains(key.0) && judged(key.1)) {
                continue;
            }
            if let Some(n) = self.left(key.0, key.1, key.2) {
                let unmatched = (*n).min(e.count);
                if unmatched > 0 {
                    *n -= unmatched;
                    stale.push(Stale {
                        entry: i,
                        unmatched,
                    });
                }
            }
        }
        stale.reverse();
        stale
    }
}

/// The line hash of each finding of a stream in output order (file-level first, then by line),
/// reading the input once, as far as the last finding's line.
pub struct LineHashes<R> {
    reader: BufReader<R>,
    /// Lines read so far.
    line: u64,
    last: Option<(u64, String)>,
    buf: Vec<u8>,
}

impl<R: Read> LineHashes<R> {
    pub fn new(input: R) -> Self {
        LineHashes {
            reader: BufReader::with_capacity(1 << 16, input),
            line: 0,
            last: None,
            buf: Vec::new(),
        }
    }

    /// The hash of `d`'s line, or [`FILE_LEVEL`].
    pub fn hash(&mut self, d: &Diagnostic) -> io::Result<String> {
        let Some(l) = d.location else {
            return Ok(FILE_LEVEL.to_string());
        };
        if let Some((n, h)) = &self.last {
            if *n == l.line {
                return Ok(h.clone());
            }
        }
        // Lines come in order; one before those read (never, for a sorted stream) or past the
        // end (a file that changed since) hashes empty, as a missing line does.
        let mut hash = line_hash(b"");
        if l.line > self.line {
            let mut at_end = false;
            while self.line + 1 < l.line {
                if !skip_line(&mut self.reader)? {
                    at_end = true;
                    break;
                }
                self.line += 1;
            }
            if !at_end {
                self.buf.clear();
                self.reader.read_until(b'\n', &mut self.buf)?;
                self.line = l.line;
                hash = line_hash(&self.buf);
            }
        }
        self.last = Some((l.line, hash.clone()));
        Ok(hash)
    }
}

/// The hash of one line's content (without its line ending).
pub fn line_hash(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(line))
}

/// The line hash of each diagnostic, reading `input` once and hashing only the lines that have
/// findings.
pub fn hashes<R: Read>(input: R, diagnostics: &[Diagnostic]) -> io::Result<Vec<String>> {
    let mut wanted: Vec<u64> = diagnostics
        .iter()
        .filter_map(|d| d.location.map(|l| l.line))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut by_line: HashMap<u64, String> = HashMap::with_capacity(wanted.len());
    if let Some(&last) = wanted.last() {
        let mut reader = BufReader::with_capacity(1 << 16, input);
        let mut buf = Vec::new();
        let mut next = wanted.iter().peekable();
        let mut line_no = 0u64;
        while line_no < last {
            line_no += 1;
            if next.peek() == Some(&&line_no) {
                buf.clear();
                reader.read_until(b'\n', &mut buf)?;
                by_line.insert(line_no, line_hash(&buf));
                next.next();
            } else if !skip_line(&mut reader)? {
                break;
            }
        }
    }
    Ok(diagnostics
        .iter()
        .map(|d| match d.location {
            None => FILE_LEVEL.to_string(),
            // A line past the end (cannot happen for a file that did not change) hashes empty.
            Some(l) => by_line
                .get(&l.line)
                .cloned()
                .unwrap_or_else(|| line_hash(b"")),
        })
        .collect())
}

/// Skips to the next line without copying; `false` at the end of the input.
fn skip_line<R: BufRead>(reader: &mut R) -> io::Result<bool> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(true);
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// The key of an input in a baseline stored at `baseline`: its path relative to the baseline's
/// folder when it lies below it, else `shown` (the name in diagnostics).
pub fn key_for(file: Option<&Path>, shown: &str, baseline: &Path) -> String {
    let relative = file.and_then(|f| {
        let file = std::fs::canonicalize(f).ok()?;
        let dir = baseline_dir(baseline)?;
        let rel = file.strip_prefix(dir).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    });
    relative.unwrap_or_else(|| shown.to_string())
}

fn baseline_dir(baseline: &Path) -> Option<PathBuf> {
    let dir = match baseline.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;
    use crate::rules::{Rule, RuleMeta, Severity};

    const R: RuleMeta = RuleMeta {
        rule: Rule::C005,
        name: "x",
        severity: Severity::Error,
        summary: "",
    };

    fn diag(line: Option<u64>) -> Diagnostic {
        let mut d = Diagnostic::file_level(&R, "m");
        d.location = line.map(|line| Location {
            line,
            column: 1,
            end_line: line,
            end_column: 1,
            byte_offset: 0,
            byte_length: 0,
        });
        d
    }

    #[test]
    fn hashes_only_needed_lines_ignoring_line_endings() {
        let input = b"a\r\nbad\nc\nbad";
        let ds = [diag(None), diag(Some(2)), diag(Some(4)), diag(Some(9))];
        let h = hashes(&input[..], &ds).unwrap();
        assert_eq!(h[0], FILE_LEVEL);
        assert_eq!(h[1], line_hash(b"bad"));
        assert_eq!(h[2], line_hash(b"bad"));
        assert_eq!(h[1], line_hash(b"bad\r\n"));
        assert_eq!(h[3], line_hash(b""));
        assert_ne!(line_hash(b"a"), line_hash(b"b"));
    }

    #[test]
    fn counts_are_honoured_and_stale_entries_counted() {
        let report = |n: usize| FileReport {
            path: "f".into(),
            diagnostics: (0..n).map(|_| diag(Some(1))).collect(),
            ..Default::default()
        };
        let keyed = |n: usize| Keyed {
            path: "f".into(),
            hashes: vec!["h".into(); n],
        };
        let base = Baseline::from_reports(&[report(2)], &[keyed(2)]);
        assert_eq!(base.entries.len(), 1);
        assert_eq!(base.entries[0].count, 2);
        let mut more = [report(3)];
        assert_eq!(base.apply(&mut more, &[keyed(3)], |_| true), []);
        assert_eq!(more[0].diagnostics.len(), 1);
        assert_eq!(more[0].accepted, 2);
        let mut fewer = [report(1)];
        assert_eq!(
            base.apply(&mut fewer, &[keyed(1)], |_| true),
            [Stale {
                entry: 0,
                unmatched: 1
            }]
        );
        assert!(fewer[0].diagnostics.is_empty());
        assert_eq!(fewer[0].accepted, 1);
        // Nor are entries of rules that did not run.
        assert_eq!(base.apply(&mut [report(0)], &[keyed(0)], |_| false), []);
        // Entries of files not checked are not stale.
        let mut other = [FileReport {
            path: "g".into(),
            ..Default::default()
        }];
        let k = [Keyed {
            path: "g".into(),
            hashes: vec![],
        }];
        assert_eq!(base.apply(&mut other, &k, |_| true), []);
        // Pruning takes the unmatched part of a count.
        let mut pruned = base.clone();
        assert_eq!(
            pruned.prune(&[Stale {
                entry: 0,
                unmatched: 1
            }]),
            1
        );
        assert_eq!(pruned.entries[0].count, 1);
        pruned.prune(&[Stale {
            entry: 0,
            unmatched: 1,
        }]);
        assert!(pruned.entries.is_empty());
    }

    fn entry(path: &str, code: &str, hash: &str, count: u64) -> Entry {
        Entry {
            path: path.into(),
            code: code.into(),
            line_hash: hash.into(),
            message: None,
            reason: None,
            count,
        }
    }

    #[test]
    fn writes_merge_and_keep_reasons() {
        let mut base = Baseline::empty();
        base.add(vec![Entry {
            reason: Some("a known quirk".into()),
            ..entry("f", "C002", "h1", 1)
        }]);
        // Rewriting C005 for `f` keeps the C002 entry.
        base.replace_judged(
            Baseline {
                version: 1,
                entries: vec![entry("f", "C005", "h2", 1)],
            },
            |e| e.code == "C005",
        );
        assert_eq!(base.entries.len(), 2);
        // Rewriting C002 with the same key keeps its reason; a new key has none.
        base.replace_judged(
            Baseline {
                version: 1,
                entries: vec![entry("f", "C002", "h1", 2), entry("f", "C002", "h3", 1)],
            },
            |e| e.code == "C002",
        );
        let c002: Vec<_> = base.entries.iter().filter(|e| e.code == "C002").collect();
        assert_eq!(c002.len(), 2);
        assert_eq!(c002[0].reason.as_deref(), Some("a known quirk"));
        assert_eq!(c002[0].count, 2);
        assert_eq!(c002[1].reason, None);
        // Adding to a key adds to its count.
        base.add(vec![entry("f", "C005", "h2", 1)]);
        assert_eq!(
            base.entries
                .iter()
                .find(|e| e.code == "C005")
                .unwrap()
                .count,
            2
        );
    }

    #[test]
    fn round_trips_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let base = Baseline {
            version: 1,
            entries: vec![Entry {
                path: "p".into(),
                code: "J002".into(),
                line_hash: line_hash(b"x"),
                message: None,
                reason: Some("upstream data; fixed in v2".into()),
                count: 1,
            }],
        };
        base.write(&path).unwrap();
        assert_eq!(Baseline::load(&path).unwrap(), base);
        std::fs::write(&path, "{\"version\": 2, \"entries\": []}").unwrap();
        let e = Baseline::load(&path).unwrap_err();
        assert!(matches!(e, BaselineError::Version { version: 2, .. }));
        assert!(e.to_string().contains("version 2"), "{e}");
        std::fs::write(&path, "nope").unwrap();
        assert!(matches!(
            Baseline::load(&path),
            Err(BaselineError::Invalid { .. })
        ));
    }
}
