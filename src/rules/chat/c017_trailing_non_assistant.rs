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
use super::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::rules::{LineCtx, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "C017",
    name: "trailing-non-assistant",
    severity: Severity::Warning,
    summary: "Messages after the last assistant message (never trained on)",
};

pub fn check(ctx: &mut LineCtx<'_>, conv: &Conversation<'_>) {
    if !ctx.enabled(&RULE) {
        return;
    }
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
    ctx.report(
        Finding::new(
            &RULE,
            Target::Value(conv.pointer(first)),
            format!("{what} after the last assistant message and will not be trained on"),
        )
        .help("end the conversation with the assistant's answer, or add the missing answer"),
    );
}
