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
use crate::rules::{LongLine, ParsedLine};
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    parse: Some(check),
    oversize: Some(check_long),
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
    worded(kind(v), v.is_array(), Target::Value(Pointer::root()))
}

/// A line too long to hold whose value (complete and valid: no J001, J002 or J009) is not an
/// object; its kind read from its first byte.
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    let scan = line.scan;
    if scan.utf8.is_some() || scan.syntax.is_some() {
        return;
    }
    let (Some((first, at, _)), Some((end, _))) = (scan.top, scan.last) else {
        return;
    };
    let kind = match first {
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "`null`",
        _ => "a number",
    };
    out.push(worded(kind, first == b'[', Target::Raw(at as usize..end as usize)));
}

fn worded(kind: &str, array: bool, target: Target) -> Finding {
    let help = if array {
        "wrap the messages in an object: `{\"messages\": [...]}`"
    } else {
        "each line must be one JSON object, e.g. `{\"messages\": [...]}`"
    };
    Finding::new(
        &RULE.meta,
        target,
        format!("the line is {kind}; expected a JSON object"),
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
