//! ## What it checks
//! A conversational preference example whose `chosen` and `rejected` do not share their
//! prompt:
//! - without `prompt` (an implicit prompt), the two lists differ before their answers — at a
//!   user, system or tool message — or share no message at all;
//! - with `prompt` (explicit), an answer list holds a message other than the assistant's (the
//!   prompt repeated in it, or a user turn).
//!
//! ## Why it matters
//! DPO compares two answers to one prompt. Without a `prompt` column, TRL takes the prompt to be
//! the messages `chosen` and `rejected` share from the start (`extract_prompt`) and everything
//! after as the answers (huggingface.co/docs/trl/dataset_formats, "implicit prompt", read
//! 2026-12-01). If the lists differ at a user turn, the "answers" include different questions,
//! and the model learns to prefer a conversation instead of an answer; with no shared message the
//! prompt is empty. With an explicit `prompt`, TRL appends each answer list to it: a user turn
//! in an answer is trained on as if the model had written it.
//!
//! ## Example
//! ```jsonl
//! {"chosen": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}], "rejected": [{"role": "user", "content": "2+3?"}, {"role": "assistant", "content": "4"}]}
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
        rule: Rule::H004,
        name: "preference-prompt-mismatch",
        severity: Severity::Error,
        summary: "`chosen` and `rejected` that do not share their prompt",
    })
};

fn role(m: &Value) -> Option<&str> {
    m.get("role").and_then(Value::as_str)
}

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::ChosenRejected {
        return;
    }
    let v = ex.value;
    let (Some(chosen), Some(rejected)) = (
        v.get("chosen").and_then(Value::as_array),
        v.get("rejected").and_then(Value::as_array),
    ) else {
        return;
    };
    if v.get("prompt").is_some() {
        explicit(out, "chosen", chosen);
        explicit(out, "rejected", rejected);
        return;
    }
    let shared = chosen
        .iter()
        .zip(rejected)
        .take_while(|(a, b)| a == b)
        .count();
    let at = |key: &str, i: usize| Target::Value(Pointer::root().key(key).index(i).key("role"));
    if shared == 0 && !chosen.is_empty() && !rejected.is_empty() {
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(Pointer::root().key("chosen")),
                "`chosen` and `rejected` share no message, so the implicit prompt is empty",
            )
            .help("start both lists with the same prompt messages, or give the prompt in `prompt` and only the answers in `chosen` and `rejected`"),
        );
        return;
    }
    for (key, list) in [("chosen", chosen), ("rejected", rejected)] {
        if let Some(m) = list.get(shared) {
            let r = role(m).unwrap_or("?");
            if r != "assistant" {
                out.push(
                    Finding::new(
                        &RULE.meta,
                        at(key, shared),
                        format!(
                            "`{key}[{shared}]` is a `{r}` message after the {shared} message{} `chosen` and `rejected` share; the implicit prompt ends there, so the answers differ in their prompt",
                            if shared == 1 { "" } else { "s" }
                        ),
                    )
                    .help("make both lists the same conversation up to the final assistant answer, which alone differs"),
                );
                return;
            }
        }
    }
}

/// With an explicit prompt, an answer list holds the assistant's messages (and the tool
/// results between its calls), never the user's or the system's.
fn explicit(out: &mut Vec<Finding>, key: &str, list: &[Value]) {
    if let Some((i, r)) = list
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((i, role(m)?)))
        .find(|(_, r)| matches!(*r, "user" | "system"))
    {
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(Pointer::root().key(key).index(i).key("role")),
                format!("`{key}[{i}]` is a `{r}` message, but the prompt is explicit (`prompt`); an answer list holds only the assistant's turns"),
            )
            .help("move the prompt's messages into `prompt` only, or drop `prompt` to make it implicit"),
        );
    }
}
