//! ## What it checks
//! An example with no `system` message (a cookbook warning). Reported once per file, at the
//! first such example, with how many examples lack one.
//!
//! ## Why it matters
//! The system message you train with is the one to use in production; examples without it
//! teach the default behaviour. Mixing examples with and without one is usually unintended.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Configuration
//! None. Ignore it (`--ignore C021`) if your data deliberately has no system prompt.
use crate::rules::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::rules::{ExampleCtx, Scope, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    once_per_file: Some(message),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C021,
        name: "missing-system-message",
        severity: Severity::Info,
        summary: "No system message (cookbook warning)",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (scope, conv) in ex.conversations() {
        if matches!(scope, Scope::Supervised | Scope::PreferenceInput) {
            check_conversation(out, conv);
        }
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
    if !conv.messages.is_empty() && !conv.has_role("system") {
        out.push(
            Finding::new(&RULE.meta, Target::Value(conv.list.clone()), message(1))
                .help("add the system prompt you will use in production to every example"),
        );
    }
}

pub fn message(examples: u64) -> String {
    if examples == 1 {
        "example has no `system` message".into()
    } else {
        format!("example has no `system` message ({examples} examples in this file have none)")
    }
}
