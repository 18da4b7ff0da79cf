//! ## What it checks
//! Lines of different formats in one file (chat and prompt/completion, supervised and
//! preference). The file's format is the one most lines have; every line of another format is
//! reported at its `{`.
//!
//! ## Why it matters
//! A fine-tuning job takes one format per file; the service rejects the mix. It usually comes
//! from concatenating files prepared for different jobs.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! {"prompt": "hi", "completion": " hello"}
//! ```
//!
//! ## Configuration
//! `--format` forces one format for every line instead of detecting it.
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "D005",
    name: "mixed-formats",
    severity: Severity::Error,
    summary: "Lines of different formats in one file",
};

pub fn finding(this: Format, main: Format, main_first: u64, this_count: u64) -> Finding {
    Finding::new(
        &RULE,
        Target::Line,
        format!("this line is in {this} format ({this_count} such line{} in the file); the file is mostly {main} (first at line {main_first})", if this_count == 1 { "" } else { "s" }),
    )
    .help("put each format in its own file; a fine-tuning job takes one format")
}
