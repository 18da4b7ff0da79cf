//! ## What it checks
//! An Alpaca example without `instruction` or `output`, or with `instruction`, `input`,
//! `output` or `system` that is not a string (`null`, a number, a list).
//!
//! ## Why it matters
//! LLaMA-Factory's Alpaca reader (`AlpacaDatasetConverter`, read 2026-12-01) joins
//! `instruction` and `input` into the user's turn and trains on `output` only when it is a
//! string: an example whose `output` is missing or not a string has no response, and the
//! supervised processor drops it ("Dropped invalid example"). A column holding strings on some
//! lines and numbers on others makes the `datasets` JSON loader fail before training starts.
//!
//! ## Example
//! ```jsonl
//! {"instruction": "Translate to French.", "input": "cheese"}
//! {"instruction": "Add the numbers.", "input": "2, 3", "output": 5}
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
        rule: Rule::A001,
        name: "invalid-alpaca-field",
        severity: Severity::Error,
        summary: "No `instruction` or `output`, or an Alpaca field that is not a string",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| {
            f.help("an Alpaca example is `{\"instruction\": \"…\", \"input\": \"…\", \"output\": \"…\"}`, every value a string (`input` may be `\"\"`)")
        })
        .collect()
}
