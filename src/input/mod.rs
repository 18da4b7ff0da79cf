//! Where lines come from: files, directories of `*.jsonl`, stdin; read in blocks.

pub mod atomic;
pub mod exclude;
pub mod oversize;
pub mod position;
pub mod reader;

pub use exclude::Excludes;
use std::io;
use std::path::{Path, PathBuf};

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    /// Standard input, shown under the given name (`--stdin-filename`, default `-`).
    Stdin(String),
}

impl Source {
    /// The name printed in diagnostics: the path as the user gave it (or as found below a
    /// directory they gave), with `/` separators.
    pub fn display_name(&self) -> String {
        match self {
            Source::File(p) => p.to_string_lossy().replace('\\', "/"),
            Source::Stdin(name) => name.clone(),
        }
    }
}

/// A problem with the inputs themselves (exit code 2). Each message is the whole line the CLI
/// prints, cause included, so `source()` is there for callers that want the typed cause (an
/// I/O error's kind), not for printing.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// An input could not be read: `name` is the path as given or found below a folder, or
    /// stdin's name.
    #[error("cannot read `{name}`: {}", io_reason(.source))]
    Read {
        name: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot read stdin: {}", io_reason(.source))]
    Stdin {
        #[source]
        source: io::Error,
    },
    /// A folder given as an input holds no `*.jsonl` at all (excluded ones count as found;
    /// `ignored`: some are there, but ignore files leave them out).
    #[error(
        "no `*.jsonl` files found in directory `{}`{}",
        .dir.display(),
        if *.ignored {
            " that `.gitignore` or `.ignore` files do not ignore (`--no-ignore` checks them)"
        } else {
            ""
        }
    )]
    NoJsonl { dir: PathBuf, ignored: bool },
    /// An `--exclude` (or config `exclude`) glob that does not parse.
    #[error("invalid exclude pattern `{pattern}`: {source}")]
    ExcludePattern {
        pattern: String,
        #[source]
        source: globset::Error,
    },
    /// The patterns parsed one by one but not as a set.
    #[error("invalid exclude patterns: {source}")]
    ExcludeSet {
        #[source]
        source: globset::Error,
    },
}

impl InputError {
    /// The error for a failed read of the input shown as `name`.
    pub fn read(name: impl Into<String>, source: io::Error) -> Self {
        InputError::Read {
            name: name.into(),
            source,
        }
    }
}

/// How directories are walked: the excludes, and whether ignore files are read.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub excludes: Excludes,
    /// Skip what `.gitignore` (inside a git repository), `.ignore`, `.git/info/exclude` and
    /// the global gitignore ignore, as ripgrep and ruff do (`--no-ignore`: `false`).
    pub respect_ignore_files: bool,
}

/// Expands the command-line paths into sources: files as given (whatever their extension),
/// directories into every `*.jsonl` below them (sorted; hidden files and folders, what ignore
/// files ignore and what is excluded left out), `-` into stdin. A path that does not exist, or
/// a directory with no JSONL, is an error. Excludes apply to what the walk finds; to named
/// paths (and stdin's name) only when forced. Ignore files never leave out a named path.
///
/// A walk takes only regular files (or links to them): a `*.jsonl` that is a symbolic link to
/// a folder or to nothing, a FIFO (which would wait for a writer) or a device is left out with
/// a line in `skipped` saying why — one odd entry in a data folder does not stop the run.
pub fn discover(
    paths: &[PathBuf],
    stdin_name: Option<&str>,
    walk: &Walk,
    skipped: &mut Vec<String>,
) -> Result<Vec<Source>, InputError> {
    let excludes = &walk.excludes;
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let name = stdin_name.unwrap_or("-");
            if !(stdin_name.is_some() && excludes.excludes_explicit(Path::new(name))) {
                out.push(Source::Stdin(name.to_owned()));
            }
            continue;
        }
        if excludes.excludes_explicit(path) {
            continue;
        }
        let meta =
            std::fs::metadata(path).map_err(|e| InputError::read(path.display().to_string(), e))?;
        if meta.is_dir() {
            let before = out.len();
            let found = walk_dir(path, walk, walk.respect_ignore_files, &mut out, skipped)
                .map_err(|e| InputError::read(path.display().to_string(), e))?;
            // A folder whose JSONL files are all excluded is not a mistake.
            if out.len() == before && found == 0 {
                // Say so when ignore files hid them: walk again without them, only to know.
                let ignored = walk.respect_ignore_files
                    && walk_dir(path, walk, false, &mut Vec::new(), &mut Vec::new())
                        .is_ok_and(|n| n > 0);
                return Err(InputError::NoJsonl {
                    dir: path.clone(),
                    ignored,
                });
            }
        } else {
            out.push(Source::File(path.clone()));
        }
    }
    Ok(out)
}

