//! ## What it checks
//! `ftlint convert`: an assistant message with `"weight": 0`, converted to a format that has no
//! per-message weight (Gemini, Bedrock conversation records).
//!
//! ## Why it matters
//! `weight: 0` tells OpenAI-style trainers to show the message to the model without training on
//! it — typically a weak earlier answer in a multi-turn example. Gemini and Bedrock train on
//! every model turn, so the converted example teaches the answer you had switched off. (A
//! `weight` of `1` is what every message without one means, and is left out without a
//! finding.)
//!
//! ## Example
//! Converting with `--to bedrock-nova`:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "5", "weight": 0}, {"role": "user", "content": "Sure?"}, {"role": "assistant", "content": "4."}]}
//! ```
//!
//! ## Configuration
//! `--on-loss` (see the X family): `drop-example` leaves such examples out instead.
use super::LossCtx;
use crate::convert::LossKind;
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    convert: Some(word),
    ..RuleDef::new(RuleMeta {
        rule: Rule::X002,
        name: "weight-not-kept",
        severity: Severity::Error,
        summary: "`weight: 0` on an assistant message, for a format without per-message weights",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    if *ctx.kind() != LossKind::Weight {
        return;
    }
    out.push(
        ctx.finding(
            &RULE.meta,
            format!(
                "weight 0 on an assistant message: {} has no per-message weight; {}",
                ctx.dest(),
                ctx.outcome("the message is kept and will be trained on")
            ),
        )
        .help(ctx.help("remove the message (or its example) if it must not be trained on")),
    );
}
