//! ## What it checks
//! An assistant `tool_calls[i]` (or legacy `function_call`) that lacks `id`, `type: "function"`
//! or `function.name`, has unknown keys, or whose `function.arguments` is not a string holding
//! a JSON object.
//!
//! ## Why it matters
//! Arguments are trained on as text: a model taught on broken or non-object arguments produces
//! calls your code cannot parse. The service rejects malformed calls.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "weather?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}]}
//! ```
//!
//! ## Configuration
//! None.
use super::schema::Issue;
use super::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::{LineCtx, Rule, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "C011",
    name: "invalid-tool-call",
    severity: Severity::Error,
    summary:
        "A tool call lacks `id`, `type`, `function.name`, or its arguments are not a JSON object",
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE)
        .into_iter()
        .map(|f| f.help("a tool call is `{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"…\", \"arguments\": \"{…}\"}}`"))
        .collect()
}

/// The schema checks the shape; whether `arguments` holds a JSON object needs a parse.
pub fn check(ctx: &mut LineCtx<'_>, conv: &Conversation<'_>) {
    if !ctx.enabled(&RULE) {
        return;
    }
    for (i, m) in conv.messages.iter().enumerate() {
        if conv.roles[i] != Some("assistant") {
            continue;
        }
        let base = conv.pointer(i);
        if let Some(calls) = m.get("tool_calls").and_then(Value::as_array) {
            for (j, call) in calls.iter().enumerate() {
                let p = base
                    .key("tool_calls")
                    .index(j)
                    .key("function")
                    .key("arguments");
                check_arguments(
                    ctx,
                    call.get("function").and_then(|f| f.get("arguments")),
                    p,
                );
            }
        }
        if let Some(call) = m.get("function_call") {
            check_arguments(
                ctx,
                call.get("arguments"),
                base.key("function_call").key("arguments"),
            );
        }
    }
}

fn check_arguments(ctx: &mut LineCtx<'_>, args: Option<&Value>, p: Pointer) {
    let Some(Value::String(text)) = args else {
        return; // absent or not a string: the schema reports it
    };
    let problem = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(_)) => return,
        Ok(other) => format!(
            "holds {}, not a JSON object",
            crate::rules::jsonl::j003_not_an_object::kind(&other)
        ),
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            format!("is not valid JSON ({msg})")
        }
    };
    ctx.report(
        Finding::new(&RULE, Target::Value(p.clone()), format!("`{}` {problem}", p.dotted()))
            .help("`arguments` is a JSON object serialised as a string, e.g. `\"{\\\"city\\\": \\\"Paris\\\"}\"`"),
    );
}
