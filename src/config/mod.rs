//! Configuration files: `ftlint.toml`, `.ftlint.toml`, or `pyproject.toml` `[tool.ftlint]`.
//!
//! **One config per run.** The file is found by walking up from the first input's folder (for
//! stdin, the current directory) to the filesystem root; in each folder the first of
//! `ftlint.toml`, `.ftlint.toml` and a `pyproject.toml` that has a `[tool.ftlint]` table wins.
//! `--config FILE` names the file instead; `--isolated` ignores config files. A run uses one
//! config for all its inputs (not one per input, as ruff does), so that the settings a
//! report was made with are the same for every file in it and `ftlint config` can show them.
//!
//! The file's contents are one [`Config`] ([`options`]): its keys mirror the `check` flags
//! (kebab-case), plus `per-file-ignores`, `[thresholds]`, `[[models]]`, `[profiles.NAME]` and
//! `[sensitive]`. Everything is typed, so an unknown key, a word that is not one of a setting's
//! choices, a number out of range or a bad threshold is an error here, naming the file, the line
//! and column, and the key. Precedence (flags > config > defaults) is [`crate::settings`]'s.
//! Relative paths (`scores`, `cache-dir`, `baseline`) resolve against the config file's folder.

pub mod choices;
pub mod options;

pub use choices::{
    FormatOption, ModerationProvider, ModerationSource, ModerationUnit, OutputFormat,
};
pub use options::{json_schema, json_schema_text, Concurrency, Config, Epochs};

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The names a config file may have, in the order they are looked for in each folder.
pub const FILE_NAMES: &[&str] = &["ftlint.toml", ".ftlint.toml", "pyproject.toml"];

/// A config file that was read: its path, its folder and its contents.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub config: Config,
}

/// A config file that cannot be used: the message names the file (and line:column).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config `{}`: {}", .path.display(), crate::input::io_reason(.source))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Not TOML, or not the options' shape: `at` is `:line:col` (empty when toml gives no
    /// span), `key` the dotted key the error is about, when known.
    #[error(
        "invalid config `{}{at}`: {}{message}",
        .path.display(),
        .key.as_ref().map(|k| format!("`{k}`: ")).unwrap_or_default()
    )]
    Invalid {
        path: PathBuf,
        at: String,
        key: Option<String>,
        message: String,
    },
}

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
        ConfigError::Invalid {
            path: path.to_path_buf(),
            at: place,
            key: key_of(&e, pyproject),
            message: with_suggestion(e.message().trim_end()),
        }
    };
    if pyproject {
        let p: Pyproject = toml::from_str(text).map_err(err)?;
        Ok(p.tool.and_then(|t| t.ftlint))
    } else {
        toml::from_str(text).map(Some).map_err(err)
    }
}

/// serde's "unknown field `modle`, expected one of `target`, `model`, …" (and "unknown
/// variant") with the nearest expected word added: "…; did you mean `model`?".
fn with_suggestion(message: &str) -> String {
    let near = (|| {
        let rest = message
            .strip_prefix("unknown field `")
            .or_else(|| message.strip_prefix("unknown variant `"))?;
        let (word, rest) = rest.split_once('`')?;
        let expected = rest.split_once("expected one of ")?.1;
        let words = expected.split(", ").map(|w| w.trim().trim_matches('`'));
        crate::suggest::nearest(word, words).map(str::to_string)
    })();
    match near {
        Some(w) => format!("{message}; did you mean `{w}`?"),
        None => message.to_string(),
    }
}

