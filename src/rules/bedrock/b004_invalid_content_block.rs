//! ## What it checks
//! The content of a Bedrock conversation record:
//! - each message's `content` is a non-empty list of content blocks (a string is not: wrap it),
//!   and `system` is a list of `{"text": "…"}` blocks;
//! - each block is an object holding exactly one of `text`, `image`, `video`, `document`,
//!   `reasoningContent`, `toolUse` and `toolResult`, with that member's documented shape: an
//!   image is `{"format": "png", "source": {"s3Location": {"uri": "s3://…"}}}` (formats `jpeg`,
//!   `png`, `gif`, `webp`), a video the same with `mov`, `mkv`, `mp4` or `webm`, a document with
//!   `pdf`; a reasoning block is `{"reasoningText": {"text": "…"}}` with non-empty text;
//! - media, documents and tool results only in user messages, tool calls and reasoning only in
//!   assistant messages;
//! - a message whose text blocks are all empty and that has no media or reasoning is reported.
//!
//! An OpenAI content part (`{"type": "image_url", …}`) holds no Bedrock block: the help shows
//! the Bedrock form. Unknown keys inside a block are B007's.
//!
//! ## Why it matters
//! AWS's validator rejects each of these (a media block in an assistant turn, an empty text,
//! an image format outside the list, a URI that is not `s3://…`). The Converse API defines a
//! content block as "a UNION, so only one of the following members can be specified"; AWS's
//! validator lets several through in one block, ftlint follows the API. Fine-tuning reads media
//! from S3 only: inline `bytes` are not accepted. Sources, read 2026-12-01:
//! docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html,
//! docs.aws.amazon.com/bedrock/latest/userguide/nova-2-sft-data-prep.html,
//! docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html and
//! aws-samples/amazon-nova-samples `nova_ft_dataset_validator.py`.
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": "What is in the picture?"}, {"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]}
//! ```
//!
//! ## Configuration
//! None. Which image and video formats a model takes (Nova 2.0 Lite: no `webp`, no `webm`) is
//! the target's business.
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::bedrock::{blocks, is_bedrock, messages};
use crate::rules::schema::{describe, one_of, Issue};
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::B004,
        name: "invalid-content-block",
        severity: Severity::Error,
        summary: "`content`/`system` not a non-empty list of valid blocks, each with exactly one kind allowed for its role",
    })
};

const BLOCK_FORMS: &str = "a content block holds one of `text`, `image`, `video`, `document`, `reasoningContent`, `toolUse`, `toolResult`, e.g. `{\"text\": \"…\"}`";
const S3_FORM: &str = "`\"source\": {\"s3Location\": {\"uri\": \"s3://bucket/key\"}}`";

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let value = Target::Value(issue.pointer.clone());
    let path = issue.path();
    let last = issue.pointer.last_key();
    let system_list = issue.pointer.0.len() == 1 && last == Some("system");
    let found = match (issue.kind, last) {
        // A string where the list of blocks belongs: the most common conversion slip.
        (ValidationErrorKind::Type { .. }, Some("content" | "system"))
            if issue.pointer.0.len() <= 3 && issue.instance.is_string() =>
        {
            let key = if system_list { "system" } else { "content" };
            Finding::new(
                &RULE.meta,
                value,
                format!("{path} is a string; expected a list of content blocks"),
            )
            .help(format!("wrap it: `\"{key}\": [{{\"text\": \"…\"}}]`"))
        }
        (ValidationErrorKind::Pattern { pattern }, Some("format")) => {
            let kind = parent_key(&issue.pointer).unwrap_or("media");
            Finding::new(
                &RULE.meta,
                value,
                format!(
                    "{path} is {}; expected {}",
                    describe(issue.instance),
                    one_of(&alternatives(pattern))
                ),
            )
            .help(format!(
                "convert the {kind} to one of these formats, and name it in lowercase as the examples do"
            ))
        }
        (ValidationErrorKind::Pattern { .. }, Some("uri")) => Finding::new(
            &RULE.meta,
            value,
            format!("{path} is {}, which is not an S3 URI", describe(issue.instance)),
        )
        .help("fine-tuning reads media from S3: `s3://bucket/key`, the key made of letters, digits, `_`, `-`, `/` and `.` (AWS's validator), in the dataset's bucket"),
        (ValidationErrorKind::Required { property }, Some("source"))
            if property.as_str() == Some("s3Location") =>
        {
            Finding::new(
                &RULE.meta,
                Target::ObjectStart(issue.pointer.clone()),
                format!("{path} has no `s3Location`"),
            )
            .help(format!(
                "fine-tuning reads media from S3 only (no inline `bytes`): {S3_FORM}"
            ))
        }
        (
            ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::OneOfMultipleValid { .. },
            _,
        ) => Finding::new(
            &RULE.meta,
            value,
            if issue.instance.get("text").is_some() && issue.instance.get("json").is_some() {
                format!("{path} holds both `text` and `json`")
            } else {
                format!("{path} holds neither `text` nor `json`")
            },
        )
        .help("a tool result's content item is `{\"text\": \"…\"}` or `{\"json\": {…}}`"),
        _ => {
            let help = help_at(&issue.pointer, issue.instance);
            return issue
                .generic(&RULE.meta)
                .into_iter()
                .map(|f| f.help(help))
                .collect();
        }
    };
    vec![found]
}

