//! P — the preference (DPO) format: `input` (a chat prompt), `preferred_output` and
//! `non_preferred_output` (each one assistant message). The structure is
//! `rules/schemas/preference.schema.json`, which reuses the chat schema's definitions, so the
//! input's messages get the C rules with pointers under `/input/messages/…`.

pub mod p001_missing_preference_field;
pub mod p002_invalid_preferred_output;
pub mod p003_input_not_ending_with_user;
pub mod p004_identical_preference;

use super::chat::{self, schema, Conversation, Purpose};
use super::{LineCtx, Rule};
use crate::diagnostic::{Finding, Target};
use crate::json::{Pointer, Seg};
use serde_json::Value;

pub const RULES: &[&Rule] = &[
    &p001_missing_preference_field::RULE,
    &p002_invalid_preferred_output::RULE,
    &p003_input_not_ending_with_user::RULE,
    &p004_identical_preference::RULE,
];

/// The two outputs of a preference example.
pub const OUTPUTS: [&str; 2] = ["preferred_output", "non_preferred_output"];

/// All preference rules (and the chat rules of its messages) on one example.
pub fn check(ctx: &mut LineCtx<'_>) {
    for f in schema::findings(schema::Schema::Preference, ctx.value, translate) {
        ctx.report(f);
    }
    if let Some(input) = ctx.value.get("input") {
        if let Some(conv) = Conversation::of(input, Pointer::root().key("input")) {
            chat::check_conversation(ctx, &conv, Purpose::Prompt { system_rule: true });
            p003_input_not_ending_with_user::check(ctx, &conv);
        }
    }
    let input = ctx.value.get("input").unwrap_or(&Value::Null);
    for key in OUTPUTS {
        if let Some(list) = ctx.value.get(key).and_then(Value::as_array) {
            let conv = Conversation::list(input, Pointer::root().key(key), list);
            chat::c011_invalid_tool_call::check(ctx, &conv);
            chat::c015_undefined_tool::check(ctx, &conv);
            chat::c016_empty_content::check(ctx, &conv);
            chat::vision::check(ctx, &conv);
        }
    }
    p004_identical_preference::check(ctx);
}

fn translate(code: &str, issue: &schema::Issue<'_>) -> Vec<Finding> {
    match code {
        "P001" => p001_missing_preference_field::from_schema(issue),
        "P002" => p002_invalid_preferred_output::from_schema(issue),
        // An output's role is P002's business: an unknown role there is one finding, not two.
        "C005" if in_output(&issue.pointer) => Vec::new(),
        "C002" => chat::translate(code, issue)
            .into_iter()
            .map(|f| match &f.target {
                Target::Key(p) if p.0.len() == 1 => f.help(
                    "a preference example allows only `input`, `preferred_output` and `non_preferred_output`",
                ),
                Target::Key(_) => {
                    f.help("`input` allows only `messages`, `tools` and `parallel_tool_calls`")
                }
                _ => f,
            })
            .collect(),
        _ => chat::translate(code, issue),
    }
}

fn in_output(p: &Pointer) -> bool {
    matches!(p.0.first(), Some(Seg::Key(k)) if OUTPUTS.contains(&k.as_str()))
}
