//! ## What it checks
//! A line whose top-level JSON value is not an object (an array, string, number, `true`,
//! `false` or `null`).
//!
//! ## Why it matters
//! Every fine-tuning format is one JSON object per line. A top-level array usually means the
//! whole dataset was written as one JSON array, or a list of messages was written without its
//! `{"messages": …}` wrapper.
//!
//! ## Example
//! ```jsonl
//! [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::ParsedLine;
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    parse: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J003,
        name: "not-an-object",
        severity: Severity::Error,
        summary: "The line's top-level value is not an object",
    })
};

fn check(line: &ParsedLine<'_>, out: &mut Vec<Finding>) {
    if let Ok(p) = line.parse {
        if !p.value.is_object() {
            out.push(finding(&p.value));
        }
    }
}

pub fn finding(v: &Value) -> Finding {
    let help = if v.is_array() {
        "wrap the messages in an object: `{\"messages\": [...]}`"
    } else {
        "each line must be one JSON object, e.g. `{\"messages\": [...]}`"
    };
    Finding::new(
        &RULE.meta,
        Target::Value(Pointer::root()),
        format!("the line is {}; expected a JSON object", kind(v)),
    )
    .help(help)
}

/// `an array`, `a string`, … for messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "`null`",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
