//! ## What it checks
//! An unpaired-preference example (`prompt`, `completion`, `label`) whose `label` is not a JSON
//! boolean: `"true"`, `1`, `"good"`, `null`.
//!
//! ## Why it matters
//! TRL's unpaired-preference format (KTO, BCO) defines `label` as a boolean: `true` for a
//! desirable completion, `false` for an undesirable one (huggingface.co/docs/trl/
//! dataset_formats, read 2026-12-01). Anything else is outside that contract: a `"false"`
//! string is a true value to Python, so a file of string labels can teach the model the
//! answers it should avoid, and `datasets` refuses a column that mixes booleans and strings.
//!
//! ## Example
//! ```jsonl
//! {"prompt": "The sky is", "completion": " green.", "label": "false"}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::Finding;
use crate::rules::schema::Issue;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::H002,
        name: "invalid-label",
        severity: Severity::Error,
        summary: "An unpaired-preference `label` that is not a boolean",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| {
            f.help("write `\"label\": true` for a desirable completion and `\"label\": false` for an undesirable one")
        })
        .collect()
}