/// The help for a generic wording, by where the failing value is.
fn help_at(p: &Pointer, instance: &Value) -> &'static str {
    let keys: Vec<&str> = p
        .0
        .iter()
        .filter_map(|s| match s {
            crate::json::Seg::Key(k) => Some(k.as_str()),
            crate::json::Seg::Index(_) => None,
        })
        .collect();
    match keys.as_slice() {
        ["system", ..] => "`system` is a list of `{\"text\": \"…\"}` blocks",
        ["messages"] => "a message is `{\"role\": \"user\", \"content\": [{\"text\": \"…\"}]}`",
        ["messages", "content"] if instance.is_array() => {
            "a message needs at least one block, e.g. `[{\"text\": \"…\"}]`"
        }
        ["messages", "content"] => BLOCK_FORMS,
        ["messages", "content", "image" | "video" | "document", ..] => {
            "a media block is `{\"format\": \"png\", \"source\": {\"s3Location\": {\"uri\": \"s3://bucket/key\"}}}`"
        }
        ["messages", "content", "reasoningContent", ..] => {
            "a reasoning block is `{\"reasoningContent\": {\"reasoningText\": {\"text\": \"…\"}}}` with non-empty text"
        }
        ["messages", "content", "toolUse", ..] => {
            "a tool call is `{\"toolUse\": {\"toolUseId\": \"…\", \"name\": \"…\", \"input\": {…}}}`"
        }
        ["messages", "content", "toolResult", ..] => {
            "a tool result is `{\"toolResult\": {\"toolUseId\": \"…\", \"content\": [{\"text\": \"…\"}]}}`"
        }
        _ => "`text` is a string",
    }
}

/// `^(?i:jpeg|png)$` → `["jpeg", "png"]`: the formats a schema pattern allows, for the message.
fn alternatives(pattern: &str) -> Value {
    let inner = pattern
        .trim_start_matches('^')
        .trim_start_matches("(?i:")
        .trim_end_matches('$')
        .trim_end_matches(')');
    Value::Array(inner.split('|').map(|s| Value::from(s.to_owned())).collect())
}

/// The key before the last one: `image` for `…/image/format`.
fn parent_key(p: &Pointer) -> Option<&str> {
    p.parent()?;
    match p.0.get(p.0.len().checked_sub(2)?)? {
        crate::json::Seg::Key(k) => Some(k.as_str()),
        crate::json::Seg::Index(_) => None,
    }
}

