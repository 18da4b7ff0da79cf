//! ## What it checks
//! The `parts` of a turn and each part in them:
//! - `parts` missing, not an array, or empty;
//! - a part that is not an object, or does not hold exactly one data field — `text`,
//!   `fileData`, `functionCall` or `functionResponse` (an OpenAI-style
//!   `{"type": "text", "text": …}` part is named as such);
//! - `text` that is not a string; `fileData` without `mimeType` or `fileUri`, or with a
//!   `fileUri` that is neither a Cloud Storage (`gs://`) nor an HTTP(S) URL; `inlineData`
//!   (tuning data references media by URI); a `functionCall` without `name` or with `args`
//!   that are not an object; a `functionResponse` without `name` or `response`; an unknown
//!   key in a part;
//! - a `functionCall` in a `user` turn or a `functionResponse` in a `model` turn.
//!
//! ## Why it matters
//! Each part is one value of the API's `Part.data` union, so a part with no data field or with
//! two is refused, and so is a local path where the service reads media from Cloud Storage or
//! a public URL. A function call is what the model predicts and its response what the model
//! reads: swapped, the example teaches the model to answer its own calls. Which part kinds a
//! model may be tuned on (function calls, images, audio) depends on the model (the target's
//! limits); this rule checks the shape every model shares.
//!
//! Sources (taken 2026-12-01): cloud.google.com/vertex-ai/generative-ai/docs/models/
//! gemini-supervised-tuning-prepare (parts), …/tune-function-calling (function parts),
//! …/tune_gemini/image_tune ("a Cloud Storage bucket, or … a publicly available HTTP or HTTPS
//! URL"), …/reference/rest/v1/Content (the `data` union); see
//! `rules/schemas/gemini.schema.json`.
//!
//! ## Example
//! ```jsonl
//! {"contents": [{"role": "user", "parts": [{"type": "text", "text": "Describe it."}, {"fileData": {"mimeType": "image/png", "fileUri": "/home/me/cat.png"}}]}, {"role": "model", "parts": [{"text": "A cat."}]}]}
//! {"contents": [{"role": "user", "parts": [{"text": "Weather in Oslo?", "functionCall": {"name": "weather"}}]}, {"role": "model", "parts": []}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::gemini::{data_keys, turns, FUNCTION_CALL, FUNCTION_RESPONSE};
use crate::json::Seg;
use crate::rules::schema::Issue;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use jsonschema::error::ValidationErrorKind as Kind;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::G004,
        name: "invalid-part",
        severity: Severity::Error,
        summary: "A part that is not exactly one valid data field, or a function part in the wrong turn",
    })
};

const ONE_OF: &str = "`text`, `fileData`, `functionCall` or `functionResponse`";
const PART: &str = r#"a part holds one data field: `{"text": "…"}`, `{"fileData": {"mimeType": "…", "fileUri": "gs://…"}}`, `{"functionCall": {…}}` or `{"functionResponse": {…}}`"#;
const OPENAI: &str = r#"this is an OpenAI content part; a Gemini part has no `type`: `{"text": "…"}`, or `{"fileData": {"mimeType": "image/png", "fileUri": "gs://…"}}` for an image"#;

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let path = issue.path();
    // The value the failing keyword is about: the part, or a field of it.
    let field = issue.pointer.last_key();
    let in_file_data = issue
        .pointer
        .0
        .iter()
        .any(|s| matches!(s, Seg::Key(k) if k == "fileData" || k == "file_data"));
    match issue.kind {
        Kind::OneOfNotValid { .. } => {
            let openai = issue.instance.get("type").is_some();
            vec![Finding::new(
                &RULE.meta,
                Target::ObjectStart(issue.pointer.clone()),
                format!("{path} has no data field; expected one of {ONE_OF}"),
            )
            .help(if openai { OPENAI } else { PART })]
        }
        Kind::OneOfMultipleValid { .. } => {
            let keys = data_keys(issue.instance);
            let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            vec![Finding::new(
                &RULE.meta,
                Target::ObjectStart(issue.pointer.clone()),
                format!(
                    "{path} has {} data fields ({}); a part holds exactly one",
                    keys.len(),
                    list.join(", ")
                ),
            )
            .help("split them into one part each, in the order they are read")]
        }
        Kind::Not { .. } => vec![Finding::new(
            &RULE.meta,
            Target::Key(issue.pointer.clone()),
            format!("{path}: inline bytes are not accepted in tuning data"),
        )
        .help(r#"upload the file to Cloud Storage and reference it: `{"fileData": {"mimeType": "…", "fileUri": "gs://…"}}`"#)],
        Kind::Pattern { .. } => vec![Finding::new(
            &RULE.meta,
            Target::Value(issue.pointer.clone()),
            format!(
                "{path} is {}, not a Cloud Storage (`gs://`) or HTTP(S) URL",
                crate::rules::schema::describe(issue.instance)
            ),
        )
        .help("tuning reads media from a Cloud Storage bucket or a publicly available HTTP or HTTPS URL; upload the file and use its `gs://` URI")],
        _ => {
            let help = match (issue.kind, field) {
                (Kind::AdditionalProperties { unexpected }, _)
                    if unexpected.iter().any(|k| k == "type" || k == "image_url") =>
                {
                    OPENAI
                }
                (Kind::Required { .. }, None)
                    if issue.pointer.0.len() == 2 =>
                {
                    r#"a turn's content is a list of parts: `"parts": [{"text": "…"}]`"#
                }
                (Kind::Type { .. }, Some("text")) => "`text` holds the part's text as a string",
                (Kind::Type { .. } | Kind::MinItems { .. }, Some("parts")) => {
                    r#"a turn's content is a non-empty list of parts: `"parts": [{"text": "…"}]`"#
                }
                _ if in_file_data => {
                    r#"`fileData` is `{"mimeType": "image/png", "fileUri": "gs://bucket/file.png"}`"#
                }
                _ if field.is_some_and(|k| k == FUNCTION_CALL.camel || k == FUNCTION_CALL.snake) => {
                    r#"a function call is `{"name": "…", "args": {…}}`"#
                }
                _ if field.is_some_and(|k| {
                    k == FUNCTION_RESPONSE.camel || k == FUNCTION_RESPONSE.snake
                }) =>
                {
                    r#"a function response is `{"name": "…", "response": {…}}`"#
                }
                _ => PART,
            };
            issue
                .generic(&RULE.meta)
                .into_iter()
                .map(|f| f.help(help))
                .collect()
        }
    }
}

/// Function parts in the wrong turn: a call is the model's, a response is read by it.
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if ex.format != crate::format::Format::Gemini {
        return;
    }
    for turn in turns(ex.value) {
        let (wrong, belongs) = match turn.role {
            Some("user") => (FUNCTION_CALL, "model"),
            Some("model") => (FUNCTION_RESPONSE, "user"),
            _ => continue,
        };
        for (j, part) in turn.parts.iter().enumerate() {
            let Some((key, _)) = wrong.get(part) else {
                continue;
            };
            let at = turn.pointer.key("parts").index(j);
            let role = turn.role.unwrap_or_default();
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Key(at.key(key)),
                    format!(
                        "`{}` is a `{key}` in a `{role}` turn; it belongs in a `{belongs}` turn",
                        at.dotted()
                    ),
                )
                .help("the model makes function calls (`model` turn) and reads their results (`functionResponse` in the `user` turn after)"),
            );
        }
    }
}
