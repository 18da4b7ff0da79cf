//! ## What it checks
//! A `tools` value that is not an array of objects, a `functionDeclarations` that is not an
//! array, or a function declaration that is not an object with a non-empty string `name`
//! (and, when given, a string `description` and an object `parameters`).
//!
//! ## Why it matters
//! Function-calling tuning data declares the functions the model may call in `tools`, as a
//! request to the model would; the service refuses a declaration it cannot read, and a
//! declaration without a name cannot be called.
//!
//! Source: cloud.google.com/vertex-ai/generative-ai/docs/models/tune-function-calling (taken
//! 2026-12-01): `"tools": [{"functionDeclarations": [{"name", "description", "parameters"}]}]`.
//!
//! ## Example
//! ```jsonl
//! {"contents": [{"role": "user", "parts": [{"text": "Weather in Oslo?"}]}, {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}}]}], "tools": {"functionDeclarations": [{"name": "get_weather"}]}}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::Finding;
use crate::rules::schema::Issue;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::G008,
        name: "invalid-gemini-tools",
        severity: Severity::Error,
        summary: "`tools` not a list of tools with named function declarations",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| {
            f.help(r#"`tools` is `[{"functionDeclarations": [{"name": "…", "description": "…", "parameters": {"type": "OBJECT", "properties": {…}}}]}]`"#)
        })
        .collect()
}
