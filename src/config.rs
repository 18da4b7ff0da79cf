//! Configuration files: `ftlint.toml`, `.ftlint.toml`, or `pyproject.toml` `[tool.ftlint]`.
//!
//! **One config per run.** The file is found by walking up from the first input's folder (for
//! stdin, the current directory) to the filesystem root; in each folder the first of
//! `ftlint.toml`, `.ftlint.toml` and a `pyproject.toml` that has a `[tool.ftlint]` table wins.
//! `--config FILE` names the file instead; `--isolated` ignores config files. A run uses one
//! config for all its inputs (not one per input, as ruff does), so that the settings a
//! report was made with are the same for every file in it and `ftlint config` can show them.
//!
//! Keys mirror the `check` flags (kebab-case), plus `per-file-ignores`, `[thresholds]`,
//! `[[models]]`, `[profiles.NAME]` and `[sensitive]`. Unknown keys are errors naming the key,
//! the file and the line. Precedence: flags > config > defaults ([`crate::settings`]).
//! Relative paths (`scores`, `cache-dir`, `baseline`) resolve against the config file's folder.

pub mod schema;

use crate::sensitive::ScannerOptions;
use crate::targets::Model;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The names a config file may have, in the order they are looked for in each folder.
pub const FILE_NAMES: &[&str] = &["ftlint.toml", ".ftlint.toml", "pyproject.toml"];

/// The contents of a config file. Every key is optional; `None` leaves the default (or the
/// flag) in place.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub target: Option<String>,
    pub model: Option<String>,
    pub format: Option<String>,
    pub output_format: Option<String>,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub epochs: Option<u32>,
    pub max_warnings: Option<usize>,
    pub exclude: Option<Vec<String>>,
    pub force_exclude: Option<bool>,
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    pub baseline: Option<PathBuf>,
    pub moderation: Option<String>,
    pub scores: Option<PathBuf>,
    pub profile: Option<String>,
    pub offline: Option<bool>,
    pub cache_dir: Option<PathBuf>,
    pub moderation_unit: Option<String>,
    pub moderation_model: Option<String>,
    pub require_scores: Option<bool>,
    pub concurrency: Option<u32>,
    /// Overrides of the active moderation profile (`Profile::with_overrides`).
    pub thresholds: Option<toml::Table>,
    /// Extra models of the target (a model of a built-in name replaces it).
    #[serde(default)]
    pub models: Vec<Model>,
    /// User moderation profiles by name (`Profile::from_table`).
    #[serde(default)]
    pub profiles: BTreeMap<String, toml::Table>,
    /// Extra sensitive-data patterns and allow-lists.
    pub sensitive: Option<ScannerOptions>,
}

/// A config file that was read: its path, its folder and its contents.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub config: Config,
}

/// A config file that cannot be used: the message names the file (and line:column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    ftlint: Option<Config>,
}

/// Parses a config file's text. `pyproject`: the text is a `pyproject.toml`, whose
/// `[tool.ftlint]` table is the config (`Ok(None)` when it has none).
pub fn parse(text: &str, path: &Path, pyproject: bool) -> Result<Option<Config>, ConfigError> {
    let err = |e: toml::de::Error| {
        let place = e
            .span()
            .map(|s| {
                let (line, col) = line_col(text, s.start);
                format!(":{line}:{col}")
            })
            .unwrap_or_default();
        ConfigError(format!(
            "invalid config `{}{place}`: {}",
            path.display(),
            e.message().trim_end()
        ))
    };
    if pyproject {
        let p: Pyproject = toml::from_str(text).map_err(err)?;
        Ok(p.tool.and_then(|t| t.ftlint))
    } else {
        toml::from_str(text).map(Some).map_err(err)
    }
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[start..].chars().count() + 1;
    (line, col)
}

