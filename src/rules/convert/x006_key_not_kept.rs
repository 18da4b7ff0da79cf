//! ## What it checks
//! `ftlint convert`: a key the output format has no place for, whose value is left out. From
//! OpenAI chat to Gemini or Bedrock: a message's `name`, an image's `detail`, a tool's `strict`,
//! `parallel_tool_calls`, a `refusal`. From Gemini: `generationConfig`, `videoMetadata`, tools
//! other than function declarations (search, retrieval, code execution). From Bedrock: a tool
//! result's `status: "error"`, `toolChoice`. From any format: a key the format does not define.
//!
//! ## Why it matters
//! A name tells speakers apart, `status: "error"` says a tool call failed, a system of search
//! tools changes what the model may do: dropping them changes what the example teaches, so
//! each one is named.
//!
//! ## Example
//! Converting with `--to vertex-gemini`:
//! ```jsonl
//! {"messages": [{"role": "user", "name": "alice", "content": "Hi"}, {"role": "assistant", "content": "Hello, Alice."}]}
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
        rule: Rule::X006,
        name: "key-not-kept",
        severity: Severity::Error,
        summary: "A key the output format has no place for; its value is left out",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    let LossKind::Key { key } = ctx.kind() else {
        return;
    };
    let why = match key.as_str() {
        "name" => "the speaker's name is lost; write it into the text if it matters",
        "detail" => "the image is sent at the target's own resolution",
        "status" => "the result no longer says the call failed; say so in the result's text",
        "strict" => "the target does not enforce the schema strictly",
        _ => "remove the key if it does not matter",
    };
    out.push(
        ctx.finding(
            &RULE.meta,
            format!(
                "`{key}` has no counterpart in {}; {}",
                ctx.dest(),
                ctx.outcome("it is left out")
            ),
        )
        .help(ctx.help(why)),
    );
}
