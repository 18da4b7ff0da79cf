//! ## What it checks
//! An Alpaca `history` that is not a list of `[question, answer]` pairs of strings: an entry
//! with one or three items, an object, a number.
//!
//! ## Why it matters
//! LLaMA-Factory turns each history entry into a user turn and an assistant turn by unpacking
//! it into two values (`for old_prompt, old_response in history`, `AlpacaDatasetConverter`,
//! read 2026-12-01): an entry of any other length raises a `ValueError` and stops the run, and
//! a non-string reaches the chat template as something it cannot render. The answers in the
//! history are trained on too (data/README.md), so a wrong pair is also wrong training data.
//!
//! ## Example
//! ```jsonl
//! {"instruction": "And in Spanish?", "output": "queso", "history": [["Translate cheese to French.", "fromage", "extra"]]}
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
        rule: Rule::A002,
        name: "invalid-history",
        severity: Severity::Error,
        summary: "`history` not a list of `[question, answer]` string pairs",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let help = "write each earlier round as `[\"question\", \"answer\"]`, two strings";
    let path = issue.path();
    let pair = |n: usize| {
        vec![Finding::new(
            &RULE.meta,
            crate::diagnostic::Target::Value(issue.pointer.clone()),
            format!("{path} has {n} item{}; a history entry is one `[question, answer]` pair", if n == 1 { "" } else { "s" }),
        )
        .help(help)]
    };
    match issue.kind {
        ValidationErrorKind::MinItems { .. } | ValidationErrorKind::MaxItems { .. } => {
            pair(issue.instance.as_array().map_or(0, Vec::len))
        }
        _ => issue
            .generic(&RULE.meta)
            .into_iter()
            .map(|f| f.help(help))
            .collect(),
    }
}
