//! ## What it checks
//! An object that has the same key twice. The finding points at the repeated key.
//!
//! ## Why it matters
//! Parsers keep only the last value, silently: `{"content": "long answer…", "content": ""}`
//! trains on the empty string. A repeated key is almost always a merge or templating mistake.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi", "content": "hello"}, {"role": "assistant", "content": "hey"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::json::parse::Duplicate;
use crate::rules::{Rule, Severity};

pub const RULE: Rule = Rule {
    code: "J007",
    name: "duplicate-key",
    severity: Severity::Warning,
    summary: "An object repeats a key (the last silently wins)",
};

pub fn finding(d: &Duplicate) -> Finding {
    let whose = if d.object.0.is_empty() {
        "the line's object".to_string()
    } else {
        format!("`{}`", d.object.dotted())
    };
    Finding::new(
        &RULE,
        Target::DuplicateKey {
            object: d.object.clone(),
            key: d.key.clone(),
            occurrence: d.occurrence,
        },
        format!(
            "key `{}` appears again in {whose}; only the last value is kept",
            d.key
        ),
    )
    .help("remove or rename one of the keys")
}
