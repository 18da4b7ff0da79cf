//! `--fix`: applies the fixes the selected rules' findings carry (see `diagnostic::Fix`).
//!
//! A rule defines its fix once, beside its detection, and `--fix` applies the `safe` edits of
//! the selected rules' findings here. Today four rules have one — J004 `blank-line` (drop the
//! line), J005 `byte-order-mark` (drop the BOMs), J006 `crlf-line-ending` (`\r\n` → `\n`, every
//! `\r` before the newline), J010 `missing-final-newline` (end the last line like the file's
//! other lines) — all of the raw-line phase, so a fix run stops there and never parses JSON.
//!
//! Each line is checked, its edits applied, and checked again until no fix is left (a few
//! rounds at most) — a BOM on a line that follows dropped blank lines is at the
//! start of the fixed file and goes too, as do repeated `\r`s before a `\n` — so after a fix
//! those four rules have nothing left to report (a property test checks this on random input).
//!
//! The file is streamed line by line (memory is bounded by the longest line, never the file).
//! Nothing is written until the first line that changes: then a temporary file is created
//! beside the original (`.<name>.ftlint-fix.<random>.tmp`), the unchanged prefix is copied
//! into it, and the rest is written fixed as it is read. The temporary file gets the original's
//! permissions, is fsynced, and is renamed over the original, then the folder is fsynced. A
//! kill at any instant leaves the original either untouched or fully fixed; a leftover
//! temporary file is removed by the next `--fix` of the same file, and directory walks never
//! pick it up (it is hidden and does not end in `.jsonl`).
//!
//! Who may fix a file is what the OS says, not what its mode bits seem to say: the file is
//! opened for writing first (ACLs, another user's file, a read-only mount all refuse there), and
//! a file marked read-only is refused even for root. The fixed copy gets the original's owner
//! and group before it replaces it; where that is not allowed (a user fixing a file another
//! user owns but lets them write), the file is left as it is and the run says why.
//!
//! Two `--fix` runs of one file take turns: each holds an exclusive lock (`flock`) on the file
//! while it fixes it, and a run that had to wait says so and fixes what is left (nothing, when
//! the other run fixed it). The lock is advisory: it orders ftlint runs, not other editors.
//!
//! Limitations, as with any rename-based editor: a hard-linked file is split from its other
//! names. A symbolic link is followed: the file it points at is fixed and the link stays.

use crate::diagnostic::{apply_edits, Applicability, Rule, RuleSet};
use crate::engine::line::{check_line, RawInput};
use crate::engine::{DatasetLimits, Options};
use crate::format::FormatChoice;
use crate::input::reader;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The marker in leftover temporary files' names: `.<name>.ftlint-fix.<random>.tmp`.
pub const TEMP_MARKER: &str = ".ftlint-fix.";

/// Fixing a line takes rounds (a fix may expose another, as a dropped blank line exposes a
/// BOM); a line that still changes after this many is left as the last round made it.
const MAX_ROUNDS: usize = 8;

/// Which rules' fixes to apply: the selected rules that have a fix.
#[derive(Debug, Clone)]
pub struct Fixes {
    rules: RuleSet,
    /// Unsafe fixes too (`--unsafe-fixes`).
    unsafe_ok: bool,
    /// Rules whose fix drops repeated examples (their dataset note is the content hash).
    drops_repeats: RuleSet,
    /// The engine run with only those rules, stopping after the raw-line phase when that is
    /// all they need.
    opts: Options,
}

impl Fixes {
    /// The safe fixes of the rules in `set` that have one.
    pub fn from_selection(set: &RuleSet) -> Fixes {
        Fixes::new(set, false, FormatChoice::Auto)
    }

    /// The fixes of the rules in `set` that have one — the unsafe ones only with `unsafe_ok`
    /// (`--unsafe-fixes`) — for data of `format`.
    pub fn new(set: &RuleSet, unsafe_ok: bool, format: FormatChoice) -> Fixes {
        let rules: RuleSet = set
            .iter()
            .filter(|r| {
                let def = crate::rules::def(*r);
                def.fixed.is_some() && (unsafe_ok || !def.unsafe_fix)
            })
            .collect();
        let drops_repeats = rules
            .iter()
            .filter(|r| crate::rules::def(*r).drops_repeats)
            .collect();
        let mut opts = Options::rules_only(rules, format, DatasetLimits::NONE);
        opts.framing_only = opts.plan.needs_only_raw();
        Fixes {
            rules,
            unsafe_ok,
            drops_repeats,
            opts,
        }
    }

