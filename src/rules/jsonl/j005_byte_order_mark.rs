//! ## What it checks
//! A file that starts with a UTF-8 byte order mark (`EF BB BF`), as Windows tools often write.
//!
//! ## Why it matters
//! JSON forbids a BOM (RFC 8259 §8.1), and a strict parser reads the first line as invalid
//! JSON. Columns on line 1 are counted after the BOM, as editors show them.
//!
//! ## Example
//! ```text
//! \xEF\xBB\xBF{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Configuration
//! None. `ftlint check --fix` removes it.
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "J005",
    name: "byte-order-mark",
    severity: Severity::Warning,
    summary: "File starts with a UTF-8 BOM",
};

pub fn finding() -> Finding {
    Finding::new(
        &RULE,
        Target::Bytes(0..0),
        "the file starts with a UTF-8 byte order mark",
    )
    .help("save the file as UTF-8 without BOM")
}
