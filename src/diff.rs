//! `check --diff REV`: which lines of each input were added or changed since a git revision.
//!
//! Runs the `git` binary (no library): `rev-parse --show-toplevel` finds each input's repository,
//! one `git diff --unified=0 --find-renames REV` per repository lists the changed hunks of the
//! inputs (working tree against `REV`, so staged and unstaged edits count), and only the
//! `@@ -a,b +c,d @@` headers are kept — the hunk bodies are skipped by count, so the parse is
//! cheap however large the file. A first `git diff --name-status` (no patches) says which
//! inputs changed at all and the old names of renamed ones; only those are then diffed, with
//! both names in the pathspec, since git pairs a rename only when it sees both. Files git does
//! not track count as changed throughout.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The lines of one file that a diff added or changed (the new side's line numbers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangedLines {
    /// Every line counts (an untracked, new or binary-changed file).
    all: bool,
    /// Sorted, disjoint `[start, end)` ranges of 1-based line numbers.
    ranges: Vec<(u64, u64)>,
}

impl ChangedLines {
    /// Every line changed.
    pub fn all() -> Self {
        ChangedLines {
            all: true,
            ranges: Vec::new(),
        }
    }

    /// Whether 1-based `line` was added or changed.
    pub fn contains(&self, line: u64) -> bool {
        if self.all {
            return true;
        }
        // The last range starting at or before `line`.
        let i = self.ranges.partition_point(|&(start, _)| start <= line);
        i > 0 && line < self.ranges[i - 1].1
    }

    /// Adds `count` lines from `start`; hunks arrive in order, so this stays sorted.
    fn add(&mut self, start: u64, count: u64) {
        if count == 0 {
            return;
        }
        let end = start.saturating_add(count);
        match self.ranges.last_mut() {
            Some(last) if last.1 >= start => last.1 = last.1.max(end),
            _ => self.ranges.push((start, end)),
        }
    }
}

/// Why the changed lines could not be found (exit 2, one line). Each message is the whole line
/// the CLI prints, cause included; `source()` gives the typed cause.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// Empty, or starting with `-` (git would read it as an option).
    #[error("`--diff`: `{rev}` is not a git revision")]
    NotARevision { rev: String },
    #[error("`--diff`: cannot resolve `{}`: {}", .path.display(), crate::input::io_reason(.source))]
    Resolve {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("`--diff`: `{}` is outside its repository `{}`", .path.display(), .root.display())]
    OutsideRepository { path: PathBuf, root: PathBuf },
    #[error("`--diff` needs `git`, which is not on PATH")]
    GitNotFound {
        #[source]
        source: io::Error,
    },
    #[error("`--diff`: cannot run git: {source}")]
    Spawn {
        #[source]
        source: io::Error,
    },
    #[error("`--diff`: `{}` is not in a git repository", .path.display())]
    NotInRepository { path: PathBuf },
    /// `root` is what `git rev-parse --show-toplevel` printed.
    #[error("`--diff`: cannot resolve repository `{root}`: {source}")]
    ResolveRoot {
        root: String,
        #[source]
        source: io::Error,
    },
    #[error("`--diff`: unknown git revision `{rev}` in `{}`", .root.display())]
    UnknownRevision { rev: String, root: PathBuf },
    /// `git diff REV` exited with an error; `stderr` is its first line, without `fatal: `.
    #[error("`--diff`: `git diff {rev}` failed: {stderr}")]
    Git { rev: String, stderr: String },
    #[error("`--diff`: `git ls-files` failed: {stderr}")]
    LsFiles { stderr: String },
    #[error("`--diff`: git failed: {source}")]
    Wait {
        #[source]
        source: io::Error,
    },
    #[error("`--diff`: cannot read git's output: {source}")]
    Output {
        #[source]
        source: io::Error,
    },
}