    /// The fixes as `target` wants them (a target that asks for a BOM adds one instead of
    /// removing it).
    pub fn for_target(mut self, target: std::sync::Arc<crate::targets::Target>) -> Fixes {
        self.opts.target = target;
        self
    }

    /// These fixes for a file that `opts` (the run's options for that file, see
    /// `Options::for_file`) reads through a LLaMA-Factory `dataset_info.json` entry: the file's
    /// lines are checked under the entry's names and format, so no fix written for the default
    /// names (an "unknown" key that is the user's mapped column) touches them.
    pub fn for_file_options(&self, opts: &Options) -> std::borrow::Cow<'_, Fixes> {
        match &opts.mapping {
            None => std::borrow::Cow::Borrowed(self),
            Some(m) => {
                let mut f = self.clone();
                f.opts.mapping = Some(m.clone());
                f.opts.format = opts.format;
                std::borrow::Cow::Owned(f)
            }
        }
    }

    /// Every fix there is.
    pub fn all() -> Fixes {
        Fixes::from_selection(&RuleSet::all())
    }

    /// The fixes of these rules alone.
    pub fn only(rules: &[Rule]) -> Fixes {
        Fixes::from_selection(&rules.iter().copied().collect())
    }

    pub fn any(&self) -> bool {
        !self.rules.is_empty()
    }
}

/// What a fix changed (or, in a dry run, would change): how many fixes of each rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FixCounts(BTreeMap<Rule, u64>);

impl FixCounts {
    pub fn get(&self, rule: Rule) -> u64 {
        self.0.get(&rule).copied().unwrap_or(0)
    }

    pub fn add(&mut self, rule: Rule, n: u64) {
        *self.0.entry(rule).or_default() += n;
    }

    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: FixCounts) {
        for (rule, n) in other.0 {
            self.add(rule, n);
        }
    }

    /// `removed 2 blank lines, removed the byte order mark, …`: each rule says what its fixes
    /// did, in catalog order.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(rule, n)| crate::rules::def(*rule).fixed.map(|said| said(*n)))
            .collect();
        parts.join(", ")
    }
}

/// A repeat-dropping rule and the content hash it noted for a line.
type RepeatKey = (Rule, u128);

/// The fixed form of one line (`raw` includes its `\n`, if any), or `None` when nothing
/// changes, and the content hashes the repeat-dropping rules noted for the fixed line. The line
/// is checked by the selected rules with fixes and their edits (safe ones, and unsafe ones with
/// `--unsafe-fixes`) are applied, round after round, until none is left. `first`: nothing has been written before
/// this line, so a BOM here is at the start of the fixed file (after dropped blank lines too).
/// `prev_crlf`: the fixed file's line ending so far.
fn fix_line<'a>(
    raw: &'a [u8],
    first: bool,
    fixes: &Fixes,
    prev_crlf: bool,
    counts: &mut FixCounts,
) -> (Option<Cow<'a, [u8]>>, Vec<RepeatKey>) {
    let mut line: Cow<'a, [u8]> = Cow::Borrowed(raw);
    let mut repeats = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let has_newline = line.ends_with(b"\n");
        let body = &line[..line.len() - usize::from(has_newline)];
        let out = check_line(
            RawInput {
                bytes: body,
                line: 1,
                offset: 0,
                first_in_file: first,
                has_newline,
                prev_crlf,
            },
            &fixes.opts,
        );
        // The notes of the line as it now is (the last round's are of the fixed line).
        repeats.clear();
        if !fixes.drops_repeats.is_empty() {
            for (i, note) in &out.summary.notes {
                let rule = fixes.opts.plan.dataset[*i].meta.rule;
                if let (true, crate::rules::Note::Hash(h)) =
                    (fixes.drops_repeats.contains(rule), note)
                {
                    repeats.push((rule, *h));
                }
            }
        }
        let fixable: Vec<_> = out
            .diagnostics
            .iter()
            .filter_map(|d| Some((d.rule.rule, d.fix.as_ref()?)))
            .filter(|(_, f)| f.applicability == Applicability::Safe || fixes.unsafe_ok)
            // A dataset rule's fix is applied below, over the file, not per line.
            .filter(|(rule, _)| !fixes.drops_repeats.contains(*rule))
            .collect();
        // A fix counts as applied when its first edit is (every fix today has one edit).
        let edits: Vec<_> = fixable.iter().flat_map(|(_, f)| &f.edits).collect();
        let (fixed, applied) = apply_edits(&line, &edits);
        if applied.is_empty() {
            break;
        }
        let mut first_edit = 0;
        for (rule, fix) in &fixable {
            if applied.contains(&first_edit) {
                counts.add(*rule, 1);
            }
            first_edit += fix.edits.len();
        }
        line = Cow::Owned(fixed);
        if line.is_empty() {
            break;
        }
    }
    let fixed = match line {
        Cow::Borrowed(_) => None,
        Cow::Owned(l) => Some(Cow::Owned(l)),
    };
    (fixed, repeats)
}

