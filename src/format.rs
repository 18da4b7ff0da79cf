//! Fine-tuning data formats and their auto-detection from a line's top-level keys.

use serde_json::{Map, Value};
use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
    clap::ValueEnum,
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
    /// Vertex AI Gemini supervised tuning: `{"contents": [...], "systemInstruction": {...}}`.
    Gemini,
    /// Amazon Bedrock's conversation record (`schemaVersion` `bedrock-conversation-2024`, used
    /// to fine-tune Amazon Nova): `system` and `messages` of content blocks.
    #[serde(rename = "bedrock-conversation")]
    #[value(name = "bedrock-conversation")]
    BedrockConversation,
    /// Hugging Face TRL language modeling, standard: `{"text": "..."}` (trained on all of it).
    Text,
    /// TRL prompt-completion, conversational: `prompt` and `completion` as lists of messages.
    #[serde(rename = "conversational-completion")]
    #[value(name = "conversational-completion")]
    ConversationalCompletion,
    /// TRL preference: `chosen` and `rejected` (strings or message lists), with an optional
    /// `prompt` (explicit) or none (implicit, inside both).
    #[serde(rename = "chosen-rejected")]
    #[value(name = "chosen-rejected")]
    ChosenRejected,
    /// TRL unpaired preference (KTO, BCO): `prompt`, `completion` and a boolean `label`.
    #[serde(rename = "unpaired-preference")]
    #[value(name = "unpaired-preference")]
    UnpairedPreference,
    /// ShareGPT as LLaMA-Factory reads it: `conversations` of `{from, value}`, `system`, `tools`
    /// (or Axolotl's `{role, content}` variant).
    Sharegpt,
    /// Alpaca as LLaMA-Factory reads it: `instruction`, `input`, `output`, `system`, `history`.
    Alpaca,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Chat => "chat",
            Format::Completion => "completion",
            Format::Preference => "preference",
            Format::Rft => "rft",
            Format::Gemini => "gemini",
            Format::BedrockConversation => "bedrock-conversation",
            Format::Text => "text",
            Format::ConversationalCompletion => "conversational-completion",
            Format::ChosenRejected => "chosen-rejected",
            Format::UnpairedPreference => "unpaired-preference",
            Format::Sharegpt => "sharegpt",
            Format::Alpaca => "alpaca",
        }
    }

    /// Every format, in the order `--format` lists them.
    pub const ALL: [Format; 12] = [
        Format::Chat,
        Format::Completion,
        Format::Preference,
        Format::Rft,
        Format::Gemini,
        Format::BedrockConversation,
        Format::Text,
        Format::ConversationalCompletion,
        Format::ChosenRejected,
        Format::UnpairedPreference,
        Format::Sharegpt,
        Format::Alpaca,
    ];
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

/// The format a detected line is checked as for a target: the detected one, unless the target
/// does not take it but takes a format the same keys could mean — a `messages` line for a
/// target that takes only Bedrock conversation records is such a record missing its
/// `schemaVersion` (B001), not an OpenAI chat line (D008). Never a guess across formats whose
/// keys differ.
pub fn for_target(detected: Format, accepts: impl Fn(Format) -> bool) -> Format {
    if accepts(detected) {
        return detected;
    }
    let siblings: &[Format] = match detected {
        Format::Chat => &[Format::BedrockConversation],
        // `prompt`, `completion` and a `label`: TRL's unpaired preference where the target
        // takes it, else prompt/completion data with one key too many (L002).
        Format::UnpairedPreference => &[Format::Completion],
        _ => &[],
    };
    siblings
        .iter()
        .copied()
        .find(|f| accepts(*f))
        .unwrap_or(detected)
}