/// The changed lines of each file in `files` (in order) since `rev`.
pub fn changed_lines(rev: &str, files: &[PathBuf]) -> Result<Vec<ChangedLines>, DiffError> {
    if rev.starts_with('-') || rev.is_empty() {
        return Err(DiffError::NotARevision {
            rev: rev.to_string(),
        });
    }
    // Group the files by repository, so each repository is diffed once.
    let mut by_root: BTreeMap<PathBuf, Vec<(usize, String)>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        let abs = std::fs::canonicalize(file).map_err(|source| DiffError::Resolve {
            path: file.clone(),
            source,
        })?;
        let dir = abs.parent().unwrap_or(Path::new("/"));
        let root = repo_root(dir, file)?;
        let rel = abs
            .strip_prefix(&root)
            .map_err(|_| DiffError::OutsideRepository {
                path: file.clone(),
                root: root.clone(),
            })?
            .to_string_lossy()
            .replace('\\', "/");
        by_root.entry(root).or_default().push((i, rel));
    }
    let mut out = vec![ChangedLines::default(); files.len()];
    for (root, members) in by_root {
        verify_rev(&root, rev)?;
        // Only files that changed at all (and the old names of renamed ones) are diffed.
        let renamed_from = changed_files(&root, rev)?;
        let mut pathspec = Vec::new();
        for (_, rel) in &members {
            if let Some(old) = renamed_from.get(rel) {
                pathspec.push(rel.as_str());
                pathspec.extend(old.as_deref());
            }
        }
        let mut changed = if pathspec.is_empty() {
            HashMap::new()
        } else {
            diff_repo(&root, rev, &pathspec)?
        };
        let tracked = tracked(&root, members.iter().map(|(_, rel)| rel.as_str()))?;
        for (i, rel) in members {
            out[i] = match changed.remove(&rel) {
                Some(c) => c,
                None if !tracked.contains(&rel) => ChangedLines::all(),
                None => ChangedLines::default(),
            };
        }
    }
    Ok(out)
}

/// A `git` command run in `dir`, with the user's diff settings that change the output format
/// overridden.
fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .args(["-c", "core.quotePath=false"])
        .stdin(Stdio::null());
    c
}

fn run(cmd: &mut Command) -> Result<std::process::Output, DiffError> {
    cmd.output().map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            DiffError::GitNotFound { source }
        } else {
            DiffError::Spawn { source }
        }
    })
}

fn repo_root(dir: &Path, file: &Path) -> Result<PathBuf, DiffError> {
    let out = run(git(dir).args(["rev-parse", "--show-toplevel"]))?;
    if !out.status.success() {
        return Err(DiffError::NotInRepository {
            path: file.to_path_buf(),
        });
    }
    let root = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
    std::fs::canonicalize(&root).map_err(|source| DiffError::ResolveRoot { root, source })
}

fn verify_rev(root: &Path, rev: &str) -> Result<(), DiffError> {
    let out = run(git(root).args([
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &format!("{rev}^{{commit}}"),
    ]))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(DiffError::UnknownRevision {
            rev: rev.to_string(),
            root: root.to_path_buf(),
        })
    }
}

/// The files of `rels` (repository-relative) that git tracks.
fn tracked<'a>(
    root: &Path,
    rels: impl Iterator<Item = &'a str>,
) -> Result<std::collections::HashSet<String>, DiffError> {
    let mut cmd = git(root);
    cmd.args(["ls-files", "-z", "--full-name", "--"]);
    for rel in rels {
        // A literal path, not a glob.
        cmd.arg(format!(":(literal){rel}"));
    }
    let out = run(&mut cmd)?;
    if !out.status.success() {
        return Err(DiffError::LsFiles {
            stderr: first_line(&out.stderr),
        });
    }
    Ok(out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect())
}

/// The files that differ from `rev` (repository-relative new names), each with its old name
/// when it was renamed. No patch is made, so this is cheap however large the files.
fn changed_files(root: &Path, rev: &str) -> Result<HashMap<String, Option<String>>, DiffError> {
    let out = run(git(root).args([
        "diff",
        "--name-status",
        "-z",
        "--no-ext-diff",
        "--find-renames",
        "--end-of-options",
        rev,
        "--",
    ]))?;
    if !out.status.success() {
        return Err(DiffError::Git {
            rev: rev.to_string(),
            stderr: first_line(&out.stderr),
        });
    }
    Ok(parse_name_status(&out.stdout))
}

