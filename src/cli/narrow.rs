//! `check --diff REV`, `--baseline FILE` and `--write-baseline FILE`: which findings of a run
//! are shown. The check itself always runs over whole files (file-level rules need them); these
//! steps only drop diagnostics afterwards, as the findings stream out in order (each input is
//! re-read once, in step, for the line hashes a baseline needs). See [`crate::diff`] and
//! [`crate::baseline`].

use super::check::Inputs;
use super::{CheckArgs, CliError, Report};
use crate::baseline::{self, Baseline, Keyed, LineHashes};
use crate::diagnostic::{Diagnostic, Rule, RuleSet};
use crate::diff::{self, ChangedLines};
use crate::engine::findings::{Findings, SpillError, Stream};
use crate::engine::FileReport;
use crate::input::{InputError, Source};
use crate::render::FindingStream;
use crate::settings::PerFileIgnores;
use crate::settings::{Settings, Setup};
use std::collections::{HashMap, HashSet};
use std::io::Read;
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

    /// The run's findings as they are shown: each file's run findings (T002, …) first, then
    /// its own in output order, without the per-file ignores, lines `--diff` did not change
    /// and what the baseline accepts. Read once; [`Narrowing::finish`] then says what is left
    /// to say.
    pub fn stream<'a>(
        &'a self,
        inputs: &'a Inputs,
        setup: &'a Setup,
        ignores: &'a PerFileIgnores,
        reports: &'a [FileReport],
        findings: Vec<Findings>,
    ) -> Narrowed<'a> {
        let baseline_path = self
            .write
            .as_deref()
            .or(self.baseline.as_ref().map(|(p, _)| p.as_path()));
        let by_name: HashMap<String, &Source> = inputs
            .sources
            .iter()
            .map(|s| (s.display_name(), s))
            .collect();
        let keys = reports
            .iter()
            .map(|r| {
                baseline_path.map(|bp| {
                    let file = match by_name.get(&r.path) {
                        Some(Source::File(p)) => Some(p.as_path()),
                        _ => None,
                    };
                    baseline::key_for(file, &r.path, bp)
                })
            })
            .collect();
        Narrowed {
            narrowing: self,
            inputs,
            by_name,
            prefix: &setup.file_level,
            ignores,
            reports,
            keys,
            findings: findings.into_iter().map(Some).collect(),
            current: None,
            next: 0,
            matcher: match (&self.write, &self.baseline) {
                (None, Some((_, base))) => Some(baseline::Matcher::new(base)),
                _ => None,
            },
            accepted: 0,
        }
    }

    /// With `--write-baseline`: reads the whole stream into the baseline, writes it, and
    /// returns `Some(0)` (the run prints no findings). `None`: the findings are to be shown.
    pub fn write_baseline(
        &self,
        stream: &mut Narrowed<'_>,
        selection: &RuleSet,
    ) -> Result<Option<u8>, Report> {
        let Some(path) = &self.write else {
            return Ok(None);
        };
        let mut fresh = baseline::Builder::default();
        while let Some((i, d, hash)) = stream.next_keyed().map_err(layer_error)? {
            let key = stream.keys[i].as_deref().unwrap_or_default();
            fresh.add(key, &d, hash.as_deref().unwrap_or(baseline::FILE_LEVEL));
        }
        let findings = fresh.findings();
        let fresh = fresh.finish();
        let written = fresh.entries.len();
        let mut base = Baseline::load_for_merge(path)?;
        let before = base.entries.len();
        if self.diff.is_some() {
            // Only changed lines were judged: the other entries of these files still hold.
            base.raise_to(fresh);
        } else {
            let checked: HashSet<&str> = stream.keys.iter().flatten().map(String::as_str).collect();
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
        Ok(Some(0))
    }

    /// After the stream was read: the baseline's entries that matched nothing, said on stderr.
    pub fn finish(&self, stream: &mut Narrowed<'_>, selection: &RuleSet) {
        let (Some((path, base)), Some(matcher)) = (&self.baseline, stream.matcher.as_mut()) else {
            return;
        };
        let checked: HashSet<&str> = stream.keys.iter().flatten().map(String::as_str).collect();
        let judged = |code: &str| Rule::from_code(code).is_none_or(|r| selection.contains(r));
        let stale = matcher.stale(&checked, judged);
        // With `--diff`, findings on unchanged lines were dropped first: their entries
        // matching nothing says nothing.
        if stale.is_empty() || self.diff.is_some() {
            return;
        }
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

/// An error met while reading the findings: the input's or the temporary file's (their own
/// lines), else writing the output.
pub fn layer_error(e: std::io::Error) -> Report {
    let is_layer = e
        .get_ref()
        .is_some_and(|i| i.is::<InputError>() || i.is::<SpillError>());
    if !is_layer {
        return e.into();
    }
    match e.into_inner().map(|i| i.downcast::<InputError>()) {
        Some(Ok(input)) => (*input).into(),
        Some(Err(other)) => match other.downcast::<SpillError>() {
            Ok(spill) => (*spill).into(),
            Err(other) => std::io::Error::other(other).into(),
        },
        None => std::io::Error::other("an unknown error").into(),
    }
}

/// One file of the stream being read.
struct Current<'a> {
    index: usize,
    prefix: std::slice::Iter<'a, Diagnostic>,
    stream: Stream,
    ignored: RuleSet,
    changed: Option<&'a ChangedLines>,
    /// The input re-read for line hashes (baselines), opened at the first finding on a line.
    hashes: Option<LineHashes<Box<dyn Read + Send + 'a>>>,
}

/// The run's findings as shown, in output order (see [`Narrowing::stream`]).
pub struct Narrowed<'a> {
    narrowing: &'a Narrowing,
    inputs: &'a Inputs,
    by_name: HashMap<String, &'a Source>,
    prefix: &'a [Diagnostic],
    ignores: &'a PerFileIgnores,
    reports: &'a [FileReport],
    /// Each report's baseline key, when a baseline is read or written.
    keys: Vec<Option<String>>,
    findings: Vec<Option<Findings>>,
    current: Option<Current<'a>>,
    next: usize,
    matcher: Option<baseline::Matcher<'a>>,
    accepted: u64,
}

