//! ## What it checks
//! A message without a `role`.
//!
//! ## Why it matters
//! The role decides what the model learns to say (assistant) and what it only reads (system,
//! user, tool). The service rejects a message without one.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::schema::Issue;
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C004,
        name: "missing-role",
        severity: Severity::Error,
        summary: "A message has no `role`",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help("add `\"role\"`: one of `system`, `user`, `assistant`, `tool`, `function`"))
        .collect()
}
