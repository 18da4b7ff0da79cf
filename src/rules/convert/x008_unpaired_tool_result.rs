//! ## What it checks
//! `ftlint convert`: a tool result that answers no call, for a format whose results must answer
//! one: an OpenAI `tool` message whose `tool_call_id` matches no earlier call (C013), a legacy
//! `function` message with no `function_call` of its name before it, a Gemini
//! `functionResponse` with no id and no call of its name before it. OpenAI chat and Bedrock
//! pair results with calls by id; Gemini needs the function's name, which only the call says.
//! The result is left out.
//!
//! ## Why it matters
//! The assistant's next turn reads the result; without it, that turn answers from nowhere.
//!
//! ## Example
//! Converting with `--to together` (which takes no `function` role), a function result with no
//! call before it:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Weather?"}, {"role": "function", "name": "get_weather", "content": "{\"temp\": 21}"}, {"role": "assistant", "content": "21 °C."}]}
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
        rule: Rule::X008,
        name: "unpaired-tool-result",
        severity: Severity::Error,
        summary: "A tool result that answers no call, where results must answer one; it is left out",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    if *ctx.kind() != LossKind::UnpairedResult {
        return;
    }
    out.push(
        ctx.finding(
            &RULE.meta,
            format!(
                "a tool result that answers no earlier call: {} pairs each result with its call; {}",
                ctx.dest(),
                ctx.outcome("the result is left out")
            ),
        )
        .help(ctx.help("add the assistant's call before it, or give it the id of the call it answers")),
    );
}
