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
use super::schema::Issue;
use super::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::rules::{LineCtx, Rule, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "C013",
    name: "orphan-tool-message",
    severity: Severity::Error,
    summary: "A `tool` message whose `tool_call_id` matches no earlier call",
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE)
        .into_iter()
        .map(|f| f.help("`tool_call_id` is the `id` of the tool call this message answers"))
        .collect()
}

pub fn check(ctx: &mut LineCtx<'_>, conv: &Conversation<'_>) {
    if !ctx.enabled(&RULE) {
        return;
    }
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
                None => ctx.report(
                    Finding::new(
                        &RULE,
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
                    ctx.report(
                        Finding::new(
                            &RULE,
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
