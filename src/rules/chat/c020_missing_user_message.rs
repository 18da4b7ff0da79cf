//! ## What it checks
//! An example with no `user` message (a cookbook warning). Reported once per file, at the first
//! such example, with how many examples lack one.
//!
//! ## Why it matters
//! A model fine-tuned without user turns learns to answer nothing in particular; usually a
//! role mapping went wrong (`human` → ?). Informational, since system-only prompting exists.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "system", "content": "Write a haiku."}, {"role": "assistant", "content": "Autumn moonlight…"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::rules::{ExampleCtx, Scope, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    once_per_file: Some(message),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C020,
        name: "missing-user-message",
        severity: Severity::Info,
        summary: "No user message (cookbook warning)",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (scope, conv) in ex.conversations() {
        if *scope != Scope::PreferenceOutput {
            check_conversation(out, conv);
        }
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
    if !conv.messages.is_empty() && !conv.has_role("user") {
        out.push(
            Finding::new(&RULE.meta, Target::Value(conv.list.clone()), message(1))
                .help("check the role mapping of the export; most examples have a user turn"),
        );
    }
}

pub fn message(examples: u64) -> String {
    if examples == 1 {
        "example has no `user` message".into()
    } else {
        format!("example has no `user` message ({examples} examples in this file have none)")
    }
}