/// Block kinds only a user message may carry, and what they are called in messages.
const USER_ONLY: [(&str, &str); 4] = [
    ("image", "images"),
    ("video", "videos"),
    ("document", "documents"),
    ("toolResult", "tool results"),
];
/// Block kinds only an assistant message may carry.
const ASSISTANT_ONLY: [(&str, &str); 2] = [("toolUse", "tool calls"), ("reasoningContent", "reasoning")];

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    if !is_bedrock(ex) {
        return;
    }
    for b in blocks(ex.value) {
        let kinds = b.kinds();
        match kinds.as_slice() {
            [] => {
                let openai = b.block.contains_key("type");
                let help = if openai {
                    "this is an OpenAI content part; a Bedrock block has no `type`: write `{\"text\": \"…\"}`, or `{\"image\": {\"format\": \"png\", \"source\": {\"s3Location\": {\"uri\": \"s3://bucket/key\"}}}}` for an image"
                } else {
                    BLOCK_FORMS
                };
                let keys: Vec<String> = b.block.keys().map(|k| format!("`{k}`")).collect();
                let holds = if keys.is_empty() {
                    "is an empty object".to_string()
                } else {
                    format!("holds no content block (keys {})", keys.join(", "))
                };
                out.push(
                    Finding::new(
                        &RULE.meta,
                        Target::Value(b.pointer()),
                        format!("`{}` {holds}", b.pointer().dotted()),
                    )
                    .help(help),
                );
            }
            [first, rest @ ..] if !rest.is_empty() => {
                let names: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
                out.push(
                    Finding::new(
                        &RULE.meta,
                        Target::Key(b.pointer().key(rest[0])),
                        format!(
                            "`{}` holds {}; a content block holds exactly one",
                            b.pointer().dotted(),
                            join_and(&names)
                        ),
                    )
                    .help(format!(
                        "split it into one block per kind, e.g. `[{{\"{first}\": …}}, {{\"{}\": …}}]`",
                        rest[0]
                    )),
                );
            }
            _ => {}
        }
        // Where each kind may appear, for every kind the block holds.
        for kind in kinds {
            let (role, allowed, what) = match (b.role, kind) {
                (Some("assistant"), k) => match USER_ONLY.iter().find(|(u, _)| *u == k) {
                    Some((_, what)) => ("an assistant", "user", *what),
                    None => continue,
                },
                (Some("user"), k) => match ASSISTANT_ONLY.iter().find(|(a, _)| *a == k) {
                    Some((_, what)) => ("a user", "assistant", *what),
                    None => continue,
                },
                _ => continue,
            };
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Key(b.pointer().key(kind)),
                    format!("`{kind}` block in {role} message (`messages[{}]`)", b.message),
                )
                .help(format!("only {allowed} messages carry {what}")),
            );
        }
    }
    for (i, m) in messages(ex.value) {
        let Some(content) = m.get("content").and_then(Value::as_array) else {
            continue;
        };
        if only_empty_text(content) {
            let p = Pointer::root().key("messages").index(i).key("content");
            out.push(
                Finding::new(
                    &RULE.meta,
                    Target::Value(p.clone()),
                    format!("`{}` has only empty text", p.dotted()),
                )
                .help("write the text of this turn, or drop the turn (and its pair)"),
            );
        }
    }
}

/// AWS's validator's rule: text blocks whose total length is 0, and no image, video,
/// document or reasoning block beside them.
fn only_empty_text(content: &[Value]) -> bool {
    let mut has_text = false;
    for b in content {
        match b.get("text") {
            Some(Value::String(s)) if !s.is_empty() => return false,
            Some(Value::String(_)) => has_text = true,
            _ => {}
        }
        if ["image", "video", "document", "reasoningContent"]
            .iter()
            .any(|k| b.get(*k).is_some())
        {
            return false;
        }
    }
    has_text
}

fn join_and(names: &[String]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_of_a_format_pattern() {
        assert_eq!(
            one_of(&alternatives("^(?i:jpeg|png|gif|webp)$")),
            "`jpeg`, `png`, `gif` or `webp`"
        );
        assert_eq!(one_of(&alternatives("^(?i:pdf)$")), "`pdf`");
    }

    #[test]
    fn empty_text_as_the_validator_counts_it() {
        let v = |s: &str| -> Vec<Value> { serde_json::from_str(s).unwrap() };
        assert!(only_empty_text(&v(r#"[{"text": ""}]"#)));
        assert!(only_empty_text(&v(r#"[{"text": ""}, {"text": ""}]"#)));
        assert!(!only_empty_text(&v(r#"[{"text": " "}]"#)));
        assert!(!only_empty_text(&v(r#"[{"text": ""}, {"image": {}}]"#)));
        assert!(!only_empty_text(&v(r#"[{"reasoningContent": {}}, {"text": ""}]"#)));
        assert!(!only_empty_text(&v(r#"[{"toolUse": {}}]"#)));
    }
}
