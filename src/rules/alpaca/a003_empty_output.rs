//! ## What it checks
//! An Alpaca `output`, or an answer in `history`, that is empty or only whitespace.
//!
//! ## Why it matters
//! `output` is what the example trains on, and LLaMA-Factory trains on the history's answers
//! too (data/README.md, read 2026-12-01). A blank one teaches the model to answer with nothing
//! but its end-of-turn token. The loader accepts it without a word.
//!
//! ## Example
//! ```jsonl
//! {"instruction": "Summarise the text.", "input": "Long text…", "output": ""}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::json::Pointer;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::A003,
        name: "empty-output",
        severity: Severity::Warning,
        summary: "A blank `output` or history answer: trains the model to say nothing",
    })
};

fn blank(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str).is_some_and(|s| s.trim().is_empty())
}

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::Alpaca {
        return;
    }
    let mut at = |p: Pointer| {
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(p.clone()),
                format!("`{}` is blank; it is an answer the model is trained on", p.dotted()),
            )
            .help("fill in the answer, or drop the example (or the history round)"),
        );
    };
    if let Some(history) = ex.value.get("history").and_then(Value::as_array) {
        for (i, pair) in history.iter().enumerate() {
            if pair.as_array().is_some_and(|p| p.len() == 2) && blank(pair.get(1)) {
                at(Pointer::root().key("history").index(i).index(1));
            }
        }
    }
    if blank(ex.value.get("output")) {
        at(Pointer::root().key("output"));
    }
}
