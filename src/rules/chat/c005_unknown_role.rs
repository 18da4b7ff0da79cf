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
use crate::json::{Pointer, Seg};
use crate::rules::schema::{Issue, Schema};
use crate::rules::PREFERENCE_OUTPUTS;
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C005,
        name: "unknown-role",
        severity: Severity::Error,
        summary: "`role` not allowed by the format",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    // An output's role is P002's business: an unknown role there is one finding, not two.
    if issue.schema == Schema::Preference && in_preference_output(&issue.pointer) {
        return Vec::new();
    }
    let hint = match issue.instance.as_str() {
        Some("human" | "Human" | "User") => "ShareGPT's `human` is `user`",
        Some("gpt" | "bot" | "model" | "Assistant" | "ai" | "AI") => "use `assistant` for the model's turns",
        Some("developer") => "`developer` is for reinforcement fine-tuning (`--format rft`); in chat data use `system`",
        _ => "use `system`, `user`, `assistant`, `tool` or `function`",
    };
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(hint))
        .collect()
}

fn in_preference_output(p: &Pointer) -> bool {
    matches!(p.0.first(), Some(Seg::Key(k)) if PREFERENCE_OUTPUTS.contains(&k.as_str()))
}
