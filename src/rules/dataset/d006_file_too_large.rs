//! ## What it checks
//! A file larger than the target's upload limit (OpenAI Files API: 512 MB). File-level.
//!
//! ## Why it matters
//! The upload fails after transferring hundreds of megabytes. Split the file, or use the
//! Uploads API in parts where the provider has one.
//!
//! ## Example
//! A 600 MB `train.jsonl`.
//!
//! ## Configuration
//! The limit comes from the target (`rules/targets/`).
use crate::rules::{AtEnd, FileFacts};
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    ..RuleDef::new(RuleMeta {
        rule: Rule::D006,
        name: "file-too-large",
        severity: Severity::Error,
        summary: "Over the target's upload limit",
    })
};

fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    if file.bytes > file.limits.max_file_bytes {
        out.push(diagnostic(file.bytes, file.limits.max_file_bytes));
    }
}

pub fn diagnostic(bytes: u64, limit: u64) -> Diagnostic {
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    Diagnostic::file_level(
        &RULE.meta,
        format!(
            "the file is {:.1} MB; the upload limit is {:.0} MB",
            mb(bytes),
            mb(limit)
        ),
    )
    .with_help("split the dataset into several files, or reduce it")
}
