//! ## What it checks
//! More examples containing images than the target allows (OpenAI: 50,000). File-level.
//!
//! ## Why it matters
//! The job is rejected at validation, after the upload.
//!
//! ## Example
//! A vision dataset of 60,000 examples with `image_url` parts.
//!
//! ## Configuration
//! The limit comes from the target (`rules/targets/`).
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "D007",
    name: "too-many-image-examples",
    severity: Severity::Error,
    summary: "Over the target's limit of examples with images",
};

pub fn diagnostic(count: u64, limit: u64) -> Diagnostic {
    Diagnostic::file_level(
        &RULE,
        format!("{count} examples contain images; the target allows at most {limit}"),
    )
    .with_help("reduce the number of examples with images, or split the job")
}
