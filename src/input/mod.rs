//! Where lines come from: files, directories of `*.jsonl`, stdin; read in blocks.

pub mod atomic;
pub mod exclude;
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
    /// A folder given as an input holds no `*.jsonl` at all (excluded ones count as found).
    #[error("no `*.jsonl` files found in directory `{}`", .dir.display())]
    NoJsonl { dir: PathBuf },
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

/// Expands the command-line paths into sources: files as given (whatever their extension),
/// directories into every `*.jsonl` below them (sorted, hidden and excluded folders skipped),
/// `-` into stdin. A path that does not exist, or a directory with no JSONL, is an error.
/// Excludes apply to what the walk finds; to named paths (and stdin's name) only when forced.
pub fn discover(
    paths: &[PathBuf],
    stdin_name: Option<&str>,
    excludes: &Excludes,
) -> Result<Vec<Source>, InputError> {
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
            let mut found = 0usize;
            walk(path, excludes, &mut out, &mut found)
                .map_err(|e| InputError::read(path.display().to_string(), e))?;
            // A folder whose JSONL files are all excluded is not a mistake.
            if out.len() == before && found == 0 {
                return Err(InputError::NoJsonl { dir: path.clone() });
            }
        } else {
            out.push(Source::File(path.clone()));
        }
    }
    Ok(out)
}

/// `found` counts every `*.jsonl` seen, excluded or not, and every excluded folder.
fn walk(
    dir: &Path,
    excludes: &Excludes,
    out: &mut Vec<Source>,
    found: &mut usize,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if excludes.excludes_entry(&path) {
                // Whatever it holds was left out on purpose.
                *found += 1;
            } else {
                walk(&path, excludes, out, found)?;
            }
        } else if path.extension().is_some_and(|e| e == "jsonl") {
            *found += 1;
            if !excludes.excludes_entry(&path) {
                out.push(Source::File(path));
            }
        }
    }
    Ok(())
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
