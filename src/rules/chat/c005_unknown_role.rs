//! ## What it checks
//! A message whose `role` is not one the format allows. Supervised chat allows `system`,
//! `user`, `assistant`, `tool` and `function`.
//!
//! ## Why it matters
//! The service rejects the file. Roles from other ecosystems (`human`/`gpt` from ShareGPT,
//! `bot`, `model`, `developer` outside reinforcement fine-tuning) need mapping first.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "human", "content": "hi"}, {"role": "bot", "content": "hello"}]}
//! ```
//!
//! ## Configuration
//! None.
use super::schema::Issue;
use crate::diagnostic::Finding;
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "C005",
    name: "unknown-role",
    severity: Severity::Error,
    summary: "`role` not allowed by the format",
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let hint = match issue.instance.as_str() {
        Some("human" | "Human" | "User") => "ShareGPT's `human` is `user`",
        Some("gpt" | "bot" | "model" | "Assistant" | "ai" | "AI") => "use `assistant` for the model's turns",
        Some("developer") => "`developer` is for reinforcement fine-tuning (`--format rft`); in chat data use `system`",
        _ => "use `system`, `user`, `assistant`, `tool` or `function`",
    };
    issue
        .generic(&RULE)
        .into_iter()
        .map(|f| f.help(hint))
        .collect()
}
