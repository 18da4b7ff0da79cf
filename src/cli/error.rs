//! What ends a command with exit code 2, and how it reaches stderr.
//!
//! Each layer has its own error enum ([`InputError`], [`DiffError`], [`TargetError`],
//! [`BaselineError`], [`ScannerError`], [`ProfileError`], [`ClientError`], `ConfigError`);
//! [`CliError`] holds the CLI's own failures (usage errors, a layer's error placed under the
//! config key it came from) and passes the others through. A command returns a [`Report`], which
//! takes any of them through `?`; [`exit`] prints it as `ftlint: error: MESSAGE` and returns 2.
//!
//! Every error's `Display` is the whole line the user sees, its cause's text included (an I/O
//! error worded by [`input::io_reason`], a toml error by its message), as before these types
//! existed. So only the top error is printed, never the `source()` chain (`{:#}` would repeat
//! the cause); the chain is there for callers that want the typed cause.

use crate::baseline::BaselineError;
use crate::config::ConfigError;
use crate::diff::DiffError;
use crate::input::{self, InputError};
use crate::moderation::profile::ProfileError;
use crate::moderation::ClientError;
use crate::targets::TargetError;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

/// The one error type a command returns.
///
/// `anyhow` rather than `miette`: `?` converts any `std::error::Error + Send + Sync` into it,
/// so each layer's enum composes without a
/// `miette::Diagnostic` impl per layer or an `into_diagnostic()` at every call; `downcast` lets
/// [`exit`] tell a failed write to stdout from everything else; and the message is one line, so
/// miette's graphical report would add nothing. miette stays what renders findings.
pub type Report = anyhow::Error;

/// The CLI's own failures, and the layers' errors it passes through unchanged.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("`--dry-run` only applies to `--fix`")]
    DryRunWithoutFix,
    #[error("`--fix` cannot rewrite stdin; pass the file's path instead")]
    FixStdin,
    #[error("`--diff` cannot judge stdin: git knows files, not piped input")]
    DiffStdin,
    /// `ftlint rule CODE` with neither a code nor a name of a rule.
    #[error("unknown rule `{code}`{suggestion} (see `ftlint rules`)")]
    UnknownRule { code: String, suggestion: String },
    /// `ftlint target NAME` for a name no built-in or config target has.
    #[error("unknown target `{name}` (see `ftlint targets`)")]
    UnknownTarget { name: String },
    /// `stats` without a model to count tokens with.
    #[error("no model to count tokens with")]
    NoModel,
    #[error(transparent)]
    PerFileIgnores(#[from] crate::settings::BadGlob),
    /// `moderate --export FILE` that cannot be written.
    #[error("cannot write `{}`: {}", .path.display(), input::io_reason(.source))]
    Export {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// `moderate` could not store what it fetched (or could not write the cache at all).
    #[error("{}", cache_write_message(.dir, *.failed, *.total, .reason))]
    CacheWrite {
        dir: PathBuf,
        failed: usize,
        total: usize,
        reason: String,
    },
    /// `moderate` with no score cache to fill and no `--export`.
    #[error("no score cache directory: set `--cache-dir` or `FTLINT_CACHE_DIR` (or pass `--export FILE`)")]
    NoCacheDir,
    /// `--output-file FILE` that cannot be written.
    #[error("cannot write `{}`: {}", .path.display(), input::io_reason(.source))]
    OutputFile {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// `ftlint accept` with no baseline file to write to.
    #[error("no baseline file: pass `--baseline FILE` or set `baseline` in the config")]
    NoBaseline,
    #[error("line numbers start at 1")]
    AcceptLineZero,
    #[error("`{path}` is not a file (accept `PATH:LINE` or `PATH`)")]
    AcceptNotAFile { path: String },
    /// `ftlint accept` where there is no such finding; the message says what is there.
    #[error("nothing to accept: {message}")]
    NothingToAccept { message: String },
    /// The file could not be read (the reason was printed).
    #[error("nothing was accepted")]
    AcceptReadFailed,
    /// `ftlint man --dir DIR` that cannot write its pages.
    #[error("cannot write manual pages to `{}`: {}", .dir.display(), input::io_reason(.source))]
    ManPages {
        dir: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Writing the findings to stdout failed (other than a closed pipe).
    #[error("cannot write output: {0}")]
    Output(#[source] io::Error),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Target(#[from] TargetError),
    /// An unknown `--profile`.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Diff(#[from] DiffError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// `--moderation api`: no key, no network, or the API refused.
    #[error(transparent)]
    Moderation(#[from] ClientError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Settings resolved into no config or no run.
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    #[error(transparent)]
    Setup(#[from] crate::settings::SetupError),
}

fn cache_write_message(dir: &std::path::Path, failed: usize, total: usize, reason: &str) -> String {
    if total == 0 {
        format!(
            "cannot write the score cache `{}`: {reason}; nothing was fetched",
            dir.display()
        )
    } else {
        format!(
            "{failed} of {total} fetched scores could not be written to the score cache `{}`: {reason}",
            dir.display()
        )
    }
}

/// Prints `report` as `ftlint: error: MESSAGE` and returns exit code 2 — or 0 for a closed
/// stdout (`ftlint check … | head`), which is the reader's choice, not a failure.
///
/// An `io::Error` that arrives unwrapped came from writing the output: every failed read is
/// wrapped in its layer's error on the way up, so a bare one can only be a write to stdout.
pub fn exit(report: Report) -> ExitCode {
    let report = match report.downcast::<io::Error>() {
        Ok(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Ok(e) => CliError::Output(e).into(),
        Err(report) => report,
    };
    eprintln!("ftlint: error: {report}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_converts_and_keeps_its_message() {
        // Checked by the compiler: the config and settings layers' errors compose too.
        let _: fn(ConfigError) -> Report = Report::from;
        let _: fn(ConfigError) -> CliError = CliError::from;
        let input: Report = InputError::NoJsonl {
            dir: PathBuf::from("data"),
            ignored: false,
        }
        .into();
        assert_eq!(
            input.to_string(),
            "no `*.jsonl` files found in directory `data`"
        );
        let through_cli: Report = CliError::from(InputError::NoJsonl {
            dir: PathBuf::from("data"),
            ignored: false,
        })
        .into();
        assert_eq!(through_cli.to_string(), input.to_string());
    }

    #[test]
    fn wrapped_errors_name_their_config_key_and_keep_the_cause() {
        let e = crate::settings::SetupError::Models {
            config: Some(PathBuf::from("ftlint.toml")),
            source: TargetError::EmptyModelName,
        };
        assert_eq!(
            e.to_string(),
            "invalid config `ftlint.toml`: `models`: a model has an empty `name`"
        );
        let cause = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<TargetError>());
        assert_eq!(cause, Some(&TargetError::EmptyModelName));
        let e = CliError::from(crate::settings::SetupError::Thresholds {
            config: None,
            source: ProfileError::WarnAboveError {
                profile: "finetune".into(),
                category: crate::moderation::Category::Sexual,
                warn: 0.5,
                error: 0.4,
            },
        });
        assert_eq!(
            e.to_string(),
            "invalid config `?`: profile `finetune`: `sexual` warn 0.5 is above error 0.4"
        );
    }
}
