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
use std::collections::HashMap;
use std::path::PathBuf;

/// What narrows a run's findings, resolved before the check so that errors come first.
pub struct Narrowing {
    /// Changed lines by display name, with `--diff`.
    diff: Option<HashMap<String, ChangedLines>>,
    /// `--baseline` (or the config key) and its entries.
    baseline: Option<(PathBuf, Baseline)>,
    /// `--write-baseline`.
    write: Option<PathBuf>,
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
            let base = Baseline::from_reports(reports, &keyed);
            base.write(path)?;
            let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
            eprintln!(
                "ftlint: wrote {} baseline entries ({findings} findings) to `{}`",
                base.entries.len(),
                path.display()
            );
            return Ok(Some(0));
        }
        if let Some((path, base)) = &self.baseline {
            let keyed = keyed(inputs, reports, path)?;
            let judged = |code: &str| Rule::from_code(code).is_none_or(|r| selection.contains(r));
            let stale = base.apply(reports, &keyed, judged);
            // With `--diff`, findings on unchanged lines were dropped first: their entries
            // matching nothing says nothing.
            if stale > 0 && self.diff.is_none() {
                eprintln!(
                    "ftlint: note: {stale} baseline {} in `{}` no longer {}; rewrite it with \
                     --write-baseline",
                    if stale == 1 { "entry" } else { "entries" },
                    path.display(),
                    if stale == 1 { "matches" } else { "match" },
                );
            }
        }
        Ok(None)
    }
}

/// Each report's baseline key and line hashes, re-reading only the inputs with findings.
fn keyed(
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
