//! ## What it checks
//! A legacy prompt/completion example without `prompt` or `completion`, or with one that is not
//! a string.
//!
//! ## Why it matters
//! The service rejects the file. Numbers and `null` usually come from a spreadsheet export
//! with empty or numeric cells.
//!
//! ## Example
//! ```jsonl
//! {"prompt": "Translate to French: cheese ->", "completion": null}
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
        rule: Rule::L001,
        name: "missing-prompt-or-completion",
        severity: Severity::Error,
        summary: "`prompt` or `completion` absent or not a string",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| {
            f.help(
                "a legacy example is `{\"prompt\": \"…\", \"completion\": \" …\"}`, both strings",
            )
        })
        .collect()
}
