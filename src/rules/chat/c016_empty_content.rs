//! ## What it checks
//! A message whose text is empty or whitespace only: a `content` string, or a content array
//! whose text parts are all blank and that has no other part. Assistant messages that make a
//! tool call are exempt (their content is often empty by design).
//!
//! ## Why it matters
//! An empty assistant answer teaches the model to answer with nothing; an empty user or
//! system message wastes tokens and usually means an export step lost the text.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "  "}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::Conversation;
use crate::diagnostic::{Finding, Target};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C016,
        name: "empty-content",
        severity: Severity::Warning,
        summary: "Whitespace-only text in a message that is trained on or read",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (_, conv) in ex.conversations() {
        check_conversation(out, conv);
    }
}

fn check_conversation(out: &mut Vec<Finding>, conv: &Conversation<'_>) {
    for (i, m) in conv.messages.iter().enumerate() {
        if m.get("tool_calls").is_some() || m.get("function_call").is_some() {
            continue;
        }
        let blank = match m.get("content") {
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(parts)) if !parts.is_empty() => parts.iter().all(|p| {
                p.get("type").and_then(Value::as_str) == Some("text")
                    && p.get("text")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.trim().is_empty())
            }),
            _ => false,
        };
        if blank {
            let role = conv.roles[i].unwrap_or("this");
            let p = conv.pointer(i).key("content");
            let what = if role == "assistant" {
                "the model would learn to answer with nothing"
            } else {
                "it adds tokens and no information"
            };
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Value(p.clone()),
                    format!("`{}` (`{role}`) is blank; {what}", p.dotted()),
                )
                .help("fill in the text, or remove the message"),
            );
        }
    }
}
