//! ## What it checks
//! `ftlint convert`: a line that cannot be converted at all — not UTF-8, not JSON, not an
//! object, of a format the target has no counterpart for (a preference pair for Gemini, a
//! prompt/completion pair for a chat-only target), or not well-formed enough to read (no
//! `messages`, a message without a role, tool-call arguments that are not a JSON object, a role
//! no other format has). The line is left out of the output.
//!
//! ## Why it matters
//! A converter that skips what it cannot read hands you a smaller dataset than you think. The
//! line is named so you can fix it (`ftlint check` on the input says exactly what is wrong) or
//! leave it out knowingly.
//!
//! ## Example
//! Converting with `--to vertex-gemini`, a DPO pair, which Gemini supervised tuning cannot hold:
//! ```jsonl
//! {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello!"}], "non_preferred_output": [{"role": "assistant", "content": "What?"}]}
//! ```
//!
//! ## Configuration
//! An error with `--on-loss error` (the default) and `warn`, since the example is gone either
//! way; a warning with `--on-loss drop-example`, which asks for exactly that.
use super::LossCtx;
use crate::convert::{LossKind, Unconvertible};
use crate::diagnostic::Finding;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    convert: Some(word),
    ..RuleDef::new(RuleMeta {
        rule: Rule::X001,
        name: "unconvertible-example",
        severity: Severity::Error,
        summary: "A line that cannot be converted at all; it is left out of the output",
    })
};

fn word(ctx: &LossCtx<'_>, out: &mut Vec<Finding>) {
    let LossKind::Unconvertible(why) = ctx.kind() else {
        return;
    };
    let (message, help) = match why {
        Unconvertible::NotUtf8 => (
            "this line is not valid UTF-8; it cannot be converted".to_owned(),
            "`ftlint check` shows the first bad byte".to_owned(),
        ),
        Unconvertible::NotJson(e) => (
            format!("this line is not valid JSON ({e}); it cannot be converted"),
            "`ftlint check` shows where the JSON breaks".to_owned(),
        ),
        Unconvertible::NotObject => (
            "this line is not a JSON object; it cannot be converted".to_owned(),
            "each line of a dataset is one example, a JSON object".to_owned(),
        ),
        Unconvertible::NoFormat { from, to: Some(to) } => (
            format!("a `{from}` example cannot be written as `{to}`"),
            format!("convert to `{}` without `:{to}` to keep its format, or leave such examples out", ctx.target.name),
        ),
        Unconvertible::NoFormat { from, to: None } => {
            let takers: Vec<String> = crate::targets::Target::builtins()
                .iter()
                .filter(|t| t.accepts(*from))
                .map(|t| format!("`{}`", t.name))
                .collect();
            (
                format!(
                    "a `{from}` example has no counterpart among the formats {} takes ({})",
                    ctx.dest(),
                    ctx.target
                        .formats
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                if takers.is_empty() {
                    "leave such examples out of this dataset".to_owned()
                } else {
                    format!(
                        "`{from}` examples go to {}; leave them out of this dataset",
                        takers.join(", ")
                    )
                },
            )
        }
        Unconvertible::Malformed(what) => (
            format!("this example cannot be converted: {what}"),
            "`ftlint check` on the input says what is wrong with it".to_owned(),
        ),
    };
    out.push(
        ctx.finding(&RULE.meta, message)
            .help(format!("{help}; the line is left out of the output")),
    );
}