/// `git diff --name-status -z`: `STATUS\0path\0`, or `R090\0old\0new\0` for renames and copies.
fn parse_name_status(raw: &[u8]) -> HashMap<String, Option<String>> {
    let mut files = HashMap::new();
    let mut fields = raw
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    while let Some(status) = fields.next() {
        if status.is_empty() {
            break;
        }
        let Some(first) = fields.next() else { break };
        if status.starts_with('R') || status.starts_with('C') {
            match fields.next() {
                Some(new) if !new.is_empty() => files.insert(new, Some(first)),
                _ => break,
            };
        } else {
            files.insert(first, None);
        }
    }
    files
}

fn diff_repo(
    root: &Path,
    rev: &str,
    pathspec: &[&str],
) -> Result<HashMap<String, ChangedLines>, DiffError> {
    let mut child = git(root)
        .args([
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--end-of-options",
            rev,
            "--",
        ])
        .args(pathspec.iter().map(|p| format!(":(literal){p}")))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| DiffError::Spawn { source })?;
    let parsed = child
        .stdout
        .take()
        .map(|s| parse(BufReader::with_capacity(1 << 16, s)));
    let mut stderr = Vec::new();
    if let Some(mut s) = child.stderr.take() {
        let _ = io::Read::read_to_end(&mut s, &mut stderr);
    }
    let status = child.wait().map_err(|source| DiffError::Wait { source })?;
    if !status.success() {
        return Err(DiffError::Git {
            rev: rev.to_string(),
            stderr: first_line(&stderr),
        });
    }
    parsed
        .unwrap_or_else(|| Ok(HashMap::new()))
        .map_err(|source| DiffError::Output { source })
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().next().unwrap_or("").trim();
    line.strip_prefix("fatal: ").unwrap_or(line).to_string()
}

/// Parses `git diff --unified=0` output into the changed lines of each new-side path.
/// Hunk bodies are skipped by their header's counts, so no body line is mistaken for a header.
pub fn parse<R: BufRead>(mut input: R) -> io::Result<HashMap<String, ChangedLines>> {
    let mut files: HashMap<String, ChangedLines> = HashMap::new();
    let mut current: Option<String> = None;
    let mut line = Vec::new();
    // Body lines still to skip: old-side and new-side counts of the current hunk.
    let (mut old_left, mut new_left) = (0u64, 0u64);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if old_left > 0 || new_left > 0 {
            match line.first() {
                Some(b'-') => old_left = old_left.saturating_sub(1),
                Some(b'+') => new_left = new_left.saturating_sub(1),
                Some(b' ') => {
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                }
                // `\ No newline at end of file`
                _ => {}
            }
            continue;
        }
        let text = trim_eol(&line);
        if text.starts_with(b"diff --git ") {
            current = None;
        } else if let Some(path) = text.strip_prefix(b"+++ ") {
            current = new_path(path);
            if let Some(p) = &current {
                files.entry(p.clone()).or_default();
            }
        } else if text.starts_with(b"@@ ") {
            if let (Some(p), Some((old, new_start, new))) = (&current, hunk_header(text)) {
                files.entry(p.clone()).or_default().add(new_start, new);
                old_left = old;
                new_left = new;
            }
        } else if let Some(rest) = text.strip_prefix(b"Binary files ") {
            // `Binary files a/x and b/y differ`: no hunks to read; the whole file counts.
            let rest = String::from_utf8_lossy(rest);
            if let Some(p) = rest
                .rsplit_once(" and ")
                .and_then(|(_, p)| p.strip_suffix(" differ"))
                .and_then(|p| new_path(p.as_bytes()))
            {
                files.insert(p, ChangedLines::all());
            }
        }
    }
    Ok(files)
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The path of a `+++ b/path` line (`None` for `/dev/null`), unquoting git's C-style quoting.
fn new_path(raw: &[u8]) -> Option<String> {
    let raw = String::from_utf8_lossy(raw);
    let path = if raw.starts_with('"') && raw.ends_with('"') && raw.len() >= 2 {
        unquote(&raw[1..raw.len() - 1])
    } else {
        raw.into_owned()
    };
    path.strip_prefix("b/").map(str::to_string)
}

