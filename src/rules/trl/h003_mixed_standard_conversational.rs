//! ## What it checks
//! A preference or unpaired-preference example that mixes TRL's two kinds: some of `prompt`,
//! `completion`, `chosen`, `rejected` are strings (standard) and others lists of messages
//! (conversational). (A conversational prompt-completion example with a string part is H001's.)
//!
//! ## Why it matters
//! TRL decides once per example whether it is conversational, from the first of these keys it
//! finds (`is_conversational`), and then applies the model's chat template to all of them
//! (`maybe_apply_chat_template`; huggingface.co/docs/trl/data_utils, read 2026-12-01). A string
//! beside a message list either fails in the template or reaches the model as raw text with no
//! chat framing, so the pair compares answers written in two different shapes.
//!
//! ## Example
//! ```jsonl
//! {"prompt": [{"role": "user", "content": "2+2?"}], "chosen": "4", "rejected": "5"}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::json::Pointer;
use crate::rules::trl::trl_parts;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::H003,
        name: "mixed-standard-conversational",
        severity: Severity::Error,
        summary: "Strings and message lists mixed in one TRL preference example",
    })
};

fn kind(v: &Value) -> Option<&'static str> {
    match v {
        Value::String(_) => Some("a string"),
        Value::Array(_) => Some("a list of messages"),
        _ => None, // H001's
    }
}

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if !matches!(
        ex.format,
        Format::ChosenRejected | Format::UnpairedPreference
    ) {
        return;
    }
    let parts: Vec<(&str, &str)> = trl_parts(ex.value)
        .filter_map(|(k, v)| Some((k, kind(v)?)))
        .collect();
    let Some(&(first_key, first_kind)) = parts.first() else {
        return;
    };
    for &(key, k) in &parts[1..] {
        if k != first_kind {
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Value(Pointer::root().key(key)),
                    format!("`{key}` is {k}, but `{first_key}` is {first_kind}; TRL reads one example as all strings or all messages"),
                )
                .help("write every part as messages (`[{\"role\": \"assistant\", \"content\": \"…\"}]`) or every part as a string"),
            );
        }
    }
}
