//! ## What it checks
//! A content part fine-tuning does not accept: `input_audio` and `file` parts anywhere, and
//! `image_url` parts in `assistant` messages (images are input only). The finding points at the
//! part's `type`.
//!
//! ## Why it matters
//! The chat API accepts these parts at inference time, so exports from it contain them; the
//! fine-tuning service rejects the file. An assistant message cannot be trained to output an
//! image.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "UklGR…", "format": "wav"}}]}, {"role": "assistant", "content": "A dog barking."}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::vision;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C018,
        name: "unsupported-content-part",
        severity: Severity::Error,
        summary: "A content part fine-tuning does not accept (audio, file), or an image in an assistant message",
    })
};

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    for (_, conv) in ex.conversations() {
        for (i, p, part) in conv.parts() {
            match vision::part_type(part) {
                Some(kind @ ("input_audio" | "file")) => out.push(unsupported(p.key("type"), kind)),
                Some("image_url") if conv.roles[i] == Some("assistant") => {
                    out.push(image_in_assistant(p.key("type")));
                }
                _ => {}
            }
        }
    }
}

/// `type` is the pointer of the part's `type` value; `kind` is `input_audio` or `file`.
pub fn unsupported(type_pointer: Pointer, kind: &str) -> Finding {
    let what = if kind == "file" { "file" } else { "audio" };
    Finding::new(
        &RULE.meta,
        Target::Value(type_pointer.clone()),
        format!(
            "`{}` is `{kind}`; fine-tuning does not accept {what} parts",
            type_pointer.dotted()
        ),
    )
    .help("remove the part, or replace it with its text (a transcript, the file's contents)")
}

pub fn image_in_assistant(type_pointer: Pointer) -> Finding {
    Finding::new(
        &RULE.meta,
        Target::Value(type_pointer.clone()),
        format!(
            "`{}` is an image in an `assistant` message; images are accepted only in input messages",
            type_pointer.dotted()
        ),
    )
    .help("move the image to a `user` message, or describe it in text")
}
