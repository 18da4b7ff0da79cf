//! ## What it checks
//! In reinforcement fine-tuning data (`--format rft`), an example whose last message is not
//! from the `user`. The finding points at that message's role.
//!
//! ## Why it matters
//! The model answers the example during training and the grader scores that answer: the
//! conversation has to stop where the model's turn begins. A final assistant message is
//! usually the reference answer, which belongs in a grader field (such as `reference_answer`)
//! instead.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}], "answer": "4"}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::rules::chat::Conversation;
use crate::rules::{LineCtx, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "R002",
    name: "rft-last-not-user",
    severity: Severity::Error,
    summary: "The last message is not from the user",
};

pub fn check(ctx: &mut LineCtx<'_>, conv: &Conversation<'_>) {
    if !ctx.enabled(&RULE) {
        return;
    }
    // A message without a string role is C004's or R001's business.
    let Some((last, role)) = conv.last_non_user() else {
        return;
    };
    let p = conv.pointer(last).key("role");
    let help = if role == "assistant" {
        "remove the final assistant message; put a reference answer in a grader field instead"
    } else {
        "end the example with the user message the model is to answer"
    };
    ctx.report(
        Finding::new(
            &RULE,
            Target::Value(p.clone()),
            format!(
                "`{}` is `{role}`; the example must end with a `user` message",
                p.dotted()
            ),
        )
        .help(help),
    );
}
