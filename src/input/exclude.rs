//! `--exclude GLOB` and `--force-exclude`: which inputs to leave out.
//!
//! As in ruff, excludes always apply to the files and folders a directory walk finds, but a
//! file named on the command line is checked anyway — unless `--force-exclude` is given. That
//! flag exists for tools that pass every changed file explicitly (pre-commit, lint-staged,
//! editors), so that an excluded file stays excluded however it is reached.
//!
//! A pattern matches a path relative to the current directory (`data/raw/*.jsonl`), or a
//! single file or folder name anywhere (`scratch`, `*.tmp.jsonl`). A folder that matches
//! excludes everything below it — except, without `--force-exclude`, a folder named on the
//! command line, which is walked (its contents still meet the patterns). A config file's
//! patterns with a `/` arrive anchored at the config's folder (absolute); paths are then also
//! matched in absolute form, so they hold wherever ftlint runs from. Globs follow the `globset` syntax (`*`, `**`, `?`, `[ab]`,
//! `{a,b}`); `*` also crosses `/`.

use super::InputError;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Component, Path, PathBuf};

/// The exclude patterns of a run and whether they apply to explicitly named files.
#[derive(Debug, Clone)]
pub struct Excludes {
    set: GlobSet,
    /// `--force-exclude`: also leave out files named on the command line.
    pub force: bool,
    cwd: Option<PathBuf>,
    /// Some pattern is anchored at an absolute folder (a config file's `data/*.jsonl` becomes
    /// `/repo/data/*.jsonl`): paths are then also matched in absolute form.
    anchored: bool,
}

impl Default for Excludes {
    fn default() -> Self {
        Excludes {
            set: GlobSet::empty(),
            force: false,
            cwd: None,
            anchored: false,
        }
    }
}

impl Excludes {
    /// Compiles the patterns; an invalid glob is an error naming it.
    pub fn new(patterns: &[String], force: bool) -> Result<Self, InputError> {
        let mut builder = GlobSetBuilder::new();
        let mut anchored = false;
        for p in patterns {
            let p = p.trim();
            let p = p.strip_prefix("./").unwrap_or(p);
            let p = p.strip_suffix('/').unwrap_or(p);
            anchored |= Path::new(p).is_absolute();
            let glob = Glob::new(p).map_err(|source| InputError::ExcludePattern {
                pattern: p.to_string(),
                source,
            })?;
            builder.add(glob);
        }
        let set = builder
            .build()
            .map_err(|source| InputError::ExcludeSet { source })?;
        Ok(Excludes {
            set,
            force,
            cwd: std::env::current_dir().ok(),
            anchored,
        })
    }

