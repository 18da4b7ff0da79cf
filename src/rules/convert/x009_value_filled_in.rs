//! ## What it checks
//! `ftlint convert`: a value the output format requires and the input does not have, filled in
//! so that the record is valid. Bedrock's `toolSpec` requires a `description` (the tool's name
//! is used) and an `inputSchema.json` with a `type` (`"object"`, or the empty object schema of
//! `rules/convert/bedrock-conversation.toml` for a tool without parameters).
//!
//! ## Why it matters
//! The filled-in value is ftlint's, not yours: a tool's description is what the model reads to
//! decide when to call it, and a round trip gives the filled value back instead of nothing.
//!
//! ## Example
//! Converting with `--to bedrock-nova`:
//! ```jsonl
//! {"messages": [{"role": "user", "content": "Time?"}, {"role": "assistant", "content": "Noon."}], "tools": [{"type": "function", "function": {"name": "get_time"}}]}
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
        rule: Rule::X009,
        name: "value-filled-in",
        severity: Severity::Error,
        summary: "A value the output format requires and the input lacks, filled in",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    let LossKind::Filled { field, value } = ctx.kind() else {
        return;
    };
    out.push(
        ctx.finding(
            &RULE.meta,
            format!(
                "{} requires `{field}`, which this tool definition lacks; {}",
                ctx.dest(),
                ctx.outcome(&format!("it is filled in with {value}"))
            ),
        )
        .help(ctx.help("write the value in the input")),
    );
}
