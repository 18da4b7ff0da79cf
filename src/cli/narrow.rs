//! `check --diff REV`, `--baseline FILE` and `--write-baseline FILE`: which findings of a run
//! are shown. The check itself always runs over whole files (file-level rules need them); these
//! steps only drop diagnostics afterwards. See [`crate::diff`] and [`crate::baseline`].

use super::check::Inputs;
use super::{CheckArgs, CliError};
use crate::baseline::{self, Baseline, Keyed};
use crate::diagnostic::{Rule, RuleSet};
use crate::diff::{self, ChangedLines};
use crate::engine::FileReport;
use crate::input::{InputError, Source};
use crate::settings::Settings;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// What narrows a run's findings, resolved before the check so that errors come first.
pub struct Narrowing {
    /// Changed lines by display name, with `--diff`.
    diff: Option<HashMap<String, ChangedLines>>,
    /// `--baseline` (or the config key) and its entries.
    baseline: Option<(PathBuf, Baseline)>,
    /// `--write-baseline`.
    write: Option<PathBuf>,
    /// `--show-stale-baseline`.
    show_stale: bool,
}

impl Narrowing {
    pub fn new(
        args: &CheckArgs,
        settings: &Settings,
        sources: &[Source],
    ) -> Result<Self, CliError> {
        let diff = match &args.diff {
            None => None,
            Some(rev) => {
                let mut files = Vec::with_capacity(sources.len());
                for s in sources {
                    match s {
                        Source::File(p) => files.push(p.clone()),
                        Source::Stdin(_) => return Err(CliError::DiffStdin),
                    }
                }
                let changed = diff::changed_lines(rev, &files)?;
                Some(
                    sources
                        .iter()
                        .map(Source::display_name)
                        .zip(changed)
                        .collect(),
                )
            }
        };
        let baseline = match (&args.write_baseline, &settings.baseline) {
            (None, Some(path)) => Some((path.clone(), Baseline::load(path)?)),
            _ => None,
        };
        Ok(Narrowing {
            diff,
            baseline,
            write: args.write_baseline.clone(),
            show_stale: args.show_stale_baseline,
        })
    }

    /// Baselines hash the lines of findings, so stdin must be readable twice.
    pub fn needs_stdin_twice(&self) -> bool {
        self.baseline.is_some() || self.write.is_some()
    }

    /// Drops the findings the run should not show. `Some(code)`: the run ends here with that
    /// exit code (`--write-baseline` wrote the file and prints no findings).
    pub fn apply(
        &self,
        inputs: &Inputs,
        selection: &RuleSet,
        reports: &mut [FileReport],
    ) -> Result<Option<u8>, CliError> {
        if let Some(diff) = &self.diff {
            for r in reports.iter_mut() {
                if let Some(changed) = diff.get(&r.path) {
                    r.diagnostics
                        .retain(|d| d.location.is_none_or(|l| changed.contains(l.line)));
                }
            }
        }
        if let Some(path) = &self.write {
            let keyed = keyed(inputs, reports, path)?;
            let fresh = Baseline::from_reports(reports, &keyed);
            let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
            let written = fresh.entries.len();
            let mut base = Baseline::load_for_merge(path)?;
            let before = base.entries.len();
            if self.diff.is_some() {
                // Only changed lines were judged: the other entries of these files still hold.
                base.raise_to(fresh);
            } else {
                let checked: HashSet<&str> = keyed.iter().map(|k| k.path.as_str()).collect();
                base.replace_judged(fresh, |e| {
                    checked.contains(e.path.as_str())
                        && Rule::from_code(&e.code).is_none_or(|r| selection.contains(r))
                });
            }
            base.write(path)?;
            let kept = base.entries.len().saturating_sub(written);
            eprintln!(
                "ftlint: wrote {written} baseline entries ({findings} findings) to `{}`{}",
                path.display(),
                if before > 0 && kept > 0 {
                    format!(
                        "; kept {kept} {} of other files or rules",
                        if kept == 1 { "entry" } else { "entries" }
                    )
                } else {
                    String::new()
                }
            );
            return Ok(Some(0));
        }
        if let Some((path, base)) = &self.baseline {
            let keyed = keyed(inputs, reports, path)?;
            let judged = |code: &str| Rule::from_code(code).is_none_or(|r| selection.contains(r));
            let stale = base.apply(reports, &keyed, judged);
            // With `--diff`, findings on unchanged lines were dropped first: their entries
            // matching nothing says nothing.
            if !stale.is_empty() && self.diff.is_none() {
                let n = stale.len();
                let it = if n == 1 { "it" } else { "them" };
                if self.show_stale {
                    for s in &stale {
                        let e = &base.entries[s.entry];
                        eprintln!(
                            "ftlint: stale baseline entry: `{}` {}{}{} matches no finding \
                             (its line changed, or the problem is gone)",
                            e.path,
                            e.code,
                            if s.unmatched > 1 {
                                format!(" ×{}", s.unmatched)
                            } else {
                                String::new()
                            },
                            e.message
                                .as_deref()
                                .map(|m| format!(" ({})", crate::render::visible::escaped(m)))
                                .unwrap_or_default(),
                        );
                    }
                }
                eprintln!(
                    "ftlint: note: {n} baseline {} in `{}` no longer {}; {}remove {it} with \
                     `ftlint accept --prune`",
                    if n == 1 { "entry" } else { "entries" },
                    path.display(),
                    if n == 1 { "matches" } else { "match" },
                    if self.show_stale {
                        String::new()
                    } else {
                        format!("list {it} with --show-stale-baseline, ")
                    },
                );
            }
        }
        Ok(None)
    }
}

/// Each report's baseline key and line hashes, re-reading only the inputs with findings.
pub(super) fn keyed(
    inputs: &Inputs,
    reports: &[FileReport],
    baseline_path: &std::path::Path,
) -> Result<Vec<Keyed>, InputError> {
    let by_name: HashMap<String, &Source> = inputs
        .sources
        .iter()
        .map(|s| (s.display_name(), s))
        .collect();
    reports
        .iter()
        .map(|r| {
            let source = by_name.get(&r.path).copied();
            let file = match source {
                Some(Source::File(p)) => Some(p.as_path()),
                _ => None,
            };
            let path = baseline::key_for(file, &r.path, baseline_path);
            let hashes = match source {
                Some(s) if r.diagnostics.iter().any(|d| d.location.is_some()) => {
                    let reader = inputs.open(s)?;
                    baseline::hashes(reader, &r.diagnostics)
                        .map_err(|e| InputError::read(r.path.clone(), e))?
                }
                _ => r
                    .diagnostics
                    .iter()
                    .map(|_| baseline::FILE_LEVEL.to_string())
                    .collect(),
            };
            Ok(Keyed { path, hashes })
        })
        .collect()
}
