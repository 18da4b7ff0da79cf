//! ## What it checks
//! A legacy `completion` that does not start with whitespace.
//!
//! ## Why it matters
//! The base models' tokenizer joins a word to the space before it (` Paris` is one token,
//! `Paris` another). OpenAI's guide for these models recommends starting every completion with
//! a space, so that training matches how the text continues after the prompt.
//!
//! ## Example
//! ```jsonl
//! {"prompt": "The capital of France is", "completion": "Paris."}
//! ```
//!
//! ## Configuration
//! Only for targets that ask for it (OpenAI's advice for its legacy base models): not on `hf`,
//! whose trainer joins prompt and completion as written (`legacy_completion = false` in a
//! target table).
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::format::Format;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::L003,
        name: "completion-no-leading-space",
        severity: Severity::Info,
        summary: "Completion does not start with a space",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::Completion || !ex.target.legacy_completion {
        return;
    }
    let Some(text) = ex.value.get("completion").and_then(Value::as_str) else {
        return;
    };
    if text.chars().next().is_some_and(|c| !c.is_whitespace()) {
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(Pointer::root().key("completion")),
                "`completion` does not start with a space",
            )
            .help("start the completion with a space, e.g. `\" Paris.\"`"),
        );
    }
}
