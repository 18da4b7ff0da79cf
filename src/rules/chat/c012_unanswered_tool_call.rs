//! ## What it checks
//! A tool call whose `id` no later `tool` message answers (by `tool_call_id`). Calls in the
//! conversation's last message are exempt: there the call itself is what the model is taught
//! to make.
//!
//! ## Why it matters
//! A conversation that calls a tool and goes on as if it had answered teaches the model to
//! invent tool results. The chat API rejects such a conversation at inference time too.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "weather?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}, {"role": "user", "content": "and?"}, {"role": "assistant", "content": "Sunny."}]}
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
        rule: Rule::C012,
        name: "unanswered-tool-call",
        severity: Severity::Error,
        summary: "A tool call whose `id` no later `tool` message answers",
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
    let last = conv.messages.len().saturating_sub(1);
    for (i, m) in conv.messages.iter().enumerate() {
        if conv.roles[i] != Some("assistant") || i == last {
            continue;
        }
        let Some(calls) = m.get("tool_calls").and_then(Value::as_array) else {
            continue;
        };
        for (j, call) in calls.iter().enumerate() {
            let Some(id) = call.get("id").and_then(Value::as_str) else {
                continue;
            };
            let answered = conv.messages[i + 1..]
                .iter()
                .zip(&conv.roles[i + 1..])
                .any(|(t, r)| {
                    *r == Some("tool") && t.get("tool_call_id").and_then(Value::as_str) == Some(id)
                });
            if !answered {
                let name = call
                    .get("function")
                    .and_then(|f| f.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                let p = conv.pointer(i).key("tool_calls").index(j).key("id");
                out.push(
                    Finding::new(&RULE.meta, Target::Value(p), format!("tool call `{id}` (`{name}`) is never answered by a `tool` message"))
                        .help(format!("add `{{\"role\": \"tool\", \"tool_call_id\": \"{id}\", \"content\": …}}` after this message")),
                );
            }
        }
    }
}
