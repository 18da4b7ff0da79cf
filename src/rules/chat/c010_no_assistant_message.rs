//! ## What it checks
//! An example with no assistant message to train on: none at all, or every assistant message
//! has `weight: 0`.
//!
//! ## Why it matters
//! Fine-tuning learns only from assistant messages; such an example costs tokens and teaches
//! nothing. The service rejects examples without one.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::rules::{ExampleCtx, Scope, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C010,
        name: "no-assistant-message",
        severity: Severity::Error,
        summary: "No assistant message to train on (or all have weight 0)",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (scope, conv) in ex.conversations() {
        if *scope == Scope::Supervised {
            check_conversation(out, conv, ex.value);
        }
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>, line: &Value) {
    if conv.messages.is_empty() {
        return;
    }
    let assistants: Vec<&Value> = conv
        .messages
        .iter()
        .zip(&conv.roles)
        .filter(|(_, r)| **r == Some("assistant"))
        .map(|(m, _)| m)
        .collect();
    let target = Target::Value(conv.list.clone());
    if assistants.is_empty() {
        out.push(
            Finding::new(
                &RULE.meta,
                target,
                "`messages` has no `assistant` message to train on",
            )
            .help(if looks_like_rft(line, conv) {
                "this looks like reinforcement fine-tuning data (it ends with the user and has grader fields): check it with `--format rft`"
            } else {
                "add the answer the model should learn as an `assistant` message"
            }),
        );
    } else if assistants
        .iter()
        .all(|m| m.get("weight").and_then(Value::as_f64) == Some(0.0))
    {
        out.push(
            Finding::new(
                &RULE.meta,
                target,
                "every `assistant` message has `weight: 0`; nothing is trained on",
            )
            .help("set `weight: 1` on at least one assistant message"),
        );
    }
}

/// Ends with the user and carries keys chat does not have: the shape of a reinforcement
/// fine-tuning example, which is never auto-detected.
fn looks_like_rft(line: &Value, conv: &Conversation<'_>) -> bool {
    const CHAT_KEYS: [&str; 4] = ["messages", "tools", "functions", "parallel_tool_calls"];
    conv.roles.last() == Some(&Some("user"))
        && line
            .as_object()
            .is_some_and(|o| o.keys().any(|k| !CHAT_KEYS.contains(&k.as_str())))
}
