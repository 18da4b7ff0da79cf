//! ## What it checks
//! A file in a format the selected model cannot train on, although the target accepts the
//! format: prompt/completion data for `gpt-4o-mini-2024-07-18` (only `babbage-002` and
//! `davinci-002` train on it), chat data for `davinci-002`, reinforcement data for a model
//! that is not a reasoning model, preference data for a model without DPO. File-level.
//!
//! ## Why it matters
//! The job is refused when it is created, after the upload: the format and the model must
//! match. The message lists the target's models that do train on the file's format.
//!
//! ## Example
//! `ftlint check --model gpt-4o-mini-2024-07-18` on:
//! ```jsonl
//! {"prompt": "Translate: cheese", "completion": " fromage"}
//! ```
//!
//! ## Configuration
//! Each model's `formats` in the target (`ftlint target NAME`).
use crate::diagnostic::Diagnostic;
use crate::format::Format;
use crate::rules::{AtEnd, FileFacts};
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use crate::targets::{Date, Lifecycle, Model, Target};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&AtEnd(verdict)),
    ..RuleDef::new(RuleMeta {
        rule: Rule::T003,
        name: "format-not-for-model",
        severity: Severity::Error,
        summary: "The selected model cannot train on the file's format",
    })
};

fn verdict(file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(model), Some((format, first))) = (file.model, file.dominant) else {
        return;
    };
    // A format the target does not take at all is D008's to say.
    if !file.target.accepts(format) || model.trains_on(format) {
        return;
    }
    out.push(diagnostic(file.target, model, format, first, file.today));
}

pub fn diagnostic(
    target: &Target,
    model: &Model,
    format: Format,
    first: u64,
    today: Date,
) -> Diagnostic {
    let trains_on: Vec<String> = model
        .formats
        .iter()
        .flatten()
        .map(|f| format!("`{f}`"))
        .collect();
    let able: Vec<String> = target
        .models
        .iter()
        // Only models that can still be fine-tuned are worth suggesting.
        .filter(|m| m.trains_on(format) && !matches!(m.lifecycle(today), Lifecycle::Closed { .. }))
        .map(|m| format!("`{}`", m.name))
        .collect();
    let help = if able.is_empty() {
        format!("no model of target `{}` trains on `{format}` data; convert the file", target.name)
    } else {
        format!(
            "for `{format}` data choose {} with `--model`, or convert the file to {}",
            able.join(", "),
            trains_on.join(" or ")
        )
    };
    Diagnostic::file_level(
        &RULE.meta,
        format!(
            "`{}` cannot be fine-tuned on `{format}` data (the file's format, first at line {first}); it trains on {}",
            model.name,
            trains_on.join(", ")
        ),
    )
    .with_help(help)
}
