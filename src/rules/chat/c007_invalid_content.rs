//! ## What it checks
//! A `content` that is neither a string nor a non-empty array of valid content parts. A part is
//! `{"type": "text", "text": "…"}` or `{"type": "image_url", "image_url": {"url": "…"}}`;
//! other part shapes, unknown part types and unknown keys inside a part are reported here.
//!
//! ## Why it matters
//! The service rejects the example. Numbers and objects as content usually come from a
//! template that inserted a value without converting it to text.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": 42}, {"role": "assistant", "content": []}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::rules::schema::{describe, Issue};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C007,
        name: "invalid-content",
        severity: Severity::Error,
        summary: "`content` neither a string nor an array of valid parts; empty array",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let help = if issue.pointer.0.len() <= 3 {
        "`content` is a string, or an array of parts such as `{\"type\": \"text\", \"text\": \"…\"}`"
    } else {
        "a content part is `{\"type\": \"text\", \"text\": \"…\"}` or `{\"type\": \"image_url\", \"image_url\": {\"url\": \"…\"}}`"
    };
    if issue.keyword == "type" && issue.pointer.last_key() == Some("content") {
        let f = Finding::new(
            &RULE.meta,
            Target::Value(issue.pointer.clone()),
            format!(
                "{} is {}; expected a string or an array of parts",
                issue.path(),
                describe(issue.instance)
            ),
        );
        return vec![f.help(help)];
    }
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(help))
        .collect()
}
