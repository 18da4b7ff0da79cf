//! ## What it checks
//! A ShareGPT line without `conversations`, or whose `conversations` is not a non-empty list of
//! turn objects; a top-level `system` that is not a string; `tools` that is neither the JSON
//! text of the tool list nor a list.
//!
//! ## Why it matters
//! LLaMA-Factory reads the turns from the `conversations` column and indexes each turn by its
//! keys (`src/llamafactory/data/converter.py`, read 2026-12-01): a missing column or a turn
//! that is not an object raises and stops the run; an empty list is skipped as an example with
//! no response. `system` is handed to the chat template as text.
//!
//! ## Example
//! ```jsonl
//! {"conversations": []}
//! {"conversations": [{"from": "human", "value": "Hi"}, "Hello!"]}
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
        rule: Rule::F001,
        name: "invalid-conversations",
        severity: Severity::Error,
        summary: "No `conversations`, not a non-empty list of turns, or a `system`/`tools` of the wrong type",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|f| {
            f.help("a ShareGPT example is `{\"conversations\": [{\"from\": \"human\", \"value\": \"…\"}, {\"from\": \"gpt\", \"value\": \"…\"}], \"system\": \"…\"}`")
        })
        .collect()
}
