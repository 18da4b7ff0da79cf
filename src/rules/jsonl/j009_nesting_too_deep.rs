//! ## What it checks
//! A line nested deeper than 128 arrays/objects, the parser's limit. ftlint stops there with a
//! finding instead of exhausting its stack.
//!
//! ## Why it matters
//! No fine-tuning format comes near this depth; such a line is corrupt or adversarial, and
//! other tools may crash on it.
//!
//! ## Example
//! ```jsonl
//! {"messages": [[[[[[[[ … 200 levels … ]]]]]]]]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::json::ParseError;
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "J009",
    name: "nesting-too-deep",
    severity: Severity::Error,
    summary: "Nesting deeper than the parser limit",
};

pub fn finding(e: &ParseError) -> Finding {
    Finding::new(
        &RULE,
        Target::Bytes(e.byte..e.byte + 1),
        "nesting deeper than 128 levels; the line was not parsed further",
    )
    .help("flatten the structure; no fine-tuning format nests this deep")
}
