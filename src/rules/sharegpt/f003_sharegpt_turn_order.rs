//! ## What it checks
//! The order of the turns, as LLaMA-Factory requires it: an optional first `system` turn, then
//! `human` or `observation` at odd positions (1st, 3rd, …) and `gpt` or `function_call` at even
//! ones (2nd, 4th, …), ending with the even turn the example trains on. `system` anywhere but
//! first is out of place. In Axolotl's `role`/`content` variant the same order applies to
//! `user`/`tool` and `assistant`. Lines with a turn F002 reports are left to it. Under a
//! `dataset_info.json` entry the entry's tags take these places, and a `ranking` entry's
//! conversation ends with a prompt turn instead (its answers are `chosen` and `rejected`).
//!
//! ## Why it matters
//! LLaMA-Factory's docs: "human and observation should appear in odd positions, while gpt and
//! function should appear in even positions" (data/README.md, read 2026-12-01). Its reader
//! checks each turn and, at the first one out of place or when the count is odd, logs "Invalid
//! role tag" or "Invalid message count" and skips the whole example: it is silently left out of
//! training, and a file of such examples trains on far less than it holds.
//!
//! ## Example
//! ```jsonl
//! {"conversations": [{"from": "human", "value": "Hi"}, {"from": "human", "value": "Are you there?"}, {"from": "gpt", "value": "Yes."}]}
//! {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}, {"from": "human", "value": "Bye"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::rules::sharegpt::{turns, Place, Style};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::F003,
        name: "sharegpt-turn-order",
        severity: Severity::Error,
        summary: "Turns out of LLaMA-Factory's order (prompt turns odd, answers even, an answer last)",
    })
};

fn names(style: Style, place: Place, mapping: Option<&crate::llamafactory::Mapping>) -> String {
    let list: Vec<String> = style
        .tags()
        .iter()
        .filter(|(_, p)| **p == place)
        .filter(|(k, _)| mapping.is_none_or(|m| m.takes_tag(k)))
        .map(|(k, _)| format!("`{k}`"))
        .collect();
    list.join(" or ")
}

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::Sharegpt {
        return;
    }
    let turns = turns(ex.value);
    let Some(style) = turns.first().and_then(|t| t.style) else {
        return;
    };
    // Every turn readable, in one style, with a known tag: else F002's.
    let places: Option<Vec<Place>> = turns
        .iter()
        .map(|t| {
            (!t.mixed && t.style == Some(style))
                .then_some(())
                .and_then(|_| style.place(t.tag?))
        })
        .collect();
    let Some(places) = places else {
        return;
    };
    let skip = usize::from(places.first() == Some(&Place::System));
    let tag_key = style.tag_key();
    for (n, (t, place)) in turns.iter().zip(&places).enumerate().skip(skip) {
        let position = n - skip; // 0-based after the system turn
        let want = if position % 2 == 0 {
            Place::Prompt
        } else {
            Place::Answer
        };
        if *place == want {
            continue;
        }
        let tag = t.tag.unwrap_or_default();
        let message = if *place == Place::System {
            format!(
                "`{}.{tag_key}` is `{tag}` at turn {}; only the first turn may be the system prompt",
                t.pointer.dotted(),
                n + 1
            )
        } else {
            format!(
                "`{}.{tag_key}` is `{tag}` at turn {}{}, where the loader expects {}",
                t.pointer.dotted(),
                n + 1,
                if skip == 1 { " (after the system turn)" } else { "" },
                names(style, want, ex.mapping)
            )
        };
        out.push(
            Finding::new(&RULE.meta, Target::Value(t.pointer.key(tag_key)), message).help(
                "LLaMA-Factory skips the whole example (\"Invalid role tag\"): merge two turns of one side, add the missing turn, or move the system prompt to the first turn or the `system` key",
            ),
        );
        // The loader stops at the first turn out of place.
        return;
    }
    // A ranking entry's conversation ends with the prompt: `chosen` and `rejected` hold the
    // answers (LLaMA-Factory: "Invalid message count" when the count is even).
    let ranking = ex.mapping.is_some_and(|m| m.ranking);
    if ranking && (turns.len() - skip) % 2 == 0 {
        let last = &turns[turns.len() - 1];
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(last.pointer.key(tag_key)),
                format!(
                    "the conversation ends with `{}` (`{}`); in a ranking dataset it ends with the prompt, {}, and `chosen`/`rejected` hold the answers",
                    last.tag.unwrap_or_default(),
                    last.pointer.dotted(),
                    names(style, Place::Prompt, ex.mapping)
                ),
            )
            .help("LLaMA-Factory skips the example (\"Invalid message count\"): move the last answer to `chosen`, or remove it"),
        );
        return;
    }
    if !ranking && (turns.len() - skip) % 2 == 1 {
        let last = &turns[turns.len() - 1];
        out.push(
            Finding::new(
                &RULE.meta,
                Target::Value(last.pointer.key(tag_key)),
                format!(
                    "the conversation ends with `{}` (`{}`); the last turn is the answer trained on, {}",
                    last.tag.unwrap_or_default(),
                    last.pointer.dotted(),
                    names(style, Place::Answer, ex.mapping)
                ),
            )
            .help("LLaMA-Factory skips the example (\"Invalid message count\"): add the answer, or remove the unanswered last turn"),
        );
    }
}
