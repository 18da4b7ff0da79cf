//! ## What it checks
//! More examples containing images than the target allows (OpenAI: 50,000). File-level.
//!
//! ## Why it matters
//! The job is rejected at validation, after the upload.
//!
//! ## Example
//! A vision dataset of 60,000 examples with `image_url` parts.
//!
//! ## Configuration
//! The limit comes from the target (`rules/targets/`).
use crate::format::Format;
use crate::rules::{DatasetRule, DatasetState, ExampleCtx, FileFacts, LineFacts, Note, StartCtx};
use serde_json::Value;
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&Check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::D007,
        name: "too-many-image-examples",
        severity: Severity::Error,
        summary: "Over the target's limit of examples with images",
    })
};

struct Check;

impl DatasetRule for Check {
    fn note(&self, ex: &ExampleCtx<'_>) -> Option<Note> {
        let has_image = |m: &Value| {
            m.get("content")
                .and_then(Value::as_array)
                .is_some_and(|parts| {
                    parts
                        .iter()
                        .any(|p| p.get("type").and_then(Value::as_str) == Some("image_url"))
                })
        };
        // The examples a service counts: images in the conversation a chat or reinforcement
        // example is, or in a preference example's input.
        let messages = match ex.format {
            Format::Chat | Format::Rft => ex.value.get("messages"),
            Format::Preference => ex.value.pointer("/input/messages"),
            // Gemini's image limits are per example and per model (the target's), not this one;
            // Bedrock images are S3 objects counted per sample by B008, not OpenAI `image_url`s.
            // The open-model trainers set no such limit.
            _ => None,
        };
        messages
            .and_then(Value::as_array)
            .is_some_and(|m| m.iter().any(has_image))
            .then_some(Note::Flag)
    }

    fn start(&self, _: &StartCtx<'_>) -> Box<dyn DatasetState> {
        Box::new(Count(0))
    }
}

/// Examples with images so far.
struct Count(u64);

impl DatasetState for Count {
    fn add(&mut self, _: &LineFacts, note: Option<Note>, _: &mut Vec<Diagnostic>) {
        if note.is_some() {
            self.0 += 1;
        }
    }

    fn finish(self: Box<Self>, file: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
        if self.0 > file.limits.max_image_examples {
            out.push(diagnostic(self.0, file.limits.max_image_examples));
        }
    }
}

pub fn diagnostic(count: u64, limit: u64) -> Diagnostic {
    Diagnostic::file_level(
        &RULE.meta,
        format!("{count} examples contain images; the target allows at most {limit}"),
    )
    .with_help("reduce the number of examples with images, or split the job")
}
