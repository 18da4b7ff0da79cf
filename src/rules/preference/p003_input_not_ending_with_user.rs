//! ## What it checks
//! A preference `input` whose last message is not from the `user`. The finding points at that
//! message's role.
//!
//! ## Why it matters
//! The outputs are the assistant's answer to the input; an input that already ends with the
//! assistant (or a tool result) trains a preference for a turn that does not follow naturally,
//! and usually means the chosen answer was left inside the input.
//!
//! ## Example
//! ```jsonl
//! {"input": {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}, "preferred_output": [{"role": "assistant", "content": "Paris."}], "non_preferred_output": [{"role": "assistant", "content": "Lyon."}]}
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
        rule: Rule::P003,
        name: "input-not-ending-with-user",
        severity: Severity::Warning,
        summary: "The last input message is not from the user",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    // OpenAI's DPO input; a TRL prompt may end with a tool result the model then answers.
    if ex.format != crate::format::Format::Preference {
        return;
    }
    for (scope, conv) in ex.conversations() {
        if *scope == Scope::PreferenceInput {
            check_conversation(out, conv);
        }
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
    // A message without a string role is C004's or C005's business.
    let Some((last, role)) = conv.last_non_user() else {
        return;
    };
    let p = conv.pointer(last).key("role");
    out.push(
        Finding::new(
            &RULE.meta,
            Target::Value(p.clone()),
            format!("`{}` is `{role}`; the input should end with a `user` message", p.dotted()),
        )
        .help("end the input with the user turn the outputs answer; move a final assistant answer into the outputs"),
    );
}
