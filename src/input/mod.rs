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
///
/// A walk takes only regular files (or links to them): a `*.jsonl` that is a symbolic link to
/// a folder or to nothing, a FIFO (which would wait for a writer) or a device is left out with
/// a line in `skipped` saying why — one odd entry in a data folder does not stop the run.
pub fn discover(
    paths: &[PathBuf],
    stdin_name: Option<&str>,
    excludes: &Excludes,
    skipped: &mut Vec<String>,
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
            walk(path, excludes, &mut out, &mut found, skipped)
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
    skipped: &mut Vec<String>,
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
                walk(&path, excludes, out, found, skipped)?;
            }
        } else if path.extension().is_some_and(|e| e == "jsonl") {
            *found += 1;
            if excludes.excludes_entry(&path) {
                continue;
            }
            match not_a_file(&path, &ty) {
                None => out.push(Source::File(path)),
                Some(why) => skipped.push(format!(
                    "skipped `{}`: {why}",
                    path.to_string_lossy().replace('\\', "/")
                )),
            }
        }
    }
    Ok(())
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
