//! The rule catalog: one table of every code ftlint can report.
//!
//! Each rule lives in its own file under a family folder (`jsonl/`, `chat/`, `dataset/`, …).
//! The file's `//!` comment is the rule's documentation (`ftlint rule CODE` prints it; `build.rs`
//! extracts it), and its `RULE` constant gives code, name, severity and one-line summary.

/// How serious a finding is. Ordered so that `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Static metadata of a rule. Codes are a public contract: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// `J001`, `C005`, …
    pub code: &'static str,
    /// kebab-case name, e.g. `unknown-role`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line, no trailing period.
    pub summary: &'static str,
}

pub mod sensitive;
