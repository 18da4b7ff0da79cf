//! L — the legacy prompt/completion format (babbage-002, davinci-002): `{"prompt": "…",
//! "completion": "…"}`. The structure is `rules/schemas/completion.schema.json`; L003 is Rust.

pub mod l001_missing_prompt_or_completion;
pub mod l002_unknown_completion_key;
pub mod l003_completion_no_leading_space;

use super::chat::schema;
use super::{LineCtx, Rule};

pub const RULES: &[&Rule] = &[
    &l001_missing_prompt_or_completion::RULE,
    &l002_unknown_completion_key::RULE,
    &l003_completion_no_leading_space::RULE,
];

/// All legacy-format rules on one example.
pub fn check(ctx: &mut LineCtx<'_>) {
    let translate = |code: &str, issue: &schema::Issue<'_>| match code {
        "L001" => l001_missing_prompt_or_completion::from_schema(issue),
        "L002" => l002_unknown_completion_key::from_schema(issue),
        _ => Vec::new(),
    };
    for f in schema::findings(schema::Schema::Completion, ctx.value, translate) {
        ctx.report(f);
    }
    l003_completion_no_leading_space::check(ctx);
}