/// Reads `input` line by line and calls `emit(original, fixed)` for each: `fixed` is `None`
/// when the line is unchanged. The return value counts the fixes made.
///
/// A file that is one JSON array (J012, with `--unsafe-fixes`) is read whole and, when it is a
/// valid array, emitted once, as JSON Lines ([`array_to_jsonl`]).
pub fn fix_lines<R: BufRead>(
    mut input: R,
    fixes: &Fixes,
    mut emit: impl FnMut(&[u8], Option<&[u8]>) -> io::Result<()>,
) -> io::Result<FixCounts> {
    if fixes.rules.contains(Rule::J012) && starts_an_array(input.fill_buf()?) {
        let mut all = Vec::new();
        input.read_to_end(&mut all)?;
        if let Some(jsonl) = array_to_jsonl(&all) {
            emit(&all, Some(&jsonl))?;
            let mut counts = FixCounts::default();
            counts.add(Rule::J012, 1);
            return Ok(counts);
        }
        return fix_line_by_line(io::Cursor::new(all), fixes, emit);
    }
    fix_line_by_line(input, fixes, emit)
}

/// Whether the file's first bytes (after a BOM and whitespace) open a JSON array.
fn starts_an_array(head: &[u8]) -> bool {
    let head = head.strip_prefix(BOM).unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'[')
}

/// A file holding one JSON array, as JSON Lines: each element on a line of its own, its text as
/// written but for the whitespace between tokens (key order, numbers and escapes kept). A BOM
/// that started the file starts the result. `None` when the file is not one valid JSON array.
pub fn array_to_jsonl(file: &[u8]) -> Option<Vec<u8>> {
    let (bom, body) = match file.strip_prefix(BOM) {
        Some(rest) => (true, rest),
        None => (false, file),
    };
    let text = std::str::from_utf8(body).ok()?;
    // Validity first: the splitting below trusts the JSON grammar.
    if !serde_json::from_str::<serde_json::Value>(text)
        .ok()?
        .is_array()
    {
        return None;
    }
    let mut out = Vec::with_capacity(body.len());
    if bom {
        out.extend_from_slice(BOM);
    }
    let start = text.find('[')? + 1;
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut element = String::new();
    for c in text[start..].chars() {
        if in_string {
            element.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            ' ' | '\t' | '\n' | '\r' => {}
            '"' => {
                in_string = true;
                element.push(c);
            }
            '[' | '{' => {
                depth += 1;
                element.push(c);
            }
            ']' | '}' if depth > 0 => {
                depth -= 1;
                element.push(c);
            }
            // The array's own end, or a comma between its elements.
            ']' | ',' if depth == 0 => {
                if !element.is_empty() {
                    out.extend_from_slice(element.as_bytes());
                    out.push(b'\n');
                    element.clear();
                }
                if c == ']' {
                    break;
                }
            }
            _ => element.push(c),
        }
    }
    Some(out)
}

fn fix_line_by_line<R: BufRead>(
    mut input: R,
    fixes: &Fixes,
    mut emit: impl FnMut(&[u8], Option<&[u8]>) -> io::Result<()>,
) -> io::Result<FixCounts> {
    let mut counts = FixCounts::default();
    let mut buf = Vec::new();
    let mut first = true;
    let mut prev_crlf = false;
    // Content hashes seen so far, per repeat-dropping rule: the file-level fix (D003).
    let mut seen: std::collections::HashSet<RepeatKey> = std::collections::HashSet::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let mut line_counts = FixCounts::default();
        let (mut fixed, repeats) = fix_line(&buf, first, fixes, prev_crlf, &mut line_counts);
        let mut dropped = false;
        for key in repeats {
            if !seen.insert(key) && !dropped {
                counts.add(key.0, 1);
                dropped = true;
            }
        }
        if dropped {
            // The line goes: what was fixed on it is not said.
            fixed = Some(Cow::Borrowed(&[]));
        } else {
            counts.merge(line_counts);
        }
        emit(&buf, fixed.as_deref())?;
        let written = fixed.as_deref().unwrap_or(&buf);
        first = first && written.is_empty();
        prev_crlf = reader::after_line(prev_crlf, written);
    }
    Ok(counts)
}

