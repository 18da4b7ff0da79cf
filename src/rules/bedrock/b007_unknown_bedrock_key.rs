//! ## What it checks
//! A key the Bedrock conversation format does not define: at the top level (besides
//! `schemaVersion`, `system`, `messages`, `toolConfig`), in a message (besides `role` and
//! `content`), in a content block and in the objects inside one (`image`, `source`,
//! `s3Location`, …). The finding spans the key.
//!
//! ## Why it matters
//! A warning, not an error: AWS's validator ignores unknown keys (its models keep pydantic's
//! default), and what the training service does with them is not documented. At best the
//! value is dropped, so what it holds is not trained on: an OpenAI-style `"type": "text"` left
//! in a block, a `name` on a message, `id` or `source` metadata. Keep metadata in a separate
//! file. A block that holds no Bedrock kind at all (`{"type": "image_url", …}`) is B004's.
//!
//! ## Example
//! ```jsonl
//! {"schemaVersion": "bedrock-conversation-2024", "id": "s-17", "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}, {"role": "assistant", "content": [{"text": "Hello!"}]}]}
//! ```
//!
//! ## Configuration
//! None.
use crate::diagnostic::{Finding, Target};
use crate::format::BEDROCK_BLOCK_KEYS;
use crate::json::Seg;
use crate::rules::schema::Issue;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};
use jsonschema::error::ValidationErrorKind;

pub static RULE: RuleDef = RuleDef {
    schema: Some(from_schema),
    ..RuleDef::new(RuleMeta {
        rule: Rule::B007,
        name: "unknown-bedrock-key",
        severity: Severity::Warning,
        summary: "A key the Bedrock conversation format does not define (ignored by AWS's validator)",
    })
};

pub fn from_schema(issue: &Issue<'_>) -> Vec<Finding> {
    let ValidationErrorKind::AdditionalProperties { unexpected } = issue.kind else {
        return Vec::new();
    };
    let segs = issue.pointer.0.as_slice();
    let is_block = matches!(segs, [Seg::Key(m), Seg::Index(_), Seg::Key(c), Seg::Index(_)]
        if m == "messages" && c == "content");
    if is_block
        && !BEDROCK_BLOCK_KEYS
            .iter()
            .any(|k| issue.instance.get(*k).is_some())
    {
        return Vec::new();
    }
    let place = match segs {
        [] => "at the top level".to_string(),
        _ => format!("in `{}`", issue.pointer.dotted()),
    };
    unexpected
        .iter()
        .map(|key| {
            let help = match (segs, key.as_str()) {
                ([], _) => "a record holds `schemaVersion`, `system`, `messages` and `toolConfig`; keep metadata in a separate file",
                ([_, _], _) => "a message holds `role` and `content` only",
                (_, "type") if is_block => "a Bedrock block has no `type`: its key (`text`, `image`, …) names its kind; drop `\"type\"`",
                (_, _) if is_block => "a content block holds exactly one of `text`, `image`, `video`, `document`, `reasoningContent`, `toolUse`, `toolResult`",
                (_, "bytes") => "fine-tuning reads media from S3 only: use `\"s3Location\": {\"uri\": \"s3://bucket/key\"}`",
                _ => "not part of the Bedrock conversation format; remove it",
            };
            Finding::new(
                &RULE.meta,
                Target::Key(issue.pointer.key(key)),
                format!("unknown key `{key}` {place}"),
            )
            .help(help)
        })
        .collect()
}
