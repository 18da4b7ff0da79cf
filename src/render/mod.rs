//! Output formats, one file each. Every renderer gets the same reports and the same stream of
//! their findings in output order ([`FindingStream`]), so all formats agree on positions and
//! order. The findings are read once, one at a time: a renderer never holds them all (a
//! report's findings may be more than memory; see `engine::findings`).

pub mod concise;
pub mod full;
pub mod github;
pub mod json;
pub mod json_lines;
pub mod sarif;
pub mod statistics;
pub mod visible;

use crate::diagnostic::Diagnostic;
use crate::engine::FileReport;
use crate::rules::Severity;
use std::io::{self, Write};

// The words of `--output-format` are a setting, shared with the config file; they live in
// the config layer so that settings need nothing from the renderers.
pub use crate::config::OutputFormat;

/// What the renderers need besides the reports.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    pub target: String,
    pub model: String,
    /// Color and terminal width for the human formats.
    pub color: bool,
    pub width: usize,
    /// `--quiet`: the findings only, no summary lines.
    pub quiet: bool,
    /// `--verbose`: each file's token line even when there are several files.
    pub verbose: bool,
    /// The token and cost line of all files together, when there are several and tokens were
    /// counted.
    pub token_total: Option<String>,
    /// `--unsafe-fixes`: unsafe fixes count as fixable and are marked `[*]`.
    pub unsafe_fixes: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings a baseline accepted (not shown, not counted above).
    pub accepted: u64,
    /// Fixes `--fix` would apply (said in the human formats only): one per line, so a
    /// finding said once for a whole file counts each line it fixes.
    #[serde(skip)]
    pub fixable: usize,
    /// Unsafe fixes this run does not apply (no `--unsafe-fixes`), counted as `fixable` is.
    #[serde(skip)]
    pub hidden_fixes: usize,
}

/// The findings of a run's reports in output order, one at a time.
pub trait FindingStream {
    /// The next finding, with the index of its report; `None` after the last.
    fn next_finding(&mut self) -> io::Result<Option<(usize, Diagnostic)>>;
    /// Findings a baseline hid: all of them once `next_finding` has returned `None`.
    fn accepted(&self) -> u64;
}

/// The findings of reports that hold them in memory (`FileReport::diagnostics`).
pub struct InMemory<'a> {
    reports: &'a [FileReport],
    file: usize,
    at: usize,
}

impl<'a> InMemory<'a> {
    pub fn new(reports: &'a [FileReport]) -> Self {
        InMemory {
            reports,
            file: 0,
            at: 0,
        }
    }
}

impl FindingStream for InMemory<'_> {
    fn next_finding(&mut self) -> io::Result<Option<(usize, Diagnostic)>> {
        while let Some(r) = self.reports.get(self.file) {
            if let Some(d) = r.diagnostics.get(self.at) {
                self.at += 1;
                return Ok(Some((self.file, d.clone())));
            }
            self.file += 1;
            self.at = 0;
        }
        Ok(None)
    }

    fn accepted(&self) -> u64 {
        self.reports.iter().map(|r| r.accepted).sum()
    }
}

impl Counts {
    /// `unsafe_fixes`: the run's `--unsafe-fixes` (which fixes count as fixable).
    pub fn of(reports: &[FileReport], unsafe_fixes: bool) -> Counts {
        let mut c = Counts::files(reports.len());
        c.accepted = reports.iter().map(|r| r.accepted).sum();
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            c.add(d, unsafe_fixes);
        }
        c
    }

    /// No finding yet, in `files` files.
    pub fn files(files: usize) -> Counts {
        Counts {
            files,
            ..Counts::default()
        }
    }

    /// Counts one more finding.
    pub fn add(&mut self, d: &Diagnostic, unsafe_fixes: bool) {
        if d.is_fixable(unsafe_fixes) {
            self.fixable += d.fix.as_ref().map_or(0, |f| f.edits.len());
        } else if d.has_hidden_fix(unsafe_fixes) {
            self.hidden_fixes += d.fix.as_ref().map_or(0, |f| f.edits.len());
        }
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    /// `Found 3 errors and 2 warnings in 1 file.`
    pub fn sentence(&self) -> String {
        let files = format!(
            "{} file{}",
            self.files,
            if self.files == 1 { "" } else { "s" }
        );
        let mut parts = Vec::new();
        for (n, what) in [
            (self.errors, "error"),
            (self.warnings, "warning"),
            (self.infos, "info"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}{}", if n == 1 { "" } else { "s" }));
            }
        }
        // Findings a baseline hides are said, so that "no problems" is never a silent one.
        let accepted = match self.accepted {
            0 => String::new(),
            n if parts.is_empty() => format!(" ({n} accepted in the baseline)"),
            n => format!(" ({n} more accepted in the baseline)"),
        };
        match parts.len() {
            0 => format!("No problems found in {files}{accepted}."),
            1 => format!("Found {} in {files}{accepted}.", parts[0]),
            _ => {
                let last = parts.pop().unwrap_or_default();
                format!(
                    "Found {} and {last} in {files}{accepted}.",
                    parts.join(", ")
                )
            }
        }
    }
}

