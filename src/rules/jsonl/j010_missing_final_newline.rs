//! ## What it checks
//! The file's last line has no newline after it.
//!
//! ## Why it matters
//! `cat a.jsonl b.jsonl > train.jsonl` then glues the last example of one file to the first of
//! the next, making one invalid line. POSIX defines a line as ending with a newline.
//!
//! ## Example
//! A file whose last byte is `}` rather than `\n`.
//!
//! ## Configuration
//! None. `ftlint check --fix` adds the newline.
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "J010",
    name: "missing-final-newline",
    severity: Severity::Info,
    summary: "The last line has no newline",
};

pub fn finding(end: usize) -> Finding {
    Finding::new(&RULE, Target::Bytes(end..end), "no newline at end of file")
        .help("end the file with a newline")
}
