//! ## What it checks
//! A Gemini example without its conversation: no `contents`, a `contents` that is not an array
//! or is empty, or an entry of `contents` that is not an object (a turn is
//! `{"role": …, "parts": […]}`).
//!
//! ## Why it matters
//! `contents` is the one required field of a Vertex AI Gemini tuning example: the turns the
//! model reads and the `model` turns it learns to write. The tuning job refuses the dataset
//! ("400 Row: 0. Missing required `contents` field.", as a user reported it for a file in an
//! older format: github.com/Tuminha/Goggle-Gen-AI-Course-with-Kaggle,
//! `data/FINE_TUNING_SOLUTION_DOCS.md`). A line with only a `systemInstruction` usually lost its
//! conversation in an export step.
//!
//! Source: cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare
//! (taken 2026-12-01; see `rules/schemas/gemini.schema.json`).
//!
//! ## Example
//! ```jsonl
//! {"systemInstruction": {"parts": [{"text": "Answer in French."}]}}
//! {"contents": []}
//! {"contents": ["Bonjour ?", "Bonjour !"]}
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
        rule: Rule::G001,
        name: "missing-contents",
        severity: Severity::Error,
        summary: "No `contents`, or not a non-empty array of turns",
    })
};

const TURNS: &str = r#"`"contents": [{"role": "user", "parts": [{"text": "…"}]}, {"role": "model", "parts": [{"text": "…"}]}]`"#;

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let help = match issue.kind {
        ValidationErrorKind::Required { .. } => {
            format!("a Gemini example holds its conversation in `contents`: {TURNS}")
        }
        ValidationErrorKind::MinItems { .. } => {
            "add the user turn and the `model` turn the example teaches".to_owned()
        }
        _ if issue.pointer.0.len() > 1 => {
            r#"each turn is an object: `{"role": "user" | "model", "parts": [{"text": "…"}]}`"#
                .to_owned()
        }
        _ => format!("`contents` is a list of turns: {TURNS}"),
    };
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| f.help(help.clone()))
        .collect()
}
