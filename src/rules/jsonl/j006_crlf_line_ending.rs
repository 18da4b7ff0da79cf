//! ## What it checks
//! Lines that end with `\r\n` (Windows line endings). Reported once per file, at the first
//! such line, with the number of lines that have one.
//!
//! ## Why it matters
//! Most JSON parsers accept the `\r` as whitespace, but tools that split on `\n` keep it, and
//! a mixed file produces diffs where every line changed. It is informational.
//!
//! ## Example
//! ```text
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\r\n
//! ```
//!
//! ## Configuration
//! None. `ftlint check --fix` converts to `\n`.
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "J006",
    name: "crlf-line-ending",
    severity: Severity::Info,
    summary: "Line ends with `\\r\\n`",
};

/// `end` is the byte where the `\r` sits (the line text's length).
pub fn finding(end: usize) -> Finding {
    Finding::new(&RULE, Target::Bytes(end..end), message(1))
        .help("convert the file to `\\n` line endings")
}

pub fn message(lines: u64) -> String {
    if lines == 1 {
        "line ends with `\\r\\n`".to_string()
    } else {
        format!("line ends with `\\r\\n` ({lines} lines in this file do)")
    }
}
