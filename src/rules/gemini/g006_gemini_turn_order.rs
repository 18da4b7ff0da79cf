//! ## What it checks
//! The order of the turns in `contents`: the first is a `user` turn, `user` and `model`
//! alternate, and the last is a `model` turn. A function call and its result follow the same
//! order (`model` calls, the next `user` turn carries the `functionResponse`, `model` answers).
//! Lines whose turns do not all have a valid role are left to G003.
//!
//! ## Why it matters
//! The `model` turns are what the example teaches, each as the answer to the turns before it:
//! an example that starts with the model has no prompt for its first answer, two turns of one
//! side in a row are a turn lost in export (or two that belong in one), and a trailing `user`
//! turn is never answered or learned from. Every example Google publishes for Gemini tuning
//! follows this order, and the Gemini endpoint refuses conversations that do not alternate
//! ("Please ensure that multiturn requests alternate between user and model."); the tuning
//! page itself states no order, so this rule is ftlint's reading of those sources (see
//! `x-decisions` in `rules/schemas/gemini.schema.json`).
//!
//! Sources (taken 2026-12-01): cloud.google.com/vertex-ai/generative-ai/docs/models/
//! gemini-supervised-tuning-prepare and …/tune-function-calling (the examples);
//! github.com/microsoft/autogen/issues/2900 (the endpoint's error, 2024-06-10).
//!
//! ## Example
//! ```jsonl
//! {"contents": [{"role": "model", "parts": [{"text": "Hi! How can I help?"}]}, {"role": "user", "parts": [{"text": "2+2?"}]}, {"role": "model", "parts": [{"text": "4"}]}]}
//! {"contents": [{"role": "user", "parts": [{"text": "2+2?"}]}, {"role": "user", "parts": [{"text": "Quick!"}]}, {"role": "model", "parts": [{"text": "4"}]}]}
//! {"contents": [{"role": "user", "parts": [{"text": "2+2?"}]}, {"role": "model", "parts": [{"text": "4"}]}, {"role": "user", "parts": [{"text": "Thanks"}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::gemini::{turns, Turn, FUNCTION_CALL};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::G006,
        name: "gemini-turn-order",
        severity: Severity::Error,
        summary: "Turns that do not start with `user`, alternate and end with `model`",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::Gemini {
        return;
    }
    let turns = turns(ex.value);
    // A turn without a valid role is G003's; guessing the order around it would only add noise.
    if turns.is_empty()
        || turns
            .iter()
            .any(|t| !matches!(t.role, Some("user" | "model")))
    {
        return;
    }
    let at = |t: &Turn<'_>| Target::Value(t.pointer.key("role"));
    let first = &turns[0];
    if first.role == Some("model") {
        out.push(
            Finding::new(
                &RULE.meta,
                at(first),
                "`contents[0]` is a `model` turn; the conversation starts with the user",
            )
            .help("start with the `user` turn the model answers, or remove the opening model turn"),
        );
    }
    for pair in turns.windows(2) {
        let (prev, turn) = (&pair[0], &pair[1]);
        if prev.role == turn.role {
            let role = turn.role.unwrap_or_default();
            out.push(
                Finding::new(
                    &RULE.meta,
                    at(turn),
                    format!(
                        "`{}` is a second `{role}` turn in a row (after `{}`); turns alternate between `user` and `model`",
                        turn.pointer.dotted(),
                        prev.pointer.dotted()
                    ),
                )
                .help(if role == "user" {
                    "merge the two user turns into one (as parts of one turn), or add the model turn that answers the first"
                } else if prev.parts.iter().any(|p| FUNCTION_CALL.get(p).is_some()) {
                    "a `functionCall` turn is answered by a `user` turn holding its `functionResponse`; add it between them"
                } else {
                    "merge the two model turns into one (as parts of one turn), or add the user turn between them"
                }),
            );
        }
    }
    let last = &turns[turns.len() - 1];
    if last.role == Some("user") {
        out.push(
            Finding::new(
                &RULE.meta,
                at(last),
                format!(
                    "`{}` is a `user` turn at the end; an example ends with the `model` turn it teaches",
                    last.pointer.dotted()
                ),
            )
            .help("add the model's answer, or remove the trailing user turn (it is never learned from)"),
        );
    }
}