/// `[*] 3 fixable with the `--fix` option.`, when any finding is, as ruff says it; unsafe fixes
/// not enabled are counted in parentheses (`(2 hidden fixes can be enabled with the
/// `--unsafe-fixes` option)`).
pub fn fixable_sentence(counts: &Counts, unsafe_fixes: bool) -> Option<String> {
    let hidden = match counts.hidden_fixes {
        0 => String::new(),
        1 => " (1 hidden fix can be enabled with the `--unsafe-fixes` option)".to_string(),
        n => format!(" ({n} hidden fixes can be enabled with the `--unsafe-fixes` option)"),
    };
    let option = if unsafe_fixes {
        "`--fix --unsafe-fixes` options"
    } else {
        "`--fix` option"
    };
    match (counts.fixable, counts.hidden_fixes) {
        (0, 0) => None,
        (0, _) => Some(format!("No fixes available{hidden}.")),
        (n, _) => Some(format!("[*] {n} fixable with the {option}{hidden}.")),
    }
}

/// The mark of a finding `--fix` would fix, as ruff prints it: `J004 [*] empty line…`.
pub fn fix_mark(d: &Diagnostic, unsafe_fixes: bool) -> &'static str {
    if d.is_fixable(unsafe_fixes) {
        " [*]"
    } else {
        ""
    }
}

/// Renders reports that hold their findings in memory.
pub fn render(
    format: OutputFormat,
    reports: &[FileReport],
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    render_stream(format, reports, &mut InMemory::new(reports), info, out).map(|_| ())
}

/// Renders `reports` with their findings read once from `stream`; returns what was counted
/// (for the exit code).
pub fn render_stream(
    format: OutputFormat,
    reports: &[FileReport],
    stream: &mut dyn FindingStream,
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<Counts> {
    let mut counted = Counted {
        inner: stream,
        counts: Counts::files(reports.len()),
        unsafe_fixes: info.unsafe_fixes,
    };
    match format {
        OutputFormat::Full => full::render(reports, &mut counted, info, out)?,
        OutputFormat::Concise => concise::render(reports, &mut counted, info.unsafe_fixes, out)?,
        OutputFormat::Json => json::render(reports, &mut counted, info, out)?,
        OutputFormat::JsonLines => json_lines::render(reports, &mut counted, out)?,
        OutputFormat::Github => github::render(reports, &mut counted, out)?,
        OutputFormat::Sarif => sarif::render(reports, &mut counted, out)?,
    }
    // A renderer that stopped early (none does) still counts every finding.
    while counted.next_finding()?.is_some() {}
    Ok(counted.totals())
}

/// A stream that counts what passes through it: the summary of the human formats and JSON,
/// and the exit code, without a second pass.
pub struct Counted<'s> {
    inner: &'s mut dyn FindingStream,
    counts: Counts,
    unsafe_fixes: bool,
}

impl<'s> Counted<'s> {
    pub fn new(inner: &'s mut dyn FindingStream, files: usize, unsafe_fixes: bool) -> Self {
        Counted {
            inner,
            counts: Counts::files(files),
            unsafe_fixes,
        }
    }

    /// The counts so far, with the findings a baseline hid.
    pub fn totals(&self) -> Counts {
        Counts {
            accepted: self.inner.accepted(),
            ..self.counts
        }
    }

    pub fn next_finding(&mut self) -> io::Result<Option<(usize, Diagnostic)>> {
        let next = self.inner.next_finding()?;
        if let Some((_, d)) = &next {
            self.counts.add(d, self.unsafe_fixes);
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_sentences() {
        let c = |errors, warnings, infos, files| {
            Counts {
                files,
                errors,
                warnings,
                infos,
                accepted: 0,
                fixable: 0,
                hidden_fixes: 0,
            }
            .sentence()
        };
        assert_eq!(c(3, 2, 0, 1), "Found 3 errors and 2 warnings in 1 file.");
        assert_eq!(c(1, 0, 0, 2), "Found 1 error in 2 files.");
        assert_eq!(
            c(1, 1, 1, 1),
            "Found 1 error, 1 warning and 1 info in 1 file."
        );
        assert_eq!(c(0, 0, 0, 1), "No problems found in 1 file.");
        let accepted = |errors, accepted| {
            Counts {
                files: 1,
                errors,
                accepted,
                ..Counts::default()
            }
            .sentence()
        };
        assert_eq!(
            accepted(0, 3),
            "No problems found in 1 file (3 accepted in the baseline)."
        );
        assert_eq!(
            accepted(1, 3),
            "Found 1 error in 1 file (3 more accepted in the baseline)."
        );
    }
}
