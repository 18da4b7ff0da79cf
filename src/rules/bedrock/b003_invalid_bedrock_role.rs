//! ## What it checks
//! A message of a Bedrock conversation record without a `role`, or whose `role` is not exactly
//! `user` or `assistant`.
//!
//! ## Why it matters
//! Bedrock's conversation format has two roles; the system prompt is not a message but the
//! record's top-level `system` list. AWS's validator rejects any other role, and compares the
//! turn order with the lowercase names, so `User` fails too. Roles from other formats (`system`,
//! `model` from Gemini, `bot`, `human`/`gpt` from ShareGPT) need mapping first.
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "system", "content": [{"text": "Be brief."}]}, {"role": "user", "content": [{"text": "Hi"}]}, {"role": "model", "content": [{"text": "Hello."}]}]}
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
        rule: Rule::B003,
        name: "invalid-bedrock-role",
        severity: Severity::Error,
        summary: "A message without `role`, or a role other than `user` and `assistant`",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let help = match issue.instance.as_str() {
        Some(r) if r.eq_ignore_ascii_case("user") => "roles are lowercase: write `user`",
        Some(r) if r.eq_ignore_ascii_case("assistant") => "roles are lowercase: write `assistant`",
        Some(r) if r.eq_ignore_ascii_case("system") || r == "developer" => {
            "the system prompt is not a message: put its text in the record's top-level `system` list, `\"system\": [{\"text\": \"…\"}]`"
        }
        Some(r)
            if ["model", "bot", "gpt", "ai", "chatbot"]
                .iter()
                .any(|a| r.eq_ignore_ascii_case(a)) =>
        {
            "use `assistant` for the model's turns"
        }
        Some(r)
            if r.eq_ignore_ascii_case("human") =>
        {
            "use `user` for the person's turns"
        }
        _ => "a message's `role` is `user` or `assistant`",
    };
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(help))
        .collect()
}
