//! ## What it checks
//! A tool call (or `function_call`) naming a function that the example's `tools` (or
//! `functions`) do not define. Examples without `tools` are not checked.
//!
//! ## Why it matters
//! The model learns to call a function it was never shown, and will call it in production.
//! Often a function was renamed in the definitions but not in the calls.
//!
//! ## Example
//! ```jsonl
//! {"tools": [{"type": "function", "function": {"name": "get_weather"}}], "messages": [{"role": "user", "content": "weather?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C015,
        name: "undefined-tool",
        severity: Severity::Warning,
        summary: "A call names a function that `tools` does not define",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (_, conv) in ex.conversations() {
        check_conversation(out, conv);
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
    let tools = conv.holder.get("tools").and_then(Value::as_array);
    let functions = conv.holder.get("functions").and_then(Value::as_array);
    if tools.is_none() && functions.is_none() {
        return;
    }
    let mut defined: Vec<&str> = Vec::new();
    for t in tools.into_iter().flatten() {
        defined.extend(
            t.get("function")
                .and_then(|f| f.get("name"))
                .and_then(Value::as_str),
        );
    }
    for f in functions.into_iter().flatten() {
        defined.extend(f.get("name").and_then(Value::as_str));
    }
    let mut calls: Vec<(Pointer, &str)> = Vec::new();
    for (i, m) in conv.messages.iter().enumerate() {
        if conv.roles[i] != Some("assistant") {
            continue;
        }
        for (j, c) in m
            .get("tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(name) = c
                .get("function")
                .and_then(|f| f.get("name"))
                .and_then(Value::as_str)
            {
                calls.push((
                    conv.pointer(i)
                        .key("tool_calls")
                        .index(j)
                        .key("function")
                        .key("name"),
                    name,
                ));
            }
        }
        if let Some(name) = m
            .get("function_call")
            .and_then(|f| f.get("name"))
            .and_then(Value::as_str)
        {
            calls.push((conv.pointer(i).key("function_call").key("name"), name));
        }
    }
    for (p, name) in calls {
        if !defined.contains(&name) {
            let known = if defined.is_empty() {
                "none is defined".to_string()
            } else {
                format!(
                    "defined: {}",
                    defined
                        .iter()
                        .map(|d| format!("`{d}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Value(p),
                    format!("call to `{name}`, which `tools` does not define ({known})"),
                )
                .help("define the function in `tools`, or fix the name in the call"),
            );
        }
    }
}
