//! ## What it checks
//! `ftlint convert`: a tool result that comes after the user's own text or image in one turn
//! (a Gemini `user` turn, a Bedrock `user` message). OpenAI-style chat gives each tool result a
//! message of its own, before the user's next message, so the result moves ahead of the
//! user's words.
//!
//! ## Why it matters
//! The model sees the turn in a different order than the original example gave it.
//!
//! ## Example
//! Converting a Gemini record with `--to openai`:
//! ```jsonl
//! {"contents": [{"role": "user", "parts": [{"text": "Weather in Oslo?"}]}, {"role": "model", "parts": [{"functionCall": {"name": "weather", "args": {"city": "Oslo"}}}]}, {"role": "user", "parts": [{"text": "Quickly!"}, {"functionResponse": {"name": "weather", "response": {"content": "3 °C"}}}]}, {"role": "model", "parts": [{"text": "3 °C in Oslo."}]}]}
//! ```
//!
//! ## Configuration
//! `--on-loss` (see the X family).
use super::LossCtx;
use crate::convert::LossKind;
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    convert: Some(word),
    ..RuleDef::new(RuleMeta {
        rule: Rule::X010,
        name: "tool-result-reordered",
        severity: Severity::Error,
        summary: "A tool result after the user's own words in one turn, moved ahead of them",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    if *ctx.kind() != LossKind::Reordered {
        return;
    }
    out.push(
        ctx.finding(
            &RULE.meta,
            format!(
                "a tool result after the user's own words in this turn: {} gives each result a message of its own before the user's; {}",
                ctx.dest(),
                ctx.outcome("the result moves ahead of them")
            ),
        )
        .help(ctx.help("put tool results first in the turn")),
    );
}