fn unquote(s: &str) -> String {
    let mut bytes = Vec::with_capacity(s.len());
    let mut it = s.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    match it.peek() {
                        Some(&o @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(o - b'0');
                            it.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(v as u8);
            }
            Some(other) => bytes.push(other),
            None => bytes.push(b'\\'),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `@@ -a[,b] +c[,d] @@…` → (b, c, d); a missing count is 1.
fn hunk_header(text: &[u8]) -> Option<(u64, u64, u64)> {
    let text = std::str::from_utf8(text).ok()?;
    let mut parts = text.strip_prefix("@@ ")?.split(' ');
    let old = parts.next()?.strip_prefix('-')?;
    let new = parts.next()?.strip_prefix('+')?;
    let count = |s: &str| -> Option<(u64, u64)> {
        match s.split_once(',') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (_, old_count) = count(old)?;
    let (new_start, new_count) = count(new)?;
    Some((old_count, new_start, new_count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hunks_and_skips_bodies() {
        let diff = "diff --git a/x.jsonl b/x.jsonl\n\
                    index 1..2 100644\n\
                    --- a/x.jsonl\n\
                    +++ b/x.jsonl\n\
                    @@ -2 +2 @@\n\
                    -old\n\
                    +++ b/not-a-header\n\
                    @@ -5,0 +6,2 @@ ctx\n\
                    +@@ -1 +1 @@\n\
                    +b\n\
                    @@ -9,3 +10,0 @@\n\
                    -a\n\
                    -b\n\
                    -c\n\
                    diff --git a/old name.jsonl b/new name.jsonl\n\
                    similarity index 90%\n\
                    rename from old name.jsonl\n\
                    rename to new name.jsonl\n\
                    --- a/old name.jsonl\n\
                    +++ b/new name.jsonl\n\
                    @@ -1 +1 @@\n\
                    -x\n\
                    +y\n\
                    \\ No newline at end of file\n\
                    diff --git a/gone b/gone\n\
                    --- a/gone\n\
                    +++ /dev/null\n\
                    @@ -1 +0,0 @@\n\
                    -z\n";
        let files = parse(diff.as_bytes()).unwrap();
        let x = &files["x.jsonl"];
        assert!(x.contains(2) && x.contains(6) && x.contains(7));
        assert!(!x.contains(1) && !x.contains(3) && !x.contains(8) && !x.contains(10));
        assert!(!files.contains_key("not-a-header"));
        assert!(files["new name.jsonl"].contains(1));
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn quoted_and_binary_paths() {
        let diff = "diff --git \"a/t\\303\\251\\tb\" \"b/t\\303\\251\\tb\"\n\
                    --- \"a/t\\303\\251\\tb\"\n\
                    +++ \"b/t\\303\\251\\tb\"\n\
                    @@ -1,0 +2 @@\n\
                    +q\n\
                    diff --git a/img b/img\n\
                    Binary files a/img and b/img differ\n";
        let files = parse(diff.as_bytes()).unwrap();
        assert!(files["té\tb"].contains(2));
        assert!(files["img"].contains(99));
    }

    #[test]
    fn ranges_merge_and_lookup() {
        let mut c = ChangedLines::default();
        c.add(3, 2);
        c.add(5, 1);
        c.add(10, 0);
        c.add(20, 3);
        assert_eq!(c.ranges, vec![(3, 6), (20, 23)]);
        let hits: Vec<u64> = (0..25).filter(|&l| c.contains(l)).collect();
        assert_eq!(hits, vec![3, 4, 5, 20, 21, 22]);
    }

    #[test]
    fn name_status_with_renames() {
        let files = parse_name_status(b"M\0a b.jsonl\0R087\0old.jsonl\0new.jsonl\0D\0gone\0");
        assert_eq!(files["a b.jsonl"], None);
        assert_eq!(files["new.jsonl"].as_deref(), Some("old.jsonl"));
        assert_eq!(files.len(), 3);
        assert!(parse_name_status(b"R100\0only-one\0").is_empty());
    }

    #[test]
    fn garbage_is_ignored() {
        let files = parse(&b"@@ nonsense\n+++ \n\xff\xfe\n@@ -a +b @@\n"[..]).unwrap();
        assert!(files.is_empty());
    }
}
