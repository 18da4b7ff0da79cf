//! ## What it checks
//! A turn (`contents[i]`) whose `role` is missing, not a string, or neither `user` nor `model`.
//! The help maps the usual roles of other formats: `assistant` is `model`, a `system` turn
//! belongs in `systemInstruction`, roles are lowercase.
//!
//! ## Why it matters
//! Vertex AI takes `user` for what the model reads and `model` for what it learns to write;
//! any other value is refused. A missing role leaves a turn neither prompt nor target: the
//! API lets `role` be unset only outside multi-turn conversations, and a tuning example (a
//! prompt and the answer it teaches) always has several turns.
//!
//! Sources: cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare
//! and cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content ("Must be either
//! 'user' or 'model'"), taken 2026-12-01.
//!
//! ## Example
//! ```jsonl
//! {"contents": [{"role": "user", "parts": [{"text": "2+2?"}]}, {"role": "assistant", "parts": [{"text": "4"}]}]}
//! {"contents": [{"role": "system", "parts": [{"text": "Be brief."}]}, {"role": "user", "parts": [{"text": "2+2?"}]}, {"role": "model", "parts": [{"text": "4"}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::Finding;
use crate::rules::schema::Issue;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use jsonschema::error::ValidationErrorKind;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::G003,
        name: "invalid-gemini-role",
        severity: Severity::Error,
        summary: "A turn's `role` missing or not `user` or `model`",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let help = match (issue.kind, issue.instance.as_str()) {
        (ValidationErrorKind::Required { .. }, _) => {
            "set `role` to `user` (what the model reads) or `model` (what it learns to write)"
        }
        (_, Some("assistant" | "Assistant" | "ASSISTANT" | "bot" | "gpt" | "ai" | "AI")) => {
            "Gemini calls the model's turns `model`"
        }
        (_, Some("system" | "developer")) => {
            r#"a system prompt is not a turn: move it to `systemInstruction` at the top level, `{"parts": [{"text": "…"}]}`"#
        }
        (_, Some("human")) => "ShareGPT's `human` is `user`",
        (_, Some("function" | "tool")) => {
            "the turn that carries a `functionResponse` part is a `user` turn"
        }
        (_, Some("USER" | "User" | "MODEL" | "Model")) => {
            "roles are lowercase: `user` or `model`"
        }
        _ => "use `user` for what the model reads and `model` for what it learns to write",
    };
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(help))
        .collect()
}
