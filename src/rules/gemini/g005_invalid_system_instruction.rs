//! ## What it checks
//! A `systemInstruction` (or `system_instruction`) that is not an object, has no `parts` or an
//! empty list of them, holds a part that is not `{"text": "…"}`, or has a key other than
//! `role` and `parts`. Its `role` may be any string: the service ignores it.
//!
//! ## Why it matters
//! The system instruction steers every turn of the example, and its text counts toward the
//! example's tokens. The tuning format gives it text parts only; a plain string (the OpenAI
//! habit of `"system": "…"`) or a media part is refused.
//!
//! Source: cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare
//! ("The role field of systemInstruction is ignored and doesn't affect the performance of the
//! model"), taken 2026-12-01.
//!
//! ## Example
//! ```jsonl
//! {"systemInstruction": "Answer in French.", "contents": [{"role": "user", "parts": [{"text": "Hello"}]}, {"role": "model", "parts": [{"text": "Bonjour"}]}]}
//! {"systemInstruction": {"parts": [{"fileData": {"mimeType": "application/pdf", "fileUri": "gs://b/style.pdf"}}]}, "contents": [{"role": "user", "parts": [{"text": "Hello"}]}, {"role": "model", "parts": [{"text": "Bonjour"}]}]}
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
        rule: Rule::G005,
        name: "invalid-system-instruction",
        severity: Severity::Error,
        summary: "`systemInstruction` not an object with a non-empty list of text parts",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| {
            f.help(r#"a system instruction is `{"parts": [{"text": "…"}]}`: text parts only (its `role`, if any, is ignored)"#)
        })
        .collect()
}
