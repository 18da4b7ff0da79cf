//! ## What it checks
//! An empty or whitespace-only line. The newline that ends the file's last line is not a blank
//! line; an extra empty line after it is.
//!
//! ## Why it matters
//! Some loaders skip blank lines, others fail on them (`json.loads("")` raises), and line
//! numbers in a service's error message stop matching your editor's. `ftlint check --fix`
//! removes them.
//!
//! ## Example
//! ```text
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//!
//! {"messages": [{"role": "user", "content": "bye"}, {"role": "assistant", "content": "bye"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "J004",
    name: "blank-line",
    severity: Severity::Warning,
    summary: "An empty or whitespace-only line that is not the file's final newline",
};

pub fn finding(len: usize) -> Finding {
    let what = if len == 0 {
        "empty line"
    } else {
        "whitespace-only line"
    };
    Finding::new(
        &RULE,
        Target::Bytes(0..len),
        format!("{what}; every line should hold one example"),
    )
    .help("delete the line")
}
