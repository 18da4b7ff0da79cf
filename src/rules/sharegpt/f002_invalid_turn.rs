//! ## What it checks
//! A turn of `conversations` that LLaMA-Factory cannot read:
//! - no tag or no text (`from` and `value`, or `role` and `content` in Axolotl's variant), or
//!   one that is not a string;
//! - both styles' keys on one turn, or a style other than the first turn's;
//! - a tag the loader does not know: `from` takes `human`, `gpt`, `system`, `function_call`,
//!   `observation`; `role` also takes Axolotl's default names `user`, `assistant`, `tool`
//!   (`rules/sharegpt/tags.toml`, with its sources). Under a `dataset_info.json` entry, the
//!   entry's `role_tag`/`content_tag` and the tags it lists instead (an entry whose `tags` leaves
//!   out `system_tag` takes no `system` turn: LLaMA-Factory sets an unlisted tag to None).
//!
//! ## Why it matters
//! LLaMA-Factory's ShareGPT reader (`SharegptDatasetConverter`, read 2026-12-01) looks each turn
//! up by its tag key and text key: a missing key raises a `KeyError` and stops the run. A tag
//! outside its table logs "Invalid role tag" and the whole example is skipped — dropped from
//! training with only a log line. `from: "user"` or `from: "assistant"` are the usual cause
//! (OpenAI names under ShareGPT keys): they need a `tags` mapping in `dataset_info.json`.
//!
//! ## Example
//! ```jsonl
//! {"conversations": [{"from": "user", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}
//! {"conversations": [{"from": "human", "text": "Hi"}, {"from": "gpt", "value": "Hello!"}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::rules::sharegpt::{turns, Style};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::F002,
        name: "invalid-turn",
        severity: Severity::Error,
        summary: "A ShareGPT turn without a string tag and text, or with a tag the loader does not know",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::Sharegpt {
        return;
    }
    let turns = turns(ex.value);
    let first_style = turns.iter().find_map(|t| t.style);
    for t in &turns {
        let path = t.pointer.dotted();
        let Some(style) = t.style else {
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::ObjectStart(t.pointer.clone()),
                    format!("`{path}` has neither `from`/`value` nor `role`/`content`"),
                )
                .help("write each turn as `{\"from\": \"human\", \"value\": \"…\"}`"),
            );
            continue;
        };
        if t.mixed {
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::ObjectStart(t.pointer.clone()),
                    format!("`{path}` has both `from`/`value` and `role`/`content`; the loader reads one pair"),
                )
                .help("keep one pair of keys per turn, the same in every turn"),
            );
            continue;
        }
        if Some(style) != first_style {
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::ObjectStart(t.pointer.clone()),
                    format!(
                        "`{path}` uses `{}`/`{}`, the first turn `{}`/`{}`; one dataset has one pair of keys",
                        style.tag_key(),
                        style.text_key(),
                        first_style.map_or("", |s| s.tag_key()),
                        first_style.map_or("", |s| s.text_key())
                    ),
                )
                .help("rename the keys so every turn uses the same pair"),
            );
            continue;
        }
        let (tag_key, text_key) = (style.tag_key(), style.text_key());
        match t.tag {
            None => out.push(missing(t.pointer.clone(), &path, tag_key)),
            Some(tag) if style.place(tag).is_none() => {
                // Under a `dataset_info.json` entry, the tags it takes (the view's names).
                let known: Vec<String> = style
                    .tags()
                    .keys()
                    .filter(|k| ex.mapping.is_none_or(|m| m.takes_tag(k)))
                    .map(|k| format!("`{k}`"))
                    .collect();
                let hint = match (style, tag, ex.mapping) {
                    (_, _, Some(m)) => m.tag_hint(tag).unwrap_or_default(),
                    (Style::FromValue, "user" | "assistant" | "tool", None) => {
                        "; OpenAI's names need a `tags` mapping in LLaMA-Factory's `dataset_info.json`, or use `human`/`gpt`/`observation`".to_owned()
                    }
                    _ => String::new(),
                };
                out.push(
                    Finding::new(
                        &RULE.meta,
                        Target::Value(t.pointer.key(tag_key)),
                        format!("`{path}.{tag_key}` is `{tag}`; the loader takes {}{hint}", known.join(", ")),
                    )
                    .help("the loader skips an example with an unknown tag (\"Invalid role tag\"); use one of the tags above"),
                );
            }
            Some(_) => {}
        }
        if t.text.is_none() {
            out.push(missing(t.pointer.clone(), &path, text_key));
        }
    }
}

fn missing(at: crate::json::Pointer, path: &str, key: &str) -> Finding {
    let has = |k: &str| format!("`{path}` has no string `{k}`");
    Finding::new(&RULE.meta, Target::ObjectStart(at), has(key))
        .help("the loader reads every turn's tag and text by name; a missing one stops the run with a `KeyError`")
}
