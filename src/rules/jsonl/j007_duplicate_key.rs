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
use crate::rules::ParsedLine;
use crate::diagnostic::{Finding, Target};
use crate::json::parse::Duplicate;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    parse: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J007,
        name: "duplicate-key",
        severity: Severity::Warning,
        summary: "An object repeats a key (the last silently wins)",
    })
};

fn check(line: &ParsedLine<'_>, out: &mut Vec<Finding>) {
    if let Ok(p) = line.parse {
        out.extend(p.duplicates.iter().map(finding));
    }
}

pub fn finding(d: &Duplicate) -> Finding {
    let whose = if d.object.0.is_empty() {
        "the line's object".to_string()
    } else {
        format!("`{}`", d.object.dotted())
    };
    Finding::new(
        &RULE.meta,
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
