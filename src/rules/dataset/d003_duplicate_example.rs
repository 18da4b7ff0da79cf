//! ## What it checks
//! An example identical to an earlier line's, compared as parsed JSON (key order and spacing do
//! not matter). The finding is on the later line, at its `{`, and names the first one.
//!
//! ## Why it matters
//! Duplicates are trained on several times per epoch, over-weighting them, and inflate the
//! cost. They usually come from concatenating overlapping exports.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
//! ```
//!
//! ## Fix
//! Unsafe (`--fix --unsafe-fixes`): every repeat is dropped and the first occurrence kept, in
//! one pass over the file (lines are compared after the line-level fixes of the same run).
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::json::hash;
use crate::rules::{DatasetRule, DatasetState, ExampleCtx, LineFacts, Note, StartCtx};
use std::collections::HashMap;
use crate::diagnostic::{Finding, Target};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&Check),
    fixed: Some(fixed),
    unsafe_fix: true,
    drops_repeats: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::D003,
        name: "duplicate-example",
        severity: Severity::Warning,
        summary: "The same example as an earlier line",
    })
};

struct Check;

impl DatasetRule for Check {
    fn note(&self, ex: &ExampleCtx<'_>) -> Option<Note> {
        Some(Note::Hash(hash::hash_value(ex.value)))
    }

    fn start(&self, _: &StartCtx<'_>) -> Box<dyn DatasetState> {
        Box::new(Seen::default())
    }
}

/// Example hash → the first line that had it.
#[derive(Default)]
struct Seen(HashMap<[u64; 2], u64, hash::PreHashed>);

impl DatasetState for Seen {
    fn add(&mut self, line: &LineFacts, note: Option<Note>, out: &mut Vec<Diagnostic>) {
        let Some(Note::Hash(h)) = note else {
            return;
        };
        match self.0.get(&hash::halves(h)) {
            Some(&first) => out.push(line.at_brace(finding(first).with_fix(Fix::unsafe_edits(
                "drop the duplicate line",
                vec![Edit {
                    range: line.span.clone(),
                    content: String::new(),
                }],
            )))),
            None => {
                self.0.insert(hash::halves(h), line.line);
            }
        }
    }
}

pub fn finding(first_line: u64) -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Line,
        format!("same example as line {first_line}"),
    )
    .help("remove the duplicate; it is trained on twice per epoch")
}

fn fixed(n: u64) -> String {
    if n == 1 {
        "dropped 1 duplicate example".to_string()
    } else {
        format!("dropped {n} duplicate examples")
    }
}