/// Which format a line looks like, from its keys alone (values are the rules' business, but
/// for one: TRL's `prompt`/`completion` are a conversational record when either is a list).
/// `None` when no format's signature key is present; such a line is checked as chat, the
/// default, so the user hears which key is missing.
pub fn detect(obj: &Map<String, Value>) -> Option<Format> {
    if is_bedrock(obj) {
        return Some(Format::BedrockConversation);
    }
    // ShareGPT's turns are its own key; a ShareGPT preference record (LLaMA-Factory's ranking
    // data) adds `chosen`/`rejected` to them.
    if obj.contains_key("conversations") {
        return Some(Format::Sharegpt);
    }
    // The outputs are preference's alone; `input` is too, unless `messages` says chat (a chat
    // line with a stray `input` key is a C002, not a different format).
    if obj.contains_key("preferred_output") || obj.contains_key("non_preferred_output") {
        Some(Format::Preference)
    } else if obj.contains_key("messages") {
        Some(Format::Chat)
    } else if is_gemini(obj) {
        // After the keys as specific as its own (`messages`, the preference outputs), before
        // the generic words (`prompt`, `completion`, `input`) that a Gemini line carrying stray
        // metadata may hold: that line is a G002, not prompt/completion data.
        Some(Format::Gemini)
    } else if ["instruction", "output", "history"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        // Alpaca: before `input`, which it shares with OpenAI's preference input (an Alpaca
        // file is never a file of broken preference pairs).
        Some(Format::Alpaca)
    } else if obj.contains_key("chosen") || obj.contains_key("rejected") {
        Some(Format::ChosenRejected)
    } else if obj.contains_key("prompt") || obj.contains_key("completion") {
        if obj.contains_key("label") {
            Some(Format::UnpairedPreference)
        } else if ["prompt", "completion"]
            .iter()
            .any(|k| obj.get(*k).is_some_and(is_message_list))
        {
            Some(Format::ConversationalCompletion)
        } else {
            Some(Format::Completion)
        }
    } else if obj.contains_key("input") {
        Some(Format::Preference)
    } else if obj.contains_key("text") {
        Some(Format::Text)
    } else {
        None
    }
}

/// A non-empty list of objects: messages (a list of strings is a malformed legacy prompt).
fn is_message_list(v: &Value) -> bool {
    v.as_array()
        .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object))
}

