//! `--output-format json`: one versioned document (see DESIGN.md, "JSON output"). Structs, not
//! `json!`, so that keys come out in the documented order.

use crate::diagnostic::Diagnostic;
use crate::engine::FileReport;
use crate::render::{Counts, RunInfo};
use crate::rules::Severity;
use serde::Serialize;
use std::io::{self, Write};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: Vec<File<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Counts,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    target: &'a str,
    model: &'a str,
    format: Option<&'static str>,
    lines: u64,
    examples: u64,
    bytes: u64,
    tokens: Option<crate::tokens::FileTokens>,
    /// `exact` (the model's tiktoken encoding) or `estimated` (characters per token, for
    /// models without a public or supported tokenizer); `null` when tokens were not counted.
    token_counts: Option<&'static str>,
    epochs: Option<u32>,
    estimated_cost_usd: Option<f64>,
    /// `null` when moderation did not run (added in version 1).
    moderation: Option<&'a crate::moderation::summary::ModerationSummary>,
}

/// One diagnostic, shared with `json-lines`. File-level findings have line 0 and no offsets.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    line: u64,
    column: u64,
    end_line: u64,
    end_column: u64,
    byte_offset: Option<u64>,
    byte_length: Option<u64>,
    pointer: Option<&'a str>,
    /// `null`, or what would remove the finding (additive in version 1).
    fix: Option<JsonFix<'a>>,
}

/// A fix as tools apply it: edits in bytes of the file, non-overlapping, in order.
#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: crate::diagnostic::Applicability,
    message: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    byte_offset: u64,
    byte_length: u64,
    content: &'a str,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(path: &'a str, d: &'a Diagnostic) -> Self {
        let loc = d.location;
        JsonDiagnostic {
            code: d.rule.code(),
            name: d.rule.name,
            severity: d.severity,
            message: &d.message,
            help: d.help.as_deref(),
            path,
            line: loc.map_or(0, |l| l.line),
            column: loc.map_or(0, |l| l.column),
            end_line: loc.map_or(0, |l| l.end_line),
            end_column: loc.map_or(0, |l| l.end_column),
            byte_offset: loc.map(|l| l.byte_offset),
            byte_length: loc.map(|l| l.byte_length),
            pointer: d.pointer.as_deref(),
            fix: d.fix.as_ref().map(|f| JsonFix {
                applicability: f.applicability,
                message: f.message,
                edits: f
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        byte_offset: e.range.start,
                        byte_length: e.range.end - e.range.start,
                        content: &e.content,
                    })
                    .collect(),
            }),
        }
    }
}

pub fn render(reports: &[FileReport], info: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        version: VERSION,
        files: reports
            .iter()
            .map(|r| File {
                path: &r.path,
                target: &info.target,
                model: &info.model,
                format: r.format.map(|f| f.as_str()),
                lines: r.lines,
                examples: r.examples,
                bytes: r.bytes,
                tokens: r.tokens,
                token_counts: r
                    .tokens_exact
                    .map(|exact| if exact { "exact" } else { "estimated" }),
                epochs: r.epochs,
                estimated_cost_usd: r.estimated_cost_usd,
                moderation: r.moderation.as_ref(),
            })
            .collect(),
        diagnostics: reports
            .iter()
            .flat_map(|r| {
                r.diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic::new(&r.path, d))
            })
            .collect(),
        summary: Counts::of(reports, info.unsafe_fixes),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
