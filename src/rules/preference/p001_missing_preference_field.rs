//! ## What it checks
//! A preference example without `input`, `preferred_output` or `non_preferred_output`, or with
//! one of the wrong type (`input` is an object holding `messages`; the outputs are arrays).
//!
//! ## Why it matters
//! The service rejects the file. A common cause is a DPO export from another library, whose
//! `prompt`/`chosen`/`rejected` keys need renaming and wrapping.
//!
//! ## Example
//! ```jsonl
//! {"input": {"messages": [{"role": "user", "content": "Capital of France?"}]}, "preferred_output": [{"role": "assistant", "content": "Paris."}]}
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
        rule: Rule::P001,
        name: "missing-preference-field",
        severity: Severity::Error,
        summary: "`input`, `preferred_output` or `non_preferred_output` absent or wrong type",
    })
};

pub const SHAPE: &str = "a preference example is `{\"input\": {\"messages\": […]}, \"preferred_output\": [{\"role\": \"assistant\", …}], \"non_preferred_output\": [{\"role\": \"assistant\", …}]}`";

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(SHAPE))
        .collect()
}
