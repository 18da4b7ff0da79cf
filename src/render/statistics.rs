//! `check --statistics`: one line per rule instead of the findings, as `ruff check
//! --statistics` prints it — count, code, whether `--fix` fixes its findings (`[*]` all, `[-]`
//! some, `[ ]` none; no mark when no rule has a fix) and name, tab-separated, most frequent
//! first (ties by code):
//!
//! ```text
//! 242⇥J002⇥[ ] invalid-json
//!  12⇥J004⇥[*] blank-line
//! ```
//!
//! (`⇥` is a tab.)
//!
//! With `--output-format json` it is a JSON array of `{code, name, count, fixable,
//! fixable_count}` (`fixable`: every finding of the rule has a fix), `json-lines` one such object
//! per line; every other format prints the table.

use super::{Counted, Counts, OutputFormat, RunInfo};
use crate::diagnostic::Rule;
use crate::engine::FileReport;
use serde::Serialize;
use std::io::{self, Write};

/// One rule's findings in the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    /// Every one of them carries a fix `--fix` applies.
    pub fixable: bool,
    /// How many of them do.
    pub fixable_count: usize,
}

/// Per rule with findings: most findings first, then by code.
/// `unsafe_fixes`: the run's `--unsafe-fixes` (which fixes count as fixable).
pub fn counts(reports: &[FileReport], unsafe_fixes: bool) -> Vec<RuleCount> {
    let mut stream = super::InMemory::new(reports);
    let mut counted = Counted::new(&mut stream, reports.len(), unsafe_fixes);
    // Reading memory cannot fail.
    counts_of(&mut counted, unsafe_fixes).unwrap_or_default()
}

/// Per rule with findings, reading them once from `findings`.
fn counts_of(findings: &mut Counted<'_>, unsafe_fixes: bool) -> io::Result<Vec<RuleCount>> {
    let mut by_rule: Vec<(usize, usize)> = vec![(0, 0); Rule::COUNT];
    while let Some((_, d)) = findings.next_finding()? {
        let entry = &mut by_rule[d.rule.rule.index()];
        entry.0 += 1;
        entry.1 += usize::from(d.is_fixable(unsafe_fixes));
    }
    let mut out: Vec<RuleCount> = Rule::ALL
        .iter()
        .zip(by_rule)
        .filter(|(_, (n, _))| *n > 0)
        .map(|(rule, (count, fixable))| RuleCount {
            code: rule.code(),
            name: crate::rules::meta(*rule).name,
            count,
            fixable: fixable == count,
            fixable_count: fixable,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    Ok(out)
}

/// Renders reports that hold their findings in memory.
pub fn render(
    format: OutputFormat,
    reports: &[FileReport],
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    render_stream(
        format,
        reports,
        &mut super::InMemory::new(reports),
        info,
        out,
    )
    .map(|_| ())
}

/// The table of `stream`'s findings, read once; returns what was counted (for the exit code).
pub fn render_stream(
    format: OutputFormat,
    reports: &[FileReport],
    stream: &mut dyn super::FindingStream,
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<Counts> {
    let mut findings = Counted::new(stream, reports.len(), info.unsafe_fixes);
    let rows = counts_of(&mut findings, info.unsafe_fixes)?;
    let counts = findings.totals();
    render_rows(format, rows, &counts, info, out)?;
    Ok(counts)
}

fn render_rows(
    format: OutputFormat,
    rows: Vec<RuleCount>,
    counts: &Counts,
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
        OutputFormat::JsonLines => {
            for row in &rows {
                serde_json::to_writer(&mut *out, row)?;
                writeln!(out)?;
            }
            Ok(())
        }
        _ => text(&rows, counts, info, out),
    }
}

fn text(
    rows: &[RuleCount],
    counts: &Counts,
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    let count_width = rows.iter().map(|r| r.count.to_string().len()).max();
    let code_width = rows.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let any_fixable = rows.iter().any(|r| r.fixable_count > 0);
    for r in rows {
        // The mark only when some rule is fixable, as ruff does.
        let mark = match (any_fixable, r.fixable, r.fixable_count) {
            (false, _, _) => "",
            (true, true, _) => "[*] ",
            (true, false, 0) => "[ ] ",
            (true, false, _) => "[-] ",
        };
        writeln!(
            out,
            "{:>cw$}\t{:<code_width$}\t{mark}{}",
            r.count,
            r.code,
            r.name,
            cw = count_width.unwrap_or(0)
        )?;
    }
    if info.quiet {
        return Ok(());
    }
    if rows.is_empty() {
        writeln!(out, "{}", counts.sentence())?;
    }
    if let Some(line) = super::fixable_sentence(counts, info.unsafe_fixes) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
