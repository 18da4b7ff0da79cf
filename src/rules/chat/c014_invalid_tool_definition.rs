//! ## What it checks
//! A malformed entry of `tools` (or legacy `functions`): `type` not `"function"`, a missing
//! `function.name` or one not matching `^[a-zA-Z0-9_-]{1,64}$`, `parameters` that is not an
//! object schema (`{"type": "object", …}`), or unknown keys.
//!
//! ## Why it matters
//! Tool definitions are part of what the model reads; the service rejects invalid ones, and a
//! name with spaces or dots cannot be called through the API.
//!
//! ## Example
//! ```jsonl
//! {"tools": [{"type": "function", "function": {"name": "get weather", "parameters": {"type": "string"}}}], "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::schema::Issue;
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C014,
        name: "invalid-tool-definition",
        severity: Severity::Error,
        summary: "`tools[i]` malformed: `type`, `function.name`, or `parameters` not an object schema",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let help = match issue.pointer.last_key() {
        Some("name") => "a function name is 1–64 letters, digits, `_` or `-`",
        Some("parameters") | Some("type") if issue.pointer.0.len() > 3 => {
            "`parameters` is a JSON Schema object: `{\"type\": \"object\", \"properties\": {…}}`"
        }
        _ => "a tool is `{\"type\": \"function\", \"function\": {\"name\": \"…\", \"description\": \"…\", \"parameters\": {\"type\": \"object\", …}}}`",
    };
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(help))
        .collect()
}
