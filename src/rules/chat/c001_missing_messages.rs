//! ## What it checks
//! A chat example without `messages`, or whose `messages` is not a non-empty array.
//!
//! ## Why it matters
//! `messages` is the conversation the model is trained on; without it the line is not an
//! example. A line with none of the formats' keys is checked as chat, so this is also what a
//! stray line (`{"text": …}`) reports.
//!
//! ## Example
//! ```jsonl
//! {"conversation": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Configuration
//! None. Use `--format` if the file is in another format than detected.
use crate::rules::schema::Issue;
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C001,
        name: "missing-messages",
        severity: Severity::Error,
        summary: "No `messages`, or not a non-empty array",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help("a chat example is `{\"messages\": [{\"role\": …, \"content\": …}, …]}` with at least one message"))
        .collect()
}
