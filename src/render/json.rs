//! `--output-format json`: one versioned document (see DESIGN.md, "JSON output"). Structs, not
//! `json!`, so that keys come out in the documented order.

use crate::diagnostic::Diagnostic;
use crate::engine::FileReport;
use crate::render::{Counted, Counts, RunInfo};
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

pub fn render(
    reports: &[FileReport],
    findings: &mut Counted<'_>,
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut doc = Document {
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
        diagnostics: Vec::new(),
        summary: Counts::default(),
    };
    // The document is written as serde_json writes it whole, its diagnostics one at a time:
    // what comes before them, each at its depth, then what comes after (the summary, known
    // once they are all counted).
    let head = serde_json::to_vec_pretty(&doc)?;
    let at = array_at(&head, DIAGNOSTICS)?;
    out.write_all(&head[..at])?;
    drop(head);
    out.write_all(DIAGNOSTICS_OPEN)?;
    let mut first = true;
    let mut item = Vec::new();
    while let Some((i, d)) = findings.next_finding()? {
        item.clear();
        serde_json::to_writer_pretty(&mut item, &JsonDiagnostic::new(&reports[i].path, &d))?;
        write_item(out, &item, first, b"    ")?;
        first = false;
    }
    out.write_all(if first { b"]" } else { b"\n  ]" })?;
    doc.summary = findings.totals();
    let tail = serde_json::to_vec_pretty(&doc)?;
    let at = array_at(&tail, DIAGNOSTICS)?;
    out.write_all(&tail[at + DIAGNOSTICS.len()..])?;
    writeln!(out)
}

/// The empty diagnostics array of the document as serde_json writes it (a key at depth 1).
const DIAGNOSTICS: &[u8] = b"\n  \"diagnostics\": []";
const DIAGNOSTICS_OPEN: &[u8] = b"\n  \"diagnostics\": [";

/// Where `marker` (an empty array at its depth) starts in a pretty-printed document. A string
/// cannot hold it: JSON escapes its quotes and newlines.
pub fn array_at(doc: &[u8], marker: &[u8]) -> io::Result<usize> {
    doc.windows(marker.len())
        .position(|w| w == marker)
        .ok_or_else(|| io::Error::other("the JSON document has no array to fill"))
}

/// One element of a pretty-printed array at the depth `indent` stands for: serde_json's
/// separator, then the element with each of its lines indented.
pub fn write_item(out: &mut dyn Write, item: &[u8], first: bool, indent: &[u8]) -> io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    for (n, line) in item.split(|&b| b == b'\n').enumerate() {
        if n > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(indent)?;
        out.write_all(line)?;
    }
    Ok(())
}
