//! ## What it checks
//! A key a Gemini tuning example does not have:
//! - at the top level, anything but `contents`, `systemInstruction`, `tools` and
//!   `generationConfig` — the help names what the key is from (`messages` is OpenAI chat,
//!   `prompt`/`completion` the legacy format, `safetySettings` a request setting);
//! - in a turn (`contents[i]`), anything but `role` and `parts` (`content`, `text`, `from`);
//! - in `generationConfig`, anything but `mediaResolution` (sampling settings such as
//!   `temperature` are request settings, not training data);
//! - one field given in both spellings the service accepts (`systemInstruction` and
//!   `system_instruction` on one line).
//!
//! ## Why it matters
//! The example is parsed as the API's `Content` messages; a key that is not a field of them is
//! refused, and a field given twice is ambiguous. Most unknown keys come from converting data
//! of another format halfway, or from metadata (`id`, `source`) that belongs in a separate file.
//!
//! Sources: cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare
//! (the fields of an example), …/tune_gemini/image_tune (`mediaResolution`), taken 2026-12-01;
//! see `rules/schemas/gemini.schema.json`.
//!
//! ## Example
//! ```jsonl
//! {"id": "ex-17", "contents": [{"role": "user", "parts": [{"text": "2+2?"}]}, {"role": "model", "parts": [{"text": "4"}]}]}
//! {"contents": [{"role": "user", "content": "2+2?"}, {"role": "model", "parts": [{"text": "4"}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::gemini::{Name, SYSTEM_INSTRUCTION};
use crate::json::Pointer;
use crate::rules::schema::Issue;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use jsonschema::error::ValidationErrorKind;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::G002,
        name: "unknown-gemini-key",
        severity: Severity::Error,
        summary: "A key a Gemini example, turn or `generationConfig` does not have",
    })
};

/// The top-level fields that may be spelt two ways and so be given twice.
const TWO_SPELLINGS: [Name; 2] = [
    SYSTEM_INSTRUCTION,
    Name {
        camel: "generationConfig",
        snake: "generation_config",
    },
];

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    if issue.keyword == "not" && issue.pointer.0.is_empty() {
        return both_spellings(issue);
    }
    let top = issue.pointer.0.is_empty();
    let in_config = matches!(
        issue.pointer.last_key(),
        Some("generationConfig" | "generation_config")
    );
    issue
        .generic(&RULE.meta)
        .into_iter()
        .map(|mut f| {
            let ValidationErrorKind::AdditionalProperties { .. } = issue.kind else {
                return f.help("`generationConfig` is an object holding `mediaResolution`");
            };
            let key = match &f.target {
                Target::Key(p) => p.last_key().unwrap_or("").to_owned(),
                _ => String::new(),
            };
            if top {
                f.message = f.message.replace(" in the line", " at the top level");
                f.help(top_level_help(&key))
            } else if in_config {
                f.help("sampling settings are request settings, not training data; in tuning data `generationConfig` holds only `mediaResolution`")
            } else {
                f.help(turn_help(&key))
            }
        })
        .collect()
}

fn top_level_help(key: &str) -> String {
    match key {
        "messages" => "`messages` is OpenAI's chat format (or the retired `messages` format of gemini-1.0-pro-002); Gemini tuning data holds its turns in `contents`, with `model` for the assistant and the text in `parts`".into(),
        "prompt" | "completion" => "`prompt` and `completion` are not Gemini fields: put the prompt in a `user` turn and the completion in the closing `model` turn of `contents`".into(),
        "input" | "preferred_output" | "non_preferred_output" => "this is OpenAI preference (DPO) data, not Gemini supervised tuning data".into(),
        "system" | "system_prompt" | "systemPrompt" => r#"a system prompt goes in `systemInstruction`: `{"parts": [{"text": "…"}]}`"#.into(),
        "safetySettings" | "safety_settings" | "toolConfig" | "tool_config" | "cachedContent"
        | "cached_content" | "labels" | "model" => format!(
            "`{key}` is a request setting, not training data; a tuning example holds `contents`, `systemInstruction`, `tools` and `generationConfig`"
        ),
        _ => "a Gemini example allows only `contents`, `systemInstruction`, `tools` and `generationConfig`; keep metadata (ids, sources) in a separate file".into(),
    }
}

fn turn_help(key: &str) -> &'static str {
    match key {
        "content" | "text" | "value" => {
            r#"a turn's text goes in `parts`: `"parts": [{"text": "…"}]`"#
        }
        "from" | "author" | "speaker" => "the speaker of a turn is its `role` (`user` or `model`)",
        _ => "a turn has only `role` and `parts`",
    }
}

/// One finding per field given in both spellings, at the snake_case key.
fn both_spellings(issue: &Issue<'_>) -> Vec<Finding> {
    TWO_SPELLINGS
        .iter()
        .filter(|n| issue.root.get(n.camel).is_some() && issue.root.get(n.snake).is_some())
        .map(|n| {
            Finding::new(
                &RULE.meta,
                Target::Key(Pointer::root().key(n.snake)),
                format!(
                    "`{}` and `{}` are the same field, given twice",
                    n.camel, n.snake
                ),
            )
            .help(format!("keep one of them (`{}` is the usual spelling)", n.camel))
        })
        .collect()
}
