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
use crate::json::ParseErrorKind;
use crate::rules::{LongLine, ParsedLine};
use crate::diagnostic::{Finding, Target};
use crate::json::ParseError;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    parse: Some(check),
    oversize: Some(check_long),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J009,
        name: "nesting-too-deep",
        severity: Severity::Error,
        summary: "Nesting deeper than the parser limit",
    })
};

fn check(line: &ParsedLine<'_>, out: &mut Vec<Finding>) {
    if let Err(e) = line.parse {
        if e.kind == ParseErrorKind::TooDeep {
            out.push(finding(e));
        }
    }
}

/// A line too long to hold, nested over the limit before any syntax error.
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    let scan = line.scan;
    if let (Some(e), None) = (&scan.syntax, &scan.utf8) {
        if e.kind == ParseErrorKind::TooDeep {
            let mut f = finding(&ParseError {
                kind: e.kind,
                byte: e.at as usize,
                message: e.message.clone(),
            });
            f.target = Target::Raw(e.at as usize..e.at as usize + 1);
            out.push(f);
        }
    }
}

pub fn finding(e: &ParseError) -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Bytes(e.byte..e.byte + 1),
        "nesting deeper than 128 levels; the line was not parsed further",
    )
    .help("flatten the structure; no fine-tuning format nests this deep")
}
