//! ## What it checks
//! A message whose `content` is absent or `null` where the role requires it. System, user,
//! tool and function messages always need content; an assistant message may omit it (or set it
//! to `null`) only when it makes `tool_calls` or a `function_call`.
//!
//! ## Why it matters
//! The service rejects the example; usually an export step dropped the text.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user"}, {"role": "assistant", "content": null}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::schema::Issue;
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C006,
        name: "missing-content",
        severity: Severity::Error,
        summary: "`content` absent or null where required",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let role = issue.role().unwrap_or("this");
    let help = if role == "assistant" {
        "give the assistant message `content`, or `tool_calls` if it calls a tool"
    } else {
        "add the message's text as `content`"
    };
    let content = issue.pointer.key("content");
    let (target, message) = match issue.keyword {
        // `not null` on the content value itself.
        "not" => (
            Target::Value(issue.pointer.clone()),
            format!("{} is `null` in a `{role}` message", issue.path()),
        ),
        "anyOf" if issue.instance.get("content").is_some() => (
            Target::Value(content.clone()),
            format!(
                "`{}` is `null` and the message makes no tool call",
                content.dotted()
            ),
        ),
        _ => (
            Target::ObjectStart(issue.pointer.clone()),
            format!("{} (`{role}`) has no `content`", issue.path()),
        ),
    };
    vec![Finding::new(&RULE.meta, target, message).help(help)]
}
