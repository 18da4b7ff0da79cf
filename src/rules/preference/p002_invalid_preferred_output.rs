//! ## What it checks
//! A `preferred_output` or `non_preferred_output` that is not a list holding exactly one
//! `assistant` message: empty, several messages, or a message with another role. (An output
//! that is not an array at all is P001.)
//! Preference fine-tuning is single-turn: the outputs are the two candidate answers to the
//! input's last user message.
//!
//! ## Why it matters
//! The service rejects the file. Outputs holding the rest of the conversation, or the user
//! turn they answer, are the usual conversion mistakes.
//!
//! ## Example
//! ```jsonl
//! {"input": {"messages": [{"role": "user", "content": "Capital of France?"}]}, "preferred_output": [{"role": "assistant", "content": "Paris."}, {"role": "user", "content": "Thanks!"}], "non_preferred_output": [{"role": "assistant", "content": "Lyon."}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::rules::schema::{describe, Issue};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use jsonschema::error::ValidationErrorKind;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::P002,
        name: "invalid-preferred-output",
        severity: Severity::Error,
        summary: "An output is not a list holding exactly one assistant message (single-turn only)",
    })
};

const HELP: &str =
    "an output is a list of one assistant message: `[{\"role\": \"assistant\", \"content\": \"…\"}]`";

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let path = issue.path();
    let target = Target::Value(issue.pointer.clone());
    let message = match issue.kind {
        ValidationErrorKind::MaxItems { .. } => format!(
            "{path} holds {} messages; expected exactly one `assistant` message",
            issue.instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::MinItems { .. } => {
            format!("{path} is an empty array; expected one `assistant` message")
        }
        ValidationErrorKind::Constant { .. } => {
            format!(
                "{path} is {}; expected `assistant`",
                describe(issue.instance)
            )
        }
        _ => {
            return issue
                .generic(&RULE.meta)
                .into_iter()
                .map(|f| f.help(HELP))
                .collect()
        }
    };
    vec![Finding::new(&RULE.meta, target, message).help(HELP)]
}