/// Gemini's signature keys: `contents`, or a system instruction in either of the spellings
/// the service's JSON parser accepts (proto3 JSON takes the lowerCamelCase and the original
/// snake_case field name).
fn is_gemini(obj: &Map<String, Value>) -> bool {
    ["contents", "systemInstruction", "system_instruction"]
        .iter()
        .any(|k| obj.contains_key(*k))
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
        assert_eq!(d(r#"{"text": "x"}"#), Some(Format::Text));
        assert_eq!(d(r#"{"txt": "x"}"#), None);
    }

    /// The open-model trainers' shapes, and what keeps them apart from OpenAI's.
    #[test]
    fn detects_open_model_formats() {
        use Format::*;
        let table: &[(&str, Format)] = &[
            // Alpaca, whatever its optional keys; `input` does not make it preference data.
            (
                r#"{"instruction": "a", "input": "b", "output": "c"}"#,
                Alpaca,
            ),
            (r#"{"instruction": "a", "output": "c"}"#, Alpaca),
            (r#"{"input": "b", "output": "c"}"#, Alpaca),
            (r#"{"history": [], "output": "c"}"#, Alpaca),
            // ShareGPT, in both tag styles, with LLaMA-Factory's preference keys.
            (
                r#"{"conversations": [{"from": "human", "value": "a"}]}"#,
                Sharegpt,
            ),
            (
                r#"{"conversations": [{"role": "user", "content": "a"}], "system": "s"}"#,
                Sharegpt,
            ),
            (
                r#"{"conversations": [], "chosen": {}, "rejected": {}}"#,
                Sharegpt,
            ),
            // TRL.
            (r#"{"text": "The sky is blue."}"#, Text),
            (
                r#"{"prompt": [{"role": "user", "content": "a"}], "completion": [{"role": "assistant", "content": "b"}]}"#,
                ConversationalCompletion,
            ),
            (
                r#"{"prompt": "a", "completion": [{"role": "assistant", "content": "b"}]}"#,
                ConversationalCompletion,
            ),
            (r#"{"prompt": "a", "completion": " b"}"#, Completion),
            (
                r#"{"prompt": "a", "chosen": " b", "rejected": " c"}"#,
                ChosenRejected,
            ),
            (r#"{"chosen": "a b", "rejected": "a c"}"#, ChosenRejected),
            (r#"{"chosen": []}"#, ChosenRejected),
            (
                r#"{"prompt": "a", "completion": " b", "label": true}"#,
                UnpairedPreference,
            ),
            (
                r#"{"prompt": [], "completion": [], "label": "yes"}"#,
                UnpairedPreference,
            ),
            // A list of strings is a malformed legacy prompt (L001), not messages.
            (r#"{"prompt": ["a", "b"], "completion": " c"}"#, Completion),
            (r#"{"prompt": [], "completion": " c"}"#, Completion),
            // OpenAI's keys still win where they are present.
            (r#"{"messages": [], "text": "x"}"#, Chat),
            (
                r#"{"input": {"messages": []}, "preferred_output": [], "chosen": "x"}"#,
                Preference,
            ),
            (r#"{"input": {"messages": []}}"#, Preference),
        ];
        for (line, want) in table {
            assert_eq!(d(line), Some(*want), "{line}");
        }
    }

    #[test]
    fn a_target_may_read_messages_as_bedrock() {
        let only_bedrock = |f: Format| f == Format::BedrockConversation;
        assert_eq!(
            for_target(Format::Chat, only_bedrock),
            Format::BedrockConversation
        );
        assert_eq!(for_target(Format::Chat, |_| true), Format::Chat);
        // No sibling accepted: the detected format stands (and D008 says so).
        assert_eq!(
            for_target(Format::Completion, only_bedrock),
            Format::Completion
        );
        assert_eq!(
            for_target(Format::Chat, |f| f == Format::Gemini),
            Format::Chat
        );
        // A `label` beside prompt/completion is TRL's unpaired preference only where it is taken.
        let openai = |f: Format| matches!(f, Format::Chat | Format::Completion);
        assert_eq!(
            for_target(Format::UnpairedPreference, openai),
            Format::Completion
        );
        assert_eq!(
            for_target(Format::UnpairedPreference, |_| true),
            Format::UnpairedPreference
        );
    }

    #[test]
    fn detects_gemini() {
        let gemini = Some(Format::Gemini);
        assert_eq!(
            d(r#"{"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}"#),
            gemini
        );
        // A system instruction alone says Gemini, in either spelling (the user hears that
        // `contents` is missing, G001).
        assert_eq!(d(r#"{"systemInstruction": {"parts": []}}"#), gemini);
        assert_eq!(d(r#"{"system_instruction": {"parts": []}}"#), gemini);
        // Over the generic keys of other formats: a stray `completion` or `input` on a Gemini
        // line is an unknown key, not another format.
        assert_eq!(d(r#"{"contents": [], "completion": "x"}"#), gemini);
        assert_eq!(d(r#"{"contents": [], "prompt": "x"}"#), gemini);
        assert_eq!(d(r#"{"contents": [], "input": {}}"#), gemini);
        // Not over the keys as specific as its own.
        assert_eq!(d(r#"{"messages": [], "contents": []}"#), Some(Format::Chat));
        assert_eq!(
            d(r#"{"systemInstruction": {}, "messages": []}"#),
            Some(Format::Chat)
        );
        assert_eq!(
            d(r#"{"contents": [], "preferred_output": []}"#),
            Some(Format::Preference)
        );
        // Near misses are not Gemini.
        assert_eq!(d(r#"{"content": []}"#), None);
        assert_eq!(d(r#"{"system": "x"}"#), None);
        assert_eq!(Format::Gemini.as_str(), "gemini");
        assert_eq!(
            serde_json::to_string(&Format::Gemini).unwrap(),
            r#""gemini""#
        );
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
