//! ## What it checks
//! Messages after the last assistant message. The finding points at the first of them.
//!
//! ## Why it matters
//! Training stops learning at the last assistant message: what follows is never trained on
//! and only costs tokens. Often the conversation was cut one turn too late, or a final user
//! message lost its answer.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}, {"role": "user", "content": "thanks"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::rules::{ExampleCtx, Scope, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C017,
        name: "trailing-non-assistant",
        severity: Severity::Warning,
        summary: "Messages after the last assistant message (never trained on)",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (scope, conv) in ex.conversations() {
        if *scope == Scope::Supervised {
            check_conversation(out, conv);
        }
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
    let Some(last) = conv.last_assistant() else {
        return; // C010's business
    };
    let trailing = conv.messages.len() - last - 1;
    if trailing == 0 {
        return;
    }
    let first = last + 1;
    let what = if trailing == 1 {
        format!("`{}` comes", conv.pointer(first).dotted())
    } else {
        format!(
            "{trailing} messages from `{}` on come",
            conv.pointer(first).dotted()
        )
    };
    out.push(
        Finding::new(
            &RULE.meta,
            Target::Value(conv.pointer(first)),
            format!("{what} after the last assistant message and will not be trained on"),
        )
        .help("end the conversation with the assistant's answer, or add the missing answer"),
    );
}
