//! ## What it checks
//! `ftlint convert`: texts joined into one string, separated by a newline, where the output
//! holds one string per turn — ShareGPT's `value`, Alpaca's `instruction`, `output` and history
//! answers: a message's several text parts, two messages of one side in a row, a second system
//! message, the results of parallel tool calls in one `observation` turn.
//!
//! ## Why it matters
//! The words stay, in order, but the boundary between them is now a newline the model is
//! trained on, and a round trip gives one message (or one text) back where there were several.
//! Two assistant messages in a row become one answer the model learns to give whole.
//!
//! ## Example
//! Converting with `--to alpaca`:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Are you there?"}, {"role": "assistant", "content": "Yes."}]}
//! ```
//!
//! ## Configuration
//! `--on-loss` (see the X family). The separator is data (`join` in
//! `rules/convert/sharegpt.toml` and `rules/convert/alpaca.toml`).
use super::LossCtx;
use crate::convert::LossKind;
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    convert: Some(word),
    ..RuleDef::new(RuleMeta {
        rule: Rule::X011,
        name: "texts-joined",
        severity: Severity::Error,
        summary: "Texts joined into one string where the output holds one string per turn",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    let LossKind::TextsJoined = ctx.kind() else {
        return;
    };
    let dest = ctx.dest();
    out.push(
        ctx.finding(
            &RULE.meta,
            format!(
                "a text that {dest} cannot keep apart from the one before it (one string per turn); {}",
                ctx.outcome("it is joined to it after a newline")
            ),
        )
        .help(ctx.help(
            "merge the texts yourself as you want them read, or put the missing turn between them",
        )),
    );
}
