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
use crate::rules::schema::Issue;
use crate::rules::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C011,
        name: "invalid-tool-call",
        severity: Severity::Error,
        summary:
            "A tool call lacks `id`, `type`, `function.name`, or its arguments are not a JSON object",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help("a tool call is `{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"…\", \"arguments\": \"{…}\"}}`"))
        .collect()
}

/// The schema checks the shape; whether `arguments` holds a JSON object needs a parse.
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (_, conv) in ex.conversations() {
        check_conversation(out, conv);
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
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
                    out,
                    call.get("function").and_then(|f| f.get("arguments")),
                    p,
                );
            }
        }
        if let Some(call) = m.get("function_call") {
            check_arguments(
                out,
                call.get("arguments"),
                base.key("function_call").key("arguments"),
            );
        }
    }
}

fn check_arguments(out: &mut Vec<Finding>, args: Option<&Value>, p: Pointer) {
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
    out.push(
        Finding::new(&RULE.meta, Target::Value(p.clone()), format!("`{}` {problem}", p.dotted()))
            .help("`arguments` is a JSON object serialised as a string, e.g. `\"{\\\"city\\\": \\\"Paris\\\"}\"`"),
    );
}
