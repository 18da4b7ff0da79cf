//! ## What it checks
//! A turn whose text (`value`, or `content`) is empty or only whitespace.
//!
//! ## Why it matters
//! An empty answer turn trains the model to reply with nothing but its end-of-turn token; an
//! empty prompt turn asks nothing, so the answer after it is learned without its question.
//! LLaMA-Factory passes both through without a word (read 2026-12-01), so they usually come
//! from an export that lost the text.
//!
//! ## Example
//! ```jsonl
//! {"conversations": [{"from": "human", "value": "Summarise this."}, {"from": "gpt", "value": " "}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::rules::sharegpt::turns;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::F004,
        name: "empty-value",
        severity: Severity::Warning,
        summary: "A ShareGPT turn with empty or whitespace-only text",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::Sharegpt {
        return;
    }
    for t in turns(ex.value) {
        let (Some(style), Some(text)) = (t.style, t.text) else {
            continue;
        };
        if text.trim().is_empty() {
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Value(t.pointer.key(style.text_key())),
                    format!(
                        "`{}.{}` of the `{}` turn is blank",
                        t.pointer.dotted(),
                        style.text_key(),
                        t.tag.unwrap_or("?")
                    ),
                )
                .help("fill in the text the export lost, or drop the example"),
            );
        }
    }
}
