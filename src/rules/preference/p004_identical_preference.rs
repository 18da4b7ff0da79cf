//! ## What it checks
//! A preference example whose preferred and non-preferred outputs are the same: the same
//! message, or the same text once surrounding whitespace is ignored. The finding points at
//! `non_preferred_output`.
//!
//! ## Why it matters
//! A pair with no difference teaches nothing and pulls the two answers' likelihoods in opposite
//! directions at once. It usually comes from a pipeline that failed to generate the second
//! candidate and copied the first.
//!
//! ## Example
//! ```jsonl
//! {"input": {"messages": [{"role": "user", "content": "Capital of France?"}]}, "preferred_output": [{"role": "assistant", "content": "Paris."}], "non_preferred_output": [{"role": "assistant", "content": "Paris. "}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::Conversation;
use crate::format::Format;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::P004,
        name: "identical-preference",
        severity: Severity::Warning,
        summary: "Preferred and non-preferred outputs are the same text",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::Preference {
        return;
    }
    let (Some(a), Some(b)) = (
        ex.value.get("preferred_output").and_then(Value::as_array),
        ex.value
            .get("non_preferred_output")
            .and_then(Value::as_array),
    ) else {
        return;
    };
    if a.is_empty() || b.is_empty() {
        return; // P002's business
    }
    let text = |list: &[Value], key: &str| {
        Conversation::list(&Value::Null, Pointer::root().key(key), list)
            .text(0)
            .map(|t| t.trim().to_owned())
    };
    let same_text = match (text(a, "preferred_output"), text(b, "non_preferred_output")) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    };
    if a == b || same_text {
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(Pointer::root().key("non_preferred_output")),
                "`non_preferred_output` is the same as `preferred_output`",
            )
            .help("give a worse answer as the non-preferred output, or drop the example"),
        );
    }
}