    /// Does a pattern match this path, its name, or one of its parent folders (or theirs)?
    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.set.is_empty() {
            return false;
        }
        self.matches_or_parents(self.relative(path))
            || self
                .absolute(path)
                .is_some_and(|abs| self.matches_or_parents(&abs))
    }

    fn matches_or_parents(&self, path: &Path) -> bool {
        let mut prefix = String::new();
        for part in path.components() {
            let name = match part {
                Component::Normal(n) => n.to_string_lossy(),
                Component::RootDir => {
                    prefix.push('/');
                    continue;
                }
                Component::Prefix(p) => {
                    prefix.push_str(&p.as_os_str().to_string_lossy());
                    continue;
                }
                Component::CurDir | Component::ParentDir => {
                    if matches!(part, Component::ParentDir) {
                        prefix.push_str("../");
                    }
                    continue;
                }
            };
            prefix.push_str(&name);
            if self.set.is_match(&prefix) || self.set.is_match(name.as_ref()) {
                return true;
            }
            prefix.push('/');
        }
        false
    }

    /// Does a pattern match this path or its name? For what a directory walk finds: the
    /// folders above it were checked on the way down, and the folder the walk started from was
    /// named on the command line, which only `--force-exclude` excludes.
    pub fn excludes_entry(&self, path: &Path) -> bool {
        if self.set.is_empty() {
            return false;
        }
        let rel = self.relative(path);
        let full = rel.to_string_lossy().replace('\\', "/");
        let full = full.strip_prefix("./").unwrap_or(&full);
        self.set.is_match(full)
            || rel
                .file_name()
                .is_some_and(|name| self.set.is_match(name.to_string_lossy().as_ref()))
            || self.absolute(path).is_some_and(|abs| {
                self.set
                    .is_match(abs.to_string_lossy().replace('\\', "/").as_str())
            })
    }

    /// Should a file or folder named on the command line be left out?
    pub fn excludes_explicit(&self, path: &Path) -> bool {
        self.force && self.is_excluded(path)
    }

    /// The path made absolute (against the current directory) and lexically normalised (no
    /// `.` or `..`), when some pattern is anchored at an absolute folder.
    fn absolute(&self, path: &Path) -> Option<PathBuf> {
        if !self.anchored {
            return None;
        }
        super::absolute_in(self.cwd.as_deref(), path)
    }

    /// An absolute path below the current directory, made relative to it so that relative
    /// patterns match it.
    fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        match &self.cwd {
            Some(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
            _ => path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(patterns: &[&str]) -> Excludes {
        let p: Vec<String> = patterns.iter().map(|s| s.to_string()).collect();
        Excludes::new(&p, true).unwrap()
    }

    #[test]
    fn anchored_patterns_match_from_anywhere() {
        let cwd = std::env::current_dir().unwrap();
        let root = cwd.to_string_lossy().replace('\\', "/");
        let pattern = format!("{}/data/raw/*.jsonl", globset::escape(&root));
        let e = Excludes::new(&[pattern], true).unwrap();
        assert!(e.is_excluded(Path::new("data/raw/x.jsonl")));
        assert!(e.is_excluded(&cwd.join("data/raw/x.jsonl")));
        assert!(e.is_excluded(Path::new("data/../data/raw/x.jsonl")));
        assert!(e.excludes_entry(Path::new("./data/raw/x.jsonl")));
        assert!(!e.is_excluded(Path::new("data/clean/x.jsonl")));
        assert!(!e.is_excluded(Path::new("other/data/raw/x.jsonl")));
    }

    #[test]
    fn names_paths_and_parent_folders() {
        let e = ex(&["scratch", "data/raw/*.jsonl", "*.bak.jsonl", "./vendor/"]);
        assert!(e.is_excluded(Path::new("scratch")));
        assert!(e.is_excluded(Path::new("a/scratch/b/train.jsonl")));
        assert!(e.is_excluded(Path::new("data/raw/x.jsonl")));
        assert!(e.is_excluded(Path::new("./data/raw/x.jsonl")));
        assert!(e.is_excluded(Path::new("deep/old.bak.jsonl")));
        assert!(e.is_excluded(Path::new("vendor/x.jsonl")));
        assert!(!e.is_excluded(Path::new("data/clean/x.jsonl")));
        assert!(!e.is_excluded(Path::new("scratchpad.jsonl")));
        assert!(!e.is_excluded(Path::new("train.jsonl")));
    }

    #[test]
    fn absolute_paths_below_the_current_directory_match_relative_patterns() {
        let e = ex(&["data/raw/*.jsonl"]);
        let abs = std::env::current_dir().unwrap().join("data/raw/x.jsonl");
        assert!(e.is_excluded(&abs));
    }

    #[test]
    fn explicit_files_only_with_force() {
        let p = vec!["x.jsonl".to_string()];
        assert!(!Excludes::new(&p, false)
            .unwrap()
            .excludes_explicit(Path::new("x.jsonl")));
        assert!(Excludes::new(&p, true)
            .unwrap()
            .excludes_explicit(Path::new("x.jsonl")));
        assert!(!Excludes::default().is_excluded(Path::new("x.jsonl")));
    }

    #[test]
    fn walk_entries_are_matched_by_path_and_name_only() {
        let e = ex(&["raw", "data/tmp/*.jsonl"]);
        assert!(e.excludes_entry(Path::new("raw")));
        assert!(e.excludes_entry(Path::new("x/raw")));
        assert!(e.excludes_entry(Path::new("./data/tmp/a.jsonl")));
        // Below a folder the user named: its own name does not exclude its contents.
        assert!(!e.excludes_entry(Path::new("raw/a.jsonl")));
        assert!(e.is_excluded(Path::new("raw/a.jsonl")));
    }

    #[test]
    fn invalid_globs_are_errors() {
        let err = Excludes::new(&["a[".to_string()], false).unwrap_err();
        assert!(matches!(&err, InputError::ExcludePattern { pattern, .. } if pattern == "a["));
        assert!(err.to_string().contains("`a[`"), "{err}");
    }
}
