//! `--output-format sarif`: one SARIF 2.1.0 log, for code scanning (GitHub's
//! `upload-sarif`, Azure DevOps, IDE viewers).
//!
//! One run: `tool.driver` lists every rule of the catalog (id = code, with its summary and its
//! Markdown documentation), and each result points at its rule by `ruleId` and `ruleIndex`.
//! Regions carry exactly the JSON output's positions — columns in Unicode code points
//! (`columnKind: "unicodeCodePoints"`, end column exclusive) plus the byte offset and length;
//! a file-level finding has a location with the artifact only. Nothing in the log depends on
//! the time or the machine, so the same input gives the same bytes.

use crate::diagnostic::Diagnostic;
use crate::engine::FileReport;
use crate::rules::{self, RuleMeta as Rule, Severity};
use serde::Serialize;
use std::io::{self, Write};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where a reader learns about the tool: the crate's repository (or homepage) when Cargo.toml
/// names one; SARIF makes it optional, so it is left out rather than invented.
fn information_uri() -> Option<&'static str> {
    [
        option_env!("CARGO_PKG_REPOSITORY"),
        option_env!("CARGO_PKG_HOMEPAGE"),
    ]
    .into_iter()
    .flatten()
    .find(|u| !u.is_empty())
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Markdown,
    help: Markdown,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Markdown {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [SarifLocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: u64,
    end_line: u64,
    end_column: u64,
    byte_offset: u64,
    byte_length: u64,
}

/// SARIF's name for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(
    reports: &[FileReport],
    findings: &mut super::Counted<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let catalog: Vec<&'static Rule> = rules::all().collect();
    let rules = catalog.iter().map(|r| descriptor(r)).collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "ftlint",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results: Vec::new(),
        }],
    };
    // Written as serde_json writes the whole log, the results one at a time (see `json`).
    let doc = serde_json::to_vec_pretty(&log)?;
    let at = super::json::array_at(&doc, RESULTS)?;
    out.write_all(&doc[..at])?;
    out.write_all(RESULTS_OPEN)?;
    let mut first = true;
    let mut item = Vec::new();
    let mut uri: Option<(usize, String)> = None;
    while let Some((i, d)) = findings.next_finding()? {
        if uri.as_ref().is_none_or(|(j, _)| *j != i) {
            uri = Some((i, path_to_uri(&reports[i].path)));
        }
        let u = uri.as_ref().map(|(_, u)| u.clone()).unwrap_or_default();
        item.clear();
        serde_json::to_writer_pretty(&mut item, &result(&d, u, &catalog))?;
        super::json::write_item(out, &item, first, b"        ")?;
        first = false;
    }
    out.write_all(if first { b"]" } else { b"\n      ]" })?;
    out.write_all(&doc[at + RESULTS.len()..])?;
    writeln!(out)
}

/// The empty results array of the log's one run as serde_json writes it (depth 3).
const RESULTS: &[u8] = b"\n      \"results\": []";
const RESULTS_OPEN: &[u8] = b"\n      \"results\": [";

fn descriptor(rule: &'static Rule) -> ReportingDescriptor {
    // A rule without extracted docs still gets a non-empty description (SARIF requires text).
    let doc = match rule.doc() {
        "" => rule.summary,
        doc => doc,
    };
    ReportingDescriptor {
        id: rule.code(),
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Markdown {
            text: doc,
            markdown: doc,
        },
        help: Markdown {
            text: doc,
            markdown: doc,
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
    }
}

fn result(d: &Diagnostic, uri: String, catalog: &[&'static Rule]) -> SarifResult {
    let rule_index = catalog
        .iter()
        .position(|r| r.code() == d.rule.code())
        .unwrap_or(0);
    SarifResult {
        rule_id: d.rule.code(),
        rule_index,
        level: level(d.severity),
        message: Text {
            text: d.message.clone(),
        },
        locations: [SarifLocation {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: d.location.map(|l| Region {
                    start_line: l.line,
                    start_column: l.column,
                    end_line: l.end_line,
                    end_column: l.end_column,
                    byte_offset: l.byte_offset,
                    byte_length: l.byte_length,
                }),
            },
        }],
    }
}

/// A path as shown in diagnostics (`/` separators) → a URI reference: relative paths stay
/// relative (code scanning resolves them against the checkout), absolute ones become `file://`
/// URIs; bytes outside RFC 3986's unreserved set and `/` are percent-encoded.
pub fn path_to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let windows_drive = path.len() >= 2 && path.as_bytes()[1] == b':';
    if path.starts_with('/') {
        out.push_str("file://");
    } else if windows_drive {
        out.push_str("file:///");
    }
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (windows_drive && i == 1);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(path_to_uri("data/train.jsonl"), "data/train.jsonl");
        assert_eq!(path_to_uri("my data/ü.jsonl"), "my%20data/%C3%BC.jsonl");
        assert_eq!(path_to_uri("/tmp/a b.jsonl"), "file:///tmp/a%20b.jsonl");
        assert_eq!(path_to_uri("C:/x/y.jsonl"), "file:///C:/x/y.jsonl");
        assert_eq!(path_to_uri("100%.jsonl"), "100%25.jsonl");
    }

    #[test]
    fn every_rule_has_a_descriptor_with_text() {
        for r in rules::all() {
            let d = descriptor(r);
            assert!(!d.full_description.text.is_empty(), "{}", r.code());
        }
    }
}
