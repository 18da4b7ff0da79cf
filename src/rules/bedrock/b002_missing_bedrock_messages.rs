//! ## What it checks
//! A Bedrock conversation record without `messages`, with `messages` that is not a non-empty
//! array, or with an entry of `messages` that is not an object.
//!
//! ## Why it matters
//! `messages` is the one required field of the record: AWS's validator rejects a record
//! without it, and a sample needs at least a user message and an assistant reply (B005). Lines
//! that hold only a `system` list or only `schemaVersion` usually come from a converter that
//! dropped the conversation.
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "You are a helpful assistant."}]}
//! {"schemaVersion": "bedrock-conversation-2024", "messages": []}
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
        rule: Rule::B002,
        name: "missing-bedrock-messages",
        severity: Severity::Error,
        summary: "No `messages`, not a non-empty array, or an entry that is not an object",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    // An entry of `messages` (a pointer two deep) is a message; anything else is the list.
    let help = if issue.pointer.0.len() == 2 {
        "write each message as `{\"role\": \"user\", \"content\": [{\"text\": \"…\"}]}`"
    } else {
        "a record is `{\"schemaVersion\": \"bedrock-conversation-2024\", \"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"…\"}]}, {\"role\": \"assistant\", \"content\": [{\"text\": \"…\"}]}]}`"
    };
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(help))
        .collect()
}