/// The dotted key an error is about (`thresholds.sexual`), relative to the config table; `None`
/// for the table itself (an unknown key: the message names it).
fn key_of(e: &toml::de::Error, pyproject: bool) -> Option<String> {
    // toml keeps the key path private and prints it as the last line, `in `a.b``, when the
    // error has no source text to quote; that line is the only way to read it. A test pins it.
    let mut bare = e.clone();
    bare.set_input(None);
    let text = bare.to_string();
    let path = text
        .lines()
        .last()?
        .strip_prefix("in `")?
        .strip_suffix('`')?
        .to_string();
    let path = if pyproject {
        path.strip_prefix("tool.ftlint")?
            .trim_start_matches('.')
            .to_string()
    } else {
        path
    };
    (!path.is_empty()).then_some(path)
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
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
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
        assert!(e.to_string().contains("a.toml:2:1"), "{e}");
        assert!(e.to_string().contains("`modle`"), "{e}");
        assert!(e.to_string().ends_with("; did you mean `model`?"), "{e}");
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
        assert!(e.to_string().contains("pyproject.toml:5:1"), "{e}");
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
        assert_eq!(c.models.unwrap().len(), 1);
        assert!(c.profiles.unwrap().contains_key("strict"));
        assert_eq!(c.sensitive.unwrap().allow, vec!["a@b.c".to_string()]);
    }

    /// A bad value anywhere is refused as the file is read, at its line and column, with its key.
    #[test]
    fn bad_values_name_file_line_column_and_key() {
        let e = |t: &str| {
            parse(t, Path::new("f.toml"), false)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e("epochs = 51\n"),
            "invalid config `f.toml:1:10`: `epochs`: 51 is not in 1..=50"
        );
        assert_eq!(
            e("model = \"m\"\nconcurrency = 0\n"),
            "invalid config `f.toml:2:15`: `concurrency`: 0 is not in 1..=64"
        );
        assert_eq!(
            e("format = \"xml\"\n"),
            "invalid config `f.toml:1:10`: `format`: unknown variant `xml`, expected one of `auto`, `chat`, `completion`, `preference`, `rft`, `gemini`, `bedrock-conversation`, `text`, `conversational-completion`, `chosen-rejected`, `unpaired-preference`, `sharegpt`, `alpaca`"
        );
        assert_eq!(
            e("[thresholds]\nsexual = { warn = 1.5 }\n"),
            "invalid config `f.toml:2:19`: `thresholds.sexual.warn`: 1.5 is neither a probability (0..=1) nor a severity (an integer in 0..=7)"
        );
        assert_eq!(
            e("[thresholds]\nmax_flagged_fraction = 2\n"),
            "invalid config `f.toml:2:24`: `thresholds.max_flagged_fraction`: 2 is not in 0..=1"
        );
        assert_eq!(
            e("[profiles.strict.categories.violence]\nwarn = 0.5\nerror = 0.1\n"),
            "invalid config `f.toml:1:1`: `profiles.strict.categories.violence`: warn 0.5 is above error 0.1"
        );
        assert_eq!(
            e("[profiles.strict.gate]\nmax_flagged_fraction = -0.5\n"),
            "invalid config `f.toml:2:24`: `profiles.strict.gate.max_flagged_fraction`: -0.5 is not in 0..=1"
        );
        assert_eq!(
            e("[thresholds]\nsexual = { warn = 0.1 }\nsexuality = { warn = 0.1 }\n"),
            "invalid config `f.toml:3:1`: `thresholds`: unknown category `sexuality`; expected one of harassment, harassment/threatening, hate, hate/threatening, illicit, illicit/violent, self-harm, self-harm/instructions, self-harm/intent, sexual, sexual/minors, violence, violence/graphic"
        );
        assert_eq!(
            e("[thresholds]\nsexual = 0.1\n"),
            "invalid config `f.toml:2:10`: `thresholds.sexual`: invalid type: floating point `0.1`, expected a table of `warn` and `error`"
        );
        assert_eq!(
            e("output-format = 3\n"),
            "invalid config `f.toml:1:17`: `output-format`: invalid type: integer `3`, expected a string"
        );
        assert_eq!(
            e("[sensitive]\nallowed = []\n"),
            "invalid config `f.toml:2:1`: `sensitive`: unknown field `allowed`, expected one of `patterns`, `allow`, `allow-regex`, `min-profile-kinds`; did you mean `allow`?"
        );
        assert_eq!(
            e("format = \"caht\"\n"),
            "invalid config `f.toml:1:10`: `format`: unknown variant `caht`, expected one of `auto`, `chat`, `completion`, `preference`, `rft`, `gemini`, `bedrock-conversation`, `text`, `conversational-completion`, `chosen-rejected`, `unpaired-preference`, `sharegpt`, `alpaca`; did you mean `chat`?"
        );
        let p = parse(
            "[tool.ftlint]\nepochs = 0\n",
            Path::new("pyproject.toml"),
            true,
        )
        .unwrap_err();
        assert_eq!(
            p.to_string(),
            "invalid config `pyproject.toml:2:10`: `epochs`: 0 is not in 1..=50"
        );
    }
}
