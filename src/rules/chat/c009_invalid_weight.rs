//! ## What it checks
//! A `weight` that is not `0` or `1`, or a `weight` on a message that is not from the assistant.
//!
//! ## Why it matters
//! `weight` chooses which assistant messages are trained on (`1`) or only read (`0`); the
//! service accepts nothing else and rejects the example.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi", "weight": 1}, {"role": "assistant", "content": "hello", "weight": 0.5}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::schema::{describe, Issue};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C009,
        name: "invalid-weight",
        severity: Severity::Error,
        summary: "`weight` not 0 or 1, or on a non-assistant message",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let target = Target::Value(issue.pointer.clone());
    let f = if issue.keyword == "not" {
        let role = issue.role().unwrap_or("this");
        Finding::new(
            &RULE.meta,
            target,
            format!(
                "{} is set on a `{role}` message; only assistant messages take a weight",
                issue.path()
            ),
        )
        .help("remove `weight` from this message")
    } else {
        Finding::new(
            &RULE.meta,
            target,
            format!(
                "{} is {}; expected `0` or `1`",
                issue.path(),
                describe(issue.instance)
            ),
        )
        .help("use `1` to train on this message, `0` to only show it to the model")
    };
    vec![f]
}
