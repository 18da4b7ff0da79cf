//! ## What it checks
//! An entry of `messages` that is not an object.
//!
//! ## Why it matters
//! Each message is `{"role": …, "content": …}`. A bare string usually means a list of
//! utterances was exported without roles, which the service rejects.
//!
//! ## Example
//! ```jsonl
//! {"messages": ["hi", {"role": "assistant", "content": "hello"}]}
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
        rule: Rule::C003,
        name: "message-not-object",
        severity: Severity::Error,
        summary: "An entry of `messages` is not an object",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help("write each message as `{\"role\": \"user\", \"content\": \"…\"}`"))
        .collect()
}
