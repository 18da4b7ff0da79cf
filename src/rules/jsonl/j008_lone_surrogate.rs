//! ## What it checks
//! A `\uD800`–`\uDFFF` escape without its pair: a high surrogate not followed by a low one,
//! or a low surrogate on its own. The rest of the line is still checked, reading the escape
//! as U+FFFD.
//!
//! ## Why it matters
//! Python's `json` accepts it, so the file looks fine in a notebook, but the text cannot be
//! encoded as UTF-8: tokenizers and upload services fail on it. It usually comes from cutting a
//! string of emoji in the middle (JavaScript and Java strings are UTF-16).
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "smile \ud83d"}, {"role": "assistant", "content": "ok"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, Severity};
use std::ops::Range;

pub const RULE: Rule = Rule {
    code: "J008",
    name: "lone-surrogate",
    severity: Severity::Error,
    summary: "A `\\uD800`–`\\uDFFF` escape without its pair",
};

pub fn finding(range: Range<usize>, escape: &str) -> Finding {
    Finding::new(
        &RULE,
        Target::Bytes(range),
        format!("`{escape}` is half of a UTF-16 surrogate pair; UTF-8 cannot encode it"),
    )
    .help("restore the missing half of the pair, or remove the escape")
}
