//! ## What it checks
//! `ftlint convert`: a message joined to the one before it, for a format that cannot keep them
//! apart — two user (or two assistant) messages in a row, where Gemini and Bedrock turns must
//! alternate (G006, B005), or a second system message, where they have one system prompt. The
//! texts stay, in order, as parts of one turn (one system prompt).
//!
//! ## Why it matters
//! Two assistant messages in a row are two answers; joined, they are one answer the model
//! learns to give whole. The boundary is gone and a round trip gives one message back. (Tool
//! results followed by the user's next words share a user turn by design, with no finding.)
//!
//! ## Example
//! Converting with `--to bedrock-nova`:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Are you there?"}, {"role": "assistant", "content": "Yes."}]}
//! ```
//!
//! ## Configuration
//! `--on-loss` (see the X family).
use super::LossCtx;
use crate::convert::{LossKind, Role};
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    convert: Some(word),
    ..RuleDef::new(RuleMeta {
        rule: Rule::X005,
        name: "messages-joined",
        severity: Severity::Error,
        summary: "A message joined to the one before it, whose role it shares",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    let LossKind::Joined { role } = ctx.kind() else {
        return;
    };
    let dest = ctx.dest();
    let message = match role {
        Role::System => format!(
            "a second system message: {dest} has one system prompt; {}",
            ctx.outcome("its text is joined to it as another part")
        ),
        role => format!(
            "two `{}` messages in a row: {dest} turns alternate; {}",
            role.as_str(),
            ctx.outcome("this message is joined to the one before it, as more parts of one turn")
        ),
    };
    let help = match role {
        Role::System => "put the whole system prompt in one message",
        _ => "merge the messages yourself, or put the turn that is missing between them",
    };
    out.push(ctx.finding(&RULE.meta, message).help(ctx.help(help)));
}
