//! Output formats, one file each. Every renderer gets the same sorted reports, so all
//! formats agree on positions and order.

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

impl Counts {
    /// `unsafe_fixes`: the run's `--unsafe-fixes` (which fixes count as fixable).
    pub fn of(reports: &[FileReport], unsafe_fixes: bool) -> Counts {
        let mut c = Counts {
            files: reports.len(),
            ..Counts::default()
        };
        c.accepted = reports.iter().map(|r| r.accepted).sum();
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            if d.is_fixable(unsafe_fixes) {
                c.fixable += d.fix.as_ref().map_or(0, |f| f.edits.len());
            } else if d.has_hidden_fix(unsafe_fixes) {
                c.hidden_fixes += d.fix.as_ref().map_or(0, |f| f.edits.len());
            }
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
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

pub fn render(
    format: OutputFormat,
    reports: &[FileReport],
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => full::render(reports, info, out),
        OutputFormat::Concise => concise::render(reports, info.unsafe_fixes, out),
        OutputFormat::Json => json::render(reports, info, out),
        OutputFormat::JsonLines => json_lines::render(reports, out),
        OutputFormat::Github => github::render(reports, out),
        OutputFormat::Sarif => sarif::render(reports, out),
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
