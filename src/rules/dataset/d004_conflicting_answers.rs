//! ## What it checks
//! An example whose conversation up to its last assistant message (and its `tools`) equals an
//! earlier line's, but whose final assistant message differs. The finding is on the later
//! line, at its `{`, and names the earlier one.
//!
//! ## Why it matters
//! The model is taught two different answers to the same input and learns to hedge between
//! them. Sometimes intended (diverse answers), often a labelling mistake.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}
//! {"messages": [{"role": "user", "content": "Capital of Australia?"}, {"role": "assistant", "content": "Sydney."}]}
//! ```
//!
//! ## Configuration
//! None. `--ignore D004` when several answers per prompt are intended.
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "D004",
    name: "conflicting-answers",
    severity: Severity::Warning,
    summary: "Same conversation as an earlier line with a different final answer",
};

pub fn finding(first_line: u64) -> Finding {
    Finding::new(
        &RULE,
        Target::Line,
        format!("same conversation as line {first_line} but a different final answer"),
    )
    .help("keep the answer you want the model to learn, or make the prompts differ")
}