fn is_jsonl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// Appends the `*.jsonl` files below `dir` to `out`, in name order at each level. Returns how
/// many `*.jsonl` files and excluded folders were seen, excluded or not (ignored ones are
/// never seen). Symbolic links are not followed into folders; a link named `*.jsonl` is a file.
fn walk_dir(
    dir: &Path,
    walk: &Walk,
    ignore_files: bool,
    out: &mut Vec<Source>,
    skipped: &mut Vec<String>,
) -> io::Result<usize> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let excluded = Arc::new(AtomicUsize::new(0));
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .hidden(true)
        .parents(ignore_files)
        .ignore(ignore_files)
        .git_ignore(ignore_files)
        .git_global(ignore_files)
        .git_exclude(ignore_files)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    let excludes = walk.excludes.clone();
    let seen = Arc::clone(&excluded);
    builder.filter_entry(move |e| {
        if e.depth() == 0 {
            // The folder was named on the command line: only `--force-exclude` leaves it out,
            // which `discover` has already applied.
            return true;
        }
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        if (is_dir || is_jsonl(e.path())) && excludes.excludes_entry(e.path()) {
            // Whatever it holds was left out on purpose.
            seen.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        true
    });
    let mut found = 0;
    for entry in builder.build() {
        let entry = match entry {
            Ok(e) => e,
            // A line of an ignore file that is not a valid glob: ripgrep warns and goes on.
            Err(e) if e.is_partial() || e.io_error().is_none() => continue,
            Err(e) => {
                return Err(e
                    .into_io_error()
                    .unwrap_or_else(|| io::Error::other("walk")))
            }
        };
        if entry.depth() == 0 || entry.file_type().is_some_and(|t| t.is_dir()) {
            continue;
        }
        if is_jsonl(entry.path()) {
            found += 1;
            let why = entry
                .file_type()
                .and_then(|ty| not_a_file(entry.path(), &ty));
            match why {
                None => out.push(Source::File(entry.into_path())),
                Some(why) => skipped.push(format!(
                    "skipped `{}`: {why}",
                    entry.path().to_string_lossy().replace('\\', "/")
                )),
            }
        }
    }
    Ok(found + excluded.load(Ordering::Relaxed))
}

/// Why a walk's entry is not a file to check (`ty`: its own type, a link not followed), or
/// `None` for a regular file or a link to one.
fn not_a_file(path: &Path, ty: &std::fs::FileType) -> Option<String> {
    let link = ty.is_symlink();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if link => {
            let to = std::fs::read_link(path)
                .map(|t| format!(" `{}`", t.display()))
                .unwrap_or_default();
            return Some(match e.kind() {
                io::ErrorKind::NotFound => format!("a symbolic link to nothing{to}"),
                _ => format!(
                    "a symbolic link{to} that cannot be followed: {}",
                    io_reason(&e)
                ),
            });
        }
        Err(e) => return Some(io_reason(&e)),
    };
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    let what = if t.is_dir() {
        "a folder"
    } else {
        special_kind(&t)
    };
    Some(if link {
        format!("a symbolic link to {what}")
    } else {
        what.to_string()
    })
}

/// A FIFO, device or socket, in words.
fn special_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (it would wait for a writer)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = t;
    "not a regular file"
}

/// `path` with `.` dropped and each `..` taking the folder before it, lexically (no file system
/// access): `/repo/a/b/../c` is `/repo/a/c`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` joined to `cwd` when relative, then [`normalize`]d; `None` if it is relative and the
/// current directory is unknown.
pub fn absolute_in(cwd: Option<&Path>, path: &Path) -> Option<PathBuf> {
    let joined = match cwd {
        _ if path.is_absolute() => path.to_path_buf(),
        Some(cwd) => cwd.join(path),
        None => return None,
    };
    Some(normalize(&joined))
}

/// An I/O error's reason without Rust's "(os error 2)" suffix.
pub fn io_reason(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_lowercase(),
        None => s,
    }
}