/// Fixes `path` in place (see the module documentation). Returns what changed; a file with
/// nothing to fix is not touched at all.
pub fn fix_file(path: &Path, fixes: &Fixes) -> io::Result<FixCounts> {
    fix_file_with(path, fixes, || {})
}

/// [`fix_file`], calling `waiting` once if another process is fixing the file (before waiting
/// for it to finish).
pub fn fix_file_with(path: &Path, fixes: &Fixes, waiting: impl FnOnce()) -> io::Result<FixCounts> {
    if !fixes.any() {
        return Ok(FixCounts::default());
    }
    // Follow a symlink so that the link stays a link.
    let target = std::fs::canonicalize(path)?;
    let (original, meta) = open_locked(&target, waiting)?;
    let dir = target
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}{TEMP_MARKER}");
    // Under the lock: no other ftlint is writing one of these now.
    remove_leftovers(&dir, &prefix);

    let input = BufReader::with_capacity(1 << 20, &original);
    let mut writer: Option<BufWriter<tempfile::NamedTempFile>> = None;
    let mut unchanged_prefix = 0u64;
    let counts = fix_lines(input, fixes, |before, after| {
        match (&mut writer, after) {
            (None, None) => unchanged_prefix += before.len() as u64,
            (None, Some(after)) => {
                let tmp = tempfile::Builder::new()
                    .prefix(&prefix)
                    .suffix(".tmp")
                    .tempfile_in(&dir)?;
                let mut w = BufWriter::with_capacity(1 << 20, tmp);
                // The lines before the first change, copied as they are.
                let mut head = File::open(&target)?.take(unchanged_prefix);
                io::copy(&mut head, &mut w)?;
                w.write_all(after)?;
                writer = Some(w);
            }
            (Some(w), after) => w.write_all(after.unwrap_or(before))?,
        }
        Ok(())
    })?;
    let Some(w) = writer else {
        return Ok(counts);
    };
    let tmp = w.into_inner().map_err(|e| e.into_error())?;
    keep_owner(tmp.as_file(), &meta)?;
    tmp.as_file().set_permissions(meta.permissions())?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    sync_dir(&dir);
    // The lock goes with `original`, after the rename.
    drop(original);
    Ok(counts)
}

/// Opens `target` for reading and writing — the OS's own answer to whether this user may change
/// it — and locks it against other `--fix` runs. Refuses what is not a regular file and what
/// is marked read-only. After waiting for a lock, the file at the path may be the other run's
/// fixed copy: then that one is opened and locked instead.
fn open_locked(target: &Path, waiting: impl FnOnce()) -> io::Result<(File, std::fs::Metadata)> {
    let mut waiting = Some(waiting);
    loop {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Never wait for a FIFO's reader; the type is checked on the handle below.
            options.custom_flags(libc::O_NONBLOCK);
        }
        // Marked read-only: refused whoever runs it (root may write it, but its owner said no).
        let marked = std::fs::metadata(target)?;
        if marked.is_file() && marked.permissions().readonly() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the file is read-only; not fixed",
            ));
        }
        let file = options.open(target).map_err(|e| match e.kind() {
            io::ErrorKind::PermissionDenied => io::Error::new(
                io::ErrorKind::PermissionDenied,
                "you may not write this file (permission denied); not fixed",
            ),
            io::ErrorKind::ReadOnlyFilesystem => io::Error::new(
                io::ErrorKind::ReadOnlyFilesystem,
                "the file system is read-only; not fixed",
            ),
            _ => e,
        })?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(io::Error::other("not a regular file"));
        }
        if meta.permissions().readonly() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the file is read-only; not fixed",
            ));
        }
        if lock(&file, false)? {
            return Ok((file, meta));
        }
        if let Some(w) = waiting.take() {
            w();
        }
        lock(&file, true)?;
        if same_file(&meta, &std::fs::metadata(target)?) {
            return Ok((file, meta));
        }
        // The other run replaced it: fix its result (usually nothing is left to fix).
    }
}

/// An exclusive advisory lock; `false` when another process holds one and `wait` is false.
#[cfg(unix)]
fn lock(file: &File, wait: bool) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    let op = libc::LOCK_EX | if wait { 0 } else { libc::LOCK_NB };
    loop {
        // SAFETY: the descriptor is open for as long as `file` lives.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) if !wait => return Ok(false),
            // File systems without locks: go on unlocked, as before there were locks.
            Some(libc::ENOLCK | libc::EOPNOTSUPP) => return Ok(true),
            _ => return Err(e),
        }
    }
}

