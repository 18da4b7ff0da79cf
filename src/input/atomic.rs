//! Whole files ftlint writes for the user (a baseline, exported scores): written to a temporary
//! file beside the target, synced, and renamed over it, so a reader never sees half a file.
//!
//! The target is only ever a regular file. A symbolic link is followed, so the file it names is
//! replaced and the link stays a link; a device node, FIFO, socket or folder at the path (or at
//! the end of the link) is refused and left as it was — renaming over it would turn
//! `/dev/something` into a file. A replaced file keeps its permissions. A [`Staged`] file is
//! written first and committed (or dropped) once the writer knows whether it should exist.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes what `fill` writes to `path` atomically (see the module documentation).
pub fn write(path: &Path, fill: impl FnOnce(&mut fs::File) -> io::Result<()>) -> io::Result<()> {
    let mut staged = Staged::new(path)?;
    fill(staged.file())?;
    staged.commit()
}

/// A file being written: a temporary file beside the target that becomes the target only on
/// [`Staged::commit`]; dropped uncommitted, it is removed and the target is left as it was
/// (`convert` decides whether to write only once the whole output is known).
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
    existing: Option<fs::Metadata>,
}

impl Staged {
    /// Refuses a target that is not a regular file (see the module documentation) before
    /// anything is written.
    pub fn new(path: &Path) -> io::Result<Staged> {
        let target = resolve(path)?;
        let existing = match fs::metadata(&target) {
            Ok(m) if m.is_file() => Some(m),
            Ok(m) => {
                return Err(io::Error::other(format!(
                    "`{}` is {}, not a regular file; it was left as it is",
                    target.display(),
                    kind(&m)
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        if existing.is_none() {
            // A new file gets the permissions any new file gets (0o666 less the umask), not
            // the temporary file's private 0o600: a report or baseline is for others to read
            // too.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir)?;
        Ok(Staged {
            tmp,
            target,
            existing,
        })
    }

    /// The temporary file, to write into.
    pub fn file(&mut self) -> &mut fs::File {
        self.tmp.as_file_mut()
    }

    /// A second handle on the temporary file, to read back what was written.
    pub fn reopen(&self) -> io::Result<fs::File> {
        self.tmp.reopen()
    }

    /// Syncs the file and renames it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        self.tmp.as_file_mut().flush()?;
        if let Some(m) = &self.existing {
            self.tmp.as_file().set_permissions(m.permissions())?;
        }
        self.tmp.as_file().sync_all()?;
        self.tmp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The path a write goes to: `path`, or the file a symbolic link there names (followed to the
/// end, a dangling link included).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    // Links may chain; a loop is the OS's ELOOP, said after as many hops as it allows.
    for _ in 0..40 {
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&at)?;
                at = match at.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            Ok(_) => return Ok(at),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(at),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "`{}`: too many levels of symbolic links",
        path.display()
    )))
}

/// What a non-regular file is, for the refusal.
fn kind(m: &fs::Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "something other than a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(path: &Path, text: &str) -> io::Result<()> {
        write(path, |f| f.write_all(text.as_bytes()))
    }

    #[test]
    fn replaces_a_file_keeping_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        put(&p, "one").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
            put(&p, "two").unwrap();
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o644
            );
        }
        put(&p, "three").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "three");
    }

    /// A new file is made as `>` would make it: readable by others unless the umask says not.
    #[cfg(unix)]
    #[test]
    fn a_new_file_is_not_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.json");
        put(&p, "x").unwrap();
        let reference = dir.path().join("reference");
        fs::write(&reference, "x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), mode(&reference));
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_a_link_and_the_link_stays() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        put(&real, "old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        put(&link, "new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // A dangling link gets its file created.
        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink("made.json", &dangling).unwrap();
        put(&dangling, "made").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("made.json")).unwrap(),
            "made"
        );
        assert!(fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[cfg(unix)]
    #[test]
    fn never_replaces_what_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = put(&fifo, "x").unwrap_err();
            assert!(
                e.to_string()
                    .ends_with("is a FIFO, not a regular file; it was left as it is"),
                "{e}"
            );
            use std::os::unix::fs::FileTypeExt;
            assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        }
        let e = put(dir.path(), "x").unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        // A staged file that is never committed leaves nothing behind and the target as it was.
        let kept = dir.path().join("kept.json");
        put(&kept, "old").unwrap();
        let mut staged = Staged::new(&kept).unwrap();
        staged.file().write_all(b"new").unwrap();
        let mut back = String::new();
        std::io::Read::read_to_string(&mut staged.reopen().unwrap(), &mut back).unwrap();
        assert_eq!(back, "new");
        drop(staged);
        assert_eq!(fs::read_to_string(&kept).unwrap(), "old");
        // Through a link to a device: the device stays.
        let link = dir.path().join("null.json");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        let e = put(&link, "x").unwrap_err();
        assert!(e.to_string().contains("`/dev/null` is a device"), "{e}");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        // No temporary file is left behind.
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 3, "{left:?}");
    }
}
