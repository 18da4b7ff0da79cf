//! ## What it checks
//! An example identical to an earlier line's, compared as parsed JSON (key order and spacing do
//! not matter). The finding is on the later line, at its `{`, and names the first one.
//!
//! ## Why it matters
//! Duplicates are trained on several times per epoch, over-weighting them, and inflate the
//! cost. They usually come from concatenating overlapping exports.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "D003",
    name: "duplicate-example",
    severity: Severity::Warning,
    summary: "The same example as an earlier line",
};

pub fn finding(first_line: u64) -> Finding {
    Finding::new(
        &RULE,
        Target::Line,
        format!("same example as line {first_line}"),
    )
    .help("remove the duplicate; it is trained on twice per epoch")
}
