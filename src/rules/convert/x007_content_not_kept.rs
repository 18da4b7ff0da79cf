//! ## What it checks
//! `ftlint convert`: a content part or block of a kind the output format has no counterpart
//! for, which is left out: OpenAI `input_audio`, `file` and `refusal` parts; Bedrock `video`,
//! `document` and `reasoningContent` blocks; Gemini media that are not images (video, audio,
//! PDF) and code-execution parts; anything but text in a system prompt.
//!
//! ## Why it matters
//! The rest of the turn stays, now without what it talked about (a recording, a document) or
//! without the reasoning the answer followed from.
//!
//! ## Example
//! Converting with `--to vertex-gemini`:
//! ```jsonl
//! {"messages": [{"role": "user", "content": [{"type": "text", "text": "Transcribe this."}, {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]}, {"role": "assistant", "content": "Hello world."}]}
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
        rule: Rule::X007,
        name: "content-not-kept",
        severity: Severity::Error,
        summary: "A content part or block the output format has no counterpart for; it is left out",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    let LossKind::Content { kind } = ctx.kind() else {
        return;
    };
    out.push(
        ctx.finding(
            &RULE.meta,
            format!(
                "this {kind} has no counterpart in {}; {}",
                ctx.dest(),
                ctx.outcome("it is left out")
            ),
        )
        .help(ctx.help("describe it in text if the example needs it, or leave the example out")),
    );
}
