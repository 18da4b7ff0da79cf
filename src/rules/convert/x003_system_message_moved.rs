//! ## What it checks
//! `ftlint convert`: a system message after the conversation started (after a user or
//! assistant message), converted to a format whose system prompt is one list of texts before
//! the conversation (Gemini's `systemInstruction`, Bedrock's `system`). Its text is moved there.
//!
//! ## Why it matters
//! An instruction given mid-conversation ("from now on, answer in French") applies from that
//! point on; moved to the system prompt it applies from the start, and the turns before it now
//! train a behaviour the original did not show.
//!
//! ## Example
//! Converting with `--to vertex-gemini`:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "system", "content": "Answer in French from now on."}, {"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "De rien !"}]}
//! ```
//!
//! ## Configuration
//! `--on-loss` (see the X family).
use super::LossCtx;
use crate::convert::LossKind;
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    convert: Some(word),
    ..RuleDef::new(RuleMeta {
        rule: Rule::X003,
        name: "system-message-moved",
        severity: Severity::Error,
        summary: "A system message after the conversation started, moved to the system prompt",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    if *ctx.kind() != LossKind::SystemMoved {
        return;
    }
    out.push(
        ctx.finding(
            &RULE.meta,
            format!(
                "a system message after the conversation started: {} has one system prompt, before the conversation; {}",
                ctx.dest(),
                ctx.outcome("its text is moved there")
            ),
        )
        .help(ctx.help("put the instruction in the first system message, or in the user's turn where it is given")),
    );
}
