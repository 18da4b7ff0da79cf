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
use crate::rules::{LongLine, ParsedLine};
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use std::ops::Range;

pub static RULE: RuleDef = RuleDef {
    parse: Some(check),
    oversize: Some(check_long),
    ..RuleDef::new(RuleMeta {
        rule: Rule::J008,
        name: "lone-surrogate",
        severity: Severity::Error,
        summary: "A `\\uD800`–`\\uDFFF` escape without its pair",
    })
};

fn check(line: &ParsedLine<'_>, out: &mut Vec<Finding>) {
    if let Ok(p) = line.parse {
        for r in &p.lone_surrogates {
            out.push(finding(r.clone(), &line.text[r.clone()]));
        }
    }
}

/// A line too long to hold that is otherwise valid JSON: its first lone surrogates
/// (`input::oversize::MAX_SURROGATES` of them at most).
fn check_long(line: &LongLine<'_>, out: &mut Vec<Finding>) {
    let scan = line.scan;
    if scan.utf8.is_some() || scan.syntax.is_some() {
        return;
    }
    for s in &scan.surrogates {
        let at = s.at as usize;
        let mut f = finding(at..at + 6, &s.escape);
        f.target = Target::Raw(at..at + 6);
        out.push(f);
    }
}

pub fn finding(range: Range<usize>, escape: &str) -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Bytes(range),
        format!("`{escape}` is half of a UTF-16 surrogate pair; UTF-8 cannot encode it"),
    )
    .help("restore the missing half of the pair, or remove the escape")
}
