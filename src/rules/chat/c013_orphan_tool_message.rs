//! ## What it checks
//! A `tool` message whose `tool_call_id` matches no earlier tool call, or that has no
//! `tool_call_id` (or one that is not a string).
//!
//! ## Why it matters
//! A tool result must answer a call the assistant made; an orphan result usually means messages
//! were reordered, or ids were regenerated on one side only. The service rejects it.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "weather?"}, {"role": "tool", "tool_call_id": "call_9", "content": "sunny"}, {"role": "assistant", "content": "Sunny."}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::schema::Issue;
use crate::rules::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::rules::{ExampleCtx, Scope, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C013,
        name: "orphan-tool-message",
        severity: Severity::Error,
        summary: "A `tool` message whose `tool_call_id` matches no earlier call",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help("`tool_call_id` is the `id` of the tool call this message answers"))
        .collect()
}

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (scope, conv) in ex.conversations() {
        if *scope != Scope::PreferenceOutput {
            check_conversation(out, conv);
        }
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
    let mut ids: Vec<&str> = Vec::new();
    for (i, m) in conv.messages.iter().enumerate() {
        match conv.roles[i] {
            Some("assistant") => {
                if let Some(calls) = m.get("tool_calls").and_then(Value::as_array) {
                    ids.extend(
                        calls
                            .iter()
                            .filter_map(|c| c.get("id").and_then(Value::as_str)),
                    );
                }
            }
            Some("tool") => match m.get("tool_call_id") {
                None => out.push(
                    Finding::new(
                        &RULE.meta,
                        Target::ObjectStart(conv.pointer(i)),
                        format!(
                            "`{}` (`tool`) has no `tool_call_id`",
                            conv.pointer(i).dotted()
                        ),
                    )
                    .help("set `tool_call_id` to the `id` of the call this message answers"),
                ),
                Some(Value::String(id)) if !ids.contains(&id.as_str()) => {
                    let known = if ids.is_empty() {
                        "no tool call precedes it".to_string()
                    } else {
                        format!(
                            "earlier calls are {}",
                            ids.iter()
                                .map(|i| format!("`{i}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    out.push(
                        Finding::new(
                            &RULE.meta,
                            Target::Value(conv.pointer(i).key("tool_call_id")),
                            format!("`tool_call_id` `{id}` answers no earlier tool call; {known}"),
                        )
                        .help("match the `id` of a tool call made by an earlier assistant message"),
                    );
                }
                _ => {}
            },
            _ => {}
        }
    }
}