/// Reads the config file at `path` (any name; `pyproject.toml` means its `[tool.ftlint]`).
/// `Ok(None)`: a `pyproject.toml` without `[tool.ftlint]`.
pub fn load(path: &Path) -> Result<Option<Loaded>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError(format!(
            "cannot read config `{}`: {}",
            path.display(),
            crate::input::io_reason(&e)
        ))
    })?;
    let pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let dir = absolute(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(parse(&text, path, pyproject)?.map(|config| Loaded {
        path: path.to_path_buf(),
        dir,
        config,
    }))
}

/// The config of a run whose first input is `first` (`None` or `-`: stdin): the nearest
/// config file in its folder or above.
pub fn discover(first: Option<&Path>) -> Result<Option<Loaded>, ConfigError> {
    let start = match first {
        Some(p) if p.as_os_str() != "-" => {
            let p = absolute(p);
            if p.is_dir() {
                p
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or(p)
            }
        }
        _ => absolute(Path::new(".")),
    };
    for dir in start.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                if let Some(loaded) = load(&candidate)? {
                    return Ok(Some(loaded));
                }
            }
        }
    }
    Ok(None)
}

/// `path` joined to the current directory when relative, `.` and `..` resolved lexically.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    // A config found from `..` lives in `/repo/a/b/..`, which is `/repo/a`.
    let cwd = std::env::current_dir().ok();
    crate::input::absolute_in(cwd.as_deref(), path).unwrap_or_else(|| crate::input::normalize(path))
}

impl Loaded {
    /// A path from the config, resolved against the config file's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }

    /// An exclude pattern from the config, anchored at the config file's folder wherever ftlint
    /// runs from: a pattern with a `/` (`data/raw/*.jsonl`) becomes absolute
    /// (`/repo/data/raw/*.jsonl`, the folder's own glob characters escaped); a pattern without
    /// one matches a name anywhere and stays as it is, as do absolute and `**` patterns.
    pub fn exclude_pattern(&self, pattern: &str) -> String {
        let p = pattern.strip_prefix("./").unwrap_or(pattern);
        if !p.contains('/') || Path::new(p).is_absolute() || p.starts_with("**") {
            return p.to_string();
        }
        let dir = absolute(&self.dir).to_string_lossy().replace('\\', "/");
        format!("{}/{p}", globset::escape(dir.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_key_file_and_line() {
        let e = parse(
            "target = \"openai\"\nmodle = \"x\"\n",
            Path::new("a.toml"),
            false,
        )
        .unwrap_err();
        assert!(e.0.contains("a.toml:2:1"), "{e}");
        assert!(e.0.contains("`modle`"), "{e}");
    }

    #[test]
    fn pyproject_without_table_is_none() {
        let t = "[project]\nname = \"x\"\n[tool.black]\nline-length = 1\n";
        assert_eq!(parse(t, Path::new("pyproject.toml"), true).unwrap(), None);
        let t = "[tool.ftlint]\nmodel = \"m\"\n";
        let c = parse(t, Path::new("pyproject.toml"), true)
            .unwrap()
            .unwrap();
        assert_eq!(c.model.as_deref(), Some("m"));
    }

    #[test]
    fn pyproject_unknown_key_is_located_in_whole_file() {
        let t = "[project]\nname = \"x\"\n\n[tool.ftlint]\nbogus = 1\n";
        let e = parse(t, Path::new("pyproject.toml"), true).unwrap_err();
        assert!(e.0.contains("pyproject.toml:5:1"), "{e}");
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 5), (1, 1));
    }

    #[test]
    fn full_config_parses() {
        let t = r#"
target = "openai"
select = ["J", "C"]
per-file-ignores = { "data/*.jsonl" = ["S001"] }
[thresholds]
sexual = { warn = 0.5 }
[[models]]
name = "my-ft"
context = 1000
encoding = "o200k_base"
[profiles.strict]
description = "x"
[sensitive]
allow = ["a@b.c"]
"#;
        let c = parse(t, Path::new("f.toml"), false).unwrap().unwrap();
        assert_eq!(c.models.len(), 1);
        assert!(c.profiles.contains_key("strict"));
        assert_eq!(c.sensitive.unwrap().allow, vec!["a@b.c".to_string()]);
    }
}