impl Narrowed<'_> {
    /// The next finding that passes the ignores and `--diff`, with its report's index and,
    /// when a baseline is read or written, its line hash.
    fn next_keyed(&mut self) -> std::io::Result<Option<(usize, Diagnostic, Option<String>)>> {
        loop {
            if self.current.is_none() {
                let Some(findings) = self.findings.get_mut(self.next).and_then(Option::take) else {
                    return Ok(None);
                };
                let index = self.next;
                self.next += 1;
                let r = &self.reports[index];
                self.current = Some(Current {
                    index,
                    prefix: self.prefix.iter(),
                    stream: findings.into_stream()?,
                    ignored: self.ignores.ignored(&r.path),
                    changed: self.narrowing.diff.as_ref().and_then(|d| d.get(&r.path)),
                    hashes: None,
                });
            }
            let Some(cur) = self.current.as_mut() else {
                continue;
            };
            let d = match cur.prefix.next() {
                Some(d) => d.clone(),
                None => match cur.stream.next_diagnostic()? {
                    Some(d) => d,
                    None => {
                        self.current = None;
                        continue;
                    }
                },
            };
            if cur.ignored.contains(d.rule.rule) {
                continue;
            }
            if let Some(changed) = cur.changed {
                if !d.location.is_none_or(|l| changed.contains(l.line)) {
                    continue;
                }
            }
            let index = cur.index;
            if self.keys[index].is_none() {
                return Ok(Some((index, d, None)));
            }
            let hash = match (d.location, self.by_name.get(&self.reports[index].path)) {
                (Some(_), Some(source)) => {
                    if cur.hashes.is_none() {
                        let reader = self.inputs.open(source).map_err(std::io::Error::other)?;
                        cur.hashes = Some(LineHashes::new(reader));
                    }
                    let name = &self.reports[index].path;
                    cur.hashes
                        .as_mut()
                        .map(|h| h.hash(&d))
                        .transpose()
                        .map_err(|e| std::io::Error::other(InputError::read(name.clone(), e)))?
                        .unwrap_or_else(|| baseline::FILE_LEVEL.to_string())
                }
                _ => baseline::FILE_LEVEL.to_string(),
            };
            return Ok(Some((index, d, Some(hash))));
        }
    }
}

impl FindingStream for Narrowed<'_> {
    fn next_finding(&mut self) -> std::io::Result<Option<(usize, Diagnostic)>> {
        loop {
            let Some((i, d, hash)) = self.next_keyed()? else {
                return Ok(None);
            };
            if let (Some(m), Some(h), Some(key)) = (
                self.matcher.as_mut(),
                hash.as_deref(),
                self.keys[i].as_deref(),
            ) {
                if m.accepts(key, d.rule.code(), h) {
                    self.accepted += 1;
                    continue;
                }
            }
            return Ok(Some((i, d)));
        }
    }

    fn accepted(&self) -> u64 {
        self.accepted
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
