//! ## What it checks
//! In reinforcement fine-tuning data (`--format rft`), a message whose `role` is not
//! `developer`, `user`, `assistant` or `tool`. In particular `system` is not accepted: the
//! reasoning models take instructions as `developer` messages.
//!
//! ## Why it matters
//! The service rejects the file. Chat data converted for reinforcement fine-tuning keeps its
//! `system` messages unless they are renamed.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "system", "content": "Answer with a number."}, {"role": "user", "content": "2+2?"}], "answer": "4"}
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
        rule: Rule::R001,
        name: "rft-role-not-allowed",
        severity: Severity::Error,
        summary: "A role other than developer, user, assistant, tool (no `system`: use `developer`)",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let help = match issue.instance.as_str() {
        Some("system") => {
            "reinforcement fine-tuning takes instructions as `developer`: rename the role"
        }
        Some("human" | "Human" | "User") => "ShareGPT's `human` is `user`",
        Some("gpt" | "bot" | "model" | "Assistant" | "ai" | "AI") => {
            "use `assistant` for the model's turns"
        }
        _ => "use `developer`, `user`, `assistant` or `tool`",
    };
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(help))
        .collect()
}
