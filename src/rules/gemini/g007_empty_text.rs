//! ## What it checks
//! A `text` part that is empty or whitespace only, in a turn of `contents` or in the
//! `systemInstruction`.
//!
//! ## Why it matters
//! A blank part in a `model` turn teaches the model to answer with nothing; in a `user` turn or
//! the system instruction it adds nothing the model can read, and usually means an export step
//! lost the text. The Gemini endpoint refuses blank input ("Model input cannot be empty").
//!
//! Source (taken 2026-12-01): github.com/envoyproxy/ai-gateway/pull/2686 (the endpoint's
//! error for an empty text part, secondary).
//!
//! ## Example
//! ```jsonl
//! {"contents": [{"role": "user", "parts": [{"text": "2+2?"}]}, {"role": "model", "parts": [{"text": "  "}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::format::Format;
use crate::gemini::{part_text, system_parts, turns};
use crate::json::Pointer;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::G007,
        name: "empty-text",
        severity: Severity::Warning,
        summary: "A blank `text` part in a turn or the system instruction",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != Format::Gemini {
        return;
    }
    if let Some((key, parts)) = system_parts(ex.value) {
        let base = Pointer::root().key(key).key("parts");
        for (j, part) in parts.iter().enumerate() {
            if part_text(part).is_some_and(blank) {
                let p = base.index(j).key("text");
                out.push(
                    Finding::new(
                        &RULE.meta,
                        Target::Value(p.clone()),
                        format!("`{}` is blank", p.dotted()),
                    )
                    .help("fill in the instruction, or remove the part"),
                );
            }
        }
    }
    for turn in turns(ex.value) {
        for (j, part) in turn.parts.iter().enumerate() {
            if !part_text(part).is_some_and(blank) {
                continue;
            }
            let p = turn.pointer.key("parts").index(j).key("text");
            let (role, what) = match turn.role {
                Some("model") => ("model", "the model would learn to answer with nothing"),
                Some(r) => (r, "it adds nothing the model can read"),
                None => ("this", "it adds nothing the model can read"),
            };
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Value(p.clone()),
                    format!("`{}` (`{role}` turn) is blank; {what}", p.dotted()),
                )
                .help("fill in the text, or remove the part"),
            );
        }
    }
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}