#[cfg(not(unix))]
fn lock(_: &File, _: bool) -> io::Result<bool> {
    Ok(true)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// Gives the fixed copy the original's owner and group; refuses (the original is then left as
/// it is) when this user may not.
#[cfg(unix)]
fn keep_owner(tmp: &File, original: &std::fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mine = tmp.metadata()?;
    if (mine.uid(), mine.gid()) == (original.uid(), original.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(tmp, Some(original.uid()), Some(original.gid())).map_err(|e| {
        let whose = if mine.uid() != original.uid() {
            format!("user {}", original.uid())
        } else {
            format!("group {}", original.gid())
        };
        io::Error::new(
            e.kind(),
            format!(
                "the file belongs to {whose}, and its fixed copy could not be given that owner ({}); not fixed: run the fix as its owner",
                crate::input::io_reason(&e)
            ),
        )
    })
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &std::fs::Metadata) -> io::Result<()> {
    Ok(())
}

/// Removes temporary files a killed `--fix` of the same file left behind. Best effort: a file
/// that cannot be removed is left alone (it is never mistaken for data).
fn remove_leftovers(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(prefix) && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Makes the rename durable. Not possible (nor needed) on every platform: best effort.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Writes a unified-diff-style preview of the fix of `reader` (shown as `name`) to `out`:
/// only changed lines, grouped into hunks with line numbers; a `\r` shows as `␍`, a BOM as
/// `<BOM>`, and a missing final newline as diff's `\ No newline at end of file`. Lines longer
/// than 160 characters are shortened in the middle. Nothing is written for an unchanged file.
/// Memory stays bounded: a hunk holds at most [`HUNK_LINES`] shortened lines.
pub fn preview<R: BufRead>(
    name: &str,
    reader: R,
    fixes: &Fixes,
    out: &mut dyn Write,
) -> io::Result<FixCounts> {
    let mut line = 0u64;
    let mut new_line = 0u64;
    let mut header = false;
    let mut hunk = Hunk::default();
    let counts = fix_lines(reader, fixes, |before, after| {
        line += 1;
        match after {
            None => {
                new_line += 1;
                hunk.flush(out, name, &mut header)?;
            }
            Some(after) => {
                if hunk.lines.is_empty() {
                    hunk.start = (line, new_line + 1);
                }
                // A dropped first line may leave its unfixed BOM behind: still a dropped line.
                let kept = (!after.is_empty() && after != BOM).then(|| shown(after));
                if kept.is_some() {
                    new_line += 1;
                }
                hunk.lines.push((shown(before), kept));
                if hunk.lines.len() >= HUNK_LINES {
                    hunk.flush(out, name, &mut header)?;
                }
            }
        }
        Ok(())
    })?;
    hunk.flush(out, name, &mut header)?;
    Ok(counts)
}

/// The most lines a preview hunk holds; a longer run of changes is cut into several hunks.
pub const HUNK_LINES: usize = 64;

/// A line as the preview shows it: visible `\r` and BOM, shortened; and whether it had a `\n`.
type Shown = (String, bool);

#[derive(Default)]
struct Hunk {
    /// First line's number in the original and the fixed file.
    start: (u64, u64),
    /// Each changed line: before, and after (`None`: dropped).
    lines: Vec<(Shown, Option<Shown>)>,
}

impl Hunk {
    fn flush(&mut self, out: &mut dyn Write, name: &str, header: &mut bool) -> io::Result<()> {
        if self.lines.is_empty() {
            return Ok(());
        }
        if !*header {
            writeln!(out, "--- {name}\n+++ {name} (fixed)")?;
            *header = true;
        }
        let (old_start, new_start) = self.start;
        let old_len = self.lines.len() as u64;
        let new_len = self.lines.iter().filter(|(_, a)| a.is_some()).count() as u64;
        let range = |start: u64, len: u64| match len {
            1 => format!("{start}"),
            // An empty range names the line before it, as unified diffs do.
            0 => format!("{},0", start - 1),
            n => format!("{start},{n}"),
        };
        writeln!(
            out,
            "@@ -{} +{} @@",
            range(old_start, old_len),
            range(new_start, new_len)
        )?;
        for (before, _) in &self.lines {
            write_diff_line(out, '-', before)?;
        }
        for after in self.lines.iter().filter_map(|(_, a)| a.as_ref()) {
            write_diff_line(out, '+', after)?;
        }
        self.lines.clear();
        Ok(())
    }
}

fn shown(raw: &[u8]) -> Shown {
    const MAX: usize = 160;
    let (body, newline) = match raw.strip_suffix(b"\n") {
        Some(b) => (b, true),
        None => (raw, false),
    };
    let visible = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace('\u{feff}', "<BOM>")
            .replace('\r', "␍")
    };
    let head = |s: &str| s.chars().take(100).collect::<String>();
    let tail = |s: &str| {
        let n = s.chars().count();
        s.chars().skip(n.saturating_sub(40)).collect::<String>()
    };
    // Secrets are masked in the whole line before it is cut, so that a key at the edge of
    // what is shown cannot be printed in part either: the diff shows what `check` shows.
    let text = crate::sensitive::mask_secrets_in_raw(&visible(body)).into_owned();
    let text = if text.chars().count() > MAX {
        format!("{} … {}", head(&text), tail(&text))
    } else {
        text
    };
    (text, newline)
}

fn write_diff_line(out: &mut dyn Write, sign: char, (text, newline): &Shown) -> io::Result<()> {
    writeln!(out, "{sign}{text}")?;
    if !newline {
        writeln!(out, "\\ No newline at end of file")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(input: &[u8], fixes: Fixes) -> (Vec<u8>, FixCounts) {
        let mut out = Vec::new();
        let counts = fix_lines(input, &fixes, |b, a| {
            out.extend_from_slice(a.unwrap_or(b));
            Ok(())
        })
        .unwrap();
        (out, counts)
    }

    fn only(rule: Rule) -> Fixes {
        Fixes::only(&[rule])
    }

    #[test]
    fn each_fix_alone() {
        let input = b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \t\r\n{\"b\":2}";
        let (out, c) = fixed(input, only(Rule::J005));
        assert_eq!(out, b"{\"a\":1}\r\n\n  \t\r\n{\"b\":2}");
        assert_eq!(c.get(Rule::J005), 1);
        let (out, c) = fixed(input, only(Rule::J006));
        assert_eq!(out, b"\xEF\xBB\xBF{\"a\":1}\n\n  \t\n{\"b\":2}");
        assert_eq!(c.get(Rule::J006), 2);
        let (out, c) = fixed(input, only(Rule::J004));
        assert_eq!(out, b"\xEF\xBB\xBF{\"a\":1}\r\n{\"b\":2}");
        assert_eq!(c.get(Rule::J004), 2);
        let (out, c) = fixed(input, only(Rule::J010));
        // The file uses CRLF and that is not being fixed: the new ending matches.
        assert_eq!(out, b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \t\r\n{\"b\":2}\r\n");
        assert_eq!(c.get(Rule::J010), 1);
        let (out, c) = fixed(input, Fixes::all());
        assert_eq!(out, b"{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(c.total(), 1 + 1 + 2 + 1);
    }

    #[test]
    fn final_newline_follows_a_crlf_file_when_crlf_is_kept() {
        let (out, _) = fixed(b"a\r\nb", only(Rule::J010));
        assert_eq!(out, b"a\r\nb\r\n");
        let (out, _) = fixed(b"a\r\nb\r", only(Rule::J010));
        assert_eq!(out, b"a\r\nb\r\n");
        let (out, _) = fixed(b"a\r\nb\r", Fixes::all());
        assert_eq!(out, b"a\nb\n");
    }

    #[test]
    fn blank_first_line_keeps_an_unfixed_bom() {
        let fixes = only(Rule::J004);
        let (out, _) = fixed(b"\xEF\xBB\xBF \n{}\n", fixes);
        assert_eq!(out, b"\xEF\xBB\xBF{}\n");
        let (out, _) = fixed(b"\xEF\xBB\xBF \n{}\n", Fixes::all());
        assert_eq!(out, b"{}\n");
    }

    #[test]
    fn a_trailing_blank_line_without_newline_is_dropped_not_terminated() {
        let (out, c) = fixed(b"{}\n  ", Fixes::all());
        assert_eq!(out, b"{}\n");
        assert_eq!((c.get(Rule::J004), c.get(Rule::J010)), (1, 0));
    }

    #[test]
    fn clean_and_odd_inputs_are_unchanged() {
        for input in [
            &b""[..],
            b"{}\n",
            b"{}\n{}\n",
            b"a\rb\n",
            b" x \n",
            b"\xff\xfe\n",
        ] {
            let (out, c) = fixed(input, Fixes::all());
            assert_eq!(out, input);
            assert_eq!(c.total(), 0);
        }
        // A BOM later in the file is content, not a BOM.
        let (out, _) = fixed(b"{}\n\xEF\xBB\xBF{}\n", Fixes::all());
        assert_eq!(out, b"{}\n\xEF\xBB\xBF{}\n");
    }

    #[test]
    fn fixing_twice_changes_nothing_more() {
        let input = b"\xEF\xBB\xBF\r\n{\"a\":1}\r\n\r\n \n{\"b\":2}\r";
        let (once, _) = fixed(input, Fixes::all());
        let (twice, c) = fixed(&once, Fixes::all());
        assert_eq!(once, twice);
        assert_eq!(c.total(), 0);
    }

    #[test]
    fn a_json_array_becomes_json_lines_as_written() {
        let file = "\u{feff}[\n  {\"b\": 1, \"a\": \"x, ] { \\\" y\"},\n  {\"messages\": [\n    {\"role\": \"user\", \"content\": \"1.50\"}\n  ], \"n\": 1.50}\n,\n  [1, 2], 3\n]\n";
        let out = array_to_jsonl(file.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{feff}{\"b\":1,\"a\":\"x, ] { \\\" y\"}\n{\"messages\":[{\"role\":\"user\",\"content\":\"1.50\"}],\"n\":1.50}\n[1,2]\n3\n"
        );
        // Not one valid array: left alone.
        assert_eq!(array_to_jsonl(b"[{\"a\": 1},"), None);
        assert_eq!(array_to_jsonl(b"{\"a\": 1}"), None);
        assert_eq!(array_to_jsonl(b"[]"), Some(Vec::new()));
        // Through the fix: only with the unsafe fixes, and said as one fix.
        let (out, c) = fixed(
            file.as_bytes(),
            Fixes::new(
                &[Rule::J012].into_iter().collect(),
                true,
                FormatChoice::Auto,
            ),
        );
        assert!(
            out.starts_with(b"\xEF\xBB\xBF{\"b\":1,"),
            "{}",
            String::from_utf8_lossy(&out)
        );
        assert_eq!(c.get(Rule::J012), 1);
        let (out, c) = fixed(file.as_bytes(), Fixes::only(&[Rule::J012]));
        assert_eq!(out, file.as_bytes());
        assert_eq!(c.total(), 0);
    }

    #[test]
    fn preview_shows_changed_lines_only() {
        let input = b"\xEF\xBB\xBF{\"a\":1}\r\n{\"ok\":0}\n\n\n{\"b\":2}";
        let mut out = Vec::new();
        let c = preview("t.jsonl", &input[..], &Fixes::all(), &mut out).unwrap();
        assert_eq!(c.total(), 5);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "--- t.jsonl\n+++ t.jsonl (fixed)\n\
             @@ -1 +1 @@\n-<BOM>{\"a\":1}␍\n+{\"a\":1}\n\
             @@ -3,3 +3 @@\n-\n-\n-{\"b\":2}\n\\ No newline at end of file\n+{\"b\":2}\n"
        );
        let mut out = Vec::new();
        preview("t.jsonl", &b"{}\n"[..], &Fixes::all(), &mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn preview_shortens_long_lines_and_cuts_long_runs_into_hunks() {
        let long = format!("{{\"a\": \"{}\"}}\r\n", "é".repeat(5000));
        let mut input = String::new();
        for _ in 0..(HUNK_LINES + 1) {
            input.push_str(&long);
        }
        let mut out = Vec::new();
        let c = preview("t.jsonl", input.as_bytes(), &Fixes::all(), &mut out).unwrap();
        assert_eq!(c.get(Rule::J006), HUNK_LINES as u64 + 1);
        let text = String::from_utf8(out).unwrap();
        let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("@@")).collect();
        assert_eq!(
            headers,
            [
                format!("@@ -1,{HUNK_LINES} +1,{HUNK_LINES} @@"),
                format!("@@ -{0} +{0} @@", HUNK_LINES + 1)
            ]
        );
        let first = text.lines().find(|l| l.starts_with("-{")).unwrap();
        assert!(first.chars().count() < 150, "{first}");
        assert!(
            first.starts_with("-{\"a\": \"éé") && first.ends_with("éé\"}␍"),
            "{first}"
        );
        assert!(!text.contains('\u{fffd}'));
    }

    /// The four rules, as the engine checks them, on `data`.
    fn framing_findings(data: &[u8]) -> Vec<&'static str> {
        let opts = crate::engine::Options::rules_only(
            [Rule::J004, Rule::J005, Rule::J006, Rule::J010]
                .into_iter()
                .collect(),
            crate::format::FormatChoice::default(),
            crate::engine::DatasetLimits::NONE,
        );
        let report = crate::engine::check_reader("t".into(), data, &opts).unwrap();
        report.diagnostics.iter().map(|d| d.rule.code()).collect()
    }

    proptest::proptest! {
        /// Whatever the framing, a fix leaves nothing for the four rules to report, keeps every
        /// non-blank line's content, and a second fix has nothing to do.
        #[test]
        fn fixed_files_pass_the_framing_rules(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    &b"\xEF\xBB\xBF"[..], b"\r", b"\n", b"\r\n", b" ", b"\t", b"{}", b"x", b"\xff",
                ]),
                0..24,
            ),
            bom in proptest::bool::ANY,
        ) {
            let mut input = if bom { BOM.to_vec() } else { Vec::new() };
            pieces.iter().for_each(|p| input.extend_from_slice(p));
            let (out, _) = fixed(&input, Fixes::all());
            proptest::prop_assert_eq!(framing_findings(&out), Vec::<&str>::new());
            let (again, c) = fixed(&out, Fixes::all());
            proptest::prop_assert_eq!(&again, &out);
            proptest::prop_assert_eq!(c.total(), 0);
            // The non-blank lines without their endings, and without BOMs at the start of
            // the first one.
            let content = |data: &[u8]| -> Vec<Vec<u8>> {
                let blank = |l: &[u8]| l.iter().all(|b| matches!(b, b' ' | b'\t'));
                let mut lines: Vec<Vec<u8>> = data
                    .split(|b| *b == b'\n')
                    .map(|l| {
                        let end = l.iter().rposition(|b| *b != b'\r').map_or(0, |i| i + 1);
                        l[..end].to_vec()
                    })
                    .filter(|l| !blank(l))
                    .collect();
                while let Some(first) = lines.first_mut() {
                    if !first.starts_with(BOM) {
                        break;
                    }
                    while first.starts_with(BOM) {
                        first.drain(..BOM.len());
                    }
                    if blank(first) {
                        lines.remove(0);
                    }
                }
                lines
            };
            proptest::prop_assert_eq!(content(&out), content(&input));
        }
    }

    proptest::proptest! {
        /// Whatever the spacing and wherever unknown keys stand (first, last, between known
        /// ones, in messages), the unsafe fixes leave one valid JSON object per line with none
        /// of them left, roles renamed, and the known keys' values as they were.
        #[test]
        fn unsafe_fixes_leave_valid_json(
            extra_top in proptest::collection::vec(0usize..3, 0..4),
            extra_msg in proptest::collection::vec(0usize..3, 0..3),
            role in proptest::sample::select(vec!["human", "gpt", "bot", "model", "user"]),
            sp in proptest::sample::select(vec!["", " ", "  ", "\t"]),
            first in proptest::bool::ANY,
        ) {
            let names = ["id", "source", "meta"];
            let member = |k: &str| format!("\"{k}\"{sp}:{sp}[1,{sp}{{\"x\":{sp}\"a,b\"}}]");
            let mut msg = vec![
                format!("\"role\"{sp}:{sp}\"{role}\""),
                format!("\"content\":{sp}\"hi\""),
            ];
            msg.extend(extra_msg.iter().map(|i| member(&format!("m{}", names[*i]))));
            let messages = format!("\"messages\":{sp}[{sp}{{{}}}{sp}]", msg.join(&format!(",{sp}")));
            let mut top: Vec<String> = extra_top.iter().map(|i| member(names[*i])).collect();
            if first { top.insert(0, messages) } else { top.push(messages) }
            let line = format!("{{{sp}{}{sp}}}\n", top.join(&format!("{sp},{sp}")));
            let fixes = Fixes::new(
                &[Rule::C002, Rule::C005, Rule::C008].into_iter().collect(),
                true,
                FormatChoice::Auto,
            );
            let (out, _) = fixed(line.as_bytes(), fixes);
            let text = String::from_utf8(out).unwrap();
            let v: serde_json::Value = serde_json::from_str(text.trim_end()).expect("valid JSON");
            let obj = v.as_object().unwrap();
            proptest::prop_assert_eq!(obj.keys().collect::<Vec<_>>(), vec!["messages"]);
            let m = v["messages"][0].as_object().unwrap();
            proptest::prop_assert_eq!(m.keys().collect::<Vec<_>>(), vec!["content", "role"]);
            let want = if matches!(role, "human" | "user") { "user" } else { "assistant" };
            proptest::prop_assert_eq!(m["role"].as_str(), Some(want));
            proptest::prop_assert_eq!(m["content"].as_str(), Some("hi"));
            proptest::prop_assert!(text.ends_with('\n'));
        }
    }

    #[test]
    fn describes_counts() {
        let mut c = FixCounts::default();
        c.add(Rule::J010, 1);
        c.add(Rule::J005, 1);
        c.add(Rule::J006, 3);
        c.add(Rule::J004, 1);
        assert_eq!(
            c.describe(),
            "removed 1 blank line, removed the byte order mark, \
             converted 3 CRLF line endings to `\\n`, added the final newline"
        );
    }
}
