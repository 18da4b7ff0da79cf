//! Fine-tuning data formats and their auto-detection from a line's top-level keys.

use serde_json::{Map, Value};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Supervised chat: `{"messages": [...]}`.
    Chat,
    /// Legacy prompt/completion (babbage-002, davinci-002).
    Completion,
    /// Direct preference optimisation: `input`, `preferred_output`, `non_preferred_output`.
    Preference,
    /// Reinforcement fine-tuning: chat-like lines plus grader fields. Never auto-detected.
    Rft,
    /// Amazon Bedrock's conversation record (`schemaVersion` `bedrock-conversation-2024`, used
    /// to fine-tune Amazon Nova): `system` and `messages` of content blocks.
    #[serde(rename = "bedrock-conversation")]
    #[value(name = "bedrock-conversation")]
    BedrockConversation,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Chat => "chat",
            Format::Completion => "completion",
            Format::Preference => "preference",
            Format::Rft => "rft",
            Format::BedrockConversation => "bedrock-conversation",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--format`: auto-detect per line, or force one format for every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormatChoice {
    #[default]
    Auto,
    Fixed(Format),
}

/// Which format a line looks like, from its keys alone (values are the rules' business).
/// `None` when no format's signature key is present; such a line is checked as chat, the
/// default, so the user hears which key is missing.
pub fn detect(obj: &Map<String, Value>) -> Option<Format> {
    if is_bedrock(obj) {
        return Some(Format::BedrockConversation);
    }
    // The outputs are preference's alone; `input` is too, unless `messages` says chat (a chat
    // line with a stray `input` key is a C002, not a different format).
    if obj.contains_key("preferred_output") || obj.contains_key("non_preferred_output") {
        Some(Format::Preference)
    } else if obj.contains_key("messages") {
        Some(Format::Chat)
    } else if obj.contains_key("prompt") || obj.contains_key("completion") {
        Some(Format::Completion)
    } else if obj.contains_key("input") {
        Some(Format::Preference)
    } else {
        None
    }
}

/// A Bedrock conversation record, by a key or a shape no OpenAI format has: `schemaVersion` or
/// `toolConfig`; a `system` list (OpenAI puts the system prompt in a message); or a message whose `content` list holds a Bedrock block — an object with a block
/// key (`text`, `image`, …) and no `type` (every OpenAI content part has a `type`). A chat
/// line whose parts all carry `type` stays chat, whatever else is wrong with it.
fn is_bedrock(obj: &Map<String, Value>) -> bool {
    if obj.contains_key("schemaVersion")
        || obj.contains_key("toolConfig")
        || obj.get("system").is_some_and(Value::is_array)
    {
        return true;
    }
    let Some(messages) = obj.get("messages") else {
        return false;
    };
    messages
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("content")?.as_array())
        .flatten()
        .filter_map(Value::as_object)
        .any(|block| {
            !block.contains_key("type") && BEDROCK_BLOCK_KEYS.iter().any(|k| block.contains_key(*k))
        })
}

/// The keys of a Bedrock content block (the Converse API's `ContentBlock` members that
/// fine-tuning documents).
pub const BEDROCK_BLOCK_KEYS: [&str; 7] = [
    "text",
    "image",
    "video",
    "document",
    "reasoningContent",
    "toolUse",
    "toolResult",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Format> {
        detect(
            serde_json::from_str::<Value>(s)
                .unwrap()
                .as_object()
                .unwrap(),
        )
    }

    #[test]
    fn detects_by_signature_keys() {
        assert_eq!(d(r#"{"messages": []}"#), Some(Format::Chat));
        assert_eq!(
            d(r#"{"prompt": "a", "completion": "b"}"#),
            Some(Format::Completion)
        );
        assert_eq!(d(r#"{"completion": "b"}"#), Some(Format::Completion));
        assert_eq!(
            d(r#"{"input": {"messages": []}, "preferred_output": [], "non_preferred_output": []}"#),
            Some(Format::Preference)
        );
        assert_eq!(
            d(r#"{"preferred_output": [], "non_preferred_output": []}"#),
            Some(Format::Preference)
        );
        assert_eq!(
            d(r#"{"input": {"messages": []}}"#),
            Some(Format::Preference)
        );
        assert_eq!(d(r#"{"messages": [], "input": "x"}"#), Some(Format::Chat));
        assert_eq!(d(r#"{"text": "x"}"#), None);
    }

    /// What makes a line Bedrock, and what keeps an OpenAI chat line chat.
    #[test]
    fn detects_bedrock_conversation() {
        const B: Option<Format> = Some(Format::BedrockConversation);
        const CHAT: Option<Format> = Some(Format::Chat);
        let table: &[(&str, Option<Format>)] = &[
            // The version key alone decides, whatever else the line holds.
            (
                r#"{"schemaVersion": "bedrock-conversation-2024", "messages": []}"#,
                B,
            ),
            (r#"{"schemaVersion": 7}"#, B),
            (r#"{"schemaVersion": "x", "preferred_output": []}"#, B),
            (r#"{"toolConfig": {"tools": []}, "messages": []}"#, B),
            // A `system` list.
            (r#"{"system": [{"text": "s"}], "messages": []}"#, B),
            (r#"{"system": [], "messages": "x"}"#, B),
            // Typeless blocks in a message's content.
            (
                r#"{"messages": [{"role": "user", "content": [{"text": "hi"}]}]}"#,
                B,
            ),
            (
                r#"{"messages": [{"role": "user", "content": [{"image": {}}]}]}"#,
                B,
            ),
            (
                r#"{"messages": [{"role": "assistant", "content": [{"reasoningContent": {}}, {"text": "a"}]}]}"#,
                B,
            ),
            // OpenAI chat: string content, typed parts, a `system` message, a stray string
            // `system` key (C002), typed parts with a wrong type.
            (r#"{"messages": [{"role": "user", "content": "hi"}]}"#, CHAT),
            (
                r#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}"#,
                CHAT,
            ),
            (
                r#"{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}"#,
                CHAT,
            ),
            (
                r#"{"messages": [{"role": "system", "content": "s"}]}"#,
                CHAT,
            ),
            (r#"{"system": "s", "messages": []}"#, CHAT),
            (
                r#"{"messages": [{"role": "user", "content": [{"type": "txt", "text": "hi"}]}]}"#,
                CHAT,
            ),
            // Content lists of no block shape stay chat (C007 says what is wrong).
            (
                r#"{"messages": [{"role": "user", "content": ["hi"]}]}"#,
                CHAT,
            ),
            (
                r#"{"messages": [{"role": "user", "content": [{"url": "x"}]}]}"#,
                CHAT,
            ),
            (r#"{"messages": [{"role": "user", "content": []}]}"#, CHAT),
            (r#"{"system": [{"text": "s"}]}"#, B),
            (
                r#"{"prompt": "p", "completion": "c"}"#,
                Some(Format::Completion),
            ),
        ];
        for (line, want) in table {
            assert_eq!(d(line), *want, "{line}");
        }
    }

    #[test]
    fn bedrock_names() {
        let f = Format::BedrockConversation;
        assert_eq!(f.as_str(), "bedrock-conversation");
        assert_eq!(serde_json::to_value(f).unwrap(), "bedrock-conversation");
        use clap::ValueEnum;
        assert_eq!(
            f.to_possible_value().unwrap().get_name(),
            "bedrock-conversation"
        );
        assert_eq!(
            serde_json::to_value(Format::Preference).unwrap(),
            "preference"
        );
    }
}
