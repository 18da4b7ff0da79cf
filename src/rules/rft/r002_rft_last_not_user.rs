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
use crate::rules::Conversation;
use crate::rules::{ExampleCtx, Scope, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::R002,
        name: "rft-last-not-user",
        severity: Severity::Error,
        summary: "The last message is not from the user",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (scope, conv) in ex.conversations() {
        if *scope == Scope::Reinforcement {
            check_conversation(out, conv);
        }
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
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
    out.push(
        Finding::new(
            &RULE.meta,
            Target::Value(p.clone()),
            format!(
                "`{}` is `{role}`; the example must end with a `user` message",
                p.dotted()
            ),
        )
        .help(help),
    );
}
